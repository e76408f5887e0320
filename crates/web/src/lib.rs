//! Truce's HTTP service: the JSON API under `/api/v1`.
//!
//! [`router`] builds the whole service from an [`AppState`]; the binary serves it, and tests
//! drive it in process with `tower::ServiceExt::oneshot`. Handlers are thin: they parse the
//! request into a command, hand it to the one door (`truce-service`) and render the reply;
//! reads go to the store and the world directly.

pub mod access;
pub mod api;
pub mod auth;
mod cache;
pub mod error;
pub mod extract;
mod geography;
mod headers;
pub mod openapi;
pub mod pages;
mod throttle;
pub mod views;
pub mod visibility;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Extension};
use axum::response::IntoResponse;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;
use truce_core::ScenarioFiles;
use truce_core::scenario::ScenarioParts;
use truce_service::world::World;
use truce_service::{Service, ServiceError};
use truce_store::Store;

use crate::error::ApiError;
use crate::extract::BodyLimit;

/// Default limit on request bodies: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1 << 20;

/// Everything a request handler needs.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    service: Service,
    body_limit: usize,
    security: Security,
    caches: PageCaches,
    throttle: throttle::WriteLimiter,
    geography: geography::Geography,
}

/// How a deployment guards itself (`truce serve` options).
#[derive(Debug, Clone)]
pub struct Security {
    /// How much of incidents the public sees (`--public`).
    pub public: truce_core::access::PublicIncidents,
    /// Mark cookies `Secure` (`--secure-cookies`; also when the proxy says `https`).
    pub secure_cookies: bool,
    /// Admins and co-chairs must enrol and give a second factor (`--require-2fa`).
    pub require_second_factor: bool,
    /// The names this server answers to (`--allowed-host`); empty: `localhost` and any IP
    /// address, which is enough to refuse a DNS-rebinding name.
    pub allowed_hosts: Vec<String>,
    /// Writes a second per principal, with bursts of as many again (0: no limit).
    pub write_rate: u32,
    /// Failed sign-ins a minute per account and per address before 429.
    pub login_failures_per_minute: i64,
    /// A demonstration: pages say so.
    pub demo: bool,
    /// The instant the pages treat as now (ms), for a demonstration of past events; `None`:
    /// the server's clock.
    pub fixed_now: Option<i64>,
}

/// Writes a second per principal by default.
pub const DEFAULT_WRITE_RATE: u32 = 100;

impl Default for Security {
    fn default() -> Self {
        Security {
            public: truce_core::access::PublicIncidents::Coarse,
            secure_cookies: false,
            require_second_factor: false,
            allowed_hosts: Vec::new(),
            write_rate: DEFAULT_WRITE_RATE,
            login_failures_per_minute: 20,
            demo: false,
            fixed_now: None,
        }
    }
}

/// What pages keep between requests.
pub(crate) struct PageCaches {
    /// Drawn area layers (control, admin): they change only with the world's generation.
    pub area_layers: cache::Cache<str>,
    /// Drawn incident layers by data version. The version is the store's latest assessment, so
    /// any write changes it; the age limit bounds what a write racing on another server (whose
    /// sequence number came earlier) can leave unseen.
    pub incident_layers: cache::Cache<str>,
    /// Dashboard counts by data version and instant, with the same age limit.
    pub counts: cache::Cache<pages::DashboardCounts>,
}

/// How long a value that depends on incidents may be served from a cache.
const INCIDENT_CACHE_AGE: std::time::Duration = std::time::Duration::from_secs(5);

impl PageCaches {
    fn new() -> Self {
        PageCaches {
            area_layers: cache::Cache::new(256, None),
            incident_layers: cache::Cache::new(64, Some(INCIDENT_CACHE_AGE)),
            counts: cache::Cache::new(64, Some(INCIDENT_CACHE_AGE)),
        }
    }
}

