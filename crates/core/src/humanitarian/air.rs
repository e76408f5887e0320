//! Airdrops and airlifts (domain brief §4.5, §8.5): planned → flown → dropped → recovered,
//! partially recovered or lost, with the pallets counted at each end.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    HumanitarianError, MAX_QUANTITY, MAX_STEPS, Source, check_count, check_id, check_len,
    check_sources, check_text,
};

/// Dropped by parachute or landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AirKind {
    /// Dropped by parachute onto a drop zone.
    Airdrop,
    /// Flown in and unloaded at an airport.
    Airlift,
}

impl AirKind {
    /// The snake-case name.
    pub fn name(self) -> &'static str {
        match self {
            AirKind::Airdrop => "airdrop",
            AirKind::Airlift => "airlift",
        }
    }
}

/// Where an air operation is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AirState {
    /// Planned.
    Planned,
    /// The aircraft flew.
    Flown,
    /// The cargo was dropped (or unloaded, for an airlift).
    Dropped,
    /// Everything was recovered.
    Recovered,
    /// Part was recovered.
    PartiallyRecovered,
    /// Nothing was recovered.
    Lost,
    /// Called off before anything was dropped.
    Cancelled,
}

impl AirState {
    /// Every state.
    pub const ALL: [AirState; 7] = [
        AirState::Planned,
        AirState::Flown,
        AirState::Dropped,
        AirState::Recovered,
        AirState::PartiallyRecovered,
        AirState::Lost,
        AirState::Cancelled,
    ];

    /// The snake-case name used in the API.
    pub fn name(self) -> &'static str {
        match self {
            AirState::Planned => "planned",
            AirState::Flown => "flown",
            AirState::Dropped => "dropped",
            AirState::Recovered => "recovered",
            AirState::PartiallyRecovered => "partially_recovered",
            AirState::Lost => "lost",
            AirState::Cancelled => "cancelled",
        }
    }

    /// The state of a snake-case name.
    pub fn parse(text: &str) -> Option<AirState> {
        AirState::ALL.into_iter().find(|s| s.name() == text)
    }

    /// The states an operation in this state may move to.
    pub fn next(self) -> &'static [AirState] {
        use AirState::*;
        match self {
            Planned => &[Flown, Cancelled],
            Flown => &[Dropped, Cancelled],
            Dropped => &[Recovered, PartiallyRecovered, Lost],
            Recovered | PartiallyRecovered | Lost | Cancelled => &[],
        }
    }

    /// Whether the aircraft flew by this state.
    pub fn has_flown(self) -> bool {
        !matches!(self, AirState::Planned | AirState::Cancelled)
    }

    /// Whether the cargo left the aircraft by this state.
    pub fn has_dropped(self) -> bool {
        matches!(
            self,
            AirState::Dropped | AirState::Recovered | AirState::PartiallyRecovered | AirState::Lost
        )
    }
}

/// Where the cargo is dropped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DropZone {
    /// Its name.
    pub name: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

/// One step of an air operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AirStep {
    /// The state it moved to.
    pub to: AirState,
    /// When.
    pub at: DateTime<Utc>,
    /// Who recorded it (filled in by the door).
    #[serde(default)]
    pub by: String,
    /// Pallets dropped (with `dropped`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pallets_dropped: Option<u32>,
    /// Tonnes dropped (with `dropped`), when it differs from the plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tonnes_dropped: Option<f64>,
    /// Pallets recovered (with a recovery).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pallets_recovered: Option<u32>,
    /// Pallets recovered damaged (with a recovery).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pallets_damaged: Option<u32>,
    /// Pallets nobody accounted for (with a recovery), when a source gives only that.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pallets_unaccounted: Option<u32>,
    /// Remarks.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl AirStep {
    /// A bare step to `to` at `at`.
    pub fn to(to: AirState, at: DateTime<Utc>) -> AirStep {
        AirStep {
            to,
            at,
            by: String::new(),
            pallets_dropped: None,
            tonnes_dropped: None,
            pallets_recovered: None,
            pallets_damaged: None,
            pallets_unaccounted: None,
            note: String::new(),
        }
    }
}

