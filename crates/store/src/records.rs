//! Plain records the store reads and writes.

/// A control-map version to store: its one-feature layer JSON and the columns for filtering.
#[derive(Debug, Clone)]
pub struct NewArea {
    /// Version id.
    pub id: String,
    /// Contributor.
    pub contributor: String,
    /// Start of validity (ms).
    pub valid_from: i64,
    /// End of validity (ms).
    pub valid_to: Option<i64>,
    /// Bounding box: min lon, min lat, max lon, max lat.
    pub bbox: [f64; 4],
    /// The version as a control layer with one feature (see docs/scenario-format.md).
    pub layer: String,
}

/// An idempotency key as the store keeps it: the client's key under the principal that sent
/// it and the route or command it was sent to, so that it never answers another request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequestKey {
    /// Who sent it.
    pub principal: String,
    /// The route or command, with the resource it addresses (e.g.
    /// `POST /api/v1/incidents/{id}/reports` with the id filled in).
    pub scope: String,
    /// The client's key.
    pub key: String,
}

/// A reply stored for an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReply {
    /// Hash of the first request's body.
    pub request_hash: String,
    /// HTTP status of the first reply.
    pub status: u16,
    /// Body of the first reply.
    pub response: String,
}

/// An incident to store, already classified.
#[derive(Debug, Clone)]
pub struct NewIncident {
    /// Public id.
    pub id: String,
    /// When it happened (ms).
    pub occurred_at: i64,
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub lon: Option<f64>,
    /// Governorate P-code.
    pub admin1_pcode: Option<String>,
    /// Sub-district P-code.
    pub admin3_pcode: Option<String>,
    /// Perpetrator: actor id, or the name as reported.
    pub perpetrator: Option<String>,
    /// Target: actor id, or the name as reported.
    pub target: Option<String>,
    /// Labels of the assessment.
    pub labels: Vec<String>,
    /// Free-text notes.
    pub notes: String,
    /// Whether the incident is synthetic (demonstration data).
    pub synthetic: bool,
    /// The incident as JSON.
    pub body: String,
    /// The first assessment as JSON.
    pub assessment: String,
    /// Its verification status (`alleged`, `verified`).
    pub verification: String,
    /// The highest figure of civilians it says were killed.
    pub killed_civilian: i64,
    /// The highest figure of combatants it says were killed.
    pub killed_combatant: i64,
    /// The user who recorded it (empty for the server and the command line).
    pub submitted_by: String,
}

/// A stored incident.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentRecord {
    /// Internal sequence number.
    pub seq: i64,
    /// Public id.
    pub id: String,
    /// When it happened (ms).
    pub occurred_at: i64,
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub lon: Option<f64>,
    /// Governorate P-code.
    pub admin1_pcode: Option<String>,
    /// Sub-district P-code.
    pub admin3_pcode: Option<String>,
    /// Perpetrator.
    pub perpetrator: Option<String>,
    /// Target.
    pub target: Option<String>,
    /// Current labels.
    pub labels: Vec<String>,
    /// Notes.
    pub notes: String,
    /// Synthetic or real.
    pub synthetic: bool,
    /// The incident as JSON.
    pub body: String,
    /// The current assessment as JSON.
    pub assessment: String,
    /// When it was stored (ms).
    pub created_at: i64,
    /// The user who recorded it (empty when no user did).
    pub submitted_by: String,
}

/// One assessment in an incident's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentRecord {
    /// Why it was made.
    pub cause: String,
    /// The assessment as JSON.
    pub body: String,
    /// When (ms).
    pub created_at: i64,
    /// When a newer assessment replaced it (ms).
    pub replaced_at: Option<i64>,
}

/// A stored report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRecord {
    /// Public id.
    pub id: String,
    /// The report as JSON.
    pub body: String,
    /// When it was stored (ms).
    pub created_at: i64,
    /// The user who filed it (empty when no user did).
    pub submitted_by: String,
}

/// An incident with everything known about it.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentDetail {
    /// The incident.
    pub record: IncidentRecord,
    /// Every assessment, oldest first.
    pub history: Vec<AssessmentRecord>,
    /// Its reports, oldest first.
    pub reports: Vec<ReportRecord>,
}

