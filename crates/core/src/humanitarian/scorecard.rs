//! The working group's weekly scorecard (domain brief §4.3) and the figures of one location:
//! every figure with the ids of the records behind it.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use serde::Serialize;

use super::air::{AirKind, AirOperation};
use super::clock::ApprovalClock;
use super::convoy::{AbortReason, Convoy};
use super::location::AccessLocation;

/// The last instant of a day (UTC): a scorecard "as of" a day counts everything recorded on it.
pub fn end_of_day(day: NaiveDate) -> DateTime<Utc> {
    let last = NaiveTime::from_hms_milli_opt(23, 59, 59, 999).unwrap_or(NaiveTime::MIN);
    day.and_time(last).and_utc()
}

/// The scorecard as of a day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scorecard {
    /// The day (its end, UTC).
    pub as_of: NaiveDate,
    /// Whose list of besieged locations is counted (OCHA's unless asked otherwise).
    pub classifier: String,
    /// Locations the classifier lists as besieged on the day.
    pub besieged_locations_total: u64,
    /// Of those, the ones reached at least once up to the day, by a delivered convoy or an
    /// air operation whose cargo was dropped and not lost.
    pub besieged_locations_reached: u64,
    /// People reached by every convoy delivered up to the day, as each convoy's source gives
    /// them: a place reached twice counts twice, as the convoy reports counted.
    pub people_reached_cumulative: u64,
    /// People reached by convoys delivered in the day's month up to the day.
    pub people_reached_month: u64,
    /// Convoys waiting for approval in principle or for their letter.
    pub approvals_pending: u64,
    /// Of those, the ones whose awaited step is overdue.
    pub approvals_overdue: u64,
    /// Convoys aborted up to the day, by reason (every reason, zero included).
    pub convoys_aborted_by_reason: BTreeMap<&'static str, u64>,
    /// Medical, surgical and trauma items taken off at inspection (removal records).
    pub medical_removals: u64,
    /// Airdrops flown up to the day (whatever became of them after).
    pub airdrops_flown: u64,
    /// Tonnes delivered by air: recovered loads in full, partial recoveries in proportion to
    /// the pallets recovered (operations whose recovery was not counted are left out).
    pub tonnes_delivered: f64,
    /// Pallets dropped.
    pub pallets_dropped: u64,
    /// Pallets recovered.
    pub pallets_recovered: u64,
    /// The ids of the records behind each figure (locations, convoys or air operations).
    pub records: BTreeMap<&'static str, Vec<String>>,
}

/// What a location has received, as of a day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LocationMetrics {
    /// The location.
    pub location: String,
    /// The last day aid arrived, up to the day.
    pub last_reached: Option<NaiveDate>,
    /// Days from then to the day.
    pub days_since_last_reached: Option<i64>,
    /// Convoys delivered to it.
    pub convoys_delivered: Vec<String>,
    /// Air operations whose cargo was recovered for it.
    pub air_operations: Vec<String>,
    /// People reached there by convoys, where the figure is given for this location (or the
    /// convoy went nowhere else).
    pub people_reached_cumulative: u64,
    /// The same within the day's month.
    pub people_reached_month: u64,
    /// Delivered convoys whose people reached are given only for several places together.
    pub reached_not_broken_down: Vec<String>,
}

/// When a convoy delivered to `location` and how many people it reached there, if known.
fn convoy_delivery(
    convoy: &Convoy,
    location: &str,
    at: DateTime<Utc>,
) -> Option<(DateTime<Utc>, Option<u64>)> {
    if !convoy.goes_to(location) {
        return None;
    }
    let step = convoy.delivered_by(at)?;
    let here = step
        .reached
        .iter()
        .find(|reach| reach.location == location)
        .map(|reach| reach.people)
        .or_else(|| {
            (convoy.destinations.len() == 1)
                .then(|| convoy.people_reached(at))
                .flatten()
        });
    Some((step.at, here))
}

/// When an air operation's cargo reached `location`: when it was dropped, unless it was lost.
fn air_delivery(
    operation: &AirOperation,
    location: &str,
    at: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if operation.destination != location {
        return None;
    }
    let steps: Vec<_> = operation.steps_until(at).collect();
    if steps
        .iter()
        .any(|step| step.to == super::air::AirState::Lost)
    {
        return None;
    }
    steps
        .iter()
        .find(|step| step.to.has_dropped())
        .map(|step| step.at)
}

