//! The world the classifier sees: the stored agreement, actors and control map on top of the
//! scenario's fixed reference data (admin boundaries, besieged locations).
//!
//! The database is the source of truth. On first start it is seeded from the scenario's files;
//! after every change to the terms, the actors or the map, the in-memory [`Scenario`] is rebuilt
//! from it, and the incidents the change may affect are re-classified.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use geo::BoundingRect;
use serde_json::{Value, json};
use truce_core::control::AreaVersion;
use truce_core::incident::{
    ActorRef, CountRange, EventKind, GeoPrecision, Incident, Location, SourceGrade, SubEventType,
    TimePrecision,
};
use truce_core::scenario::{
    ScenarioParts, load_manifest, load_parts, parse_actors, parse_agreement, parse_control_layer,
};
use truce_core::{Scenario, ScenarioErrors, ScenarioFiles};
use truce_store::{NewArea, Store, StoreError};

use crate::views::{ActorRefView, Casualties, IncidentView, ReportView};

/// Why the world could not be built.
#[derive(Debug, thiserror::Error)]
pub enum WorldError {
    /// The scenario files or the stored data do not make a sound scenario.
    #[error("{0}")]
    Scenario(#[from] ScenarioErrors),
    /// The database failed.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// Something else, described.
    #[error("{0}")]
    Other(String),
}

/// The current scenario and the parts it was built from.
#[derive(Debug, Clone)]
pub struct World {
    /// What the classifier uses.
    pub scenario: Arc<Scenario>,
    /// The parts, to build the next world from.
    pub parts: ScenarioParts,
    /// Every stored agreement as (id, JSON); the first is the one incidents are classified against.
    pub agreements: Vec<(String, String)>,
    /// A number no other world of this process has: caches of drawn maps key on it.
    pub generation: u64,
}

static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// The fixed reference data of a scenario: identity, admin boundaries, besieged locations.
pub fn base_parts(files: &dyn ScenarioFiles) -> Result<ScenarioParts, ScenarioErrors> {
    let parts = load_parts(files)?;
    Ok(ScenarioParts {
        agreement: None,
        actors: Vec::new(),
        designations: Vec::new(),
        commitments: Vec::new(),
        areas: Vec::new(),
        ..parts
    })
}

/// Milliseconds since the epoch.
pub fn millis(instant: DateTime<Utc>) -> i64 {
    instant.timestamp_millis()
}

/// An RFC 3339 UTC text for milliseconds since the epoch.
pub fn rfc3339(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms).map_or_else(String::new, |t| {
        t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    })
}

/// Fills an empty database from the scenario's files. Returns whether it seeded anything.
pub async fn seed_if_empty(
    store: &Store,
    files: &dyn ScenarioFiles,
    base: &ScenarioParts,
) -> Result<bool, WorldError> {
    if !store.agreements().await?.is_empty() {
        return Ok(false);
    }
    let manifest = load_manifest(files)?;
    let read = |path: &str| files.read(path).map_err(WorldError::Other);
    let agreement_text = read(&manifest.agreement)?;
    let agreement = parse_agreement(&manifest.agreement, &agreement_text)?;
    let actors = parse_actors(&manifest.actors, &read(&manifest.actors)?)?;
    let mut areas = Vec::new();
    for layer in &manifest.control_layers {
        areas.extend(split_layer(layer, &read(layer)?, base)?);
    }
    // Check the whole before writing any of it.
    let mut parts = base.clone();
    parts.agreement = Some(agreement.clone());
    parts.actors = actors.actors.clone();
    parts.designations = actors.designations.clone();
    parts.commitments = actors.commitments.clone();
    parts.areas = areas.iter().map(|(version, _)| version.clone()).collect();
    Scenario::from_parts(parts)?;

    store
        .insert_agreement(&agreement.id, &agreement_text)
        .await?;
    for actor in &actors.actors {
        store.insert_actor(actor).await?;
    }
    for designation in &actors.designations {
        store.insert_designation(designation).await?;
    }
    for commitment in &actors.commitments {
        store.put_commitment(commitment).await?;
    }
    let rows: Vec<NewArea> = areas
        .iter()
        .map(|(version, layer)| new_area(version, layer))
        .collect();
    store.insert_areas(&rows).await?;
    Ok(true)
}

/// Splits a control layer into one-feature layers, one per version, as the store keeps them.
pub fn split_layer(
    file: &str,
    text: &str,
    base: &ScenarioParts,
) -> Result<Vec<(AreaVersion, String)>, WorldError> {
    let layer: Value =
        serde_json::from_str(text).map_err(|e| WorldError::Other(format!("{file}: {e}")))?;
    let meta = layer.get("truce_layer").cloned().unwrap_or(Value::Null);
    let features = layer
        .get("features")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut out = Vec::with_capacity(features.len());
    for feature in features {
        let single =
            json!({"type": "FeatureCollection", "truce_layer": meta, "features": [feature]})
                .to_string();
        let mut versions = parse_control_layer(file, &single, &base.admin3)?;
        if let Some(version) = versions.pop() {
            out.push((version, single));
        }
    }
    Ok(out)
}

