//! Findings by deciding body. The co-chairs determine what happened "jointly or separately"
//! (SC&P §4): a finding of one co-chair, of the task force, or a joint one, which exists only
//! once both co-chairs approved the same text. Findings that disagree stand side by side and
//! mark the case `disputed`; nothing merges them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::actor::CoChair;

/// The body a finding is recorded by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Body {
    /// The United States alone.
    #[serde(rename = "US")]
    Us,
    /// Russia alone.
    #[serde(rename = "RU")]
    Ru,
    /// The ceasefire task force.
    #[serde(rename = "task_force")]
    TaskForce,
    /// Both co-chairs, on one text.
    #[serde(rename = "joint")]
    Joint,
}

impl Body {
    /// Every body.
    pub const ALL: [Body; 4] = [Body::Us, Body::Ru, Body::TaskForce, Body::Joint];

    /// The name as the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Body::Us => "US",
            Body::Ru => "RU",
            Body::TaskForce => "task_force",
            Body::Joint => "joint",
        }
    }

    /// Reads a name as the API writes it.
    pub fn parse(text: &str) -> Option<Body> {
        Body::ALL.into_iter().find(|body| body.as_str() == text)
    }

    /// The body of one co-chair alone.
    pub fn of(co_chair: CoChair) -> Body {
        match co_chair {
            CoChair::US => Body::Us,
            CoChair::RU => Body::Ru,
        }
    }
}

/// What a body found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The terms were violated.
    Violation,
    /// They were not.
    NoViolation,
    /// The target was a designated group in its own area: permitted.
    TargetExcluded,
    /// Force used in self-defence, and no more than needed.
    SelfDefenceProportionate,
    /// The body cannot say.
    Undetermined,
}

impl Verdict {
    /// Every verdict, in the order forms offer them.
    pub const ALL: [Verdict; 5] = [
        Verdict::Violation,
        Verdict::NoViolation,
        Verdict::TargetExcluded,
        Verdict::SelfDefenceProportionate,
        Verdict::Undetermined,
    ];

    /// The snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Violation => "violation",
            Verdict::NoViolation => "no_violation",
            Verdict::TargetExcluded => "target_excluded",
            Verdict::SelfDefenceProportionate => "self_defence_proportionate",
            Verdict::Undetermined => "undetermined",
        }
    }
}

/// A finding as the case shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Its number in the case, from 1 (approvals name it).
    pub number: u32,
    /// The deciding body.
    pub body: Body,
    /// What it found.
    pub verdict: Verdict,
    /// The text, verbatim.
    pub text: String,
    /// When it was recorded.
    pub at: DateTime<Utc>,
    /// Who recorded it.
    pub by: String,
    /// Who approved this text: the body itself for a single body, and for a joint text each
    /// co-chair that approved it (the one that wrote it included).
    pub approved_by: Vec<String>,
    /// When the last approval a joint text needed came (for a single body, when recorded).
    pub stands_since: Option<DateTime<Utc>>,
    /// A later finding of the same body (or a later joint text) replaced it.
    pub superseded: bool,
}

impl Finding {
    /// Whether it is the body's current word: not superseded, and for a joint text approved
    /// by both co-chairs.
    pub fn stands(&self) -> bool {
        !self.superseded && self.stands_since.is_some()
    }
}

/// The findings that count now: each body's standing word, where a standing joint finding
/// settles what came before it (a single body that disagrees afterwards counts again).
pub fn settled(findings: &[Finding]) -> Vec<&Finding> {
    let standing: Vec<&Finding> = findings.iter().filter(|f| f.stands()).collect();
    let settled_at = standing
        .iter()
        .filter(|finding| finding.body == Body::Joint)
        .filter_map(|finding| finding.stands_since)
        .max();
    standing
        .into_iter()
        .filter(|finding| {
            finding.body == Body::Joint || settled_at.is_none_or(|settled| finding.at > settled)
        })
        .collect()
}

/// Whether the findings that count disagree.
pub fn disputed(findings: &[Finding]) -> bool {
    let mut verdicts: Vec<Verdict> = settled(findings).iter().map(|f| f.verdict).collect();
    verdicts.sort_unstable_by_key(|verdict| verdict.as_str());
    verdicts.dedup();
    verdicts.len() > 1
}