/// The figures of one location as of `day`.
pub fn location_metrics(
    location: &AccessLocation,
    convoys: &[Convoy],
    air: &[AirOperation],
    day: NaiveDate,
) -> LocationMetrics {
    let at = end_of_day(day);
    let month = (day.year(), day.month());
    let mut metrics = LocationMetrics {
        location: location.id.clone(),
        last_reached: None,
        days_since_last_reached: None,
        convoys_delivered: Vec::new(),
        air_operations: Vec::new(),
        people_reached_cumulative: 0,
        people_reached_month: 0,
        reached_not_broken_down: Vec::new(),
    };
    let mut last: Option<DateTime<Utc>> = None;
    for convoy in convoys {
        let Some((when, people)) = convoy_delivery(convoy, &location.id, at) else {
            continue;
        };
        metrics.convoys_delivered.push(convoy.id.clone());
        last = last.max(Some(when));
        match people {
            Some(people) => {
                metrics.people_reached_cumulative =
                    metrics.people_reached_cumulative.saturating_add(people);
                if (when.year(), when.month()) == month {
                    metrics.people_reached_month =
                        metrics.people_reached_month.saturating_add(people);
                }
            }
            None => metrics.reached_not_broken_down.push(convoy.id.clone()),
        }
    }
    for operation in air {
        if let Some(when) = air_delivery(operation, &location.id, at) {
            metrics.air_operations.push(operation.id.clone());
            last = last.max(Some(when));
        }
    }
    metrics.last_reached = last.map(|when| when.date_naive());
    metrics.days_since_last_reached = metrics
        .last_reached
        .map(|reached| (day - reached).num_days());
    metrics
}

/// The scorecard as of `day`: `classifier`'s besieged list, each convoy's clock from
/// `clock_of`.
pub fn scorecard(
    locations: &[AccessLocation],
    convoys: &[Convoy],
    air: &[AirOperation],
    day: NaiveDate,
    classifier: &str,
    clock_of: &dyn Fn(&Convoy) -> ApprovalClock,
) -> Scorecard {
    let at = end_of_day(day);
    let month = (day.year(), day.month());
    let mut records: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let mut push = |figure: &'static str, id: &str| {
        records.entry(figure).or_default().push(id.to_owned());
    };

    let mut total = 0;
    let mut reached = 0;
    for location in locations.iter().filter(|l| l.besieged(classifier, day)) {
        total += 1;
        push("besieged_locations_total", &location.id);
        let metrics = location_metrics(location, convoys, air, day);
        if metrics.last_reached.is_some() {
            reached += 1;
            push("besieged_locations_reached", &location.id);
        }
    }

    let mut cumulative = 0;
    let mut this_month = 0;
    let mut pending = 0;
    let mut overdue = 0;
    let mut aborted: BTreeMap<&'static str, u64> =
        AbortReason::ALL.iter().map(|r| (r.name(), 0)).collect();
    let mut medical = 0;
    for convoy in convoys {
        if let (Some(step), Some(people)) = (convoy.delivered_by(at), convoy.people_reached(at)) {
            cumulative = u64::saturating_add(cumulative, people);
            push("people_reached_cumulative", &convoy.id);
            if (step.at.year(), step.at.month()) == month {
                this_month = u64::saturating_add(this_month, people);
                push("people_reached_month", &convoy.id);
            }
        }
        if convoy.state_at(at).awaits_approval() {
            pending += 1;
            push("approvals_pending", &convoy.id);
            if clock_of(convoy).overdue_now(convoy, at).is_some() {
                overdue += 1;
                push("approvals_overdue", &convoy.id);
            }
        }
        if let Some(reason) = convoy.abort_reason(at) {
            *aborted.entry(reason.name()).or_default() += 1;
            push("convoys_aborted_by_reason", &convoy.id);
        }
        let removed = convoy.removals_until(at).filter(|r| r.is_medical()).count() as u64;
        if removed > 0 {
            medical += removed;
            push("medical_removals", &convoy.id);
        }
    }

    let mut flown = 0;
    let mut tonnes = 0.0;
    let mut dropped = 0;
    let mut recovered = 0;
    for operation in air {
        let flew = operation
            .steps_until(at)
            .any(|step| step.to == super::air::AirState::Flown || step.to.has_dropped());
        if operation.kind == AirKind::Airdrop && flew {
            flown += 1;
            push("airdrops_flown", &operation.id);
        }
        let tally = operation.tally(at);
        if let Some(t) = tally.tonnes_delivered {
            tonnes += t;
            push("tonnes_delivered", &operation.id);
        }
        if let Some(n) = tally.pallets_dropped {
            dropped = u64::saturating_add(dropped, u64::from(n));
            push("pallets_dropped", &operation.id);
        }
        if let Some(n) = tally.pallets_recovered {
            recovered = u64::saturating_add(recovered, u64::from(n));
            push("pallets_recovered", &operation.id);
        }
    }

    Scorecard {
        as_of: day,
        classifier: classifier.to_owned(),
        besieged_locations_total: total,
        besieged_locations_reached: reached,
        people_reached_cumulative: cumulative,
        people_reached_month: this_month,
        approvals_pending: pending,
        approvals_overdue: overdue,
        convoys_aborted_by_reason: aborted,
        medical_removals: medical,
        airdrops_flown: flown,
        tonnes_delivered: (tonnes * 1000.0).round() / 1000.0,
        pallets_dropped: dropped,
        pallets_recovered: recovered,
        records,
    }
}
