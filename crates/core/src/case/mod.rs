//! The task force's case workflow (domain brief §2.4, §8.2, rules R5–R8): a case gathers
//! incidents, asks the accused party for information through its guarantor co-chair, keeps
//! verification apart from attribution, records findings by deciding body, proposes escalation
//! of a pattern and publishes by the agreement's policy. Pure: a case is its opening plus the
//! events appended to it, and every view is derived from them.

mod escalation;
mod finding;
mod procedure;
mod state;
#[cfg(test)]
mod tests;
mod verify;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::access::Role;
use crate::actor::{ActorId, ActorRegistry, CoChair};
use crate::classify::VerificationStatus;

pub use escalation::{EscalationDecision, EscalationProposal, escalation_proposals};
pub use finding::{Body, Finding, Verdict, disputed, settled};
pub use procedure::{
    CaseProcedure, EscalationBody, EscalationRule, MAX_REQUEST_HOURS, PublicationPolicy,
    VerificationRule,
};
pub use state::{CaseState, OutOfScopeReason};
pub use verify::{Attribution, AttributionBasis, Confidence, verification_status};

/// "Now" for cases: the server's `clock` (a demonstration's clock stops at the end of its
/// incidents, but its cases are worked in the present), or the last event recorded if the
/// server's clock is behind it (servers' clocks differ a little).
pub fn cases_now(cases: &[Case], clock: DateTime<Utc>) -> DateTime<Utc> {
    cases
        .iter()
        .map(Case::updated_at)
        .fold(clock, DateTime::max)
}

/// The longest text a case keeps (a request, an answer, a finding, a reason).
pub const MAX_TEXT: usize = 20_000;

/// The most events one case holds.
pub const MAX_EVENTS: usize = 2_000;

/// The most incidents one case gathers.
pub const MAX_INCIDENTS: usize = 500;

/// Why an action on a case was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    /// The move is not in the procedure.
    #[error("a case that is '{from}' cannot move to '{to}'; allowed: {}", if allowed.is_empty() { "nothing".to_owned() } else { allowed.join(", ") })]
    IllegalTransition {
        /// The state it is in.
        from: &'static str,
        /// The state asked for.
        to: &'static str,
        /// The states it may move to.
        allowed: Vec<&'static str>,
    },
    /// The acting user's role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// A value is wrong, or the case is not in a state for it.
    #[error("{0}")]
    Invalid(String),
}

fn invalid(message: impl Into<String>) -> CaseError {
    CaseError::Invalid(message.into())
}

fn forbidden(message: impl Into<String>) -> CaseError {
    CaseError::Forbidden(message.into())
}

/// A case: how it was opened and everything that happened to it since, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Its id (`case-` and the id of the incident it was opened on).
    pub id: String,
    /// When it was opened.
    pub opened_at: DateTime<Utc>,
    /// Who opened it (`system` for a case the classification opened).
    pub opened_by: String,
    /// Why.
    pub why: String,
    /// The incident it was opened on.
    pub incident_id: String,
    /// When that incident happened.
    pub occurred_at: DateTime<Utc>,
    /// Civilians it killed (the upper figure of its range).
    #[serde(default)]
    pub civilians_killed: u32,
    /// The accused: the identified perpetrators of its incidents.
    pub accused: Vec<ActorId>,
    /// What happened since, in order.
    #[serde(default)]
    pub events: Vec<CaseEvent>,
}

/// One thing that happened to a case: who, when, why, what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseEvent {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (a user's name, or `system`).
    pub by: String,
    /// Why, in the actor's words (may be empty for an answer or an approval).
    #[serde(default)]
    pub why: String,
    /// What.
    pub change: CaseChange,
}

