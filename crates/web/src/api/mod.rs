//! The JSON API under `/api/v1`.

mod accounts;
mod actors;
mod agreements;
mod areas;
mod cases;
mod changes;
mod drafts;
mod humanitarian;
mod incidents;
mod ledger;
mod meta;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use truce_service::world::World;
use truce_service::{Applied, Command, Render, Reply, Request, ServiceError};

use crate::AppState;
use crate::error::ApiError;

pub use accounts::*;
pub use actors::*;
pub use agreements::*;
pub use areas::*;
pub use cases::*;
pub use changes::*;
pub use drafts::*;
pub use humanitarian::*;
pub use incidents::*;
pub use ledger::*;
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
        .route("/changes", get(list_changes))
        .route("/ledger/keys", get(ledger_keys))
        .route("/cases", get(list_cases).post(open_case))
        .route("/cases/summary", get(case_summary))
        .route("/cases/{id}", get(get_case))
        .route("/cases/{id}/incidents", axum::routing::post(merge_incident))
        .route("/cases/{id}/actions", axum::routing::post(act_on_case))
        .route("/docket", get(get_docket))
        .route("/inbox", get(get_inbox))
        .route("/escalations", axum::routing::post(decide_escalation))
        .route("/besieged", get(besieged).post(create_location))
        .route("/besieged/{id}", get(get_location))
        .route(
            "/besieged/{id}/classifications",
            get(list_classifications).post(create_classification),
        )
        .route(
            "/besieged/{id}/estimates",
            get(list_estimates).post(create_estimate),
        )
        .route("/convoys", get(list_convoys).post(create_convoy))
        .route("/convoys/{id}", get(get_convoy))
        .route(
            "/convoys/{id}/transitions",
            axum::routing::post(move_convoy),
        )
        .route("/convoys/{id}/attacks", axum::routing::post(record_attack))
        .route(
            "/air-operations",
            get(list_air_operations).post(create_air_operation),
        )
        .route("/air-operations/{id}", get(get_air_operation))
        .route(
            "/air-operations/{id}/transitions",
            axum::routing::post(move_air_operation),
        )
        .route("/humanitarian/scorecard", get(get_scorecard))
        .route("/extract", axum::routing::post(extract_draft))
        .route("/me", get(me))
        .route("/users", get(list_users).post(add_user))
        .route("/users/{name}/disable", axum::routing::post(disable_user))
        .route("/tokens", get(list_tokens).post(create_token))
        .route("/tokens/{id}", axum::routing::delete(revoke_token))
        .method_not_allowed_fallback(method_not_allowed)
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
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

/// Executes a command through the door and answers with its reply (the first one, for a retry
/// with the same key).
pub(crate) async fn execute(
    state: &AppState,
    request: Request,
    command: Command,
    render: Render,
) -> Result<Response, ApiError> {
    let outcome = state.service().execute(request, command, render).await?;
    let status = StatusCode::from_u16(outcome.reply.status).unwrap_or(StatusCode::OK);
    Ok(raw_reply(status, outcome.reply.body))
}

/// A renderer answering `status` with the JSON `body` makes of what was applied.
pub(crate) fn render_json<F, T>(status: StatusCode, body: F) -> Render
where
    F: Fn(&Applied, &World) -> Option<T> + Send + Sync + 'static,
    T: serde::Serialize,
{
    std::sync::Arc::new(move |applied: &Applied, world: &World| {
        let value = body(applied, world).ok_or_else(|| {
            ServiceError::Internal("the reply does not fit what was applied".to_owned())
        })?;
        Ok(Reply {
            status: status.as_u16(),
            body: serde_json::to_string(&value)
                .map_err(|e| ServiceError::Internal(format!("serialising a reply: {e}")))?,
        })
    })
}
