//! Commands: every state change as a typed value. A command is recorded in the change log as
//! it was applied (ids assigned, names resolved), so that replaying the log from an empty
//! database executes the same commands again.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use truce_core::actor::{Actor, Designation};
use truce_core::change::WorldChange;
use truce_core::commitment::Commitment;
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
        }
    }

    /// The canonical bytes recorded in the change log.
    pub fn canonical(&self) -> Result<String, ServiceError> {
        to_canonical(self)
            .map_err(|error| ServiceError::Internal(format!("encoding a command: {error}")))
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
            Command::RecordIncident { .. } | Command::AddReport { .. } => return Ok(None),
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
