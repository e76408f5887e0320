//! The time-versioned control map: who held which area, according to whom, from when.
//!
//! Rival maps are kept side by side. A lookup returns every version in force at the point and
//! instant, so that disagreement between contributors is visible to the rules instead of being
//! resolved silently by whichever map was loaded last.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use geo::MultiPolygon;
use serde::{Deserialize, Serialize};

use crate::actor::ActorId;
use crate::geometry::{AreaIndex, IndexedArea};

/// Who controls an area. Serialised as the actor id, or `contested`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Controller {
    /// One actor holds it.
    Actor(ActorId),
    /// Split, fluid or unclear.
    Contested,
}

impl Serialize for Controller {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl fmt::Display for Controller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Controller::Actor(actor) => write!(f, "{actor}"),
            Controller::Contested => f.write_str("contested"),
        }
    }
}

/// Which co-chairs accept a delineation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgreedBy {
    /// Both co-chairs.
    Joint,
    /// The United States only.
    Us,
    /// Russia only.
    Ru,
    /// Neither: a third-party or compiled map.
    None,
}

impl AgreedBy {
    /// Snake-case name, as in the data files.
    pub fn as_str(self) -> &'static str {
        match self {
            AgreedBy::Joint => "joint",
            AgreedBy::Us => "us",
            AgreedBy::Ru => "ru",
            AgreedBy::None => "none",
        }
    }
}

/// One version of one area of control.
#[derive(Debug, Clone)]
pub struct AreaVersion {
    /// Stable id, unique in the scenario.
    pub id: Arc<str>,
    /// A display name (e.g. the sub-district's), if given.
    pub name: Option<String>,
    /// Who contributed the version (e.g. `US`, `RU`, or the compiler of a public map).
    pub contributor: Arc<str>,
    /// Which co-chairs accept it.
    pub agreed_by: AgreedBy,
    /// The controlling actor.
    pub controller: Controller,
    /// A second party holding a notable part of the area, if any.
    pub secondary_controller: Option<ActorId>,
    /// Excluded organisations reported present among the controller's forces.
    pub comingled: Vec<ActorId>,
    /// Start of validity.
    pub valid_from: DateTime<Utc>,
    /// End of validity (exclusive), if superseded.
    pub valid_to: Option<DateTime<Utc>>,
    /// The admin3 P-code whose outline this version uses, if it follows an admin unit.
    pub admin3_pcode: Option<Arc<str>>,
    /// Whether the map is an approximation (it must be shown as such).
    pub approximate: bool,
    /// Confidence stated by the contributor (`high`, `medium`, `low`), if any.
    pub confidence: Option<String>,
    /// Evidence for the assignment.
    pub basis: String,
    /// The outline.
    pub shape: Arc<MultiPolygon<f64>>,
}

impl AreaVersion {
    /// Whether the version is in force at `instant`.
    pub fn in_force_at(&self, instant: DateTime<Utc>) -> bool {
        self.valid_from <= instant && self.valid_to.is_none_or(|to| instant < to)
    }

    /// Whether the validity periods of two versions overlap.
    pub fn overlaps_in_time(&self, other: &AreaVersion) -> bool {
        self.valid_to.is_none_or(|to| other.valid_from < to)
            && other.valid_to.is_none_or(|to| self.valid_from < to)
    }
}

/// Every area version of a scenario, indexed for point-at-instant lookup.
#[derive(Debug, Clone, Default)]
pub struct ControlMap {
    versions: Vec<AreaVersion>,
    index: AreaIndex,
}

impl ControlMap {
    /// Indexes the versions (checks happen when a scenario is loaded).
    pub fn new(versions: Vec<AreaVersion>) -> Self {
        let index = AreaIndex::new(
            versions
                .iter()
                .map(|version| IndexedArea::new(&version.shape))
                .collect(),
        );
        ControlMap { versions, index }
    }

    /// Every version, in load order.
    pub fn versions(&self) -> &[AreaVersion] {
        &self.versions
    }

    /// Every version in force at `instant` whose area holds the point, in load order.
    pub fn at(&self, lon: f64, lat: f64, instant: DateTime<Utc>) -> Vec<&AreaVersion> {
        self.index
            .containing(lon, lat)
            .map(|slot| &self.versions[slot])
            .filter(|version| version.in_force_at(instant))
            .collect()
    }
}