/// What an event changed, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum CaseChange {
    /// A move of the state.
    Move {
        /// The new state.
        to: CaseState,
        /// Why it is out of scope, for that state.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        out_of_scope: Option<OutOfScopeReason>,
    },
    /// Another incident joined the case.
    Merge {
        /// The incident.
        incident_id: String,
        /// Civilians it killed (the upper figure of its range).
        #[serde(default)]
        civilians_killed: u32,
        /// Its identified perpetrator, now accused too.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        accused: Option<ActorId>,
    },
    /// An information request to an accused party, through its guarantor co-chair (R6).
    Request {
        /// The party asked.
        to: ActorId,
        /// The co-chair it went through.
        via: CoChair,
        /// When the answer is due.
        due_at: DateTime<Utc>,
        /// The request, verbatim.
        text: String,
    },
    /// A party's answer, verbatim; a correction is another answer.
    Answer {
        /// The request's number, from 1.
        request: u32,
        /// The party the liaison answered for.
        party: ActorId,
        /// The answer, verbatim.
        text: String,
    },
    /// Who is held responsible.
    Attribute {
        /// The attribution.
        attribution: Attribution,
    },
    /// A finding of one body (for `joint`, a text put to both co-chairs).
    Finding {
        /// The deciding body.
        body: Body,
        /// What it found.
        verdict: Verdict,
        /// The text, verbatim.
        text: String,
    },
    /// Its only incident was filed under another case, which carries it on.
    MergedInto {
        /// The other case.
        case: String,
    },
    /// A co-chair's approval of a joint text.
    Approve {
        /// The finding's number, from 1.
        finding: u32,
        /// The co-chair approving.
        co_chair: CoChair,
    },
}

/// What a user asks to do to a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum CaseAction {
    /// Move the state.
    Move {
        /// The state asked for.
        to: CaseState,
        /// Why it is out of scope (needed for `out_of_scope`).
        #[serde(default)]
        out_of_scope: Option<OutOfScopeReason>,
    },
    /// Ask an accused party for information.
    Request {
        /// The party (one of the accused).
        to: ActorId,
        /// The request.
        text: String,
    },
    /// Answer a request, as the party's liaison.
    Answer {
        /// The request's number.
        request: u32,
        /// The answer.
        text: String,
    },
    /// Hold an actor responsible.
    Attribute {
        /// The attribution.
        #[serde(flatten)]
        attribution: Attribution,
    },
    /// Record a finding (a co-chair's own or a joint text; the task force's).
    Finding {
        /// The deciding body.
        body: Body,
        /// What it found.
        verdict: Verdict,
        /// The text.
        text: String,
    },
    /// Approve a joint text, as a co-chair.
    Approve {
        /// The finding's number.
        finding: u32,
    },
}

/// What a case needs to know of an incident it gathers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseIncident {
    /// The incident's id.
    pub id: String,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// Its identified perpetrator, if the registry knows it.
    pub accused: Option<ActorId>,
    /// Civilians it killed (the upper figure).
    pub civilians_killed: u32,
}

/// Who acts on a case: a user's name and role, or the system (the classification, the seeding).
#[derive(Debug, Clone, Copy)]
pub struct Acting<'a> {
    /// The name recorded as `by`.
    pub name: &'a str,
    /// The role; `None` for the system.
    pub role: Option<&'a Role>,
}

/// What an action is judged against besides the case.
#[derive(Debug, Clone, Copy)]
pub struct CaseContext<'a> {
    /// The actors (guarantors, ancestry).
    pub registry: &'a ActorRegistry,
    /// The procedure of the agreement version in force when the case was opened.
    pub procedure: &'a CaseProcedure,
    /// What R5 says of the case's incidents now.
    pub verification: VerificationStatus,
}

/// An information request as the case shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InfoRequest {
    /// Its number in the case, from 1.
    pub number: u32,
    /// The party asked.
    pub to: ActorId,
    /// The co-chair it went through.
    pub via: CoChair,
    /// The request, verbatim.
    pub text: String,
    /// When it was sent.
    pub asked_at: DateTime<Utc>,
    /// Who sent it.
    pub asked_by: String,
    /// When the answer is due.
    pub due_at: DateTime<Utc>,
    /// The answers, in order, verbatim.
    pub answers: Vec<Answer>,
}

/// One answer to a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    /// When it came.
    pub at: DateTime<Utc>,
    /// The liaison who gave it.
    pub by: String,
    /// The answer, verbatim.
    pub text: String,
}

