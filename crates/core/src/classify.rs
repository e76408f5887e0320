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
use crate::explain::Why;
use crate::incident::{ActorRef, EventType, Incident, SubEventType, TimePrecision};
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
        why: Why,
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
        basis: Why,
    },
    /// R6: routed to the accused party's co-chair.
    RoutedTo {
        /// The co-chair.
        co_chair: CoChair,
        /// The accused.
        accused: ActorId,
    },
    /// R6: no route.
    NotRouted(Why),
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
                write!(f, "no target named (or civilians): the civilians and forces of the area's holder are taken as the target; {area}")
            }
            Participating { role, actor, committed, channel, state } => {
                write!(f, "{role} {actor} is participating")?;
                if *state == CommitmentState::ParticipatingLate {
                    f.write_str(" (declared after the deadline: participating_late)")?;
                }
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

    fn oblige(&mut self, code: ObligationCode, why: Why) {
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

/// Classifies one incident against the scenario's agreement (rules R0–R6).
pub fn classify(incident: &Incident, scenario: &Scenario) -> Assessment {
    let procedure = scenario.agreement.case_procedure_at(incident.occurred_at);
    let (verification, basis) = crate::case::verification_status(
        &procedure.verification,
        &incident.sources,
        &scenario.actors,
    );
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
    // R5 goes before R6 so that the reasons read in rule order.
    let before_routing = assessment
        .reasons
        .iter()
        .position(|reason| reason.rule() == "R6")
        .unwrap_or(assessment.reasons.len());
    assessment.reasons.insert(
        before_routing,
        Reason::Verification {
            status: verification,
            basis,
        },
    );
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
        let civilians = |id: &ActorId| {
            self.scenario
                .actors
                .get(id)
                .is_some_and(|actor| actor.side == crate::actor::Side::Civilian)
        };
        let (target, implied) = match &self.incident.target {
            Some(ActorRef::Known(target)) if !civilians(target) => (Some(target.clone()), false),
            Some(ActorRef::Unknown(_)) => (None, false),
            // No target, or civilians: the civilians and forces of the area's holder.
            _ => match picture.agreed_controller() {
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
        let mut engaged: Vec<(ObligationCode, Why)> = Vec::new();
        match (kind.event_type, kind.sub_event_type) {
            (_, Some(S::AidObstruction)) => engaged.push((O::Access, Why::AccessDenied)),
            (_, Some(S::AttackOnAid)) => {
                engaged.push((O::Access, Why::AttackOnAid));
                engaged.push((O::NoAttack, Why::AttackOnPartyArea));
            }
            (_, Some(S::GovernmentRegainsTerritory | S::NonStateActorOvertakesTerritory)) => {
                engaged.push((O::NoAttack, Why::ArmedAssault));
                engaged.push((O::NoTerritory, Why::TerritoryTaken));
            }
            (_, Some(S::NonViolentTransferOfTerritory)) => {
                engaged.push((O::NoTerritory, Why::TerritoryAcquired))
            }
            (
                Some(
                    EventType::Battles
                    | EventType::ExplosionsRemoteViolence
                    | EventType::ViolenceAgainstCivilians,
                ),
                _,
            ) => engaged.push((O::NoAttack, Why::AttackWithWeapons)),
            (Some(other), _) => self.assessment.reasons.push(Reason::NotHostilities(other)),
            (None, _) => self.assessment.reasons.push(Reason::EventTypeMissing),
        }
        if self.incident.self_defence_claimed {
            engaged.push((O::Proportionate, Why::SelfDefenceClaimed));
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
                None => Reason::NotRouted(Why::NoGuarantor),
            },
            _ => Reason::NotRouted(Why::NoPerpetratorToAsk),
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::{DateTime, Duration, Utc};
    use geo::{LineString, MultiPolygon, Polygon};

    use super::*;
    use crate::actor::{Actor, Designation, DesignationStatus, Side};
    use crate::admin::AdminUnit;
    use crate::agreement::{Agreement, Obligation};
    use crate::commitment::{Commitment, CommitmentEvent, CommitmentEventKind};
    use crate::control::{AgreedBy, AreaVersion};
    use crate::incident::{EventKind, GeoPrecision, Location};
    use crate::scenario::{Scenario, ScenarioParts};
    use crate::time::{local_to_utc, parse_local, parse_zone};

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> LineString<f64> {
        LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)])
    }

    fn shape(polygon: Polygon<f64>) -> Arc<MultiPolygon<f64>> {
        Arc::new(MultiPolygon(vec![polygon]))
    }

    fn unit(pcode: &str, polygon: Polygon<f64>) -> AdminUnit {
        AdminUnit {
            pcode: Arc::from(pcode),
            level: 3,
            name_en: pcode.to_owned(),
            name_ar: String::new(),
            admin1_pcode: Arc::from("X1"),
            admin2_pcode: None,
            shape: shape(polygon),
        }
    }

    fn area(
        id: &str,
        contributor: &str,
        pcode: Option<&str>,
        polygon: Polygon<f64>,
        controller: &str,
    ) -> AreaVersion {
        AreaVersion {
            id: Arc::from(id),
            name: None,
            contributor: Arc::from(contributor),
            agreed_by: if contributor == "RU" {
                AgreedBy::Ru
            } else {
                AgreedBy::None
            },
            controller: if controller == "contested" {
                Controller::Contested
            } else {
                Controller::Actor(ActorId::new(controller))
            },
            secondary_controller: None,
            comingled: vec![],
            valid_from: at("2016-01-01T00:00:00Z"),
            valid_to: None,
            admin3_pcode: pcode.map(Arc::from),
            approximate: true,
            confidence: None,
            basis: String::new(),
            shape: shape(polygon),
        }
    }

    fn actor(id: &str, side: Side, guarantor: Option<CoChair>, parent: Option<&str>) -> Actor {
        Actor {
            id: ActorId::new(id),
            name: id.replace('_', " "),
            name_ar: String::new(),
            aliases: vec![],
            acled_type: if side == Side::Civilian { 7 } else { 2 },
            side,
            guarantor,
            parent: parent.map(ActorId::new),
            notes: String::new(),
            monitoring_centres: Vec::new(),
        }
    }

    fn declared(actor: &str, channel: CoChair, when: &str) -> Commitment {
        Commitment {
            actor: ActorId::new(actor),
            channel,
            conditions: String::new(),
            history: vec![CommitmentEvent {
                at: at(when),
                kind: CommitmentEventKind::Declare,
                note: String::new(),
            }],
        }
    }

    fn listed(actor: &str, from: &str) -> Designation {
        Designation {
            actor: ActorId::new(actor),
            list: "UNSC 1267".to_owned(),
            listed_from: at(from),
            listed_to: None,
            status: DesignationStatus::Listed,
            source: String::new(),
        }
    }

    fn version(number: u32, start_local: &str, late: LateAcceptance) -> AgreementVersion {
        let zone = parse_zone("Asia/Damascus").unwrap();
        let sides = vec![
            Side::Government,
            Side::Opposition,
            Side::Kurdish,
            Side::Coalition,
        ];
        AgreementVersion {
            number,
            title: format!("version {number}"),
            title_ar: String::new(),
            effective_start: local_to_utc(parse_local(start_local).unwrap(), zone).unwrap(),
            zone,
            acceptance_deadline: Some(
                local_to_utc(parse_local("2016-02-26T12:00").unwrap(), zone).unwrap(),
            ),
            end: None,
            geography: Geography::Nationwide,
            excluded_lists: vec!["UNSC 1267".to_owned()],
            excluded_actors: vec![ActorId::new("isil"), ActorId::new("nusra")],
            obligations: [
                ObligationCode::NoAttack,
                ObligationCode::NoTerritory,
                ObligationCode::Access,
                ObligationCode::Proportionate,
            ]
            .into_iter()
            .map(|code| Obligation {
                code,
                applies_to: sides.clone(),
                text: String::new(),
                text_ar: String::new(),
                weapon_examples: vec![],
            })
            .collect(),
            transition_window: Duration::hours(6),
            requires_reconfirmation: false,
            late_acceptance: late,
            approval_clock: None,
            case_procedure: None,
            sources: vec![],
        }
    }

    /// A small country of four sub-districts:
    ///
    /// ```text
    /// y=2 +-----------------------+
    ///     |  XC (opposition)      |
    ///     |   [XH isil enclave]   |   XH = 0.4..0.6 x 1.4..1.6, a hole in XC
    /// y=1 +-----------+-----------+
    ///     | XA (gov)  | XB (opp,  |   RU claims the left half of XA (x < 0.5) for nusra
    ///     |           | nusra co- |
    ///     |           | mingled)  |
    /// y=0 +-----------+-----------+
    ///    x=0         x=1         x=2
    /// ```
    fn parts(late: LateAcceptance) -> ScenarioParts {
        let xa = Polygon::new(rect(0.0, 0.0, 1.0, 1.0), vec![]);
        let xb = Polygon::new(rect(1.0, 0.0, 2.0, 1.0), vec![]);
        let xc = Polygon::new(rect(0.0, 1.0, 2.0, 2.0), vec![rect(0.4, 1.4, 0.6, 1.6)]);
        let xh = Polygon::new(rect(0.4, 1.4, 0.6, 1.6), vec![]);
        let mut xb_area = area("compiled/XB", "compiled", Some("XB"), xb.clone(), "opp");
        xb_area.comingled = vec![ActorId::new("nusra")];
        let mut calm = version(2, "2016-05-04T00:01", late);
        calm.title = "regime of calm".to_owned();
        ScenarioParts {
            id: "mini".to_owned(),
            agreement: Some(Agreement {
                id: "mini".to_owned(),
                name: "mini".to_owned(),
                name_ar: String::new(),
                instrument_type: "test".to_owned(),
                versions: vec![version(1, "2016-02-27T00:00", late), calm],
            }),
            actors: vec![
                actor("gov", Side::Government, Some(CoChair::RU), None),
                actor("militia", Side::Government, None, Some("gov")),
                actor("opp", Side::Opposition, Some(CoChair::US), None),
                actor("opp_brigade", Side::Opposition, None, Some("opp")),
                actor("late_group", Side::Opposition, Some(CoChair::US), None),
                actor("future_listed", Side::Opposition, Some(CoChair::US), None),
                actor("isil", Side::Jihadist, None, None),
                actor("nusra", Side::Jihadist, None, None),
                actor("turkey", Side::External, None, None),
                actor("civilians", Side::Civilian, None, None),
            ],
            designations: vec![
                listed("isil", "2004-10-18T00:00:00Z"),
                listed("nusra", "2014-05-14T00:00:00Z"),
                listed("future_listed", "2016-05-01T00:00:00Z"),
            ],
            commitments: vec![
                declared("gov", CoChair::RU, "2016-02-23T12:00:00Z"),
                declared("opp", CoChair::US, "2016-02-26T09:00:00Z"),
                declared("late_group", CoChair::US, "2016-02-27T12:00:00Z"),
                declared("future_listed", CoChair::US, "2016-02-25T00:00:00Z"),
            ],
            areas: vec![
                area("compiled/XA", "compiled", Some("XA"), xa.clone(), "gov"),
                xb_area,
                area("compiled/XC", "compiled", Some("XC"), xc.clone(), "opp"),
                area("compiled/XH", "compiled", Some("XH"), xh.clone(), "isil"),
                area(
                    "ru/XA-west",
                    "RU",
                    None,
                    Polygon::new(rect(0.0, 0.0, 0.5, 1.0), vec![]),
                    "nusra",
                ),
            ],
            admin3: vec![
                unit("XA", xa),
                unit("XB", xb),
                unit("XC", xc),
                unit("XH", xh),
            ],
            ..ScenarioParts::default()
        }
    }

    fn scenario() -> Scenario {
        Scenario::from_parts(parts(LateAcceptance::CoveredFromDeclaration)).unwrap()
    }

    fn incident(
        when: &str,
        lon: f64,
        lat: f64,
        perpetrator: Option<&str>,
        target: Option<&str>,
    ) -> Incident {
        let mut incident = Incident::new(
            "t",
            at(when),
            Some(Location::new(lat, lon, GeoPrecision::Town).unwrap()),
        );
        let known = |id: &str| ActorRef::Known(ActorId::new(id));
        incident.perpetrator = perpetrator.map(known);
        incident.target = target.map(known);
        incident.kind = EventKind::parse("Shelling/artillery/missile attack")
            .unwrap()
            .0;
        incident
    }

    const MARCH: &str = "2016-03-10T08:00:00Z";
    /// Inside XC, away from every border and the enclave.
    const XC_POINT: (f64, f64) = (1.5, 1.5);

    fn labels(assessment: &Assessment) -> Vec<&'static str> {
        assessment.labels.iter().map(|l| l.as_str()).collect()
    }

    fn explain(assessment: &Assessment) -> String {
        assessment
            .reasons
            .iter()
            .map(|r| format!("\n  {r}"))
            .collect()
    }

    #[test]
    fn an_attack_between_participating_parties_is_covered_and_routed_to_the_attackers_co_chair() {
        let scenario = scenario();
        let a = classify(
            &incident(MARCH, XC_POINT.0, XC_POINT.1, Some("gov"), Some("opp")),
            &scenario,
        );
        assert_eq!(labels(&a), ["covered"], "{}", explain(&a));
        assert_eq!(a.obligations, [ObligationCode::NoAttack]);
        assert_eq!(a.route_to, Some(CoChair::RU));
        assert_eq!(a.agreement_version, Some(1));
        let area = a.area.as_ref().unwrap();
        assert_eq!(area.pcode.as_deref(), Some("XC"));
        assert_eq!(&*area.version_id, "compiled/XC");
        let text = explain(&a);
        assert!(
            text.contains("version 1 in force since 2016-02-27 00:00 EET (2016-02-26 22:00 UTC)"),
            "{text}"
        );
        assert!(text.contains("declared to RU"), "{text}");
        assert!(text.contains("OBL-NO-ATTACK"), "{text}");
    }

    #[test]
    fn exactly_at_the_start_the_terms_apply_and_one_second_before_they_do_not() {
        let scenario = scenario();
        let start = "2016-02-26T22:00:00Z";
        let a = classify(
            &incident(start, XC_POINT.0, XC_POINT.1, Some("gov"), Some("opp")),
            &scenario,
        );
        assert_eq!(
            labels(&a),
            ["transition_window", "covered"],
            "{}",
            explain(&a)
        );
        let before = classify(
            &incident(
                "2016-02-26T21:59:59Z",
                XC_POINT.0,
                XC_POINT.1,
                Some("gov"),
                Some("opp"),
            ),
            &scenario,
        );
        assert_eq!(
            labels(&before),
            ["pre_start", "transition_window"],
            "{}",
            explain(&before)
        );
        assert!(before.obligations.is_empty());
        assert_eq!(before.route_to, None);
        let long_before = classify(
            &incident(
                "2016-02-20T12:00:00Z",
                XC_POINT.0,
                XC_POINT.1,
                Some("gov"),
                Some("opp"),
            ),
            &scenario,
        );
        assert_eq!(labels(&long_before), ["pre_start"]);
        assert!(
            long_before.area.is_some(),
            "the area is still shown before the start"
        );
    }

    #[test]
    fn a_version_starting_in_damascus_summer_time_is_converted_with_utc_plus_3() {
        // 00:01 on 4 May 2016 in Damascus was 21:01 UTC on 3 May (UTC+3, daylight-saving time).
        // A fixed UTC+2 would put the start at 22:01 UTC and judge this incident under version 2.
        let scenario = scenario();
        let a = classify(
            &incident(
                "2016-05-03T21:30:00Z",
                XC_POINT.0,
                XC_POINT.1,
                Some("gov"),
                Some("opp"),
            ),
            &scenario,
        );
        assert_eq!(a.agreement_version, Some(2), "{}", explain(&a));
        assert!(
            explain(&a).contains("2016-05-04 00:01 EEST"),
            "{}",
            explain(&a)
        );
        let earlier = classify(
            &incident(
                "2016-05-03T21:00:00Z",
                XC_POINT.0,
                XC_POINT.1,
                Some("gov"),
                Some("opp"),
            ),
            &scenario,
        );
        assert_eq!(earlier.agreement_version, Some(1));
    }

    #[test]
    fn a_point_on_a_shared_edge_lies_in_both_areas_and_is_disputed() {
        let scenario = scenario();
        let a = classify(&incident(MARCH, 1.0, 0.75, Some("opp"), None), &scenario);
        let mut versions: Vec<&str> = a.area_versions.iter().map(|v| &**v).collect();
        versions.sort();
        assert_eq!(versions, ["compiled/XA", "compiled/XB"]);
        assert_eq!(labels(&a), ["coverage_disputed"], "{}", explain(&a));
    }

    #[test]
    fn a_point_in_a_hole_belongs_to_the_enclave_not_the_surrounding_area() {
        let scenario = scenario();
        let a = classify(&incident(MARCH, 0.5, 1.5, Some("gov"), None), &scenario);
        assert_eq!(
            a.area_versions.iter().map(|v| &**v).collect::<Vec<_>>(),
            ["compiled/XH"]
        );
        assert_eq!(labels(&a), ["target_excluded"], "{}", explain(&a));
        assert!(
            explain(&a).contains("no target named; the area is held by excluded isil"),
            "{}",
            explain(&a)
        );
        assert_eq!(a.route_to, None);
    }

    #[test]
    fn overlapping_rival_versions_make_the_coverage_disputed_and_are_both_cited() {
        let scenario = scenario();
        let a = classify(
            &incident(MARCH, 0.25, 0.5, Some("opp"), Some("gov")),
            &scenario,
        );
        assert_eq!(labels(&a), ["coverage_disputed"], "{}", explain(&a));
        let text = explain(&a);
        assert!(
            text.contains("compiled/XA") && text.contains("ru/XA-west"),
            "{text}"
        );
        assert_eq!(a.route_to, Some(CoChair::US));
        // Outside the rival claim, the same attack is covered.
        let east = classify(
            &incident(MARCH, 0.75, 0.5, Some("opp"), Some("gov")),
            &scenario,
        );
        assert_eq!(labels(&east), ["covered"], "{}", explain(&east));
    }

    #[test]
    fn an_excluded_target_inside_a_co_mingled_area_is_disputed_not_excluded() {
        let scenario = scenario();
        let a = classify(
            &incident(MARCH, 1.5, 0.5, Some("gov"), Some("nusra")),
            &scenario,
        );
        assert_eq!(labels(&a), ["coverage_disputed"], "{}", explain(&a));
        assert!(
            explain(&a).contains("not the delineated holder"),
            "{}",
            explain(&a)
        );
        // A participating target in the same co-mingled area is disputed too.
        let b = classify(
            &incident(MARCH, 1.5, 0.5, Some("gov"), Some("opp")),
            &scenario,
        );
        assert_eq!(labels(&b), ["coverage_disputed"], "{}", explain(&b));
        assert!(
            explain(&b).contains("co-mingled area: nusra reported present"),
            "{}",
            explain(&b)
        );
        assert_eq!(b.route_to, Some(CoChair::RU));
    }

    #[test]
    fn an_excluded_target_in_its_own_area_is_target_excluded() {
        let scenario = scenario();
        let a = classify(
            &incident(MARCH, 0.5, 1.5, Some("gov"), Some("isil")),
            &scenario,
        );
        assert_eq!(labels(&a), ["target_excluded"], "{}", explain(&a));
        assert!(
            explain(&a).contains("target isil is excluded: listed on UNSC 1267 since 2004-10-18")
        );
    }

    #[test]
    fn an_unknown_actor_is_a_non_participant_and_says_so() {
        let scenario = scenario();
        let mut unknown = incident(MARCH, XC_POINT.0, XC_POINT.1, None, Some("opp"));
        unknown.perpetrator = Some(ActorRef::Unknown("Liwa al-Fursan".to_owned()));
        let a = classify(&unknown, &scenario);
        assert_eq!(labels(&a), ["non_participant"], "{}", explain(&a));
        assert!(explain(&a).contains("'Liwa al-Fursan' is not in the actor registry"));
        assert_eq!(a.route_to, None);
    }

    #[test]
    fn a_designation_that_starts_after_the_incident_does_not_exclude_it() {
        let scenario = scenario();
        let march = classify(
            &incident(MARCH, 0.75, 0.5, Some("future_listed"), Some("gov")),
            &scenario,
        );
        assert_eq!(labels(&march), ["covered"], "{}", explain(&march));
        let june = classify(
            &incident(
                "2016-06-01T08:00:00Z",
                0.75,
                0.5,
                Some("future_listed"),
                Some("gov"),
            ),
            &scenario,
        );
        assert_eq!(
            labels(&june),
            ["perpetrator_excluded"],
            "{}",
            explain(&june)
        );
        assert_eq!(june.route_to, None);
    }

    #[test]
    fn an_excluded_perpetrator_is_not_a_violation_of_the_terms() {
        let scenario = scenario();
        let a = classify(
            &incident(MARCH, XC_POINT.0, XC_POINT.1, Some("isil"), Some("opp")),
            &scenario,
        );
        assert_eq!(labels(&a), ["perpetrator_excluded"]);
        assert!(a.obligations.is_empty());
    }

    #[test]
    fn parties_that_never_declared_are_non_participants() {
        let scenario = scenario();
        let a = classify(
            &incident(MARCH, 0.75, 0.5, Some("turkey"), Some("gov")),
            &scenario,
        );
        assert_eq!(labels(&a), ["non_participant"], "{}", explain(&a));
        assert!(explain(&a).contains("perpetrator turkey never declared acceptance"));
        assert_eq!(a.route_to, None, "Turkey has no guarantor co-chair");
    }

    #[test]
    fn late_declarations_count_from_the_declaration_or_not_at_all_by_policy() {
        let covered_policy = scenario();
        let before_declaring = classify(
            &incident(
                "2016-02-27T08:00:00Z",
                0.75,
                0.5,
                Some("late_group"),
                Some("gov"),
            ),
            &covered_policy,
        );
        assert_eq!(
            labels(&before_declaring),
            ["non_participant"],
            "{}",
            explain(&before_declaring)
        );
        let after = classify(
            &incident(MARCH, 0.75, 0.5, Some("late_group"), Some("gov")),
            &covered_policy,
        );
        assert_eq!(labels(&after), ["covered"], "{}", explain(&after));
        assert!(explain(&after).contains("participating_late"));

        let strict = Scenario::from_parts(parts(LateAcceptance::NotCovered)).unwrap();
        let after = classify(
            &incident(MARCH, 0.75, 0.5, Some("late_group"), Some("gov")),
            &strict,
        );
        assert_eq!(labels(&after), ["non_participant"], "{}", explain(&after));
        assert!(explain(&after).contains("late declarations are not covered"));
    }

    #[test]
    fn allied_forces_are_covered_through_their_parents_commitment_and_guarantor() {
        let scenario = scenario();
        let a = classify(
            &incident(MARCH, 0.75, 0.5, Some("opp_brigade"), Some("militia")),
            &scenario,
        );
        assert_eq!(labels(&a), ["covered"], "{}", explain(&a));
        assert_eq!(a.route_to, Some(CoChair::US));
        assert!(
            explain(&a)
                .contains("perpetrator opp_brigade is participating through the commitment of opp")
        );
    }

    #[test]
    fn civilians_or_no_target_mean_the_area_holder_is_the_target() {
        let scenario = scenario();
        for target in [None, Some("civilians")] {
            let a = classify(
                &incident(MARCH, XC_POINT.0, XC_POINT.1, Some("gov"), target),
                &scenario,
            );
            assert_eq!(labels(&a), ["covered"], "{}", explain(&a));
            assert!(explain(&a).contains("no target named"), "{}", explain(&a));
            assert!(
                explain(&a).contains("target opp is participating"),
                "{}",
                explain(&a)
            );
        }
    }

    #[test]
    fn coarse_times_and_missing_places_are_insufficient_data() {
        let scenario = scenario();
        let mut weekly = incident(MARCH, XC_POINT.0, XC_POINT.1, Some("gov"), Some("opp"));
        weekly.time_precision = TimePrecision::Week;
        assert_eq!(labels(&classify(&weekly, &scenario)), ["insufficient_data"]);
        let mut nowhere = incident(MARCH, XC_POINT.0, XC_POINT.1, Some("gov"), Some("opp"));
        nowhere.location = None;
        let a = classify(&nowhere, &scenario);
        assert_eq!(labels(&a), ["insufficient_data"]);
        assert!(a.area.is_none());
    }

    #[test]
    fn points_outside_the_country_are_outside_the_geography() {
        let scenario = scenario();
        let a = classify(
            &incident(MARCH, 5.0, 5.0, Some("gov"), Some("opp")),
            &scenario,
        );
        assert_eq!(labels(&a), ["outside_geography"]);
    }

    #[test]
    fn a_local_truce_applies_only_inside_its_polygon() {
        let mut local = parts(LateAcceptance::CoveredFromDeclaration);
        let outline = MultiPolygon(vec![Polygon::new(rect(0.0, 0.0, 2.0, 1.0), vec![])]);
        if let Some(agreement) = local.agreement.as_mut() {
            agreement.versions[1].geography = Geography::Area {
                index: Arc::new(crate::geometry::IndexedArea::new(&outline)),
                shape: Arc::new(outline),
            };
        }
        let scenario = Scenario::from_parts(local).unwrap();
        let inside = classify(
            &incident("2016-05-10T08:00:00Z", 0.75, 0.5, Some("gov"), Some("opp")),
            &scenario,
        );
        assert_eq!(labels(&inside), ["covered"]);
        let outside = classify(
            &incident(
                "2016-05-10T08:00:00Z",
                XC_POINT.0,
                XC_POINT.1,
                Some("gov"),
                Some("opp"),
            ),
            &scenario,
        );
        assert_eq!(labels(&outside), ["outside_geography"]);
        assert!(explain(&outside).contains("outside the area of version 2"));
    }

    #[test]
    fn attacks_launched_from_abroad_are_flagged_cross_border() {
        let scenario = scenario();
        let mut shelling = incident(MARCH, 0.75, 0.5, Some("turkey"), Some("gov"));
        shelling.origin = Some(Location::new(-1.0, 0.75, GeoPrecision::NearTown).unwrap());
        let a = classify(&shelling, &scenario);
        assert_eq!(
            labels(&a),
            ["cross_border", "non_participant"],
            "{}",
            explain(&a)
        );
    }

    #[test]
    fn obligations_follow_the_kind_of_event() {
        let scenario = scenario();
        let with_kind = |kind: &str, self_defence: bool| {
            let mut i = incident(MARCH, 0.75, 0.5, Some("opp"), Some("gov"));
            i.kind = EventKind::parse(kind).unwrap().0;
            i.self_defence_claimed = self_defence;
            classify(&i, &scenario).obligations
        };
        assert_eq!(
            with_kind("Non-state actor overtakes territory", false),
            [ObligationCode::NoAttack, ObligationCode::NoTerritory]
        );
        assert_eq!(
            with_kind("aid_obstruction", false),
            [ObligationCode::Access]
        );
        assert_eq!(
            with_kind("attack_on_aid", false),
            [ObligationCode::Access, ObligationCode::NoAttack]
        );
        assert_eq!(with_kind("Peaceful protest", false), []);
        assert_eq!(
            with_kind("small_arms", true),
            [ObligationCode::NoAttack, ObligationCode::Proportionate]
        );
    }

    #[test]
    fn the_same_input_always_gives_the_same_output() {
        let scenario = scenario();
        let i = incident(MARCH, 1.0, 0.75, Some("gov"), Some("opp"));
        let first = classify(&i, &scenario);
        for _ in 0..10 {
            assert_eq!(classify(&i, &scenario), first);
        }
        let again = Scenario::from_parts(parts(LateAcceptance::CoveredFromDeclaration)).unwrap();
        assert_eq!(classify(&i, &again), first);
    }

    #[test]
    fn inconsistent_parts_are_reported_with_what_is_wrong() {
        let mut broken = parts(LateAcceptance::CoveredFromDeclaration);
        broken.areas.push(area(
            "compiled/XA-again",
            "compiled",
            Some("XA"),
            Polygon::new(rect(0.0, 0.0, 1.0, 1.0), vec![]),
            "ghost",
        ));
        broken
            .commitments
            .push(declared("nobody", CoChair::US, "2016-02-25T00:00:00Z"));
        let errors = Scenario::from_parts(broken).unwrap_err().to_string();
        assert!(errors.contains("unknown actor 'ghost'"), "{errors}");
        assert!(
            errors.contains("overlaps area version compiled/XA of the same contributor"),
            "{errors}"
        );
        assert!(errors.contains("commitment of 'nobody'"), "{errors}");
    }
}
