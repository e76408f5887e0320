//! Commands: every state change as a typed value. A command is recorded in the change log as
//! it was applied (ids assigned, names resolved), so that replaying the log from an empty
//! database executes the same commands again.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use truce_core::actor::{Actor, ActorId, Designation};
use truce_core::case::{Case, CaseAction, EscalationDecision};
use truce_core::change::WorldChange;
use truce_core::commitment::Commitment;
use truce_core::humanitarian::{
    AccessLocation, AirOperation, AirStep, Classification, Convoy, ConvoyStep, PopulationEstimate,
};
use truce_core::scenario::{ScenarioParts, parse_agreement};
use truce_store::{AssessmentBody, IncidentBody, ReportBody};

use crate::ServiceError;
use crate::canonical::to_canonical;
use crate::world::{World, split_layer};

/// A state change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
#[allow(
    clippy::large_enum_variant,
    reason = "a command is built once per request and moved, never stored in bulk"
)]
pub enum Command {
    /// Record an agreement (format of agreement.json).
    AddAgreement {
        /// The document.
        agreement: Value,
    },
    /// Add an actor to the registry.
    AddActor {
        /// The actor (format of actors.json).
        actor: Actor,
    },
    /// Add a designation of an actor.
    AddDesignation {
        /// The designation.
        designation: Designation,
    },
    /// Set an actor's commitment with its whole history.
    SetCommitment {
        /// The commitment.
        commitment: Commitment,
    },
    /// Add a control-map version.
    AddAreaVersion {
        /// A control layer (GeoJSON FeatureCollection with `truce_layer`) of one feature.
        layer: Value,
    },
    /// Record an incident, with the first report about it when one came with it (the report
    /// form sends both, and both are written or neither).
    RecordIncident {
        /// The incident, checked, with its id.
        incident: IncidentBody,
        /// Its first report.
        report: Option<ReportBody>,
    },
    /// Add a report about a recorded incident.
    AddReport {
        /// The report, naming its incident.
        report: ReportBody,
    },
    /// Add a user. The password's hash is written but never recorded in the change log.
    AddUser {
        /// The sign-in name.
        name: String,
        /// The role's name.
        role: String,
        /// The role's party (`US`/`RU` for a co-chair, an actor id for a liaison).
        party: Option<String>,
        /// The argon2id hash of the password.
        #[serde(skip)]
        password_hash: Secret,
    },
    /// Disable a user: their sessions end and their tokens stop working.
    DisableUser {
        /// The user.
        name: String,
    },
    /// Set a user's password.
    SetPassword {
        /// The user.
        name: String,
        /// The argon2id hash of the new password.
        #[serde(skip)]
        password_hash: Secret,
    },
    /// Enrol a user's second factor (TOTP) or remove it.
    SetSecondFactor {
        /// The user.
        name: String,
        /// Whether a second factor is enrolled after this.
        enrolled: bool,
        /// The TOTP secret (base32).
        #[serde(skip)]
        secret: Secret,
        /// SHA-256 hex of each recovery code.
        #[serde(skip)]
        recovery_hashes: Vec<String>,
    },
    /// Create an API token for a user.
    CreateToken {
        /// The token's public handle.
        id: String,
        /// The user it acts for.
        user: String,
        /// What it is for.
        label: String,
        /// SHA-256 hex of the token.
        #[serde(skip)]
        token_hash: Secret,
    },
    /// Revoke an API token.
    RevokeToken {
        /// The token's public handle.
        id: String,
    },
    /// Add a besieged or hard-to-reach location.
    AddLocation {
        /// The location, with any classifications and estimates it comes with.
        location: AccessLocation,
    },
    /// Add a classifier's classification of a location (it supersedes that classifier's
    /// earlier one from its date; the earlier one is kept).
    ClassifyLocation {
        /// The location's id.
        location: String,
        /// The classification.
        classification: Classification,
    },
    /// Add a population estimate of a location (none replaces another).
    AddPopulationEstimate {
        /// The location's id.
        location: String,
        /// The estimate.
        estimate: PopulationEstimate,
    },
    /// Add a convoy: planned, or compiled from sources with the steps they attest.
    AddConvoy {
        /// The convoy, with its id and the recorder of each step.
        convoy: Convoy,
    },
    /// Move a convoy one step through its state machine.
    MoveConvoy {
        /// The convoy's id.
        convoy: String,
        /// The step, with its recorder.
        step: ConvoyStep,
    },
    /// Add an airdrop or airlift.
    AddAirOperation {
        /// The operation, with its id and the recorder of each step.
        operation: AirOperation,
    },
    /// Record an attack on a convoy: an incident (an attack on aid, so classified under the
    /// access obligation as well as the usual rules) linked to the convoy, in one transaction.
    RecordConvoyAttack {
        /// The convoy's id.
        convoy: String,
        /// The incident, checked, with its id.
        incident: IncidentBody,
    },
    /// Move an air operation one step.
    MoveAirOperation {
        /// The operation's id.
        operation: String,
        /// The step, with its recorder.
        step: AirStep,
    },
    /// Open a case on each incident whose classification routes it to a co-chair (the
    /// server does, as the system).
    OpenCases {
        /// The incidents (as applied: those that got a case).
        incidents: Vec<String>,
        /// When (as applied; the server's clock when absent).
        #[serde(default)]
        at: Option<DateTime<Utc>>,
    },
    /// Open a case on an incident.
    OpenCase {
        /// The incident's id.
        incident: String,
        /// Why.
        why: String,
        /// When (as applied; the server's clock when absent).
        #[serde(default)]
        at: Option<DateTime<Utc>>,
    },
    /// File another incident under a case.
    MergeIntoCase {
        /// The case's id.
        case: String,
        /// The incident's id.
        incident: String,
        /// Why.
        why: String,
        /// When (as applied; the server's clock when absent).
        #[serde(default)]
        at: Option<DateTime<Utc>>,
    },
    /// One action of the procedure on a case.
    ActOnCase {
        /// The case's id.
        case: String,
        /// The action.
        action: CaseAction,
        /// Why.
        why: String,
        /// When (as applied; the server's clock when absent).
        #[serde(default)]
        at: Option<DateTime<Utc>>,
    },
    /// A co-chair accepts or declines the escalation proposed for an actor.
    DecideEscalation {
        /// The actor whose escalation is proposed.
        actor: ActorId,
        /// Referred (`true`) or declined.
        accepted: bool,
        /// Why.
        reason: String,
        /// The decision as applied: the proposal standing in the transaction, who and when.
        /// Absent in a request; the change log records it.
        #[serde(default)]
        decision: Option<EscalationDecision>,
    },
    /// A server registers the ed25519 key it signs the log with, before it writes anything
    /// else (docs/ledger.md). Only the server itself, at its start.
    RegisterLedgerKey {
        /// The public key, in hex.
        public_key: String,
    },
}