impl InfoRequest {
    /// Overdue: no answer by `now`, and the due time has come (from the due instant itself).
    pub fn overdue(&self, now: DateTime<Utc>) -> bool {
        now >= self.due_at && !self.answers.iter().any(|answer| answer.at <= now)
    }

    /// Whether the first answer came when the request was already overdue.
    pub fn answered_late(&self) -> bool {
        self.answers
            .first()
            .is_some_and(|answer| answer.at >= self.due_at)
    }
}

impl Case {
    /// A case opened on one incident.
    pub fn open(
        incident: CaseIncident,
        acting: Acting<'_>,
        at: DateTime<Utc>,
        why: String,
    ) -> Result<Case, CaseError> {
        if let Some(role) = acting.role
            && !matches!(role, Role::CoChair { .. })
        {
            return Err(forbidden("only a co-chair opens a case on an incident"));
        }
        check_reason(&why)?;
        Ok(Case {
            id: Case::id_for(&incident.id),
            opened_at: at,
            opened_by: acting.name.to_owned(),
            why,
            incident_id: incident.id,
            occurred_at: incident.occurred_at,
            civilians_killed: incident.civilians_killed,
            accused: incident.accused.into_iter().collect(),
            events: Vec::new(),
        })
    }

    /// The id of the case opened on `incident_id`.
    pub fn id_for(incident_id: &str) -> String {
        format!("case-{incident_id}")
    }

    /// Civilians killed in all its incidents.
    pub fn civilians_killed(&self) -> u32 {
        self.events
            .iter()
            .fold(self.civilians_killed, |sum, event| match &event.change {
                CaseChange::Merge {
                    civilians_killed, ..
                } => sum.saturating_add(*civilians_killed),
                _ => sum,
            })
    }

    /// Every incident of the case, the first first.
    pub fn incident_ids(&self) -> Vec<&str> {
        std::iter::once(self.incident_id.as_str())
            .chain(self.events.iter().filter_map(|event| match &event.change {
                CaseChange::Merge { incident_id, .. } => Some(incident_id.as_str()),
                _ => None,
            }))
            .collect()
    }

    /// The state after every event.
    pub fn state(&self) -> CaseState {
        self.events.iter().fold(CaseState::Triaged, |state, event| {
            after(state, &event.change)
        })
    }

    /// When the state last changed (the opening if never).
    pub fn state_since(&self) -> DateTime<Utc> {
        let mut state = CaseState::Triaged;
        let mut since = self.opened_at;
        for event in &self.events {
            let next = after(state, &event.change);
            if next != state {
                since = event.at;
                state = next;
            }
        }
        since
    }

    /// When anything last happened.
    pub fn updated_at(&self) -> DateTime<Utc> {
        self.events.last().map_or(self.opened_at, |event| event.at)
    }

    /// The information requests with their answers.
    pub fn requests(&self) -> Vec<InfoRequest> {
        let mut requests: Vec<InfoRequest> = Vec::new();
        for event in &self.events {
            match &event.change {
                CaseChange::Request {
                    to,
                    via,
                    due_at,
                    text,
                } => requests.push(InfoRequest {
                    number: u32::try_from(requests.len() + 1).unwrap_or(u32::MAX),
                    to: to.clone(),
                    via: *via,
                    text: text.clone(),
                    asked_at: event.at,
                    asked_by: event.by.clone(),
                    due_at: *due_at,
                    answers: Vec::new(),
                }),
                CaseChange::Answer { request, text, .. } => {
                    if let Some(asked) = requests.get_mut(index(*request)) {
                        asked.answers.push(Answer {
                            at: event.at,
                            by: event.by.clone(),
                            text: text.clone(),
                        });
                    }
                }
                _ => {}
            }
        }
        requests
    }

    /// The current attribution, if any.
    pub fn attribution(&self) -> Option<&Attribution> {
        self.events
            .iter()
            .rev()
            .find_map(|event| match &event.change {
                CaseChange::Attribute { attribution } => Some(attribution),
                _ => None,
            })
    }

