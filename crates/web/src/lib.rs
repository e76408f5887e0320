//! Truce's HTTP service: the JSON API under `/api/v1`.
//!
//! [`router`] builds the whole service from an [`AppState`]; the binary serves it, and tests
//! drive it in process with `tower::ServiceExt::oneshot`. Handlers are thin: they extract and
//! check input, call `truce-core` to classify and the store to persist, and map the result.

pub mod api;
mod cache;
pub mod error;
pub mod extract;
pub mod openapi;
pub mod pages;
pub mod views;
pub mod world;
mod writer;

use std::sync::{Arc, RwLock};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Extension};
use axum::response::IntoResponse;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;
use truce_core::ScenarioFiles;
use truce_core::scenario::ScenarioParts;
use truce_store::Store;

use crate::error::ApiError;
use crate::extract::BodyLimit;
use crate::world::{World, WorldError};
pub use crate::writer::IncidentWriter;

/// Default limit on request bodies: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1 << 20;

/// Everything a request handler needs.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    base: ScenarioParts,
    world: RwLock<Arc<World>>,
    /// Serialises changes to the terms, actors and map (each rebuilds the world).
    admin: tokio::sync::Mutex<()>,
    writer: IncidentWriter,
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
    /// Seeds an empty database from `files`, loads the world and starts the incident writer.
    pub async fn new(
        store: Store,
        files: &dyn ScenarioFiles,
        body_limit: usize,
    ) -> Result<AppState, WorldError> {
        let base = world::base_parts(files)?;
        world::seed_if_empty(&store, files, &base).await?;
        let world = world::load_world(&store, &base).await?;
        let writer = IncidentWriter::start(store.clone());
        Ok(AppState {
            inner: Arc::new(Inner {
                store,
                base,
                world: RwLock::new(Arc::new(world)),
                admin: tokio::sync::Mutex::new(()),
                writer,
                body_limit,
                caches: PageCaches::new(),
            }),
        })
    }

    /// The pages' caches.
    pub(crate) fn caches(&self) -> &PageCaches {
        &self.inner.caches
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The current world.
    pub fn world(&self) -> Arc<World> {
        match self.inner.world.read() {
            Ok(world) => Arc::clone(&world),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    fn set_world(&self, world: World) {
        let mut slot = match self.inner.world.write() {
            Ok(slot) => slot,
            Err(poisoned) => poisoned.into_inner(),
        };
        *slot = Arc::new(world);
    }

    pub(crate) fn base(&self) -> &ScenarioParts {
        &self.inner.base
    }

    pub(crate) fn writer(&self) -> &IncidentWriter {
        &self.inner.writer
    }

    pub(crate) async fn admin_lock(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.inner.admin.lock().await
    }

    /// Reloads the world from the database after a change.
    pub(crate) async fn reload(&self) -> Result<Arc<World>, ApiError> {
        let world = world::load_world(&self.inner.store, &self.inner.base)
            .await
            .map_err(|error| ApiError::Internal(format!("rebuilding the world: {error}")))?;
        self.set_world(world);
        Ok(self.world())
    }
}

/// The whole HTTP service.
pub fn router(state: AppState) -> Router {
    let limit = state.inner.body_limit;
    Router::new()
        .nest("/api/v1", api::router())
        .merge(pages::router())
        .fallback(not_found)
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
