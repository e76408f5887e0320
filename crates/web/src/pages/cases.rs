//! `/cases`: what needs the viewer today (a co-chair's docket, a liaison's inbox, the public's
//! counts); `/cases/{id}`: a case's whole timeline with the forms of the viewer's part of the
//! procedure. Both in English and Arabic.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use serde::Deserialize;
use truce_core::access::{Role, Viewer};
use truce_core::case::{
    AttributionBasis, Body, Case, CaseChange, CaseState, Confidence, OutOfScopeReason, Verdict,
    cases_now,
};
use truce_service::world::World;
use truce_service::{Applied, CaseRecord, Command, Reply, ServiceError};

use super::bidi::{ltr, name_in, number, plain, utc_time};
use super::{Lang, csrf_field, layout, with_lang_cookie};
use crate::AppState;
use crate::api::{CaseSight, CaseView, docket};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::{Path, Query};

/// `lang` and `saved`.
#[derive(Debug, Default, Deserialize)]
pub struct CasesQuery {
    lang: Option<String>,
    saved: Option<String>,
}

fn suffix(lang: Lang) -> &'static str {
    match lang {
        Lang::Ar => "?lang=ar",
        Lang::En => "",
    }
}

/// An actor's name in the page's language (its id when the registry does not hold it).
pub(super) fn actor_name(lang: Lang, world: &World, id: &str) -> String {
    world
        .scenario
        .actors
        .get(&truce_core::actor::ActorId::new(id))
        .map_or_else(|| plain(lang, id), |a| name_in(lang, &a.name, &a.name_ar))
}

fn state_name(lang: Lang, state: &str) -> String {
    lang.value("case.state", state)
}

/// A table of cases.
fn table(lang: Lang, world: &World, views: &[CaseView], now: DateTime<Utc>) -> Markup {
    html! {
        @if views.is_empty() { p { (lang.t("cases.none")) } }
        @else {
            table.cases.cards { thead { tr {
                th scope="col" { (lang.t("case.id")) } th scope="col" { (lang.t("case.state")) }
                th scope="col" { (lang.t("case.accused")) } th scope="col" { (lang.t("case.occurred")) }
                th scope="col" { (lang.t("case.civilians_killed")) } th scope="col" { (lang.t("case.flags")) }
            } } tbody { @for view in views { tr {
                td data-label=(lang.t("case.id")) { a href=(format!("/cases/{}{}", view.id, suffix(lang))) { (ltr(&view.id)) } }
                td data-label=(lang.t("case.state")) { (state_name(lang, view.state)) }
                td data-label=(lang.t("case.accused")) { @for (n, actor) in view.accused.iter().enumerate() { @if n > 0 { (lang.t("list.separator")) } (actor_name(lang, world, actor)) } }
                td data-label=(lang.t("case.occurred")) { (utc_time(lang, view.occurred_at)) }
                td data-label=(lang.t("case.civilians_killed")) { (number(lang, u64::from(view.civilians_killed))) }
                td data-label=(lang.t("case.flags")) {
                    @if view.disputed { span.flag.disputed { (lang.t("case.disputed")) } " " }
                    @if view.requests.iter().any(|r| r.request.overdue(now)) { span.flag.overdue { (lang.t("case.overdue")) } }
                }
            } } }
            }
        }
    }
}

/// How many rows of each docket section a page shows (the API has them all).
const SHOWN: usize = 50;

