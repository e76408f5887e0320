//! Humanitarian records through the door: locations, their classifications and estimates,
//! convoys and air operations, each change in one transaction with its change-log entry. The
//! decisions (state machines, checks) are `truce_core::humanitarian`'s; this module reads the
//! record, applies the decision, writes the result and records the command as applied.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use truce_core::actor::ActorId;
use truce_core::humanitarian::{
    AccessLocation, AirOperation, Convoy, HumanitarianError, LinkedDeliveries,
};
use truce_store::{RecordKind, WriteTx};

use crate::command::{Applied, Command, HumanitarianRecord, Render};
use crate::world::World;
use crate::{Outcome, Request, Service, ServiceError};

/// How far ahead of this server's clock a step may be dated (clocks differ a little).
const CLOCK_SKEW: Duration = Duration::minutes(5);

impl From<HumanitarianError> for ServiceError {
    fn from(error: HumanitarianError) -> Self {
        match error {
            HumanitarianError::IllegalTransition { .. } => ServiceError::Invalid {
                code: "illegal_transition",
                message: error.to_string(),
            },
            HumanitarianError::Invalid(message) => ServiceError::invalid(message),
        }
    }
}

/// Executes a humanitarian command in one transaction with its change-log entry.
pub(crate) async fn execute(
    service: &Service,
    request: &Request,
    command: Command,
    render: &Render,
) -> Result<Outcome, ServiceError> {
    let mut tx = service.store().begin_write().await?;
    if let Some(outcome) = crate::transaction::retried(&mut tx, request).await? {
        return Ok(outcome);
    }
    let world = service.world().await?;
    let (applied, record) = apply(&mut tx, &world, request, command, Utc::now()).await?;
    let reply = render(&Applied::Humanitarian(record), &world)?;
    crate::transaction::finish(tx, request, &applied, reply).await
}

/// Records an attack on a convoy: the incident, classified against the world of the
/// generation this transaction reads (like any incident), and the convoy's link to it, in one
/// transaction with one change-log entry.
pub(crate) async fn record_attack(
    service: &Service,
    request: &Request,
    convoy_id: String,
    incident: truce_store::IncidentBody,
    render: &Render,
) -> Result<Outcome, ServiceError> {
    let mut tx = service.store().begin_write().await?;
    let generation = tx.world_generation().await?;
    if let Some(outcome) = crate::transaction::retried(&mut tx, request).await? {
        return Ok(outcome);
    }
    let world = service.world_in(&mut tx, generation).await?;
    let mut convoy: Convoy = locked(&mut tx, RecordKind::Convoy, &convoy_id).await?;
    let assessment = crate::incidents::assess(&incident, &[], &world)?;
    let row = crate::incidents::incident_row(
        &incident,
        &assessment,
        crate::incidents::submitted_by(request),
    )?;
    tx.insert_incidents(&[row]).await?;
    convoy.incidents.push(incident.id.clone());
    convoy.check()?;
    update(
        &mut tx,
        RecordKind::Convoy,
        &convoy.id,
        convoy.state().name(),
        &convoy,
    )
    .await?;
    let reply = render(
        &Applied::ConvoyAttack {
            convoy,
            incident: incident.clone(),
            assessment,
        },
        &world,
    )?;
    let command = Command::RecordConvoyAttack {
        convoy: convoy_id,
        incident,
    };
    crate::transaction::finish(tx, request, &command, reply).await
}

