//! The humanitarian pillar: besieged and hard-to-reach locations, convoys through their
//! approval steps, air operations, linked deliveries and the working group's scorecard
//! (domain brief §4 and §8.3–8.5). Pure: the records come in, decisions and figures go out.

mod air;
mod clock;
mod convoy;
mod linked;
mod location;
mod scorecard;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use air::{AirKind, AirOperation, AirState, AirStep, AirTally, DropZone};
pub use clock::{ApprovalClock, DueStep};
pub use convoy::{
    AbortReason, CargoLine, Convoy, ConvoyState, ConvoyStep, Destination, Reach, Removal,
};
pub use linked::{LinkedDeliveries, LinkedStatus, linked_status};
pub use location::{
    AccessLocation, AccessStatus, AsOf, Classification, DelistReason, PopulationEstimate,
};
pub use scorecard::{LocationMetrics, Scorecard, end_of_day, location_metrics, scorecard};

/// Why a humanitarian record or step was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HumanitarianError {
    /// The move is not in the state machine.
    #[error("'{from}' cannot move to '{to}'; allowed: {}", if allowed.is_empty() { "nothing (it is final)".to_owned() } else { allowed.join(", ") })]
    IllegalTransition {
        /// The state it is in.
        from: &'static str,
        /// The state asked for.
        to: &'static str,
        /// The states it may move to.
        allowed: Vec<&'static str>,
    },
    /// A value is wrong.
    #[error("{0}")]
    Invalid(String),
}

impl HumanitarianError {
    /// An `Invalid` error.
    pub fn invalid(message: impl Into<String>) -> HumanitarianError {
        HumanitarianError::Invalid(message.into())
    }
}

/// Where a record comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Who said it, where and when: "Egeland, press stakeout, 18 Feb 2016".
    pub title: String,
    /// Its address, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Whether `to` can be reached from `from` by one or more moves of a state machine.
pub(crate) fn reaches<S: Copy + PartialEq>(from: S, to: S, next: fn(S) -> &'static [S]) -> bool {
    let mut seen = vec![from];
    let mut frontier = vec![from];
    while let Some(state) = frontier.pop() {
        for &after in next(state) {
            if after == to {
                return true;
            }
            if !seen.contains(&after) {
                seen.push(after);
                frontier.push(after);
            }
        }
    }
    false
}

/// The most people a figure may give (Syria's population was about 18 million).
pub const MAX_PEOPLE: u64 = 30_000_000;
/// The most trucks, pallets or days a figure may give.
pub const MAX_COUNT: u32 = 100_000;
/// The most of a list in a record (destinations, sources, cargo lines, removals).
pub const MAX_ITEMS: usize = 200;
/// The most steps a record may go through (a convoy may be held at many checkpoints).
pub const MAX_STEPS: usize = 500;
/// The longest text of a record (notes, evidence, titles).
pub const MAX_TEXT: usize = 4_000;
/// The largest quantity of a cargo line or removal, and the most tonnes.
pub const MAX_QUANTITY: f64 = 1e9;

/// A quantity is finite, above zero and not absurd.
pub(crate) fn check_quantity(what: &str, quantity: f64) -> Result<(), HumanitarianError> {
    if quantity.is_finite() && quantity > 0.0 && quantity <= MAX_QUANTITY {
        Ok(())
    } else {
        Err(HumanitarianError::invalid(format!(
            "{what}: a quantity is a number above zero and at most {MAX_QUANTITY}"
        )))
    }
}

/// A text is at most [`MAX_TEXT`] characters.
pub(crate) fn check_text(what: &str, text: &str) -> Result<(), HumanitarianError> {
    if text.chars().count() <= MAX_TEXT {
        Ok(())
    } else {
        Err(HumanitarianError::invalid(format!(
            "{what} is longer than {MAX_TEXT} characters"
        )))
    }
}

/// A list has at most `max` items.
pub(crate) fn check_len<T>(what: &str, items: &[T], max: usize) -> Result<(), HumanitarianError> {
    if items.len() <= max {
        Ok(())
    } else {
        Err(HumanitarianError::invalid(format!("at most {max} {what}")))
    }
}

/// A count of people is at most [`MAX_PEOPLE`].
pub(crate) fn check_people(what: &str, people: Option<u64>) -> Result<(), HumanitarianError> {
    match people {
        Some(n) if n > MAX_PEOPLE => Err(HumanitarianError::invalid(format!(
            "{what}: at most {MAX_PEOPLE} people"
        ))),
        _ => Ok(()),
    }
}

/// A count of trucks or pallets is at most [`MAX_COUNT`].
pub(crate) fn check_count(what: &str, count: Option<u32>) -> Result<(), HumanitarianError> {
    match count {
        Some(n) if n > MAX_COUNT => Err(HumanitarianError::invalid(format!(
            "{what}: at most {MAX_COUNT}"
        ))),
        _ => Ok(()),
    }
}

/// Sources: at most [`MAX_ITEMS`], each titled, none too long.
pub(crate) fn check_sources(sources: &[Source]) -> Result<(), HumanitarianError> {
    check_len("sources", sources, MAX_ITEMS)?;
    for source in sources {
        if source.title.trim().is_empty() {
            return Err(HumanitarianError::invalid("a source needs its title"));
        }
        check_text("a source's title", &source.title)?;
        check_text(
            "a source's address",
            source.url.as_deref().unwrap_or_default(),
        )?;
    }
    Ok(())
}

/// The longest id.
const MAX_ID: usize = 64;

/// An id is 1 to 64 of `a-z`, `0-9`, `-` and `_`.
pub(crate) fn check_id(id: &str) -> Result<(), HumanitarianError> {
    let fine = !id.is_empty()
        && id.len() <= MAX_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if fine {
        Ok(())
    } else {
        Err(HumanitarianError::invalid(format!(
            "'{id}' is not an id: 1 to {MAX_ID} of a-z, 0-9, '-' and '_'"
        )))
    }
}

/// A plan month is `YYYY-MM`.
pub(crate) fn check_month(month: &str) -> Result<(), HumanitarianError> {
    parse_month(month).map(|_| ())
}

/// The first day of a `YYYY-MM` month.
pub fn parse_month(month: &str) -> Result<NaiveDate, HumanitarianError> {
    if month.len() != 7 {
        return Err(HumanitarianError::invalid(format!(
            "'{month}' is not a month (YYYY-MM)"
        )));
    }
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .map_err(|_| HumanitarianError::invalid(format!("'{month}' is not a month (YYYY-MM)")))
}
