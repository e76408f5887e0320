//! The approval clock of April 2016: approval in principle within 7 days of submission, the
//! facilitation letter within 3 days of that approval (domain brief §4.4). An agreement may set
//! other periods.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::convoy::{Convoy, ConvoyState};

/// The longest period an agreement may set (beyond it a clock means nothing).
pub const MAX_DAYS: u32 = 365;

/// The periods the Government has for each step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalClock {
    /// Days from submission to approval in principle.
    pub approval_days: u32,
    /// Days from approval in principle to the facilitation letter.
    pub letter_days: u32,
}

impl Default for ApprovalClock {
    fn default() -> Self {
        ApprovalClock {
            approval_days: 7,
            letter_days: 3,
        }
    }
}

/// A step the Government owes a convoy, with its deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueStep {
    /// The step owed: `approved_in_principle` or `facilitation_letter_issued`.
    pub awaited: ConvoyState,
    /// When the clock started (submission or approval).
    pub since: DateTime<Utc>,
    /// When it is due.
    pub due: DateTime<Utc>,
    /// When it came (or the convoy left that path: denied, aborted), if it did by then.
    pub answered_at: Option<DateTime<Utc>>,
    /// The convoy moved past the step without it being recorded (a record compiled from
    /// sources that do not say when the answer came): neither on time nor overdue.
    pub answer_unrecorded: bool,
    /// Overdue: not answered and the deadline passed, or answered after it.
    pub overdue: bool,
}

impl ApprovalClock {
    /// The steps owed to `convoy` as of `now`: one per clock started by then. A step is overdue
    /// from the first instant after its deadline (at the deadline itself it is not).
    pub fn dues(&self, convoy: &Convoy, now: DateTime<Utc>) -> Vec<DueStep> {
        let periods = [
            (
                ConvoyState::Submitted,
                ConvoyState::ApprovedInPrinciple,
                self.approval_days,
            ),
            (
                ConvoyState::ApprovedInPrinciple,
                ConvoyState::FacilitationLetterIssued,
                self.letter_days,
            ),
        ];
        let steps: Vec<_> = convoy.steps_until(now).collect();
        let mut dues = Vec::new();
        for (started_by, awaited, days) in periods {
            let Some(start) = steps.iter().position(|step| step.to == started_by) else {
                continue;
            };
            let since = steps[start].at;
            let due = since
                .checked_add_signed(Duration::days(i64::from(days.min(MAX_DAYS))))
                .unwrap_or(DateTime::<Utc>::MAX_UTC);
            // The awaited step, a denial or an abort answers the clock; a record that moves
            // past the step without it does not say when the answer came.
            let next = steps.get(start + 1);
            let answers = |step: &&&super::convoy::ConvoyStep| {
                matches!(step.to, ConvoyState::Denied | ConvoyState::Aborted) || step.to == awaited
            };
            let answered_at = next.filter(answers).map(|step| step.at);
            let answer_unrecorded = next.is_some() && answered_at.is_none();
            let overdue = match (answered_at, answer_unrecorded) {
                (Some(at), _) => at > due,
                (None, true) => false,
                (None, false) => now > due,
            };
            dues.push(DueStep {
                awaited,
                since,
                due,
                answered_at,
                answer_unrecorded,
                overdue,
            });
        }
        dues
    }

    /// The step overdue and still awaited at `now`, if any.
    pub fn overdue_now(&self, convoy: &Convoy, now: DateTime<Utc>) -> Option<DueStep> {
        self.dues(convoy, now)
            .into_iter()
            .find(|due| due.overdue && due.answered_at.is_none() && !due.answer_unrecorded)
    }
}
