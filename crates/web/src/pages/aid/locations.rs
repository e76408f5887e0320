//! `/besieged`: the locations with each classifier's listing side by side, the estimate the
//! figures use and the days since aid last arrived; `/besieged/{id}`: one location's sheet;
//! `/besieged.csv`.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use truce_core::humanitarian::{
    AccessLocation, AccessStatus, AsOf, Classification, DelistReason, PopulationEstimate,
};
use truce_service::Command;

use super::super::bidi::{day, in_lang, ltr, number, plain};
use super::super::reference::csv;
use super::super::{Lang, actor_label, csrf_field, layout, with_lang_cookie};
use super::{AidQuery, lang_suffix, location_link, run_form};
use crate::AppState;
use crate::api::{as_of_day, location_view, visible_records};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::{Path, Query};

/// A classification as a short phrase: "OCHA: besieged (from 18 Jan 2016)".
fn classification(lang: Lang, c: &Classification) -> Markup {
    html! {
        span.classification class=(c.status.name()) {
            (ltr(&c.classifier)) (lang.t("list.colon"))
            (lang.value("aid.status", c.status.name()))
            @if let Some(reason) = c.reason { " (" (lang.value("aid.delist", reason.name())) ")" }
            " " span.muted { (lang.t("aid.from")) " " (day(lang, c.on)) }
        }
    }
}

/// An estimate with its date and source.
fn estimate(lang: Lang, e: &PopulationEstimate) -> Markup {
    html! {
        (number(lang, e.value)) " "
        span.muted { "(" (ltr(&lang.digits(e.as_of.as_str()))) (lang.t("list.clauses"))
            (in_lang(lang, &e.scope, &e.scope_ar)) (lang.t("list.clauses")) (ltr(&e.source)) ")" }
    }
}

/// The days since a location was last reached, as a phrase.
fn last_reached(lang: Lang, metrics: &truce_core::humanitarian::LocationMetrics) -> Markup {
    html! {
        @match (metrics.last_reached, metrics.days_since_last_reached) {
            (Some(reached), Some(days)) => {
                (day(lang, reached)) " "
                span.muted { "(" (lang.t("aid.days_ago").replace("{n}", &number(lang, days.max(0) as u64))) ")" }
            }
            _ => { strong.never { (lang.t("aid.never_reached")) } }
        }
    }
}

/// The governorate's name in the page's language.
fn governorate(
    world: &truce_service::world::World,
    lang: Lang,
    location: &AccessLocation,
) -> Markup {
    let arabic = world
        .scenario
        .admin1
        .get(&location.admin1_pcode)
        .map_or("", |unit| unit.name_ar.as_str());
    in_lang(lang, &location.governorate, arabic)
}

