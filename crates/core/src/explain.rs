//! Reasons as translatable messages. A [`Reason`] displays as an English sentence; its
//! [`Message`] carries the same content as a key and arguments, so that an interface can say it
//! in another language. The English templates of the interface must produce the `Display` text
//! exactly, and a test in the web crate holds them to it.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::actor::ActorId;
use crate::classify::{AreaCitation, Reason, VerificationStatus};
use crate::commitment::CommitmentState;
use crate::control::Controller;
use crate::incident::TimePrecision;
use crate::time::{format_local, format_utc};

/// A fixed explanation inside a reason: why an obligation is engaged, why an incident counts as
/// verified or alleged, why a case is not routed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// Access denied or obstructed.
    AccessDenied,
    /// An attack on aid.
    AttackOnAid,
    /// An attack on a party's area.
    AttackOnPartyArea,
    /// An armed assault.
    ArmedAssault,
    /// Territory taken by force.
    TerritoryTaken,
    /// Territory acquired without force.
    TerritoryAcquired,
    /// An attack with weapons.
    AttackWithWeapons,
    /// Self-defence was claimed.
    SelfDefenceClaimed,
    /// Seen by a reliable monitor.
    ObservedByReliableMonitor,
    /// Two independent sources.
    TwoIndependentSources,
    /// No graded source.
    NoGradedSource,
    /// Too few good sources.
    TooFewSources,
    /// The accused answers to no co-chair.
    NoGuarantor,
    /// Nobody to ask.
    NoPerpetratorToAsk,
}

impl Why {
    /// The stable key, as used in translation files (`why.<key>`).
    pub fn key(self) -> &'static str {
        use Why::*;
        match self {
            AccessDenied => "access_denied",
            AttackOnAid => "attack_on_aid",
            AttackOnPartyArea => "attack_on_party_area",
            ArmedAssault => "armed_assault",
            TerritoryTaken => "territory_taken",
            TerritoryAcquired => "territory_acquired",
            AttackWithWeapons => "attack_with_weapons",
            SelfDefenceClaimed => "self_defence_claimed",
            ObservedByReliableMonitor => "observed_by_reliable_monitor",
            TwoIndependentSources => "two_independent_sources",
            NoGradedSource => "no_graded_source",
            TooFewSources => "too_few_sources",
            NoGuarantor => "no_guarantor",
            NoPerpetratorToAsk => "no_perpetrator_to_ask",
        }
    }
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Why::*;
        f.write_str(match self {
            AccessDenied => {
                "humanitarian access denied or obstructed in an area under the party's control"
            }
            AttackOnAid => "attack on humanitarian aid",
            AttackOnPartyArea => "attack with weapons on a participating party's area",
            ArmedAssault => "armed assault on a participating party",
            TerritoryTaken => "territory taken from a participating party",
            TerritoryAcquired => "territory acquired from a participating party",
            AttackWithWeapons => {
                "attack with weapons on a participating party or on civilians in its area"
            }
            SelfDefenceClaimed => {
                "self-defence claimed: an analyst must judge the immediate threat and proportionality"
            }
            ObservedByReliableMonitor => "observed directly by a monitor of reliability A or B",
            TwoIndependentSources => "two or more independent sources grade the information 1 or 2",
            NoGradedSource => "no graded source yet",
            TooFewSources => {
                "fewer than two independent sources grade the information 1 or 2, and no direct observation by a reliable monitor"
            }
            NoGuarantor => "the accused has no guarantor co-chair",
            NoPerpetratorToAsk => "no identified perpetrator to ask",
        })
    }
}

/// A translatable message: a template key and the values of its `{placeholders}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// The template's key, e.g. `reason.in_force`.
    pub key: String,
    /// The placeholders' values by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, Arg>,
}

/// The value of one placeholder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arg {
    /// Shown as it is: numbers, times, version ids, names as reported.
    Text(String),
    /// A key to translate, e.g. `role.target`.
    Term(String),
    /// An actor id, shown by the actor's name.
    Actor(String),
    /// Actor ids, shown as a list of names.
    Actors(Vec<String>),
    /// Messages shown one after the other, separated by `; ` in English (none: nothing).
    Messages(Vec<Message>),
}

impl Message {
    fn new(key: &str) -> Self {
        Message {
            key: format!("reason.{key}"),
            args: BTreeMap::new(),
        }
    }

    fn with(mut self, name: &str, arg: Arg) -> Self {
        self.args.insert(name.to_owned(), arg);
        self
    }

    fn text(self, name: &str, value: impl ToString) -> Self {
        self.with(name, Arg::Text(value.to_string()))
    }

    fn term(self, name: &str, key: String) -> Self {
        self.with(name, Arg::Term(key))
    }

    fn actor(self, name: &str, id: &ActorId) -> Self {
        self.with(name, Arg::Actor(id.as_str().to_owned()))
    }

    fn role(self, role: impl ToString) -> Self {
        self.term("role", format!("role.{}", role.to_string()))
    }

    fn areas(self, name: &str, areas: &[AreaCitation]) -> Self {
        self.with(name, Arg::Messages(areas.iter().map(area).collect()))
    }

    fn parts(self, name: &str, parts: Vec<Message>) -> Self {
        self.with(name, Arg::Messages(parts))
    }
}

