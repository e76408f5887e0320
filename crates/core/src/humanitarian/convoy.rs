//! Inter-agency convoys through their approval steps (domain brief §4.4, §8.3). A convoy is its
//! plan and the steps it went through, each appended with its time and who recorded it; its
//! state, removals and people reached follow from the steps.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    HumanitarianError, MAX_ITEMS, MAX_STEPS, Source, check_count, check_id, check_len, check_month,
    check_people, check_quantity, check_sources, check_text,
};

/// Where a convoy is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConvoyState {
    /// In a monthly plan.
    Planned,
    /// Submitted to the Government for approval.
    Submitted,
    /// Approved in principle (due within 7 days of submission).
    ApprovedInPrinciple,
    /// The facilitation letter was issued (due within 3 days of approval).
    FacilitationLetterIssued,
    /// Trucks loaded.
    Loaded,
    /// Inspected (removals recorded).
    Inspected,
    /// On its way.
    Dispatched,
    /// Held at a checkpoint.
    AtCheckpoint,
    /// Unloading at the destination.
    Delivering,
    /// Everything delivered.
    DeliveredFull,
    /// Part delivered.
    DeliveredPartial,
    /// Refused.
    Denied,
    /// Stopped, with a reason.
    Aborted,
}

impl ConvoyState {
    /// Every state, in the order of the main path.
    pub const ALL: [ConvoyState; 13] = [
        ConvoyState::Planned,
        ConvoyState::Submitted,
        ConvoyState::ApprovedInPrinciple,
        ConvoyState::FacilitationLetterIssued,
        ConvoyState::Loaded,
        ConvoyState::Inspected,
        ConvoyState::Dispatched,
        ConvoyState::AtCheckpoint,
        ConvoyState::Delivering,
        ConvoyState::DeliveredFull,
        ConvoyState::DeliveredPartial,
        ConvoyState::Denied,
        ConvoyState::Aborted,
    ];

    /// The snake-case name used in the API.
    pub fn name(self) -> &'static str {
        match self {
            ConvoyState::Planned => "planned",
            ConvoyState::Submitted => "submitted",
            ConvoyState::ApprovedInPrinciple => "approved_in_principle",
            ConvoyState::FacilitationLetterIssued => "facilitation_letter_issued",
            ConvoyState::Loaded => "loaded",
            ConvoyState::Inspected => "inspected",
            ConvoyState::Dispatched => "dispatched",
            ConvoyState::AtCheckpoint => "at_checkpoint",
            ConvoyState::Delivering => "delivering",
            ConvoyState::DeliveredFull => "delivered_full",
            ConvoyState::DeliveredPartial => "delivered_partial",
            ConvoyState::Denied => "denied",
            ConvoyState::Aborted => "aborted",
        }
    }

    /// The state of a snake-case name.
    pub fn parse(text: &str) -> Option<ConvoyState> {
        ConvoyState::ALL.into_iter().find(|s| s.name() == text)
    }

    /// The states a convoy in this state may move to. A convoy may be aborted at any time
    /// before it is delivered, and held at one checkpoint after another.
    pub fn next(self) -> &'static [ConvoyState] {
        use ConvoyState::*;
        match self {
            Planned => &[Submitted, Aborted],
            Submitted => &[ApprovedInPrinciple, Denied, Aborted],
            ApprovedInPrinciple => &[FacilitationLetterIssued, Denied, Aborted],
            FacilitationLetterIssued => &[Loaded, Aborted],
            Loaded => &[Inspected, Aborted],
            Inspected => &[Dispatched, Aborted],
            Dispatched => &[AtCheckpoint, Delivering, Aborted],
            AtCheckpoint => &[AtCheckpoint, Delivering, Aborted],
            Delivering => &[DeliveredFull, DeliveredPartial, Aborted],
            DeliveredFull | DeliveredPartial | Denied | Aborted => &[],
        }
    }

    /// Whether `to` can be reached from here by one or more legal moves.
    pub fn reaches(self, to: ConvoyState) -> bool {
        super::reaches(self, to, ConvoyState::next)
    }

    /// Whether nothing may follow.
    pub fn is_final(self) -> bool {
        self.next().is_empty()
    }

    /// Whether aid arrived.
    pub fn is_delivered(self) -> bool {
        matches!(
            self,
            ConvoyState::DeliveredFull | ConvoyState::DeliveredPartial
        )
    }

    /// Whether it waits for the Government's approval or letter.
    pub fn awaits_approval(self) -> bool {
        matches!(
            self,
            ConvoyState::Submitted | ConvoyState::ApprovedInPrinciple
        )
    }
}

