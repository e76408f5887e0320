//! Health, version and reference data.

use axum::Json;
use axum::extract::State;

use crate::AppState;
use crate::error::ApiError;
use crate::views::{Health, VersionInfo};

/// Whether the service and its database answer, and the database holds a whole scenario; with
/// the world's generation in the database and in this server.
#[utoipa::path(get, path = "/api/v1/health", tag = "meta",
    responses((status = 200, body = Health), (status = 503, body = crate::error::ErrorBody)))]
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let store = state.store();
    let unavailable = |e: truce_store::StoreError| ApiError::Unavailable(e.to_string());
    let generation = store.world_generation().await.map_err(unavailable)?;
    // Seeding is one transaction, so a database with an agreement holds the whole scenario.
    if generation < 1 || !store.is_seeded().await.map_err(unavailable)? {
        return Err(ApiError::Unavailable(
            "the database holds no scenario: it has not been seeded".to_owned(),
        ));
    }
    Ok(Json(Health {
        status: "ok".to_owned(),
        database: store.backend().as_str().to_owned(),
        generation,
        served_generation: state.world().generation,
    }))
}

/// The release, the database backend and the scenario.
#[utoipa::path(get, path = "/api/v1/version", tag = "meta", responses((status = 200, body = VersionInfo)))]
pub async fn version(State(state): State<AppState>) -> Json<VersionInfo> {
    let world = state.world();
    Json(VersionInfo {
        name: "truce".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        database: state.store().backend().as_str().to_owned(),
        scenario: state.base().id.clone(),
        agreement: world.scenario.agreement.id.clone(),
    })
}
