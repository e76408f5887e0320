//! The world the classifier sees: the stored agreement, actors and control map on top of the
//! scenario's fixed reference data (admin boundaries, besieged locations).
//!
//! The database is the source of truth. On first start it is seeded from the scenario's files
//! (`crate::seed`). The world has a generation, stored in the database and incremented by
//! every change of it; a server keeps the world of the latest generation it has seen and
//! rebuilds it when the database holds a newer one.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use geo::BoundingRect;
use serde_json::{Value, json};
use truce_core::control::AreaVersion;
use truce_core::incident::{
    ActorRef, CountRange, EventKind, GeoPrecision, Incident, Location, SourceGrade, SubEventType,
    TimePrecision,
};
use truce_core::scenario::{ScenarioParts, load_parts, parse_agreement, parse_control_layer};
use truce_core::{Scenario, ScenarioErrors, ScenarioFiles};
use truce_store::{
    ActorName, Casualties, IncidentBody, NewArea, ReportBody, Store, StoreError, WorldRows,
};

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
    /// The generation in the database this world was built from (caches of drawn maps key on
    /// it, and every server agrees on it).
    pub generation: i64,
}

impl World {
    /// The ids of the agreements recorded.
    pub fn agreement_ids(&self) -> Vec<String> {
        self.agreements.iter().map(|(id, _)| id.clone()).collect()
    }
}

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

/// Builds the world from the database on top of `base`. The generation is read with the
/// parts and again after them: a change committed meanwhile makes it read them again.
pub async fn load_world(store: &Store, base: &ScenarioParts) -> Result<World, WorldError> {
    loop {
        let rows = store.world_rows().await?;
        if store.world_generation().await? == rows.generation {
            return build_world(rows, base);
        }
    }
}

/// The world of stored rows on top of `base`.
pub fn build_world(rows: WorldRows, base: &ScenarioParts) -> Result<World, WorldError> {
    let Some((id, body)) = rows.agreements.first() else {
        return Err(WorldError::Other(
            "the database holds no agreement: it has not been seeded".to_owned(),
        ));
    };
    let mut parts = base.clone();
    parts.agreement = Some(parse_agreement(&format!("agreement {id}"), body)?);
    parts.actors = rows.actors;
    parts.designations = rows.designations;
    parts.commitments = rows.commitments;
    let mut areas = Vec::new();
    for layer in &rows.area_layers {
        areas.extend(parse_control_layer("stored area", layer, &base.admin3)?);
    }
    parts.areas = areas;
    let scenario = Scenario::from_parts(parts.clone())?;
    Ok(World {
        scenario: Arc::new(scenario),
        parts,
        agreements: rows.agreements,
        generation: rows.generation,
    })
}

/// The graded source of a stored report, for rule R5.
pub fn source_grade(report: &ReportBody) -> SourceGrade {
    SourceGrade {
        source: report.source_name.clone(),
        affiliation: report.affiliation.clone(),
        reliability: report.reliability.chars().next().unwrap_or('F'),
        credibility: report.credibility,
        direct_observation: report.direct_observation,
    }
}

/// Resolves an actor named in a request: a registry actor, or the name kept as written.
pub fn actor_ref(scenario: &Scenario, name: Option<&str>) -> Option<ActorName> {
    let name = name?.trim();
    if name.is_empty() {
        return None;
    }
    Some(match scenario.actors.resolve(name) {
        Some(actor) => ActorName {
            id: Some(actor.id.to_string()),
            name: actor.name.clone(),
        },
        None => ActorName {
            id: None,
            name: name.to_owned(),
        },
    })
}

/// The core incident for a stored one, with its reports' grades.
pub fn core_incident(view: &IncidentBody, sources: Vec<SourceGrade>) -> Result<Incident, String> {
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
    let to_ref = |actor: &Option<ActorName>| {
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
    let range = |r: truce_store::Range| CountRange {
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
