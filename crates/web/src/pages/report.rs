//! `/report`: the form a monitor fills in. It works without JavaScript; errors come back next to
//! the fields with everything typed kept; a hidden idempotency key makes a resubmission after a
//! lost reply land on the same incident instead of a duplicate.

use std::collections::HashMap;

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, NaiveTime, Utc};
use geo::InteriorPoint;
use maud::{Markup, html};
use serde::Deserialize;
use truce_core::actor::normalize_name;
use truce_extract::stance::{PERPETRATOR, TARGET};

use super::{Lang, csrf_field, layout, with_lang_cookie};
use truce_service::{Applied, Command, Key, Reply, Request, ServiceError};

use crate::AppState;
use crate::api::{SOURCE_TYPES, incident_body, report_body};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::Query;
use crate::views::{Casualties, NewIncidentBody, NewReportBody, Range};

/// The form's fields, all as typed.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ReportForm {
    lang: String,
    idempotency_key: String,
    /// The day (Damascus), required.
    date: String,
    /// The time of day, when the source gives it.
    time: String,
    /// The part of the day (`night`, `morning`, `afternoon`, `evening`), when that is all it
    /// gives.
    part: String,
    place: String,
    lat: String,
    lon: String,
    perpetrator: String,
    target: String,
    event_type: String,
    weapon: String,
    killed_civilian: String,
    killed_combatant: String,
    source_name: String,
    source_type: String,
    reliability: String,
    credibility: String,
    text: String,
    notes: String,
}

/// The "paste a report" box.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct PasteForm {
    lang: String,
    draft_text: String,
    received: String,
}

/// A draft made from pasted text, shown above the form it filled in.
struct DraftPanel<'a> {
    text: &'a str,
    draft: truce_extract::Draft,
}

#[derive(Debug, Default, Deserialize)]
pub struct FormQuery {
    lang: Option<String>,
}

const TYPES: [&str; 13] = [
    "air_strike",
    "shelling_artillery",
    "rocket_mlrs",
    "mortar",
    "atgm",
    "small_arms",
    "sniper",
    "ground_assault",
    "territorial_advance",
    "aid_obstruction",
    "attack_on_aid",
    "attack_on_medical",
    "ied_vbied",
];
pub async fn form(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<FormQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let (lang, chosen) = Lang::choose(query.lang.as_deref(), &headers);
    let blank = ReportForm {
        idempotency_key: uuid::Uuid::new_v4().to_string(),
        lang: query.lang.unwrap_or_default(),
        reliability: "F".to_owned(),
        credibility: "6".to_owned(),
        ..ReportForm::default()
    };
    let path = uri
        .path_and_query()
        .map_or("/report", |pq| pq.as_str())
        .to_owned();
    with_lang_cookie(
        lang,
        chosen,
        page(&state, &auth, lang, &blank, &HashMap::new(), &path, None),
    )
}

/// `POST /report/draft`: extracts a draft from pasted text and shows the form filled in from
/// it, with the evidence marked in the text. Nothing is saved: the reviewer confirms or corrects
/// each field and submits the form as usual.
pub async fn draft(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    Form(paste): Form<PasteForm>,
) -> Response {
    let (lang, _) = Lang::choose(
        Some(paste.lang.as_str()).filter(|l| !l.is_empty()),
        &headers,
    );
    let mut blank = ReportForm {
        idempotency_key: uuid::Uuid::new_v4().to_string(),
        reliability: "F".to_owned(),
        credibility: "6".to_owned(),
        ..ReportForm::default()
    };
    if paste.draft_text.trim().is_empty() {
        let errors = HashMap::from([("draft_text", lang.t("report.err.required"))]);
        let mut response =
            page(&state, &auth, lang, &blank, &errors, "/report", None).into_response();
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return response;
    }
    let reference = NaiveDate::parse_from_str(paste.received.trim(), "%Y-%m-%d")
        .unwrap_or_else(|_| Utc::now().date_naive());
    let draft = truce_extract::extract(&paste.draft_text, reference);
    fill_from_draft(&state, lang, &mut blank, &draft);
    blank.text = paste.draft_text.clone();
    let panel = DraftPanel {
        text: &paste.draft_text,
        draft,
    };
    page(
        &state,
        &auth,
        lang,
        &blank,
        &HashMap::new(),
        "/report",
        Some(&panel),
    )
    .into_response()
}