    /// Every finding, in order, with its approvals and whether it stands.
    pub fn findings(&self) -> Vec<Finding> {
        let mut findings: Vec<Finding> = Vec::new();
        for event in &self.events {
            match &event.change {
                CaseChange::Finding {
                    body,
                    verdict,
                    text,
                } => {
                    for earlier in findings.iter_mut().filter(|f| f.body == *body) {
                        earlier.superseded = true;
                    }
                    let (approved_by, stands_since) = match body {
                        Body::Joint => (Vec::new(), None),
                        single => (vec![single.as_str().to_owned()], Some(event.at)),
                    };
                    findings.push(Finding {
                        number: u32::try_from(findings.len() + 1).unwrap_or(u32::MAX),
                        body: *body,
                        verdict: *verdict,
                        text: text.clone(),
                        at: event.at,
                        by: event.by.clone(),
                        approved_by,
                        stands_since,
                        superseded: false,
                    });
                }
                CaseChange::Approve { finding, co_chair } => {
                    if let Some(text) = findings.get_mut(index(*finding)) {
                        approve(text, *co_chair, event.at);
                    }
                }
                _ => {}
            }
        }
        findings
    }

    /// The case this one's incident was filed under, when it was merged away.
    pub fn merged_into(&self) -> Option<&str> {
        self.events.iter().find_map(|event| match &event.change {
            CaseChange::MergedInto { case } => Some(case.as_str()),
            _ => None,
        })
    }

    /// Refuses any change to a case that was merged away: its incident lives elsewhere now.
    fn check_not_merged_away(&self) -> Result<(), CaseError> {
        match self.merged_into() {
            Some(into) => Err(invalid(format!(
                "case '{}' was merged into case '{into}': work on that case",
                self.id
            ))),
            None => Ok(()),
        }
    }

    /// Whether standing findings disagree.
    pub fn disputed(&self) -> bool {
        disputed(&self.findings())
    }

    /// Checks `action` by `acting` at `at` and appends its event. Nothing changes on an error.
    pub fn apply(
        &mut self,
        action: CaseAction,
        acting: Acting<'_>,
        at: DateTime<Utc>,
        why: String,
        context: CaseContext<'_>,
    ) -> Result<(), CaseError> {
        check_text("the reason (`why`)", &why)?;
        self.check_not_merged_away()?;
        if self.events.len() + 2 > MAX_EVENTS {
            return Err(invalid(format!(
                "a case holds at most {MAX_EVENTS} events; open a new case"
            )));
        }
        if let Some(last) = self.events.last()
            && at < last.at
        {
            return Err(invalid(format!(
                "the case's last event is at {}: a new one cannot be earlier",
                last.at
            )));
        }
        let is_move = matches!(action, CaseAction::Move { .. });
        let changes = self.decide(action, acting, at, context)?;
        if is_move {
            check_reason(&why)?;
        }
        for change in changes {
            self.events.push(CaseEvent {
                at,
                by: acting.name.to_owned(),
                why: why.clone(),
                change,
            });
        }
        Ok(())
    }

    /// Adds another incident to the case.
    pub fn merge(
        &mut self,
        incident: CaseIncident,
        acting: Acting<'_>,
        at: DateTime<Utc>,
        why: String,
    ) -> Result<(), CaseError> {
        if let Some(role) = acting.role
            && !matches!(role, Role::CoChair { .. })
        {
            return Err(forbidden("only a co-chair merges an incident into a case"));
        }
        check_reason(&why)?;
        self.check_not_merged_away()?;
        let CaseIncident {
            id: incident_id,
            accused,
            civilians_killed,
            ..
        } = incident;
        if self.incident_ids().contains(&incident_id.as_str()) {
            return Err(invalid(format!(
                "incident '{incident_id}' is already in case '{}'",
                self.id
            )));
        }
        if self.incident_ids().len() >= MAX_INCIDENTS {
            return Err(invalid(format!(
                "a case gathers at most {MAX_INCIDENTS} incidents"
            )));
        }
        if let Some(actor) = &accused
            && !self.accused.contains(actor)
        {
            self.accused.push(actor.clone());
        }
        self.push_in_order(
            at,
            acting,
            why,
            CaseChange::Merge {
                incident_id,
                civilians_killed,
                accused,
            },
        );
        Ok(())
    }