/// The form choosing the day the figures are as of.
fn as_of_form(lang: Lang, action: &str, as_of: chrono::NaiveDate) -> Markup {
    html! {
        form.filters method="get" action=(action) {
            @if lang == Lang::Ar { input type="hidden" name="lang" value="ar"; }
            div.field { label for="as_of" { (lang.t("aid.as_of")) }
                input #as_of type="date" name="as_of" value=(as_of.format("%Y-%m-%d").to_string()); }
            button type="submit" { (lang.t("aid.show")) }
        }
    }
}

/// `GET /besieged`.
pub async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<AidQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let (lang, chosen) = Lang::choose(query.lang.as_deref(), &headers);
    let records = visible_records(&state, &auth).await?;
    let as_of = as_of_day(&state, query.as_of.as_deref(), &records)?;
    let world = state.world();
    let mut views: Vec<_> = records
        .locations
        .iter()
        .map(|location| location_view(&records, location.clone(), as_of))
        .collect();
    // Longest without aid first: the task force's question.
    views.sort_by_key(|view| {
        (
            view.classified_now.is_empty(),
            std::cmp::Reverse(view.metrics.days_since_last_reached.unwrap_or(i64::MAX)),
            view.location.name.clone(),
        )
    });
    let date = as_of.format("%Y-%m-%d").to_string();
    let body = html! {
        h1 { (lang.t("besieged.title")) }
        p { (lang.t("besieged.intro")) }
        (as_of_form(lang, "/besieged", as_of))
        p.links {
            a href=(format!("/humanitarian/scorecard?as_of={date}{}", lang_suffix(lang, '&'))) { (lang.t("nav.scorecard")) } " · "
            a href=(format!("/convoys{}", lang_suffix(lang, '?'))) { (lang.t("nav.convoys")) } " · "
            a href=(format!("/air-operations{}", lang_suffix(lang, '?'))) { (lang.t("nav.air")) } " · "
            a href=(format!("/api/v1/besieged?as_of={date}")) { (lang.t("data.json")) } " · "
            a href="/besieged.csv" { (lang.t("data.csv")) }
        }
        table.cards {
            thead { tr {
                th scope="col" { (lang.t("besieged.location")) }
                th scope="col" { (lang.t("besieged.governorate")) }
                th scope="col" { (lang.t("besieged.by")) }
                th scope="col" { (lang.t("aid.classified")) }
                th scope="col" { (lang.t("aid.last_reached")) }
                th scope="col" { (lang.t("besieged.population")) }
            } }
            tbody { @for view in &views {
                tr id=(view.location.id) {
                    th scope="row" { (location_link(lang, &records.locations, &view.location.id)) }
                    td data-label=(lang.t("besieged.governorate")) { (governorate(&world, lang, &view.location)) }
                    td data-label=(lang.t("besieged.by")) { (in_lang(lang, &view.location.besieged_by, &view.location.besieged_by_ar)) }
                    td data-label=(lang.t("aid.classified")) {
                        @if view.classified_now.is_empty() { span.muted { (lang.t("aid.not_classified")) } }
                        @for c in &view.classified_now { (classification(lang, c)) br; }
                    }
                    td data-label=(lang.t("aid.last_reached")) { (last_reached(lang, &view.metrics)) }
                    td data-label=(lang.t("besieged.population")) {
                        @match &view.estimate_used { Some(e) => { (estimate(lang, e)) } None => { "—" } }
                    }
                }
            } }
        }
    };
    let path = uri.path_and_query().map_or("/besieged", |pq| pq.as_str());
    Ok(with_lang_cookie(
        lang,
        chosen,
        layout(&state, &auth, lang, &lang.t("besieged.title"), path, body),
    ))
}