/// An airdrop or airlift.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AirOperation {
    /// Stable id.
    pub id: String,
    /// Compiled after the fact from sources: its first step may be any state and a step may
    /// skip states along a legal path.
    #[serde(default)]
    pub compiled: bool,
    /// Airdrop or airlift.
    pub kind: AirKind,
    /// The location it serves.
    pub destination: String,
    /// Where it flies from.
    #[serde(default)]
    pub origin: String,
    /// The aircraft.
    #[serde(default)]
    pub aircraft: String,
    /// Drop altitude in metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub altitude_m: Option<u32>,
    /// The drop zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drop_zone: Option<DropZone>,
    /// Tonnes planned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tonnes: Option<f64>,
    /// Who recovers and distributes it (SARC).
    #[serde(default)]
    pub partner: String,
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
    pub steps: Vec<AirStep>,
}

/// What an air operation delivered by a date, as far as its record says.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct AirTally {
    /// Pallets dropped, if counted.
    pub pallets_dropped: Option<u32>,
    /// Pallets recovered, if counted.
    pub pallets_recovered: Option<u32>,
    /// Tonnes delivered: all of a full recovery, the recovered share of a partial one, none
    /// when lost; unknown when the recovery was not counted.
    pub tonnes_delivered: Option<f64>,
}

impl AirOperation {
    /// Its state now.
    pub fn state(&self) -> AirState {
        self.steps.last().map_or(AirState::Planned, |step| step.to)
    }

    /// Its state at `at`.
    pub fn state_at(&self, at: DateTime<Utc>) -> AirState {
        self.steps_until(at)
            .last()
            .map_or(AirState::Planned, |step| step.to)
    }

    /// The steps up to `at`.
    pub fn steps_until(&self, at: DateTime<Utc>) -> impl Iterator<Item = &AirStep> {
        self.steps.iter().take_while(move |step| step.at <= at)
    }

    /// The first step to `state`.
    pub fn step(&self, state: AirState) -> Option<&AirStep> {
        self.steps.iter().find(|step| step.to == state)
    }

    /// When it flew, if it did.
    pub fn flown_at(&self) -> Option<DateTime<Utc>> {
        self.steps
            .iter()
            .find(|step| step.to.has_flown())
            .map(|step| step.at)
    }

    /// What it delivered by `at`.
    pub fn tally(&self, at: DateTime<Utc>) -> AirTally {
        let steps: Vec<_> = self.steps_until(at).collect();
        let dropped = steps.iter().find(|step| step.to == AirState::Dropped);
        let recovery = steps.iter().find(|step| {
            matches!(
                step.to,
                AirState::Recovered | AirState::PartiallyRecovered | AirState::Lost
            )
        });
        let pallets_dropped = dropped.and_then(|step| step.pallets_dropped);
        let tonnes = dropped.and_then(|step| step.tonnes_dropped).or(self.tonnes);
        let pallets_recovered = recovery.and_then(|step| match step.to {
            AirState::Lost => Some(step.pallets_recovered.unwrap_or(0)),
            AirState::Recovered => step.pallets_recovered.or(pallets_dropped),
            _ => step.pallets_recovered,
        });
        let tonnes_delivered = recovery.and_then(|step| match step.to {
            AirState::Lost => Some(0.0),
            AirState::Recovered => tonnes,
            _ => match (tonnes, pallets_recovered, pallets_dropped) {
                (Some(t), Some(r), Some(d)) if d > 0 => Some(t * f64::from(r) / f64::from(d)),
                _ => None,
            },
        });
        AirTally {
            pallets_dropped,
            pallets_recovered,
            tonnes_delivered,
        }
    }