/// Why a convoy was stopped (domain brief §4.4, item 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AbortReason {
    /// No final clearance letter on the eve of departure.
    NoLetter,
    /// No security guarantees.
    Insecurity,
    /// Fighting on the route or at the destination.
    Fighting,
    /// A party on the ground refused it.
    PartyRefusal,
    /// A partner was not allowed to operate.
    PartnerBarred,
    /// The convoy was attacked.
    Attack,
}

impl AbortReason {
    /// Every reason.
    pub const ALL: [AbortReason; 6] = [
        AbortReason::NoLetter,
        AbortReason::Insecurity,
        AbortReason::Fighting,
        AbortReason::PartyRefusal,
        AbortReason::PartnerBarred,
        AbortReason::Attack,
    ];

    /// The snake-case name.
    pub fn name(self) -> &'static str {
        match self {
            AbortReason::NoLetter => "no_letter",
            AbortReason::Insecurity => "insecurity",
            AbortReason::Fighting => "fighting",
            AbortReason::PartyRefusal => "party_refusal",
            AbortReason::PartnerBarred => "partner_barred",
            AbortReason::Attack => "attack",
        }
    }

    /// The reason of a snake-case name.
    pub fn parse(text: &str) -> Option<AbortReason> {
        AbortReason::ALL.into_iter().find(|r| r.name() == text)
    }
}

/// What is carried: one line of the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CargoLine {
    /// The sector: food, nutrition, health, wash, nfi, education, protection…
    pub sector: String,
    /// The item: "food parcels", "surgical kits"…
    pub item: String,
    /// How many (or how much).
    pub quantity: f64,
    /// Of what: "parcels", "kits", "t", "treatments"…
    pub unit: String,
}

/// Items taken off a convoy at inspection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Removal {
    /// The sector of what was removed.
    pub sector: String,
    /// What was removed.
    pub item: String,
    /// How many.
    pub quantity: f64,
    /// Of what.
    pub unit: String,
    /// Who removed it, when known.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub removed_by: String,
}

impl Removal {
    /// Whether it was medical or surgical: what the task force counted.
    pub fn is_medical(&self) -> bool {
        let sector = self.sector.to_ascii_lowercase();
        ["health", "medical", "surgical", "trauma"]
            .iter()
            .any(|word| sector.contains(word))
    }
}

/// A destination of a convoy and the people it aims at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Destination {
    /// The location's id.
    pub location: String,
    /// People targeted, when planned per destination.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub people_targeted: Option<u64>,
}

/// People reached at one destination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reach {
    /// The location's id.
    pub location: String,
    /// People reached.
    pub people: u64,
}

/// One step in a convoy's life, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConvoyStep {
    /// The state it moved to.
    pub to: ConvoyState,
    /// When.
    pub at: DateTime<Utc>,
    /// Who recorded it (the principal; filled in by the door).
    #[serde(default)]
    pub by: String,
    /// Why it was aborted (only with `aborted`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<AbortReason>,
    /// The checkpoint (with `at_checkpoint`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<String>,
    /// What was loaded (with `loaded`), added to the plan's cargo.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cargo: Vec<CargoLine>,
    /// What inspection removed (with `inspected`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removals: Vec<Removal>,
    /// Trucks (with `dispatched`: that left; with a delivery: that arrived).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trucks: Option<u32>,
    /// People reached per destination (with a delivery).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reached: Vec<Reach>,
    /// People reached in all, when a source gives only a total (with a delivery).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub people_reached: Option<u64>,
    /// Remarks.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl ConvoyStep {
    /// A bare step to `to` at `at`.
    pub fn to(to: ConvoyState, at: DateTime<Utc>) -> ConvoyStep {
        ConvoyStep {
            to,
            at,
            by: String::new(),
            reason: None,
            checkpoint: None,
            cargo: Vec::new(),
            removals: Vec::new(),
            trucks: None,
            reached: Vec::new(),
            people_reached: None,
            note: String::new(),
        }
    }
}

/// A convoy: its plan and the steps it went through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Convoy {
    /// Stable id.
    pub id: String,
    /// Compiled after the fact from sources: steps the sources do not attest are left out, so
    /// its first step may be any state and a step may skip states along a legal path. A
    /// convoy followed as it happens moves one legal step at a time.
    #[serde(default)]
    pub compiled: bool,
    /// The month of the inter-agency plan (`YYYY-MM`).
    pub plan_month: String,
    /// Where it goes.
    pub destinations: Vec<Destination>,
    /// Who runs it: UN agencies, SARC, ICRC…
    #[serde(default)]
    pub agencies: Vec<String>,
    /// Trucks planned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trucks_planned: Option<u32>,
    /// People targeted in all, when planned as a total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub people_targeted: Option<u64>,
    /// What it is to carry.
    #[serde(default)]
    pub cargo: Vec<CargoLine>,
    /// Incidents recorded about it (an attack on it).
    #[serde(default)]
    pub incidents: Vec<String>,
    /// Where its record comes from.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// True for a record made up for the demonstration.
    #[serde(default)]
    pub illustrative: bool,
    /// Remarks.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Its life, in order; the first step is `planned`.
    pub steps: Vec<ConvoyStep>,
}

