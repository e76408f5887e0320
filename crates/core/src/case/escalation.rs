//! R7: persistent non-compliance is referred upward. When cases with a violation finding
//! against one actor in a rolling window reach the threshold, an escalation is proposed; the
//! co-chairs accept or decline it, with a reason, and a decision answers the proposal until
//! a new violation finding comes.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::procedure::{EscalationBody, EscalationRule};
use super::{Case, Verdict};
use crate::actor::ActorId;

/// A proposal to refer an actor's pattern of violations upward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EscalationProposal {
    /// The actor.
    pub actor: ActorId,
    /// Where it would go.
    pub to: EscalationBody,
    /// The cases counted, oldest finding first.
    pub case_ids: Vec<String>,
    /// The window's start (exclusive) and end.
    pub since: DateTime<Utc>,
    /// The window's end: the moment asked about.
    pub until: DateTime<Utc>,
    /// The threshold it reached.
    pub threshold: u32,
    /// The latest violation finding counted.
    pub latest: DateTime<Utc>,
}

/// The co-chairs' answer to a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StoredDecision")]
pub struct EscalationDecision {
    /// The actor.
    pub actor: ActorId,
    /// Accepted (referred) or declined.
    pub accepted: bool,
    /// Where it went, when accepted.
    pub to: EscalationBody,
    /// The cases the proposal counted.
    pub case_ids: Vec<String>,
    /// The latest violation finding of the proposal it answers: one decision answers one
    /// proposal, and a new violation finding makes a new proposal.
    pub answers: DateTime<Utc>,
    /// Why.
    pub reason: String,
    /// Who decided.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A decision as stored. Decisions stored before `answers` was kept answered the proposal
/// standing when they were made, whose latest finding was no later than `at`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredDecision {
    actor: ActorId,
    accepted: bool,
    to: EscalationBody,
    case_ids: Vec<String>,
    #[serde(default)]
    answers: Option<DateTime<Utc>>,
    reason: String,
    by: String,
    at: DateTime<Utc>,
}

impl From<StoredDecision> for EscalationDecision {
    fn from(stored: StoredDecision) -> Self {
        EscalationDecision {
            answers: stored.answers.unwrap_or(stored.at),
            actor: stored.actor,
            accepted: stored.accepted,
            to: stored.to,
            case_ids: stored.case_ids,
            reason: stored.reason,
            by: stored.by,
            at: stored.at,
        }
    }
}

/// A case counted, at its first standing violation finding.
type Counted = (DateTime<Utc>, String);

/// The actor a case counts against: the attributed one, or else each accused.
fn counted_against(case: &Case) -> Vec<ActorId> {
    match case.attribution() {
        Some(attribution) => vec![attribution.actor.clone()],
        None => case.accused.clone(),
    }
}

/// The proposals standing at `now`: one per actor whose undisputed cases with a violation
/// finding in `(now - window, now]` reach the threshold, unless a decision answered a
/// proposal whose latest finding was that late.
pub fn escalation_proposals(
    cases: &[Case],
    decisions: &[EscalationDecision],
    rule: &EscalationRule,
    now: DateTime<Utc>,
) -> Vec<EscalationProposal> {
    let since = now - Duration::days(i64::from(rule.window_days));
    let mut counts: Vec<(ActorId, Vec<Counted>)> = Vec::new();
    for case in cases {
        // A violation counts once the findings that count agree on it: a disputed case, or
        // one a joint finding settled otherwise, does not.
        let findings = case.findings();
        if super::disputed(&findings) {
            continue;
        }
        let violation_at = super::finding::settled(&findings)
            .iter()
            .filter(|finding| finding.verdict == Verdict::Violation)
            .filter_map(|finding| finding.stands_since)
            .filter(|at| *at > since && *at <= now)
            .min();
        let Some(at) = violation_at else { continue };
        for actor in counted_against(case) {
            match counts.iter_mut().find(|(counted, _)| *counted == actor) {
                Some((_, list)) => list.push((at, case.id.clone())),
                None => counts.push((actor, vec![(at, case.id.clone())])),
            }
        }
    }
    let mut proposals = Vec::new();
    for (actor, mut list) in counts {
        if list.len() < usize::try_from(rule.threshold).unwrap_or(usize::MAX) {
            continue;
        }
        list.sort();
        let latest = list.last().map_or(now, |(at, _)| *at);
        let answered = decisions
            .iter()
            .any(|decision| decision.actor == actor && decision.answers >= latest);
        if answered {
            continue;
        }
        proposals.push(EscalationProposal {
            actor,
            to: rule.to,
            case_ids: list.into_iter().map(|(_, id)| id).collect(),
            since,
            until: now,
            threshold: rule.threshold,
            latest,
        });
    }
    proposals.sort_by(|a, b| {
        b.case_ids
            .len()
            .cmp(&a.case_ids.len())
            .then(a.actor.cmp(&b.actor))
    });
    proposals
}
