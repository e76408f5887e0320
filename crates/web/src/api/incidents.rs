//! Incidents, classified on write, and their reports.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use truce_core::actor::Side;
use truce_core::incident::{EventKind, GeoPrecision, SubEventType, TimePrecision};
use truce_core::{Label, Scenario};
use truce_service::world::{actor_ref, millis, rfc3339};
use truce_service::{Applied, Command};
use truce_store::{
    ActorName, AssessmentBody, Cursor, IncidentBody, IncidentFilter, IncidentRecord, ReportBody,
};

use super::{execute, render_json, reply};
use crate::AppState;
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::{Caller, JsonBody, Path, Query};
use crate::views::{
    AssessmentView, HistoryEntry, IncidentDetail, IncidentPage, IncidentResponse, IncidentView,
    NewIncidentBody, NewReportBody, ReportCreated, ReportView,
};
use crate::visibility::{redact_detail, redact_response, visibility};
use truce_core::access::{IncidentView as Visibility, Permission};

fn unknown_actor(role: &str, name: &str) -> ApiError {
    ApiError::Invalid {
        code: "unknown_actor",
        message: format!(
            "{role} '{name}' is not an actor id, name or alias in the registry (GET /api/v1/actors lists them)"
        ),
    }
}

/// A day in milliseconds.
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// A new incident's id: a UUIDv7 whose time is the start of the day (UTC) it was recorded.
/// Ids of one day sort together, so the unique index takes them where it took the day's others
/// (random ids cost a fifth of the write throughput, `docs/benchmarks.md`), and an id tells a
/// viewer who sees incidents by the day nothing finer than the day.
pub(crate) fn new_incident_id() -> String {
    let now_ms = Utc::now().timestamp_millis();
    let day_ms = u64::try_from(now_ms.div_euclid(DAY_MS) * DAY_MS).unwrap_or_default();
    let mut bytes = uuid::Uuid::now_v7().into_bytes();
    // The first 48 bits are the time in ms; the version, the variant and 74 random bits stay.
    bytes[..6].copy_from_slice(&day_ms.to_be_bytes()[2..]);
    uuid::Uuid::from_bytes(bytes).to_string()
}

/// Checks a new incident and turns it into the stored form, with `id`.
pub(crate) fn incident_body(
    body: NewIncidentBody,
    id: String,
    scenario: &Scenario,
    bounds: [f64; 4],
) -> Result<IncidentBody, ApiError> {
    let occurred_at = DateTime::parse_from_rfc3339(body.occurred_at.trim())
        .map_err(|_| {
            ApiError::BadRequest(format!(
                "occurred_at '{}' is not an RFC 3339 time",
                body.occurred_at
            ))
        })?
        .with_timezone(&Utc);
    if !(-90.0..=90.0).contains(&body.lat) || !(-180.0..=180.0).contains(&body.lon) {
        return Err(ApiError::invalid(format!(
            "({}, {}) is not a position: latitude must be within ±90 and longitude within ±180",
            body.lat, body.lon
        )));
    }
    if let Some(origin) = body.origin
        && (!(-90.0..=90.0).contains(&origin.lat) || !(-180.0..=180.0).contains(&origin.lon))
    {
        return Err(ApiError::invalid("origin is not a position"));
    }
    truce_core::incident::check_plausible(
        occurred_at.timestamp_millis(),
        body.lon,
        body.lat,
        Utc::now().timestamp_millis(),
        bounds,
    )
    .map_err(|error| ApiError::invalid(error.to_string()))?;
    let time_precision =
        TimePrecision::try_from(body.time_precision.unwrap_or(1)).map_err(ApiError::invalid)?;
    let geo_precision =
        GeoPrecision::try_from(body.geo_precision.unwrap_or(1)).map_err(ApiError::invalid)?;
    let resolve = |role: &str, name: &Option<String>| -> Result<Option<ActorName>, ApiError> {
        match actor_ref(scenario, name.as_deref()) {
            Some(ActorName { id: None, name }) => Err(unknown_actor(role, &name)),
            other => Ok(other),
        }
    };
    let perpetrator = resolve("perpetrator", &body.perpetrator)?;
    let target = resolve("target", &body.target)?;
    let (mut kind, implied_weapon) = match body
        .event_type
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(text) => EventKind::parse(text).map_err(|e| ApiError::invalid(e.to_string()))?,
        None => (EventKind::default(), None),
    };
    if let Some(sub) = body
        .sub_event_type
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let sub = SubEventType::parse(sub)
            .ok_or_else(|| ApiError::invalid(format!("'{sub}' is not an ACLED sub-event type")))?;
        if kind
            .event_type
            .is_some_and(|event| event != sub.event_type())
        {
            return Err(ApiError::invalid(format!(
                "sub_event_type '{}' belongs to '{}', not to the event_type given",
                sub.as_str(),
                sub.event_type().as_str()
            )));
        }
        kind = EventKind::from_sub_event(sub);
    }
    let casualties = body.casualties.unwrap_or_default();
    for (what, range) in [
        ("killed_civilian", casualties.killed_civilian),
        ("killed_combatant", casualties.killed_combatant),
        ("injured_civilian", casualties.injured_civilian),
        ("injured_combatant", casualties.injured_combatant),
    ] {
        if range.min > range.max {
            return Err(ApiError::invalid(format!(
                "casualties.{what}: min is above max"
            )));
        }
    }
    let admin3 = scenario.admin3.at(body.lon, body.lat);
    Ok(IncidentBody {
        id,
        occurred_at: occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        time_precision: time_precision.into(),
        lat: body.lat,
        lon: body.lon,
        geo_precision: geo_precision.into(),
        origin: body.origin.map(Into::into),
        admin1_pcode: admin3.map(|unit| unit.admin1_pcode.to_string()),
        admin3_pcode: admin3.map(|unit| unit.pcode.to_string()),
        perpetrator,
        target,
        event_type: kind.event_type.map(|e| e.as_str().to_owned()),
        sub_event_type: kind.sub_event_type.map(|s| s.as_str().to_owned()),
        weapon: body.weapon.or(implied_weapon.map(str::to_owned)),
        self_defence_claimed: body.self_defence_claimed.unwrap_or(false),
        casualties: casualties.into(),
        notes: body.notes.unwrap_or_default(),
        synthetic: false,
    })
}