/// The store row of an area version.
pub fn new_area(version: &AreaVersion, layer: &str) -> NewArea {
    let bbox = version.shape.bounding_rect().map_or([0.0; 4], |rect| {
        [rect.min().x, rect.min().y, rect.max().x, rect.max().y]
    });
    NewArea {
        id: version.id.to_string(),
        contributor: version.contributor.to_string(),
        valid_from: millis(version.valid_from),
        valid_to: version.valid_to.map(millis),
        bbox,
        layer: layer.to_owned(),
    }
}

/// Builds the world from the database on top of `base`.
pub async fn load_world(store: &Store, base: &ScenarioParts) -> Result<World, WorldError> {
    let agreements = store.agreements().await?;
    let Some((id, body)) = agreements.first() else {
        return Err(WorldError::Other(
            "the database holds no agreement".to_owned(),
        ));
    };
    let mut parts = base.clone();
    parts.agreement = Some(parse_agreement(&format!("agreement {id}"), body)?);
    parts.actors = store.actors().await?;
    parts.designations = store.designations().await?;
    parts.commitments = store.commitments().await?;
    let mut areas = Vec::new();
    for layer in store.area_layers().await? {
        areas.extend(parse_control_layer("stored area", &layer, &base.admin3)?);
    }
    parts.areas = areas;
    let scenario = Scenario::from_parts(parts.clone())?;
    Ok(World {
        scenario: Arc::new(scenario),
        parts,
        agreements,
        generation: GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
    })
}

/// The graded source of a stored report, for rule R5.
pub fn source_grade(report: &ReportView) -> SourceGrade {
    SourceGrade {
        source: report.source_name.clone(),
        affiliation: report.affiliation.clone(),
        reliability: report.reliability.chars().next().unwrap_or('F'),
        credibility: report.credibility,
        direct_observation: report.direct_observation,
    }
}

/// Resolves an actor named in a request: a registry actor, or the name kept as written.
pub fn actor_ref(scenario: &Scenario, name: Option<&str>) -> Option<ActorRefView> {
    let name = name?.trim();
    if name.is_empty() {
        return None;
    }
    Some(match scenario.actors.resolve(name) {
        Some(actor) => ActorRefView {
            id: Some(actor.id.to_string()),
            name: actor.name.clone(),
        },
        None => ActorRefView {
            id: None,
            name: name.to_owned(),
        },
    })
}

/// The core incident for a stored view, with its reports' grades.
pub fn core_incident(view: &IncidentView, sources: Vec<SourceGrade>) -> Result<Incident, String> {
    let occurred_at = DateTime::parse_from_rfc3339(&view.occurred_at)
        .map_err(|e| format!("occurred_at: {e}"))?
        .with_timezone(&Utc);
    let geo_precision = GeoPrecision::try_from(view.geo_precision)?;
    let location = Location::new(view.lat, view.lon, geo_precision).map_err(|e| e.to_string())?;
    let mut incident = Incident::new(view.id.clone(), occurred_at, Some(location));
    incident.time_precision = TimePrecision::try_from(view.time_precision)?;
    incident.origin = view
        .origin
        .map(|point| Location::new(point.lat, point.lon, GeoPrecision::Town))
        .transpose()
        .map_err(|e| format!("origin: {e}"))?;
    let to_ref = |actor: &Option<ActorRefView>| {
        actor.as_ref().map(|actor| match &actor.id {
            Some(id) => ActorRef::Known(truce_core::actor::ActorId::new(id)),
            None => ActorRef::Unknown(actor.name.clone()),
        })
    };
    incident.perpetrator = to_ref(&view.perpetrator);
    incident.target = to_ref(&view.target);
    incident.kind = match (&view.sub_event_type, &view.event_type) {
        (Some(sub), _) => SubEventType::parse(sub)
            .map(EventKind::from_sub_event)
            .unwrap_or_default(),
        (None, Some(event)) => EventKind::parse(event)
            .map(|(kind, _)| kind)
            .unwrap_or_default(),
        (None, None) => EventKind::default(),
    };
    incident.weapon = view.weapon.clone();
    incident.self_defence_claimed = view.self_defence_claimed;
    incident.casualties = core_casualties(&view.casualties);
    incident.sources = sources;
    Ok(incident)
}

fn core_casualties(casualties: &Casualties) -> truce_core::incident::Casualties {
    let range = |r: crate::views::Range| CountRange {
        min: r.min,
        max: r.max,
    };
    truce_core::incident::Casualties {
        killed_civilian: range(casualties.killed_civilian),
        killed_combatant: range(casualties.killed_combatant),
        injured_civilian: range(casualties.injured_civilian),
        injured_combatant: range(casualties.injured_combatant),
    }
}

/// Groups report bodies by incident for re-classification.
pub fn reports_by_incident(rows: Vec<(i64, String)>) -> HashMap<i64, Vec<SourceGrade>> {
    let mut grouped: HashMap<i64, Vec<SourceGrade>> = HashMap::new();
    for (seq, body) in rows {
        if let Ok(report) = serde_json::from_str::<ReportView>(&body) {
            grouped.entry(seq).or_default().push(source_grade(&report));
        }
    }
    grouped
}
