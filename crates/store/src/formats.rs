//! The store's own formats: how incidents, reports and assessments are kept as JSON in their
//! `body` columns. The API has its own shapes (in `truce-web`); these change only with a
//! migration, so that a change to the API never rewrites what is stored.
//!
//! The fields of the formats that travel in change-log entries (incidents, reports and what
//! they hold) are declared in the order of their names, so that serialising them gives the
//! canonical encoding directly (`truce-service` tests that it does).

use serde::{Deserialize, Serialize};
use truce_core::Assessment;

/// A point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Point {
    /// Latitude, degrees north (−90 to 90).
    pub lat: f64,
    /// Longitude, degrees east (−180 to 180).
    pub lon: f64,
}

/// A count as a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Range {
    /// Highest figure reported.
    pub max: u32,
    /// Lowest figure reported.
    pub min: u32,
}

/// Casualties by status, as ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Casualties {
    /// Civilians injured.
    pub injured_civilian: Range,
    /// Combatants injured.
    pub injured_combatant: Range,
    /// Civilians killed.
    pub killed_civilian: Range,
    /// Combatants killed.
    pub killed_combatant: Range,
}

/// An actor as named in an incident: a registry id when known, and the name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorName {
    /// Registry id, or null when the name is not in the registry.
    pub id: Option<String>,
    /// The registry's canonical name, or the name as reported.
    pub name: String,
}

/// An incident as stored and returned (without its assessment).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentBody {
    /// Governorate P-code.
    pub admin1_pcode: Option<String>,
    /// Sub-district P-code.
    pub admin3_pcode: Option<String>,
    /// Casualties.
    pub casualties: Casualties,
    /// ACLED event type.
    pub event_type: Option<String>,
    /// ACLED geo precision.
    pub geo_precision: u8,
    /// Identifier.
    pub id: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Free text.
    pub notes: String,
    /// When it happened, RFC 3339 UTC.
    pub occurred_at: String,
    /// Launch point, if reported.
    pub origin: Option<Point>,
    /// Alleged perpetrator.
    pub perpetrator: Option<ActorName>,
    /// Whether self-defence is claimed.
    pub self_defence_claimed: bool,
    /// ACLED sub-event type.
    pub sub_event_type: Option<String>,
    /// True for generated demonstration data.
    pub synthetic: bool,
    /// Target.
    pub target: Option<ActorName>,
    /// ACLED time precision.
    pub time_precision: u8,
    /// Weapon.
    pub weapon: Option<String>,
}

/// The area an incident fell in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaBody {
    /// Sub-district P-code.
    pub pcode: Option<String>,
    /// Controller: an actor id or `contested`.
    pub controller: String,
    /// The area version used.
    pub version_id: String,
}

/// An assessment against the agreement's terms (rules R0–R6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentBody {
    /// Labels, e.g. `covered`, `coverage_disputed`, `pre_start`.
    pub labels: Vec<String>,
    /// Obligations engaged, e.g. `OBL-NO-ATTACK`.
    pub obligations: Vec<String>,
    /// The primary area version holding the point.
    pub area: Option<AreaBody>,
    /// Every area version in force at the point.
    pub area_versions: Vec<String>,
    /// The co-chair the case goes to: `US`, `RU` or null.
    pub route_to: Option<String>,
    /// `alleged` or `verified` (R5).
    pub verification: String,
    /// Why, rule by rule.
    pub reasons: Vec<String>,
    /// The agreement version used.
    pub agreement_version: Option<u32>,
}

impl From<&Assessment> for AssessmentBody {
    fn from(assessment: &Assessment) -> Self {
        AssessmentBody {
            labels: assessment
                .labels
                .iter()
                .map(|l| l.as_str().to_owned())
                .collect(),
            obligations: assessment
                .obligations
                .iter()
                .map(|o| o.as_str().to_owned())
                .collect(),
            area: assessment.area.as_ref().map(|area| AreaBody {
                pcode: area.pcode.as_deref().map(str::to_owned),
                controller: area.controller.to_string(),
                version_id: area.version_id.to_string(),
            }),
            area_versions: assessment
                .area_versions
                .iter()
                .map(|v| v.to_string())
                .collect(),
            route_to: assessment.route_to.map(|c| c.to_string()),
            verification: match assessment.verification {
                truce_core::classify::VerificationStatus::Alleged => "alleged".to_owned(),
                truce_core::classify::VerificationStatus::Verified => "verified".to_owned(),
            },
            reasons: assessment.reasons.iter().map(ToString::to_string).collect(),
            agreement_version: assessment.agreement_version,
        }
    }
}

/// A stored report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportBody {
    /// Affiliation.
    pub affiliation: String,
    /// Information credibility 1–6.
    pub credibility: u8,
    /// Direct observation by a monitor.
    pub direct_observation: bool,
    /// Identifier.
    pub id: String,
    /// The incident it is about.
    pub incident_id: String,
    /// Language.
    pub language: Option<String>,
    /// When received, RFC 3339.
    pub received_at: Option<String>,
    /// Source reliability A–F.
    pub reliability: String,
    /// Who reported.
    pub source_name: String,
    /// Source type.
    pub source_type: String,
    /// The reporter's words.
    pub text: String,
    /// Link.
    pub url: Option<String>,
}

/// What comes before an incident's stored body in [`recorded_incident_payload`].
pub(crate) const RECORDED_INCIDENT_BEFORE: &str = r#"{"command":"record_incident","incident":"#;
/// What comes after it.
pub(crate) const RECORDED_INCIDENT_AFTER: &str = r#","report":null}"#;

/// The change-log payload of an incident recorded without a report: the `record_incident`
/// command around the incident's body as stored (which is canonical: [`IncidentBody`] declares
/// its fields in the order of their names). The busiest entries of the log are these; the log
/// keeps them as the incident's row, not as a second copy of its bytes.
pub fn recorded_incident_payload(body: &str) -> String {
    let mut payload = String::with_capacity(
        RECORDED_INCIDENT_BEFORE.len() + body.len() + RECORDED_INCIDENT_AFTER.len(),
    );
    payload.push_str(RECORDED_INCIDENT_BEFORE);
    payload.push_str(body);
    payload.push_str(RECORDED_INCIDENT_AFTER);
    payload
}