/// `GET /cases`.
pub async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<CasesQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let (lang, chosen) = Lang::choose(query.lang.as_deref(), &headers);
    let cases = state.service().cases().await?;
    let now = cases_now(&cases, chrono::Utc::now());
    let world = state.world();
    let sight = CaseSight::of(auth.viewer());
    let co_chair = match auth.viewer() {
        Viewer::User {
            role: Role::CoChair { party },
            ..
        } => Some(*party),
        _ => None,
    };
    let body = match &sight {
        CaseSight::Full => {
            let decisions = state.service().escalation_decisions().await?;
            let docket = docket(&world, &cases, &decisions, co_chair, now);
            let section = |key: &str, views: &[CaseView]| {
                html! {
                    section.docket {
                        h2 { (lang.t(key)) " (" (number(lang, views.len() as u64)) ")" }
                        (table(lang, &world, &views[..views.len().min(SHOWN)], now))
                    }
                }
            };
            html! {
                h1 { (lang.t("cases.docket")) }
                p { (lang.t("cases.docket_intro").replace("{open}", &number(lang, docket.open_cases as u64))) }
                @if query.saved.is_some() { p.saved role="status" { (lang.t("case.saved")) } }
                (super::escalations::section(&auth, lang, &world, &docket.escalations, &decisions, co_chair.is_some()))
                (section("cases.overdue_requests", &docket.overdue_requests))
                (section("cases.disputed", &docket.disputed))
                (section("cases.routed", &docket.routed))
                (section("cases.civilian_deaths", &docket.civilian_deaths))
                p.links { a href="/api/v1/docket" { (lang.t("data.json")) } }
            }
        }
        CaseSight::Liaison(party) => {
            let mut mine: Vec<CaseView> = cases
                .iter()
                .filter_map(|case| sight.view(&world, case, now))
                .filter(|view| !view.requests.is_empty())
                .collect();
            mine.sort_by_key(|view| std::cmp::Reverse(view.updated_at));
            html! {
                h1 { (lang.t("cases.inbox")) }
                p { (lang.t("cases.inbox_intro").replace("{party}", &actor_name(lang, &world, party))) }
                (table(lang, &world, &mine, now))
                p.links { a href="/api/v1/inbox" { (lang.t("data.json")) } }
            }
        }
        CaseSight::Public => {
            let public: Vec<CaseView> = cases
                .iter()
                .filter_map(|case| sight.view(&world, case, now))
                .collect();
            let policy = &world.scenario.agreement.case_procedure_at(now).publication;
            html! {
                h1 { (lang.t("cases.title")) }
                p { (lang.t("cases.public_intro").replace("{policy}", &plain(lang, &policy.name))) }
                @if policy.aggregates {
                    ul { @for state_id in CaseState::ALL {
                        @let count = cases.iter().filter(|c| c.state() == state_id).count();
                        @if count > 0 { li { (state_name(lang, state_id.as_str())) ": " (number(lang, count as u64)) } }
                    } }
                }
                (table(lang, &world, &public, now))
            }
        }
    };
    let path = uri
        .path_and_query()
        .map_or_else(|| "/cases".to_owned(), |pq| pq.as_str().to_owned());
    Ok(with_lang_cookie(
        lang,
        chosen,
        layout(&state, &auth, lang, &lang.t("nav.cases"), &path, body),
    ))
}

