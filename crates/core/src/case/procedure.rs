//! What an agreement sets for its cases: how long an accused party has to answer, when an
//! incident counts as verified (R5), when a pattern is referred upward (R7) and what the public
//! may see (R8). Every part has the 2016 default, so an agreement that says nothing gets it.

use serde::{Deserialize, Serialize};

use super::Body;

/// The longest answer period an agreement may set (a year, in hours).
pub const MAX_REQUEST_HOURS: u32 = 24 * 365;

/// The case procedure of one agreement version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CaseProcedure {
    /// Hours the accused party has to answer an information request ("without delay" in 2016:
    /// 24 by default).
    pub request_hours: u32,
    /// R5.
    pub verification: VerificationRule,
    /// R7.
    pub escalation: EscalationRule,
    /// R8.
    pub publication: PublicationPolicy,
}

impl Default for CaseProcedure {
    fn default() -> Self {
        CaseProcedure {
            request_hours: 24,
            verification: VerificationRule::default(),
            escalation: EscalationRule::default(),
            publication: PublicationPolicy::coh_2016(),
        }
    }
}

impl CaseProcedure {
    /// Whether the settings make sense; the message names the first that does not.
    pub fn check(&self) -> Result<(), String> {
        if !(1..=MAX_REQUEST_HOURS).contains(&self.request_hours) {
            return Err(format!(
                "request_hours is {}: it must be 1 to {MAX_REQUEST_HOURS}",
                self.request_hours
            ));
        }
        self.verification.check()?;
        self.escalation.check()
    }
}

/// R5: when an incident rises from alleged to verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VerificationRule {
    /// How many independent sources must grade the information well (2).
    pub independent_sources: u8,
    /// The worst credibility that counts as well graded (2: "probably true").
    pub max_credibility: u8,
    /// The reliabilities of a monitor whose direct observation verifies alone (A and B).
    pub monitor_reliability: Vec<char>,
}

impl Default for VerificationRule {
    fn default() -> Self {
        VerificationRule {
            independent_sources: 2,
            max_credibility: 2,
            monitor_reliability: vec!['A', 'B'],
        }
    }
}

impl VerificationRule {
    fn check(&self) -> Result<(), String> {
        if self.independent_sources == 0 {
            return Err("verification.independent_sources must be at least 1".to_owned());
        }
        if !(1..=6).contains(&self.max_credibility) {
            return Err("verification.max_credibility must be 1 to 6".to_owned());
        }
        if let Some(bad) = self
            .monitor_reliability
            .iter()
            .find(|grade| !('A'..='F').contains(*grade))
        {
            return Err(format!(
                "verification.monitor_reliability holds '{bad}': grades are A to F"
            ));
        }
        Ok(())
    }
}

/// R7: a pattern of violation findings against one actor is referred upward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EscalationRule {
    /// The rolling window, in days.
    pub window_days: u32,
    /// How many cases with a violation finding in the window propose an escalation.
    pub threshold: u32,
    /// Where the escalation goes.
    pub to: EscalationBody,
}

impl Default for EscalationRule {
    fn default() -> Self {
        EscalationRule {
            window_days: 30,
            threshold: 3,
            to: EscalationBody::TaskForce,
        }
    }
}

impl EscalationRule {
    fn check(&self) -> Result<(), String> {
        if !(1..=366).contains(&self.window_days) {
            return Err("escalation.window_days must be 1 to 366".to_owned());
        }
        if self.threshold == 0 {
            return Err("escalation.threshold must be at least 1".to_owned());
        }
        Ok(())
    }
}

/// The body a pattern is referred to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EscalationBody {
    /// The ceasefire task force.
    TaskForce,
    /// The ISSG ministers (who may exclude a party).
    Issg,
}

impl EscalationBody {
    /// The snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            EscalationBody::TaskForce => "task_force",
            EscalationBody::Issg => "issg",
        }
    }
}

/// R8: what of the cases the public may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicationPolicy {
    /// The policy's name, as the pages show it (`coh-2016`, `osce-smm`, …).
    pub name: String,
    /// The bodies whose finding becomes public once it stands (a joint finding stands when
    /// both co-chairs approved its text). Empty: no finding is ever public.
    #[serde(default)]
    pub public_findings: Vec<Body>,
    /// Whether counts of cases and findings are public.
    #[serde(default)]
    pub aggregates: bool,
    /// Whether the incidents a monitor observed directly are public as observed (exact time
    /// and place), day by day.
    #[serde(default)]
    pub observations: bool,
}

impl PublicationPolicy {
    /// Syria 2016: the co-chairs' findings were never public; the UN and NGOs published
    /// aggregates.
    pub fn coh_2016() -> Self {
        PublicationPolicy {
            name: "coh-2016".to_owned(),
            public_findings: Vec::new(),
            aggregates: true,
            observations: false,
        }
    }

    /// OSCE SMM: raw daily observations public, no findings (facts only).
    pub fn osce_smm() -> Self {
        PublicationPolicy {
            name: "osce-smm".to_owned(),
            public_findings: Vec::new(),
            aggregates: true,
            observations: true,
        }
    }

    /// CTSAMVM: a report is public once the board (here the task force) endorses it.
    pub fn ctsamvm() -> Self {
        PublicationPolicy {
            name: "ctsamvm".to_owned(),
            public_findings: vec![Body::TaskForce, Body::Joint],
            aggregates: true,
            observations: false,
        }
    }

    /// Whether a standing finding of `body` is public.
    pub fn publishes(&self, body: Body) -> bool {
        self.public_findings.contains(&body)
    }
}
