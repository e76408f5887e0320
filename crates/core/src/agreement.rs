//! The agreement's terms as data: versions with their start, deadline, geography, exclusions and
//! obligations.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use geo::MultiPolygon;
use serde::{Deserialize, Serialize};

use crate::actor::{ActorId, Side};
use crate::geometry::IndexedArea;

/// The obligations of the 2016 terms, with the codes the platform uses for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ObligationCode {
    /// Cease attacks with any weapons.
    #[serde(rename = "OBL-NO-ATTACK")]
    NoAttack,
    /// Refrain from acquiring or seeking to acquire territory from other parties.
    #[serde(rename = "OBL-NO-TERRITORY")]
    NoTerritory,
    /// Allow rapid, safe, unhindered and sustained humanitarian access.
    #[serde(rename = "OBL-ACCESS")]
    Access,
    /// Use force in self-defence only proportionately.
    #[serde(rename = "OBL-PROPORTIONATE")]
    Proportionate,
    /// Implement UNSCR 2254, including the political negotiation.
    #[serde(rename = "OBL-2254")]
    Resolution2254,
    /// Work for the early release of detainees.
    #[serde(rename = "OBL-DETAINEES")]
    Detainees,
}

impl ObligationCode {
    /// The code as written in the terms, e.g. `OBL-NO-ATTACK`.
    pub fn as_str(self) -> &'static str {
        match self {
            ObligationCode::NoAttack => "OBL-NO-ATTACK",
            ObligationCode::NoTerritory => "OBL-NO-TERRITORY",
            ObligationCode::Access => "OBL-ACCESS",
            ObligationCode::Proportionate => "OBL-PROPORTIONATE",
            ObligationCode::Resolution2254 => "OBL-2254",
            ObligationCode::Detainees => "OBL-DETAINEES",
        }
    }
}

impl fmt::Display for ObligationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One obligation of one version, binding the parties of the sides listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Obligation {
    /// The obligation's code.
    pub code: ObligationCode,
    /// The sides it binds.
    pub applies_to: Vec<Side>,
    /// Its wording (paraphrase with source where the exact text is not at hand).
    pub text: String,
    /// Its wording in Arabic (empty when nobody has written it yet).
    #[serde(default)]
    pub text_ar: String,
    /// Weapons the text names as examples.
    #[serde(default)]
    pub weapon_examples: Vec<String>,
}

/// Where a version applies.
#[derive(Debug, Clone)]
pub enum Geography {
    /// The whole country (every admin unit of the scenario).
    Nationwide,
    /// Only inside this area (a local truce).
    Area {
        /// The outline, as given.
        shape: Arc<MultiPolygon<f64>>,
        /// The outline, prepared for point tests.
        index: Arc<IndexedArea>,
    },
}

/// What to do with a party that declared after the acceptance deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LateAcceptance {
    /// Covered from the moment of its declaration.
    #[default]
    CoveredFromDeclaration,
    /// Not covered by this version at all.
    NotCovered,
}

/// One version of the terms, in force from its start until the next version or its end.
#[derive(Debug, Clone)]
pub struct AgreementVersion {
    /// Version number, from 1.
    pub number: u32,
    /// Short title, e.g. "Terms of 22 February 2016".
    pub title: String,
    /// The title in Arabic (empty when nobody has written it yet).
    pub title_ar: String,
    /// The instant the version takes effect.
    pub effective_start: DateTime<Utc>,
    /// The zone its local times are stated in.
    pub zone: Tz,
    /// Deadline for parties to signal acceptance, if any.
    pub acceptance_deadline: Option<DateTime<Utc>>,
    /// The instant it lapses, if known.
    pub end: Option<DateTime<Utc>>,
    /// Where it applies.
    pub geography: Geography,
    /// Designation lists whose listed organisations are excluded (e.g. `UNSC 1267`).
    pub excluded_lists: Vec<String>,
    /// Organisations excluded by name, whatever their listing.
    pub excluded_actors: Vec<ActorId>,
    /// Obligations of the parties.
    pub obligations: Vec<Obligation>,
    /// Hours either side of the start in which incidents are flagged for review, because
    /// orders take time to reach units.
    pub transition_window: Duration,
    /// Whether parties must declare again for this version.
    pub requires_reconfirmation: bool,
    /// What happens to late declarations.
    pub late_acceptance: LateAcceptance,
    /// The periods for convoy approvals under this version, if it sets them (otherwise the
    /// April 2016 procedure's 7 and 3 days).
    pub approval_clock: Option<crate::humanitarian::ApprovalClock>,
    /// The case procedure under this version, if it sets one (otherwise the 2016 defaults).
    pub case_procedure: Option<crate::case::CaseProcedure>,
    /// Sources for the terms.
    pub sources: Vec<String>,
}

