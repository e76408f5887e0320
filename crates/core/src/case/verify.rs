//! R5, verification, kept apart from attribution: whether an incident is established says
//! nothing about who did it.

use serde::{Deserialize, Serialize};

use super::procedure::VerificationRule;
use crate::actor::{ActorId, ActorRegistry, normalize_name};
use crate::classify::VerificationStatus;
use crate::explain::Why;
use crate::incident::SourceGrade;

/// Whether the sources establish the incident under `rule`.
///
/// Sources are independent when they speak for different parties: an affiliation that names
/// an actor of the registry, or one of its monitoring centres, speaks for the actor's outermost
/// ancestor, so the Government's news agency and its army are one voice, and a party's own
/// monitoring centre is no monitor: its direct observation does not verify alone. Other
/// affiliations (a UN office, an NGO) are told apart by their folded names.
pub fn verification_status(
    rule: &VerificationRule,
    sources: &[SourceGrade],
    registry: &ActorRegistry,
) -> (VerificationStatus, Why) {
    let party = |source: &SourceGrade| registry.party_of(&source.affiliation).map(|a| &a.id);
    if sources.iter().any(|source| {
        source.direct_observation
            && rule.monitor_reliability.contains(&source.reliability)
            && party(source).is_none()
    }) {
        return (VerificationStatus::Verified, Why::ObservedByReliableMonitor);
    }
    let mut voices: Vec<String> = sources
        .iter()
        .filter(|source| source.credibility <= rule.max_credibility)
        .map(|source| match party(source) {
            Some(id) => format!("party:{id}"),
            None => normalize_name(&source.affiliation),
        })
        .collect();
    voices.sort_unstable();
    voices.dedup();
    if voices.len() >= usize::from(rule.independent_sources) {
        (VerificationStatus::Verified, Why::TwoIndependentSources)
    } else if sources.is_empty() {
        (VerificationStatus::Alleged, Why::NoGradedSource)
    } else {
        (VerificationStatus::Alleged, Why::TooFewSources)
    }
}

/// What an attribution rests on (R5: never the verification itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttributionBasis {
    /// The party said it did it.
    Admission,
    /// Remnants, imagery, crater or fragment analysis.
    ForensicEvidence,
    /// Eyewitness accounts that agree and come from independent witnesses.
    CorroboratedWitnesses,
}

impl AttributionBasis {
    /// Every basis, in the order forms offer them.
    pub const ALL: [AttributionBasis; 3] = [
        AttributionBasis::Admission,
        AttributionBasis::ForensicEvidence,
        AttributionBasis::CorroboratedWitnesses,
    ];

    /// The snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            AttributionBasis::Admission => "admission",
            AttributionBasis::ForensicEvidence => "forensic_evidence",
            AttributionBasis::CorroboratedWitnesses => "corroborated_witnesses",
        }
    }
}

/// How sure an attribution is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Possible.
    Low,
    /// Probable.
    Medium,
    /// Near certain.
    High,
}

impl Confidence {
    /// Every level, lowest first.
    pub const ALL: [Confidence; 3] = [Confidence::Low, Confidence::Medium, Confidence::High];

    /// The snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// Who is held responsible, on what basis and how surely.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attribution {
    /// The actor responsible.
    pub actor: ActorId,
    /// What it rests on.
    pub basis: AttributionBasis,
    /// How sure.
    pub confidence: Confidence,
}
