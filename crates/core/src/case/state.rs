//! The states of a case (domain brief §8.2) and the moves between them.

use serde::{Deserialize, Serialize};

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// Opened; nobody has judged its scope yet.
    Triaged,
    /// Within the terms: to be assessed.
    InScope,
    /// Outside the terms, with the reason.
    OutOfScope,
    /// The accused party has been asked through its co-chair.
    InfoRequested,
    /// Being assessed.
    UnderAssessment,
    /// Established (R5).
    Verified,
    /// Not established.
    NotVerified,
    /// Cannot be established either way.
    Inconclusive,
    /// Verified, and its perpetrator identified on a stated basis.
    Attributed,
    /// Verified, perpetrator not identified.
    Unattributed,
    /// One or more findings recorded.
    Findings,
    /// Acted on: a de-escalation call, a warning, counted toward a pattern.
    Action,
    /// Closed.
    Closed,
    /// Reopened on new evidence.
    Reopened,
}

impl CaseState {
    /// Every state, in the order of the procedure.
    pub const ALL: [CaseState; 14] = [
        CaseState::Triaged,
        CaseState::InScope,
        CaseState::OutOfScope,
        CaseState::InfoRequested,
        CaseState::UnderAssessment,
        CaseState::Verified,
        CaseState::NotVerified,
        CaseState::Inconclusive,
        CaseState::Attributed,
        CaseState::Unattributed,
        CaseState::Findings,
        CaseState::Action,
        CaseState::Closed,
        CaseState::Reopened,
    ];

    /// The snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::Triaged => "triaged",
            CaseState::InScope => "in_scope",
            CaseState::OutOfScope => "out_of_scope",
            CaseState::InfoRequested => "info_requested",
            CaseState::UnderAssessment => "under_assessment",
            CaseState::Verified => "verified",
            CaseState::NotVerified => "not_verified",
            CaseState::Inconclusive => "inconclusive",
            CaseState::Attributed => "attributed",
            CaseState::Unattributed => "unattributed",
            CaseState::Findings => "findings",
            CaseState::Action => "action",
            CaseState::Closed => "closed",
            CaseState::Reopened => "reopened",
        }
    }

    /// Reads a snake-case name.
    pub fn parse(text: &str) -> Option<CaseState> {
        CaseState::ALL
            .into_iter()
            .find(|state| state.as_str() == text)
    }

    /// The states one move away. Some are reached only through their own action: a request
    /// (`info_requested`), an attribution (`attributed`) or a finding (`findings`).
    pub fn next(self) -> &'static [CaseState] {
        use CaseState::*;
        match self {
            Triaged | Reopened => &[InScope, OutOfScope],
            InScope => &[InfoRequested, UnderAssessment],
            InfoRequested => &[UnderAssessment],
            UnderAssessment => &[Verified, NotVerified, Inconclusive],
            Verified => &[Attributed, Unattributed],
            NotVerified | Inconclusive => &[Findings, Closed],
            Attributed | Unattributed => &[Findings],
            Findings => &[Action, Closed],
            Action | OutOfScope => &[Closed],
            Closed => &[Reopened],
        }
    }

    /// Whether the case is still being worked on.
    pub fn is_open(self) -> bool {
        !matches!(self, CaseState::Closed | CaseState::OutOfScope)
    }

    /// Whether a finding may be recorded: once the assessment has an outcome.
    pub fn takes_findings(self) -> bool {
        use CaseState::*;
        matches!(
            self,
            NotVerified | Inconclusive | Attributed | Unattributed | Findings | Action
        )
    }
}

/// Why a case is outside the terms (§8.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutOfScopeReason {
    /// Before the cessation started.
    PreStart,
    /// A designated group struck inside the area delineated as its own.
    ExcludedActorTargetInDelineatedArea,
    /// Outside the agreement's geography.
    OutsideGeography,
    /// Not an act of hostilities.
    NotHostilities,
}

impl OutOfScopeReason {
    /// Every reason, in the order forms offer them.
    pub const ALL: [OutOfScopeReason; 4] = [
        OutOfScopeReason::PreStart,
        OutOfScopeReason::ExcludedActorTargetInDelineatedArea,
        OutOfScopeReason::OutsideGeography,
        OutOfScopeReason::NotHostilities,
    ];

    /// The snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            OutOfScopeReason::PreStart => "pre_start",
            OutOfScopeReason::ExcludedActorTargetInDelineatedArea => {
                "excluded_actor_target_in_delineated_area"
            }
            OutOfScopeReason::OutsideGeography => "outside_geography",
            OutOfScopeReason::NotHostilities => "not_hostilities",
        }
    }
}
