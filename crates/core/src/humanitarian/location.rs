//! Besieged and hard-to-reach locations: where they are, who besieges them, how each
//! classifier listed them over time, and every population estimate with its source.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{HumanitarianError, MAX_ITEMS, check_id, check_len, check_people, check_text};

/// How a classifier lists a location (domain brief §4.1, §8.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessStatus {
    /// Surrounded by armed actors so that aid cannot regularly enter nor people leave.
    Besieged,
    /// Not regularly accessible for sustained programming.
    HardToReach,
    /// Taken off the list (with a reason).
    Delisted,
}

impl AccessStatus {
    /// The snake-case name.
    pub fn name(self) -> &'static str {
        match self {
            AccessStatus::Besieged => "besieged",
            AccessStatus::HardToReach => "hard_to_reach",
            AccessStatus::Delisted => "delisted",
        }
    }
}

/// Why a location was taken off a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DelistReason {
    /// The siege was lifted.
    Lifted,
    /// The besieging party took the place.
    Retaken,
    /// Its people were evacuated.
    Evacuated,
}

impl DelistReason {
    /// The snake-case name.
    pub fn name(self) -> &'static str {
        match self {
            DelistReason::Lifted => "lifted",
            DelistReason::Retaken => "retaken",
            DelistReason::Evacuated => "evacuated",
        }
    }
}

/// One classifier's listing of a location from a date. Classifications are never replaced:
/// a later one by the same classifier supersedes an earlier one from its date, and the
/// classifications of different classifiers stand side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Classification {
    /// The status from `on`.
    pub status: AccessStatus,
    /// Why it was delisted (only with `delisted`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<DelistReason>,
    /// The date from which it holds.
    pub on: NaiveDate,
    /// Who classified it: `OCHA`, `Siege Watch`, a co-chair…
    pub classifier: String,
    /// The evidence (ids of the evidence file, or a citation).
    pub evidence: String,
    /// Remarks.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Classification {
    /// Checks the parts that must agree with each other.
    pub fn check(&self) -> Result<(), HumanitarianError> {
        if self.classifier.trim().is_empty() {
            return Err(HumanitarianError::invalid(
                "a classification needs its classifier",
            ));
        }
        if self.evidence.trim().is_empty() {
            return Err(HumanitarianError::invalid(
                "a classification needs its evidence",
            ));
        }
        match (self.status, self.reason) {
            (AccessStatus::Delisted, None) => Err(HumanitarianError::invalid(
                "a delisting needs its reason: lifted, retaken or evacuated",
            )),
            (AccessStatus::Besieged | AccessStatus::HardToReach, Some(_)) => {
                Err(HumanitarianError::invalid("only a delisting has a reason"))
            }
            _ => Ok(()),
        }
    }
}

/// The date an estimate refers to: a day (`2016-01-18`) or a month (`2016-11`), as precise as
/// its source.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AsOf(String);

impl AsOf {
    /// The first day it may mean.
    pub fn first_day(&self) -> NaiveDate {
        parse_as_of(&self.0).unwrap_or(NaiveDate::MIN)
    }

    /// The text, as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn parse_as_of(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .or_else(|| NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").ok())
        .filter(|_| text.len() == 10 || text.len() == 7)
}

impl TryFrom<String> for AsOf {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        match parse_as_of(&text) {
            Some(_) => Ok(AsOf(text)),
            None => Err(format!(
                "'{text}' is not a date (YYYY-MM-DD) nor a month (YYYY-MM)"
            )),
        }
    }
}

impl From<AsOf> for String {
    fn from(as_of: AsOf) -> String {
        as_of.0
    }
}

impl fmt::Display for AsOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A population figure with where it comes from. Figures differ between sources and dates;
/// none overwrites another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationEstimate {
    /// People.
    pub value: u64,
    /// The day or month the figure refers to.
    pub as_of: AsOf,
    /// What the figure covers (e.g. a total for several towns).
    pub scope: String,
    /// The same in Arabic (empty when nobody has written it yet).
    #[serde(default)]
    pub scope_ar: String,
    /// Evidence ids or source names.
    pub source: String,
    /// How it was made: a UN count, a local council's estimate, a convoy's sizing…
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub method: String,
    /// Whether it counts displaced people, when the source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub includes_idps: Option<bool>,
}