/// The form's fields from a draft. The time of day stays empty: a report rarely gives it, and
/// the part of the day it does give is kept as that.
fn fill_from_draft(
    state: &AppState,
    lang: Lang,
    form: &mut ReportForm,
    draft: &truce_extract::Draft,
) {
    let world = state.world();
    let name_of = |id: &str| super::actor_label(id, lang, &world.scenario);
    if let Some(date) = &draft.date {
        form.date = date.value.clone();
    }
    if let Some(part) = &draft.part_of_day {
        form.part = part.value.clone();
    }
    if let Some(weapon) = &draft.weapon {
        form.weapon = weapon.value.clone();
    }
    if let Some(place) = &draft.location {
        form.place = match lang {
            Lang::Ar if !place.value.name_ar.is_empty() => place.value.name_ar.clone(),
            _ => place.value.name.clone(),
        };
        form.lat = format!("{:.5}", place.value.lat);
        form.lon = format!("{:.5}", place.value.lon);
    }
    // Who the text says acted and was acted on; when it says neither (a clash between two
    // parties), the two parties in their ACLED order, for the reviewer to check.
    let stated = draft.actors.iter().any(|a| a.stance.is_some());
    for (stance, role, slot) in [
        (PERPETRATOR, "actor1", &mut form.perpetrator),
        (TARGET, "actor2", &mut form.target),
    ] {
        if let Some(id) = draft
            .actors
            .iter()
            .find(|a| {
                if stated {
                    a.stance == Some(stance)
                } else {
                    a.role == role
                }
            })
            .and_then(|a| a.actor.as_deref())
        {
            *slot = name_of(id);
        }
    }
    let sub_event = draft.sub_event_type.as_ref().map(|f| f.value.as_str());
    let weapon = draft.weapon.as_ref().map(|f| f.value.as_str());
    // An attack by gunfire ("gunmen shot and killed a civilian") is small-arms fire.
    let by_gunfire = draft
        .sub_event_type
        .as_ref()
        .and_then(|f| f.evidence.as_ref())
        .is_some_and(|e| {
            let cue = e.text.to_lowercase();
            ["shot", "shooting", "opened fire", "gunned down"].contains(&cue.as_str())
        });
    // A clash or a change of ground is that whatever weapons it names (an anti-tank missile
    // fired in a clash is no rocket barrage); otherwise the weapon says what kind of fire it was.
    form.event_type = match (sub_event, weapon) {
        (Some("Armed clash"), _) => "ground_assault",
        (Some("Government regains territory" | "Non-state actor overtakes territory"), _) => {
            "territorial_advance"
        }
        (_, Some(weapon)) if implied_type(weapon).is_some() => implied_type(weapon).unwrap_or(""),
        (Some("Air/drone strike"), _) => "air_strike",
        (Some("Shelling/artillery/missile attack"), _) => "shelling_artillery",
        (Some("Remote explosive/landmine/IED" | "Suicide bomb"), _) => "ied_vbied",
        (Some("Attack"), _) if by_gunfire => "small_arms",
        (Some("Aid obstruction"), _) => "aid_obstruction",
        _ => "",
    }
    .to_owned();
    if let Some(killed) = &draft.fatalities {
        let figure = killed.value.killed_min.to_string();
        if killed.value.civilian {
            form.killed_civilian = figure;
        } else {
            form.killed_combatant = figure;
        }
    }
}

/// The form's type of attack a weapon implies (and with it ACLED's sub-event type): a barrel
/// bomb is dropped from the air, a mortar round is a mortar attack.
fn implied_type(weapon: &str) -> Option<&'static str> {
    match weapon.trim().to_lowercase().as_str() {
        "barrel bomb" | "drone" | "air strike" => Some("air_strike"),
        "mortar" => Some("mortar"),
        "rocket" | "missile" => Some("rocket_mlrs"),
        "artillery" => Some("shelling_artillery"),
        "sniper" => Some("sniper"),
        "small arms" => Some("small_arms"),
        "car bomb" | "ied" | "landmine" => Some("ied_vbied"),
        _ => None,
    }
}

/// The parts of the day, and the local hour each is recorded at (its middle) when it is all a
/// source gives; the incident's time is then known to the day only.
const PARTS: [(&str, u32); 4] = [
    ("night", 3),
    ("morning", 9),
    ("afternoon", 15),
    ("evening", 21),
];