/// `GET /cases/{id}`.
pub async fn page(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    Query(query): Query<CasesQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let (lang, chosen) = Lang::choose(query.lang.as_deref(), &headers);
    let not_found = || ApiError::NotFound(format!("no case '{id}'"));
    let case = state.service().case(&id).await?.ok_or_else(not_found)?;
    let now = cases_now(std::slice::from_ref(&case), chrono::Utc::now());
    let world = state.world();
    let sight = CaseSight::of(auth.viewer());
    let view = sight.view(&world, &case, now).ok_or_else(not_found)?;
    let body = html! {
        h1 { (lang.t("case.title")) " " (ltr(&view.id)) }
        @if query.saved.is_some() { p.saved role="status" { (lang.t("case.saved")) } }
        dl.facts {
            dt { (lang.t("case.state")) } dd { (state_name(lang, view.state)) " · " (utc_time(lang, view.state_since)) }
            dt { (lang.t("case.incidents")) } dd { @for (n, incident) in view.incident_ids.iter().enumerate() {
                @if n > 0 { (lang.t("list.separator")) }
                a href=(format!("/incidents/{incident}{}", suffix(lang))) { (ltr(incident)) } } }
            dt { (lang.t("case.accused")) } dd { @for (n, actor) in view.accused.iter().enumerate() { @if n > 0 { (lang.t("list.separator")) } (actor_name(lang, &world, actor)) } }
            dt { (lang.t("case.occurred")) } dd { (utc_time(lang, view.occurred_at)) }
            dt { (lang.t("case.civilians_killed")) } dd { (number(lang, u64::from(view.civilians_killed))) }
            @if let Some(attribution) = &view.attribution {
                dt { (lang.t("case.attribution")) } dd { (actor_name(lang, &world, attribution.actor.as_str())) " · "
                    (lang.value("case.basis", attribution.basis.as_str())) " · "
                    (lang.value("case.confidence", attribution.confidence.as_str())) }
            }
        }
        @if view.disputed { p.overdue-note #disputed { (lang.t("case.disputed_note")) } }
        h2 { (lang.t("case.findings")) }
        @if view.findings.is_empty() { p { (lang.t("case.no_findings")) } }
        div.findings { @for finding in &view.findings {
            article.finding class=[(!finding.stands).then_some("pending")] data-body=(finding.body) {
                h3 { (lang.value("case.body", &finding.body)) " · " (lang.value("case.verdict", &finding.verdict)) }
                blockquote dir="auto" { (finding.text) }
                p.meta { (utc_time(lang, finding.at))
                    @if !finding.by.is_empty() { " · " (ltr(&finding.by)) }
                    " · " (lang.t("case.approved_by")) " " @for (n, who) in finding.approved_by.iter().enumerate() { @if n > 0 { (lang.t("list.separator")) } (lang.value("case.body", who)) }
                    @if finding.superseded { " · " (lang.t("case.superseded")) }
                    @else if !finding.stands { " · " (lang.t("case.awaiting_approval")) } }
            }
        } }
        h2 { (lang.t("case.requests")) }
        @if view.requests.is_empty() { p { (lang.t("case.no_requests")) } }
        @for request in &view.requests {
            article.request #(format!("request-{}", request.request.number)) {
                h3 { (lang.t("case.request_to").replace("{party}", &actor_name(lang, &world, request.request.to.as_str())).replace("{via}", &plain(lang, &request.request.via.to_string()))) }
                blockquote dir="auto" { (request.request.text) }
                p.meta { (utc_time(lang, request.request.asked_at)) " · " (lang.t("case.due")) " " (utc_time(lang, request.request.due_at))
                    @if request.overdue { " · " span.flag.overdue { (lang.t("case.overdue")) } }
                    @if request.answered_late { " · " (lang.t("case.answered_late")) } }
                @for answer in &request.request.answers {
                    div.answer { p.meta { (lang.t("case.answer")) " · " (utc_time(lang, answer.at)) " · " (ltr(&answer.by)) }
                        blockquote dir="auto" { (answer.text) } }
                }
                @if matches!(sight, CaseSight::Liaison(_)) { (answer_form(&auth, lang, &case.id, request.request.number)) }
            }
        }
        @if let Some(events) = &view.events {
            h2 { (lang.t("case.timeline")) }
            ol.timeline {
                li { (utc_time(lang, case.opened_at)) " · " (ltr(&case.opened_by)) " · " (lang.t("case.event.opened")) @if !case.why.is_empty() { " — " bdi { (case.why) } } }
                @for event in events { li { (utc_time(lang, event.at)) " · " (ltr(&event.by)) " · " (event_line(lang, &world, &event.change))
                    @if !event.why.is_empty() { " — " bdi { (event.why) } } } }
            }
        }
        (forms(&auth, lang, &world, &case))
        p.links { a href=(format!("/api/v1/cases/{}", case.id)) { (lang.t("data.json")) } " · "
            a href=(format!("/cases{}", suffix(lang))) { (lang.t("nav.cases")) } }
    };
    let path = uri
        .path_and_query()
        .map_or_else(|| format!("/cases/{id}"), |pq| pq.as_str().to_owned());
    let title = format!("{} {}", lang.t("case.title"), case.id);
    Ok(with_lang_cookie(
        lang,
        chosen,
        layout(&state, &auth, lang, &title, &path, body),
    ))
}

fn event_line(lang: Lang, world: &World, change: &CaseChange) -> Markup {
    html! {
        @match change {
            CaseChange::Move { to, out_of_scope } => { (lang.t("case.event.move")) " " (state_name(lang, to.as_str()))
                @if let Some(reason) = out_of_scope { " (" (lang.value("case.out_of_scope", reason.as_str())) ")" } }
            CaseChange::Merge { incident_id, .. } => { (lang.t("case.event.merge")) " " (ltr(incident_id)) }
            CaseChange::Request { to, via, .. } => { (lang.t("case.request_to").replace("{party}", &actor_name(lang, world, to.as_str())).replace("{via}", &plain(lang, &via.to_string()))) }
            CaseChange::Answer { request, party, .. } => { (lang.t("case.event.answer").replace("{n}", &number(lang, u64::from(*request))).replace("{party}", &actor_name(lang, world, party.as_str()))) }
            CaseChange::Attribute { attribution } => { (lang.t("case.event.attribute")) " " (actor_name(lang, world, attribution.actor.as_str())) }
            CaseChange::Finding { body, verdict, .. } => { (lang.t("case.event.finding")) " " (lang.value("case.body", body.as_str())) ": " (lang.value("case.verdict", verdict.as_str())) }
            CaseChange::MergedInto { case } => { (lang.t("case.event.merged_into")) " " a href=(format!("/cases/{case}")) { (ltr(case)) } }
            CaseChange::Approve { finding, co_chair } => { (lang.t("case.event.approve").replace("{n}", &number(lang, u64::from(*finding))).replace("{co_chair}", &plain(lang, &co_chair.to_string()))) }
        }
    }
}

