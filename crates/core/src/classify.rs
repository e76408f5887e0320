//! Classification of an incident against the agreement's terms: rules R0–R6 of the domain brief
//! (§9). Every label comes with reasons that name the agreement version, the area versions, the
//! designations and the commitments used, so that both co-chairs can check the result.
//!
//! The function is pure: the same incident and scenario always give the same assessment.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde::{Serialize, Serializer};

use crate::actor::{ActorId, CoChair};
use crate::agreement::{AgreementVersion, Geography, LateAcceptance, ObligationCode, VersionAt};
use crate::commitment::CommitmentState;
use crate::control::{AreaVersion, Controller};
use crate::incident::{ActorRef, EventType, Incident, SourceGrade, SubEventType, TimePrecision};
use crate::scenario::Scenario;
use crate::time::{format_local, format_utc};

/// The outcome labels. Several can apply to one incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    /// R0: the time is coarser than a day or the place is unknown.
    InsufficientData,
    /// R1: before the agreement took effect.
    PreStart,
    /// R1: within the review window around the start.
    TransitionWindow,
    /// R1: after the last version lapsed.
    AfterEnd,
    /// R2: outside the geography of the version in force.
    OutsideGeography,
    /// R2: launched across an international border.
    CrossBorder,
    /// R3: the perpetrator is an excluded organisation.
    PerpetratorExcluded,
    /// R3: the target is an excluded organisation in its own delineated area.
    TargetExcluded,
    /// R3: co-mingled, contested, undelineated or disputed area; needs a joint finding.
    CoverageDisputed,
    /// R3: a party that never (or no longer) accepted the terms.
    NonParticipant,
    /// R3: both sides are participating parties: the terms apply.
    Covered,
}

impl Label {
    /// Snake-case name, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::InsufficientData => "insufficient_data",
            Label::PreStart => "pre_start",
            Label::TransitionWindow => "transition_window",
            Label::AfterEnd => "after_end",
            Label::OutsideGeography => "outside_geography",
            Label::CrossBorder => "cross_border",
            Label::PerpetratorExcluded => "perpetrator_excluded",
            Label::TargetExcluded => "target_excluded",
            Label::CoverageDisputed => "coverage_disputed",
            Label::NonParticipant => "non_participant",
            Label::Covered => "covered",
        }
    }

    /// Every label, in rule order.
    pub const ALL: [Label; 11] = [
        Label::InsufficientData,
        Label::PreStart,
        Label::TransitionWindow,
        Label::AfterEnd,
        Label::OutsideGeography,
        Label::CrossBorder,
        Label::PerpetratorExcluded,
        Label::TargetExcluded,
        Label::CoverageDisputed,
        Label::NonParticipant,
        Label::Covered,
    ];

    /// Reads a snake-case label name.
    pub fn parse(text: &str) -> Option<Label> {
        Label::ALL.into_iter().find(|label| label.as_str() == text)
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// R5: whether the incident is established.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationStatus {
    /// Claimed, not yet established.
    Alleged,
    /// Established by independent corroboration or direct observation.
    Verified,
}

/// The role an actor plays in an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The alleged perpetrator.
    Perpetrator,
    /// The target.
    Target,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Perpetrator => "perpetrator",
            Role::Target => "target",
        })
    }
}

/// An area version as cited in a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaCitation {
    /// Version id.
    pub id: Arc<str>,
    /// Contributor.
    pub contributor: Arc<str>,
    /// Controller.
    pub controller: Controller,
    /// Whether the map is approximate.
    pub approximate: bool,
}

impl AreaCitation {
    fn of(version: &AreaVersion) -> Self {
        AreaCitation {
            id: version.id.clone(),
            contributor: version.contributor.clone(),
            controller: version.controller.clone(),
            approximate: version.approximate,
        }
    }
}

impl fmt::Display for AreaCitation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "area version {} ({}{}) says {}",
            self.id,
            self.contributor,
            if self.approximate {
                ", approximate"
            } else {
                ""
            },
            self.controller
        )
    }
}

