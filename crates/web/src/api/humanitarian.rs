//! The humanitarian pillar's API: locations with their classifications and estimates, convoys
//! and air operations through their state machines, and the working group's scorecard.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use truce_core::access::{Permission, PublicIncidents};
use truce_core::humanitarian::{
    AbortReason, AccessLocation, AirKind, AirOperation, AirState, AirStep, CargoLine,
    Classification, Convoy, ConvoyState, ConvoyStep, Destination, DropZone, DueStep, LinkedStatus,
    LocationMetrics, PopulationEstimate, Reach, Removal, Scorecard, Source, linked_status,
    location_metrics, scorecard,
};
use truce_service::humanitarian::Records;
use truce_service::world::World;
use truce_service::{Applied, Command, HumanitarianRecord};
use utoipa::{IntoParams, ToSchema};

use super::{execute, render_json, reply};
use crate::AppState;
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::{Caller, JsonBody, Path, Query};

/// The classifier whose list the scorecard counts unless asked for another.
pub const DEFAULT_CLASSIFIER: &str = "OCHA";

/// What of the humanitarian records a viewer sees: everything, or (the public, liaisons,
/// monitors) the locations, delivered convoys and flown air operations without who recorded
/// each step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AidView {
    /// Sees convoys awaiting approval and air operations not yet flown, and the recorders.
    pub pending: bool,
}

impl AidView {
    /// The view of a signed-in user or the public.
    pub fn of(auth: &Authenticated) -> AidView {
        AidView {
            pending: auth
                .viewer()
                .may(Permission::ReadPendingAid, PublicIncidents::Coarse),
        }
    }

    /// Whether the viewer may see this convoy.
    pub fn sees_convoy(self, convoy: &Convoy) -> bool {
        self.pending || convoy.state().is_delivered()
    }

    /// Whether the viewer may see this air operation.
    pub fn sees_air(self, operation: &AirOperation) -> bool {
        self.pending || operation.state().has_flown()
    }

    /// The records this viewer may see, with the recorders' names removed for the public.
    pub fn filter(self, mut records: Records) -> Records {
        if !self.pending {
            records.convoys.retain(|c| self.sees_convoy(c));
            records.air_operations.retain(|a| self.sees_air(a));
            for convoy in &mut records.convoys {
                convoy.steps.iter_mut().for_each(|step| step.by.clear());
            }
            for operation in &mut records.air_operations {
                operation.steps.iter_mut().for_each(|step| step.by.clear());
            }
        }
        records
    }
}

/// The day the figures are as of: the one asked for, or today ([`records_now`]).
pub fn as_of_day(
    state: &AppState,
    asked: Option<&str>,
    records: &Records,
) -> Result<NaiveDate, ApiError> {
    match asked {
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
            ApiError::BadRequest(format!("as_of '{text}' is not a date (YYYY-MM-DD)"))
        }),
        None => Ok(records_now(state, records).date_naive()),
    }
}

/// "Now" for the records: the server's clock, or the last step recorded if that is later. A
/// step is never recorded ahead of the clock, so this is the clock, except in a demonstration,
/// whose clock stops at the end of its incidents while its aid records run on.
pub fn records_now(state: &AppState, records: &Records) -> DateTime<Utc> {
    let latest = records
        .convoys
        .iter()
        .filter_map(|c| c.steps.last().map(|step| step.at))
        .chain(
            records
                .air_operations
                .iter()
                .filter_map(|a| a.steps.last().map(|step| step.at)),
        )
        .max();
    now(state).max(latest.unwrap_or(DateTime::<Utc>::MIN_UTC))
}

/// The records this viewer may see.
pub async fn visible_records(state: &AppState, auth: &Authenticated) -> Result<Records, ApiError> {
    Ok(AidView::of(auth).filter(state.service().humanitarian().await?))
}

/// A convoy with what follows from its steps.
#[derive(Debug, Serialize)]
pub struct ConvoyView {
    /// The record.
    #[serde(flatten)]
    pub convoy: Convoy,
    /// Its state now.
    pub state: ConvoyState,
    /// The steps the Government owes it, with their deadlines.
    pub approval_clock: Vec<DueStep>,
    /// Whether an awaited step is overdue now.
    pub overdue: bool,
    /// Where it stands under a linked-delivery arrangement.
    pub linked: Vec<LinkedStatus>,
}