/// Records an incident, classifies it, and returns it with its assessment. Send an
/// `Idempotency-Key` so that a retry after a lost reply creates nothing new.
#[utoipa::path(post, path = "/api/v1/incidents", tag = "incidents", request_body = NewIncidentBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry key")),
    responses((status = 201, body = IncidentResponse), (status = 400, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_incident(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody<NewIncidentBody>,
) -> Result<Response, ApiError> {
    let incident = incident_body(
        body.value,
        new_incident_id(),
        &state.world().scenario,
        state.geography().bounds(&state),
    )?;
    let render = render_json(StatusCode::CREATED, |applied, _| match applied {
        Applied::Incident {
            incident,
            assessment,
            ..
        } => Some(IncidentResponse {
            incident: incident.into(),
            assessment: assessment.into(),
        }),
        _ => None,
    });
    let command = Command::RecordIncident {
        incident,
        report: None,
    };
    execute(&state, caller.request(&body.hash), command, render).await
}

async fn find_incident(
    state: &AppState,
    id: &str,
) -> Result<truce_store::IncidentDetail, ApiError> {
    state
        .store()
        .incident(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no incident '{id}'")))
}

/// Filters for `GET /incidents`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct IncidentQuery {
    /// Occurred at or after (RFC 3339).
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// Occurred before (RFC 3339).
    #[param(format = DateTime)]
    pub to: Option<String>,
    /// `min_lon,min_lat,max_lon,max_lat`.
    #[param(pattern = r"^-?[0-9]+(\.[0-9]+)?(,-?[0-9]+(\.[0-9]+)?){3}$")]
    pub bbox: Option<String>,
    /// A label, e.g. `covered`.
    pub label: Option<String>,
    /// An actor id, name or alias (as perpetrator or target).
    pub actor: Option<String>,
    /// A governorate P-code, e.g. `SY02`.
    pub admin1: Option<String>,
    /// The perpetrator's side (`government`, `opposition`, `kurdish`, `coalition`, `jihadist`,
    /// `external`, `civilian`): incidents whose perpetrator is an actor of the registry on it.
    pub side: Option<String>,
    /// The verification status: `alleged` or `verified`.
    pub verification: Option<String>,
    /// Text to find in the notes: case-insensitive (in every script), taken literally (`%` and
    /// `_` are no wildcards), at most 200 characters.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// The `next` cursor of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
}

/// The longest text search accepted.
const MAX_SEARCH_CHARS: usize = 200;

fn parse_time(name: &str, text: &str) -> Result<i64, ApiError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| millis(t.with_timezone(&Utc)))
        .map_err(|_| ApiError::BadRequest(format!("{name} '{text}' is not an RFC 3339 time")))
}