impl AppState {
    /// Starts the service on `store` (seeding an empty database from `files`).
    pub async fn new(
        store: Store,
        files: &dyn ScenarioFiles,
        body_limit: usize,
    ) -> Result<AppState, ServiceError> {
        Ok(AppState::with_service(
            Service::start(store, files).await?,
            body_limit,
        ))
    }

    /// Serves an already started service with the default [`Security`].
    pub fn with_service(service: Service, body_limit: usize) -> AppState {
        AppState::configured(service, body_limit, Security::default())
    }

    /// Serves an already started service.
    pub fn configured(service: Service, body_limit: usize, security: Security) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                service,
                body_limit,
                throttle: throttle::WriteLimiter::new(security.write_rate),
                security,
                caches: PageCaches::new(),
                geography: geography::Geography::new(),
            }),
        }
    }

    /// How the deployment guards itself.
    pub fn security(&self) -> &Security {
        &self.inner.security
    }

    /// The limit on request bodies.
    pub fn body_limit(&self) -> usize {
        self.inner.body_limit
    }

    /// The country's boundaries' facts.
    pub(crate) fn geography(&self) -> &geography::Geography {
        &self.inner.geography
    }

    /// The per-principal limit on writes.
    pub(crate) fn throttle(&self) -> &throttle::WriteLimiter {
        &self.inner.throttle
    }

    /// The pages' caches.
    pub(crate) fn caches(&self) -> &PageCaches {
        &self.inner.caches
    }

    /// The door for every change.
    pub fn service(&self) -> &Service {
        &self.inner.service
    }

    /// The store, for reading.
    pub fn store(&self) -> &Store {
        self.inner.service.store()
    }

    /// The world as of this request (the router checks it against the database first).
    pub fn world(&self) -> Arc<World> {
        self.inner.service.cached_world()
    }

    pub(crate) fn base(&self) -> &ScenarioParts {
        self.inner.service.base()
    }
}

/// Brings the world up to date before each request: a change made through another server is
/// seen within a quarter of a second (at once on PostgreSQL, which announces it). A database
/// that does not answer leaves the world as it was; the request then fails on its own.
async fn follow_world(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if let Err(error) = state.service().world().await {
        tracing::warn!(%error, "could not check the world's generation");
    }
    next.run(request).await
}

/// The whole HTTP service. Layers, outermost first: tracing, compression, panics, the body
/// limit, security headers and the Host check, the world's generation, authentication (with
/// the CSRF check); then, on each matched route, the access table and the write limit.
pub fn router(state: AppState) -> Router {
    let limit = state.inner.body_limit;
    let guarded = |routes: Router<AppState>| {
        routes
            .route_layer(axum::middleware::from_fn_with_state(
                state.clone(),
                throttle::limit_writes,
            ))
            .route_layer(axum::middleware::from_fn_with_state(
                state.clone(),
                access::guard,
            ))
    };
    Router::new()
        .nest("/api/v1", guarded(api::router()))
        .merge(
            guarded(pages::router()).layer(axum::middleware::from_fn_with_state(
                state.clone(),
                pages::as_pages,
            )),
        )
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            follow_world,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            headers::protect,
        ))
        .layer(Extension(BodyLimit(limit)))
        .layer(DefaultBodyLimit::max(limit))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::Internal("a handler panicked".to_owned()).into_response()
        }))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Nothing at this address: a JSON error under `/api`, a page elsewhere.
async fn not_found(
    axum::extract::State(state): axum::extract::State<AppState>,
    auth: auth::Authenticated,
    headers: axum::http::HeaderMap,
    uri: axum::http::Uri,
) -> axum::response::Response {
    let message = "no such resource";
    if uri.path().starts_with("/api/") {
        return ApiError::NotFound(message.to_owned()).into_response();
    }
    pages::error_page(
        &state,
        &auth,
        &headers,
        axum::http::StatusCode::NOT_FOUND,
        message,
        uri.path(),
    )
}
