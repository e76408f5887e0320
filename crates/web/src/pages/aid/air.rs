//! `/air-operations`: the log of airdrops and airlifts, newest first, with pallets dropped and
//! recovered and the sources of each.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use serde::Deserialize;
use truce_core::access::{Permission, PublicIncidents};
use truce_core::humanitarian::{AccessLocation, AirKind, AirOperation, AirState, AirStep};
use truce_service::Command;

use super::super::bidi::{ltr, number, plain, utc_time};
use super::super::{Lang, csrf_field, layout, with_lang_cookie};
use super::{AidQuery, form_time, location_link, optional_number, run_form, sources};
use crate::AppState;
use crate::api::{NewAirOperationBody, TransitionBody, air_view, records_now, visible_records};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::{Path, Query};

/// `GET /air-operations`.
pub async fn log(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<AidQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let (lang, chosen) = Lang::choose(query.lang.as_deref(), &headers);
    let records = visible_records(&state, &auth).await?;
    let mut operations = records.air_operations.clone();
    operations.sort_by_key(|op| std::cmp::Reverse(op.steps.first().map(|step| step.at)));
    let count = |n: Option<u32>| n.map_or_else(|| "—".to_owned(), |n| number(lang, u64::from(n)));
    let may_change = auth
        .viewer()
        .may(Permission::ChangeHumanitarian, PublicIncidents::Coarse);
    let now = records_now(&state, &records);
    let body = html! {
        h1 { (lang.t("nav.air")) }
        p { (lang.t("air.intro")) }
        p.links { a href="/api/v1/air-operations" { (lang.t("data.json")) } }
        @for operation in operations {
            @let view = air_view(operation);
            @let op = &view.operation;
            section.air-operation id=(op.id) {
                h2 { (lang.value("air.kind", op.kind.name())) " " (ltr(&op.id)) }
                p { strong { (lang.value("air.state", view.state.name())) }
                    @if op.compiled { " " span.badge { (lang.t("aid.compiled")) } }
                    @if op.illustrative { " " span.badge { (lang.t("aid.illustrative")) } } }
                dl.facts {
                    dt { (lang.t("air.destination")) } dd { (location_link(lang, &records.locations, &op.destination)) }
                    @if let Some(at) = op.flown_at() { dt { (lang.t("air.flown")) } dd { (utc_time(lang, at)) } }
                    @if !op.origin.is_empty() { dt { (lang.t("air.origin")) } dd { (ltr(&op.origin)) } }
                    @if !op.aircraft.is_empty() { dt { (lang.t("air.aircraft")) } dd { (ltr(&op.aircraft)) } }
                    @if let Some(altitude) = op.altitude_m { dt { (lang.t("air.altitude")) } dd { (number(lang, u64::from(altitude))) } }
                    @if let Some(tonnes) = op.tonnes { dt { (lang.t("air.tonnes")) } dd { (ltr(&lang.digits(&format!("{tonnes}")))) } }
                    dt { (lang.t("air.pallets_dropped")) } dd { (count(view.pallets_dropped)) }
                    dt { (lang.t("air.pallets_recovered")) } dd { (count(view.pallets_recovered)) }
                    @if let Some(unaccounted) = op.steps.iter().find_map(|s| s.pallets_unaccounted) {
                        dt { (lang.t("air.pallets_unaccounted")) } dd { (number(lang, u64::from(unaccounted))) }
                    }
                    @if let Some(tonnes) = view.tonnes_delivered { dt { (lang.t("air.tonnes_delivered")) } dd { (ltr(&lang.digits(&format!("{:.1}", tonnes)))) } }
                    @if let Some(zone) = &op.drop_zone { dt { (lang.t("air.drop_zone")) } dd { (ltr(&format!("{} ({:.4}, {:.4})", zone.name, zone.lat, zone.lon))) } }
                }
                @if !op.note.is_empty() { p { (plain(lang, &op.note)) } }
                details { summary { (lang.t("convoy.steps")) }
                    ul { @for step in &op.steps { li {
                        (lang.value("air.state", step.to.name())) " — " (utc_time(lang, step.at))
                        @if !step.note.is_empty() { " " span.muted { (plain(lang, &step.note)) } }
                    } } }
                }
                details { summary { (lang.t("aid.sources")) } (sources(lang, &op.sources)) }
                @if may_change { (step_form(&auth, lang, op, now)) }
            }
        }
        @if may_change { (plan_form(&auth, lang, &records.locations, now)) }
    };
    let path = uri
        .path_and_query()
        .map_or("/air-operations", |pq| pq.as_str());
    Ok(with_lang_cookie(
        lang,
        chosen,
        layout(&state, &auth, lang, &lang.t("nav.air"), path, body),
    ))
}

