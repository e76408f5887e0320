//! The first start: the scenario's agreement, actors, designations, commitments and control
//! map written in one transaction with their change-log entries, so that a crash leaves the
//! database empty or complete, and two servers starting at once seed it once.

use serde_json::Value;
use truce_core::change::{WorldChange, admit};
use truce_core::scenario::{ScenarioParts, load_manifest, parse_actors};
use truce_core::{Scenario, ScenarioFiles};
use truce_store::{RecordKind, Store};

use crate::world::split_layer;
use crate::{Command, Principal, Request, Service, ServiceError, change_entry, write_change};

/// Seeds an empty database from the scenario's files. Returns whether this call seeded it.
pub(crate) async fn seed_if_empty(
    store: &Store,
    files: &dyn ScenarioFiles,
    base: &ScenarioParts,
) -> Result<bool, ServiceError> {
    if store.is_seeded().await? {
        return Ok(false);
    }
    let commands = scenario_commands(files, base)?;
    // Check the whole before writing any of it.
    let mut parts = base.clone();
    let mut agreement_ids = Vec::new();
    let mut changes = Vec::with_capacity(commands.len());
    for command in &commands {
        let change = command.world_change(base)?.ok_or_else(|| {
            ServiceError::Internal("a seed command is no change of the world".to_owned())
        })?;
        admit(&mut parts, &agreement_ids, &change)?;
        if let WorldChange::Agreement(agreement) = &change {
            agreement_ids.push(agreement.id.clone());
        }
        changes.push(change);
    }
    Scenario::from_parts(parts).map_err(ServiceError::unsound)?;

    let mut tx = store.begin_write().await?;
    tx.lock_world().await?;
    if tx.is_seeded().await? {
        // Another server seeded it while this one was reading the files.
        return Ok(false);
    }
    let request = Request {
        principal: Principal::system(),
        key: None,
        reason: format!("seeded from the scenario {}", base.id),
    };
    let mut entries = Vec::with_capacity(commands.len());
    for (change, command) in changes.iter().zip(&commands) {
        write_change(&mut tx, change, command).await?;
        entries.push(change_entry(&request, command)?);
    }
    tx.append_changes(&entries).await?;
    tx.commit().await?;
    tracing::info!(scenario = %base.id, changes = entries.len(), "seeded the database");
    Ok(true)
}

/// Seeds the scenario's humanitarian records (locations, convoys, air operations) when none is
/// stored: on the first start, and on the first start of a database seeded before they
/// existed. A second server seeding at the same moment fails on the first id it inserts; its
/// transaction is rolled back and the other's records stand.
pub(crate) async fn seed_humanitarian_if_empty(service: &Service) -> Result<bool, ServiceError> {
    let base = service.base();
    let records = &base.humanitarian;
    let mut commands: Vec<Command> = Vec::new();
    commands.extend(base.besieged.iter().map(|location| Command::AddLocation {
        location: location.clone(),
    }));
    commands.extend(records.convoys.iter().map(|convoy| Command::AddConvoy {
        convoy: convoy.clone(),
    }));
    commands.extend(
        records
            .air_operations
            .iter()
            .map(|operation| Command::AddAirOperation {
                operation: operation.clone(),
            }),
    );
    if commands.is_empty() {
        return Ok(false);
    }
    let mut tx = service.store().begin_write().await?;
    if tx.has_humanitarian(RecordKind::Location).await? {
        return Ok(false);
    }
    let world = service.cached_world();
    let request = Request {
        principal: Principal::system(),
        key: None,
        reason: format!("seeded from the scenario {}", base.id),
    };
    let mut entries = Vec::with_capacity(commands.len());
    for command in commands {
        let result =
            crate::humanitarian::apply(&mut tx, &world, &request, command, chrono::Utc::now())
                .await;
        let applied = match applied_or_seeded(result)? {
            Some(applied) => applied,
            None => return Ok(false),
        };
        entries.push(change_entry(&request, &applied)?);
    }
    tx.append_changes(&entries).await?;
    match tx.commit().await {
        Err(truce_store::StoreError::Conflict(_)) => return Ok(false),
        other => other?,
    }
    tracing::info!(scenario = %base.id, changes = entries.len(), "seeded the humanitarian records");
    Ok(true)
}

/// The command as applied, or `None` when another server seeded the records meanwhile.
fn applied_or_seeded(
    result: Result<(Command, crate::HumanitarianRecord), ServiceError>,
) -> Result<Option<Command>, ServiceError> {
    match result {
        Ok((applied, _)) => Ok(Some(applied)),
        Err(ServiceError::Store(truce_store::StoreError::Conflict(_))) => Ok(None),
        Err(ServiceError::Conflict(_)) => Ok(None),
        Err(error) => Err(error),
    }
}

/// The scenario's files as commands, in the order they depend on each other.
fn scenario_commands(
    files: &dyn ScenarioFiles,
    base: &ScenarioParts,
) -> Result<Vec<Command>, ServiceError> {
    let manifest = load_manifest(files).map_err(ServiceError::unsound)?;
    let read = |path: &str| files.read(path).map_err(ServiceError::Internal);
    let json = |path: &str, text: &str| -> Result<Value, ServiceError> {
        serde_json::from_str(text).map_err(|e| ServiceError::Internal(format!("{path}: {e}")))
    };
    let actors =
        parse_actors(&manifest.actors, &read(&manifest.actors)?).map_err(ServiceError::unsound)?;
    let mut commands = Vec::new();
    // Actors first: the agreement's exclusions name them.
    for actor in actors.actors {
        commands.push(Command::AddActor { actor });
    }
    commands.push(Command::AddAgreement {
        agreement: json(&manifest.agreement, &read(&manifest.agreement)?)?,
    });
    for designation in actors.designations {
        commands.push(Command::AddDesignation { designation });
    }
    for commitment in actors.commitments {
        commands.push(Command::SetCommitment { commitment });
    }
    for layer in &manifest.control_layers {
        for (_, single) in split_layer(layer, &read(layer)?, base)? {
            commands.push(Command::AddAreaVersion {
                layer: json(layer, &single)?,
            });
        }
    }
    Ok(commands)
}