/// Why a label or obligation was (or was not) given. Displayed as one sentence.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Reason {
    /// R0: time precision coarser than a day.
    TimeTooCoarse(TimePrecision),
    /// R0: no location.
    NoLocation,
    /// R1: before the first version's start.
    BeforeStart {
        /// When it happened.
        occurred: DateTime<Utc>,
        /// When the agreement took effect.
        start: DateTime<Utc>,
        /// The version's zone.
        zone: Tz,
        /// The version number.
        version: u32,
    },
    /// R1: the version in force.
    InForce {
        /// When it happened.
        occurred: DateTime<Utc>,
        /// The version's start.
        start: DateTime<Utc>,
        /// The version's zone.
        zone: Tz,
        /// The version number.
        version: u32,
    },
    /// R1: within the review window around a start.
    NearStart {
        /// Window half-width.
        window: Duration,
        /// The start in question.
        start: DateTime<Utc>,
        /// The version's zone.
        zone: Tz,
    },
    /// R1: after the last version ended.
    Lapsed {
        /// When it ended.
        end: DateTime<Utc>,
        /// The version number.
        version: u32,
    },
    /// R2: not inside any admin unit of the scenario's country.
    OutsideCountry,
    /// R2: outside a local version's area.
    OutsideLocalArea {
        /// The version number.
        version: u32,
    },
    /// R2: the reported launch point is outside the country.
    LaunchedFromAbroad,
    /// R3: an actor excluded by designation.
    Designated {
        /// Perpetrator or target.
        role: Role,
        /// The designated actor (the listed entity).
        actor: ActorId,
        /// The actor named in the incident, if it differs (a sub-unit).
        named: ActorId,
        /// The list.
        list: String,
        /// Listed since.
        since: DateTime<Utc>,
    },
    /// R3: an actor excluded by name in the terms.
    ExcludedByName {
        /// Perpetrator or target.
        role: Role,
        /// The excluded actor.
        actor: ActorId,
        /// The version number.
        version: u32,
    },
    /// R3: the excluded target is inside its own delineated area.
    InOwnArea {
        /// The target.
        target: ActorId,
        /// The area versions used.
        areas: Vec<AreaCitation>,
        /// True when no target was named and the area's controller was taken as the target.
        implied: bool,
    },
    /// R3: the excluded target is not (clearly) in its own area.
    NotInOwnArea {
        /// The target.
        target: ActorId,
        /// The area versions used.
        areas: Vec<AreaCitation>,
    },
    /// R3: no area version holds the point at that instant.
    NoDelineation,
    /// R3: area versions in force disagree.
    RivalDelineations(Vec<AreaCitation>),
    /// R3: the area is contested.
    Contested(AreaCitation),
    /// R3: excluded organisations are present among the controller's forces.
    Comingled {
        /// The area version.
        area: AreaCitation,
        /// The organisations present.
        present: Vec<ActorId>,
    },
    /// R3: a participating party holds part of the excluded target's area.
    CoLocated {
        /// The area version.
        area: AreaCitation,
        /// The co-located party.
        party: ActorId,
    },
    /// R3: no target named; the civilians and forces of the area's controller are the target.
    TargetFromArea(AreaCitation),
    /// R3: a participating party.
    Participating {
        /// Perpetrator or target.
        role: Role,
        /// The actor named.
        actor: ActorId,
        /// The actor whose commitment covers it (itself or an ancestor).
        committed: ActorId,
        /// The co-chair it declared to.
        channel: CoChair,
        /// Its state.
        state: CommitmentState,
    },
    /// R3: a party that is not participating.
    NotParticipating {
        /// Perpetrator or target.
        role: Role,
        /// The actor named.
        actor: ActorId,
        /// Its state (`unknown` when it never declared).
        state: CommitmentState,
        /// True when it declared late and late declarations are not covered.
        late_not_covered: bool,
    },
    /// R3: an actor name not in the registry.
    UnknownActor {
        /// Perpetrator or target.
        role: Role,
        /// The name as reported.
        name: String,
    },
    /// R3: no perpetrator named.
    PerpetratorUnidentified,
    /// R4: an obligation engaged.
    Obligation {
        /// The obligation.
        code: ObligationCode,
        /// Why.
        why: &'static str,
    },
    /// R4: the event is not hostilities.
    NotHostilities(EventType),
    /// R4: no event type given.
    EventTypeMissing,
    /// R5: verification status.
    Verification {
        /// The status.
        status: VerificationStatus,
        /// The basis.
        basis: &'static str,
    },
    /// R6: routed to the accused party's co-chair.
    RoutedTo {
        /// The co-chair.
        co_chair: CoChair,
        /// The accused.
        accused: ActorId,
    },
    /// R6: no route.
    NotRouted(&'static str),
}