impl AgreementVersion {
    /// Whether `side` is bound by the obligation `code` under this version.
    pub fn binds(&self, side: Side, code: ObligationCode) -> bool {
        self.obligations
            .iter()
            .any(|obligation| obligation.code == code && obligation.applies_to.contains(&side))
    }
}

/// An agreement with all its versions.
#[derive(Debug, Clone)]
pub struct Agreement {
    /// Stable identifier, e.g. `coh-2016`.
    pub id: String,
    /// Name.
    pub name: String,
    /// Name in Arabic (empty when nobody has written it yet).
    pub name_ar: String,
    /// Instrument type (joint statement, annex, local truce, …).
    pub instrument_type: String,
    /// Versions in order of their start.
    pub versions: Vec<AgreementVersion>,
}

/// Which version governs an instant.
#[derive(Debug, Clone, Copy)]
pub enum VersionAt<'a> {
    /// Before the first version started.
    BeforeStart(&'a AgreementVersion),
    /// This version is in force.
    InForce(&'a AgreementVersion),
    /// After the last version ended.
    Lapsed(&'a AgreementVersion),
}

impl Agreement {
    /// The version that governs `instant` (the latest one started by then). `None` only when
    /// the agreement has no version.
    pub fn version_at(&self, instant: DateTime<Utc>) -> Option<VersionAt<'_>> {
        let first = self.versions.first()?;
        let Some(version) = self
            .versions
            .iter()
            .rev()
            .find(|version| version.effective_start <= instant)
        else {
            return Some(VersionAt::BeforeStart(first));
        };
        match version.end {
            Some(end) if instant >= end => Some(VersionAt::Lapsed(version)),
            _ => Some(VersionAt::InForce(version)),
        }
    }

    /// The approval clock for a convoy submitted at `instant`: the one the version in force
    /// sets, or the April 2016 procedure's 7 and 3 days.
    pub fn approval_clock_at(&self, instant: DateTime<Utc>) -> crate::humanitarian::ApprovalClock {
        match self.version_at(instant) {
            Some(VersionAt::InForce(version)) => version.approval_clock.unwrap_or_default(),
            _ => crate::humanitarian::ApprovalClock::default(),
        }
    }

    /// The case procedure for a case opened at `instant`: the one the version in force sets,
    /// or the 2016 defaults.
    pub fn case_procedure_at(&self, instant: DateTime<Utc>) -> &crate::case::CaseProcedure {
        static DEFAULT: std::sync::LazyLock<crate::case::CaseProcedure> =
            std::sync::LazyLock::new(crate::case::CaseProcedure::default);
        match self.version_at(instant) {
            Some(VersionAt::InForce(version)) => {
                version.case_procedure.as_ref().unwrap_or(&DEFAULT)
            }
            _ => &DEFAULT,
        }
    }

    /// Starts of the versions after which parties must declare again.
    pub fn reconfirmation_starts(&self) -> Vec<DateTime<Utc>> {
        self.versions
            .iter()
            .filter(|version| version.requires_reconfirmation)
            .map(|version| version.effective_start)
            .collect()
    }

    /// The acceptance deadline of the first version (the one commitments answer to).
    pub fn first_deadline(&self) -> Option<DateTime<Utc>> {
        self.versions
            .first()
            .and_then(|version| version.acceptance_deadline)
    }
}