/// Checks and writes a humanitarian command; returns it as applied (each step signed by the
/// principal) and the record after it. Steps dated after `now` are refused.
pub(crate) async fn apply(
    tx: &mut WriteTx,
    world: &World,
    request: &Request,
    command: Command,
    now: DateTime<Utc>,
) -> Result<(Command, HumanitarianRecord), ServiceError> {
    let by = request.principal.as_str().to_owned();
    // Who recorded a step is the principal: only the server's own seeding (records compiled
    // from the scenario's sources) keeps what the record says.
    let keep_recorder = matches!(
        request.principal.viewer(),
        truce_core::access::Viewer::System
    );
    let not_later = |at: DateTime<Utc>| {
        if at > now + CLOCK_SKEW {
            Err(ServiceError::invalid(format!(
                "{} is in the future: record a step once it has happened",
                at.to_rfc3339()
            )))
        } else {
            Ok(())
        }
    };
    match command {
        Command::AddLocation { location } => {
            location.check()?;
            check_actors(world, &location)?;
            insert(tx, RecordKind::Location, &location.id, "listed", &location).await?;
            Ok((
                Command::AddLocation {
                    location: location.clone(),
                },
                HumanitarianRecord::Location(location),
            ))
        }
        Command::ClassifyLocation {
            location: id,
            classification,
        } => {
            classification.check()?;
            let mut location: AccessLocation = locked(tx, RecordKind::Location, &id).await?;
            location.classifications.push(classification.clone());
            location.check()?;
            update(tx, RecordKind::Location, &id, "listed", &location).await?;
            Ok((
                Command::ClassifyLocation {
                    location: id,
                    classification,
                },
                HumanitarianRecord::Location(location),
            ))
        }
        Command::AddPopulationEstimate {
            location: id,
            estimate,
        } => {
            estimate.check()?;
            let mut location: AccessLocation = locked(tx, RecordKind::Location, &id).await?;
            location.estimates.push(estimate.clone());
            location.check()?;
            update(tx, RecordKind::Location, &id, "listed", &location).await?;
            Ok((
                Command::AddPopulationEstimate {
                    location: id,
                    estimate,
                },
                HumanitarianRecord::Location(location),
            ))
        }
        Command::AddConvoy { mut convoy } => {
            for step in &mut convoy.steps {
                not_later(step.at)?;
                if !keep_recorder || step.by.is_empty() {
                    step.by.clone_from(&by);
                }
            }
            convoy.check()?;
            for destination in &convoy.destinations {
                exists(tx, RecordKind::Location, &destination.location).await?;
            }
            insert(
                tx,
                RecordKind::Convoy,
                &convoy.id,
                convoy.state().name(),
                &convoy,
            )
            .await?;
            Ok((
                Command::AddConvoy {
                    convoy: convoy.clone(),
                },
                HumanitarianRecord::Convoy(convoy),
            ))
        }
        Command::MoveConvoy {
            convoy: id,
            mut step,
        } => {
            not_later(step.at)?;
            step.by.clone_from(&by);
            let mut convoy: Convoy = locked(tx, RecordKind::Convoy, &id).await?;
            convoy.advance(step.clone())?;
            update(tx, RecordKind::Convoy, &id, convoy.state().name(), &convoy).await?;
            Ok((
                Command::MoveConvoy { convoy: id, step },
                HumanitarianRecord::Convoy(convoy),
            ))
        }
        Command::AddAirOperation { mut operation } => {
            for step in &mut operation.steps {
                not_later(step.at)?;
                if !keep_recorder || step.by.is_empty() {
                    step.by.clone_from(&by);
                }
            }
            operation.check()?;
            exists(tx, RecordKind::Location, &operation.destination).await?;
            insert(
                tx,
                RecordKind::AirOperation,
                &operation.id,
                operation.state().name(),
                &operation,
            )
            .await?;
            Ok((
                Command::AddAirOperation {
                    operation: operation.clone(),
                },
                HumanitarianRecord::AirOperation(operation),
            ))
        }
        Command::MoveAirOperation {
            operation: id,
            mut step,
        } => {
            not_later(step.at)?;
            step.by.clone_from(&by);
            let mut operation: AirOperation = locked(tx, RecordKind::AirOperation, &id).await?;
            operation.advance(step.clone())?;
            update(
                tx,
                RecordKind::AirOperation,
                &id,
                operation.state().name(),
                &operation,
            )
            .await?;
            Ok((
                Command::MoveAirOperation {
                    operation: id,
                    step,
                },
                HumanitarianRecord::AirOperation(operation),
            ))
        }
        _ => Err(ServiceError::Internal(
            "not a humanitarian command".to_owned(),
        )),
    }
}

