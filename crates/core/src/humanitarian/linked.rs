//! Linked deliveries: the Four Towns arrangement tied deliveries to Madaya and Zabadani to
//! simultaneous deliveries to Foah and Kafraya (domain brief §4.4, item 6). A convoy to one
//! side waits until a convoy of the same month to the other side has come as far.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Source;
use super::convoy::{Convoy, ConvoyState};

/// Two sets of locations whose deliveries must be simultaneous.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkedDeliveries {
    /// Stable id, e.g. `four-towns`.
    pub id: String,
    /// English name.
    pub name: String,
    /// Arabic name.
    pub name_ar: String,
    /// The two sides: location ids.
    pub sides: [Vec<String>; 2],
    /// Where the arrangement is described.
    #[serde(default)]
    pub sources: Vec<Source>,
}

/// Where a convoy stands against the other side of an arrangement.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum LinkedStatus {
    /// No convoy of the month goes to the other side.
    NoPartner {
        /// The arrangement.
        group: String,
        /// The other side's locations.
        partner_locations: Vec<String>,
    },
    /// The other side's convoys have not come as far as this one: it waits for them.
    Waiting {
        /// The arrangement.
        group: String,
        /// The other side's convoys of the month.
        partners: Vec<String>,
    },
    /// Delivered while no convoy of the month to the other side was: the arrangement was kept
    /// on one side only.
    OneSided {
        /// The arrangement.
        group: String,
        /// The other side's convoys of the month.
        partners: Vec<String>,
    },
    /// A convoy of the other side has come at least as far.
    InStep {
        /// The arrangement.
        group: String,
        /// The other side's convoys of the month.
        partners: Vec<String>,
    },
}

/// How far along the main path a state is; a denied or aborted convoy is nowhere.
fn progress(state: ConvoyState) -> Option<usize> {
    match state {
        ConvoyState::Denied | ConvoyState::Aborted => None,
        ConvoyState::DeliveredPartial => Some(ConvoyState::DeliveredFull as usize),
        other => Some(other as usize),
    }
}

/// Where `convoy` stands, at `at`, under each arrangement one of its destinations is part of.
/// A convoy that is final (delivered, denied, aborted) waits for nothing.
pub fn linked_status(
    convoy: &Convoy,
    convoys: &[Convoy],
    groups: &[LinkedDeliveries],
    at: DateTime<Utc>,
) -> Vec<LinkedStatus> {
    let mine = convoy.state_at(at);
    let mut statuses = Vec::new();
    for group in groups {
        let Some(side) = group
            .sides
            .iter()
            .position(|side| side.iter().any(|location| convoy.goes_to(location)))
        else {
            continue;
        };
        let other = &group.sides[1 - side];
        if other.iter().any(|location| convoy.goes_to(location)) {
            // One convoy to both sides keeps the arrangement by itself.
            statuses.push(LinkedStatus::InStep {
                group: group.id.clone(),
                partners: Vec::new(),
            });
            continue;
        }
        let partners: Vec<&Convoy> = convoys
            .iter()
            .filter(|c| {
                c.id != convoy.id
                    && c.plan_month == convoy.plan_month
                    && other.iter().any(|location| c.goes_to(location))
            })
            .collect();
        let ids = partners.iter().map(|c| c.id.clone()).collect();
        let furthest = partners
            .iter()
            .filter_map(|c| progress(c.state_at(at)))
            .max();
        let delivered_partner = partners.iter().any(|c| c.state_at(at).is_delivered());
        let status = if mine.is_delivered() && !delivered_partner {
            LinkedStatus::OneSided {
                group: group.id.clone(),
                partners: ids,
            }
        } else if partners.is_empty() {
            LinkedStatus::NoPartner {
                group: group.id.clone(),
                partner_locations: other.clone(),
            }
        } else {
            match (progress(mine), furthest) {
                (Some(mine), Some(theirs)) if theirs >= mine => LinkedStatus::InStep {
                    group: group.id.clone(),
                    partners: ids,
                },
                (Some(_), _) if !convoy.state_at(at).is_final() => LinkedStatus::Waiting {
                    group: group.id.clone(),
                    partners: ids,
                },
                _ => LinkedStatus::InStep {
                    group: group.id.clone(),
                    partners: ids,
                },
            }
        };
        statuses.push(status);
    }
    statuses
}
