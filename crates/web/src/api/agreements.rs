//! The agreement's terms.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use truce_core::change::WorldChange;
use truce_service::{Applied, Command};

use super::{execute, render_json, reply};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Caller, JsonBody, Path};

fn document(id: &str, body: &str, primary: bool) -> Result<Value, ApiError> {
    let mut value: Value = serde_json::from_str(body)
        .map_err(|e| ApiError::Internal(format!("stored agreement {id}: {e}")))?;
    if let Value::Object(object) = &mut value {
        object.insert("primary".to_owned(), Value::Bool(primary));
    }
    Ok(value)
}

/// Every agreement, as submitted (see docs/scenario-format.md); `primary` marks the one
/// incidents are classified against.
#[utoipa::path(get, path = "/api/v1/agreements", tag = "agreements", responses((status = 200, body = Vec<Object>)))]
pub async fn list_agreements(State(state): State<AppState>) -> Result<Response, ApiError> {
    let world = state.world();
    let documents = world
        .agreements
        .iter()
        .enumerate()
        .map(|(position, (id, body))| document(id, body, position == 0))
        .collect::<Result<Vec<_>, _>>()?;
    reply(StatusCode::OK, &documents)
}

/// One agreement.
#[utoipa::path(get, path = "/api/v1/agreements/{id}", tag = "agreements",
    params(("id" = String, Path, description = "Agreement id")),
    responses((status = 200, body = Object), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_agreement(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let world = state.world();
    let (position, (id, body)) = world
        .agreements
        .iter()
        .enumerate()
        .find(|(_, (stored, _))| *stored == id)
        .ok_or_else(|| ApiError::NotFound(format!("no agreement '{id}'")))?;
    reply(StatusCode::OK, &document(id, body, position == 0)?)
}

/// Records an agreement (format of agreement.json). The first agreement stays the one incidents
/// are classified against; others are recorded alongside.
#[utoipa::path(post, path = "/api/v1/agreements", tag = "agreements", request_body = Object,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry key")),
    responses((status = 201, body = Object), (status = 400, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_agreement(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody<Value>,
) -> Result<Response, ApiError> {
    let render = render_json(StatusCode::CREATED, |applied, world| match applied {
        Applied::World {
            change: WorldChange::Agreement(agreement),
            ..
        } => world
            .agreements
            .iter()
            .find(|(id, _)| *id == agreement.id)
            .and_then(|(id, text)| document(id, text, false).ok()),
        _ => None,
    });
    let command = Command::AddAgreement {
        agreement: body.value,
    };
    execute(&state, caller.request(&body.hash), command, render).await
}
