//! The task force's cases: lists, a case's timeline, the co-chairs' docket, a liaison's inbox,
//! and the actions of the procedure. What a caller sees of a case is [`CaseSight`]'s decision.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use truce_core::access::{Role, Viewer};
use truce_core::actor::{ActorId, ActorRegistry};
use truce_core::case::{
    Attribution, Case, CaseAction, CaseEvent, EscalationDecision, EscalationProposal, Finding,
    InfoRequest, cases_now, escalation_proposals,
};
use truce_service::world::World;
use truce_service::{Applied, CaseRecord, Command};
use utoipa::{IntoParams, ToSchema};

use super::{execute, render_json, reply};
use crate::AppState;
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::{Caller, JsonBody, Path, Query};

/// What of the cases a viewer sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseSight {
    /// Co-chairs and the task force (and the server): everything.
    Full,
    /// A party's liaison: the cases that accuse its party, with the requests to it and their
    /// answers; no findings, no names of the co-chairs' staff.
    Liaison(String),
    /// Everyone else: what the agreement's publication policy makes public.
    Public,
}

impl CaseSight {
    /// The sight of a viewer.
    pub fn of(viewer: &Viewer) -> CaseSight {
        match viewer {
            Viewer::System => CaseSight::Full,
            Viewer::User { role, .. } => match role {
                Role::CoChair { .. } | Role::TaskForce => CaseSight::Full,
                Role::PartyLiaison { actor } => CaseSight::Liaison(actor.clone()),
                _ => CaseSight::Public,
            },
            Viewer::Public => CaseSight::Public,
        }
    }

    /// Whether a liaison of `party` speaks for `actor` (the actor or one under it).
    fn speaks_for(registry: &ActorRegistry, party: &str, actor: &ActorId) -> bool {
        registry
            .ancestry(actor)
            .any(|ancestor| ancestor.id.as_str() == party)
    }

    /// The case as this viewer sees it, or `None` when it is not theirs to see.
    pub fn view(&self, world: &World, case: &Case, now: DateTime<Utc>) -> Option<CaseView> {
        let registry = &world.scenario.actors;
        let policy = &world
            .scenario
            .agreement
            .case_procedure_at(case.occurred_at)
            .publication;
        let requests = case.requests();
        let findings = case.findings();
        let (findings, requests, events, attribution) = match self {
            CaseSight::Full => (
                findings,
                requests,
                case.events.clone(),
                case.attribution().cloned(),
            ),
            CaseSight::Liaison(party) => {
                if !case
                    .accused
                    .iter()
                    .any(|actor| Self::speaks_for(registry, party, actor))
                {
                    return None;
                }
                let mine = |to: &ActorId| Self::speaks_for(registry, party, to);
                let requests: Vec<InfoRequest> = requests
                    .into_iter()
                    .filter(|request| mine(&request.to))
                    .map(|mut request| {
                        request.asked_by.clear();
                        request
                    })
                    .collect();
                // A party's liaison deals with the requests to it: a case with none is not
                // its business yet.
                if requests.is_empty() {
                    return None;
                }
                (Vec::new(), requests, Vec::new(), None)
            }
            CaseSight::Public => {
                let published: Vec<Finding> = findings
                    .into_iter()
                    .filter(|finding| finding.stands() && policy.publishes(finding.body))
                    .map(|mut finding| {
                        finding.by.clear();
                        finding
                    })
                    .collect();
                if published.is_empty() {
                    return None;
                }
                (published, Vec::new(), Vec::new(), None)
            }
        };
        let overdue = requests
            .iter()
            .filter(|request| request.overdue(now))
            .count();
        Some(CaseView {
            id: case.id.clone(),
            state: case.state().as_str(),
            state_since: case.state_since(),
            incident_ids: case.incident_ids().into_iter().map(str::to_owned).collect(),
            // A liaison learns of no other party accused with its own.
            accused: case
                .accused
                .iter()
                .filter(|actor| match self {
                    CaseSight::Liaison(party) => Self::speaks_for(registry, party, actor),
                    _ => true,
                })
                .map(|a| a.to_string())
                .collect(),
            occurred_at: case.occurred_at,
            civilians_killed: case.civilians_killed(),
            opened_at: case.opened_at,
            updated_at: case.updated_at(),
            disputed: truce_core::case::disputed(&findings),
            findings: findings.into_iter().map(FindingView::from).collect(),
            requests: requests
                .into_iter()
                .map(|request| RequestView {
                    overdue: request.overdue(now),
                    answered_late: request.answered_late(),
                    request,
                })
                .collect(),
            overdue_requests: overdue,
            attribution,
            events: (*self == CaseSight::Full).then_some(events),
        })
    }
}