impl PopulationEstimate {
    /// Checks the estimate on its own.
    pub fn check(&self) -> Result<(), HumanitarianError> {
        if self.source.trim().is_empty() {
            return Err(HumanitarianError::invalid("an estimate needs its source"));
        }
        check_people("an estimate", Some(self.value))?;
        for text in [&self.scope, &self.scope_ar, &self.source, &self.method] {
            check_text("an estimate", text)?;
        }
        Ok(())
    }
}

/// A location on a besieged or hard-to-reach list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessLocation {
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
    /// The community's P-code, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pcode: Option<String>,
    /// Group of locations it belongs to (e.g. Eastern Ghouta).
    #[serde(default)]
    pub area_group: String,
    /// The group's Arabic name.
    #[serde(default)]
    pub area_group_ar: String,
    /// The besieging parties: actors of the registry.
    #[serde(default)]
    pub besieging_actors: Vec<String>,
    /// Who besieges it, as the UN framed it.
    #[serde(default)]
    pub besieged_by: String,
    /// The same in Arabic.
    #[serde(default)]
    pub besieged_by_ar: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Its outline, when known: one ring of `[lon, lat]` positions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outline: Option<Vec<[f64; 2]>>,
    /// Where the coordinates come from.
    pub coordinates_source: String,
    /// Every classification, in the order recorded.
    #[serde(default)]
    pub classifications: Vec<Classification>,
    /// Every population estimate, in the order recorded.
    #[serde(default)]
    pub estimates: Vec<PopulationEstimate>,
    /// Notes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

impl AccessLocation {
    /// Checks the location on its own (the actors are checked against the registry by the
    /// caller).
    pub fn check(&self) -> Result<(), HumanitarianError> {
        check_id(&self.id)?;
        if self.name.trim().is_empty() || self.name_ar.trim().is_empty() {
            return Err(HumanitarianError::invalid(
                "a location needs its English and Arabic names",
            ));
        }
        if !(-90.0..=90.0).contains(&self.lat) || !(-180.0..=180.0).contains(&self.lon) {
            return Err(HumanitarianError::invalid(format!(
                "location '{}': coordinates out of range",
                self.id
            )));
        }
        if let Some(ring) = &self.outline {
            let closed = ring.len() >= 4 && ring.first() == ring.last();
            let in_range = ring
                .iter()
                .all(|[lon, lat]| (-180.0..=180.0).contains(lon) && (-90.0..=90.0).contains(lat));
            if !closed || !in_range {
                return Err(HumanitarianError::invalid(format!(
                    "location '{}': an outline is a closed ring of at least four [lon, lat] positions",
                    self.id
                )));
            }
        }
        for text in [
            &self.name,
            &self.name_ar,
            &self.governorate,
            &self.area_group,
            &self.besieged_by,
            &self.notes,
            &self.coordinates_source,
        ] {
            check_text("a location's field", text)?;
        }
        check_len("alternative names", &self.alt_names, MAX_ITEMS)?;
        check_len("besieging parties", &self.besieging_actors, 50)?;
        check_len(
            "outline positions",
            self.outline.as_deref().unwrap_or_default(),
            10_000,
        )?;
        check_len("classifications", &self.classifications, 1_000)?;
        check_len("estimates", &self.estimates, 1_000)?;
        for classification in &self.classifications {
            classification.check()?;
        }
        for estimate in &self.estimates {
            estimate.check()?;
        }
        Ok(())
    }