impl Reason {
    /// The rule that produced the reason (`R0` … `R6`).
    pub fn rule(&self) -> &'static str {
        use Reason::*;
        match self {
            TimeTooCoarse(_) | NoLocation => "R0",
            BeforeStart { .. } | InForce { .. } | NearStart { .. } | Lapsed { .. } => "R1",
            OutsideCountry | OutsideLocalArea { .. } | LaunchedFromAbroad => "R2",
            Obligation { .. } | NotHostilities(_) | EventTypeMissing => "R4",
            Verification { .. } => "R5",
            RoutedTo { .. } | NotRouted(_) => "R6",
            _ => "R3",
        }
    }
}

fn join_citations(areas: &[AreaCitation]) -> String {
    areas
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn join_ids(ids: &[ActorId]) -> String {
    ids.iter()
        .map(ActorId::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Reason::*;
        write!(f, "{}: ", self.rule())?;
        match self {
            TimeTooCoarse(precision) => write!(
                f,
                "the time is known only to the {} (ACLED time precision {}); a day or better is needed",
                if *precision == TimePrecision::Week { "week" } else { "month" },
                u8::from(*precision)
            ),
            NoLocation => f.write_str("the location is unknown"),
            BeforeStart { occurred, start, zone, version } => write!(
                f,
                "occurred {} ({}), before version {version} took effect at {} ({})",
                format_local(*occurred, *zone),
                format_utc(*occurred),
                format_local(*start, *zone),
                format_utc(*start)
            ),
            InForce { occurred, start, zone, version } => write!(
                f,
                "occurred {} ({}); version {version} in force since {} ({})",
                format_local(*occurred, *zone),
                format_utc(*occurred),
                format_local(*start, *zone),
                format_utc(*start)
            ),
            NearStart { window, start, zone } => write!(
                f,
                "within {} h of the start at {}: orders may not yet have reached units; for analyst review",
                window.num_hours(),
                format_local(*start, *zone)
            ),
            Lapsed { end, version } => {
                write!(f, "after version {version} lapsed at {}", format_utc(*end))
            }
            OutsideCountry => f.write_str("the point lies outside every admin unit of the scenario"),
            OutsideLocalArea { version } => {
                write!(f, "the point lies outside the area of version {version}")
            }
            LaunchedFromAbroad => f.write_str(
                "reported as launched from outside the country: cross-border attacks need manual handling",
            ),
            Designated { role, actor, named, list, since } => {
                write!(f, "{role} {named}")?;
                if named != actor {
                    write!(f, " (part of {actor})")?;
                }
                write!(f, " is excluded: listed on {list} since {}", since.format("%Y-%m-%d"))
            }
            ExcludedByName { role, actor, version } => {
                write!(f, "{role} {actor} is excluded by name in version {version}")
            }
            InOwnArea { target, areas, implied } => {
                if *implied {
                    write!(f, "no target named; the area is held by excluded {target}: {}", join_citations(areas))
                } else {
                    write!(f, "target {target} is inside its own delineated area: {}", join_citations(areas))
                }
            }
            NotInOwnArea { target, areas } => write!(
                f,
                "excluded target {target} is not the delineated holder of the area: {}",
                join_citations(areas)
            ),
            NoDelineation => f.write_str("no area version holds the point at that time: delineation missing"),
            RivalDelineations(areas) => {
                write!(f, "delineations disagree: {}", join_citations(areas))
            }
            Contested(area) => write!(f, "contested area: {area}"),
            Comingled { area, present } => write!(
                f,
                "co-mingled area: {} reported present; {area}",
                join_ids(present)
            ),
            CoLocated { area, party } => {
                write!(f, "participating party {party} holds part of the area; {area}")
            }
            TargetFromArea(area) => {
                write!(f, "no target named: the civilians and forces of the area's holder are taken as the target; {area}")
            }
            Participating { role, actor, committed, channel, state } => {
                write!(f, "{role} {actor} is participating ({})", state.as_str())?;
                if committed != actor {
                    write!(f, " through the commitment of {committed}")?;
                }
                write!(f, ", declared to {channel}")
            }
            NotParticipating { role, actor, state, late_not_covered } => {
                if *late_not_covered {
                    write!(f, "{role} {actor} declared after the deadline and late declarations are not covered")
                } else if *state == CommitmentState::Unknown {
                    write!(f, "{role} {actor} never declared acceptance of the terms")
                } else {
                    write!(f, "{role} {actor} is not participating ({})", state.as_str())
                }
            }
            UnknownActor { role, name } => write!(
                f,
                "{role} '{name}' is not in the actor registry: no commitment is recorded"
            ),
            PerpetratorUnidentified => f.write_str(
                "perpetrator not identified: coverage judged on the target's side; attribution needed",
            ),
            Obligation { code, why } => write!(f, "{code}: {why}"),
            NotHostilities(event) => write!(
                f,
                "'{}' is not an act of hostilities: no obligation engaged",
                event.as_str()
            ),
            EventTypeMissing => f.write_str("no event type given: obligations not determined"),
            Verification { status, basis } => write!(
                f,
                "{}: {basis}",
                match status {
                    VerificationStatus::Alleged => "alleged",
                    VerificationStatus::Verified => "verified",
                }
            ),
            RoutedTo { co_chair, accused } => write!(
                f,
                "information request to {accused} through its guarantor co-chair {co_chair}"
            ),
            NotRouted(why) => write!(f, "not routed: {why}"),
        }
    }
}

impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The area the incident fell in, as shown to users.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaMatch {
    /// The admin3 P-code of the point.
    pub pcode: Option<Arc<str>>,
    /// The controller according to the primary area version.
    pub controller: Controller,
    /// The primary area version.
    pub version_id: Arc<str>,
}

/// The result of classifying one incident.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    /// The agreement version used, if one governs the instant.
    pub agreement_version: Option<u32>,
    /// Labels in rule order.
    pub labels: Vec<Label>,
    /// Obligations engaged.
    pub obligations: Vec<ObligationCode>,
    /// The primary area version holding the point.
    pub area: Option<AreaMatch>,
    /// Every area version in force at the point.
    pub area_versions: Vec<Arc<str>>,
    /// The co-chair the case goes to.
    pub route_to: Option<CoChair>,
    /// Whether the incident is established (R5).
    pub verification: VerificationStatus,
    /// Why, rule by rule.
    pub reasons: Vec<Reason>,
}