/// The pasted text with each piece of evidence marked, and the fields the draft proposes.
fn draft_panel(state: &AppState, lang: Lang, panel: &DraftPanel<'_>) -> Markup {
    let world = state.world();
    let name_of = |id: &str| super::actor_label(id, lang, &world.scenario);
    let draft = &panel.draft;
    let percent = |confidence: f32| format!("{:.0}%", confidence * 100.0);
    // Each row: the field, the value proposed, the words it came from, how sure, and what to
    // say when no words gave it (the date falls back to the day received; the others were
    // worked out from the text as a whole, such as a clash from two opposing parties).
    let mut rows: Vec<(String, String, Option<&truce_extract::Evidence>, f32, &str)> = Vec::new();
    if let Some(date) = &draft.date {
        rows.push((
            lang.t("report.date"),
            date.value.clone(),
            date.evidence.as_ref(),
            date.confidence,
            "report.draft_not_stated",
        ));
    }
    if let Some(part) = &draft.part_of_day {
        rows.push((
            lang.t("report.part"),
            lang.t(&format!("part.{}", part.value)),
            part.evidence.as_ref(),
            part.confidence,
            "report.draft_inferred",
        ));
    }
    if let Some(place) = &draft.location {
        let value = format!(
            "{} ({:.4}, {:.4}; {})",
            place.value.name,
            place.value.lat,
            place.value.lon,
            place.value.finest_pcode()
        );
        rows.push((
            lang.t("report.where"),
            value,
            place.evidence.as_ref(),
            place.confidence,
            "report.draft_inferred",
        ));
    }
    // The perpetrator before the target, else the first party before the second, whatever
    // order the text named them in.
    let mut actors: Vec<_> = draft.actors.iter().collect();
    actors.sort_by_key(|actor| match (actor.stance, actor.role) {
        (Some(PERPETRATOR), _) => 0,
        (Some(TARGET), _) => 1,
        (_, "actor1") => 2,
        (_, "actor2") => 3,
        _ => 4,
    });
    for actor in &actors {
        let label = match actor.stance {
            Some(stance) => lang.t(&format!("report.draft_stance.{stance}")),
            None => lang.t(&format!("report.draft_role.{}", actor.role)),
        };
        // A group the registry lacks is shown by the words used for it.
        let name = actor
            .actor
            .as_deref()
            .map_or_else(|| actor.text.clone(), name_of);
        rows.push((
            label,
            name,
            Some(&actor.evidence),
            0.7,
            "report.draft_inferred",
        ));
    }
    if let Some(sub) = &draft.sub_event_type {
        rows.push((
            lang.t("report.type"),
            lang.value("sub", &sub.value),
            sub.evidence.as_ref(),
            sub.confidence,
            "report.draft_inferred",
        ));
    }
    if let Some(weapon) = &draft.weapon {
        let implied = implied_type(&weapon.value)
            .map(|kind| {
                format!(
                    " ({} {})",
                    lang.t("report.implies"),
                    lang.t(&format!("type.{kind}"))
                )
            })
            .unwrap_or_default();
        rows.push((
            lang.t("report.weapon"),
            format!("{}{implied}", weapon.value),
            weapon.evidence.as_ref(),
            weapon.confidence,
            "report.draft_inferred",
        ));
    }
    if let Some(killed) = &draft.fatalities {
        let value = format!("{}–{}", killed.value.killed_min, killed.value.killed_max);
        rows.push((
            lang.t("report.draft_killed"),
            value,
            killed.evidence.as_ref(),
            killed.confidence,
            "report.draft_inferred",
        ));
    }
    // Two parties and no word of who attacked: the form's perpetrator is only the first party.
    let parties_only = actors.iter().filter(|a| a.role != "associated").count() == 2
        && actors.iter().all(|a| a.stance.is_none());
    // The text in pieces: plain, or marked as evidence (overlaps are not marked twice).
    let mut spans: Vec<(usize, usize)> = rows
        .iter()
        .filter_map(|row| row.2.map(|e| (e.start, e.end)))
        .collect();
    spans.sort_unstable();
    let mut pieces: Vec<(&str, bool)> = Vec::new();
    let mut at = 0;
    for (start, end) in spans {
        if start < at || end > panel.text.len() {
            continue;
        }
        if let (Some(before), Some(marked)) =
            (panel.text.get(at..start), panel.text.get(start..end))
        {
            pieces.push((before, false));
            pieces.push((marked, true));
            at = end;
        }
    }
    pieces.push((panel.text.get(at..).unwrap_or(""), false));
    html! {
        section.draft #draft aria-labelledby="draft-title" {
            h2 #draft-title { (lang.t("report.draft_title")) }
            p { (lang.t("report.draft_hint")) }
            @if parties_only { p.parties-only { (lang.t("report.draft_parties_only")) } }
            blockquote.evidence { @for (piece, marked) in &pieces { @if *marked { mark { (piece) } } @else { (piece) } } }
            table {
                thead { tr { th scope="col" { (lang.t("report.draft_field")) } th scope="col" { (lang.t("report.draft_value")) } th scope="col" { (lang.t("report.draft_from")) } th scope="col" { (lang.t("report.draft_confidence")) } } }
                tbody { @for (label, value, evidence, confidence, unstated) in &rows {
                    tr { th scope="row" { (label) } td { bdi { (value) } } td { @match evidence { Some(e) => { mark { (e.text) } } None => { (lang.t(unstated)) } } } td { (percent(*confidence)) } }
                } }
            }
        }
    }
}

