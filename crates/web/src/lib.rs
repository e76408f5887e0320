//! Truce's HTTP service: the JSON API under `/api/v1`.
//!
//! [`router`] builds the whole service from an [`AppState`]; the binary serves it, and tests
//! drive it in process with `tower::ServiceExt::oneshot`. Handlers are thin: they parse the
//! request into a command, hand it to the one door (`truce-service`) and render the reply;
//! reads go to the store and the world directly.

pub mod api;
mod cache;
pub mod error;
pub mod extract;
pub mod openapi;
pub mod pages;
pub mod views;

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
    caches: PageCaches,
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
    pub counts: cache::Cache<Vec<truce_store::IncidentCount>>,
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

    /// Serves an already started service.
    pub fn with_service(service: Service, body_limit: usize) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                service,
                body_limit,
                caches: PageCaches::new(),
            }),
        }
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

/// The whole HTTP service.
pub fn router(state: AppState) -> Router {
    let limit = state.inner.body_limit;
    Router::new()
        .nest("/api/v1", api::router())
        .merge(pages::router())
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            follow_world,
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

async fn not_found() -> ApiError {
    ApiError::NotFound("no such resource".to_owned())
}