impl Assessment {
    fn label(&mut self, label: Label) {
        if !self.labels.contains(&label) {
            self.labels.push(label);
        }
    }

    fn oblige(&mut self, code: ObligationCode, why: &'static str) {
        if !self.obligations.contains(&code) {
            self.obligations.push(code);
            self.reasons.push(Reason::Obligation { code, why });
        }
    }

    /// Whether the assessment carries `label`.
    pub fn has(&self, label: Label) -> bool {
        self.labels.contains(&label)
    }
}

/// R5: an incident is verified when two independent sources rate its information 1 or 2, or a
/// monitor of reliability A or B observed it directly.
pub fn verification_status(sources: &[SourceGrade]) -> (VerificationStatus, &'static str) {
    if sources
        .iter()
        .any(|source| source.direct_observation && matches!(source.reliability, 'A' | 'B'))
    {
        return (
            VerificationStatus::Verified,
            "observed directly by a monitor of reliability A or B",
        );
    }
    let mut corroborating: Vec<&str> = sources
        .iter()
        .filter(|source| source.credibility <= 2)
        .map(|source| source.affiliation.as_str())
        .collect();
    corroborating.sort_unstable();
    corroborating.dedup();
    if corroborating.len() >= 2 {
        (
            VerificationStatus::Verified,
            "two or more independent sources grade the information 1 or 2",
        )
    } else if sources.is_empty() {
        (VerificationStatus::Alleged, "no graded source yet")
    } else {
        (
            VerificationStatus::Alleged,
            "fewer than two independent sources grade the information 1 or 2, and no direct observation by a reliable monitor",
        )
    }
}