pub async fn submit(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    Form(form): Form<ReportForm>,
) -> Result<Response, ApiError> {
    let (lang, _) = Lang::choose(Some(form.lang.as_str()).filter(|l| !l.is_empty()), &headers);
    let (mut errors, incident, report) = check(&state, lang, &form);
    let command = match (incident, report) {
        (Some(incident), Some(report)) => {
            let id = crate::api::new_incident_id();
            match (
                incident_body(
                    incident,
                    id.clone(),
                    &state.world().scenario,
                    state.geography().bounds(&state),
                ),
                report_body(report, id),
            ) {
                (Ok(incident), Ok(report)) => Some(Command::RecordIncident {
                    incident,
                    report: Some(report),
                }),
                (Err(error), _) | (_, Err(error)) => {
                    errors.insert("form", error.to_string());
                    None
                }
            }
        }
        _ => None,
    };
    let Some(command) = command else {
        return Ok(form_again(
            &state,
            &auth,
            lang,
            &form,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    };
    // The incident and its first report are one command: both are written, or neither.
    let request = form_request(&auth, &form.idempotency_key, "POST /report", &command);
    let render =
        std::sync::Arc::new(
            |applied: &Applied, _: &truce_service::world::World| match applied {
                Applied::Incident { incident, .. } => Ok(see_other(&incident.id)),
                _ => Err(ServiceError::Internal(
                    "the form records an incident".to_owned(),
                )),
            },
        );
    match state.service().execute(request, command, render).await {
        Ok(outcome) => {
            // The incident's page says that it was saved.
            let suffix = if lang == Lang::Ar { "&lang=ar" } else { "" };
            Ok(Redirect::to(&format!(
                "/incidents/{}?saved=1{suffix}",
                outcome.reply.body
            ))
            .into_response())
        }
        Err(ServiceError::KeyReused) => {
            errors.insert("form", lang.t("report.err.resubmitted"));
            Ok(form_again(
                &state,
                &auth,
                lang,
                &form,
                &errors,
                StatusCode::CONFLICT,
            ))
        }
        Err(ServiceError::Invalid { message, .. }) => {
            errors.insert("form", message);
            Ok(form_again(
                &state,
                &auth,
                lang,
                &form,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        // Anything else is said on the form too, with what was typed kept.
        Err(other) => {
            let error = ApiError::from(other);
            let status = error.status();
            let message = if status.is_server_error() {
                lang.t("report.err.failed")
            } else {
                error.to_string()
            };
            if status.is_server_error() {
                tracing::error!(%error, "the report form could not be saved");
            }
            errors.insert("form", message);
            Ok(form_again(&state, &auth, lang, &form, &errors, status))
        }
    }
}

/// The form again with its errors, everything typed kept.
fn form_again(
    state: &AppState,
    auth: &Authenticated,
    lang: Lang,
    form: &ReportForm,
    errors: &HashMap<&'static str, String>,
    status: StatusCode,
) -> Response {
    let mut response = page(state, auth, lang, form, errors, "/report", None).into_response();
    *response.status_mut() = status;
    response
}

/// A hash of what the form asks for, without the ids the server gave it: a resubmission of the
/// same form with the same key is the same request, and one with other values is refused.
/// A form's command as a request of the signed-in user, with the form's hidden retry key
/// scoped to the address it was posted to.
pub(crate) fn form_request(
    auth: &Authenticated,
    key: &str,
    scope: &str,
    command: &Command,
) -> Request {
    Request {
        principal: auth.principal.clone(),
        key: Some(key.trim()).filter(|k| !k.is_empty()).map(|key| Key {
            key: key.to_owned(),
            scope: scope.to_owned(),
            request_hash: content_hash(command),
        }),
        reason: String::new(),
    }
}

/// The reply a form's command stores for its key: where the browser goes next (an incident).
pub(crate) fn see_other(incident_id: &str) -> Reply {
    Reply {
        status: StatusCode::SEE_OTHER.as_u16(),
        body: incident_id.to_owned(),
    }
}

/// The hash a retry key is checked against: the command without the ids made for it, so that
/// the same form sent twice is the same request.
pub(crate) fn content_hash(command: &Command) -> String {
    let mut command = command.clone();
    match &mut command {
        Command::RecordIncident { incident, report } => {
            incident.id.clear();
            if let Some(report) = report {
                report.id.clear();
                report.incident_id.clear();
            }
        }
        Command::AddReport { report } => report.id.clear(),
        Command::AddConvoy { convoy } => convoy.id.clear(),
        Command::AddAirOperation { operation } => operation.id.clear(),
        _ => {}
    }
    let text = command.canonical().unwrap_or_default();
    truce_service::canonical::sha256_hex(text.as_bytes())
}

/// Checks the form; returns the errors by field, or the requests to make.
fn check(
    state: &AppState,
    lang: Lang,
    form: &ReportForm,
) -> (
    HashMap<&'static str, String>,
    Option<NewIncidentBody>,
    Option<NewReportBody>,
) {
    let world = state.world();
    let scenario = &world.scenario;
    let mut errors = HashMap::new();
    let zone = super::zone_of(scenario);
    // The time of day when the source gives it (precision 0); else the middle of the part of
    // the day it gives, else noon, known to the day only (precision 1): noon keeps the day the
    // same in UTC.
    let date = NaiveDate::parse_from_str(form.date.trim(), "%Y-%m-%d").ok();
    if date.is_none() {
        errors.insert("date", lang.t("report.err.date"));
    }
    let part_hour = PARTS
        .iter()
        .find(|(part, _)| *part == form.part.trim())
        .map(|(_, hour)| *hour);
    if !form.part.trim().is_empty() && part_hour.is_none() {
        errors.insert("part", lang.t("report.err.part"));
    }
    let (time, time_precision) = if form.time.trim().is_empty() {
        (NaiveTime::from_hms_opt(part_hour.unwrap_or(12), 0, 0), 1)
    } else {
        let time = NaiveTime::parse_from_str(form.time.trim(), "%H:%M").ok();
        if time.is_none() {
            errors.insert("time", lang.t("report.err.time"));
        }
        (time, 0)
    };
    let occurred = date
        .zip(time)
        .and_then(|(date, time)| truce_core::time::local_to_utc(date.and_time(time), zone).ok());
    if occurred.is_none() && date.is_some() && !errors.contains_key("time") {
        errors.insert("date", lang.t("report.err.date"));
    }
    let lat = coordinate(&form.lat, 90.0);
    let lon = coordinate(&form.lon, 180.0);
    let point = match (lat, lon) {
        (Ok(Some(lat)), Ok(Some(lon))) => Some((lat, lon)),
        // Neither given: the place's name says where.
        (Ok(None), Ok(None)) if !form.place.trim().is_empty() => {
            let found = place(state, &form.place);
            if found.is_none() {
                errors.insert("place", lang.t("report.err.unknown_place"));
            }
            found
        }
        (Ok(None), Ok(None)) => {
            errors.insert("place", lang.t("report.err.place"));
            None
        }
        // A coordinate given is checked where it was typed.
        (lat, lon) => {
            for (field, value, key) in [
                ("lat", lat, "report.err.lat"),
                ("lon", lon, "report.err.lon"),
            ] {
                match value {
                    Err(()) => {
                        errors.insert(field, lang.t(key));
                    }
                    Ok(None) => {
                        errors.insert(field, lang.t("report.err.both"));
                    }
                    Ok(Some(_)) => {}
                }
            }
            None
        }
    };
    for (field, name) in [("perpetrator", &form.perpetrator), ("target", &form.target)] {
        if !name.trim().is_empty() && scenario.actors.resolve(name).is_none() {
            errors.insert(field, lang.t("report.err.actor"));
        }
    }
    let weapon = Some(form.weapon.trim().to_owned()).filter(|w| !w.is_empty());
    // A weapon that says the kind of attack stands for a type left empty.
    let event_type = match form.event_type.as_str() {
        "" => weapon.as_deref().and_then(implied_type).unwrap_or(""),
        chosen => chosen,
    };
    if !TYPES.contains(&event_type) {
        errors.insert("event_type", lang.t("report.err.type"));
    }
    if !SOURCE_TYPES.contains(&form.source_type.as_str()) {
        errors.insert("source_type", lang.t("report.err.choose"));
    }
    if !["A", "B", "C", "D", "E", "F"].contains(&form.reliability.trim()) {
        errors.insert("reliability", lang.t("report.err.choose"));
    }
    let count =
        |field: &'static str, text: &str, errors: &mut HashMap<&'static str, String>| -> u32 {
            if text.trim().is_empty() {
                return 0;
            }
            text.trim().parse().unwrap_or_else(|_| {
                errors.insert(field, lang.t("report.err.number"));
                0
            })
        };
    let killed_civilian = count("killed_civilian", &form.killed_civilian, &mut errors);
    let killed_combatant = count("killed_combatant", &form.killed_combatant, &mut errors);
    for (field, value) in [("source_name", &form.source_name), ("text", &form.text)] {
        if value.trim().is_empty() {
            errors.insert(field, lang.t("report.err.required"));
        }
    }
    let credibility = form
        .credibility
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|c| (1..=6).contains(c));
    if credibility.is_none() {
        errors.insert("credibility", lang.t("report.err.required"));
    }
    if !errors.is_empty() {
        return (errors, None, None);
    }
    let (Some(occurred), Some((lat, lon)), Some(credibility)) = (occurred, point, credibility)
    else {
        return (errors, None, None);
    };
    let optional = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
    let incident = NewIncidentBody {
        occurred_at: occurred.with_timezone(&Utc).to_rfc3339(),
        lat,
        lon,
        time_precision: Some(time_precision),
        geo_precision: Some(if form.lat.trim().is_empty() { 2 } else { 1 }),
        perpetrator: optional(&form.perpetrator),
        target: optional(&form.target),
        event_type: Some(event_type.to_owned()),
        sub_event_type: None,
        weapon,
        notes: optional(&form.notes).or_else(|| optional(&form.text)),
        origin: None,
        self_defence_claimed: None,
        casualties: Some(Casualties {
            killed_civilian: Range {
                min: killed_civilian,
                max: killed_civilian,
            },
            killed_combatant: Range {
                min: killed_combatant,
                max: killed_combatant,
            },
            ..Casualties::default()
        }),
    };
    let report = NewReportBody {
        source_name: form.source_name.trim().to_owned(),
        source_type: form.source_type.clone(),
        affiliation: None,
        reliability: form.reliability.clone(),
        credibility,
        direct_observation: None,
        text: form.text.trim().to_owned(),
        received_at: None,
        language: Some(lang.code().to_owned()),
        url: None,
    };
    (errors, Some(incident), Some(report))
}

/// A latitude or longitude as typed: nothing, or a number within `limit` of zero, with a
/// decimal point, a decimal comma ("36,2") or the Arabic decimal separator, in Latin or
/// Arabic-Indic digits.
fn coordinate(text: &str, limit: f64) -> Result<Option<f64>, ()> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let normalised: String = text
        .chars()
        .map(|c| match c {
            ',' | '٫' => '.',
            '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
            other => other,
        })
        .collect();
    match normalised.parse::<f64>() {
        Ok(value) if value.is_finite() && value.abs() <= limit => Ok(Some(value)),
        _ => Err(()),
    }
}

/// Coordinates for a place name: a sub-district (its interior point) or a besieged location.
fn place(state: &AppState, name: &str) -> Option<(f64, f64)> {
    let key = normalize_name(name);
    let world = state.world();
    if let Some(location) = state.base().besieged.iter().find(|l| {
        normalize_name(&l.name) == key
            || normalize_name(&l.name_ar) == key
            || l.alt_names.iter().any(|a| normalize_name(a) == key)
    }) {
        return Some((location.lat, location.lon));
    }
    world
        .scenario
        .admin3
        .units()
        .iter()
        .find(|unit| normalize_name(&unit.name_en) == key || normalize_name(&unit.name_ar) == key)
        .and_then(|unit| unit.shape.interior_point())
        .map(|point| (point.y(), point.x()))
}

/// A small map of the country to click on: the governorates only, so it stays light.
fn pick_map(state: &AppState) -> String {
    let world = state.world();
    let viewport = truce_map::Viewport::fit(super::map::COUNTRY, 360.0);
    let areas: Vec<truce_map::Area<'_>> = world
        .scenario
        .admin1
        .units()
        .iter()
        .map(|unit| truce_map::Area {
            shape: &unit.shape,
            class: "admin1 pickable".to_owned(),
            title: unit.name_en.clone(),
            hatched: false,
            label: None,
        })
        .collect();
    truce_map::render(
        &viewport,
        &[truce_map::Layer::Areas {
            id: "admin".to_owned(),
            areas,
        }],
        "",
    )
}

fn field(
    label: String,
    name: &'static str,
    errors: &HashMap<&'static str, String>,
    input: Markup,
) -> Markup {
    let error_id = format!("{name}-error");
    html! {
        div.field.invalid[errors.contains_key(name)] {
            label for=(name) { (label) }
            (input)
            @if let Some(message) = errors.get(name) { span.error id=(error_id) role="alert" { (message) } }
        }
    }
}

fn page(
    state: &AppState,
    auth: &Authenticated,
    lang: Lang,
    form: &ReportForm,
    errors: &HashMap<&'static str, String>,
    path: &str,
    draft: Option<&DraftPanel<'_>>,
) -> Markup {
    let world = state.world();
    let text_input = |name: &'static str, value: &str, list: Option<&str>| {
        html! { input type="text" id=(name) name=(name) value=(value) list=[list] aria-invalid=[errors.contains_key(name).then_some("true")]; }
    };
    let body = html! {
        h1 { (lang.t("report.title")) }
        p { (lang.t("report.intro")) }
        @if let Some(problem) = errors.get("form") {
            p.error-summary role="alert" { (problem) }
        } @else if !errors.is_empty() {
            p.error-summary role="alert" { (lang.t("report.errors")) }
        }
        details.paste open[draft.is_none() && errors.contains_key("draft_text")] {
            summary { (lang.t("report.paste_title")) }
            form method="post" action="/report/draft" {
                (csrf_field(auth))
                input type="hidden" name="lang" value=(lang.code());
                (field(lang.t("report.paste_text"), "draft_text", errors, html! { textarea id="draft_text" name="draft_text" rows="5" {} }))
                (field(lang.t("report.received"), "received", errors, html! { input type="date" id="received" name="received" value=(Utc::now().date_naive().to_string()); }))
                button type="submit" { (lang.t("report.paste_submit")) }
            }
        }
        @if let Some(panel) = draft { (draft_panel(state, lang, panel)) }
        form.report method="post" action="/report" novalidate {
            (csrf_field(auth))
            input type="hidden" name="idempotency_key" value=(form.idempotency_key);
            input type="hidden" name="lang" value=(lang.code());
            (field(lang.t("report.date"), "date", errors, html! { input type="date" id="date" name="date" value=(form.date); }))
            (field(lang.t("report.time"), "time", errors, html! {
                input type="time" id="time" name="time" value=(form.time);
                small { (lang.t("report.time_hint")) }
            }))
            (field(lang.t("report.part"), "part", errors, html! {
                select id="part" name="part" {
                    option value="" { "—" }
                    @for (part, _) in PARTS { option value=(part) selected[form.part == part] { (lang.t(&format!("part.{part}"))) } }
                }
            }))
            (field(lang.t("report.where"), "place", errors, html! {
                (text_input("place", &form.place, Some("places")))
                small { (lang.t("report.where_hint")) }
            }))
            datalist #places {
                @for unit in world.scenario.admin3.units() { option value=(if lang == Lang::Ar { &unit.name_ar } else { &unit.name_en }) {} }
                @for location in &state.base().besieged { option value=(if lang == Lang::Ar { &location.name_ar } else { &location.name }) {} }
            }
            figure.map.pick #pick-map data-pick="true" {
                (maud::PreEscaped(pick_map(state)))
                figcaption { (lang.t("report.map_hint")) }
            }
            (field(lang.t("report.lat"), "lat", errors, text_input("lat", &form.lat, None)))
            (field(lang.t("report.lon"), "lon", errors, text_input("lon", &form.lon, None)))
            (field(lang.t("report.perpetrator"), "perpetrator", errors, text_input("perpetrator", &form.perpetrator, Some("actors"))))
            (field(lang.t("report.target"), "target", errors, text_input("target", &form.target, Some("actors"))))
            datalist #actors {
                @for actor in world.scenario.actors.actors() { option value=(if lang == Lang::Ar && !actor.name_ar.is_empty() { &actor.name_ar } else { &actor.name }) {} }
            }
            (field(lang.t("report.type"), "event_type", errors, html! {
                select id="event_type" name="event_type" {
                    option value="" { "—" }
                    @for kind in TYPES { option value=(kind) selected[form.event_type == kind] { (lang.t(&format!("type.{kind}"))) } }
                }
            }))
            (field(lang.t("report.weapon"), "weapon", errors, html! {
                (text_input("weapon", &form.weapon, Some("weapons")))
                small { (lang.t("report.weapon_hint")) }
            }))
            datalist #weapons {
                @for weapon in truce_extract::events::weapon_names() { option value=(weapon) {} }
            }
            (field(lang.t("report.killed_civilian"), "killed_civilian", errors, html! { input type="number" min="0" id="killed_civilian" name="killed_civilian" value=(form.killed_civilian); }))
            (field(lang.t("report.killed_combatant"), "killed_combatant", errors, html! { input type="number" min="0" id="killed_combatant" name="killed_combatant" value=(form.killed_combatant); }))
            (field(lang.t("report.source"), "source_name", errors, text_input("source_name", &form.source_name, None)))
            (field(lang.t("report.source_type"), "source_type", errors, html! {
                select id="source_type" name="source_type" { @for kind in SOURCE_TYPES { option value=(kind) selected[form.source_type == kind] { (lang.t(&format!("source.{kind}"))) } } }
            }))
            (field(lang.t("report.reliability"), "reliability", errors, html! {
                select id="reliability" name="reliability" { @for grade in ["A", "B", "C", "D", "E", "F"] { option value=(grade) selected[form.reliability == grade] { (grade) } } }
            }))
            (field(lang.t("report.credibility"), "credibility", errors, html! {
                select id="credibility" name="credibility" { @for grade in ["1", "2", "3", "4", "5", "6"] { option value=(grade) selected[form.credibility == grade] { (grade) } } }
            }))
            (field(lang.t("report.text"), "text", errors, html! { textarea id="text" name="text" rows="4" { (form.text) } }))
            (field(lang.t("report.notes"), "notes", errors, html! { textarea id="notes" name="notes" rows="2" { (form.notes) } }))
            button type="submit" { (lang.t("report.submit")) }
        }
        script src="/static/map.js" defer {}
    };
    layout(state, auth, lang, &lang.t("report.title"), path, body)
}

#[cfg(test)]
mod tests {
    use super::coordinate;

    #[test]
    fn coordinates_read_as_people_type_them() {
        assert_eq!(coordinate("", 90.0), Ok(None));
        assert_eq!(coordinate(" 36.2 ", 90.0), Ok(Some(36.2)));
        assert_eq!(coordinate("36,2", 90.0), Ok(Some(36.2)));
        assert_eq!(coordinate("٣٣٫٥", 90.0), Ok(Some(33.5)));
        assert_eq!(coordinate("-33.5", 90.0), Ok(Some(-33.5)));
        for bad in ["95", "36,2,1", "north", "NaN", "inf", "1e400"] {
            assert_eq!(coordinate(bad, 90.0), Err(()), "{bad}");
        }
        assert_eq!(coordinate("179.9", 180.0), Ok(Some(179.9)));
    }
}