    /// Appends a merge's event, never before the case's last one (two cases' clocks meet).
    fn push_in_order(
        &mut self,
        at: DateTime<Utc>,
        acting: Acting<'_>,
        why: String,
        change: CaseChange,
    ) {
        self.events.push(CaseEvent {
            at: at.max(self.updated_at()),
            by: acting.name.to_owned(),
            why,
            change,
        });
    }

    /// Whether the case was moved to `verified` since it was last reopened.
    fn verified_since_reopened(&self) -> bool {
        let mut verified = false;
        for event in &self.events {
            match event.change {
                CaseChange::Move {
                    to: CaseState::Verified,
                    ..
                } => verified = true,
                CaseChange::Move {
                    to: CaseState::Reopened,
                    ..
                } => verified = false,
                _ => {}
            }
        }
        verified
    }

    /// Hands the case's only incident to case `into` and closes this one (a case the
    /// classification opened, whose incident a co-chair files under another).
    pub fn merge_away(
        &mut self,
        into: &str,
        acting: Acting<'_>,
        at: DateTime<Utc>,
        why: String,
    ) -> Result<(), CaseError> {
        if let Some(role) = acting.role
            && !matches!(role, Role::CoChair { .. })
        {
            return Err(forbidden("only a co-chair merges an incident into a case"));
        }
        if self.opened_by != "system" || !self.events.is_empty() {
            return Err(invalid(format!(
                "incident '{}' is in case '{}', which has been worked on: work on that case",
                self.incident_id, self.id
            )));
        }
        if self.incident_ids().len() > 1 {
            return Err(invalid(format!(
                "incident '{}' is in case '{}' with other incidents, and a case is not taken apart",
                self.incident_id, self.id
            )));
        }
        self.push_in_order(
            at,
            acting,
            why,
            CaseChange::MergedInto {
                case: into.to_owned(),
            },
        );
        Ok(())
    }