/// `GET /besieged/{id}`: one location's sheet.
pub async fn sheet(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    Query(query): Query<AidQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let (lang, chosen) = Lang::choose(query.lang.as_deref(), &headers);
    let records = visible_records(&state, &auth).await?;
    let as_of = as_of_day(&state, query.as_of.as_deref(), &records)?;
    let location = records
        .locations
        .iter()
        .find(|l| l.id == id)
        .cloned()
        .ok_or_else(|| ApiError::NotFound(format!("no location '{id}'")))?;
    let view = location_view(&records, location, as_of);
    let world = state.world();
    let location = &view.location;
    let metrics = &view.metrics;
    let convoys: Vec<_> = records
        .convoys
        .iter()
        .filter(|c| c.goes_to(&location.id))
        .collect();
    let air: Vec<_> = records
        .air_operations
        .iter()
        .filter(|a| a.destination == location.id)
        .collect();
    let nearby = nearby_incidents(&state, &auth, location, as_of).await?;
    let may_change = auth.viewer().may(
        truce_core::access::Permission::ChangeHumanitarian,
        truce_core::access::PublicIncidents::Coarse,
    );
    let name = in_lang(lang, &location.name, &location.name_ar);
    let body = html! {
        h1 { (name) }
        (as_of_form(lang, &format!("/besieged/{}", location.id), as_of))
        dl.facts {
            dt { (lang.t("besieged.governorate")) } dd { (governorate(&world, lang, location)) " " span.muted { (ltr(&location.admin1_pcode)) } }
            @if let Some(pcode) = &location.pcode { dt { (lang.t("aid.pcode")) } dd { (ltr(pcode)) } }
            @if !location.area_group.is_empty() { dt { (lang.t("besieged.group")) } dd { (in_lang(lang, &location.area_group, &location.area_group_ar)) } }
            dt { (lang.t("besieged.by")) } dd {
                @if !location.besieged_by.is_empty() { (in_lang(lang, &location.besieged_by, &location.besieged_by_ar)) }
                @for (n, actor) in location.besieging_actors.iter().enumerate() {
                    @if n == 0 { " — " } @else { (lang.t("list.separator")) }
                    a href=(format!("/actors#{actor}")) { (actor_label(actor, lang, &world.scenario)) }
                }
            }
            dt { (lang.t("aid.coordinates")) } dd { (ltr(&format!("{:.5}, {:.5}", location.lat, location.lon))) " " span.muted { "(" (ltr(&location.coordinates_source)) ")" } }
            dt { (lang.t("aid.last_reached")) } dd { (last_reached(lang, metrics)) }
            dt { (lang.t("aid.reached_month")) } dd { (number(lang, metrics.people_reached_month)) }
            dt { (lang.t("aid.reached_total")) } dd { (number(lang, metrics.people_reached_cumulative))
                @if !metrics.reached_not_broken_down.is_empty() {
                    " " span.muted { (lang.t("aid.not_broken_down").replace("{n}", &number(lang, metrics.reached_not_broken_down.len() as u64))) }
                }
            }
            dt { (lang.t("aid.nearby")) } dd {
                @if let Some(count) = nearby.count {
                    @if count > NEARBY_LIMIT { (number(lang, NEARBY_LIMIT as u64)) "+" } @else { (number(lang, count as u64)) }
                    " · "
                }
                a href=(nearby.map) { (lang.t("aid.nearby_map")) }
            }
            dt { (lang.t("aid.by_modality")) } dd {
                (lang.t("aid.convoys_delivered").replace("{n}", &number(lang, metrics.convoys_delivered.len() as u64)))
                (lang.t("list.separator"))
                (lang.t("aid.air_delivered").replace("{n}", &number(lang, metrics.air_operations.len() as u64)))
            }
        }
        @if !location.notes.is_empty() { p.muted { (plain(lang, &location.notes)) } }

        h2 { (lang.t("aid.classifications")) }
        @if location.classifications.is_empty() { p { (lang.t("aid.not_classified")) } }
        @else {
            table.cards { thead { tr {
                th scope="col" { (lang.t("aid.classifier")) } th scope="col" { (lang.t("aid.status")) }
                th scope="col" { (lang.t("aid.from")) } th scope="col" { (lang.t("aid.evidence")) }
            } } tbody { @for c in &location.classifications {
                tr class=[view.classified_now.contains(c).then_some("current")] {
                    th scope="row" { (ltr(&c.classifier)) }
                    td data-label=(lang.t("aid.status")) {
                        (lang.value("aid.status", c.status.name()))
                        @if let Some(reason) = c.reason { " (" (lang.value("aid.delist", reason.name())) ")" }
                        @if view.classified_now.contains(c) { " " span.badge { (lang.t("aid.in_force")) } }
                    }
                    td data-label=(lang.t("aid.from")) { (day(lang, c.on)) }
                    td data-label=(lang.t("aid.evidence")) { (ltr(&c.evidence)) @if !c.note.is_empty() { br; span.muted { (plain(lang, &c.note)) } } }
                }
            } } }
        }

        h2 { (lang.t("aid.estimates")) }
        @if location.estimates.is_empty() { p { (lang.t("aid.no_estimates")) } }
        @else {
            table.cards { thead { tr {
                th scope="col" { (lang.t("aid.people")) } th scope="col" { (lang.t("aid.as_of_short")) }
                th scope="col" { (lang.t("aid.scope")) } th scope="col" { (lang.t("aid.source")) }
            } } tbody { @for e in &location.estimates {
                tr {
                    th scope="row" { (number(lang, e.value))
                        @if view.estimate_used.as_ref() == Some(e) { " " span.badge { (lang.t("aid.estimate_used")) } } }
                    td data-label=(lang.t("aid.as_of_short")) { (ltr(&lang.digits(e.as_of.as_str()))) }
                    td data-label=(lang.t("aid.scope")) { (in_lang(lang, &e.scope, &e.scope_ar)) }
                    td data-label=(lang.t("aid.source")) { (ltr(&e.source)) @if !e.method.is_empty() { br; span.muted { (plain(lang, &e.method)) } } }
                }
            } } }
        }

        h2 { (lang.t("nav.convoys")) }
        @if convoys.is_empty() { p { (lang.t("aid.no_convoys")) } }
        @else { ul { @for convoy in &convoys { li {
            a href=(format!("/convoys/{}{}", convoy.id, lang_suffix(lang, '?'))) { (ltr(&convoy.id)) }
            " — " (lang.value("convoy.state", convoy.state().name()))
        } } } }
        h2 { (lang.t("nav.air")) }
        @if air.is_empty() { p { (lang.t("aid.no_air")) } }
        @else { ul { @for operation in &air { li {
            a href=(format!("/air-operations{}#{}", lang_suffix(lang, '?'), operation.id)) { (ltr(&operation.id)) }
            " — " (lang.value("air.state", operation.state().name()))
        } } } }
        @if may_change { (edit_forms(&auth, lang, &location.id, as_of)) }
        p.links { a href=(format!("/api/v1/besieged/{}", location.id)) { (lang.t("data.json")) } }
    };
    let path = uri
        .path_and_query()
        .map_or_else(|| format!("/besieged/{id}"), |pq| pq.as_str().to_owned());
    let title = super::super::bidi::name_in(lang, &location.name, &location.name_ar);
    Ok(with_lang_cookie(
        lang,
        chosen,
        layout(&state, &auth, lang, &title, &path, body),
    ))
}

