//! A scenario: the agreement, the actors, the control map, the admin boundaries and the
//! besieged locations, loaded from a folder of JSON and GeoJSON files and checked as a whole.
//!
//! The loader does no I/O itself: the caller hands it a [`ScenarioFiles`] that reads files by
//! relative path (from a folder, or from files compiled into the binary). Every problem found
//! is reported with the file, the entry or feature, and the reason, and loading goes on to
//! report all of them at once.
//!
//! The file formats are documented in `docs/scenario-format.md`.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use geo::{BoundingRect, Intersects, MultiPolygon, Relate};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::actor::{Actor, ActorId, ActorRegistry, Designation};
use crate::admin::{AdminLevel, AdminUnit};
use crate::agreement::{Agreement, AgreementVersion, Geography, LateAcceptance, Obligation};
use crate::commitment::Commitment;
use crate::control::{AgreedBy, AreaVersion, ControlMap, Controller};
use crate::geometry::IndexedArea;
use crate::humanitarian::{AccessLocation, AirOperation, Convoy, LinkedDeliveries};
use crate::time::{local_to_utc, parse_local, parse_zone};

/// One problem found while loading a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file, relative to the scenario folder.
    pub file: String,
    /// Where in the file: a line, a feature, an entry.
    pub location: String,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            write!(f, "{}: {}", self.file, self.reason)
        } else {
            write!(f, "{}: {}: {}", self.file, self.location, self.reason)
        }
    }
}

/// Every problem found in a scenario.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ScenarioErrors(pub Vec<ScenarioError>);

impl fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        writeln!(
            f,
            "{count} problem{} in the scenario:",
            if count == 1 { "" } else { "s" }
        )?;
        for error in &self.0 {
            writeln!(f, "  {error}")?;
        }
        Ok(())
    }
}

/// Access to the files of a scenario by relative path.
pub trait ScenarioFiles {
    /// The text of the file, or a message saying why it cannot be read.
    fn read(&self, path: &str) -> Result<String, String>;
}

/// A loaded, checked scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Identifier, e.g. `coh-2016`.
    pub id: String,
    /// Title.
    pub name: String,
    /// What it is and where its data come from.
    pub description: String,
    /// The agreement and its versions.
    pub agreement: Agreement,
    /// Actors and designations.
    pub actors: ActorRegistry,
    /// Commitments, one per committed actor.
    pub commitments: Vec<Commitment>,
    /// The time-versioned control map.
    pub control: ControlMap,
    /// Governorates.
    pub admin1: AdminLevel,
    /// Sub-districts.
    pub admin3: AdminLevel,
    /// Besieged and hard-to-reach locations as the scenario lists them (the store's record,
    /// seeded from these, is the one kept up to date).
    pub besieged: Vec<AccessLocation>,
    /// Convoys and air operations of the scenario, seeded into the store.
    pub humanitarian: HumanitarianRecords,
    /// Starts of versions that require parties to declare again (derived).
    pub reconfirmation_starts: Vec<DateTime<Utc>>,
    commitment_by_actor: HashMap<ActorId, usize>,
}

/// The parts of a scenario before the cross-checks, for building one in code.
#[derive(Debug, Clone, Default)]
pub struct ScenarioParts {
    /// Identifier.
    pub id: String,
    /// Title.
    pub name: String,
    /// Description.
    pub description: String,
    /// The agreement.
    pub agreement: Option<Agreement>,
    /// Actors.
    pub actors: Vec<Actor>,
    /// Designations.
    pub designations: Vec<Designation>,
    /// Commitments.
    pub commitments: Vec<Commitment>,
    /// Area versions.
    pub areas: Vec<AreaVersion>,
    /// Governorates.
    pub admin1: Vec<AdminUnit>,
    /// Sub-districts.
    pub admin3: Vec<AdminUnit>,
    /// Besieged and hard-to-reach locations.
    pub besieged: Vec<AccessLocation>,
    /// Convoys, air operations and linked deliveries.
    pub humanitarian: HumanitarianRecords,
}

/// The humanitarian records a scenario ships: what happened, with its sources.
#[derive(Debug, Clone, Default)]
pub struct HumanitarianRecords {
    /// Convoys.
    pub convoys: Vec<Convoy>,
    /// Airdrops and airlifts.
    pub air_operations: Vec<AirOperation>,
    /// Arrangements tying deliveries to each other.
    pub linked_deliveries: Vec<LinkedDeliveries>,
}

