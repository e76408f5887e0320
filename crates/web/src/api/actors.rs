//! Actors, with their designations and commitments as sub-resources.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use truce_core::actor::{Actor, ActorId, CoChair, Designation, DesignationStatus};
use truce_core::change::WorldChange;
use truce_core::commitment::{Commitment, CommitmentEvent};
use truce_service::world::World;
use truce_service::{Applied, Command};

use super::{execute, render_json, reply};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Caller, JsonBody, Path};

fn summary(world: &World, actor: &Actor) -> Value {
    let scenario = &world.scenario;
    let designations: Vec<&Designation> = scenario
        .actors
        .designations()
        .iter()
        .filter(|d| d.actor == actor.id)
        .collect();
    let commitment = scenario.commitment(&actor.id);
    let mut value = serde_json::to_value(actor).unwrap_or(Value::Null);
    if let Value::Object(object) = &mut value {
        object.insert("designations".to_owned(), json!(designations));
        object.insert("commitment".to_owned(), json!(commitment));
        object.insert(
            "effective_guarantor".to_owned(),
            json!(scenario.actors.guarantor(&actor.id)),
        );
    }
    value
}

fn find<'a>(world: &'a World, id: &str) -> Result<&'a Actor, ApiError> {
    world
        .scenario
        .actors
        .get(&ActorId::new(id))
        .ok_or_else(|| ApiError::NotFound(format!("no actor '{id}'")))
}

/// Every actor with its designations and commitment.
#[utoipa::path(get, path = "/api/v1/actors", tag = "actors", responses((status = 200, body = Vec<Object>)))]
pub async fn list_actors(State(state): State<AppState>) -> Result<Response, ApiError> {
    let world = state.world();
    let all: Vec<Value> = world
        .scenario
        .actors
        .actors()
        .iter()
        .map(|actor| summary(&world, actor))
        .collect();
    reply(StatusCode::OK, &all)
}

/// One actor with its designations and commitment.
#[utoipa::path(get, path = "/api/v1/actors/{id}", tag = "actors", params(("id" = String, Path, description = "Actor id")),
    responses((status = 200, body = Object), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_actor(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let world = state.world();
    reply(StatusCode::OK, &summary(&world, find(&world, &id)?))
}

/// Adds an actor (format of actors.json). Names and aliases must not belong to another actor.
#[utoipa::path(post, path = "/api/v1/actors", tag = "actors", request_body = Object,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry key")),
    responses((status = 201, body = Object), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_actor(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody<Actor>,
) -> Result<Response, ApiError> {
    let render = render_json(StatusCode::CREATED, |applied, world| match applied {
        Applied::World {
            change: WorldChange::Actor(actor),
            ..
        } => find(world, actor.id.as_str())
            .ok()
            .map(|actor| summary(world, actor)),
        _ => None,
    });
    let command = Command::AddActor { actor: body.value };
    execute(&state, caller.request(&body.hash), command, render).await
}

/// The actor's designations.
#[utoipa::path(get, path = "/api/v1/actors/{id}/designations", tag = "actors", params(("id" = String, Path, description = "Actor id")),
    responses((status = 200, body = Vec<Object>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list_designations(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let world = state.world();
    let actor = find(&world, &id)?;
    let designations: Vec<&Designation> = world
        .scenario
        .actors
        .designations()
        .iter()
        .filter(|d| d.actor == actor.id)
        .collect();
    reply(StatusCode::OK, &designations)
}

/// A new designation (the actor comes from the path).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDesignation {
    /// The list, e.g. `UNSC 1267`.
    pub list: String,
    /// From when, RFC 3339.
    pub listed_from: DateTime<Utc>,
    /// Until when, RFC 3339.
    pub listed_to: Option<DateTime<Utc>>,
    /// `listed`, `proposed` or `blocked`.
    #[schema(value_type = String)]
    pub status: DesignationStatus,
    /// Source.
    #[serde(default)]
    pub source: String,
}

/// Adds a designation and re-classifies every incident whose assessment it changes.
#[utoipa::path(post, path = "/api/v1/actors/{id}/designations", tag = "actors", request_body = NewDesignation,
    params(("id" = String, Path, description = "Actor id"), ("Idempotency-Key" = Option<String>, Header, description = "Retry key")),
    responses((status = 201, body = Object), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_designation(
    State(state): State<AppState>,
    Path(id): Path<String>,
    caller: Caller,
    body: JsonBody<NewDesignation>,
) -> Result<Response, ApiError> {
    let new = body.value;
    let actor = find(&state.world(), &id)?.id.clone();
    let designation = Designation {
        actor,
        list: new.list,
        listed_from: new.listed_from,
        listed_to: new.listed_to,
        status: new.status,
        source: new.source,
    };
    let render = render_json(StatusCode::CREATED, |applied, _| match applied {
        Applied::World {
            change: WorldChange::Designation(designation),
            reclassified,
        } => Some(json!({"designation": designation, "reclassified": reclassified})),
        _ => None,
    });
    let command = Command::AddDesignation { designation };
    execute(&state, caller.request(&body.hash), command, render).await
}

/// The actor's own commitment (empty when it has none; a parent's may still cover it).
#[utoipa::path(get, path = "/api/v1/actors/{id}/commitments", tag = "actors", params(("id" = String, Path, description = "Actor id")),
    responses((status = 200, body = Vec<Object>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list_commitments(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let world = state.world();
    let actor = find(&world, &id)?;
    let own: Vec<&Commitment> = world.scenario.commitment(&actor.id).into_iter().collect();
    reply(StatusCode::OK, &own)
}

/// A commitment with its whole history (the actor comes from the path).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCommitment {
    /// The co-chair it declared to: `US` or `RU`.
    #[schema(value_type = String)]
    pub channel: CoChair,
    /// Conditions attached.
    #[serde(default)]
    pub conditions: String,
    /// Events in time order (`declare`, `reconfirm`, `withdraw`, `referral_upheld`, `designation_listed`).
    #[schema(value_type = Vec<Object>)]
    pub history: Vec<CommitmentEvent>,
}

/// Sets the actor's commitment (replacing its history) and re-classifies every incident whose
/// assessment it changes.
#[utoipa::path(post, path = "/api/v1/actors/{id}/commitments", tag = "actors", request_body = NewCommitment,
    params(("id" = String, Path, description = "Actor id"), ("Idempotency-Key" = Option<String>, Header, description = "Retry key")),
    responses((status = 201, body = Object), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn put_commitment(
    State(state): State<AppState>,
    Path(id): Path<String>,
    caller: Caller,
    body: JsonBody<NewCommitment>,
) -> Result<Response, ApiError> {
    let actor = find(&state.world(), &id)?.id.clone();
    let commitment = Commitment {
        actor,
        channel: body.value.channel,
        conditions: body.value.conditions,
        history: body.value.history,
    };
    let render = render_json(StatusCode::CREATED, |applied, _| match applied {
        Applied::World {
            change: WorldChange::Commitment(commitment),
            reclassified,
        } => Some(json!({"commitment": commitment, "reclassified": reclassified})),
        _ => None,
    });
    let command = Command::SetCommitment { commitment };
    execute(&state, caller.request(&body.hash), command, render).await
}