/// An air operation with its tally.
#[derive(Debug, Serialize)]
pub struct AirView {
    /// The record.
    #[serde(flatten)]
    pub operation: AirOperation,
    /// Its state now.
    pub state: AirState,
    /// Pallets dropped, if counted.
    pub pallets_dropped: Option<u32>,
    /// Pallets recovered, if counted.
    pub pallets_recovered: Option<u32>,
    /// Tonnes delivered, when the recovery was counted.
    pub tonnes_delivered: Option<f64>,
}

/// A location with its figures.
#[derive(Debug, Serialize)]
pub struct LocationView {
    /// The record.
    #[serde(flatten)]
    pub location: AccessLocation,
    /// Each classifier's classification in force on the day.
    pub classified_now: Vec<Classification>,
    /// The estimate the figures of the day use.
    pub estimate_used: Option<PopulationEstimate>,
    /// What it has received up to the day.
    pub metrics: LocationMetrics,
}

/// The approval clock of a convoy: the one of the agreement version in force when it was
/// submitted (or planned).
pub fn clock_of(world: &World, convoy: &Convoy) -> truce_core::humanitarian::ApprovalClock {
    let started = convoy
        .step(ConvoyState::Submitted)
        .or(convoy.steps.first())
        .map_or_else(Utc::now, |step| step.at);
    world.scenario.agreement.approval_clock_at(started)
}

/// The view of a convoy at `now` (or at its last step, if that is later).
pub fn convoy_view(
    world: &World,
    records: &Records,
    convoy: Convoy,
    now: DateTime<Utc>,
) -> ConvoyView {
    let now = convoy.steps.last().map_or(now, |step| now.max(step.at));
    let clock = clock_of(world, &convoy);
    let approval_clock = clock.dues(&convoy, now);
    let overdue = clock.overdue_now(&convoy, now).is_some();
    let linked = linked_status(&convoy, &records.convoys, &records.linked_deliveries, now);
    ConvoyView {
        state: convoy.state(),
        approval_clock,
        overdue,
        linked,
        convoy,
    }
}

/// The views of many convoys, each convoy's linked deliveries looked up among the convoys of
/// its own plan month only (grouped once, so a list costs time in proportion to its length).
pub fn convoy_views<'a>(
    world: &World,
    records: &Records,
    convoys: impl Iterator<Item = &'a Convoy>,
    now: DateTime<Utc>,
) -> Vec<ConvoyView> {
    let mut months: std::collections::HashMap<&str, Records> = std::collections::HashMap::new();
    for convoy in &records.convoys {
        months
            .entry(convoy.plan_month.as_str())
            .or_insert_with(|| Records {
                linked_deliveries: records.linked_deliveries.clone(),
                ..Records::default()
            })
            .convoys
            .push(convoy.clone());
    }
    let empty = Records::default();
    convoys
        .map(|convoy| {
            let month = months.get(convoy.plan_month.as_str()).unwrap_or(&empty);
            convoy_view(world, month, convoy.clone(), now)
        })
        .collect()
}

/// The view of an air operation.
pub fn air_view(operation: AirOperation) -> AirView {
    let tally = operation.tally(DateTime::<Utc>::MAX_UTC);
    AirView {
        state: operation.state(),
        pallets_dropped: tally.pallets_dropped,
        pallets_recovered: tally.pallets_recovered,
        tonnes_delivered: tally.tonnes_delivered,
        operation,
    }
}

/// The view of a location as of `day`.
pub fn location_view(records: &Records, location: AccessLocation, day: NaiveDate) -> LocationView {
    LocationView {
        classified_now: location
            .classifications_on(day)
            .into_iter()
            .cloned()
            .collect(),
        estimate_used: location.estimate_on(day).cloned(),
        metrics: location_metrics(&location, &records.convoys, &records.air_operations, day),
        location,
    }
}

/// The scorecard of the records as of `day`.
pub fn scorecard_of(
    world: &World,
    records: &Records,
    day: NaiveDate,
    classifier: &str,
) -> Scorecard {
    scorecard(
        &records.locations,
        &records.convoys,
        &records.air_operations,
        day,
        classifier,
        &|convoy| clock_of(world, convoy),
    )
}