impl Scenario {
    /// The commitment of this actor itself (not inherited), if any.
    pub fn commitment(&self, actor: &ActorId) -> Option<&Commitment> {
        self.commitment_by_actor
            .get(actor)
            .map(|&slot| &self.commitments[slot])
    }

    /// Whether any area version is marked approximate.
    pub fn control_is_approximate(&self) -> bool {
        self.control
            .versions()
            .iter()
            .any(|version| version.approximate)
    }

    /// Loads the scenario whose manifest is `scenario.json` among `files`.
    pub fn load(files: &dyn ScenarioFiles) -> Result<Scenario, ScenarioErrors> {
        let mut errors = Errors::default();
        let parts = read_parts(files, &mut errors);
        let scenario = Scenario::assemble(parts, &mut errors);
        match scenario {
            Some(scenario) if errors.0.is_empty() => Ok(scenario),
            _ => Err(ScenarioErrors(errors.0)),
        }
    }

    /// Builds a scenario from parts, checking every cross-reference.
    pub fn from_parts(parts: ScenarioParts) -> Result<Scenario, ScenarioErrors> {
        let mut errors = Errors::default();
        match Scenario::assemble(parts, &mut errors) {
            Some(scenario) if errors.0.is_empty() => Ok(scenario),
            _ => Err(ScenarioErrors(errors.0)),
        }
    }

    fn assemble(parts: ScenarioParts, errors: &mut Errors) -> Option<Scenario> {
        const ACTORS: &str = "actors.json";
        const AGREEMENT: &str = "agreement.json";
        let actors = match ActorRegistry::new(parts.actors, parts.designations) {
            Ok(registry) => registry,
            Err(error) => {
                // Every other check refers to actors: without a registry they would only
                // repeat this one problem in a hundred forms.
                errors.push(ACTORS, "", error.to_string());
                return None;
            }
        };
        let Some(agreement) = parts.agreement else {
            errors.push(AGREEMENT, "", "no agreement");
            return None;
        };
        check_agreement(&agreement, &actors, errors);
        let reconfirmation_starts = agreement.reconfirmation_starts();

        let mut commitment_by_actor = HashMap::new();
        for (slot, commitment) in parts.commitments.iter().enumerate() {
            let at = format!("commitment of '{}'", commitment.actor);
            if actors.get(&commitment.actor).is_none() {
                errors.push(ACTORS, &at, "unknown actor");
            }
            if commitment_by_actor
                .insert(commitment.actor.clone(), slot)
                .is_some()
            {
                errors.push(
                    ACTORS,
                    &at,
                    "the actor has two commitments; put the events in one history",
                );
            }
            if let Err(error) =
                commitment.validate(agreement.first_deadline(), &reconfirmation_starts)
            {
                errors.push(ACTORS, &at, error.to_string());
            }
        }

        check_admin(&parts.admin1, "admin1", errors);
        check_admin(&parts.admin3, "admin3", errors);
        check_areas(&parts.areas, &parts.admin3, &actors, errors);
        let admin3 = AdminLevel::new(parts.admin3);
        check_humanitarian(&parts.besieged, &parts.humanitarian, &actors, errors);
        for location in &parts.besieged {
            if admin3.at(location.lon, location.lat).is_none() {
                errors.push(
                    "besieged.json",
                    &format!("location '{}'", location.id),
                    format!(
                        "({}, {}) is outside every sub-district",
                        location.lat, location.lon
                    ),
                );
            }
        }
        Some(Scenario {
            id: parts.id,
            name: parts.name,
            description: parts.description,
            agreement,
            actors,
            commitments: parts.commitments,
            control: ControlMap::new(parts.areas),
            admin1: AdminLevel::new(parts.admin1),
            admin3,
            besieged: parts.besieged,
            humanitarian: parts.humanitarian,
            reconfirmation_starts,
            commitment_by_actor,
        })
    }
}

/// Reads the manifest and every file it names into parts, without the cross-checks of
/// [`Scenario::from_parts`]. Problems found while reading are returned together.
pub fn load_parts(files: &dyn ScenarioFiles) -> Result<ScenarioParts, ScenarioErrors> {
    let mut errors = Errors::default();
    let parts = read_parts(files, &mut errors);
    if errors.0.is_empty() {
        Ok(parts)
    } else {
        Err(ScenarioErrors(errors.0))
    }
}