/// Classifies one incident against the scenario's agreement (rules R0–R6).
pub fn classify(incident: &Incident, scenario: &Scenario) -> Assessment {
    let (verification, basis) = verification_status(&incident.sources);
    let mut assessment = Assessment {
        agreement_version: None,
        labels: Vec::with_capacity(2),
        obligations: Vec::new(),
        area: None,
        area_versions: Vec::new(),
        route_to: None,
        verification,
        reasons: Vec::with_capacity(6),
    };
    let mut out = Classifier {
        incident,
        scenario,
        assessment: &mut assessment,
    };
    out.run();
    assessment.reasons.push(Reason::Verification {
        status: verification,
        basis,
    });
    assessment
}

struct Classifier<'a> {
    incident: &'a Incident,
    scenario: &'a Scenario,
    assessment: &'a mut Assessment,
}

/// What the area versions at the point say, reduced to what R3 needs.
struct AreaPicture<'a> {
    versions: Vec<&'a AreaVersion>,
}

impl AreaPicture<'_> {
    fn citations(&self) -> Vec<AreaCitation> {
        self.versions.iter().map(|v| AreaCitation::of(v)).collect()
    }

    /// The one controller all versions agree on, if they agree.
    fn agreed_controller(&self) -> Option<&Controller> {
        let first = &self.versions.first()?.controller;
        self.versions
            .iter()
            .all(|version| &version.controller == first)
            .then_some(first)
    }
}

impl<'a> Classifier<'a> {
    fn run(&mut self) {
        let incident = self.incident;
        let scenario = self.scenario;
        let t = incident.occurred_at;

        // R0: data sufficiency.
        if incident.time_precision > TimePrecision::Day {
            self.assessment.label(Label::InsufficientData);
            self.assessment
                .reasons
                .push(Reason::TimeTooCoarse(incident.time_precision));
            return;
        }
        let Some(location) = incident.location else {
            self.assessment.label(Label::InsufficientData);
            self.assessment.reasons.push(Reason::NoLocation);
            return;
        };

        let picture = AreaPicture {
            versions: scenario.control.at(location.lon, location.lat, t),
        };
        let admin3 = picture
            .versions
            .iter()
            .find_map(|version| version.admin3_pcode.clone())
            .or_else(|| {
                scenario
                    .admin3
                    .at(location.lon, location.lat)
                    .map(|unit| unit.pcode.clone())
            });
        self.assessment.area_versions = picture.versions.iter().map(|v| v.id.clone()).collect();
        self.assessment.area = primary_version(&picture.versions).map(|version| AreaMatch {
            pcode: admin3.clone(),
            controller: version.controller.clone(),
            version_id: version.id.clone(),
        });

        // R1: temporal window.
        let Some(version) = self.version_in_force(t) else {
            return;
        };
        self.assessment.agreement_version = Some(version.number);

        // R2: geographic scope.
        let inside = match &version.geography {
            Geography::Nationwide => admin3.is_some(),
            Geography::Area { index, .. } => index.contains(location.lon, location.lat),
        };
        if !inside {
            self.assessment.label(Label::OutsideGeography);
            self.assessment.reasons.push(match version.geography {
                Geography::Nationwide => Reason::OutsideCountry,
                Geography::Area { .. } => Reason::OutsideLocalArea {
                    version: version.number,
                },
            });
            return;
        }
        if let Some(origin) = incident.origin
            && scenario.admin3.at(origin.lon, origin.lat).is_none()
        {
            self.assessment.label(Label::CrossBorder);
            self.assessment.reasons.push(Reason::LaunchedFromAbroad);
        }

        // R3: actor coverage; R4 when covered; R6 routing.
        self.coverage(version, &picture);
        self.route();
    }