impl Convoy {
    /// Its state now.
    pub fn state(&self) -> ConvoyState {
        self.steps
            .last()
            .map_or(ConvoyState::Planned, |step| step.to)
    }

    /// Its state at `at` (planned before its first step).
    pub fn state_at(&self, at: DateTime<Utc>) -> ConvoyState {
        self.steps
            .iter()
            .take_while(|step| step.at <= at)
            .last()
            .map_or(ConvoyState::Planned, |step| step.to)
    }

    /// The steps up to `at`.
    pub fn steps_until(&self, at: DateTime<Utc>) -> impl Iterator<Item = &ConvoyStep> {
        self.steps.iter().take_while(move |step| step.at <= at)
    }

    /// The first step to `state`, if it got there.
    pub fn step(&self, state: ConvoyState) -> Option<&ConvoyStep> {
        self.steps.iter().find(|step| step.to == state)
    }

    /// The delivery step, if it was delivered by `at`.
    pub fn delivered_by(&self, at: DateTime<Utc>) -> Option<&ConvoyStep> {
        self.steps_until(at).find(|step| step.to.is_delivered())
    }

    /// People reached by its delivery: the total its source gives, or the sum per destination.
    pub fn people_reached(&self, at: DateTime<Utc>) -> Option<u64> {
        let delivery = self.delivered_by(at)?;
        delivery.people_reached.or_else(|| {
            (!delivery.reached.is_empty()).then(|| {
                delivery
                    .reached
                    .iter()
                    .fold(0u64, |sum, reach| sum.saturating_add(reach.people))
            })
        })
    }

    /// What inspection removed, up to `at`.
    pub fn removals_until(&self, at: DateTime<Utc>) -> impl Iterator<Item = &Removal> {
        self.steps_until(at).flat_map(|step| step.removals.iter())
    }

    /// Whether it goes to `location`.
    pub fn goes_to(&self, location: &str) -> bool {
        self.destinations.iter().any(|d| d.location == location)
    }

    /// Why it was aborted, if it was by `at`.
    pub fn abort_reason(&self, at: DateTime<Utc>) -> Option<AbortReason> {
        self.steps_until(at)
            .find(|step| step.to == ConvoyState::Aborted)
            .and_then(|step| step.reason)
    }

    /// Checks the convoy on its own: its plan, and every step replayed through the state
    /// machine. The locations are checked against the list by the caller.
    pub fn check(&self) -> Result<(), HumanitarianError> {
        check_id(&self.id)?;
        check_month(&self.plan_month)?;
        if self.destinations.is_empty() {
            return Err(HumanitarianError::invalid(
                "a convoy needs at least one destination",
            ));
        }
        for (n, destination) in self.destinations.iter().enumerate() {
            if self.destinations[..n]
                .iter()
                .any(|d| d.location == destination.location)
            {
                return Err(HumanitarianError::invalid(format!(
                    "destination '{}' is given twice",
                    destination.location
                )));
            }
        }
        check_len("destinations", &self.destinations, 50)?;
        for destination in &self.destinations {
            check_people("people targeted", destination.people_targeted)?;
        }
        check_people("people targeted", self.people_targeted)?;
        check_count("trucks planned", self.trucks_planned)?;
        check_len("agencies", &self.agencies, 50)?;
        for agency in &self.agencies {
            check_text("an agency", agency)?;
        }
        check_len("incidents", &self.incidents, MAX_ITEMS)?;
        check_sources(&self.sources)?;
        check_text("the note", &self.note)?;
        check_lines(&self.cargo)?;
        check_len("steps", &self.steps, MAX_STEPS)?;
        let Some(first) = self.steps.first() else {
            return Err(HumanitarianError::invalid("a convoy has at least one step"));
        };
        if first.to != ConvoyState::Planned && !self.compiled {
            return Err(HumanitarianError::invalid(
                "a convoy's first step is 'planned' (unless it is compiled from sources)",
            ));
        }
        self.check_step_details(first)?;
        for pair in self.steps.windows(2) {
            check_transition(&pair[0], &pair[1], self.compiled)?;
            self.check_step_details(&pair[1])?;
        }
        Ok(())
    }

    /// Appends a step after checking it against the state machine and the convoy.
    pub fn advance(&mut self, step: ConvoyStep) -> Result<(), HumanitarianError> {
        let Some(last) = self.steps.last() else {
            return Err(HumanitarianError::invalid("the convoy has no steps"));
        };
        check_len("steps", &self.steps, MAX_STEPS - 1)?;
        check_transition(last, &step, false)?;
        self.check_step_details(&step)?;
        self.steps.push(step);
        Ok(())
    }