/// The hidden fields every action form carries.
fn hidden(auth: &Authenticated, lang: Lang, action: &str) -> Markup {
    html! {
        (csrf_field(auth))
        input type="hidden" name="idempotency_key" value=(uuid::Uuid::new_v4().to_string());
        input type="hidden" name="lang" value=(lang.code());
        input type="hidden" name="action" value=(action);
    }
}

fn answer_form(auth: &Authenticated, lang: Lang, case: &str, request: u32) -> Markup {
    html! {
        form.report method="post" action=(format!("/cases/{case}/actions")) {
            (hidden(auth, lang, "answer"))
            input type="hidden" name="request" value=(request);
            div.field.wide { label for=(format!("answer-{request}")) { (lang.t("case.your_answer")) }
                textarea id=(format!("answer-{request}")) name="text" rows="3" maxlength="20000" required {} }
            button type="submit" { (lang.t("case.send_answer")) }
        }
    }
}

/// The forms of the viewer's part of the procedure.
fn forms(auth: &Authenticated, lang: Lang, world: &World, case: &Case) -> Markup {
    let role = match auth.viewer() {
        Viewer::User { role, .. } => role.clone(),
        _ => return html! {},
    };
    let state = case.state();
    let action = format!("/cases/{}/actions", case.id);
    let co_chair = match &role {
        Role::CoChair { party } => Some(*party),
        _ => None,
    };
    if co_chair.is_none() && role != Role::TaskForce {
        return html! {};
    }
    let moves: Vec<CaseState> = state
        .next()
        .iter()
        .copied()
        .filter(|s| {
            !matches!(
                s,
                CaseState::InfoRequested | CaseState::Attributed | CaseState::Findings
            )
        })
        .collect();
    let askable: Vec<&truce_core::actor::ActorId> = case
        .accused
        .iter()
        .filter(|actor| co_chair.is_some() && world.scenario.actors.guarantor(actor) == co_chair)
        .collect();
    let bodies: Vec<Body> = match co_chair {
        Some(party) => vec![Body::of(party), Body::Joint],
        None => vec![Body::TaskForce],
    };
    let findings = case.findings();
    let joint_to_approve = co_chair.and_then(|party| {
        findings.iter().find(|f| {
            f.body == Body::Joint && !f.superseded && !f.approved_by.contains(&party.to_string())
        })
    });
    html! {
        section.step-form #act {
            h2 { (lang.t("case.act")) }
            @if !moves.is_empty() {
                form.report method="post" action=(action) {
                    (hidden(auth, lang, "move"))
                    div.field { label for="to" { (lang.t("case.move_to")) }
                        select #to name="to" { @for s in &moves { option value=(s.as_str()) { (state_name(lang, s.as_str())) } } } }
                    @if moves.contains(&CaseState::OutOfScope) {
                        div.field { label for="out_of_scope" { (lang.t("case.out_of_scope_reason")) }
                            select #out_of_scope name="out_of_scope" { option value="" { "—" }
                                @for reason in OutOfScopeReason::ALL { option value=(reason.as_str()) { (lang.value("case.out_of_scope", reason.as_str())) } } } }
                    }
                    div.field.wide { label for="move_why" { (lang.t("case.why")) } textarea #move_why name="why" rows="2" maxlength="20000" required {} }
                    button type="submit" { (lang.t("case.move")) }
                }
            }
            @if !askable.is_empty() && matches!(state, CaseState::InScope | CaseState::InfoRequested | CaseState::UnderAssessment | CaseState::Verified) {
                form.report method="post" action=(action) {
                    (hidden(auth, lang, "request"))
                    div.field { label for="request_to" { (lang.t("case.request_party")) }
                        select #request_to name="to" { @for actor in &askable { option value=(actor.as_str()) { (actor_name(lang, world, actor.as_str())) } } } }
                    div.field.wide { label for="request_text" { (lang.t("case.request_text")) } textarea #request_text name="text" rows="3" maxlength="20000" required {} }
                    button type="submit" { (lang.t("case.send_request")) }
                }
            }
            @if matches!(state, CaseState::Verified | CaseState::Attributed | CaseState::Findings | CaseState::Action) {
                form.report method="post" action=(action) {
                    (hidden(auth, lang, "attribute"))
                    div.field { label for="attribute_actor" { (lang.t("case.attribute_to")) }
                        select #attribute_actor name="actor" { @for actor in world.scenario.actors.actors() { option value=(actor.id.as_str()) selected[case.accused.contains(&actor.id)] { (name_in(lang, &actor.name, &actor.name_ar)) } } } }
                    div.field { label for="basis" { (lang.t("case.basis_label")) }
                        select #basis name="basis" { @for basis in AttributionBasis::ALL { option value=(basis.as_str()) { (lang.value("case.basis", basis.as_str())) } } } }
                    div.field { label for="confidence" { (lang.t("case.confidence_label")) }
                        select #confidence name="confidence" { @for c in Confidence::ALL { option value=(c.as_str()) { (lang.value("case.confidence", c.as_str())) } } } }
                    button type="submit" { (lang.t("case.attribute")) }
                }
            }
            @if state.takes_findings() {
                form.report method="post" action=(action) {
                    (hidden(auth, lang, "finding"))
                    div.field { label for="finding_body" { (lang.t("case.finding_body")) }
                        select #finding_body name="body" { @for body in &bodies { option value=(body.as_str()) { (lang.value("case.body", body.as_str())) } } } }
                    div.field { label for="verdict" { (lang.t("case.verdict_label")) }
                        select #verdict name="verdict" { @for verdict in Verdict::ALL { option value=(verdict.as_str()) { (lang.value("case.verdict", verdict.as_str())) } } } }
                    div.field.wide { label for="finding_text" { (lang.t("case.finding_text")) } textarea #finding_text name="text" rows="3" maxlength="20000" required {} }
                    button type="submit" { (lang.t("case.record_finding")) }
                }
            }
            @if let Some(joint) = joint_to_approve {
                form.report method="post" action=(action) {
                    (hidden(auth, lang, "approve"))
                    input type="hidden" name="finding" value=(joint.number);
                    p { (lang.t("case.approve_text")) } blockquote dir="auto" { (joint.text) }
                    button type="submit" { (lang.t("case.approve")) }
                }
            }
        }
    }
}

/// The fields of every action form (each form sends those of its action).
#[derive(Debug, Deserialize)]
pub struct ActionForm {
    idempotency_key: String,
    #[serde(default)]
    lang: String,
    action: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    out_of_scope: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    request: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    verdict: String,
    #[serde(default)]
    finding: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    confidence: String,
    #[serde(default)]
    why: String,
}

impl ActionForm {
    /// The action as the API reads it.
    fn action(&self) -> Result<truce_core::case::CaseAction, ApiError> {
        let number = |text: &str, what: &str| -> Result<u32, ApiError> {
            text.trim()
                .parse()
                .map_err(|_| ApiError::invalid(format!("{what} '{text}' is not a number")))
        };
        let value = match self.action.as_str() {
            "move" => serde_json::json!({"action": "move", "to": self.to,
                "out_of_scope": Some(self.out_of_scope.as_str()).filter(|r| !r.is_empty())}),
            "request" => {
                serde_json::json!({"action": "request", "to": self.to, "text": self.text})
            }
            "answer" => serde_json::json!({"action": "answer",
                "request": number(&self.request, "request")?, "text": self.text}),
            "attribute" => serde_json::json!({"action": "attribute", "actor": self.actor,
                "basis": self.basis, "confidence": self.confidence}),
            "finding" => serde_json::json!({"action": "finding", "body": self.body,
                "verdict": self.verdict, "text": self.text}),
            "approve" => {
                serde_json::json!({"action": "approve", "finding": number(&self.finding, "finding")?})
            }
            other => return Err(ApiError::invalid(format!("'{other}' is not an action"))),
        };
        serde_json::from_value(value)
            .map_err(|error| ApiError::invalid(format!("the form does not read: {error}")))
    }
}

/// `POST /cases/{id}/actions`: one action through the door, then the case.
pub async fn act(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<Response, ApiError> {
    crate::api::liaison_may_act(&state, &auth, &id).await?;
    let command = Command::ActOnCase {
        case: id.clone(),
        action: form.action()?,
        why: form.why.trim().to_owned(),
        at: None,
    };
    let scope = format!("POST /cases/{id}/actions");
    let request = super::report::form_request(&auth, &form.idempotency_key, &scope, &command);
    let render =
        std::sync::Arc::new(
            |applied: &Applied, _: &truce_service::world::World| match applied {
                Applied::Case(CaseRecord::Case(case)) => Ok(Reply {
                    status: axum::http::StatusCode::SEE_OTHER.as_u16(),
                    body: format!("/cases/{}?saved=1", case.id),
                }),
                _ => Err(ServiceError::Internal(
                    "a case form changes a case".to_owned(),
                )),
            },
        );
    let outcome = state.service().execute(request, command, render).await?;
    let target = if form.lang == "ar" {
        format!("{}&lang=ar", outcome.reply.body)
    } else {
        outcome.reply.body
    };
    Ok(Redirect::to(&target).into_response())
}
