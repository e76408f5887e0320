//! The JSON shapes of the API (requests and responses), kept apart from the store's records.

use serde::{Deserialize, Serialize};
use truce_store::{ActorName, AssessmentBody, IncidentBody, ReportBody};
use utoipa::ToSchema;

/// A point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Point {
    /// Latitude, degrees north (−90 to 90).
    #[schema(minimum = -90, maximum = 90)]
    pub lat: f64,
    /// Longitude, degrees east (−180 to 180).
    #[schema(minimum = -180, maximum = 180)]
    pub lon: f64,
}

/// A count as a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Range {
    /// Lowest figure reported.
    pub min: u32,
    /// Highest figure reported.
    pub max: u32,
}

/// Casualties by status, as ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Casualties {
    /// Civilians killed.
    pub killed_civilian: Range,
    /// Combatants killed.
    pub killed_combatant: Range,
    /// Civilians injured.
    pub injured_civilian: Range,
    /// Combatants injured.
    pub injured_combatant: Range,
}

/// The body of `POST /incidents`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIncidentBody {
    /// When it happened, RFC 3339 (e.g. `2016-02-28T16:20:00+02:00`).
    #[schema(format = DateTime)]
    pub occurred_at: String,
    /// Latitude.
    #[schema(minimum = -90, maximum = 90)]
    pub lat: f64,
    /// Longitude.
    #[schema(minimum = -180, maximum = 180)]
    pub lon: f64,
    /// Time precision on ACLED's scale, 1 day (default), 2 week, 3 month, or 0 when the
    /// time of day is known.
    #[schema(minimum = 0, maximum = 3)]
    pub time_precision: Option<u8>,
    /// ACLED geo precision: 1 town (default), 2 near a town, 3 region.
    #[schema(minimum = 1, maximum = 3)]
    pub geo_precision: Option<u8>,
    /// Alleged perpetrator: actor id, name or alias (English or Arabic).
    pub perpetrator: Option<String>,
    /// Target: actor id, name or alias; `civilians` or empty for the area's civilians.
    pub target: Option<String>,
    /// ACLED event type, ACLED sub-event type, or a domain incident type (`air_strike`, …).
    pub event_type: Option<String>,
    /// ACLED sub-event type.
    pub sub_event_type: Option<String>,
    /// Weapon.
    pub weapon: Option<String>,
    /// Free text.
    pub notes: Option<String>,
    /// Where the attack was launched from, if reported.
    pub origin: Option<Point>,
    /// Whether the perpetrator claims self-defence.
    pub self_defence_claimed: Option<bool>,
    /// Casualties.
    pub casualties: Option<Casualties>,
}

/// An actor as named in an incident: a registry id when known, and the name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ActorRefView {
    /// Registry id, or null when the name is not in the registry.
    pub id: Option<String>,
    /// The registry's canonical name, or the name as reported.
    pub name: String,
}

/// An incident as stored and returned (without its assessment).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IncidentView {
    /// Identifier.
    pub id: String,
    /// When it happened, RFC 3339 UTC.
    pub occurred_at: String,
    /// ACLED time precision.
    pub time_precision: u8,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// ACLED geo precision.
    pub geo_precision: u8,
    /// Launch point, if reported.
    pub origin: Option<Point>,
    /// Governorate P-code.
    pub admin1_pcode: Option<String>,
    /// District P-code (from the sub-district's).
    #[serde(default)]
    pub admin2_pcode: Option<String>,
    /// Sub-district P-code (null when the viewer sees only the district).
    pub admin3_pcode: Option<String>,
    /// Alleged perpetrator.
    pub perpetrator: Option<ActorRefView>,
    /// Target.
    pub target: Option<ActorRefView>,
    /// ACLED event type.
    pub event_type: Option<String>,
    /// ACLED sub-event type.
    pub sub_event_type: Option<String>,
    /// Weapon.
    pub weapon: Option<String>,
    /// Whether self-defence is claimed.
    pub self_defence_claimed: bool,
    /// Casualties.
    pub casualties: Casualties,
    /// Free text.
    pub notes: String,
    /// True for generated demonstration data.
    pub synthetic: bool,
}