/// A secret a command writes but the change log never records (it is skipped when the command
/// is serialised, and is empty when a command is read back from the log).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl Command {
    /// The action, entity and entity id of the change-log entry.
    pub fn describe(&self) -> (&'static str, &'static str, String) {
        match self {
            Command::AddAgreement { agreement } => (
                "add_agreement",
                "agreement",
                agreement
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            ),
            Command::AddActor { actor } => ("add_actor", "actor", actor.id.to_string()),
            Command::AddDesignation { designation } => {
                ("add_designation", "actor", designation.actor.to_string())
            }
            Command::SetCommitment { commitment } => {
                ("set_commitment", "actor", commitment.actor.to_string())
            }
            // Stored as `{layer}/{id}` (or the sub-district's P-code when there is no id).
            Command::AddAreaVersion { layer } => {
                let text = |pointer: &str| layer.pointer(pointer).and_then(Value::as_str);
                let local = text("/features/0/properties/id")
                    .or_else(|| text("/features/0/properties/admin3_pcode"))
                    .unwrap_or_default();
                let layer = text("/truce_layer/id").unwrap_or_default();
                ("add_area_version", "area", format!("{layer}/{local}"))
            }
            Command::RecordIncident { incident, .. } => {
                ("record_incident", "incident", incident.id.clone())
            }
            Command::AddReport { report } => ("add_report", "incident", report.incident_id.clone()),
            Command::AddUser { name, .. } => ("add_user", "user", name.clone()),
            Command::DisableUser { name } => ("disable_user", "user", name.clone()),
            Command::SetPassword { name, .. } => ("set_password", "user", name.clone()),
            Command::SetSecondFactor { name, .. } => ("set_second_factor", "user", name.clone()),
            Command::CreateToken { id, .. } => ("create_token", "token", id.clone()),
            Command::RevokeToken { id } => ("revoke_token", "token", id.clone()),
            Command::AddLocation { location } => ("add_location", "location", location.id.clone()),
            Command::ClassifyLocation { location, .. } => {
                ("classify_location", "location", location.clone())
            }
            Command::AddPopulationEstimate { location, .. } => {
                ("add_population_estimate", "location", location.clone())
            }
            Command::AddConvoy { convoy } => ("add_convoy", "convoy", convoy.id.clone()),
            Command::MoveConvoy { convoy, .. } => ("move_convoy", "convoy", convoy.clone()),
            Command::AddAirOperation { operation } => {
                ("add_air_operation", "air_operation", operation.id.clone())
            }
            Command::MoveAirOperation { operation, .. } => {
                ("move_air_operation", "air_operation", operation.clone())
            }
            Command::RecordConvoyAttack { convoy, .. } => {
                ("record_convoy_attack", "convoy", convoy.clone())
            }
            Command::OpenCases { incidents, .. } => (
                "open_cases",
                "case",
                incidents
                    .first()
                    .map(|first| truce_core::case::Case::id_for(first))
                    .unwrap_or_default(),
            ),
            Command::OpenCase { incident, .. } => (
                "open_case",
                "case",
                truce_core::case::Case::id_for(incident),
            ),
            Command::MergeIntoCase { case, .. } => ("merge_into_case", "case", case.clone()),
            Command::ActOnCase { case, .. } => ("act_on_case", "case", case.clone()),
            Command::DecideEscalation { actor, .. } => {
                ("decide_escalation", "actor", actor.to_string())
            }
            Command::RegisterLedgerKey { public_key } => (
                truce_ledger::sign::REGISTER_KEY_ACTION,
                truce_ledger::sign::KEY_ENTITY,
                public_key.clone(),
            ),
        }
    }

    /// The canonical bytes recorded in the change log.
    pub fn canonical(&self) -> Result<String, ServiceError> {
        let encoded = match self {
            // The incident and report formats declare their fields in the order of their
            // names, and the tag comes first, so plain serialisation is already canonical: it
            // spares the busiest path a copy of every value (a test holds the two equal).
            Command::RecordIncident { .. } | Command::AddReport { .. } => {
                serde_json::to_string(self)
            }
            _ => to_canonical(self),
        };
        encoded.map_err(|error| ServiceError::Internal(format!("encoding a command: {error}")))
    }

    /// The change of the world this command makes, if it changes the world. Parsing and the
    /// checks of a value on its own happen here; the checks against the world in
    /// `truce_core::change`.
    pub fn world_change(&self, base: &ScenarioParts) -> Result<Option<WorldChange>, ServiceError> {
        Ok(Some(match self {
            Command::AddAgreement { agreement } => WorldChange::Agreement(
                parse_agreement("request body", &to_text(agreement)?)
                    .map_err(ServiceError::unsound)?,
            ),
            Command::AddActor { actor } => WorldChange::Actor(actor.clone()),
            Command::AddDesignation { designation } => {
                WorldChange::Designation(designation.clone())
            }
            Command::SetCommitment { commitment } => WorldChange::Commitment(commitment.clone()),
            Command::AddAreaVersion { layer } => {
                let mut versions = split_layer("request body", &to_text(layer)?, base)
                    .map_err(|error| ServiceError::invalid(error.to_string()))?;
                let (Some((version, _)), true) = (versions.pop(), versions.is_empty()) else {
                    return Err(ServiceError::invalid(
                        "give exactly one feature describing one area",
                    ));
                };
                WorldChange::Area(version)
            }
            _ => return Ok(None),
        }))
    }
}