/// A finding as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FindingView {
    /// Its number in the case.
    pub number: u32,
    /// `US`, `RU`, `task_force` or `joint`.
    pub body: String,
    /// `violation`, `no_violation`, `target_excluded`, `self_defence_proportionate`,
    /// `undetermined`.
    pub verdict: String,
    /// The text, verbatim.
    pub text: String,
    /// When it was recorded.
    pub at: DateTime<Utc>,
    /// Who recorded it (empty for the public).
    pub by: String,
    /// Who approved this text.
    pub approved_by: Vec<String>,
    /// Whether it is the body's current word (a joint text: approved by both co-chairs).
    pub stands: bool,
    /// Replaced by a later finding of the same body.
    pub superseded: bool,
}

impl From<Finding> for FindingView {
    fn from(finding: Finding) -> Self {
        FindingView {
            number: finding.number,
            body: finding.body.as_str().to_owned(),
            verdict: finding.verdict.as_str().to_owned(),
            stands: finding.stands(),
            text: finding.text,
            at: finding.at,
            by: finding.by,
            approved_by: finding.approved_by,
            superseded: finding.superseded,
        }
    }
}

/// A request with its clock.
#[derive(Debug, Clone, Serialize)]
pub struct RequestView {
    /// The request and its answers.
    #[serde(flatten)]
    pub request: InfoRequest,
    /// Unanswered past its due time.
    pub overdue: bool,
    /// First answered after its due time.
    pub answered_late: bool,
}

/// A case as a viewer sees it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    /// Its id.
    pub id: String,
    /// Its state.
    pub state: &'static str,
    /// Since when.
    pub state_since: DateTime<Utc>,
    /// Its incidents, the first first.
    pub incident_ids: Vec<String>,
    /// The accused (actor ids).
    pub accused: Vec<String>,
    /// When its first incident happened.
    pub occurred_at: DateTime<Utc>,
    /// Civilians killed in its incidents.
    pub civilians_killed: u32,
    /// When it was opened.
    pub opened_at: DateTime<Utc>,
    /// When anything last happened.
    pub updated_at: DateTime<Utc>,
    /// Whether the findings the viewer sees disagree.
    pub disputed: bool,
    /// The findings the viewer sees, side by side.
    pub findings: Vec<FindingView>,
    /// The requests the viewer sees, with their answers.
    pub requests: Vec<RequestView>,
    /// How many of those are overdue.
    pub overdue_requests: usize,
    /// Who is held responsible (co-chairs and the task force).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribution: Option<Attribution>,
    /// The whole timeline (co-chairs and the task force).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<CaseEvent>>,
}

/// Every case the viewer may see, by id.
pub async fn visible_cases(
    state: &AppState,
    auth: &Authenticated,
) -> Result<(Vec<CaseView>, Vec<Case>, DateTime<Utc>), ApiError> {
    let cases = state.service().cases().await?;
    let now = cases_now(&cases, Utc::now());
    let world = state.world();
    let sight = CaseSight::of(auth.viewer());
    let views = cases
        .iter()
        .filter_map(|case| sight.view(&world, case, now))
        .collect();
    Ok((views, cases, now))
}

/// Filters and the page of `GET /api/v1/cases`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CaseQuery {
    /// Only cases in this state.
    #[param(
        pattern = "^(triaged|in_scope|out_of_scope|info_requested|under_assessment|verified|not_verified|inconclusive|attributed|unattributed|findings|action|closed|reopened)$"
    )]
    pub state: Option<String>,
    /// Only cases accusing this actor (an id of the registry).
    pub accused: Option<String>,
    /// Only disputed (`true`) or undisputed (`false`) cases.
    pub disputed: Option<bool>,
    /// The page after this case id.
    pub after: Option<String>,
    /// Page size (1–1000, 100 by default).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

