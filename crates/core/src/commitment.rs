//! A party's commitment to an agreement, as the state machine of the domain brief (§8.1):
//!
//! ```text
//! unknown --declare(to US|RU)--> participating (late if after the deadline)
//! participating --referral upheld--> excluded
//! participating --renounced--> withdrawn
//! participating --designation listed--> excluded_by_designation
//! participating --new version that needs re-confirmation--> reconfirm_required --reconfirm--> participating
//! ```
//!
//! Exclusion is never retroactive: [`Commitment::state_at`] replays only the events up to the
//! instant asked about.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::actor::{ActorId, CoChair};

/// What happened to a commitment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitmentEventKind {
    /// The party declared acceptance to a co-chair (the commitment's channel).
    Declare,
    /// The party confirmed again under a new agreement version.
    Reconfirm,
    /// The party renounced the agreement or declared it over.
    Withdraw,
    /// An ISSG referral for a pattern of non-compliance was upheld.
    ReferralUpheld,
    /// The party was designated as a terrorist organisation.
    DesignationListed,
}

/// One dated event in a commitment's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitmentEvent {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What happened.
    pub kind: CommitmentEventKind,
    /// Evidence or a note.
    #[serde(default)]
    pub note: String,
}

/// The state of a commitment at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitmentState {
    /// No declaration recorded (yet).
    Unknown,
    /// Declared by the deadline.
    Participating,
    /// Declared after the deadline.
    ParticipatingLate,
    /// Protection withdrawn after an upheld referral.
    Excluded,
    /// Renounced by the party.
    Withdrawn,
    /// Excluded because the party was designated.
    ExcludedByDesignation,
    /// A new agreement version needs a new declaration that has not come.
    ReconfirmRequired,
}

impl CommitmentState {
    /// Snake-case name, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            CommitmentState::Unknown => "unknown",
            CommitmentState::Participating => "participating",
            CommitmentState::ParticipatingLate => "participating_late",
            CommitmentState::Excluded => "excluded",
            CommitmentState::Withdrawn => "withdrawn",
            CommitmentState::ExcludedByDesignation => "excluded_by_designation",
            CommitmentState::ReconfirmRequired => "reconfirm_required",
        }
    }
}

/// An event that the state machine does not allow in the state it finds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a '{event:?}' event at {at} is not allowed in state '{}'", state.as_str())]
pub struct TransitionError {
    /// The state before the event.
    pub state: CommitmentState,
    /// The refused event.
    pub event: CommitmentEventKind,
    /// When it was dated.
    pub at: DateTime<Utc>,
}

/// A party's acceptance of an agreement, with its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commitment {
    /// The committed party.
    pub actor: ActorId,
    /// The co-chair it declared to.
    pub channel: CoChair,
    /// Conditions the party attached, in its words.
    #[serde(default)]
    pub conditions: String,
    /// Events in time order; the first is the declaration.
    pub history: Vec<CommitmentEvent>,
}

/// The state reached from `state` by `event`, or `None` if the transition is not allowed.
fn next_state(
    state: CommitmentState,
    event: CommitmentEventKind,
    late: bool,
) -> Option<CommitmentState> {
    use CommitmentEventKind as E;
    use CommitmentState as S;
    let participating = if late {
        S::ParticipatingLate
    } else {
        S::Participating
    };
    match (state, event) {
        (S::Unknown, E::Declare) | (S::ReconfirmRequired, E::Reconfirm) => Some(participating),
        (S::Participating | S::ParticipatingLate, E::Withdraw) => Some(S::Withdrawn),
        (S::Participating | S::ParticipatingLate, E::ReferralUpheld) => Some(S::Excluded),
        (S::Participating | S::ParticipatingLate, E::DesignationListed) => {
            Some(S::ExcludedByDesignation)
        }
        _ => None,
    }
}

impl Commitment {
    /// When the party first declared, if it did.
    pub fn declared_at(&self) -> Option<DateTime<Utc>> {
        self.history
            .iter()
            .find(|event| event.kind == CommitmentEventKind::Declare)
            .map(|event| event.at)
    }

    /// How long after `deadline` the declaration came (`None` if on time or never).
    pub fn lateness(&self, deadline: DateTime<Utc>) -> Option<Duration> {
        self.declared_at()
            .filter(|&declared| declared > deadline)
            .map(|declared| declared - deadline)
    }

    /// Checks that the history is in time order and every event is allowed, given the acceptance
    /// deadline and the starts of versions that require re-confirmation.
    pub fn validate(
        &self,
        deadline: Option<DateTime<Utc>>,
        reconfirm_from: &[DateTime<Utc>],
    ) -> Result<(), TransitionError> {
        if let Some(unordered) = self.history.windows(2).find(|pair| pair[1].at < pair[0].at) {
            return Err(TransitionError {
                state: CommitmentState::Unknown,
                event: unordered[1].kind,
                at: unordered[1].at,
            });
        }
        self.replay(
            self.history
                .last()
                .map_or(DateTime::<Utc>::MIN_UTC, |e| e.at),
            deadline,
            reconfirm_from,
        )
        .map(|_| ())
    }

    /// The state at `instant`. Events after it are ignored, so a later exclusion does not
    /// change how earlier incidents are judged. An invalid history counts as `Unknown`
    /// ([`Commitment::validate`] reports it when the scenario is loaded).
    pub fn state_at(
        &self,
        instant: DateTime<Utc>,
        deadline: Option<DateTime<Utc>>,
        reconfirm_from: &[DateTime<Utc>],
    ) -> CommitmentState {
        self.replay(instant, deadline, reconfirm_from)
            .unwrap_or(CommitmentState::Unknown)
    }