/// The forms adding a classification and a population estimate (the humanitarian role).
fn edit_forms(auth: &Authenticated, lang: Lang, id: &str, as_of: chrono::NaiveDate) -> Markup {
    let day = as_of.format("%Y-%m-%d").to_string();
    let common = html! {
        (csrf_field(auth))
        input type="hidden" name="idempotency_key" value=(uuid::Uuid::new_v4().to_string());
        input type="hidden" name="lang" value=(lang.code());
    };
    html! {
        details.add-report #classify {
            summary { (lang.t("aid.add_classification")) }
            form.report method="post" action=(format!("/besieged/{id}/classifications")) {
                (common)
                div.field { label for="status" { (lang.t("aid.status")) }
                    select #status name="status" { @for status in [AccessStatus::Besieged, AccessStatus::HardToReach, AccessStatus::Delisted] {
                        option value=(status.name()) { (lang.value("aid.status", status.name())) } } } }
                div.field { label for="reason" { (lang.t("aid.delist_reason")) }
                    select #reason name="reason" { option value="" { "—" }
                        @for reason in [DelistReason::Lifted, DelistReason::Retaken, DelistReason::Evacuated] {
                            option value=(reason.name()) { (lang.value("aid.delist", reason.name())) } } } }
                div.field { label for="on" { (lang.t("aid.from")) }
                    input #on type="date" name="on" required value=(day); }
                div.field { label for="classifier" { (lang.t("aid.classifier")) }
                    input #classifier type="text" name="classifier" required maxlength="200" placeholder="OCHA"; }
                div.field.wide { label for="evidence" { (lang.t("aid.evidence")) }
                    input #evidence type="text" name="evidence" required maxlength="2000"; }
                div.field.wide { label for="classification_note" { (lang.t("convoy.note")) }
                    textarea #classification_note name="note" rows="2" maxlength="2000" {} }
                button type="submit" { (lang.t("aid.add_classification")) }
            }
        }
        details.add-report #estimate {
            summary { (lang.t("aid.add_estimate")) }
            form.report method="post" action=(format!("/besieged/{id}/estimates")) {
                (common)
                div.field { label for="value" { (lang.t("aid.people")) }
                    input #value type="number" name="value" required min="0" inputmode="numeric"; }
                div.field { label for="as_of_estimate" { (lang.t("aid.as_of_short")) }
                    input #as_of_estimate type="text" name="as_of" required pattern="[0-9]{4}-[0-9]{2}(-[0-9]{2})?" placeholder="2016-01 / 2016-01-18"; }
                div.field.wide { label for="scope" { (lang.t("aid.scope")) }
                    input #scope type="text" name="scope" maxlength="2000"; }
                div.field.wide { label for="estimate_source" { (lang.t("aid.source")) }
                    input #estimate_source type="text" name="source" required maxlength="2000"; }
                div.field { label for="method" { (lang.t("aid.method")) }
                    input #method type="text" name="method" maxlength="2000"; }
                button type="submit" { (lang.t("aid.add_estimate")) }
            }
        }
    }
}

/// The fields of the classification form.
#[derive(Debug, Deserialize)]
pub struct ClassifyForm {
    idempotency_key: String,
    #[serde(default)]
    lang: String,
    status: String,
    #[serde(default)]
    reason: String,
    on: String,
    classifier: String,
    evidence: String,
    #[serde(default)]
    note: String,
}

/// The fields of the estimate form.
#[derive(Debug, Deserialize)]
pub struct EstimateForm {
    idempotency_key: String,
    #[serde(default)]
    lang: String,
    value: String,
    as_of: String,
    #[serde(default)]
    scope: String,
    source: String,
    #[serde(default)]
    method: String,
}

/// `POST /besieged/{id}/classifications`.
pub async fn classify(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    Form(form): Form<ClassifyForm>,
) -> Result<Response, ApiError> {
    let status = match form.status.as_str() {
        "besieged" => AccessStatus::Besieged,
        "hard_to_reach" => AccessStatus::HardToReach,
        "delisted" => AccessStatus::Delisted,
        other => return Err(ApiError::invalid(format!("unknown status '{other}'"))),
    };
    let reason = match form.reason.as_str() {
        "" => None,
        "lifted" => Some(DelistReason::Lifted),
        "retaken" => Some(DelistReason::Retaken),
        "evacuated" => Some(DelistReason::Evacuated),
        other => return Err(ApiError::invalid(format!("unknown reason '{other}'"))),
    };
    let on = chrono::NaiveDate::parse_from_str(form.on.trim(), "%Y-%m-%d")
        .map_err(|_| ApiError::invalid(format!("'{}' is not a date", form.on)))?;
    let classification = Classification {
        status,
        // A reason goes with a delisting only; the form offers both fields.
        reason: reason.filter(|_| status == AccessStatus::Delisted),
        on,
        classifier: form.classifier.trim().to_owned(),
        evidence: form.evidence.trim().to_owned(),
        note: form.note.trim().to_owned(),
    };
    let scope = format!("POST /besieged/{id}/classifications");
    let command = Command::ClassifyLocation {
        location: id,
        classification,
    };
    run_form(
        &state,
        &auth,
        &form.lang,
        &form.idempotency_key,
        &scope,
        command,
    )
    .await
}

/// `POST /besieged/{id}/estimates`.
pub async fn add_estimate(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    Form(form): Form<EstimateForm>,
) -> Result<Response, ApiError> {
    let value =
        form.value.trim().parse().map_err(|_| {
            ApiError::invalid(format!("'{}' is not a number of people", form.value))
        })?;
    let as_of = AsOf::try_from(form.as_of.trim().to_owned()).map_err(ApiError::invalid)?;
    let estimate = PopulationEstimate {
        value,
        as_of,
        scope: form.scope.trim().to_owned(),
        scope_ar: String::new(),
        source: form.source.trim().to_owned(),
        method: form.method.trim().to_owned(),
        includes_idps: None,
    };
    let scope = format!("POST /besieged/{id}/estimates");
    let command = Command::AddPopulationEstimate {
        location: id,
        estimate,
    };
    run_form(
        &state,
        &auth,
        &form.lang,
        &form.idempotency_key,
        &scope,
        command,
    )
    .await
}

/// How far around a location, in degrees (about 5 km), and how long before the day, incidents
/// count as nearby.
const NEARBY_DEGREES: f64 = 0.05;
const NEARBY_DAYS: i64 = 30;
/// The most nearby incidents counted (more shows as "500+").
const NEARBY_LIMIT: usize = 500;

/// The incidents near a location in the 30 days up to the day: a count for a viewer who sees
/// exact places (the box is a filter only they may use), and for everyone the map of them.
struct Nearby {
    count: Option<usize>,
    map: String,
}

async fn nearby_incidents(
    state: &AppState,
    auth: &Authenticated,
    location: &AccessLocation,
    as_of: chrono::NaiveDate,
) -> Result<Nearby, ApiError> {
    let bbox = [
        location.lon - NEARBY_DEGREES,
        location.lat - NEARBY_DEGREES,
        location.lon + NEARBY_DEGREES,
        location.lat + NEARBY_DEGREES,
    ];
    let to = as_of + chrono::Days::new(1);
    let from = to - chrono::Days::new(NEARBY_DAYS as u64);
    let map = format!(
        "/map?bbox={:.3},{:.3},{:.3},{:.3}&from={from}&to={to}&layers=1&control=on&besieged=on&incidents=on",
        bbox[0], bbox[1], bbox[2], bbox[3]
    );
    let viewer = auth.viewer();
    if !viewer.sees_exact_places() {
        return Ok(Nearby { count: None, map });
    }
    let start = |day: chrono::NaiveDate| {
        day.and_time(chrono::NaiveTime::MIN)
            .and_utc()
            .timestamp_millis()
    };
    let filter = truce_store::IncidentFilter {
        bbox: Some(bbox),
        from: Some(start(from)),
        to: Some(start(to)),
        naming: viewer.bound_actor().map(str::to_owned),
        ..truce_store::IncidentFilter::default()
    };
    let page = state
        .store()
        .incidents(&filter, None, NEARBY_LIMIT + 1)
        .await?;
    Ok(Nearby {
        count: Some(page.items.len()),
        map,
    })
}

/// `GET /besieged.csv`: one row per location, with the classifications and estimate in force
/// today.
pub async fn download(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Response, ApiError> {
    let records = visible_records(&state, &auth).await?;
    let as_of = as_of_day(&state, None, &records)?;
    let rows = records
        .locations
        .iter()
        .map(|location| {
            let view = location_view(&records, location.clone(), as_of);
            let listed = |classifier: &str| {
                location
                    .classification(classifier, as_of)
                    .map(|c| c.status.name().to_owned())
                    .unwrap_or_default()
            };
            vec![
                location.id.clone(),
                location.name.clone(),
                location.name_ar.clone(),
                location.governorate.clone(),
                location.admin1_pcode.clone(),
                location.pcode.clone().unwrap_or_default(),
                location.besieging_actors.join(";"),
                listed("OCHA"),
                listed("Siege Watch"),
                view.estimate_used
                    .as_ref()
                    .map(|e| e.value.to_string())
                    .unwrap_or_default(),
                view.estimate_used
                    .as_ref()
                    .map(|e| e.as_of.to_string())
                    .unwrap_or_default(),
                view.metrics
                    .last_reached
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                location.lat.to_string(),
                location.lon.to_string(),
            ]
        })
        .collect();
    Ok(csv(
        "besieged.csv",
        &[
            "id",
            "name",
            "name_ar",
            "governorate",
            "admin1_pcode",
            "pcode",
            "besieging_actors",
            "ocha",
            "siege_watch",
            "population",
            "population_as_of",
            "last_reached",
            "lat",
            "lon",
        ],
        rows,
    ))
}