    /// Checks the operation on its own, every step replayed through the state machine.
    pub fn check(&self) -> Result<(), HumanitarianError> {
        check_id(&self.id)?;
        if self.destination.trim().is_empty() {
            return Err(HumanitarianError::invalid(
                "an air operation needs its destination",
            ));
        }
        check_tonnes(self.tonnes)?;
        check_count("altitude", self.altitude_m)?;
        for text in [&self.origin, &self.aircraft, &self.partner, &self.note] {
            check_text("a field", text)?;
        }
        if let Some(zone) = &self.drop_zone {
            check_text("the drop zone", &zone.name)?;
        }
        check_sources(&self.sources)?;
        check_len("steps", &self.steps, MAX_STEPS)?;
        if let Some(zone) = &self.drop_zone
            && (!(-90.0..=90.0).contains(&zone.lat) || !(-180.0..=180.0).contains(&zone.lon))
        {
            return Err(HumanitarianError::invalid(
                "the drop zone's coordinates are out of range",
            ));
        }
        match self.steps.first() {
            Some(first) if first.to == AirState::Planned || self.compiled => {
                check_air_details(first)?
            }
            _ => {
                return Err(HumanitarianError::invalid(
                    "an air operation's first step is 'planned' (unless it is compiled from sources)",
                ));
            }
        }
        for pair in self.steps.windows(2) {
            check_air_transition(&pair[0], &pair[1], self.compiled)?;
            check_air_details(&pair[1])?;
        }
        self.check_pallets()
    }

    /// Appends a step after checking it against the state machine.
    pub fn advance(&mut self, step: AirStep) -> Result<(), HumanitarianError> {
        let Some(last) = self.steps.last() else {
            return Err(HumanitarianError::invalid("the operation has no steps"));
        };
        check_len("steps", &self.steps, MAX_STEPS - 1)?;
        check_air_transition(last, &step, false)?;
        check_air_details(&step)?;
        self.steps.push(step);
        let checked = self.check_pallets();
        if checked.is_err() {
            self.steps.pop();
        }
        checked
    }

    /// No more pallets come back than went down.
    fn check_pallets(&self) -> Result<(), HumanitarianError> {
        let dropped = self
            .step(AirState::Dropped)
            .and_then(|step| step.pallets_dropped);
        for step in &self.steps {
            if let (Some(damaged), Some(recovered)) = (step.pallets_damaged, step.pallets_recovered)
                && damaged > recovered
            {
                return Err(HumanitarianError::invalid(
                    "damaged pallets are counted among those recovered",
                ));
            }
            let back = step
                .pallets_recovered
                .unwrap_or(0)
                .saturating_add(step.pallets_unaccounted.unwrap_or(0));
            if let Some(dropped) = dropped
                && back > dropped
            {
                return Err(HumanitarianError::invalid(format!(
                    "{back} pallets accounted for, but only {dropped} were dropped"
                )));
            }
        }
        Ok(())
    }
}

/// Tonnes are finite, zero or more, and not absurd.
fn check_tonnes(tonnes: Option<f64>) -> Result<(), HumanitarianError> {
    match tonnes {
        Some(t) if !t.is_finite() || !(0.0..=MAX_QUANTITY).contains(&t) => Err(
            HumanitarianError::invalid("tonnes are a number, zero or more"),
        ),
        _ => Ok(()),
    }
}

fn check_air_transition(
    last: &AirStep,
    next: &AirStep,
    compiled: bool,
) -> Result<(), HumanitarianError> {
    let allowed = last.to.next();
    let legal =
        allowed.contains(&next.to) || compiled && super::reaches(last.to, next.to, AirState::next);
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

fn check_air_details(step: &AirStep) -> Result<(), HumanitarianError> {
    let state = step.to.name();
    let recovery = matches!(
        step.to,
        AirState::Recovered | AirState::PartiallyRecovered | AirState::Lost
    );
    if (step.pallets_dropped.is_some() || step.tonnes_dropped.is_some())
        && step.to != AirState::Dropped
    {
        return Err(HumanitarianError::invalid(format!(
            "a step to '{state}' has no pallets or tonnes dropped (only 'dropped')"
        )));
    }
    check_tonnes(step.tonnes_dropped)?;
    check_text("the note", &step.note)?;
    for (what, count) in [
        ("pallets dropped", step.pallets_dropped),
        ("pallets recovered", step.pallets_recovered),
        ("pallets damaged", step.pallets_damaged),
        ("pallets unaccounted for", step.pallets_unaccounted),
    ] {
        check_count(what, count)?;
    }
    let counted = step.pallets_recovered.is_some()
        || step.pallets_damaged.is_some()
        || step.pallets_unaccounted.is_some();
    if counted && !recovery {
        return Err(HumanitarianError::invalid(format!(
            "a step to '{state}' has no pallets recovered, damaged or unaccounted (only a recovery)"
        )));
    }
    Ok(())
}