/// The area an incident fell in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AreaView {
    /// Sub-district P-code.
    pub pcode: Option<String>,
    /// Controller: an actor id or `contested`.
    pub controller: String,
    /// The area version used.
    pub version_id: String,
}

/// An assessment against the agreement's terms (rules R0–R6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AssessmentView {
    /// Labels, e.g. `covered`, `coverage_disputed`, `pre_start`.
    pub labels: Vec<String>,
    /// Obligations engaged, e.g. `OBL-NO-ATTACK`.
    pub obligations: Vec<String>,
    /// The primary area version holding the point.
    pub area: Option<AreaView>,
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

/// An incident with its current assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IncidentResponse {
    /// The incident.
    #[serde(flatten)]
    pub incident: IncidentView,
    /// Its current assessment.
    pub assessment: AssessmentView,
}

/// One assessment in an incident's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HistoryEntry {
    /// Why the incident was (re-)classified.
    pub cause: String,
    /// When, RFC 3339.
    pub assessed_at: String,
    /// When a newer assessment replaced it, RFC 3339.
    pub replaced_at: Option<String>,
    /// The assessment.
    pub assessment: AssessmentView,
}

/// An incident with its reports and assessment history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IncidentDetail {
    /// The incident.
    #[serde(flatten)]
    pub incident: IncidentView,
    /// Its current assessment.
    pub assessment: AssessmentView,
    /// Its reports, oldest first (as far as the caller may see them).
    pub reports: Vec<ReportView>,
    /// Every assessment, oldest first.
    pub assessment_history: Vec<HistoryEntry>,
    /// The user who recorded it, where the caller may see it.
    #[serde(default)]
    pub submitted_by: Option<String>,
    /// The convoys it is an attack on (as far as the caller may see them).
    #[serde(default)]
    pub convoys: Vec<String>,
}

/// A page of incidents.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IncidentPage {
    /// The incidents, newest first.
    pub items: Vec<IncidentResponse>,
    /// Opaque cursor for the next page, or null on the last page.
    pub next: Option<String>,
}

/// The body of `POST /incidents/{id}/reports`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReportBody {
    /// Who reported, e.g. "Hmeimim reconciliation centre".
    #[schema(min_length = 1)]
    pub source_name: String,
    /// party_centre, co_chair_centre, UN, NGO_monitor, media, social_media, eyewitness or sensor.
    pub source_type: String,
    /// The party or camp the source belongs to (two sources of one affiliation are not independent).
    pub affiliation: Option<String>,
    /// Source reliability, A (completely reliable) to F (cannot be judged).
    pub reliability: String,
    /// Information credibility, 1 (confirmed) to 6 (cannot be judged).
    #[schema(minimum = 1, maximum = 6)]
    pub credibility: u8,
    /// Whether a monitor observed the event directly.
    pub direct_observation: Option<bool>,
    /// The reporter's own words.
    #[schema(min_length = 1)]
    pub text: String,
    /// When the report was received, RFC 3339.
    #[schema(format = DateTime)]
    pub received_at: Option<String>,
    /// Language of the text (e.g. `en`, `ar`).
    pub language: Option<String>,
    /// Link to the original.
    pub url: Option<String>,
}

/// A stored report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReportView {
    /// Identifier.
    pub id: String,
    /// The incident it is about.
    pub incident_id: String,
    /// Who reported.
    pub source_name: String,
    /// Source type.
    pub source_type: String,
    /// Affiliation.
    pub affiliation: String,
    /// Source reliability A–F.
    pub reliability: String,
    /// Information credibility 1–6.
    pub credibility: u8,
    /// Direct observation by a monitor.
    pub direct_observation: bool,
    /// The reporter's words.
    pub text: String,
    /// When received, RFC 3339.
    pub received_at: Option<String>,
    /// Language.
    pub language: Option<String>,
    /// Link.
    pub url: Option<String>,
}

/// The answer to `POST /incidents/{id}/reports`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReportCreated {
    /// The report.
    pub report: ReportView,
    /// The incident's new assessment (reports change its verification).
    pub assessment: AssessmentView,
}

/// Service health.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    /// The world's generation in the database: every change of the terms, actors or map adds 1.
    pub generation: i64,
    /// The generation this server classifies with (equal to `generation` unless a change made
    /// through another server has not reached it yet; it does within a second).
    pub served_generation: i64,
}