/// A page of cases.
#[derive(Debug, Serialize)]
pub struct CasePage {
    /// The cases.
    pub items: Vec<CaseView>,
    /// The id to ask `after` for the next page; `null` on the last.
    pub next: Option<String>,
}

/// The cases the caller may see: co-chairs and the task force all of them; a liaison those
/// accusing its party, with the requests to it; the public those with a finding the
/// agreement's publication policy makes public (none under the 2016 policy).
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(CaseQuery),
    responses((status = 200, description = "A page of cases", body = Object),
        (status = 400, body = crate::error::ErrorBody)))]
pub async fn list_cases(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<CaseQuery>,
) -> Result<Response, ApiError> {
    let limit = match query.limit {
        None => 100,
        Some(limit @ 1..=1000) => limit as usize,
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "limit {other} is not 1 to 1000"
            )));
        }
    };
    if let Some(state_name) = &query.state
        && truce_core::case::CaseState::parse(state_name).is_none()
    {
        return Err(ApiError::BadRequest(format!(
            "'{state_name}' is not a case state"
        )));
    }
    let (views, _, _) = visible_cases(&state, &auth).await?;
    let mut items: Vec<CaseView> = views
        .into_iter()
        .filter(|view| query.state.as_deref().is_none_or(|s| view.state == s))
        .filter(|view| {
            query
                .accused
                .as_deref()
                .is_none_or(|actor| view.accused.iter().any(|a| a == actor))
        })
        .filter(|view| query.disputed.is_none_or(|d| view.disputed == d))
        .filter(|view| {
            query
                .after
                .as_deref()
                .is_none_or(|after| view.id.as_str() > after)
        })
        .take(limit + 1)
        .collect();
    let next = if items.len() > limit {
        items.truncate(limit);
        items.last().map(|view| view.id.clone())
    } else {
        None
    };
    reply(StatusCode::OK, &CasePage { items, next })
}

/// One case with what the caller may see of its timeline.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = Object), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_case(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::NotFound(format!("no case '{id}'"));
    let case = state.service().case(&id).await?.ok_or_else(not_found)?;
    let cases = std::slice::from_ref(&case);
    let now = cases_now(cases, Utc::now());
    let view = CaseSight::of(auth.viewer())
        .view(&state.world(), &case, now)
        .ok_or_else(not_found)?;
    reply(StatusCode::OK, &view)
}

/// The reply to a case command: the case as the caller sees it after the change.
fn case_reply(status: StatusCode, sight: CaseSight) -> truce_service::Render {
    render_json(status, move |applied, world| match applied {
        Applied::Case(CaseRecord::Case(case)) => {
            let now = Utc::now().max(case.updated_at());
            // The caller may act on a case it may not see whole (a liaison): it sees its part.
            sight
                .view(world, case, now)
                .map(|view| serde_json::to_value(view).unwrap_or(Value::Null))
                .or(Some(
                    serde_json::json!({"id": case.id, "state": case.state().as_str()}),
                ))
        }
        Applied::Case(CaseRecord::Decision(decision)) => serde_json::to_value(decision).ok(),
        _ => None,
    })
}

/// Opens a case on an incident.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenCaseBody {
    /// The incident's id.
    pub incident: String,
    /// Why (needed: an empty reason is a 422).
    #[serde(default)]
    pub why: String,
}

