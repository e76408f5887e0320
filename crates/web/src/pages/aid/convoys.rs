//! `/convoys`: the convoy board, a column per stage with overdue steps highlighted, and the
//! form planning a convoy; `/convoys/{id}`: one convoy's life, its approval clock, linked
//! deliveries and sources, with the form moving it on for the humanitarian role.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use serde::Deserialize;
use truce_core::access::{Permission, PublicIncidents};
use truce_core::humanitarian::{AbortReason, ConvoyState, LinkedDeliveries, LinkedStatus, Removal};
use truce_service::Command;

use super::super::bidi::{ltr, number, plain, utc_time};
use super::super::{Lang, csrf_field, layout, with_lang_cookie};
use super::{AidQuery, form_time, lang_suffix, location_link, optional_number, run_form, sources};
use crate::AppState;
use crate::api::{
    ConvoyView, DestinationInput, NewConvoyBody, TransitionBody, convoy_of, convoy_view,
    convoy_views, now, records_now, visible_records,
};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::{Path, Query};

/// The board's columns: a stage and the states in it.
const COLUMNS: [(&str, &[ConvoyState]); 7] = [
    ("planned", &[ConvoyState::Planned]),
    ("awaiting_approval", &[ConvoyState::Submitted]),
    ("awaiting_letter", &[ConvoyState::ApprovedInPrinciple]),
    (
        "cleared",
        &[
            ConvoyState::FacilitationLetterIssued,
            ConvoyState::Loaded,
            ConvoyState::Inspected,
        ],
    ),
    (
        "on_the_road",
        &[
            ConvoyState::Dispatched,
            ConvoyState::AtCheckpoint,
            ConvoyState::Delivering,
        ],
    ),
    (
        "delivered",
        &[ConvoyState::DeliveredFull, ConvoyState::DeliveredPartial],
    ),
    ("stopped", &[ConvoyState::Denied, ConvoyState::Aborted]),
];

fn may_change(auth: &Authenticated) -> bool {
    auth.viewer()
        .may(Permission::ChangeHumanitarian, PublicIncidents::Coarse)
}

fn state_name(lang: Lang, state: ConvoyState) -> String {
    lang.value("convoy.state", state.name())
}

/// One convoy on the board.
fn card(
    lang: Lang,
    view: &ConvoyView,
    locations: &[truce_core::humanitarian::AccessLocation],
) -> Markup {
    let convoy = &view.convoy;
    let waiting = view
        .linked
        .iter()
        .any(|status| matches!(status, LinkedStatus::Waiting { .. }));
    html! {
        li.convoy-card class=[view.overdue.then_some("overdue")] {
            a href=(format!("/convoys/{}{}", convoy.id, lang_suffix(lang, '?'))) { strong { (ltr(&convoy.id)) } }
            br;
            @for (n, d) in convoy.destinations.iter().enumerate() {
                @if n > 0 { (lang.t("list.separator")) }
                (location_link(lang, locations, &d.location))
            }
            br;
            span.muted { (state_name(lang, view.state)) " · " (ltr(&lang.digits(&convoy.plan_month))) }
            @if let Some(due) = view.approval_clock.iter().find(|d| d.answered_at.is_none() && !d.answer_unrecorded) {
                br;
                span class=[if view.overdue { Some("overdue-note") } else { None }] {
                    @if view.overdue { (lang.t("convoy.overdue")) } @else { (lang.t("convoy.due")) }
                    " " (utc_time(lang, due.due))
                }
            }
            @if waiting { br; span.badge { (lang.t("convoy.waiting_linked")) } }
            @if convoy.illustrative { br; span.badge { (lang.t("aid.illustrative")) } }
        }
    }
}