    fn decide(
        &self,
        action: CaseAction,
        acting: Acting<'_>,
        at: DateTime<Utc>,
        context: CaseContext<'_>,
    ) -> Result<Vec<CaseChange>, CaseError> {
        let state = self.state();
        match action {
            CaseAction::Move { to, out_of_scope } => {
                if let Some(role) = acting.role
                    && !may_work_cases(role)
                {
                    return Err(forbidden("only a co-chair or the task force moves a case"));
                }
                self.check_move(state, to, out_of_scope, context)?;
                Ok(vec![CaseChange::Move {
                    to,
                    out_of_scope: out_of_scope.filter(|_| to == CaseState::OutOfScope),
                }])
            }
            CaseAction::Request { to, text } => {
                check_answerable_text("the request", &text)?;
                if !self.accused.contains(&to) {
                    return Err(invalid(format!(
                        "'{to}' is not accused in this case; the accused: {}",
                        names(&self.accused)
                    )));
                }
                let Some(via) = context.registry.guarantor(&to) else {
                    return Err(invalid(format!(
                        "'{to}' answers to no co-chair: there is nobody to send the request through"
                    )));
                };
                match acting.role {
                    None => {}
                    Some(Role::CoChair { party }) if *party == via => {}
                    Some(_) => {
                        return Err(forbidden(format!(
                            "a request to '{to}' goes through its guarantor co-chair {via}, so only a {via} co-chair sends it"
                        )));
                    }
                }
                if !matches!(
                    state,
                    CaseState::InScope
                        | CaseState::InfoRequested
                        | CaseState::UnderAssessment
                        | CaseState::Verified
                ) {
                    return Err(invalid(format!(
                        "a case that is '{}' takes no request: a request follows the decision that it is in scope",
                        state.as_str()
                    )));
                }
                let hours = context.procedure.request_hours.min(MAX_REQUEST_HOURS);
                let due_at = at
                    .checked_add_signed(Duration::hours(i64::from(hours)))
                    .unwrap_or(DateTime::<Utc>::MAX_UTC);
                Ok(vec![CaseChange::Request {
                    to,
                    via,
                    due_at,
                    text,
                }])
            }
            CaseAction::Answer { request, text } => {
                check_answerable_text("the answer", &text)?;
                let requests = self.requests();
                let Some(asked) = requests.get(index(request)) else {
                    return Err(invalid(format!(
                        "the case has no request {request} (it has {})",
                        requests.len()
                    )));
                };
                let party = match acting.role {
                    None => asked.to.clone(),
                    Some(Role::PartyLiaison { actor }) => {
                        let speaks_for = context
                            .registry
                            .ancestry(&asked.to)
                            .any(|ancestor| ancestor.id.as_str() == actor);
                        if !speaks_for {
                            return Err(forbidden(format!(
                                "request {request} is addressed to '{}': only its liaison answers it",
                                asked.to
                            )));
                        }
                        ActorId::new(actor)
                    }
                    Some(_) => {
                        return Err(forbidden(
                            "only the liaison of the party asked answers a request",
                        ));
                    }
                };
                Ok(vec![CaseChange::Answer {
                    request,
                    party,
                    text,
                }])
            }
            CaseAction::Attribute { attribution } => {
                if let Some(role) = acting.role
                    && !may_work_cases(role)
                {
                    return Err(forbidden(
                        "only a co-chair or the task force attributes a case",
                    ));
                }
                if context.registry.get(&attribution.actor).is_none() {
                    return Err(invalid(format!(
                        "'{}' is not in the actor registry",
                        attribution.actor
                    )));
                }
                match state {
                    CaseState::Verified => {}
                    CaseState::Attributed | CaseState::Findings | CaseState::Action
                        if self.verified_since_reopened() => {}
                    other => {
                        return Err(invalid(format!(
                            "a case is attributed once verified; this one is '{}' (verification and attribution are kept apart)",
                            other.as_str()
                        )));
                    }
                }
                Ok(vec![CaseChange::Attribute { attribution }])
            }
            CaseAction::Finding {
                body,
                verdict,
                text,
            } => {
                check_answerable_text("the finding", &text)?;
                let allowed = match acting.role {
                    None => true,
                    Some(Role::CoChair { party }) => {
                        body == Body::of(*party) || body == Body::Joint
                    }
                    Some(Role::TaskForce) => body == Body::TaskForce,
                    Some(_) => false,
                };
                if !allowed {
                    return Err(forbidden(format!(
                        "a finding of '{}' is recorded by {}",
                        body.as_str(),
                        match body {
                            Body::Us => "a US co-chair",
                            Body::Ru => "an RU co-chair",
                            Body::TaskForce => "the task force",
                            Body::Joint => "a co-chair, and stands once both co-chairs approve it",
                        }
                    )));
                }
                if !state.takes_findings() {
                    return Err(invalid(format!(
                        "a finding is recorded once the assessment has an outcome (not verified, inconclusive, attributed or unattributed); this case is '{}'",
                        state.as_str()
                    )));
                }
                let mut changes = vec![CaseChange::Finding {
                    body,
                    verdict,
                    text,
                }];
                if body == Body::Joint
                    && let Some(Role::CoChair { party }) = acting.role
                {
                    changes.push(CaseChange::Approve {
                        finding: u32::try_from(self.findings().len() + 1).unwrap_or(u32::MAX),
                        co_chair: *party,
                    });
                }
                Ok(changes)
            }
            CaseAction::Approve { finding } => {
                let Some(Role::CoChair { party }) = acting.role else {
                    return Err(forbidden("only a co-chair approves a joint text"));
                };
                let findings = self.findings();
                let Some(text) = findings.get(index(finding)) else {
                    return Err(invalid(format!("the case has no finding {finding}")));
                };
                if text.body != Body::Joint {
                    return Err(invalid(format!(
                        "finding {finding} is the finding of '{}' alone; only a joint text is approved",
                        text.body.as_str()
                    )));
                }
                if text.superseded {
                    return Err(invalid(format!(
                        "the joint text changed after finding {finding}: approve the latest text"
                    )));
                }
                if text.approved_by.contains(&party.to_string()) {
                    return Err(invalid(format!(
                        "{party} has already approved finding {finding}"
                    )));
                }
                Ok(vec![CaseChange::Approve {
                    finding,
                    co_chair: *party,
                }])
            }
        }
    }