    fn replay(
        &self,
        instant: DateTime<Utc>,
        deadline: Option<DateTime<Utc>>,
        reconfirm_from: &[DateTime<Utc>],
    ) -> Result<CommitmentState, TransitionError> {
        let mut state = CommitmentState::Unknown;
        let mut pending_versions = reconfirm_from
            .iter()
            .copied()
            .filter(|&v| v <= instant)
            .peekable();
        let mut events = self
            .history
            .iter()
            .filter(|event| event.at <= instant)
            .peekable();
        loop {
            // Apply version starts and events in time order; a version start that falls before
            // the next event turns a participating party into one that must re-confirm.
            let next_version = pending_versions.peek().copied();
            let next_event = events.peek().map(|event| event.at);
            let version_first = match (next_version, next_event) {
                (Some(version), Some(event_at)) => version <= event_at,
                (Some(_), None) => true,
                (None, _) => false,
            };
            if version_first {
                pending_versions.next();
                if matches!(
                    state,
                    CommitmentState::Participating | CommitmentState::ParticipatingLate
                ) {
                    state = CommitmentState::ReconfirmRequired;
                }
            } else if let Some(event) = events.next() {
                let late = state == CommitmentState::ParticipatingLate
                    || (event.kind == CommitmentEventKind::Declare
                        && deadline.is_some_and(|deadline| event.at > deadline));
                state = next_state(state, event.kind, late).ok_or(TransitionError {
                    state,
                    event: event.kind,
                    at: event.at,
                })?;
            } else {
                break;
            }
        }
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn event(when: &str, kind: CommitmentEventKind) -> CommitmentEvent {
        CommitmentEvent {
            at: at(when),
            kind,
            note: String::new(),
        }
    }

    fn declared(when: &str) -> Commitment {
        Commitment {
            actor: ActorId::new("party"),
            channel: CoChair::US,
            conditions: String::new(),
            history: vec![event(when, CommitmentEventKind::Declare)],
        }
    }

    const DEADLINE: &str = "2016-02-26T10:00:00Z";

    #[test]
    fn a_declaration_by_the_deadline_means_participating() {
        let commitment = declared("2016-02-23T12:00:00Z");
        let deadline = Some(at(DEADLINE));
        assert_eq!(
            commitment.state_at(at("2016-02-20T00:00:00Z"), deadline, &[]),
            CommitmentState::Unknown
        );
        assert_eq!(
            commitment.state_at(at("2016-03-01T00:00:00Z"), deadline, &[]),
            CommitmentState::Participating
        );
        assert_eq!(commitment.lateness(at(DEADLINE)), None);
    }

    #[test]
    fn a_declaration_after_the_deadline_is_late_and_says_by_how_much() {
        let commitment = declared("2016-02-26T13:30:00Z");
        let deadline = Some(at(DEADLINE));
        assert_eq!(
            commitment.state_at(at("2016-03-01T00:00:00Z"), deadline, &[]),
            CommitmentState::ParticipatingLate
        );
        assert_eq!(
            commitment.lateness(at(DEADLINE)),
            Some(Duration::minutes(210))
        );
    }

    #[test]
    fn exclusion_is_not_retroactive() {
        let mut commitment = declared("2016-02-23T12:00:00Z");
        commitment.history.push(event(
            "2016-05-01T00:00:00Z",
            CommitmentEventKind::ReferralUpheld,
        ));
        let deadline = Some(at(DEADLINE));
        assert!(commitment.validate(deadline, &[]).is_ok());
        assert_eq!(
            commitment.state_at(at("2016-04-30T00:00:00Z"), deadline, &[]),
            CommitmentState::Participating
        );
        assert_eq!(
            commitment.state_at(at("2016-05-02T00:00:00Z"), deadline, &[]),
            CommitmentState::Excluded
        );
    }

    #[test]
    fn a_new_version_requires_reconfirmation() {
        let mut commitment = declared("2016-02-23T12:00:00Z");
        let renewal = [at("2016-09-12T16:00:00Z")];
        let deadline = Some(at(DEADLINE));
        assert_eq!(
            commitment.state_at(at("2016-09-13T00:00:00Z"), deadline, &renewal),
            CommitmentState::ReconfirmRequired
        );
        commitment.history.push(event(
            "2016-09-14T00:00:00Z",
            CommitmentEventKind::Reconfirm,
        ));
        assert!(commitment.validate(deadline, &renewal).is_ok());
        assert_eq!(
            commitment.state_at(at("2016-09-15T00:00:00Z"), deadline, &renewal),
            CommitmentState::Participating
        );
    }

    #[test]
    fn transitions_outside_the_state_machine_are_refused() {
        let withdrawn_first = Commitment {
            history: vec![event("2016-02-23T12:00:00Z", CommitmentEventKind::Withdraw)],
            ..declared("2016-02-23T12:00:00Z")
        };
        let err = withdrawn_first.validate(None, &[]).unwrap_err();
        assert_eq!(err.state, CommitmentState::Unknown);
        assert_eq!(err.event, CommitmentEventKind::Withdraw);

        let mut twice = declared("2016-02-23T12:00:00Z");
        twice
            .history
            .push(event("2016-02-24T12:00:00Z", CommitmentEventKind::Declare));
        assert!(twice.validate(None, &[]).is_err());

        let mut unordered = declared("2016-02-23T12:00:00Z");
        unordered.history.insert(
            0,
            event("2016-03-01T00:00:00Z", CommitmentEventKind::Withdraw),
        );
        assert!(unordered.validate(None, &[]).is_err());
    }
}