/// The form planning an airdrop or airlift.
fn plan_form(
    auth: &Authenticated,
    lang: Lang,
    locations: &[AccessLocation],
    now: DateTime<Utc>,
) -> Markup {
    html! {
        details.add-report #plan-air {
            summary { (lang.t("air.plan")) }
            form.report method="post" action="/air-operations" {
                (csrf_field(auth))
                input type="hidden" name="idempotency_key" value=(uuid::Uuid::new_v4().to_string());
                input type="hidden" name="lang" value=(lang.code());
                div.field { label for="kind" { (lang.t("air.kind")) }
                    select #kind name="kind" { @for kind in [AirKind::Airdrop, AirKind::Airlift] { option value=(kind.name()) { (lang.value("air.kind", kind.name())) } } } }
                div.field.wide { label for="air_destination" { (lang.t("air.destination")) }
                    select #air_destination name="destination" required {
                        @for location in locations { option value=(location.id) { (super::super::bidi::name_in(lang, &location.name, &location.name_ar)) } }
                    } }
                div.field { label for="planned_at" { (lang.t("air.planned_at")) }
                    input #planned_at type="datetime-local" name="planned_at" required value=(now.format("%Y-%m-%dT%H:%M").to_string()); }
                div.field { label for="tonnes" { (lang.t("air.tonnes")) }
                    input #tonnes type="number" name="tonnes" min="0" step="any"; }
                div.field { label for="aircraft" { (lang.t("air.aircraft")) }
                    input #aircraft type="text" name="aircraft" maxlength="200"; }
                div.field { label for="origin" { (lang.t("air.origin")) }
                    input #origin type="text" name="origin" maxlength="200"; }
                button type="submit" { (lang.t("air.plan_submit")) }
            }
        }
    }
}

/// The form moving an operation on.
fn step_form(auth: &Authenticated, lang: Lang, op: &AirOperation, now: DateTime<Utc>) -> Markup {
    let next = op.state().next();
    let field = |name: &str| format!("{name}-{}", op.id);
    html! {
        @if !next.is_empty() {
            details.add-report.air-step {
                summary { (lang.t("convoy.next_step")) }
                form.report method="post" action=(format!("/air-operations/{}/transitions", op.id)) {
                    (csrf_field(auth))
                    input type="hidden" name="idempotency_key" value=(uuid::Uuid::new_v4().to_string());
                    input type="hidden" name="lang" value=(lang.code());
                    div.field { label for=(field("to")) { (lang.t("convoy.to")) }
                        select id=(field("to")) name="to" { @for state in next { option value=(state.name()) { (lang.value("air.state", state.name())) } } } }
                    div.field { label for=(field("at")) { (lang.t("convoy.at_utc")) }
                        input id=(field("at")) type="datetime-local" name="at" required value=(now.max(op.steps.last().map_or(now, |s| s.at)).format("%Y-%m-%dT%H:%M").to_string()); }
                    @if next.contains(&AirState::Dropped) {
                        div.field { label for=(field("pallets_dropped")) { (lang.t("air.pallets_dropped")) }
                            input id=(field("pallets_dropped")) type="number" name="pallets_dropped" min="0" inputmode="numeric"; }
                    }
                    @if next.iter().any(|s| matches!(s, AirState::Recovered | AirState::PartiallyRecovered)) {
                        div.field { label for=(field("pallets_recovered")) { (lang.t("air.pallets_recovered")) }
                            input id=(field("pallets_recovered")) type="number" name="pallets_recovered" min="0" inputmode="numeric"; }
                        div.field { label for=(field("pallets_unaccounted")) { (lang.t("air.pallets_unaccounted")) }
                            input id=(field("pallets_unaccounted")) type="number" name="pallets_unaccounted" min="0" inputmode="numeric"; }
                    }
                    div.field.wide { label for=(field("note")) { (lang.t("convoy.note")) }
                        textarea id=(field("note")) name="note" rows="2" maxlength="2000" {} }
                    button type="submit" { (lang.t("convoy.record_step")) }
                }
            }
        }
    }
}

/// The fields of the planning form.
#[derive(Debug, Deserialize)]
pub struct PlanForm {
    idempotency_key: String,
    #[serde(default)]
    lang: String,
    kind: String,
    destination: String,
    planned_at: String,
    #[serde(default)]
    tonnes: String,
    #[serde(default)]
    aircraft: String,
    #[serde(default)]
    origin: String,
}

/// The fields of the step form.
#[derive(Debug, Deserialize)]
pub struct StepForm {
    idempotency_key: String,
    #[serde(default)]
    lang: String,
    to: String,
    at: String,
    #[serde(default)]
    pallets_dropped: String,
    #[serde(default)]
    pallets_recovered: String,
    #[serde(default)]
    pallets_unaccounted: String,
    #[serde(default)]
    note: String,
}

/// `POST /air-operations`: plans an airdrop or airlift through the door.
pub async fn plan(
    State(state): State<AppState>,
    auth: Authenticated,
    Form(form): Form<PlanForm>,
) -> Result<Response, ApiError> {
    let kind = match form.kind.as_str() {
        "airdrop" => AirKind::Airdrop,
        "airlift" => AirKind::Airlift,
        other => return Err(ApiError::invalid(format!("unknown kind '{other}'"))),
    };
    let body = NewAirOperationBody {
        kind,
        destination: form.destination.trim().to_owned(),
        origin: form.origin.trim().to_owned(),
        aircraft: form.aircraft.trim().to_owned(),
        altitude_m: None,
        drop_zone: None,
        tonnes: optional_number(&form.tonnes, "tonnes")?,
        partner: String::new(),
        sources: Vec::new(),
        note: String::new(),
        compiled: false,
        planned_at: Some(form_time(&form.planned_at)?),
        steps: Vec::new(),
    };
    let operation = crate::api::air_operation_of(body, crate::api::now(&state))?;
    run_form(
        &state,
        &auth,
        &form.lang,
        &form.idempotency_key,
        "POST /air-operations",
        Command::AddAirOperation { operation },
    )
    .await
}

/// `POST /air-operations/{id}/transitions`: moves the operation on through the door.
pub async fn step(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    Form(form): Form<StepForm>,
) -> Result<Response, ApiError> {
    let body = TransitionBody {
        to: form.to.clone(),
        at: form_time(&form.at)?,
        reason: None,
        checkpoint: None,
        cargo: Vec::new(),
        removals: Vec::new(),
        trucks: None,
        reached: Vec::new(),
        people_reached: None,
        note: form.note.trim().to_owned(),
        pallets_dropped: if form.to == "dropped" {
            optional_number(&form.pallets_dropped, "pallets dropped")?
        } else {
            None
        },
        tonnes_dropped: None,
        pallets_recovered: if matches!(form.to.as_str(), "recovered" | "partially_recovered") {
            optional_number(&form.pallets_recovered, "pallets recovered")?
        } else {
            None
        },
        pallets_damaged: None,
        pallets_unaccounted: if matches!(
            form.to.as_str(),
            "recovered" | "partially_recovered" | "lost"
        ) {
            optional_number(&form.pallets_unaccounted, "pallets unaccounted for")?
        } else {
            None
        },
    };
    let step: AirStep = body.air_step()?;
    let scope = format!("POST /air-operations/{id}/transitions");
    run_form(
        &state,
        &auth,
        &form.lang,
        &form.idempotency_key,
        &scope,
        Command::MoveAirOperation {
            operation: id,
            step,
        },
    )
    .await
}