/// The text a document is stored as: its canonical JSON.
pub(crate) fn to_text(value: &Value) -> Result<String, ServiceError> {
    to_canonical(value).map_err(|error| ServiceError::Internal(error.to_string()))
}

/// What a command did, for the caller to answer with.
#[derive(Debug, Clone)]
#[allow(
    clippy::large_enum_variant,
    reason = "one per command, handed by reference to its renderer"
)]
pub enum Applied {
    /// The world changed; `reclassified` incidents got a new assessment.
    World {
        /// The change.
        change: WorldChange,
        /// How many stored incidents it re-classified.
        reclassified: u64,
    },
    /// An incident was recorded.
    Incident {
        /// The incident.
        incident: IncidentBody,
        /// Its first assessment.
        assessment: AssessmentBody,
        /// Its first report, if one came with it.
        report: Option<ReportBody>,
    },
    /// A report was added.
    Report {
        /// The report.
        report: ReportBody,
        /// The incident's new assessment.
        assessment: AssessmentBody,
    },
    /// A humanitarian record was added or changed: the record after the change.
    Humanitarian(HumanitarianRecord),
    /// An attack on a convoy was recorded.
    ConvoyAttack {
        /// The convoy, linked to the incident.
        convoy: Convoy,
        /// The incident.
        incident: IncidentBody,
        /// Its first assessment.
        assessment: AssessmentBody,
    },
    /// A case was opened or changed, or an escalation decided.
    Case(CaseRecord),
    /// A user or a token was added or changed.
    Account {
        /// `user` or `token`.
        entity: &'static str,
        /// The user's name or the token's id.
        id: String,
    },
}