fn area(citation: &AreaCitation) -> Message {
    let key = if citation.approximate {
        "area_approximate"
    } else {
        "area"
    };
    let message = Message::new(key)
        .text("id", &citation.id)
        .text("contributor", &citation.contributor);
    match &citation.controller {
        Controller::Actor(actor) => message.actor("controller", actor),
        Controller::Contested => message.term("controller", "controller.contested".to_owned()),
    }
}

fn why(key: Why) -> String {
    format!("why.{}", key.key())
}

fn state(state: CommitmentState) -> String {
    format!("commitment.{}", state.as_str())
}

impl Reason {
    /// The reason as a translatable message (without the rule, see [`Reason::rule`]).
    pub fn message(&self) -> Message {
        use Reason::*;
        match self {
            TimeTooCoarse(precision) => Message::new("time_too_coarse")
                .term(
                    "unit",
                    if *precision == TimePrecision::Week {
                        "unit.week"
                    } else {
                        "unit.month"
                    }
                    .to_owned(),
                )
                .text("precision", u8::from(*precision)),
            NoLocation => Message::new("no_location"),
            BeforeStart {
                occurred,
                start,
                zone,
                version,
            }
            | InForce {
                occurred,
                start,
                zone,
                version,
            } => Message::new(if matches!(self, BeforeStart { .. }) {
                "before_start"
            } else {
                "in_force"
            })
            .text("occurred", format_local(*occurred, *zone))
            .text("occurred_utc", format_utc(*occurred))
            .text("start", format_local(*start, *zone))
            .text("start_utc", format_utc(*start))
            .text("version", version),
            NearStart {
                window,
                start,
                zone,
            } => Message::new("near_start")
                .text("hours", window.num_hours())
                .text("start", format_local(*start, *zone)),
            Lapsed { end, version } => Message::new("lapsed")
                .text("end", format_utc(*end))
                .text("version", version),
            OutsideCountry => Message::new("outside_country"),
            OutsideLocalArea { version } => {
                Message::new("outside_local_area").text("version", version)
            }
            LaunchedFromAbroad => Message::new("launched_from_abroad"),
            Designated {
                role,
                actor,
                named,
                list,
                since,
            } => Message::new(if named == actor {
                "designated"
            } else {
                "designated_part"
            })
            .role(role)
            .actor("named", named)
            .actor("actor", actor)
            .text("list", list)
            .text("since", since.format("%Y-%m-%d")),
            ExcludedByName {
                role,
                actor,
                version,
            } => Message::new("excluded_by_name")
                .role(role)
                .actor("actor", actor)
                .text("version", version),
            InOwnArea {
                target,
                areas,
                implied,
            } => Message::new(if *implied {
                "in_own_area_implied"
            } else {
                "in_own_area"
            })
            .actor("target", target)
            .areas("areas", areas),
            NotInOwnArea { target, areas } => Message::new("not_in_own_area")
                .actor("target", target)
                .areas("areas", areas),
            NoDelineation => Message::new("no_delineation"),
            RivalDelineations(areas) => Message::new("rival_delineations").areas("areas", areas),
            Contested(citation) => Message::new("contested").parts("area", vec![area(citation)]),
            Comingled {
                area: citation,
                present,
            } => Message::new("comingled")
                .with(
                    "present",
                    Arg::Actors(present.iter().map(|id| id.as_str().to_owned()).collect()),
                )
                .parts("area", vec![area(citation)]),
            CoLocated {
                area: citation,
                party,
            } => Message::new("co_located")
                .actor("party", party)
                .parts("area", vec![area(citation)]),
            TargetFromArea(citation) => {
                Message::new("target_from_area").parts("area", vec![area(citation)])
            }
            Participating {
                role,
                actor,
                committed,
                channel,
                state,
            } => {
                let late = if *state == CommitmentState::ParticipatingLate {
                    vec![Message::new("part_declared_late")]
                } else {
                    Vec::new()
                };
                let through = if committed != actor {
                    vec![Message::new("part_through").actor("committed", committed)]
                } else {
                    Vec::new()
                };
                Message::new("participating")
                    .role(role)
                    .actor("actor", actor)
                    .parts("late", late)
                    .parts("through", through)
                    .term("channel", format!("cochair.{channel}"))
            }
            NotParticipating {
                role,
                actor,
                state: commitment,
                late_not_covered,
            } => {
                let message = if *late_not_covered {
                    Message::new("declared_late_not_covered")
                } else if *commitment == CommitmentState::Unknown {
                    Message::new("never_declared")
                } else {
                    Message::new("not_participating").term("state", state(*commitment))
                };
                message.role(role).actor("actor", actor)
            }
            UnknownActor { role, name } => {
                Message::new("unknown_actor").role(role).text("name", name)
            }
            PerpetratorUnidentified => Message::new("perpetrator_unidentified"),
            Obligation { code, why: because } => Message::new("obligation")
                .text("code", code)
                .term("why", why(*because)),
            NotHostilities(event) => {
                Message::new("not_hostilities").term("event", format!("event.{}", event.as_str()))
            }
            EventTypeMissing => Message::new("event_type_missing"),
            Verification { status, basis } => Message::new("verification")
                .term(
                    "status",
                    match status {
                        VerificationStatus::Alleged => "reason.alleged",
                        VerificationStatus::Verified => "reason.verified",
                    }
                    .to_owned(),
                )
                .term("why", why(*basis)),
            RoutedTo { co_chair, accused } => Message::new("routed_to")
                .actor("accused", accused)
                .term("co_chair", format!("cochair.{co_chair}")),
            NotRouted(because) => Message::new("not_routed").term("why", why(*because)),
        }
    }
}