/// Reads a scenario's manifest.
pub fn load_manifest(files: &dyn ScenarioFiles) -> Result<Manifest, ScenarioErrors> {
    let mut errors = Errors::default();
    read_json::<Manifest>(files, "scenario.json", &mut errors).ok_or(ScenarioErrors(errors.0))
}

/// Parses the text of an agreement file (format: `docs/scenario-format.md`). `file` names the
/// source in error messages.
pub fn parse_agreement(file: &str, text: &str) -> Result<Agreement, ScenarioErrors> {
    let mut errors = Errors::default();
    let agreement = parse_json::<AgreementFile>(file, text, &mut errors)
        .and_then(|raw| convert_agreement(file, raw, &mut errors));
    match agreement {
        Some(agreement) if errors.0.is_empty() => Ok(agreement),
        _ => Err(ScenarioErrors(errors.0)),
    }
}

/// Parses the text of a control layer (a GeoJSON FeatureCollection with a `truce_layer`
/// member). Features without geometry take the outline of their `admin3_pcode` from `admin3`.
pub fn parse_control_layer(
    file: &str,
    text: &str,
    admin3: &[AdminUnit],
) -> Result<Vec<AreaVersion>, ScenarioErrors> {
    let mut errors = Errors::default();
    let shapes: HashMap<&str, &Arc<MultiPolygon<f64>>> = admin3
        .iter()
        .map(|unit| (&*unit.pcode, &unit.shape))
        .collect();
    let mut areas = Vec::new();
    parse_layer(file, text, &shapes, &mut areas, &mut errors);
    if errors.0.is_empty() {
        Ok(areas)
    } else {
        Err(ScenarioErrors(errors.0))
    }
}

/// Parses the text of an actors file.
pub fn parse_actors(file: &str, text: &str) -> Result<ActorsFile, ScenarioErrors> {
    let mut errors = Errors::default();
    parse_json::<ActorsFile>(file, text, &mut errors).ok_or(ScenarioErrors(errors.0))
}

#[derive(Default)]
struct Errors(Vec<ScenarioError>);

impl Errors {
    fn push(&mut self, file: &str, location: &str, reason: impl Into<String>) {
        self.0.push(ScenarioError {
            file: file.to_owned(),
            location: location.to_owned(),
            reason: reason.into(),
        });
    }
}

fn check_agreement(agreement: &Agreement, actors: &ActorRegistry, errors: &mut Errors) {
    const FILE: &str = "agreement.json";
    if agreement.versions.is_empty() {
        errors.push(FILE, "", "the agreement has no version");
    }
    for (position, version) in agreement.versions.iter().enumerate() {
        let at = format!("version {}", version.number);
        if version.number as usize != position + 1 {
            errors.push(
                FILE,
                &at,
                format!(
                    "versions must be numbered 1, 2, … in order; found {} at position {}",
                    version.number,
                    position + 1
                ),
            );
        }
        if let Some(previous) = position.checked_sub(1).map(|p| &agreement.versions[p])
            && previous.effective_start >= version.effective_start
        {
            errors.push(FILE, &at, "starts no later than the version before it");
        }
        if let Some(end) = version.end
            && end <= version.effective_start
        {
            errors.push(FILE, &at, "ends before it starts");
        }
        for excluded in &version.excluded_actors {
            if actors.get(excluded).is_none() {
                errors.push(
                    FILE,
                    &at,
                    format!("excluded actor '{excluded}' is not in actors.json"),
                );
            }
        }
        if version.transition_window < Duration::zero() {
            errors.push(FILE, &at, "the transition window is negative");
        }
    }
}

fn check_admin(units: &[AdminUnit], level: &str, errors: &mut Errors) {
    let mut seen = HashSet::new();
    for unit in units {
        if !seen.insert(unit.pcode.clone()) {
            errors.push(level, &format!("P-code {}", unit.pcode), "appears twice");
        }
    }
}