    /// The classifiers that have listed it, in the order they first did.
    pub fn classifiers(&self) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::new();
        for classification in &self.classifications {
            if !seen.contains(&classification.classifier.as_str()) {
                seen.push(&classification.classifier);
            }
        }
        seen
    }

    /// The classification by `classifier` in force on `day`: its latest from that day or
    /// before (of two on the same day, the one recorded last).
    pub fn classification(&self, classifier: &str, day: NaiveDate) -> Option<&Classification> {
        self.classifications
            .iter()
            .filter(|c| c.classifier.eq_ignore_ascii_case(classifier) && c.on <= day)
            .max_by_key(|c| c.on)
            .and_then(|latest| {
                self.classifications
                    .iter()
                    .rev()
                    .find(|c| c.classifier.eq_ignore_ascii_case(classifier) && c.on == latest.on)
            })
    }

    /// Whether `classifier` lists it as besieged on `day`.
    pub fn besieged(&self, classifier: &str, day: NaiveDate) -> bool {
        self.classification(classifier, day)
            .is_some_and(|c| c.status == AccessStatus::Besieged)
    }

    /// Every classifier's classification in force on `day`, side by side.
    pub fn classifications_on(&self, day: NaiveDate) -> Vec<&Classification> {
        self.classifiers()
            .into_iter()
            .filter_map(|classifier| self.classification(classifier, day))
            .collect()
    }

    /// The estimate a figure for `day` uses: the latest whose date is not after it (of two
    /// with the same date, the one recorded last).
    pub fn estimate_on(&self, day: NaiveDate) -> Option<&PopulationEstimate> {
        let mut best: Option<&PopulationEstimate> = None;
        for estimate in &self.estimates {
            if estimate.as_of.first_day() <= day
                && best.is_none_or(|b| b.as_of.first_day() <= estimate.as_of.first_day())
            {
                best = Some(estimate);
            }
        }
        best
    }

    /// The latest estimate of all.
    pub fn latest_estimate(&self) -> Option<&PopulationEstimate> {
        self.estimate_on(NaiveDate::MAX)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn listed(classifier: &str, on: &str, status: AccessStatus) -> Classification {
        Classification {
            status,
            reason: (status == AccessStatus::Delisted).then_some(DelistReason::Retaken),
            on: day(on),
            classifier: classifier.to_owned(),
            evidence: "E1".to_owned(),
            note: String::new(),
        }
    }

    fn estimate(value: u64, as_of: &str) -> PopulationEstimate {
        PopulationEstimate {
            value,
            as_of: AsOf::try_from(as_of.to_owned()).unwrap(),
            scope: String::new(),
            scope_ar: String::new(),
            source: "E1".to_owned(),
            method: String::new(),
            includes_idps: None,
        }
    }

    fn zebdin() -> AccessLocation {
        AccessLocation {
            id: "zebdin".to_owned(),
            name: "Zebdin".to_owned(),
            name_ar: "زبدين".to_owned(),
            alt_names: vec![],
            governorate: "Rural Damascus".to_owned(),
            admin1_pcode: "SY03".to_owned(),
            pcode: None,
            area_group: String::new(),
            area_group_ar: String::new(),
            besieging_actors: vec!["gos".to_owned()],
            besieged_by: String::new(),
            besieged_by_ar: String::new(),
            lat: 33.5,
            lon: 36.4,
            outline: None,
            coordinates_source: "test".to_owned(),
            classifications: vec![
                listed("OCHA", "2016-01-18", AccessStatus::Besieged),
                listed("Siege Watch", "2016-02-01", AccessStatus::Besieged),
                listed("OCHA", "2016-06-20", AccessStatus::Delisted),
            ],
            estimates: vec![estimate(176_500, "2016-01-18"), estimate(5_000, "2016-06")],
            notes: String::new(),
        }
    }

    #[test]
    fn a_later_classification_supersedes_from_its_date_and_rivals_stand_side_by_side() {
        let z = zebdin();
        assert!(!z.besieged("OCHA", day("2016-01-17")));
        assert!(z.besieged("OCHA", day("2016-01-18")));
        assert!(z.besieged("ocha", day("2016-06-19")));
        assert!(!z.besieged("OCHA", day("2016-06-20")));
        assert!(z.besieged("Siege Watch", day("2016-06-20")));
        let both = z.classifications_on(day("2016-07-01"));
        assert_eq!(both.len(), 2);
        assert_eq!(both[0].status, AccessStatus::Delisted);
        assert_eq!(both[1].status, AccessStatus::Besieged);
    }

    #[test]
    fn the_estimate_of_a_day_is_the_latest_not_after_it() {
        let z = zebdin();
        assert_eq!(z.estimate_on(day("2016-01-17")), None);
        assert_eq!(z.estimate_on(day("2016-05-31")).unwrap().value, 176_500);
        assert_eq!(z.estimate_on(day("2016-06-01")).unwrap().value, 5_000);
        assert_eq!(z.latest_estimate().unwrap().value, 5_000);
    }

    #[test]
    fn bad_dates_and_classifications_are_refused() {
        assert!(AsOf::try_from("2016-13".to_owned()).is_err());
        assert!(AsOf::try_from("2016-02-30".to_owned()).is_err());
        assert!(AsOf::try_from("Jan 2016".to_owned()).is_err());
        assert!(AsOf::try_from("2016-1-5".to_owned()).is_err());
        let mut bad = listed("OCHA", "2016-01-18", AccessStatus::Delisted);
        bad.reason = None;
        assert!(bad.check().is_err());
        let mut z = zebdin();
        z.outline = Some(vec![[36.0, 33.0], [36.1, 33.0], [36.0, 33.1]]);
        assert!(z.check().is_err());
    }
}
