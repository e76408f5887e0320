//! The OpenAPI description of the API, generated from the handlers and types. A copy is kept in
//! `docs/openapi.json`, and a test fails when the two drift apart.

use axum::Json;
use utoipa::OpenApi;

/// The API's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "Truce API", description = "Ceasefire monitoring and humanitarian access: the agreement's terms, actors, the control map, and incidents classified against the terms."),
    paths(
        crate::api::health, crate::api::version, crate::api::besieged,
        crate::api::list_agreements, crate::api::get_agreement, crate::api::create_agreement,
        crate::api::list_actors, crate::api::get_actor, crate::api::create_actor,
        crate::api::list_designations, crate::api::create_designation,
        crate::api::list_commitments, crate::api::put_commitment,
        crate::api::list_areas, crate::api::areas_at, crate::api::create_area,
        crate::api::create_incident, crate::api::list_incidents, crate::api::get_incident,
        crate::api::list_reports, crate::api::create_report, crate::api::extract_draft,
        crate::api::list_changes,
    ),
    components(schemas(crate::error::ErrorBody)),
    tags(
        (name = "meta", description = "Health, version and the change log"),
        (name = "agreements", description = "The terms as data"),
        (name = "actors", description = "Parties, designations and commitments"),
        (name = "areas", description = "The time-versioned control map"),
        (name = "incidents", description = "Incidents, reports and assessments"),
        (name = "humanitarian", description = "Besieged locations"),
    )
)]
pub struct ApiDoc;

/// The document as pretty JSON, as committed in docs/openapi.json.
pub fn document() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}

/// `GET /api/v1/openapi.json`.
pub async fn serve() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