    fn check_move(
        &self,
        state: CaseState,
        to: CaseState,
        out_of_scope: Option<OutOfScopeReason>,
        context: CaseContext<'_>,
    ) -> Result<(), CaseError> {
        let illegal = || CaseError::IllegalTransition {
            from: state.as_str(),
            to: to.as_str(),
            allowed: state.next().iter().map(|s| s.as_str()).collect(),
        };
        if !state.next().contains(&to) {
            return Err(illegal());
        }
        match to {
            CaseState::OutOfScope if out_of_scope.is_none() => Err(invalid(format!(
                "out of scope needs its reason: one of {}",
                OutOfScopeReason::ALL.map(|r| r.as_str()).join(", ")
            ))),
            CaseState::InfoRequested => Err(invalid(
                "a case is 'info_requested' when a request is sent: send the request",
            )),
            CaseState::Attributed => Err(invalid(
                "a case is 'attributed' when its attribution is recorded, with its basis and confidence",
            )),
            CaseState::Findings => Err(invalid(
                "a case has 'findings' when one is recorded: record the finding",
            )),
            CaseState::Verified if context.verification != VerificationStatus::Verified => {
                Err(invalid(
                    "the incidents are not verified under R5 (independent sources with good credibility, or a reliable monitor's direct observation): record 'not_verified' or 'inconclusive', or add the sources first",
                ))
            }
            _ => Ok(()),
        }
    }
}

/// The state after one change.
fn after(state: CaseState, change: &CaseChange) -> CaseState {
    match change {
        CaseChange::Move { to, .. } => *to,
        CaseChange::Request { .. } if matches!(state, CaseState::InScope | CaseState::Reopened) => {
            CaseState::InfoRequested
        }
        CaseChange::Attribute { .. } if state == CaseState::Verified => CaseState::Attributed,
        CaseChange::MergedInto { .. } => CaseState::Closed,
        CaseChange::Finding { .. }
            if matches!(
                state,
                CaseState::NotVerified
                    | CaseState::Inconclusive
                    | CaseState::Attributed
                    | CaseState::Unattributed
            ) =>
        {
            CaseState::Findings
        }
        _ => state,
    }
}

fn approve(text: &mut Finding, co_chair: CoChair, at: DateTime<Utc>) {
    let name = co_chair.to_string();
    if !text.approved_by.contains(&name) {
        text.approved_by.push(name);
        text.approved_by.sort();
    }
    if text.approved_by.len() == 2 {
        text.stands_since = Some(at);
    }
}

/// Whether a role works cases: moves them, attributes them.
fn may_work_cases(role: &Role) -> bool {
    matches!(role, Role::CoChair { .. } | Role::TaskForce)
}

fn index(number: u32) -> usize {
    usize::try_from(number)
        .ok()
        .and_then(|n| n.checked_sub(1))
        .unwrap_or(usize::MAX)
}

fn names(actors: &[ActorId]) -> String {
    if actors.is_empty() {
        "none identified".to_owned()
    } else {
        actors
            .iter()
            .map(ActorId::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn check_text(what: &str, text: &str) -> Result<(), CaseError> {
    if text.chars().count() > MAX_TEXT {
        return Err(invalid(format!(
            "{what} is longer than {MAX_TEXT} characters"
        )));
    }
    Ok(())
}

/// A transition, an opening and a merge say why (a request, an answer or a finding is its
/// own reason, so there `why` may be empty).
fn check_reason(why: &str) -> Result<(), CaseError> {
    if why.trim().is_empty() {
        return Err(invalid(
            "the reason (`why`) is needed: every transition records why it was made",
        ));
    }
    check_text("the reason (`why`)", why)
}

fn check_answerable_text(what: &str, text: &str) -> Result<(), CaseError> {
    if text.trim().is_empty() {
        return Err(invalid(format!("{what} needs its text")));
    }
    check_text(what, text)
}
