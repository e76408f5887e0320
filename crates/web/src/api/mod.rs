//! The JSON API under `/api/v1`.

mod actors;
mod agreements;
mod areas;
mod drafts;
mod incidents;
mod meta;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use truce_core::classify;
use truce_store::Reassessment;

use crate::AppState;
use crate::error::ApiError;
use crate::views::{AssessmentView, IncidentView};
use crate::world::{core_incident, reports_by_incident};

pub use actors::*;
pub use agreements::*;
pub use areas::*;
pub use drafts::*;
pub use incidents::*;
pub use meta::*;

/// The routes under `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/version", get(version))
        .route("/openapi.json", get(crate::openapi::serve))
        .route("/agreements", get(list_agreements).post(create_agreement))
        .route("/agreements/{id}", get(get_agreement))
        .route("/actors", get(list_actors).post(create_actor))
        .route("/actors/{id}", get(get_actor))
        .route(
            "/actors/{id}/designations",
            get(list_designations).post(create_designation),
        )
        .route(
            "/actors/{id}/commitments",
            get(list_commitments).post(put_commitment),
        )
        .route("/areas", get(list_areas).post(create_area))
        .route("/areas/at", get(areas_at))
        .route("/incidents", get(list_incidents).post(create_incident))
        .route("/incidents/{id}", get(get_incident))
        .route(
            "/incidents/{id}/reports",
            get(list_reports).post(create_report),
        )
        .route("/besieged", get(besieged))
        .route("/extract", axum::routing::post(extract_draft))
        .method_not_allowed_fallback(method_not_allowed)
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// A 422 for a change that would make the scenario unsound, listing every problem; the code
/// says `unknown_actor` when one of them is a reference to a missing actor.
pub(crate) fn invalid_scenario(errors: truce_core::ScenarioErrors) -> ApiError {
    let problems: Vec<String> = errors
        .0
        .iter()
        .map(|e| {
            if e.location.is_empty() {
                e.reason.clone()
            } else {
                format!("{}: {}", e.location, e.reason)
            }
        })
        .collect();
    let code = if problems.iter().any(|p| p.contains("unknown actor")) {
        "unknown_actor"
    } else {
        "invalid_value"
    };
    ApiError::Invalid {
        code,
        message: problems.join("; "),
    }
}

/// A JSON reply with a status.
pub(crate) fn reply(
    status: StatusCode,
    body: &impl serde::Serialize,
) -> Result<Response, ApiError> {
    let text = serde_json::to_string(body)
        .map_err(|e| ApiError::Internal(format!("serialising a reply: {e}")))?;
    Ok(raw_reply(status, text))
}

pub(crate) fn raw_reply(status: StatusCode, text: String) -> Response {
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        text,
    )
        .into_response()
}

/// Looks up an idempotency key: the first reply when the body is the same, a conflict when it
/// is not, nothing when the key is new.
pub(crate) async fn replay(
    state: &AppState,
    key: &Option<String>,
    hash: &str,
) -> Result<Option<Response>, ApiError> {
    let Some(key) = key else { return Ok(None) };
    match state.store().idempotent_reply(key).await? {
        Some(stored) if stored.request_hash == hash => {
            let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
            Ok(Some(raw_reply(status, stored.response)))
        }
        Some(_) => Err(ApiError::IdempotencyKeyReused),
        None => Ok(None),
    }
}

/// Records the reply to an idempotent request that wrote something other than an incident.
pub(crate) async fn remember(
    state: &AppState,
    key: &Option<String>,
    hash: &str,
    status: StatusCode,
    body: &impl serde::Serialize,
) -> Result<Response, ApiError> {
    let response = serde_json::to_string(body).map_err(|e| ApiError::Internal(e.to_string()))?;
    if let Some(key) = key {
        state
            .store()
            .remember_reply(&truce_store::IdempotencyRecord {
                key: key.clone(),
                request_hash: hash.to_owned(),
                status: status.as_u16(),
                response: response.clone(),
            })
            .await?;
    }
    Ok(raw_reply(status, response))
}

/// Re-classifies the stored incidents in `bbox` (all when `None`) against the current world,
/// and stores a new assessment for each one whose assessment changed. Returns how many changed.
pub(crate) async fn reclassify(
    state: &AppState,
    bbox: Option<[f64; 4]>,
    cause: &str,
) -> Result<usize, ApiError> {
    let world = state.world();
    let records = state.store().incidents_for_review(bbox).await?;
    let mut sources = reports_by_incident(state.store().all_report_bodies().await?);
    let mut changes = Vec::new();
    for record in records {
        let view: IncidentView = serde_json::from_str(&record.body)
            .map_err(|e| ApiError::Internal(format!("stored incident {}: {e}", record.id)))?;
        let incident = core_incident(&view, sources.remove(&record.seq).unwrap_or_default())
            .map_err(|e| ApiError::Internal(format!("stored incident {}: {e}", record.id)))?;
        let assessment = AssessmentView::from(&classify(&incident, &world.scenario));
        let current: Option<AssessmentView> = serde_json::from_str(&record.assessment).ok();
        if current.as_ref() != Some(&assessment) {
            changes.push(Reassessment {
                incident_seq: record.seq,
                cause: cause.to_owned(),
                labels: assessment.labels.clone(),
                assessment: serde_json::to_string(&assessment)
                    .map_err(|e| ApiError::Internal(e.to_string()))?,
            });
        }
    }
    state.store().replace_assessments(&changes).await?;
    Ok(changes.len())
}