    /// R1. Returns the version to judge under, or `None` when the incident is outside every
    /// version's time (pre-start or lapsed).
    fn version_in_force(&mut self, t: DateTime<Utc>) -> Option<&'a AgreementVersion> {
        let scenario = self.scenario;
        let near_start = |version: &AgreementVersion| {
            (t - version.effective_start).abs() < version.transition_window
        };
        match scenario.agreement.version_at(t)? {
            VersionAt::BeforeStart(first) => {
                self.assessment.label(Label::PreStart);
                self.assessment.reasons.push(Reason::BeforeStart {
                    occurred: t,
                    start: first.effective_start,
                    zone: first.zone,
                    version: first.number,
                });
                if near_start(first) {
                    self.flag_transition(first);
                }
                None
            }
            VersionAt::Lapsed(last) => {
                self.assessment.label(Label::AfterEnd);
                self.assessment.reasons.push(Reason::Lapsed {
                    end: last.end.unwrap_or(last.effective_start),
                    version: last.number,
                });
                None
            }
            VersionAt::InForce(version) => {
                self.assessment.reasons.push(Reason::InForce {
                    occurred: t,
                    start: version.effective_start,
                    zone: version.zone,
                    version: version.number,
                });
                if near_start(version) {
                    self.flag_transition(version);
                }
                Some(version)
            }
        }
    }

    fn flag_transition(&mut self, version: &AgreementVersion) {
        self.assessment.label(Label::TransitionWindow);
        self.assessment.reasons.push(Reason::NearStart {
            window: version.transition_window,
            start: version.effective_start,
            zone: version.zone,
        });
    }

    /// The reason an actor is excluded at the incident's time, if it is: by designation on
    /// an excluded list, or by name, for itself or any ancestor.
    fn exclusion(&self, role: Role, named: &ActorId, version: &AgreementVersion) -> Option<Reason> {
        let t = self.incident.occurred_at;
        let actors = &self.scenario.actors;
        for actor in actors.ancestry(named) {
            if let Some(designation) = actors.designation_at(&actor.id, t, &version.excluded_lists)
            {
                return Some(Reason::Designated {
                    role,
                    actor: actor.id.clone(),
                    named: named.clone(),
                    list: designation.list.clone(),
                    since: designation.listed_from,
                });
            }
            if version.excluded_actors.contains(&actor.id) {
                return Some(Reason::ExcludedByName {
                    role,
                    actor: actor.id.clone(),
                    version: version.number,
                });
            }
        }
        None
    }

    /// Whether `actor` is participating at the incident's time, with the reason either way.
    fn participation(
        &self,
        role: Role,
        actor: &ActorId,
        version: &AgreementVersion,
    ) -> (bool, Reason) {
        let scenario = self.scenario;
        let t = self.incident.occurred_at;
        let found = scenario
            .actors
            .ancestry(actor)
            .find_map(|candidate| scenario.commitment(&candidate.id));
        let Some(commitment) = found else {
            return (
                false,
                Reason::NotParticipating {
                    role,
                    actor: actor.clone(),
                    state: CommitmentState::Unknown,
                    late_not_covered: false,
                },
            );
        };
        let state = commitment.state_at(
            t,
            scenario.agreement.first_deadline(),
            &scenario.reconfirmation_starts,
        );
        let participating = match state {
            CommitmentState::Participating => true,
            CommitmentState::ParticipatingLate => {
                version.late_acceptance == LateAcceptance::CoveredFromDeclaration
            }
            _ => false,
        };
        if participating {
            (
                true,
                Reason::Participating {
                    role,
                    actor: actor.clone(),
                    committed: commitment.actor.clone(),
                    channel: commitment.channel,
                    state,
                },
            )
        } else {
            (
                false,
                Reason::NotParticipating {
                    role,
                    actor: actor.clone(),
                    state,
                    late_not_covered: state == CommitmentState::ParticipatingLate,
                },
            )
        }
    }

    fn coverage(&mut self, version: &AgreementVersion, picture: &AreaPicture<'_>) {
        // Perpetrator excluded: not a violation of these terms, whatever the target.
        if let Some(ActorRef::Known(perpetrator)) = &self.incident.perpetrator
            && let Some(reason) = self.exclusion(Role::Perpetrator, perpetrator, version)
        {
            self.assessment.label(Label::PerpetratorExcluded);
            self.assessment.reasons.push(reason);
            return;
        }

        // The target: as named, or else the holder of the area.
        let (target, implied) = match &self.incident.target {
            Some(ActorRef::Known(target)) => (Some(target.clone()), false),
            Some(ActorRef::Unknown(_)) => (None, false),
            None => match picture.agreed_controller() {
                Some(Controller::Actor(holder)) => (Some(holder.clone()), true),
                _ => (None, true),
            },
        };

        if let Some(target) = &target
            && let Some(reason) = self.exclusion(Role::Target, target, version)
        {
            self.assessment.reasons.push(reason);
            self.excluded_target(target, implied, version, picture);
            return;
        }

        // A participating (or unknown) target: any doubt about the area means a joint finding.
        let mut disputed = self.area_doubts(picture);
        if implied
            && let Some(version) = picture.versions.first()
            && !disputed
        {
            self.assessment
                .reasons
                .push(Reason::TargetFromArea(AreaCitation::of(version)));
        }

        let mut all_participating = true;
        match &self.incident.perpetrator {
            Some(ActorRef::Known(perpetrator)) => {
                let (participating, reason) =
                    self.participation(Role::Perpetrator, perpetrator, version);
                all_participating &= participating;
                self.assessment.reasons.push(reason);
            }
            Some(ActorRef::Unknown(name)) => {
                all_participating = false;
                self.assessment.reasons.push(Reason::UnknownActor {
                    role: Role::Perpetrator,
                    name: name.clone(),
                });
            }
            None => self
                .assessment
                .reasons
                .push(Reason::PerpetratorUnidentified),
        }
        match (&target, &self.incident.target) {
            (Some(target), _) => {
                let (participating, reason) = self.participation(Role::Target, target, version);
                all_participating &= participating;
                self.assessment.reasons.push(reason);
            }
            (None, Some(ActorRef::Unknown(name))) => {
                all_participating = false;
                self.assessment.reasons.push(Reason::UnknownActor {
                    role: Role::Target,
                    name: name.clone(),
                });
            }
            // No target and no single holder of the area: already a dispute.
            (None, _) => disputed = true,
        }

        if disputed {
            self.assessment.label(Label::CoverageDisputed);
        }
        if !all_participating {
            self.assessment.label(Label::NonParticipant);
        }
        if !disputed && all_participating {
            self.assessment.label(Label::Covered);
            self.obligations(version);
        }
    }

    /// Records why the area is doubtful (missing, rival, contested or co-mingled), if it is.
    fn area_doubts(&mut self, picture: &AreaPicture<'_>) -> bool {
        if picture.versions.is_empty() {
            self.assessment.reasons.push(Reason::NoDelineation);
            return true;
        }
        if picture.agreed_controller().is_none() {
            self.assessment
                .reasons
                .push(Reason::RivalDelineations(picture.citations()));
            return true;
        }
        let mut doubtful = false;
        for version in &picture.versions {
            if version.controller == Controller::Contested {
                self.assessment
                    .reasons
                    .push(Reason::Contested(AreaCitation::of(version)));
                doubtful = true;
            }
            if !version.comingled.is_empty() {
                self.assessment.reasons.push(Reason::Comingled {
                    area: AreaCitation::of(version),
                    present: version.comingled.clone(),
                });
                doubtful = true;
            }
        }
        doubtful
    }

    /// R3 for an excluded target: permitted only in its own, clearly delineated area.
    fn excluded_target(
        &mut self,
        target: &ActorId,
        implied: bool,
        version: &AgreementVersion,
        picture: &AreaPicture<'_>,
    ) {
        let held_by_target = match picture.agreed_controller() {
            Some(Controller::Actor(holder)) => self
                .scenario
                .actors
                .ancestry(target)
                .any(|a| &a.id == holder),
            _ => false,
        };
        if !held_by_target {
            self.assessment.label(Label::CoverageDisputed);
            self.assessment
                .reasons
                .push(if picture.versions.is_empty() {
                    Reason::NoDelineation
                } else {
                    Reason::NotInOwnArea {
                        target: target.clone(),
                        areas: picture.citations(),
                    }
                });
            return;
        }
        // A participating party holding part of the area makes the strike a matter for a joint
        // finding.
        let co_located = picture.versions.iter().find_map(|area| {
            let party = area.secondary_controller.as_ref()?;
            let excluded = self.exclusion(Role::Target, party, version).is_some();
            let participating = self.participation(Role::Target, party, version).0;
            (!excluded && participating).then(|| (area, party.clone()))
        });
        if let Some((area, party)) = co_located {
            self.assessment.label(Label::CoverageDisputed);
            self.assessment.reasons.push(Reason::CoLocated {
                area: AreaCitation::of(area),
                party,
            });
            return;
        }
        self.assessment.label(Label::TargetExcluded);
        self.assessment.reasons.push(Reason::InOwnArea {
            target: target.clone(),
            areas: picture.citations(),
            implied,
        });
    }

    /// R4: the obligations an attack or obstruction by a participating party engages.
    fn obligations(&mut self, version: &AgreementVersion) {
        use ObligationCode as O;
        use SubEventType as S;
        let kind = self.incident.kind;
        let mut engaged: Vec<(ObligationCode, &'static str)> = Vec::new();
        match (kind.event_type, kind.sub_event_type) {
            (_, Some(S::AidObstruction)) => engaged.push((
                O::Access,
                "humanitarian access denied or obstructed in an area under the party's control",
            )),
            (_, Some(S::AttackOnAid)) => {
                engaged.push((O::Access, "attack on humanitarian aid"));
                engaged.push((
                    O::NoAttack,
                    "attack with weapons on a participating party's area",
                ));
            }
            (_, Some(S::GovernmentRegainsTerritory | S::NonStateActorOvertakesTerritory)) => {
                engaged.push((O::NoAttack, "armed assault on a participating party"));
                engaged.push((O::NoTerritory, "territory taken from a participating party"));
            }
            (_, Some(S::NonViolentTransferOfTerritory)) => engaged.push((
                O::NoTerritory,
                "territory acquired from a participating party",
            )),
            (
                Some(
                    EventType::Battles
                    | EventType::ExplosionsRemoteViolence
                    | EventType::ViolenceAgainstCivilians,
                ),
                _,
            ) => engaged.push((
                O::NoAttack,
                "attack with weapons on a participating party or on civilians in its area",
            )),
            (Some(other), _) => self.assessment.reasons.push(Reason::NotHostilities(other)),
            (None, _) => self.assessment.reasons.push(Reason::EventTypeMissing),
        }
        if self.incident.self_defence_claimed {
            engaged.push((
                O::Proportionate,
                "self-defence claimed: an analyst must judge the immediate threat and proportionality",
            ));
        }
        let side = match &self.incident.perpetrator {
            Some(ActorRef::Known(id)) => self.scenario.actors.get(id).map(|actor| actor.side),
            _ => None,
        };
        for (code, why) in engaged {
            // An unidentified perpetrator is bound by whatever binds the parties.
            if side.is_none_or(|side| version.binds(side, code)) {
                self.assessment.oblige(code, why);
            }
        }
    }

    /// R6: a case goes to the co-chair that answers for the accused.
    fn route(&mut self) {
        let needs_case = [
            Label::Covered,
            Label::CoverageDisputed,
            Label::NonParticipant,
        ]
        .iter()
        .any(|label| self.assessment.has(*label));
        if !needs_case {
            return;
        }
        let reason = match &self.incident.perpetrator {
            Some(ActorRef::Known(accused)) => match self.scenario.actors.guarantor(accused) {
                Some(co_chair) => {
                    self.assessment.route_to = Some(co_chair);
                    Reason::RoutedTo {
                        co_chair,
                        accused: accused.clone(),
                    }
                }
                None => Reason::NotRouted("the accused has no guarantor co-chair"),
            },
            _ => Reason::NotRouted("no identified perpetrator to ask"),
        };
        self.assessment.reasons.push(reason);
    }
}

/// The version shown as "the" area: jointly agreed versions first, then load order.
fn primary_version<'a>(versions: &[&'a AreaVersion]) -> Option<&'a AreaVersion> {
    versions
        .iter()
        .find(|version| version.agreed_by == crate::control::AgreedBy::Joint)
        .or_else(|| versions.first())
        .copied()
}