    /// The details a step may carry, which depend on the state it moves to.
    fn check_step_details(&self, step: &ConvoyStep) -> Result<(), HumanitarianError> {
        use ConvoyState::*;
        let state = step.to.name();
        let only = |present: bool, what: &str, allowed: &str| {
            if present {
                Err(HumanitarianError::invalid(format!(
                    "a step to '{state}' has no {what} (only {allowed})"
                )))
            } else {
                Ok(())
            }
        };
        match (step.to, step.reason) {
            (Aborted, None) => {
                return Err(HumanitarianError::invalid(format!(
                    "an aborted convoy needs its reason: one of {}",
                    AbortReason::ALL.map(AbortReason::name).join(", ")
                )));
            }
            (Aborted, Some(_)) | (_, None) => {}
            (_, Some(_)) => only(true, "reason", "'aborted'")?,
        }
        only(
            step.checkpoint.is_some() && step.to != AtCheckpoint,
            "checkpoint",
            "'at_checkpoint'",
        )?;
        only(
            !step.cargo.is_empty() && !matches!(step.to, Planned | Loaded),
            "cargo",
            "'loaded'",
        )?;
        only(
            !step.removals.is_empty() && step.to != Inspected,
            "removals",
            "'inspected'",
        )?;
        let delivery = step.to.is_delivered();
        only(
            step.trucks.is_some() && !matches!(step.to, Dispatched) && !delivery,
            "trucks",
            "'dispatched' or a delivery",
        )?;
        only(
            (!step.reached.is_empty() || step.people_reached.is_some()) && !delivery,
            "people reached",
            "'delivered_full' or 'delivered_partial'",
        )?;
        check_lines(&step.cargo)?;
        check_len("removals", &step.removals, MAX_ITEMS)?;
        check_len("places reached", &step.reached, 50)?;
        check_text("the note", &step.note)?;
        check_text(
            "the checkpoint",
            step.checkpoint.as_deref().unwrap_or_default(),
        )?;
        check_count("trucks", step.trucks)?;
        check_people("people reached", step.people_reached)?;
        for removal in &step.removals {
            if removal.item.trim().is_empty() {
                return Err(HumanitarianError::invalid("a removal names its item"));
            }
            check_quantity("a removal", removal.quantity)?;
            for text in [
                &removal.item,
                &removal.sector,
                &removal.unit,
                &removal.removed_by,
            ] {
                check_text("a removal", text)?;
            }
        }
        for reach in &step.reached {
            check_people("people reached", Some(reach.people))?;
        }
        for reach in &step.reached {
            if !self.goes_to(&reach.location) {
                return Err(HumanitarianError::invalid(format!(
                    "people reached at '{}', which is not a destination of the convoy",
                    reach.location
                )));
            }
        }
        if let Some(total) = step.people_reached {
            let sum = step
                .reached
                .iter()
                .fold(0u64, |sum, reach| sum.saturating_add(reach.people));
            if sum > total {
                return Err(HumanitarianError::invalid(format!(
                    "people reached per destination ({sum}) exceed the total given ({total})"
                )));
            }
        }
        Ok(())
    }
}

fn check_lines(lines: &[CargoLine]) -> Result<(), HumanitarianError> {
    check_len("cargo lines", lines, MAX_ITEMS)?;
    for line in lines {
        if line.item.trim().is_empty() || line.sector.trim().is_empty() {
            return Err(HumanitarianError::invalid(
                "a cargo line names its sector and item",
            ));
        }
        check_quantity("a cargo line", line.quantity)?;
        for text in [&line.item, &line.sector, &line.unit] {
            check_text("a cargo line", text)?;
        }
    }
    Ok(())
}

/// Whether `next` may follow `last`: a legal move (or, in a compiled record, a state reachable
/// by legal moves), not earlier in time.
fn check_transition(
    last: &ConvoyStep,
    next: &ConvoyStep,
    compiled: bool,
) -> Result<(), HumanitarianError> {
    let allowed = last.to.next();
    let legal = allowed.contains(&next.to) || compiled && last.to.reaches(next.to);
    if !legal {
        return Err(HumanitarianError::IllegalTransition {
            from: last.to.name(),
            to: next.to.name(),
            allowed: allowed.iter().map(|s| s.name()).collect(),
        });
    }
    if next.at < last.at {
        return Err(HumanitarianError::invalid(format!(
            "'{}' at {} is before the previous step ('{}' at {})",
            next.to.name(),
            next.at.to_rfc3339(),
            last.to.name(),
            last.at.to_rfc3339()
        )));
    }
    Ok(())
}
