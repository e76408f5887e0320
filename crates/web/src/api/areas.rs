//! The control map: area versions as GeoJSON features.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use truce_core::change::WorldChange;
use truce_core::control::AreaVersion;
use truce_service::{Applied, Command};

use super::{execute, render_json, reply};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Caller, JsonBody, Query};

/// A version as a GeoJSON feature.
fn feature(version: &AreaVersion, with_geometry: bool) -> Value {
    let geometry = if with_geometry {
        serde_json::to_value(geojson::Geometry::from(&*version.shape)).unwrap_or(Value::Null)
    } else {
        Value::Null
    };
    json!({
        "type": "Feature",
        "id": version.id.as_ref(),
        "geometry": geometry,
        "properties": {
            "id": version.id.as_ref(),
            "name": version.name,
            "contributor": version.contributor.as_ref(),
            "agreed_by": version.agreed_by.as_str(),
            "controller": version.controller.to_string(),
            "secondary_controller": version.secondary_controller,
            "comingled": version.comingled,
            "valid_from": version.valid_from.to_rfc3339(),
            "valid_to": version.valid_to.map(|t| t.to_rfc3339()),
            "admin3_pcode": version.admin3_pcode.as_deref(),
            "approximate": version.approximate,
            "confidence": version.confidence,
            "basis": version.basis,
        }
    })
}

/// Filters for `GET /areas`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AreaListQuery {
    /// Only versions in force at this instant (RFC 3339).
    pub at: Option<DateTime<Utc>>,
    /// Include geometries (default true; false gives a light list).
    pub geometry: Option<bool>,
}

/// Every control-map version as a GeoJSON FeatureCollection. Versions of the demonstration
/// scenario are marked `approximate`.
#[utoipa::path(get, path = "/api/v1/areas", tag = "areas", params(AreaListQuery),
    responses((status = 200, description = "GeoJSON FeatureCollection", body = Object), (status = 400, body = crate::error::ErrorBody)))]
pub async fn list_areas(
    State(state): State<AppState>,
    Query(query): Query<AreaListQuery>,
) -> Result<Response, ApiError> {
    let world = state.world();
    let with_geometry = query.geometry.unwrap_or(true);
    let features: Vec<Value> = world
        .scenario
        .control
        .versions()
        .iter()
        .filter(|version| query.at.is_none_or(|at| version.in_force_at(at)))
        .map(|version| feature(version, with_geometry))
        .collect();
    reply(
        StatusCode::OK,
        &json!({"type": "FeatureCollection", "features": features}),
    )
}

/// The point and instant for `GET /areas/at`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AreaAtQuery {
    /// Latitude.
    #[param(minimum = -90, maximum = 90)]
    pub lat: f64,
    /// Longitude.
    #[param(minimum = -180, maximum = 180)]
    pub lon: f64,
    /// Instant, RFC 3339 (default: now).
    pub t: Option<DateTime<Utc>>,
}

/// Every version in force at the point and instant; rival maps all appear.
#[utoipa::path(get, path = "/api/v1/areas/at", tag = "areas", params(AreaAtQuery),
    responses((status = 200, description = "GeoJSON FeatureCollection", body = Object), (status = 400, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn areas_at(
    State(state): State<AppState>,
    Query(query): Query<AreaAtQuery>,
) -> Result<Response, ApiError> {
    if !(-90.0..=90.0).contains(&query.lat) || !(-180.0..=180.0).contains(&query.lon) {
        return Err(ApiError::invalid(format!(
            "({}, {}) is not a position",
            query.lat, query.lon
        )));
    }
    let world = state.world();
    let instant = query.t.unwrap_or_else(Utc::now);
    let features: Vec<Value> = world
        .scenario
        .control
        .at(query.lon, query.lat, instant)
        .into_iter()
        .map(|version| feature(version, false))
        .collect();
    reply(
        StatusCode::OK,
        &json!({"type": "FeatureCollection", "features": features}),
    )
}

/// Adds a control-map version: a GeoJSON Feature whose properties carry `id`, `contributor`,
/// `agreed_by` (`joint`, `us`, `ru`, `none`), `valid_from`, optional `valid_to`, `layer` and
/// `approximate`, and the area fields (`controller`, `secondary_controller`, `comingled`,
/// `confidence`, `basis`). Give a Polygon/MultiPolygon geometry, or null with `admin3_pcode`.
/// Incidents in the area are re-classified.
#[utoipa::path(post, path = "/api/v1/areas", tag = "areas", request_body = Object,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry key")),
    responses((status = 201, body = Object), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_area(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody<Value>,
) -> Result<Response, ApiError> {
    let layer = as_layer(body.value)?;
    let render = render_json(StatusCode::CREATED, |applied, world| match applied {
        Applied::World {
            change: WorldChange::Area(version),
            reclassified,
        } => world
            .scenario
            .control
            .versions()
            .iter()
            .find(|v| v.id == version.id)
            .map(|stored| json!({"area": feature(stored, true), "reclassified": reclassified})),
        _ => None,
    });
    let command = Command::AddAreaVersion { layer };
    execute(&state, caller.request(&body.hash), command, render).await
}

/// Turns a submitted Feature into a one-feature control layer.
fn as_layer(feature: Value) -> Result<Value, ApiError> {
    let Value::Object(mut feature) = feature else {
        return Err(ApiError::invalid("the body must be a GeoJSON Feature"));
    };
    if feature.get("type").and_then(Value::as_str) != Some("Feature") {
        return Err(ApiError::invalid(
            "the body must be a GeoJSON Feature (\"type\": \"Feature\")",
        ));
    }
    let Some(Value::Object(mut properties)) = feature.remove("properties") else {
        return Err(ApiError::invalid("the Feature needs properties"));
    };
    let mut meta = serde_json::Map::new();
    for key in [
        "contributor",
        "agreed_by",
        "valid_from",
        "valid_to",
        "approximate",
    ] {
        if let Some(value) = properties.remove(key) {
            meta.insert(key.to_owned(), value);
        }
    }
    let layer_id = properties
        .remove("layer")
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "api".to_owned());
    meta.insert("id".to_owned(), Value::String(layer_id));
    meta.entry("approximate").or_insert(Value::Bool(false));
    if properties.get("id").is_none() && properties.get("admin3_pcode").is_none() {
        return Err(ApiError::invalid(
            "give the version an \"id\" property (or an admin3_pcode)",
        ));
    }
    let geometry = feature.remove("geometry").unwrap_or(Value::Null);
    Ok(json!({
        "type": "FeatureCollection",
        "truce_layer": meta,
        "features": [{"type": "Feature", "geometry": geometry, "properties": properties}]
    }))
}