/// `GET /convoys`: the board.
pub async fn board(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<AidQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let (lang, chosen) = Lang::choose(query.lang.as_deref(), &headers);
    let world = state.world();
    let records = visible_records(&state, &auth).await?;
    let now = records_now(&state, &records);
    let mut views = convoy_views(&world, &records, records.convoys.iter(), now);
    // Newest first within a column.
    views.sort_by_key(|view| std::cmp::Reverse(view.convoy.steps.last().map(|step| step.at)));
    let overdue = views.iter().filter(|v| v.overdue).count() as u64;
    let body = html! {
        h1 { (lang.t("nav.convoys")) }
        p { (lang.t("convoy.intro")) }
        @if overdue > 0 { p.overdue-note { (lang.t("convoy.overdue_count").replace("{n}", &number(lang, overdue))) } }
        p.links {
            a href=(format!("/humanitarian/scorecard{}", lang_suffix(lang, '?'))) { (lang.t("nav.scorecard")) } " · "
            a href="/api/v1/convoys" { (lang.t("data.json")) }
        }
        div.board {
            @for (column, states) in COLUMNS {
                section.board-column aria-labelledby=(format!("col-{column}")) {
                    h2 id=(format!("col-{column}")) { (lang.t(&format!("convoy.column.{column}"))) }
                    ul.convoy-cards {
                        @for view in views.iter().filter(|v| states.contains(&v.state)) {
                            (card(lang, view, &records.locations))
                        }
                    }
                }
            }
        }
        @if may_change(&auth) { (plan_form(&auth, lang, &records.locations, now)) }
    };
    let path = uri.path_and_query().map_or("/convoys", |pq| pq.as_str());
    Ok(with_lang_cookie(
        lang,
        chosen,
        layout(&state, &auth, lang, &lang.t("nav.convoys"), path, body),
    ))
}

