//! Besieged and hard-to-reach locations.

use serde::{Deserialize, Serialize};

/// A population figure with where it comes from; figures differ between sources and dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationEstimate {
    /// People.
    pub value: u64,
    /// The date or period the figure refers to, as the source gives it.
    pub as_of: String,
    /// What the figure covers (e.g. a total for several towns).
    pub scope: String,
    /// The same in Arabic (empty when nobody has written it yet).
    #[serde(default)]
    pub scope_ar: String,
    /// Evidence ids or source names.
    pub source: String,
}

/// A location on the UN besieged list (or added to it later).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BesiegedLocation {
    /// Stable id, e.g. `madaya`.
    pub id: String,
    /// English name.
    pub name: String,
    /// Arabic name.
    pub name_ar: String,
    /// Other spellings.
    #[serde(default)]
    pub alt_names: Vec<String>,
    /// Governorate (English).
    pub governorate: String,
    /// The admin1 P-code.
    pub admin1_pcode: String,
    /// Group of locations it belongs to (e.g. Eastern Ghouta).
    pub area_group: String,
    /// The group's Arabic name.
    #[serde(default)]
    pub area_group_ar: String,
    /// Who besieges it, as the UN framed it.
    pub besieged_by: String,
    /// The same in Arabic.
    #[serde(default)]
    pub besieged_by_ar: String,
    /// Population estimate, if any was found.
    pub population: Option<PopulationEstimate>,
    /// Whether it was on the UN list of February 2016: `yes`, `probable` or `no`.
    pub in_un_list_feb2016: String,
    /// Notes from the compiled list.
    #[serde(default)]
    pub notes: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Where the coordinates come from.
    pub coordinates_source: String,
}