/// `as_of` and `classifier`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AsOfQuery {
    /// The day (`YYYY-MM-DD`, UTC, counted to its end); today when absent.
    #[param(format = Date)]
    pub as_of: Option<String>,
    /// Whose besieged list to count: `OCHA` (the default), `Siege Watch`…
    pub classifier: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Locations.

/// Besieged and hard-to-reach locations with every classification and estimate, and their
/// figures as of a day.
#[utoipa::path(get, path = "/api/v1/besieged", tag = "humanitarian", params(AsOfQuery),
    responses((status = 200, description = "Locations", body = Vec<Object>)))]
pub async fn besieged(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<AsOfQuery>,
) -> Result<Response, ApiError> {
    let records = visible_records(&state, &auth).await?;
    let day = as_of_day(&state, query.as_of.as_deref(), &records)?;
    let views: Vec<LocationView> = records
        .locations
        .iter()
        .map(|location| location_view(&records, location.clone(), day))
        .collect();
    reply(StatusCode::OK, &views)
}

async fn find_location(records: &Records, id: &str) -> Result<AccessLocation, ApiError> {
    records
        .locations
        .iter()
        .find(|location| location.id == id)
        .cloned()
        .ok_or_else(|| ApiError::NotFound(format!("no location '{id}'")))
}