/// Opens a case on any incident (a co-chair; the classification opens the cases of incidents
/// it routes by itself). An incident already in a case is a 409.
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = OpenCaseBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry key")),
    responses((status = 201, body = Object), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn open_case(
    State(state): State<AppState>,
    auth: Authenticated,
    caller: Caller,
    body: JsonBody<OpenCaseBody>,
) -> Result<Response, ApiError> {
    let command = Command::OpenCase {
        incident: body.value.incident,
        why: body.value.why,
        at: None,
    };
    let render = case_reply(StatusCode::CREATED, CaseSight::of(auth.viewer()));
    execute(&state, caller.request(&body.hash), command, render).await
}

/// Files another incident under a case (a co-chair). An incident whose own case the
/// classification opened moves here and that case closes, pointing here.
#[utoipa::path(post, path = "/api/v1/cases/{id}/incidents", tag = "cases", request_body = OpenCaseBody,
    params(("id" = String, Path, description = "Case id"), ("Idempotency-Key" = Option<String>, Header, description = "Retry key")),
    responses((status = 201, body = Object), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn merge_incident(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    caller: Caller,
    body: JsonBody<OpenCaseBody>,
) -> Result<Response, ApiError> {
    let command = Command::MergeIntoCase {
        case: id,
        incident: body.value.incident,
        why: body.value.why,
        at: None,
    };
    let render = case_reply(StatusCode::CREATED, CaseSight::of(auth.viewer()));
    execute(&state, caller.request(&body.hash), command, render).await
}

/// A liaison acts only on the cases it may see: another party's case is not there for it (a
/// 404, as for a case that does not exist). Other roles are held to their part by the case.
pub async fn liaison_may_act(
    state: &AppState,
    auth: &Authenticated,
    id: &str,
) -> Result<(), ApiError> {
    let sight = CaseSight::of(auth.viewer());
    if let CaseSight::Liaison(_) = &sight {
        let case = state.service().case(id).await?;
        if case.is_none_or(|case| sight.view(&state.world(), &case, Utc::now()).is_none()) {
            return Err(ApiError::NotFound(format!("no case '{id}'")));
        }
    }
    Ok(())
}

/// One action of the procedure, with `action` naming it and `why`:
/// `{"action": "move", "to": "in_scope"}`, `{"action": "move", "to": "out_of_scope",
/// "out_of_scope": "pre_start"}`, `{"action": "request", "to": "gos", "text": "…"}`,
/// `{"action": "answer", "request": 1, "text": "…"}`, `{"action": "attribute", "actor": "gos",
/// "basis": "forensic_evidence", "confidence": "medium"}`, `{"action": "finding", "body": "US",
/// "verdict": "violation", "text": "…"}`, `{"action": "approve", "finding": 3}`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ActionBody {
    /// `move`, `request`, `answer`, `attribute`, `finding` or `approve`.
    pub action: String,
    /// Why (kept in the case's timeline; a move without it is a 422).
    #[serde(default)]
    pub why: String,
    /// The action's fields, as above.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub fields: serde_json::Map<String, Value>,
}

/// Acts on a case. A move the procedure does not allow is a 409 `illegal_transition` naming the
/// allowed ones; an action of another role's part (a request through the other co-chair, an
/// answer for another party, a finding of another body) is a 403.
#[utoipa::path(post, path = "/api/v1/cases/{id}/actions", tag = "cases", request_body = ActionBody,
    params(("id" = String, Path, description = "Case id"), ("Idempotency-Key" = Option<String>, Header, description = "Retry key")),
    responses((status = 201, body = Object), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn act_on_case(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    caller: Caller,
    body: JsonBody<ActionBody>,
) -> Result<Response, ApiError> {
    liaison_may_act(&state, &auth, &id).await?;
    let ActionBody {
        action,
        why,
        mut fields,
    } = body.value;
    fields.insert("action".to_owned(), Value::String(action));
    let action: CaseAction = serde_json::from_value(Value::Object(fields))
        .map_err(|error| ApiError::invalid(format!("the action does not read: {error}")))?;
    let command = Command::ActOnCase {
        case: id,
        action,
        why,
        at: None,
    };
    let render = case_reply(StatusCode::CREATED, CaseSight::of(auth.viewer()));
    execute(&state, caller.request(&body.hash), command, render).await
}

/// What needs a co-chair today.
#[derive(Debug, Serialize)]
pub struct Docket {
    /// The moment the docket is as of.
    pub now: DateTime<Utc>,
    /// The co-chair asked for (`US`, `RU`), or none for the task force.
    pub co_chair: Option<String>,
    /// Open cases routed to this co-chair (its guarantee covers an accused), newest first.
    pub routed: Vec<CaseView>,
    /// Requests past due, of cases routed to this co-chair.
    pub overdue_requests: Vec<CaseView>,
    /// Cases whose findings disagree.
    pub disputed: Vec<CaseView>,
    /// Open cases with civilian deaths (the May 2016 joint-assessment trigger).
    pub civilian_deaths: Vec<CaseView>,
    /// Proposed escalations awaiting the co-chairs' decision.
    pub escalations: Vec<EscalationProposal>,
    /// How many open cases there are in all.
    pub open_cases: usize,
}

/// Builds the docket of a co-chair (or of the task force: every open case).
pub fn docket(
    world: &World,
    cases: &[Case],
    decisions: &[EscalationDecision],
    co_chair: Option<truce_core::actor::CoChair>,
    now: DateTime<Utc>,
) -> Docket {
    let registry = &world.scenario.actors;
    let open: Vec<&Case> = cases.iter().filter(|c| c.state().is_open()).collect();
    let mine = |case: &&Case| {
        co_chair.is_none_or(|party| {
            case.accused
                .iter()
                .any(|actor| registry.guarantor(actor) == Some(party))
        })
    };
    let view = |case: &Case| CaseSight::Full.view(world, case, now);
    let mut routed: Vec<CaseView> = open
        .iter()
        .filter(|case| mine(case))
        .filter_map(|case| view(case))
        .collect();
    routed.sort_by_key(|view| std::cmp::Reverse(view.updated_at));
    let overdue_requests = routed
        .iter()
        .filter(|view| view.overdue_requests > 0)
        .cloned()
        .collect();
    let disputed = cases
        .iter()
        .filter(|case| case.disputed())
        .filter_map(view)
        .collect();
    let mut civilian_deaths: Vec<CaseView> = open
        .iter()
        .filter(|case| case.civilians_killed() > 0)
        .filter_map(|case| view(case))
        .collect();
    civilian_deaths.sort_by_key(|view| std::cmp::Reverse(view.civilians_killed));
    let rule = &world.scenario.agreement.case_procedure_at(now).escalation;
    Docket {
        now,
        co_chair: co_chair.map(|c| c.to_string()),
        open_cases: open.len(),
        routed,
        overdue_requests,
        disputed,
        civilian_deaths,
        escalations: escalation_proposals(cases, decisions, rule, now),
    }
}

/// The docket: open cases routed to the caller's co-chair, overdue requests, disputed cases,
/// cases with civilian deaths and proposed escalations (co-chairs and the task force).
#[utoipa::path(get, path = "/api/v1/docket", tag = "cases",
    responses((status = 200, body = Object), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn get_docket(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Response, ApiError> {
    let co_chair = match auth.viewer() {
        Viewer::User {
            role: Role::CoChair { party },
            ..
        } => Some(*party),
        Viewer::User {
            role: Role::TaskForce,
            ..
        }
        | Viewer::System => None,
        Viewer::Public => {
            return Err(ApiError::Unauthenticated(
                "sign in to see the docket".to_owned(),
            ));
        }
        Viewer::User { .. } => {
            return Err(ApiError::Forbidden(
                "the docket is the co-chairs' and the task force's".to_owned(),
            ));
        }
    };
    let cases = state.service().cases().await?;
    let decisions = state.service().escalation_decisions().await?;
    let now = cases_now(&cases, Utc::now());
    reply(
        StatusCode::OK,
        &docket(&state.world(), &cases, &decisions, co_chair, now),
    )
}

/// A liaison's inbox: the requests addressed to its party, unanswered first.
#[utoipa::path(get, path = "/api/v1/inbox", tag = "cases",
    responses((status = 200, body = Object), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn get_inbox(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Response, ApiError> {
    match CaseSight::of(auth.viewer()) {
        CaseSight::Liaison(_) => {}
        _ if matches!(auth.viewer(), Viewer::Public) => {
            return Err(ApiError::Unauthenticated(
                "sign in to see the docket".to_owned(),
            ));
        }
        _ => {
            return Err(ApiError::Forbidden(
                "the inbox is a party liaison's".to_owned(),
            ));
        }
    }
    let (views, _, now) = visible_cases(&state, &auth).await?;
    let mut items: Vec<CaseView> = views
        .into_iter()
        .filter(|view| !view.requests.is_empty())
        .collect();
    let waiting = |view: &CaseView| view.requests.iter().any(|r| r.request.answers.is_empty());
    items.sort_by(|a, b| {
        waiting(b)
            .cmp(&waiting(a))
            .then(b.updated_at.cmp(&a.updated_at))
    });
    reply(
        StatusCode::OK,
        &serde_json::json!({"now": now, "items": items}),
    )
}

/// The co-chairs' answer to a proposed escalation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    /// The actor the proposal concerns.
    pub actor: String,
    /// `true` to refer it, `false` to decline.
    pub accepted: bool,
    /// Why.
    pub reason: String,
}

/// Accepts or declines the escalation proposed for an actor (a co-chair), with a reason.
#[utoipa::path(post, path = "/api/v1/escalations", tag = "cases", request_body = DecisionBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry key")),
    responses((status = 201, description = "The decision", body = Object),
        (status = 403, description = "Not a co-chair", body = crate::error::ErrorBody),
        (status = 404, description = "No escalation of the actor is proposed (or it was decided)",
            body = crate::error::ErrorBody),
        (status = 409, description = "The other co-chair decided it at the same instant",
            body = crate::error::ErrorBody),
        (status = 422, description = "No reason, or not an actor of the registry",
            body = crate::error::ErrorBody)))]
pub async fn decide_escalation(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody<DecisionBody>,
) -> Result<Response, ApiError> {
    let DecisionBody {
        actor,
        accepted,
        reason,
    } = body.value;
    let command = Command::DecideEscalation {
        actor: ActorId::new(&actor),
        accepted,
        reason,
        decision: None,
    };
    let render = case_reply(StatusCode::CREATED, CaseSight::Full);
    execute(&state, caller.request(&body.hash), command, render).await
}

/// Counts of cases and findings, for the public when the publication policy allows it.
#[derive(Debug, Serialize)]
pub struct CaseSummary {
    /// The policy that applies.
    pub policy: String,
    /// Cases by state.
    pub by_state: Vec<(String, usize)>,
    /// Standing findings by body and verdict.
    pub findings: Vec<(String, String, usize)>,
    /// Cases whose findings disagree.
    pub disputed: usize,
}

/// Aggregates of the cases: public when the agreement's publication policy says aggregates
/// are (as in 2016); otherwise for co-chairs and the task force only.
#[utoipa::path(get, path = "/api/v1/cases/summary", tag = "cases",
    responses((status = 200, body = Object), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn case_summary(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Response, ApiError> {
    let cases = state.service().cases().await?;
    let now = cases_now(&cases, Utc::now());
    let world = state.world();
    let policy = world
        .scenario
        .agreement
        .case_procedure_at(now)
        .publication
        .clone();
    if !policy.aggregates && CaseSight::of(auth.viewer()) != CaseSight::Full {
        return Err(match auth.viewer() {
            Viewer::Public => ApiError::Unauthenticated("sign in to see case counts".to_owned()),
            _ => ApiError::Forbidden(format!(
                "the publication policy {} keeps case counts internal",
                policy.name
            )),
        });
    }
    let mut by_state: Vec<(String, usize)> = Vec::new();
    let mut findings: Vec<(String, String, usize)> = Vec::new();
    for case in &cases {
        let state_name = case.state().as_str().to_owned();
        match by_state.iter_mut().find(|(s, _)| *s == state_name) {
            Some((_, n)) => *n += 1,
            None => by_state.push((state_name, 1)),
        }
        // Findings are counted only for the bodies whose findings the policy publishes (none
        // in 2016): with few cases, a count by body and verdict would be the finding.
        let full = CaseSight::of(auth.viewer()) == CaseSight::Full;
        for finding in case
            .findings()
            .iter()
            .filter(|f| f.stands() && (full || policy.publishes(f.body)))
        {
            let key = (finding.body.as_str(), finding.verdict.as_str());
            match findings
                .iter_mut()
                .find(|(b, v, _)| (b.as_str(), v.as_str()) == key)
            {
                Some((_, _, n)) => *n += 1,
                None => findings.push((key.0.to_owned(), key.1.to_owned(), 1)),
            }
        }
    }
    by_state.sort();
    findings.sort();
    let summary = CaseSummary {
        policy: policy.name,
        by_state,
        findings,
        disputed: cases.iter().filter(|c| c.disputed()).count(),
    };
    reply(StatusCode::OK, &summary)
}