fn response_of(record: &IncidentRecord) -> Result<IncidentResponse, ApiError> {
    let incident: IncidentBody = serde_json::from_str(&record.body)
        .map_err(|e| ApiError::Internal(format!("stored incident {}: {e}", record.id)))?;
    let assessment: AssessmentBody = serde_json::from_str(&record.assessment)
        .map_err(|e| ApiError::Internal(format!("stored assessment of {}: {e}", record.id)))?;
    Ok(IncidentResponse {
        incident: IncidentView::from(&incident),
        assessment: AssessmentView::from(&assessment),
    })
}

/// Incidents, newest first, with their current assessments. Pages are joined by the opaque
/// `next` cursor.
#[utoipa::path(get, path = "/api/v1/incidents", tag = "incidents", params(IncidentQuery),
    responses((status = 200, body = IncidentPage), (status = 400, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn list_incidents(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<IncidentQuery>,
) -> Result<Response, ApiError> {
    reply(StatusCode::OK, &incident_page(&state, &auth, &query).await?)
}

/// One page of incidents for the filters of `query` (shared by the API and the HTML list).
pub async fn incident_page(
    state: &AppState,
    auth: &Authenticated,
    query: &IncidentQuery,
) -> Result<IncidentPage, ApiError> {
    let viewer = auth.viewer();
    let exact = viewer.sees_exact_places();
    let mut filter = IncidentFilter {
        naming: viewer.bound_actor().map(str::to_owned),
        ..IncidentFilter::default()
    };
    // A viewer who sees incidents by the day cannot narrow them down by the hour either.
    if let Some(from) = &query.from {
        let from = parse_time("from", from)?;
        filter.from = Some(if exact {
            from
        } else {
            from.div_euclid(DAY_MS) * DAY_MS
        });
    }
    if let Some(to) = &query.to {
        let to = parse_time("to", to)?;
        filter.to = Some(if exact || to.rem_euclid(DAY_MS) == 0 {
            to
        } else {
            (to.div_euclid(DAY_MS) + 1) * DAY_MS
        });
    }
    if query.bbox.is_some() && !exact {
        return Err(ApiError::Forbidden(
            "filtering by a box needs a role that sees exact places".to_owned(),
        ));
    }
    if query.q.as_deref().is_some_and(|q| !q.is_empty())
        && !viewer.may(Permission::SearchNotes, state.security().public)
    {
        return Err(ApiError::Forbidden(
            "searching the notes needs a role that may read them".to_owned(),
        ));
    }
    if let (Some(from), Some(to)) = (filter.from, filter.to)
        && to < from
    {
        return Err(ApiError::invalid(
            "'to' is before 'from' (the end is before the start)",
        ));
    }
    if let Some(bbox) = &query.bbox {
        let numbers: Vec<f64> = bbox
            .split(',')
            .map(|n| n.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| {
                ApiError::BadRequest(
                    "bbox must be four numbers: min_lon,min_lat,max_lon,max_lat".to_owned(),
                )
            })?;
        let [min_lon, min_lat, max_lon, max_lat] = numbers[..] else {
            return Err(ApiError::BadRequest(
                "bbox must be four numbers: min_lon,min_lat,max_lon,max_lat".to_owned(),
            ));
        };
        if min_lon > max_lon || min_lat > max_lat {
            return Err(ApiError::invalid("bbox: the minimum is above the maximum"));
        }
        filter.bbox = Some([min_lon, min_lat, max_lon, max_lat]);
    }
    if let Some(label) = &query.label {
        let label = Label::parse(label).ok_or_else(|| {
            ApiError::invalid(format!(
                "'{label}' is not a label; use one of {}",
                Label::ALL
                    .iter()
                    .map(|l| l.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
        filter.label = Some(label.as_str().to_owned());
    }
    if query.actor.is_some() && !exact {
        return Err(ApiError::Forbidden(
            "filtering by actor needs a role that sees who is named".to_owned(),
        ));
    }
    if let Some(actor) = &query.actor {
        let world = state.world();
        let found = world
            .scenario
            .actors
            .resolve(actor)
            .ok_or_else(|| unknown_actor("actor", actor))?;
        filter.actor = Some(found.id.to_string());
    }
    if let Some(side) = query.side.as_deref().filter(|s| !s.is_empty()) {
        if !exact {
            return Err(ApiError::Forbidden(
                "filtering by side needs a role that sees who is named".to_owned(),
            ));
        }
        let world = state.world();
        let side = Side::parse(side).ok_or_else(|| {
            ApiError::invalid(format!(
                "'{side}' is not a side; use one of {}",
                Side::ALL
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
        filter.perpetrators = Some(
            world
                .scenario
                .actors
                .actors()
                .iter()
                .filter(|actor| actor.side == side)
                .map(|actor| actor.id.to_string())
                .collect(),
        );
    }
    if let Some(verification) = query.verification.as_deref().filter(|v| !v.is_empty()) {
        if !matches!(verification, "alleged" | "verified") {
            return Err(ApiError::invalid(format!(
                "'{verification}' is not a verification status; use alleged or verified"
            )));
        }
        filter.verification = Some(verification.to_owned());
    }
    filter.admin1 = query.admin1.clone().filter(|a| !a.is_empty());
    filter.text = query.q.clone().filter(|q| !q.is_empty());
    if let Some(text) = &filter.text
        && text.chars().count() > MAX_SEARCH_CHARS
    {
        return Err(ApiError::BadRequest(format!(
            "q is longer than {MAX_SEARCH_CHARS} characters"
        )));
    }
    let cursor = match &query.cursor {
        Some(text) => Some(
            URL_SAFE_NO_PAD
                .decode(text)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .and_then(|text| text.parse::<Cursor>().ok())
                .ok_or_else(|| ApiError::invalid("the cursor is not one this server issued"))?,
        ),
        None => None,
    };
    let limit = query.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::BadRequest(
            "limit must be between 1 and 500".to_owned(),
        ));
    }
    let page = state.store().incidents(&filter, cursor, limit).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for record in &page.items {
        if let Some(seen) = visibility(state, auth, record) {
            let mut item = response_of(record)?;
            redact_response(state, &mut item, seen);
            items.push(item);
        }
    }
    let next = page
        .next
        .map(|cursor| URL_SAFE_NO_PAD.encode(cursor.to_string()));
    Ok(IncidentPage { items, next })
}

/// One incident with its reports and the history of its assessments.
#[utoipa::path(get, path = "/api/v1/incidents/{id}", tag = "incidents", params(("id" = String, Path, description = "Incident id")),
    responses((status = 200, body = IncidentDetail), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_incident(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    reply(
        StatusCode::OK,
        &stored_incident(&state, &auth, &id).await?.detail,
    )
}

/// An incident as the API shows it, with the stored forms it was read from.
pub(crate) struct StoredIncident {
    /// What the API answers.
    pub detail: IncidentDetail,
    /// The incident as stored.
    pub incident: IncidentBody,
    /// Its reports as stored, oldest first.
    pub reports: Vec<ReportBody>,
    /// What the caller sees of it (`detail` is cut down to it already).
    pub seen: Visibility,
}

/// Reads an incident with its reports and assessment history (shared by the API and the page).
pub(crate) async fn stored_incident(
    state: &AppState,
    auth: &Authenticated,
    id: &str,
) -> Result<StoredIncident, ApiError> {
    let found = find_incident(state, id).await?;
    let record = &found.record;
    let seen = visibility(state, auth, record).ok_or_else(|| {
        ApiError::Forbidden(format!(
            "incident '{id}' does not name the party your role follows"
        ))
    })?;
    let incident: IncidentBody = serde_json::from_str(&record.body)
        .map_err(|e| ApiError::Internal(format!("stored incident {}: {e}", record.id)))?;
    let assessment: AssessmentBody = serde_json::from_str(&record.assessment)
        .map_err(|e| ApiError::Internal(format!("stored assessment of {}: {e}", record.id)))?;
    let reports = found
        .reports
        .iter()
        .map(|r| serde_json::from_str::<ReportBody>(&r.body))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ApiError::Internal(format!("a stored report of {}: {e}", record.id)))?;
    let assessment_history = found
        .history
        .iter()
        .map(|entry| {
            Ok(HistoryEntry {
                cause: entry.cause.clone(),
                assessed_at: rfc3339(entry.created_at),
                replaced_at: entry.replaced_at.map(rfc3339),
                assessment: serde_json::from_str::<AssessmentBody>(&entry.body)
                    .map(|assessment| AssessmentView::from(&assessment))
                    .map_err(|e| ApiError::Internal(e.to_string()))?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let mut detail = IncidentDetail {
        incident: IncidentView::from(&incident),
        assessment: AssessmentView::from(&assessment),
        reports: reports.iter().map(ReportView::from).collect(),
        assessment_history,
        submitted_by: Some(record.submitted_by.clone()).filter(|by| !by.is_empty()),
        convoys: crate::api::visible_records(state, auth)
            .await?
            .convoys
            .into_iter()
            .filter(|convoy| convoy.incidents.iter().any(|i| i == id))
            .map(|convoy| convoy.id)
            .collect(),
    };
    redact_detail(state, &mut detail, seen);
    Ok(StoredIncident {
        detail,
        incident,
        reports,
        seen,
    })
}

/// The reports about an incident.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/reports", tag = "incidents", params(("id" = String, Path, description = "Incident id")),
    responses((status = 200, body = Vec<ReportView>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list_reports(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let stored = stored_incident(&state, &auth, &id).await?;
    if stored.seen.reports == truce_core::access::ReportView::Hidden {
        return Err(ApiError::Forbidden(
            "the reports of this incident are not shown to your role".to_owned(),
        ));
    }
    reply(StatusCode::OK, &stored.detail.reports)
}

/// The kinds of source a report may come from.
pub(crate) const SOURCE_TYPES: [&str; 8] = [
    "eyewitness",
    "NGO_monitor",
    "UN",
    "media",
    "social_media",
    "party_centre",
    "co_chair_centre",
    "sensor",
];

/// Adds a report (a claim from one source, with its Admiralty grades) to an incident and
/// re-assesses the incident: two independent good sources, or a reliable monitor's direct
/// observation, make it verified.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/reports", tag = "incidents", request_body = NewReportBody,
    params(("id" = String, Path, description = "Incident id"), ("Idempotency-Key" = Option<String>, Header, description = "Retry key")),
    responses((status = 201, body = ReportCreated), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_report(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    caller: Caller,
    body: JsonBody<NewReportBody>,
) -> Result<Response, ApiError> {
    // The reply's assessment is what the caller may see of the incident (a monitor adding a
    // source to another's incident sees it coarse, as in the list).
    let seen = match state.store().incident(&id).await? {
        Some(found) => visibility(&state, &auth, &found.record),
        None => None,
    }
    .unwrap_or(Visibility::COARSE);
    let report = report_body(body.value, id)?;
    let render = render_json(StatusCode::CREATED, move |applied, _| match applied {
        Applied::Report { report, assessment } => {
            let mut assessment = AssessmentView::from(assessment);
            crate::visibility::redact_assessment(&mut assessment, seen);
            Some(ReportCreated {
                report: report.into(),
                assessment,
            })
        }
        _ => None,
    });
    let command = Command::AddReport { report };
    execute(&state, caller.request(&body.hash), command, render).await
}

/// Checks a new report about the incident `incident_id` and turns it into the stored form.
pub(crate) fn report_body(new: NewReportBody, incident_id: String) -> Result<ReportBody, ApiError> {
    let reliability = new.reliability.trim().to_ascii_uppercase();
    if !matches!(reliability.as_str(), "A" | "B" | "C" | "D" | "E" | "F") {
        return Err(ApiError::invalid(format!(
            "reliability '{}' is not A to F",
            new.reliability
        )));
    }
    if !(1..=6).contains(&new.credibility) {
        return Err(ApiError::invalid(format!(
            "credibility {} is not 1 to 6",
            new.credibility
        )));
    }
    if !SOURCE_TYPES.contains(&new.source_type.as_str()) {
        return Err(ApiError::invalid(format!(
            "source_type '{}' is not one of {}",
            new.source_type,
            SOURCE_TYPES.join(", ")
        )));
    }
    if new.source_name.trim().is_empty() || new.text.trim().is_empty() {
        return Err(ApiError::invalid("source_name and text must not be empty"));
    }
    let received_at = match &new.received_at {
        Some(text) => Some(rfc3339(parse_time("received_at", text)?)),
        None => None,
    };
    Ok(ReportBody {
        id: uuid::Uuid::new_v4().to_string(),
        incident_id,
        affiliation: new
            .affiliation
            .clone()
            .filter(|a| !a.trim().is_empty())
            .unwrap_or_else(|| new.source_name.clone()),
        source_name: new.source_name,
        source_type: new.source_type,
        reliability,
        credibility: new.credibility,
        direct_observation: new.direct_observation.unwrap_or(false),
        text: new.text,
        received_at,
        language: new.language,
        url: new.url,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_incident_id_tells_only_the_day() {
        let id: uuid::Uuid = super::new_incident_id().parse().unwrap();
        assert_eq!(id.get_version_num(), 7);
        let (seconds, nanos) = id.get_timestamp().unwrap().to_unix();
        assert_eq!((seconds % 86_400, nanos), (0, 0), "midnight");
        assert_ne!(super::new_incident_id(), super::new_incident_id());
    }
}
