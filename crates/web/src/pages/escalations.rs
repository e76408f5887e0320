//! The docket's escalation section (R7): each proposal with, for a co-chair, the form that
//! accepts or declines it with a reason, and the decisions taken so far. `POST /escalations`
//! takes the form through the door.

use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use truce_core::actor::ActorId;
use truce_core::case::{EscalationDecision, EscalationProposal};
use truce_service::world::World;
use truce_service::{Applied, CaseRecord, Command, Reply, ServiceError};

use super::bidi::{ltr, number, utc_time};
use super::{Lang, csrf_field};
use crate::AppState;
use crate::auth::Authenticated;
use crate::error::ApiError;

/// How many past decisions the docket lists, newest first.
const DECISIONS_SHOWN: usize = 20;

/// The proposals, with the decision form when `may_decide`, and the latest decisions.
pub fn section(
    auth: &Authenticated,
    lang: Lang,
    world: &World,
    proposals: &[EscalationProposal],
    decisions: &[EscalationDecision],
    may_decide: bool,
) -> Markup {
    html! {
        section.docket #escalations {
            h2 { (lang.t("cases.escalations")) " (" (number(lang, proposals.len() as u64)) ")" }
            @if proposals.is_empty() { p { (lang.t("cases.none")) } }
            @for proposal in proposals {
                p.overdue-note { (lang.t("cases.escalation_line")
                    .replace("{actor}", &super::cases::actor_name(lang, world, proposal.actor.as_str()))
                    .replace("{count}", &number(lang, proposal.case_ids.len() as u64))
                    .replace("{to}", &lang.value("case.escalate_to", proposal.to.as_str()))) }
                @if may_decide { (form(auth, lang, proposal)) }
            }
            @if !decisions.is_empty() {
                h3 { (lang.t("escalation.decided")) }
                ul.decisions { @for decision in decisions.iter().rev().take(DECISIONS_SHOWN) {
                    li {
                        (utc_time(lang, decision.at)) " · " (ltr(&decision.by)) " · "
                        (super::cases::actor_name(lang, world, decision.actor.as_str())) ": "
                        @if decision.accepted {
                            (lang.t("escalation.referred").replace("{to}", &lang.value("case.escalate_to", decision.to.as_str())))
                        } @else { (lang.t("escalation.declined")) }
                        " — " bdi { (decision.reason) }
                    }
                } }
            }
        }
    }
}

fn form(auth: &Authenticated, lang: Lang, proposal: &EscalationProposal) -> Markup {
    let id = format!("escalation-{}", proposal.actor.as_str());
    html! {
        form.report method="post" action="/escalations" {
            (csrf_field(auth))
            input type="hidden" name="idempotency_key" value=(uuid::Uuid::new_v4().to_string());
            input type="hidden" name="lang" value=(lang.code());
            input type="hidden" name="actor" value=(proposal.actor.as_str());
            div.field.wide { label for=(id) { (lang.t("escalation.reason")) }
                textarea id=(id) name="reason" rows="2" maxlength="20000" required {} }
            button type="submit" name="accepted" value="true" { (lang.t("escalation.accept")) }
            " "
            button type="submit" name="accepted" value="false" { (lang.t("escalation.decline")) }
        }
    }
}

/// The decision form's fields.
#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    idempotency_key: String,
    #[serde(default)]
    lang: String,
    actor: String,
    accepted: bool,
    #[serde(default)]
    reason: String,
}

/// `POST /escalations`: a co-chair's decision on a proposal, then back to the docket.
pub async fn decide(
    State(state): State<AppState>,
    auth: Authenticated,
    Form(form): Form<DecisionForm>,
) -> Result<Response, ApiError> {
    let command = Command::DecideEscalation {
        actor: ActorId::new(form.actor.trim()),
        accepted: form.accepted,
        reason: form.reason.trim().to_owned(),
        decision: None,
    };
    let request =
        super::report::form_request(&auth, &form.idempotency_key, "POST /escalations", &command);
    let render = std::sync::Arc::new(|applied: &Applied, _: &World| match applied {
        Applied::Case(CaseRecord::Decision(_)) => Ok(Reply {
            status: axum::http::StatusCode::SEE_OTHER.as_u16(),
            body: "/cases?saved=1#escalations".to_owned(),
        }),
        _ => Err(ServiceError::Internal(
            "an escalation form records a decision".to_owned(),
        )),
    });
    let outcome = state.service().execute(request, command, render).await?;
    let target = if form.lang == "ar" {
        outcome.reply.body.replace("?saved=1", "?saved=1&lang=ar")
    } else {
        outcome.reply.body
    };
    Ok(Redirect::to(&target).into_response())
}