fn check_areas(
    areas: &[AreaVersion],
    admin3: &[AdminUnit],
    actors: &ActorRegistry,
    errors: &mut Errors,
) {
    const FILE: &str = "control";
    let pcodes: HashSet<&str> = admin3.iter().map(|unit| &*unit.pcode).collect();
    let mut ids = HashSet::new();
    for area in areas {
        let at = format!("area version {}", area.id);
        if !ids.insert(area.id.clone()) {
            errors.push(FILE, &at, "the id is used twice");
        }
        let mut referenced: Vec<&ActorId> = area.comingled.iter().collect();
        referenced.extend(area.secondary_controller.as_ref());
        if let Controller::Actor(controller) = &area.controller {
            referenced.push(controller);
        }
        for actor in referenced {
            if actors.get(actor).is_none() {
                errors.push(FILE, &at, format!("unknown actor '{actor}'"));
            }
        }
        if let Some(pcode) = &area.admin3_pcode
            && !pcodes.contains(&**pcode)
        {
            errors.push(FILE, &at, format!("unknown admin3 P-code {pcode}"));
        }
        if let Some(to) = area.valid_to
            && to <= area.valid_from
        {
            errors.push(FILE, &at, "valid_to is not after valid_from");
        }
    }
    // One contributor must not claim two controllers for the same ground at the same time.
    let boxes: Vec<_> = areas
        .iter()
        .map(|area| area.shape.bounding_rect())
        .collect();
    for (i, a) in areas.iter().enumerate() {
        for (j, b) in areas.iter().enumerate().skip(i + 1) {
            if a.contributor != b.contributor || !a.overlaps_in_time(b) {
                continue;
            }
            let overlapping = match (&a.admin3_pcode, &b.admin3_pcode) {
                // Admin units partition the country: only the same unit overlaps.
                (Some(pa), Some(pb)) => pa == pb,
                _ => match (boxes[i], boxes[j]) {
                    (Some(ba), Some(bb)) if ba.intersects(&bb) => {
                        let relation = a.shape.relate(&*b.shape);
                        relation.is_intersects() && !relation.is_touches()
                    }
                    _ => false,
                },
            };
            if overlapping {
                errors.push(
                    FILE,
                    &format!("area version {}", b.id),
                    format!(
                        "overlaps area version {} of the same contributor ({}) in space and time",
                        a.id, a.contributor
                    ),
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reading the files.

/// The manifest, `scenario.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Identifier.
    pub id: String,
    /// Title.
    pub name: String,
    /// Description and provenance.
    pub description: String,
    /// The agreement file.
    pub agreement: String,
    /// The actors file.
    pub actors: String,
    /// Governorate boundaries.
    pub admin1: String,
    /// Sub-district boundaries.
    pub admin3: String,
    /// Control layers.
    #[serde(default)]
    pub control_layers: Vec<String>,
    /// Besieged and hard-to-reach locations.
    #[serde(default)]
    pub besieged: Option<String>,
    /// Convoys, air operations and linked deliveries.
    #[serde(default)]
    pub humanitarian: Option<HumanitarianManifest>,
}

/// The files of the humanitarian records.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HumanitarianManifest {
    /// Convoys.
    #[serde(default)]
    pub convoys: Option<String>,
    /// Air operations.
    #[serde(default)]
    pub air_operations: Option<String>,
    /// Linked deliveries.
    #[serde(default)]
    pub linked_deliveries: Option<String>,
}

/// The actors file: actors, designations and commitments.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorsFile {
    /// Actors.
    pub actors: Vec<Actor>,
    /// Designations.
    #[serde(default)]
    pub designations: Vec<Designation>,
    /// Commitments.
    #[serde(default)]
    pub commitments: Vec<Commitment>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AgreementFile {
    id: String,
    name: String,
    #[serde(default)]
    name_ar: String,
    instrument_type: String,
    versions: Vec<VersionFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VersionFile {
    number: u32,
    title: String,
    #[serde(default)]
    title_ar: String,
    zone: String,
    effective_start_local: String,
    /// Optional cross-check of the local start.
    #[serde(default)]
    effective_start_utc: Option<DateTime<Utc>>,
    #[serde(default)]
    acceptance_deadline_local: Option<String>,
    #[serde(default)]
    end_local: Option<String>,
    geography: Value,
    #[serde(default)]
    excluded_lists: Vec<String>,
    #[serde(default)]
    excluded_actors: Vec<ActorId>,
    obligations: Vec<Obligation>,
    transition_window_hours: u32,
    #[serde(default)]
    requires_reconfirmation: bool,
    #[serde(default)]
    late_acceptance: LateAcceptance,
    #[serde(default)]
    approval_clock: Option<crate::humanitarian::ApprovalClock>,
    #[serde(default)]
    case_procedure: Option<crate::case::CaseProcedure>,
    #[serde(default)]
    sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LayerMeta {
    id: String,
    contributor: String,
    agreed_by: AgreedBy,
    valid_from: DateTime<Utc>,
    #[serde(default)]
    valid_to: Option<DateTime<Utc>>,
    approximate: bool,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AreaProperties {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    admin3_pcode: Option<String>,
    #[serde(default)]
    name: Option<String>,
    /// An actor id, or `contested`.
    controller: String,
    #[serde(default)]
    secondary_controller: Option<ActorId>,
    #[serde(default)]
    comingled: Vec<ActorId>,
    #[serde(default)]
    confidence: Option<String>,
    #[serde(default)]
    basis: String,
}

fn parse_json<T: serde::de::DeserializeOwned>(
    file: &str,
    text: &str,
    errors: &mut Errors,
) -> Option<T> {
    match serde_json::from_str(text) {
        Ok(value) => Some(value),
        Err(error) => {
            errors.push(
                file,
                &format!("line {}, column {}", error.line(), error.column()),
                error.to_string(),
            );
            None
        }
    }
}

/// The humanitarian records against each other and the registry: besieging parties are
/// actors, destinations are locations, ids are unique.
fn check_humanitarian(
    locations: &[AccessLocation],
    records: &HumanitarianRecords,
    actors: &ActorRegistry,
    errors: &mut Errors,
) {
    const FILE: &str = "besieged.json";
    let mut ids = HashSet::new();
    for location in locations {
        let at = format!("location '{}'", location.id);
        if !ids.insert(location.id.as_str()) {
            errors.push(FILE, &at, "the id is given twice");
        }
        for actor in &location.besieging_actors {
            if actors.get(&ActorId::new(actor)).is_none() {
                errors.push(FILE, &at, format!("unknown actor '{actor}'"));
            }
        }
    }
    let mut convoy_ids = HashSet::new();
    for convoy in &records.convoys {
        let at = format!("convoy '{}'", convoy.id);
        if !convoy_ids.insert(convoy.id.as_str()) {
            errors.push("convoys", &at, "the id is given twice");
        }
        for destination in &convoy.destinations {
            if !ids.contains(destination.location.as_str()) {
                errors.push(
                    "convoys",
                    &at,
                    format!("unknown location '{}'", destination.location),
                );
            }
        }
    }
    let mut air_ids = HashSet::new();
    for operation in &records.air_operations {
        let at = format!("air operation '{}'", operation.id);
        if !air_ids.insert(operation.id.as_str()) {
            errors.push("air operations", &at, "the id is given twice");
        }
        if !ids.contains(operation.destination.as_str()) {
            errors.push(
                "air operations",
                &at,
                format!("unknown location '{}'", operation.destination),
            );
        }
    }
    for group in &records.linked_deliveries {
        for location in group.sides.iter().flatten() {
            if !ids.contains(location.as_str()) {
                errors.push(
                    "linked deliveries",
                    &format!("arrangement '{}'", group.id),
                    format!("unknown location '{location}'"),
                );
            }
        }
    }
}

fn read_json<T: serde::de::DeserializeOwned>(
    files: &dyn ScenarioFiles,
    file: &str,
    errors: &mut Errors,
) -> Option<T> {
    match files.read(file) {
        Ok(text) => parse_json(file, &text, errors),
        Err(error) => {
            errors.push(file, "", error);
            None
        }
    }
}

fn read_parts(files: &dyn ScenarioFiles, errors: &mut Errors) -> ScenarioParts {
    let mut parts = ScenarioParts::default();
    let Some(manifest) = read_json::<Manifest>(files, "scenario.json", errors) else {
        return parts;
    };
    parts.id = manifest.id;
    parts.name = manifest.name;
    parts.description = manifest.description;
    if let Some(actors) = read_json::<ActorsFile>(files, &manifest.actors, errors) {
        parts.actors = actors.actors;
        parts.designations = actors.designations;
        parts.commitments = actors.commitments;
    }
    if let Some(agreement) = read_json::<AgreementFile>(files, &manifest.agreement, errors) {
        parts.agreement = convert_agreement(&manifest.agreement, agreement, errors);
    }
    parts.admin1 = read_admin(files, &manifest.admin1, 1, errors);
    parts.admin3 = read_admin(files, &manifest.admin3, 3, errors);
    let admin3_shapes: HashMap<&str, &Arc<MultiPolygon<f64>>> = parts
        .admin3
        .iter()
        .map(|unit| (&*unit.pcode, &unit.shape))
        .collect();
    let mut areas = Vec::new();
    for layer in &manifest.control_layers {
        read_layer(files, layer, &admin3_shapes, &mut areas, errors);
    }
    parts.areas = areas;
    if let Some(besieged) = &manifest.besieged {
        parts.besieged = read_json(files, besieged, errors).unwrap_or_default();
        for location in &parts.besieged {
            if let Err(error) = location.check() {
                errors.push(
                    besieged,
                    &format!("location '{}'", location.id),
                    error.to_string(),
                );
            }
        }
    }
    if let Some(humanitarian) = &manifest.humanitarian {
        let records = &mut parts.humanitarian;
        if let Some(file) = &humanitarian.convoys {
            records.convoys = read_json(files, file, errors).unwrap_or_default();
            for convoy in &records.convoys {
                if let Err(error) = convoy.check() {
                    errors.push(file, &format!("convoy '{}'", convoy.id), error.to_string());
                }
            }
        }
        if let Some(file) = &humanitarian.air_operations {
            records.air_operations = read_json(files, file, errors).unwrap_or_default();
            for operation in &records.air_operations {
                if let Err(error) = operation.check() {
                    errors.push(
                        file,
                        &format!("air operation '{}'", operation.id),
                        error.to_string(),
                    );
                }
            }
        }
        if let Some(file) = &humanitarian.linked_deliveries {
            records.linked_deliveries = read_json(files, file, errors).unwrap_or_default();
        }
    }
    parts
}

fn convert_agreement(file: &str, raw: AgreementFile, errors: &mut Errors) -> Option<Agreement> {
    let mut versions = Vec::new();
    for version in raw.versions {
        let at = format!("version {}", version.number);
        let zone = match parse_zone(&version.zone) {
            Ok(zone) => zone,
            Err(error) => {
                errors.push(file, &at, error.to_string());
                continue;
            }
        };
        let instant = |text: &str, errors: &mut Errors| {
            parse_local(text)
                .and_then(|local| local_to_utc(local, zone))
                .map_err(|error| errors.push(file, &at, error.to_string()))
                .ok()
        };
        let Some(effective_start) = instant(&version.effective_start_local, errors) else {
            continue;
        };
        if let Some(stated) = version.effective_start_utc
            && stated != effective_start
        {
            errors.push(
                file,
                &at,
                format!(
                    "effective_start_local {} in {} is {}, not the stated effective_start_utc {}",
                    version.effective_start_local,
                    version.zone,
                    effective_start.to_rfc3339(),
                    stated.to_rfc3339()
                ),
            );
        }
        if let Some(Err(why)) = version.case_procedure.as_ref().map(|p| p.check()) {
            errors.push(file, &at, format!("case_procedure: {why}"));
        }
        let acceptance_deadline = version
            .acceptance_deadline_local
            .as_deref()
            .and_then(|text| instant(text, errors));
        let end = version
            .end_local
            .as_deref()
            .and_then(|text| instant(text, errors));
        let geography = match &version.geography {
            Value::String(kind) if kind == "nationwide" => Geography::Nationwide,
            Value::Object(object) if object.contains_key("polygon") => {
                let shape = serde_json::from_value::<geojson::Geometry>(object["polygon"].clone())
                    .map_err(|error| format!("not a GeoJSON geometry: {error}"))
                    .and_then(|geometry| to_multipolygon(&geometry));
                match shape {
                    Ok(shape) => Geography::Area {
                        index: Arc::new(IndexedArea::new(&shape)),
                        shape: Arc::new(shape),
                    },
                    Err(reason) => {
                        errors.push(file, &format!("{at} geography"), reason);
                        continue;
                    }
                }
            }
            _ => {
                errors.push(file, &at, "geography must be \"nationwide\" or {\"polygon\": <GeoJSON Polygon or MultiPolygon>}");
                continue;
            }
        };
        versions.push(AgreementVersion {
            number: version.number,
            title: version.title,
            title_ar: version.title_ar,
            effective_start,
            zone,
            acceptance_deadline,
            end,
            geography,
            excluded_lists: version.excluded_lists,
            excluded_actors: version.excluded_actors,
            obligations: version.obligations,
            transition_window: Duration::hours(i64::from(version.transition_window_hours)),
            requires_reconfirmation: version.requires_reconfirmation,
            late_acceptance: version.late_acceptance,
            approval_clock: version.approval_clock,
            case_procedure: version.case_procedure,
            sources: version.sources,
        });
    }
    Some(Agreement {
        id: raw.id,
        name: raw.name,
        name_ar: raw.name_ar,
        instrument_type: raw.instrument_type,
        versions,
    })
}

/// Converts a GeoJSON geometry object to a multipolygon, checking ranges and validity.
fn to_multipolygon(geometry: &geojson::Geometry) -> Result<MultiPolygon<f64>, String> {
    let shape = geo::Geometry::<f64>::try_from(geometry)
        .map_err(|error| format!("unreadable geometry: {error}"))?;
    let shape = match shape {
        geo::Geometry::Polygon(polygon) => MultiPolygon(vec![polygon]),
        geo::Geometry::MultiPolygon(multi) => multi,
        _ => return Err("the geometry must be a Polygon or a MultiPolygon".to_owned()),
    };
    check_shape(&shape)?;
    Ok(shape)
}

fn check_shape(shape: &MultiPolygon<f64>) -> Result<(), String> {
    use geo::CoordsIter;
    if let Some(bad) = shape
        .coords_iter()
        .find(|c| !(-180.0..=180.0).contains(&c.x) || !(-90.0..=90.0).contains(&c.y))
    {
        return Err(format!(
            "coordinate ({}, {}) is out of range (longitude ±180, latitude ±90)",
            bad.x, bad.y
        ));
    }
    crate::geometry::check_shape(shape).map_err(|problem| format!("invalid polygon: {problem}"))
}

fn str_property<'a>(properties: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    properties.get(key).and_then(Value::as_str)
}

fn read_admin(
    files: &dyn ScenarioFiles,
    file: &str,
    level: u8,
    errors: &mut Errors,
) -> Vec<AdminUnit> {
    let Some(collection) = read_collection(files, file, errors) else {
        return Vec::new();
    };
    let mut units = Vec::new();
    for (position, feature) in collection.features.iter().enumerate() {
        let properties = feature.properties.clone().unwrap_or_default();
        let pcode = str_property(&properties, "PCODE")
            .unwrap_or_default()
            .to_owned();
        let at = format!(
            "feature {} ({})",
            position + 1,
            if pcode.is_empty() { "no PCODE" } else { &pcode }
        );
        let shape = match feature.geometry.as_ref().map(to_multipolygon) {
            Some(Ok(shape)) => shape,
            Some(Err(reason)) => {
                errors.push(file, &at, reason);
                continue;
            }
            None => {
                errors.push(file, &at, "no geometry");
                continue;
            }
        };
        if pcode.is_empty() {
            errors.push(file, &at, "no PCODE property");
            continue;
        }
        let admin1_pcode = if level == 1 {
            pcode.clone()
        } else {
            str_property(&properties, "ADM1_PCODE")
                .unwrap_or_default()
                .to_owned()
        };
        units.push(AdminUnit {
            pcode: Arc::from(pcode.as_str()),
            level,
            name_en: str_property(&properties, "NAME_EN")
                .unwrap_or_default()
                .to_owned(),
            name_ar: str_property(&properties, "NAME_AR")
                .unwrap_or_default()
                .to_owned(),
            admin1_pcode: Arc::from(admin1_pcode.as_str()),
            admin2_pcode: str_property(&properties, "ADM2_PCODE").map(Arc::from),
            shape: Arc::new(shape),
        });
    }
    units
}

fn read_collection(
    files: &dyn ScenarioFiles,
    file: &str,
    errors: &mut Errors,
) -> Option<geojson::FeatureCollection> {
    match files.read(file) {
        Ok(text) => parse_collection(file, &text, errors),
        Err(error) => {
            errors.push(file, "", error);
            None
        }
    }
}

fn parse_collection(
    file: &str,
    text: &str,
    errors: &mut Errors,
) -> Option<geojson::FeatureCollection> {
    match text.parse::<geojson::GeoJson>() {
        Ok(geojson::GeoJson::FeatureCollection(collection)) => Some(collection),
        Ok(_) => {
            errors.push(file, "", "expected a GeoJSON FeatureCollection");
            None
        }
        Err(error) => {
            // Re-parse as plain JSON to report the line of a syntax error.
            if let Err(syntax) = serde_json::from_str::<Value>(text) {
                errors.push(
                    file,
                    &format!("line {}, column {}", syntax.line(), syntax.column()),
                    syntax.to_string(),
                );
            } else {
                errors.push(file, "", format!("not valid GeoJSON: {error}"));
            }
            None
        }
    }
}

fn read_layer(
    files: &dyn ScenarioFiles,
    file: &str,
    admin3_shapes: &HashMap<&str, &Arc<MultiPolygon<f64>>>,
    areas: &mut Vec<AreaVersion>,
    errors: &mut Errors,
) {
    match files.read(file) {
        Ok(text) => parse_layer(file, &text, admin3_shapes, areas, errors),
        Err(error) => errors.push(file, "", error),
    }
}

fn parse_layer(
    file: &str,
    text: &str,
    admin3_shapes: &HashMap<&str, &Arc<MultiPolygon<f64>>>,
    areas: &mut Vec<AreaVersion>,
    errors: &mut Errors,
) {
    let Some(collection) = parse_collection(file, text, errors) else {
        return;
    };
    let meta = collection
        .foreign_members
        .as_ref()
        .and_then(|members| members.get("truce_layer"))
        .cloned();
    let Some(meta) = meta else {
        errors.push(
            file,
            "",
            "missing the \"truce_layer\" member (layer id, contributor, agreed_by, validity)",
        );
        return;
    };
    let meta: LayerMeta = match serde_json::from_value(meta) {
        Ok(meta) => meta,
        Err(error) => {
            errors.push(file, "truce_layer", error.to_string());
            return;
        }
    };
    let _ = &meta.description;
    let contributor: Arc<str> = Arc::from(meta.contributor.as_str());
    for (position, feature) in collection.features.iter().enumerate() {
        let properties = Value::Object(feature.properties.clone().unwrap_or_default());
        let properties: AreaProperties = match serde_json::from_value(properties) {
            Ok(properties) => properties,
            Err(error) => {
                errors.push(
                    file,
                    &format!("feature {}", position + 1),
                    error.to_string(),
                );
                continue;
            }
        };
        let local_id = properties
            .id
            .clone()
            .or_else(|| properties.admin3_pcode.clone())
            .unwrap_or_else(|| format!("{}", position + 1));
        let at = format!("feature {} ({local_id})", position + 1);
        let shape = match (&feature.geometry, &properties.admin3_pcode) {
            (Some(geometry), _) => match to_multipolygon(geometry) {
                Ok(shape) => Arc::new(shape),
                Err(reason) => {
                    errors.push(file, &at, reason);
                    continue;
                }
            },
            (None, Some(pcode)) => match admin3_shapes.get(pcode.as_str()) {
                Some(shape) => Arc::clone(shape),
                None => {
                    errors.push(file, &at, format!("unknown admin3 P-code {pcode}"));
                    continue;
                }
            },
            (None, None) => {
                errors.push(file, &at, "no geometry and no admin3_pcode to take it from");
                continue;
            }
        };
        let controller = if properties.controller == "contested" {
            Controller::Contested
        } else {
            Controller::Actor(ActorId::new(&properties.controller))
        };
        areas.push(AreaVersion {
            id: Arc::from(format!("{}/{local_id}", meta.id).as_str()),
            name: properties.name,
            contributor: Arc::clone(&contributor),
            agreed_by: meta.agreed_by,
            controller,
            secondary_controller: properties.secondary_controller,
            comingled: properties.comingled,
            valid_from: meta.valid_from,
            valid_to: meta.valid_to,
            admin3_pcode: properties.admin3_pcode.as_deref().map(Arc::from),
            approximate: meta.approximate,
            confidence: properties.confidence,
            basis: properties.basis,
            shape,
        });
    }
}