/// The form planning a convoy.
fn plan_form(
    auth: &Authenticated,
    lang: Lang,
    locations: &[truce_core::humanitarian::AccessLocation],
    now: DateTime<Utc>,
) -> Markup {
    html! {
        details.add-report #plan {
            summary { (lang.t("convoy.plan")) }
            form.report method="post" action="/convoys" {
                (csrf_field(auth))
                input type="hidden" name="idempotency_key" value=(uuid::Uuid::new_v4().to_string());
                input type="hidden" name="lang" value=(lang.code());
                div.field { label for="plan_month" { (lang.t("convoy.plan_month")) }
                    input #plan_month type="month" name="plan_month" required value=(now.format("%Y-%m").to_string()); }
                div.field.wide { label for="destination" { (lang.t("convoy.destination")) }
                    select #destination name="destination" required {
                        @for location in locations { option value=(location.id) { (super::super::bidi::name_in(lang, &location.name, &location.name_ar)) } }
                    } }
                div.field { label for="people_targeted" { (lang.t("convoy.people_targeted")) }
                    input #people_targeted type="number" name="people_targeted" min="0" inputmode="numeric"; }
                div.field { label for="trucks_planned" { (lang.t("convoy.trucks_planned")) }
                    input #trucks_planned type="number" name="trucks_planned" min="0" inputmode="numeric"; }
                div.field { label for="agencies" { (lang.t("convoy.agencies")) }
                    input #agencies type="text" name="agencies" maxlength="200" placeholder="UN, SARC, ICRC"; }
                div.field.wide { label for="note" { (lang.t("convoy.note")) }
                    textarea #note name="note" rows="2" maxlength="2000" {} }
                button type="submit" { (lang.t("convoy.plan_submit")) }
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
    plan_month: String,
    destination: String,
    #[serde(default)]
    people_targeted: String,
    #[serde(default)]
    trucks_planned: String,
    #[serde(default)]
    agencies: String,
    #[serde(default)]
    note: String,
}

/// `POST /convoys`: plans a convoy through the door, then shows it.
pub async fn plan(
    State(state): State<AppState>,
    auth: Authenticated,
    Form(form): Form<PlanForm>,
) -> Result<Response, ApiError> {
    let body = NewConvoyBody {
        plan_month: form.plan_month.trim().to_owned(),
        destinations: vec![DestinationInput::Full {
            location: form.destination.trim().to_owned(),
            people_targeted: optional_number(&form.people_targeted, "people targeted")?,
        }],
        agencies: form
            .agencies
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect(),
        trucks_planned: optional_number(&form.trucks_planned, "trucks")?,
        people_targeted: None,
        cargo: Vec::new(),
        sources: Vec::new(),
        note: form.note.trim().to_owned(),
        compiled: false,
        planned_at: None,
        steps: Vec::new(),
    };
    let convoy = convoy_of(body, now(&state))?;
    run_form(
        &state,
        &auth,
        &form.lang,
        &form.idempotency_key,
        "POST /convoys",
        Command::AddConvoy { convoy },
    )
    .await
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
    reason: String,
    #[serde(default)]
    checkpoint: String,
    #[serde(default)]
    trucks: String,
    #[serde(default)]
    people_reached: String,
    #[serde(default)]
    removal_sector: String,
    #[serde(default)]
    removal_item: String,
    #[serde(default)]
    removal_quantity: String,
    #[serde(default)]
    removal_unit: String,
    #[serde(default)]
    note: String,
}

/// `POST /convoys/{id}/transitions`: moves the convoy on through the door, then shows it.
pub async fn step(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    Form(form): Form<StepForm>,
) -> Result<Response, ApiError> {
    let removal_given = !form.removal_item.trim().is_empty();
    let removals = if removal_given {
        let quantity = form.removal_quantity.trim();
        vec![Removal {
            sector: form.removal_sector.trim().to_owned(),
            item: form.removal_item.trim().to_owned(),
            quantity: quantity
                .parse()
                .map_err(|_| ApiError::invalid(format!("quantity '{quantity}' is not a number")))?,
            unit: form.removal_unit.trim().to_owned(),
            removed_by: String::new(),
        }]
    } else {
        Vec::new()
    };
    let delivery = matches!(form.to.as_str(), "delivered_full" | "delivered_partial");
    let body = TransitionBody {
        to: form.to.clone(),
        at: form_time(&form.at)?,
        reason: Some(form.reason.trim().to_owned())
            .filter(|r| !r.is_empty() && form.to == "aborted"),
        checkpoint: Some(form.checkpoint.trim().to_owned())
            .filter(|c| !c.is_empty() && form.to == "at_checkpoint"),
        cargo: Vec::new(),
        removals: if form.to == "inspected" {
            removals
        } else {
            Vec::new()
        },
        trucks: if delivery || form.to == "dispatched" {
            optional_number(&form.trucks, "trucks")?
        } else {
            None
        },
        reached: Vec::new(),
        people_reached: if delivery {
            optional_number(&form.people_reached, "people reached")?
        } else {
            None
        },
        note: form.note.trim().to_owned(),
        pallets_dropped: None,
        tonnes_dropped: None,
        pallets_recovered: None,
        pallets_damaged: None,
        pallets_unaccounted: None,
    };
    let step = body.convoy_step()?;
    let scope = format!("POST /convoys/{id}/transitions");
    run_form(
        &state,
        &auth,
        &form.lang,
        &form.idempotency_key,
        &scope,
        Command::MoveConvoy { convoy: id, step },
    )
    .await
}

/// The form moving a convoy on: the states it may move to, with the details each takes.
fn step_form(auth: &Authenticated, lang: Lang, view: &ConvoyView, now: DateTime<Utc>) -> Markup {
    let next = view.state.next();
    html! {
        @if !next.is_empty() {
            section.step-form #next-step {
                h2 { (lang.t("convoy.next_step")) }
                form.report method="post" action=(format!("/convoys/{}/transitions", view.convoy.id)) {
                    (csrf_field(auth))
                    input type="hidden" name="idempotency_key" value=(uuid::Uuid::new_v4().to_string());
                    input type="hidden" name="lang" value=(lang.code());
                    div.field { label for="to" { (lang.t("convoy.to")) }
                        select #to name="to" { @for state in next { option value=(state.name()) { (state_name(lang, *state)) } } } }
                    div.field { label for="at" { (lang.t("convoy.at_utc")) }
                        input #at type="datetime-local" name="at" required value=(now.format("%Y-%m-%dT%H:%M").to_string()); }
                    @if next.contains(&ConvoyState::Aborted) {
                        div.field { label for="reason" { (lang.t("convoy.reason")) }
                            select #reason name="reason" { option value="" { "—" }
                                @for reason in AbortReason::ALL { option value=(reason.name()) { (lang.value("convoy.abort", reason.name())) } } } }
                    }
                    @if next.contains(&ConvoyState::AtCheckpoint) {
                        div.field { label for="checkpoint" { (lang.t("convoy.checkpoint")) }
                            input #checkpoint type="text" name="checkpoint" maxlength="200"; }
                    }
                    @if next.contains(&ConvoyState::Inspected) {
                        fieldset.field.wide { legend { (lang.t("convoy.removal")) }
                            input type="text" name="removal_sector" aria-label=(lang.t("convoy.removal_sector")) placeholder=(lang.t("convoy.removal_sector")) maxlength="100";
                            input type="text" name="removal_item" aria-label=(lang.t("convoy.removal_item")) placeholder=(lang.t("convoy.removal_item")) maxlength="200";
                            input type="number" name="removal_quantity" step="any" min="0" aria-label=(lang.t("convoy.removal_quantity")) placeholder=(lang.t("convoy.removal_quantity"));
                            input type="text" name="removal_unit" aria-label=(lang.t("convoy.removal_unit")) placeholder=(lang.t("convoy.removal_unit")) maxlength="50";
                        }
                    }
                    @if next.iter().any(|s| s.is_delivered() || *s == ConvoyState::Dispatched) {
                        div.field { label for="trucks" { (lang.t("convoy.trucks")) }
                            input #trucks type="number" name="trucks" min="0" inputmode="numeric"; }
                    }
                    @if next.iter().any(|s| s.is_delivered()) {
                        div.field { label for="people_reached" { (lang.t("convoy.people_reached")) }
                            input #people_reached type="number" name="people_reached" min="0" inputmode="numeric"; }
                    }
                    div.field.wide { label for="step_note" { (lang.t("convoy.note")) }
                        textarea #step_note name="note" rows="2" maxlength="2000" {} }
                    button type="submit" { (lang.t("convoy.record_step")) }
                }
            }
        }
    }
}

/// `GET /convoys/{id}`.
pub async fn page(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    Query(query): Query<AidQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let (lang, chosen) = Lang::choose(query.lang.as_deref(), &headers);
    let world = state.world();
    let records = visible_records(&state, &auth).await?;
    let convoy = records
        .convoys
        .iter()
        .find(|c| c.id == id)
        .cloned()
        .ok_or_else(|| ApiError::NotFound(format!("no convoy '{id}'")))?;
    let now = records_now(&state, &records);
    let view = convoy_view(&world, &records, convoy, now);
    let convoy = &view.convoy;
    let removals: Vec<_> = convoy.removals_until(DateTime::<Utc>::MAX_UTC).collect();
    let body = html! {
        @if query.saved.is_some() { p.notice role="status" { (lang.t("convoy.saved")) } }
        h1 { (lang.t("convoy.title")) " " (ltr(&convoy.id)) }
        p { strong { (state_name(lang, view.state)) }
            @if view.overdue { " " span.badge.overdue-note { (lang.t("convoy.overdue")) } }
            @if convoy.compiled { " " span.badge { (lang.t("aid.compiled")) } }
            @if convoy.illustrative { " " span.badge { (lang.t("aid.illustrative")) } } }
        dl.facts {
            dt { (lang.t("convoy.plan_month")) } dd { (ltr(&lang.digits(&convoy.plan_month))) }
            dt { (lang.t("convoy.destination")) } dd {
                @for (n, d) in convoy.destinations.iter().enumerate() {
                    @if n > 0 { (lang.t("list.separator")) }
                    (location_link(lang, &records.locations, &d.location))
                    @if let Some(people) = d.people_targeted { " (" (number(lang, people)) ")" }
                }
            }
            @if let Some(people) = convoy.people_targeted { dt { (lang.t("convoy.people_targeted")) } dd { (number(lang, people)) } }
            @if let Some(people) = convoy.people_reached(DateTime::<Utc>::MAX_UTC) { dt { (lang.t("convoy.people_reached")) } dd { (number(lang, people)) } }
            @if let Some(trucks) = convoy.trucks_planned { dt { (lang.t("convoy.trucks_planned")) } dd { (number(lang, u64::from(trucks))) } }
            @if !convoy.agencies.is_empty() { dt { (lang.t("convoy.agencies")) } dd { (ltr(&convoy.agencies.join(", "))) } }
        }
        @if !convoy.note.is_empty() { p { (plain(lang, &convoy.note)) } }

        @if !view.approval_clock.is_empty() {
            h2 { (lang.t("convoy.clock")) }
            ul.clock { @for due in &view.approval_clock {
                li class=[due.overdue.then_some("overdue-note")] {
                    (state_name(lang, due.awaited)) (lang.t("list.colon")) (lang.t("convoy.due")) " " (utc_time(lang, due.due))
                    @match (due.answered_at, due.answer_unrecorded) {
                        (Some(at), _) => { " — " (lang.t("convoy.answered")) " " (utc_time(lang, at)) }
                        (None, true) => { " — " (lang.t("convoy.unrecorded")) }
                        (None, false) => { " — " (lang.t("convoy.awaited")) }
                    }
                    @if due.overdue { " " strong { (lang.t("convoy.overdue")) } }
                }
            } }
        }
        @for status in &view.linked { (linked(lang, status, &records.linked_deliveries)) }

        h2 { (lang.t("convoy.steps")) }
        table.cards {
            thead { tr {
                th scope="col" { (lang.t("convoy.to")) } th scope="col" { (lang.t("convoy.at_utc")) }
                th scope="col" { (lang.t("convoy.details")) }
            } }
            tbody { @for step in &convoy.steps { tr {
                th scope="row" { (state_name(lang, step.to)) }
                td data-label=(lang.t("convoy.at_utc")) { (utc_time(lang, step.at)) }
                td data-label=(lang.t("convoy.details")) {
                    @if let Some(reason) = step.reason { (lang.value("convoy.abort", reason.name())) br; }
                    @if let Some(checkpoint) = &step.checkpoint { (ltr(checkpoint)) br; }
                    @if let Some(trucks) = step.trucks { (lang.t("convoy.trucks")) (lang.t("list.colon")) (number(lang, u64::from(trucks))) br; }
                    @if let Some(people) = step.people_reached { (lang.t("convoy.people_reached")) (lang.t("list.colon")) (number(lang, people)) br; }
                    @for reach in &step.reached { (location_link(lang, &records.locations, &reach.location)) (lang.t("list.colon")) (number(lang, reach.people)) br; }
                    @if !step.note.is_empty() { span.muted { (plain(lang, &step.note)) } br; }
                    @if !step.by.is_empty() { span.muted { (lang.t("convoy.by")) " " (ltr(&step.by)) } }
                }
            } } }
        }
        @if !convoy.cargo.is_empty() || convoy.steps.iter().any(|s| !s.cargo.is_empty()) {
            h2 { (lang.t("convoy.cargo")) }
            ul { @for line in convoy.cargo.iter().chain(convoy.steps.iter().flat_map(|s| s.cargo.iter())) {
                li { (quantity(lang, line.quantity)) " " (plain(lang, &line.unit)) " " (plain(lang, &line.item)) " (" (plain(lang, &line.sector)) ")" }
            } }
        }
        @if !removals.is_empty() {
            h2 { (lang.t("convoy.removals")) }
            ul { @for removal in &removals {
                li class=[removal.is_medical().then_some("medical")] {
                    (quantity(lang, removal.quantity)) " " (plain(lang, &removal.unit)) " " (plain(lang, &removal.item)) " (" (plain(lang, &removal.sector)) ")"
                    @if !removal.removed_by.is_empty() { (lang.t("list.clauses")) (plain(lang, &removal.removed_by)) }
                }
            } }
        }
        @if !convoy.incidents.is_empty() {
            h2 { (lang.t("convoy.incidents")) }
            ul { @for incident in &convoy.incidents {
                li { a href=(format!("/incidents/{incident}{}", lang_suffix(lang, '?'))) { (ltr(incident)) } }
            } }
        }
        h2 { (lang.t("aid.sources")) }
        (sources(lang, &convoy.sources))
        @if may_change(&auth) { (step_form(&auth, lang, &view, now)) }
        p.links { a href=(format!("/api/v1/convoys/{}", convoy.id)) { (lang.t("data.json")) } " · "
            a href=(format!("/convoys{}", lang_suffix(lang, '?'))) { (lang.t("nav.convoys")) } }
    };
    let path = uri
        .path_and_query()
        .map_or_else(|| format!("/convoys/{id}"), |pq| pq.as_str().to_owned());
    let title = format!("{} {}", lang.t("convoy.title"), plain(lang, &convoy.id));
    Ok(with_lang_cookie(
        lang,
        chosen,
        layout(&state, &auth, lang, &title, &path, body),
    ))
}

/// A quantity in the page's digits (whole numbers without decimals).
fn quantity(lang: Lang, quantity: f64) -> String {
    if quantity.fract() == 0.0 && quantity.abs() < 1e15 {
        number(lang, quantity as u64)
    } else {
        lang.digits(&format!("{quantity}"))
    }
}

/// Where a convoy stands under a linked-delivery arrangement.
fn linked(lang: Lang, status: &LinkedStatus, groups: &[LinkedDeliveries]) -> Markup {
    let (key, group, partners) = match status {
        LinkedStatus::NoPartner { group, .. } => ("convoy.linked.no_partner", group, &[][..]),
        LinkedStatus::Waiting { group, partners } => {
            ("convoy.linked.waiting", group, &partners[..])
        }
        LinkedStatus::InStep { group, partners } => ("convoy.linked.in_step", group, &partners[..]),
        LinkedStatus::OneSided { group, partners } => {
            ("convoy.linked.one_sided", group, &partners[..])
        }
    };
    html! {
        p.linked class=[matches!(status, LinkedStatus::Waiting { .. } | LinkedStatus::NoPartner { .. } | LinkedStatus::OneSided { .. }).then_some("overdue-note")] {
            @let name = groups.iter().find(|g| &g.id == group).map_or_else(
                || super::super::bidi::plain(lang, group),
                |g| super::super::bidi::name_in(lang, &g.name, &g.name_ar),
            );
            (lang.t(key).replace("{group}", &name))
            @for (n, partner) in partners.iter().enumerate() {
                @if n == 0 { " " } @else { (lang.t("list.separator")) }
                a href=(format!("/convoys/{partner}{}", lang_suffix(lang, '?'))) { (ltr(partner)) }
            }
        }
    }
}