/// Version information.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct VersionInfo {
    /// `truce`.
    pub name: String,
    /// The release.
    pub version: String,
    /// The database backend.
    pub database: String,
    /// The scenario the boundaries come from.
    pub scenario: String,
    /// The agreement incidents are classified against.
    pub agreement: String,
}

// The API's shapes are built from the store's formats and turned into them; the two are kept
// apart so that a change to the API never rewrites what is stored.

impl From<Point> for truce_store::Point {
    fn from(point: Point) -> Self {
        truce_store::Point {
            lat: point.lat,
            lon: point.lon,
        }
    }
}

impl From<truce_store::Point> for Point {
    fn from(point: truce_store::Point) -> Self {
        Point {
            lat: point.lat,
            lon: point.lon,
        }
    }
}

impl From<Casualties> for truce_store::Casualties {
    fn from(c: Casualties) -> Self {
        let range = |r: Range| truce_store::Range {
            min: r.min,
            max: r.max,
        };
        truce_store::Casualties {
            killed_civilian: range(c.killed_civilian),
            killed_combatant: range(c.killed_combatant),
            injured_civilian: range(c.injured_civilian),
            injured_combatant: range(c.injured_combatant),
        }
    }
}

impl From<truce_store::Casualties> for Casualties {
    fn from(c: truce_store::Casualties) -> Self {
        let range = |r: truce_store::Range| Range {
            min: r.min,
            max: r.max,
        };
        Casualties {
            killed_civilian: range(c.killed_civilian),
            killed_combatant: range(c.killed_combatant),
            injured_civilian: range(c.injured_civilian),
            injured_combatant: range(c.injured_combatant),
        }
    }
}

impl From<&ActorName> for ActorRefView {
    fn from(actor: &ActorName) -> Self {
        ActorRefView {
            id: actor.id.clone(),
            name: actor.name.clone(),
        }
    }
}

impl From<&IncidentBody> for IncidentView {
    fn from(incident: &IncidentBody) -> Self {
        IncidentView {
            id: incident.id.clone(),
            occurred_at: incident.occurred_at.clone(),
            time_precision: incident.time_precision,
            lat: incident.lat,
            lon: incident.lon,
            geo_precision: incident.geo_precision,
            origin: incident.origin.map(Point::from),
            admin1_pcode: incident.admin1_pcode.clone(),
            admin2_pcode: incident
                .admin3_pcode
                .as_deref()
                .and_then(crate::visibility::district_of),
            admin3_pcode: incident.admin3_pcode.clone(),
            perpetrator: incident.perpetrator.as_ref().map(ActorRefView::from),
            target: incident.target.as_ref().map(ActorRefView::from),
            event_type: incident.event_type.clone(),
            sub_event_type: incident.sub_event_type.clone(),
            weapon: incident.weapon.clone(),
            self_defence_claimed: incident.self_defence_claimed,
            casualties: incident.casualties.into(),
            notes: incident.notes.clone(),
            synthetic: incident.synthetic,
        }
    }
}

impl From<&AssessmentBody> for AssessmentView {
    fn from(assessment: &AssessmentBody) -> Self {
        AssessmentView {
            labels: assessment.labels.clone(),
            obligations: assessment.obligations.clone(),
            area: assessment.area.as_ref().map(|area| AreaView {
                pcode: area.pcode.clone(),
                controller: area.controller.clone(),
                version_id: area.version_id.clone(),
            }),
            area_versions: assessment.area_versions.clone(),
            route_to: assessment.route_to.clone(),
            verification: assessment.verification.clone(),
            reasons: assessment.reasons.clone(),
            agreement_version: assessment.agreement_version,
        }
    }
}

impl From<&ReportBody> for ReportView {
    fn from(report: &ReportBody) -> Self {
        ReportView {
            id: report.id.clone(),
            incident_id: report.incident_id.clone(),
            source_name: report.source_name.clone(),
            source_type: report.source_type.clone(),
            affiliation: report.affiliation.clone(),
            reliability: report.reliability.clone(),
            credibility: report.credibility,
            direct_observation: report.direct_observation,
            text: report.text.clone(),
            received_at: report.received_at.clone(),
            language: report.language.clone(),
            url: report.url.clone(),
        }
    }
}