/// One location with its figures as of a day.
#[utoipa::path(get, path = "/api/v1/besieged/{id}", tag = "humanitarian",
    params(("id" = String, Path, description = "Location id"), AsOfQuery),
    responses((status = 200, body = Object), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_location(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    Query(query): Query<AsOfQuery>,
) -> Result<Response, ApiError> {
    let records = visible_records(&state, &auth).await?;
    let day = as_of_day(&state, query.as_of.as_deref(), &records)?;
    let location = find_location(&records, &id).await?;
    reply(StatusCode::OK, &location_view(&records, location, day))
}

fn location_reply() -> truce_service::Render {
    render_json(StatusCode::CREATED, |applied, _| match applied {
        Applied::Humanitarian(HumanitarianRecord::Location(location)) => Some(location.clone()),
        _ => None,
    })
}

/// Adds a location (the format of the scenario's `besieged.json`): its besieging parties are
/// actors of the registry.
#[utoipa::path(post, path = "/api/v1/besieged", tag = "humanitarian", request_body = Object,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry key")),
    responses((status = 201, body = Object), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_location(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody<AccessLocation>,
) -> Result<Response, ApiError> {
    let command = Command::AddLocation {
        location: body.value,
    };
    execute(
        &state,
        caller.request(&body.hash),
        command,
        location_reply(),
    )
    .await
}

/// Every classification of a location, in the order recorded.
#[utoipa::path(get, path = "/api/v1/besieged/{id}/classifications", tag = "humanitarian",
    params(("id" = String, Path, description = "Location id")),
    responses((status = 200, body = Vec<Object>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list_classifications(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let records = visible_records(&state, &auth).await?;
    reply(
        StatusCode::OK,
        &find_location(&records, &id).await?.classifications,
    )
}

/// Adds a classifier's classification of a location (`besieged`, `hard_to_reach`, or
/// `delisted` with a reason), from a date, with its evidence. It supersedes that classifier's
/// earlier one from its date; other classifiers' stand beside it.
#[utoipa::path(post, path = "/api/v1/besieged/{id}/classifications", tag = "humanitarian",
    request_body = Object,
    params(("id" = String, Path, description = "Location id"), ("Idempotency-Key" = Option<String>, Header, description = "Retry key")),
    responses((status = 201, body = Object), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_classification(
    State(state): State<AppState>,
    Path(id): Path<String>,
    caller: Caller,
    body: JsonBody<Classification>,
) -> Result<Response, ApiError> {
    let command = Command::ClassifyLocation {
        location: id,
        classification: body.value,
    };
    execute(
        &state,
        caller.request(&body.hash),
        command,
        location_reply(),
    )
    .await
}

/// Every population estimate of a location, in the order recorded.
#[utoipa::path(get, path = "/api/v1/besieged/{id}/estimates", tag = "humanitarian",
    params(("id" = String, Path, description = "Location id")),
    responses((status = 200, body = Vec<Object>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list_estimates(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let records = visible_records(&state, &auth).await?;
    reply(
        StatusCode::OK,
        &find_location(&records, &id).await?.estimates,
    )
}

/// Adds a population estimate (value, as-of day or month, scope, source, method); none
/// replaces another.
#[utoipa::path(post, path = "/api/v1/besieged/{id}/estimates", tag = "humanitarian",
    request_body = Object,
    params(("id" = String, Path, description = "Location id"), ("Idempotency-Key" = Option<String>, Header, description = "Retry key")),
    responses((status = 201, body = Object), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_estimate(
    State(state): State<AppState>,
    Path(id): Path<String>,
    caller: Caller,
    body: JsonBody<PopulationEstimate>,
) -> Result<Response, ApiError> {
    let command = Command::AddPopulationEstimate {
        location: id,
        estimate: body.value,
    };
    execute(
        &state,
        caller.request(&body.hash),
        command,
        location_reply(),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Convoys.

/// A destination: a location id, or one with the people targeted there.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum DestinationInput {
    /// A location id.
    Id(String),
    /// A location id with the people targeted.
    Full {
        /// The location id.
        location: String,
        /// People targeted there.
        people_targeted: Option<u64>,
    },
}

/// A new convoy. Without `steps` it is planned now; a convoy compiled after the fact from
/// sources gives `"compiled": true` and the steps its sources attest.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewConvoyBody {
    /// The month of the inter-agency plan, `YYYY-MM`.
    pub plan_month: String,
    /// Location ids (or `{location, people_targeted}`).
    pub destinations: Vec<DestinationInput>,
    /// UN agencies, SARC, ICRC…
    #[serde(default)]
    pub agencies: Vec<String>,
    /// Trucks planned.
    pub trucks_planned: Option<u32>,
    /// People targeted in all.
    pub people_targeted: Option<u64>,
    /// Cargo lines: `{sector, item, quantity, unit}`.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub cargo: Vec<CargoLine>,
    /// Sources: `{title, url}`.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub sources: Vec<Source>,
    /// Remarks.
    #[serde(default)]
    pub note: String,
    /// Compiled after the fact: `steps` may start later and skip what the sources do not say.
    #[serde(default)]
    pub compiled: bool,
    /// When it was planned (RFC 3339); now when absent.
    pub planned_at: Option<DateTime<Utc>>,
    /// The steps of a compiled convoy.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub steps: Vec<ConvoyStep>,
}

/// A step: `{"to": STATE, "at": RFC3339, ...}` with the details of the state moved to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionBody {
    /// The state to move to (snake case: `submitted`, `approved_in_principle`, …).
    pub to: String,
    /// When it happened (RFC 3339).
    pub at: DateTime<Utc>,
    /// With `aborted`: `no_letter`, `insecurity`, `fighting`, `party_refusal`,
    /// `partner_barred` or `attack`.
    pub reason: Option<String>,
    /// With `at_checkpoint`: which.
    pub checkpoint: Option<String>,
    /// With `loaded`: cargo lines.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub cargo: Vec<CargoLine>,
    /// With `inspected`: removals `{sector, item, quantity, unit, removed_by}`.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub removals: Vec<Removal>,
    /// With `dispatched` or a delivery: trucks.
    pub trucks: Option<u32>,
    /// With a delivery: people reached per destination `{location, people}`.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub reached: Vec<Reach>,
    /// With a delivery: people reached in all.
    pub people_reached: Option<u64>,
    /// Remarks.
    #[serde(default)]
    pub note: String,
    /// With an air operation's `dropped`: pallets.
    pub pallets_dropped: Option<u32>,
    /// With an air operation's `dropped`: tonnes.
    pub tonnes_dropped: Option<f64>,
    /// With an air operation's recovery: pallets recovered.
    pub pallets_recovered: Option<u32>,
    /// With an air operation's recovery: pallets recovered damaged.
    pub pallets_damaged: Option<u32>,
    /// With an air operation's recovery: pallets unaccounted for.
    pub pallets_unaccounted: Option<u32>,
}

fn unknown_state(to: &str, names: &[&str]) -> ApiError {
    ApiError::invalid(format!(
        "unknown state '{to}' (one of: {})",
        names.join(", ")
    ))
}

impl TransitionBody {
    /// The convoy step it asks for.
    pub fn convoy_step(self) -> Result<ConvoyStep, ApiError> {
        let to = ConvoyState::parse(&self.to)
            .ok_or_else(|| unknown_state(&self.to, &ConvoyState::ALL.map(ConvoyState::name)))?;
        let reason = self
            .reason
            .as_deref()
            .map(|text| {
                AbortReason::parse(text).ok_or_else(|| {
                    ApiError::invalid(format!(
                        "unknown reason '{text}' (one of: {})",
                        AbortReason::ALL.map(AbortReason::name).join(", ")
                    ))
                })
            })
            .transpose()?;
        let air_fields = self.pallets_dropped.is_some()
            || self.tonnes_dropped.is_some()
            || self.pallets_recovered.is_some()
            || self.pallets_damaged.is_some()
            || self.pallets_unaccounted.is_some();
        if air_fields {
            return Err(ApiError::invalid(
                "pallets and tonnes belong to air operations",
            ));
        }
        Ok(ConvoyStep {
            to,
            at: self.at,
            by: String::new(),
            reason,
            checkpoint: self.checkpoint.filter(|c| !c.trim().is_empty()),
            cargo: self.cargo,
            removals: self.removals,
            trucks: self.trucks,
            reached: self.reached,
            people_reached: self.people_reached,
            note: self.note,
        })
    }

    /// The air-operation step it asks for.
    pub fn air_step(self) -> Result<AirStep, ApiError> {
        let to = AirState::parse(&self.to)
            .ok_or_else(|| unknown_state(&self.to, &AirState::ALL.map(AirState::name)))?;
        let convoy_fields = self.reason.is_some()
            || self.checkpoint.is_some()
            || !self.cargo.is_empty()
            || !self.removals.is_empty()
            || self.trucks.is_some()
            || !self.reached.is_empty()
            || self.people_reached.is_some();
        if convoy_fields {
            return Err(ApiError::invalid(
                "reasons, checkpoints, cargo, removals, trucks and people reached belong to convoys",
            ));
        }
        Ok(AirStep {
            to,
            at: self.at,
            by: String::new(),
            pallets_dropped: self.pallets_dropped,
            tonnes_dropped: self.tonnes_dropped,
            pallets_recovered: self.pallets_recovered,
            pallets_damaged: self.pallets_damaged,
            pallets_unaccounted: self.pallets_unaccounted,
            note: self.note,
        })
    }
}

/// A new record's id: its month or day and a random part.
fn new_id(prefix: &str) -> String {
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!("{prefix}-{}", &random[..8])
}

/// The convoy a body describes, planned at `now` unless it gives its steps.
pub fn convoy_of(body: NewConvoyBody, now: DateTime<Utc>) -> Result<Convoy, ApiError> {
    truce_core::humanitarian::parse_month(&body.plan_month)
        .map_err(|error| ApiError::invalid(error.to_string()))?;
    let steps = if body.steps.is_empty() {
        vec![ConvoyStep::to(
            ConvoyState::Planned,
            body.planned_at.unwrap_or(now),
        )]
    } else if body.planned_at.is_some() {
        return Err(ApiError::invalid(
            "give either planned_at or steps, not both",
        ));
    } else {
        body.steps
    };
    Ok(Convoy {
        id: new_id(&body.plan_month),
        compiled: body.compiled,
        plan_month: body.plan_month,
        destinations: body
            .destinations
            .into_iter()
            .map(|destination| match destination {
                DestinationInput::Id(location) => Destination {
                    location,
                    people_targeted: None,
                },
                DestinationInput::Full {
                    location,
                    people_targeted,
                } => Destination {
                    location,
                    people_targeted,
                },
            })
            .collect(),
        agencies: body.agencies,
        trucks_planned: body.trucks_planned,
        people_targeted: body.people_targeted,
        cargo: body.cargo,
        incidents: Vec::new(),
        sources: body.sources,
        illustrative: false,
        note: body.note,
        steps,
    })
}

fn convoy_reply(status: StatusCode, now: DateTime<Utc>, records: Records) -> truce_service::Render {
    render_json(status, move |applied, world| match applied {
        Applied::Humanitarian(HumanitarianRecord::Convoy(convoy)) => {
            let mut records = records.clone();
            records.convoys.retain(|c| c.id != convoy.id);
            records.convoys.push(convoy.clone());
            Some(convoy_view(world, &records, convoy.clone(), now))
        }
        _ => None,
    })
}

/// `state` (a convoy state) and `plan_month`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ConvoyQuery {
    /// Only convoys in this state.
    #[param(
        pattern = "^(planned|submitted|approved_in_principle|facilitation_letter_issued|loaded|inspected|dispatched|at_checkpoint|delivering|delivered_full|delivered_partial|denied|aborted)$"
    )]
    pub state: Option<String>,
    /// Only convoys of this plan month (`YYYY-MM`).
    #[param(pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub plan_month: Option<String>,
}

/// Convoys (the public sees delivered ones only), each with its approval clock and linked
/// deliveries.
#[utoipa::path(get, path = "/api/v1/convoys", tag = "humanitarian", params(ConvoyQuery),
    responses((status = 200, body = Vec<Object>)))]
pub async fn list_convoys(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<ConvoyQuery>,
) -> Result<Response, ApiError> {
    if let Some(text) = &query.state
        && ConvoyState::parse(text).is_none()
    {
        return Err(ApiError::BadRequest(
            unknown_state(text, &ConvoyState::ALL.map(ConvoyState::name)).to_string(),
        ));
    }
    if let Some(month) = &query.plan_month {
        truce_core::humanitarian::parse_month(month)
            .map_err(|error| ApiError::BadRequest(error.to_string()))?;
    }
    let world = state.world();
    let records = visible_records(&state, &auth).await?;
    let now = records_now(&state, &records);
    let chosen = records
        .convoys
        .iter()
        .filter(|c| query.state.as_deref().is_none_or(|s| c.state().name() == s))
        .filter(|c| {
            query
                .plan_month
                .as_deref()
                .is_none_or(|m| c.plan_month == m)
        });
    let views = convoy_views(&world, &records, chosen, now);
    reply(StatusCode::OK, &views)
}

/// The instant "now" for the clocks: the server's (or the demonstration's).
pub fn now(state: &AppState) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(crate::pages::now_ms(state)).unwrap_or_else(Utc::now)
}

/// Plans a convoy: `{"plan_month": "2016-04", "destinations": ["madaya"]}` answers 201 with
/// its `id` and `"state": "planned"`.
#[utoipa::path(post, path = "/api/v1/convoys", tag = "humanitarian", request_body = NewConvoyBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry key")),
    responses((status = 201, body = Object), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_convoy(
    State(state): State<AppState>,
    auth: Authenticated,
    caller: Caller,
    body: JsonBody<NewConvoyBody>,
) -> Result<Response, ApiError> {
    let now = now(&state);
    let convoy = convoy_of(body.value, now)?;
    let records = visible_records(&state, &auth).await?;
    let command = Command::AddConvoy { convoy };
    let render = convoy_reply(StatusCode::CREATED, now, records);
    execute(&state, caller.request(&body.hash), command, render).await
}

/// One convoy with its steps, approval clock and linked deliveries.
#[utoipa::path(get, path = "/api/v1/convoys/{id}", tag = "humanitarian",
    params(("id" = String, Path, description = "Convoy id")),
    responses((status = 200, body = Object), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_convoy(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let records = visible_records(&state, &auth).await?;
    let convoy = records
        .convoys
        .iter()
        .find(|c| c.id == id)
        .cloned()
        .ok_or_else(|| ApiError::NotFound(format!("no convoy '{id}'")))?;
    let view = convoy_view(&state.world(), &records, convoy, now(&state));
    reply(StatusCode::OK, &view)
}

/// Moves a convoy one step: `{"to": "submitted", "at": "2016-04-02T09:00:00Z"}`. A move the
/// state machine does not allow is a 409 `illegal_transition` naming the allowed ones.
#[utoipa::path(post, path = "/api/v1/convoys/{id}/transitions", tag = "humanitarian",
    request_body = TransitionBody,
    params(("id" = String, Path, description = "Convoy id"), ("Idempotency-Key" = Option<String>, Header, description = "Retry key")),
    responses((status = 201, body = Object), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn move_convoy(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    caller: Caller,
    body: JsonBody<TransitionBody>,
) -> Result<Response, ApiError> {
    let step = body.value.convoy_step()?;
    let records = visible_records(&state, &auth).await?;
    let command = Command::MoveConvoy { convoy: id, step };
    let render = convoy_reply(StatusCode::CREATED, now(&state), records);
    execute(&state, caller.request(&body.hash), command, render).await
}

/// An attack on a convoy as recorded: the incident with its assessment, and the convoy.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttackRecorded {
    /// The incident.
    pub incident: crate::views::IncidentResponse,
    /// The convoy it is linked to.
    pub convoy: String,
}

/// Records an attack on a convoy: an incident (the body of `POST /api/v1/incidents`) recorded
/// as an attack on aid, so classified under `OBL-ACCESS` as well as the usual rules, and linked
/// to the convoy both ways. A `weapon` says how it was attacked.
#[utoipa::path(post, path = "/api/v1/convoys/{id}/attacks", tag = "humanitarian",
    request_body = crate::views::NewIncidentBody,
    params(("id" = String, Path, description = "Convoy id"), ("Idempotency-Key" = Option<String>, Header, description = "Retry key")),
    responses((status = 201, body = AttackRecorded), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn record_attack(
    State(state): State<AppState>,
    Path(id): Path<String>,
    caller: Caller,
    body: JsonBody<crate::views::NewIncidentBody>,
) -> Result<Response, ApiError> {
    let mut new = body.value;
    if new
        .event_type
        .as_deref()
        .is_some_and(|e| e != "attack_on_aid")
        || new.sub_event_type.is_some()
    {
        return Err(ApiError::invalid(
            "an attack on a convoy is an attack on aid: leave out event_type and sub_event_type (give the weapon)",
        ));
    }
    // The link to the convoy is kept on the convoy, and shown with the incident only to those
    // who may see the convoy: the incident's notes, which more roles read, do not name it.
    new.event_type = Some("attack_on_aid".to_owned());
    let incident = super::incident_body(
        new,
        super::new_incident_id(),
        &state.world().scenario,
        state.geography().bounds(&state),
    )?;
    let render = render_json(StatusCode::CREATED, |applied, _| match applied {
        Applied::ConvoyAttack {
            convoy,
            incident,
            assessment,
        } => Some(AttackRecorded {
            incident: crate::views::IncidentResponse {
                incident: incident.into(),
                assessment: assessment.into(),
            },
            convoy: convoy.id.clone(),
        }),
        _ => None,
    });
    let command = Command::RecordConvoyAttack {
        convoy: id,
        incident,
    };
    execute(&state, caller.request(&body.hash), command, render).await
}

// ---------------------------------------------------------------------------------------------
// Air operations.

/// A new airdrop or airlift. Without `steps` it is planned now.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAirOperationBody {
    /// `airdrop` or `airlift`.
    #[schema(value_type = String)]
    pub kind: AirKind,
    /// The location served.
    pub destination: String,
    /// Where it flies from.
    #[serde(default)]
    pub origin: String,
    /// The aircraft.
    #[serde(default)]
    pub aircraft: String,
    /// Drop altitude in metres.
    pub altitude_m: Option<u32>,
    /// The drop zone `{name, lat, lon}`.
    #[schema(value_type = Option<Object>)]
    pub drop_zone: Option<DropZone>,
    /// Tonnes planned.
    pub tonnes: Option<f64>,
    /// Who recovers it.
    #[serde(default)]
    pub partner: String,
    /// Sources `{title, url}`.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub sources: Vec<Source>,
    /// Remarks.
    #[serde(default)]
    pub note: String,
    /// Compiled after the fact from sources.
    #[serde(default)]
    pub compiled: bool,
    /// When it was planned; now when absent.
    pub planned_at: Option<DateTime<Utc>>,
    /// The steps of a compiled operation.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub steps: Vec<AirStep>,
}

/// The air operation a body describes, planned at `now` unless it gives its steps.
pub fn air_operation_of(
    new: NewAirOperationBody,
    now: DateTime<Utc>,
) -> Result<AirOperation, ApiError> {
    let steps = if new.steps.is_empty() {
        vec![AirStep::to(
            AirState::Planned,
            new.planned_at.unwrap_or(now),
        )]
    } else if new.planned_at.is_some() {
        return Err(ApiError::invalid(
            "give either planned_at or steps, not both",
        ));
    } else {
        new.steps
    };
    Ok(AirOperation {
        id: new_id(&steps[0].at.format("%Y-%m-%d").to_string()),
        compiled: new.compiled,
        kind: new.kind,
        destination: new.destination,
        origin: new.origin,
        aircraft: new.aircraft,
        altitude_m: new.altitude_m,
        drop_zone: new.drop_zone,
        tonnes: new.tonnes,
        partner: new.partner,
        sources: new.sources,
        illustrative: false,
        note: new.note,
        steps,
    })
}

fn air_reply(status: StatusCode) -> truce_service::Render {
    render_json(status, |applied, _| match applied {
        Applied::Humanitarian(HumanitarianRecord::AirOperation(operation)) => {
            Some(air_view(operation.clone()))
        }
        _ => None,
    })
}

/// Airdrops and airlifts (the public sees those that flew).
#[utoipa::path(get, path = "/api/v1/air-operations", tag = "humanitarian",
    responses((status = 200, body = Vec<Object>)))]
pub async fn list_air_operations(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Response, ApiError> {
    let records = visible_records(&state, &auth).await?;
    let views: Vec<AirView> = records.air_operations.into_iter().map(air_view).collect();
    reply(StatusCode::OK, &views)
}

/// Plans an airdrop or airlift.
#[utoipa::path(post, path = "/api/v1/air-operations", tag = "humanitarian",
    request_body = NewAirOperationBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry key")),
    responses((status = 201, body = Object), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_air_operation(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody<NewAirOperationBody>,
) -> Result<Response, ApiError> {
    let operation = air_operation_of(body.value, now(&state))?;
    let command = Command::AddAirOperation { operation };
    execute(
        &state,
        caller.request(&body.hash),
        command,
        air_reply(StatusCode::CREATED),
    )
    .await
}

/// One air operation.
#[utoipa::path(get, path = "/api/v1/air-operations/{id}", tag = "humanitarian",
    params(("id" = String, Path, description = "Air operation id")),
    responses((status = 200, body = Object), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_air_operation(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let records = visible_records(&state, &auth).await?;
    let operation = records
        .air_operations
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| ApiError::NotFound(format!("no air operation '{id}'")))?;
    reply(StatusCode::OK, &air_view(operation))
}

/// Moves an air operation one step (`flown`, `dropped` with `pallets_dropped`, then
/// `recovered`, `partially_recovered` with `pallets_recovered`, or `lost`).
#[utoipa::path(post, path = "/api/v1/air-operations/{id}/transitions", tag = "humanitarian",
    request_body = TransitionBody,
    params(("id" = String, Path, description = "Air operation id"), ("Idempotency-Key" = Option<String>, Header, description = "Retry key")),
    responses((status = 201, body = Object), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn move_air_operation(
    State(state): State<AppState>,
    Path(id): Path<String>,
    caller: Caller,
    body: JsonBody<TransitionBody>,
) -> Result<Response, ApiError> {
    let step = body.value.air_step()?;
    let command = Command::MoveAirOperation {
        operation: id,
        step,
    };
    execute(
        &state,
        caller.request(&body.hash),
        command,
        air_reply(StatusCode::CREATED),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// The scorecard.

/// The working group's scorecard as of a day: besieged locations listed and reached, people
/// reached, approvals pending and overdue, aborts by reason, medical removals, airdrops,
/// tonnes and pallets; `records` names the records behind each figure. It counts the records
/// the caller may see: for the public, delivered convoys and flown air operations.
#[utoipa::path(get, path = "/api/v1/humanitarian/scorecard", tag = "humanitarian", params(AsOfQuery),
    responses((status = 200, body = Object), (status = 422, body = crate::error::ErrorBody)))]
pub async fn get_scorecard(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<AsOfQuery>,
) -> Result<Response, ApiError> {
    // The figures of the records the caller may see: the public's count no pending approval
    // (stepping the day would otherwise date convoys it may not see).
    let visible = visible_records(&state, &auth).await?;
    let day = as_of_day(&state, query.as_of.as_deref(), &visible)?;
    let classifier = query.classifier.as_deref().unwrap_or(DEFAULT_CLASSIFIER);
    let card = scorecard_of(&state.world(), &visible, day, classifier);
    let value: Value =
        serde_json::to_value(&card).map_err(|e| ApiError::Internal(e.to_string()))?;
    reply(StatusCode::OK, &value)
}