/// A humanitarian record as stored.
#[derive(Debug, Clone, PartialEq)]
pub enum HumanitarianRecord {
    /// A location.
    Location(AccessLocation),
    /// A convoy.
    Convoy(Convoy),
    /// An air operation.
    AirOperation(AirOperation),
}

/// A case record as stored.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseRecord {
    /// Cases the system opened.
    Opened(Vec<Case>),
    /// A case after the change.
    Case(Case),
    /// An escalation decision.
    Decision(EscalationDecision),
}

/// The reply to a command: what an HTTP client gets, and what a retry with the same key gets
/// again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Body.
    pub body: String,
}

/// Renders the reply to an applied command with the world after it. It runs inside the
/// command's transaction, so that the reply stored for an idempotency key is the one sent.
pub type Render =
    std::sync::Arc<dyn Fn(&Applied, &World) -> Result<Reply, ServiceError> + Send + Sync>;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use super::*;
    use truce_store::{ActorName, Casualties, Point, Range};

    fn report() -> ReportBody {
        ReportBody {
            id: "r".to_owned(),
            incident_id: "i".to_owned(),
            source_name: "UN \"OSE\"".to_owned(),
            source_type: "UN".to_owned(),
            affiliation: "un".to_owned(),
            reliability: "B".to_owned(),
            credibility: 2,
            direct_observation: true,
            text: "قصف\n".to_owned(),
            received_at: Some("2016-03-02T10:00:00Z".to_owned()),
            language: Some("ar".to_owned()),
            url: Some("https://example.org/a".to_owned()),
        }
    }

    #[test]
    fn incident_and_report_commands_serialise_canonically_as_they_are() {
        let actor = Some(ActorName {
            id: Some("gos".to_owned()),
            name: "Government of Syria".to_owned(),
        });
        let incident = IncidentBody {
            id: "i".to_owned(),
            occurred_at: "2016-03-02T09:00:00Z".to_owned(),
            time_precision: 1,
            lat: 36.138_612_345_678_9,
            lon: -0.1,
            geo_precision: 2,
            origin: Some(Point {
                lat: 1.5,
                lon: 2.25,
            }),
            admin1_pcode: Some("SY02".to_owned()),
            admin3_pcode: None,
            perpetrator: actor.clone(),
            target: actor,
            event_type: Some("Battles".to_owned()),
            sub_event_type: None,
            weapon: Some("mortar".to_owned()),
            self_defence_claimed: true,
            casualties: Casualties {
                killed_civilian: Range { min: 1, max: 3 },
                ..Casualties::default()
            },
            notes: "x".to_owned(),
            synthetic: false,
        };
        // The change log keeps an incident recorded without a report as its stored body.
        let alone = Command::RecordIncident {
            incident: incident.clone(),
            report: None,
        };
        assert_eq!(
            truce_store::recorded_incident_payload(&serde_json::to_string(&incident).unwrap()),
            to_canonical(&alone).unwrap()
        );
        for command in [
            Command::RecordIncident {
                incident: incident.clone(),
                report: Some(report()),
            },
            Command::RecordIncident {
                incident,
                report: None,
            },
            Command::AddReport { report: report() },
        ] {
            assert_eq!(
                command.canonical().unwrap(),
                to_canonical(&command).unwrap(),
                "{command:?}"
            );
        }
    }
}