/// The besieging parties are actors of the registry: the one truth about a party.
fn check_actors(world: &World, location: &AccessLocation) -> Result<(), ServiceError> {
    for actor in &location.besieging_actors {
        if world.scenario.actors.get(&ActorId::new(actor)).is_none() {
            return Err(ServiceError::Invalid {
                code: "unknown_actor",
                message: format!(
                    "location '{}': the besieging party '{actor}' is not an actor of the registry",
                    location.id
                ),
            });
        }
    }
    Ok(())
}

fn noun(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Location => "location",
        RecordKind::Convoy => "convoy",
        RecordKind::AirOperation => "air operation",
    }
}

fn encode<T: Serialize>(value: &T) -> Result<String, ServiceError> {
    serde_json::to_string(value)
        .map_err(|error| ServiceError::Internal(format!("encoding a record: {error}")))
}

async fn insert<T: Serialize>(
    tx: &mut WriteTx,
    kind: RecordKind,
    id: &str,
    state: &str,
    value: &T,
) -> Result<(), ServiceError> {
    if tx.lock_humanitarian(kind, id).await?.is_some() {
        return Err(ServiceError::Conflict(format!(
            "{} '{id}' already exists",
            noun(kind)
        )));
    }
    tx.insert_humanitarian(kind, id, state, &encode(value)?)
        .await?;
    Ok(())
}

async fn update<T: Serialize>(
    tx: &mut WriteTx,
    kind: RecordKind,
    id: &str,
    state: &str,
    value: &T,
) -> Result<(), ServiceError> {
    tx.update_humanitarian(kind, id, state, &encode(value)?)
        .await?;
    Ok(())
}

/// A record taken for a change.
async fn locked<T: serde::de::DeserializeOwned>(
    tx: &mut WriteTx,
    kind: RecordKind,
    id: &str,
) -> Result<T, ServiceError> {
    let stored = tx
        .lock_humanitarian(kind, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("no {} '{id}'", noun(kind))))?;
    parse(kind, &stored.body)
}

async fn exists(tx: &mut WriteTx, kind: RecordKind, id: &str) -> Result<(), ServiceError> {
    match tx.lock_humanitarian(kind, id).await? {
        Some(_) => Ok(()),
        None => Err(ServiceError::Invalid {
            code: "unknown_location",
            message: format!("no {} '{id}'", noun(kind)),
        }),
    }
}

/// A stored record's document.
pub fn parse<T: serde::de::DeserializeOwned>(
    kind: RecordKind,
    body: &str,
) -> Result<T, ServiceError> {
    serde_json::from_str(body).map_err(|error| {
        ServiceError::Internal(format!("a stored {} does not parse: {error}", noun(kind)))
    })
}

/// Every humanitarian record, read for pages and figures (a few thousand at most).
#[derive(Debug, Clone, Default)]
pub struct Records {
    /// Locations, by id.
    pub locations: Vec<AccessLocation>,
    /// Convoys, by id.
    pub convoys: Vec<Convoy>,
    /// Air operations, by id.
    pub air_operations: Vec<AirOperation>,
    /// Arrangements tying deliveries (reference data of the scenario).
    pub linked_deliveries: Vec<LinkedDeliveries>,
}

impl Service {
    /// Every humanitarian record as stored now.
    pub async fn humanitarian(&self) -> Result<Records, ServiceError> {
        let store = self.store();
        let read = |kind| store.humanitarian_records(kind);
        let locations = read(RecordKind::Location).await?;
        let convoys = read(RecordKind::Convoy).await?;
        let air = read(RecordKind::AirOperation).await?;
        Ok(Records {
            locations: locations
                .iter()
                .map(|r| parse(RecordKind::Location, &r.body))
                .collect::<Result<_, _>>()?,
            convoys: convoys
                .iter()
                .map(|r| parse(RecordKind::Convoy, &r.body))
                .collect::<Result<_, _>>()?,
            air_operations: air
                .iter()
                .map(|r| parse(RecordKind::AirOperation, &r.body))
                .collect::<Result<_, _>>()?,
            linked_deliveries: self.base().humanitarian.linked_deliveries.clone(),
        })
    }
}