/// Filters for listing incidents. Times are ms; the box is min lon, min lat, max lon, max lat.
#[derive(Debug, Clone, Default)]
pub struct IncidentFilter {
    /// Occurred at or after.
    pub from: Option<i64>,
    /// Occurred before.
    pub to: Option<i64>,
    /// Inside this box.
    pub bbox: Option<[f64; 4]>,
    /// Carries this label.
    pub label: Option<String>,
    /// Names this actor id as perpetrator or target.
    pub actor: Option<String>,
    /// Only incidents naming this actor as perpetrator or target (what a party liaison may
    /// see), whatever `actor` asks for besides.
    pub naming: Option<String>,
    /// In this governorate.
    pub admin1: Option<String>,
    /// Notes contain this text (case-insensitive).
    pub text: Option<String>,
    /// The perpetrator is one of these (actor ids: the actors of one side, say).
    pub perpetrators: Option<Vec<String>>,
    /// The current assessment's verification status (`alleged`, `verified`).
    pub verification: Option<String>,
}

/// Where a page of incidents ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// Sequence number of the last item. Its time is looked up, so that a cursor handed to a
    /// viewer who sees incidents by the day does not tell the time to the millisecond.
    pub seq: i64,
}

/// A page of incidents.
#[derive(Debug, Clone)]
pub struct Page {
    /// The incidents, newest first.
    pub items: Vec<IncidentRecord>,
    /// Where the next page starts, if there is one.
    pub next: Option<Cursor>,
}

/// A new assessment for a stored incident.
#[derive(Debug, Clone)]
pub struct Reassessment {
    /// The incident.
    pub incident_seq: i64,
    /// Why it was re-classified.
    pub cause: String,
    /// The new assessment as JSON.
    pub assessment: String,
    /// Its labels.
    pub labels: Vec<String>,
    /// Its verification status.
    pub verification: String,
}

/// A report to store (its incident's new assessment is stored beside it).
#[derive(Debug, Clone)]
pub struct NewReport {
    /// Public id.
    pub id: String,
    /// The incident.
    pub incident_seq: i64,
    /// Source name.
    pub source_name: String,
    /// Source type.
    pub source_type: String,
    /// Source reliability A–F.
    pub reliability: char,
    /// Information credibility 1–6.
    pub credibility: u8,
    /// The report as JSON.
    pub body: String,
    /// The user who recorded it (empty for the server and the command line).
    pub submitted_by: String,
}

/// A change to append to the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChange {
    /// Who made it.
    pub principal: String,
    /// The command, e.g. `record_incident`.
    pub action: String,
    /// The kind of thing changed, e.g. `incident`.
    pub entity: String,
    /// Its id.
    pub entity_id: String,
    /// Why, as the principal said (may be empty).
    pub reason: String,
    /// The command as applied, canonical JSON.
    pub payload: String,
    /// Hex SHA-256 of `payload`.
    pub payload_sha256: String,
    /// The payload is [`crate::recorded_incident_payload`] of the incident's stored body, so
    /// the log does not store it a second time: it is read back from the incident's row.
    pub payload_in_incident: bool,
}

/// An entry of the change log: a change with its place in the sequence and its time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeEntry {
    /// Position in the one linear sequence, from 1, without gaps.
    pub seq: i64,
    /// When it was written (ms since the epoch).
    pub at: i64,
    /// The change as it was appended.
    pub change: NewChange,
    /// The hash of the entry before, in hex (docs/ledger.md).
    pub prev_hash: String,
    /// Its own hash, in hex.
    pub hash: String,
    /// The server's signature of the head at this entry, in hex, on the last entry of a
    /// transaction (empty on others, and in an unsigned log).
    pub signature: String,
    /// The public key that made the signature, in hex (empty with it).
    pub signed_by: String,
}

/// A stored incident to re-classify, with its reports' bodies (oldest first).
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewItem {
    /// The incident and its current assessment.
    pub record: IncidentRecord,
    /// Its reports as JSON.
    pub reports: Vec<String>,
}

/// What the world is built from, as stored, read in one go.
#[derive(Debug, Clone, PartialEq)]
pub struct WorldRows {
    /// The world's generation.
    pub generation: i64,
    /// Every agreement as (id, JSON), oldest first.
    pub agreements: Vec<(String, String)>,
    /// Every actor, in the order they were added.
    pub actors: Vec<truce_core::actor::Actor>,
    /// Every designation, in the order they were added.
    pub designations: Vec<truce_core::actor::Designation>,
    /// Every commitment, by actor.
    pub commitments: Vec<truce_core::commitment::Commitment>,
    /// Every control-map version as its one-feature layer, in the order they were added.
    pub area_layers: Vec<String>,
}

/// An incident as a map marker.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentMarker {
    /// Public id.
    pub id: String,
    /// When (ms).
    pub occurred_at: i64,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Current labels.
    pub labels: Vec<String>,
    /// Perpetrator's actor id.
    pub perpetrator: Option<String>,
    /// Target's actor id.
    pub target: Option<String>,
    /// Sub-district P-code.
    pub admin3_pcode: Option<String>,
}
