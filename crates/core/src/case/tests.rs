#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

use super::*;
use crate::actor::tests::actor;
use crate::actor::{Actor, Side};
use crate::incident::SourceGrade;

fn t(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn registry() -> ActorRegistry {
    let mut ndf = actor("ndf", "National Defence Forces", Side::Government, None);
    ndf.parent = Some(ActorId::new("gos"));
    let mut russia = actor(
        "russia",
        "Military Forces of Russia",
        Side::Government,
        Some(CoChair::RU),
    );
    russia.monitoring_centres = vec!["Russian Reconciliation Centre".to_owned()];
    let actors: Vec<Actor> = vec![
        actor(
            "gos",
            "Government of Syria",
            Side::Government,
            Some(CoChair::RU),
        ),
        ndf,
        russia,
        actor(
            "fsa",
            "Free Syrian Army",
            Side::Opposition,
            Some(CoChair::US),
        ),
    ];
    ActorRegistry::new(actors, vec![]).unwrap()
}

const RU: Role = Role::CoChair { party: CoChair::RU };
const US: Role = Role::CoChair { party: CoChair::US };

fn ru() -> Acting<'static> {
    Acting {
        name: "ru-officer",
        role: Some(&RU),
    }
}

fn us() -> Acting<'static> {
    Acting {
        name: "us-officer",
        role: Some(&US),
    }
}

struct Fixture {
    registry: ActorRegistry,
    procedure: CaseProcedure,
    verification: VerificationStatus,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture {
            registry: registry(),
            procedure: CaseProcedure::default(),
            verification: VerificationStatus::Verified,
        }
    }

    fn context(&self) -> CaseContext<'_> {
        CaseContext {
            registry: &self.registry,
            procedure: &self.procedure,
            verification: self.verification,
        }
    }
}

fn case_against(accused: &str) -> Case {
    Case::open(
        incident("inc-1", Some(accused)),
        Acting {
            name: "system",
            role: None,
        },
        t("2016-03-01T08:00:00Z"),
        "covered".to_owned(),
    )
    .unwrap()
}

fn incident(id: &str, accused: Option<&str>) -> CaseIncident {
    CaseIncident {
        id: id.to_owned(),
        occurred_at: t("2016-03-01T07:00:00Z"),
        accused: accused.map(ActorId::new),
        civilians_killed: 2,
    }
}

fn step(case: &mut Case, fixture: &Fixture, acting: Acting<'_>, action: CaseAction, at: &str) {
    case.apply(
        action,
        acting,
        t(at),
        "because".to_owned(),
        fixture.context(),
    )
    .unwrap();
}

fn go(to: CaseState) -> CaseAction {
    CaseAction::Move {
        to,
        out_of_scope: None,
    }
}

fn finding(body: Body, verdict: Verdict, text: &str) -> CaseAction {
    CaseAction::Finding {
        body,
        verdict,
        text: text.to_owned(),
    }
}

/// A case against the Government, assessed and verified, ready for findings.
fn assessed() -> (Case, Fixture) {
    let fixture = Fixture::new();
    let mut case = case_against("gos");
    step(
        &mut case,
        &fixture,
        ru(),
        go(CaseState::InScope),
        "2016-03-01T09:00:00Z",
    );
    step(
        &mut case,
        &fixture,
        ru(),
        go(CaseState::UnderAssessment),
        "2016-03-01T10:00:00Z",
    );
    step(
        &mut case,
        &fixture,
        ru(),
        go(CaseState::Verified),
        "2016-03-01T11:00:00Z",
    );
    step(
        &mut case,
        &fixture,
        us(),
        go(CaseState::Unattributed),
        "2016-03-01T12:00:00Z",
    );
    (case, fixture)
}

#[test]
fn every_transition_records_why() {
    let fixture = Fixture::new();
    let mut case = case_against("gos");
    for why in ["", "  \n"] {
        let refused = case.apply(
            go(CaseState::InScope),
            ru(),
            t("2016-03-01T09:00:00Z"),
            why.to_owned(),
            fixture.context(),
        );
        assert!(
            matches!(&refused, Err(CaseError::Invalid(m)) if m.contains("why")),
            "{refused:?}"
        );
    }
    assert!(
        case.events.is_empty(),
        "a move without its reason leaves nothing"
    );
    step(
        &mut case,
        &fixture,
        ru(),
        go(CaseState::InScope),
        "2016-03-01T09:00:00Z",
    );
    assert_eq!(case.events[0].why, "because");
    assert_eq!(case.events[0].by, "ru-officer");
}

#[test]
fn an_illegal_move_is_refused_with_the_allowed_ones_named() {
    let fixture = Fixture::new();
    let mut case = case_against("gos");
    let error = case
        .apply(
            go(CaseState::Verified),
            ru(),
            t("2016-03-01T09:00:00Z"),
            "because".to_owned(),
            fixture.context(),
        )
        .unwrap_err();
    assert_eq!(
        error,
        CaseError::IllegalTransition {
            from: "triaged",
            to: "verified",
            allowed: vec!["in_scope", "out_of_scope"],
        }
    );
    assert!(
        error
            .to_string()
            .contains("allowed: in_scope, out_of_scope"),
        "{error}"
    );
    assert!(case.events.is_empty(), "a refused move leaves nothing");
}

#[test]
fn out_of_scope_needs_its_reason_and_closes_the_case() {
    let fixture = Fixture::new();
    let mut case = case_against("gos");
    let missing = case.apply(
        go(CaseState::OutOfScope),
        ru(),
        t("2016-03-01T09:00:00Z"),
        "because".to_owned(),
        fixture.context(),
    );
    assert!(matches!(missing, Err(CaseError::Invalid(m)) if m.contains("pre_start")));
    step(
        &mut case,
        &fixture,
        ru(),
        CaseAction::Move {
            to: CaseState::OutOfScope,
            out_of_scope: Some(OutOfScopeReason::PreStart),
        },
        "2016-03-01T09:00:00Z",
    );
    assert_eq!(case.state(), CaseState::OutOfScope);
    assert!(!case.state().is_open());
    step(
        &mut case,
        &fixture,
        ru(),
        go(CaseState::Closed),
        "2016-03-01T10:00:00Z",
    );
    step(
        &mut case,
        &fixture,
        us(),
        go(CaseState::Reopened),
        "2016-03-02T10:00:00Z",
    );
    assert_eq!(case.state(), CaseState::Reopened);
    assert_eq!(case.state_since(), t("2016-03-02T10:00:00Z"));
}

#[test]
fn states_reached_by_their_own_action_are_not_moved_to() {
    let (mut case, fixture) = assessed();
    let error = case
        .apply(
            go(CaseState::Findings),
            us(),
            t("2016-03-02T00:00:00Z"),
            "because".to_owned(),
            fixture.context(),
        )
        .unwrap_err();
    assert!(error.to_string().contains("record the finding"), "{error}");
}

#[test]
fn verified_needs_r5_and_attribution_needs_its_own_basis() {
    let mut fixture = Fixture::new();
    fixture.verification = VerificationStatus::Alleged;
    let mut case = case_against("gos");
    step(
        &mut case,
        &fixture,
        ru(),
        go(CaseState::InScope),
        "2016-03-01T09:00:00Z",
    );
    step(
        &mut case,
        &fixture,
        ru(),
        go(CaseState::UnderAssessment),
        "2016-03-01T10:00:00Z",
    );
    let refused = case.apply(
        go(CaseState::Verified),
        ru(),
        t("2016-03-01T11:00:00Z"),
        "because".to_owned(),
        fixture.context(),
    );
    assert!(matches!(refused, Err(CaseError::Invalid(m)) if m.contains("R5")));
    let attribution = Attribution {
        actor: ActorId::new("gos"),
        basis: AttributionBasis::ForensicEvidence,
        confidence: Confidence::Medium,
    };
    let early = case.apply(
        CaseAction::Attribute {
            attribution: attribution.clone(),
        },
        ru(),
        t("2016-03-01T11:00:00Z"),
        "because".to_owned(),
        fixture.context(),
    );
    assert!(matches!(early, Err(CaseError::Invalid(m)) if m.contains("once verified")));
    fixture.verification = VerificationStatus::Verified;
    step(
        &mut case,
        &fixture,
        ru(),
        go(CaseState::Verified),
        "2016-03-01T11:00:00Z",
    );
    let moved = case.apply(
        go(CaseState::Attributed),
        ru(),
        t("2016-03-01T12:00:00Z"),
        "because".to_owned(),
        fixture.context(),
    );
    assert!(matches!(moved, Err(CaseError::Invalid(m)) if m.contains("basis")));
    step(
        &mut case,
        &fixture,
        ru(),
        CaseAction::Attribute {
            attribution: attribution.clone(),
        },
        "2016-03-01T12:00:00Z",
    );
    assert_eq!(case.state(), CaseState::Attributed);
    assert_eq!(case.attribution(), Some(&attribution));
}

#[test]
fn a_request_goes_through_the_guarantor_and_only_its_liaison_answers() {
    let fixture = Fixture::new();
    let mut case = case_against("ndf");
    step(
        &mut case,
        &fixture,
        us(),
        go(CaseState::InScope),
        "2016-03-01T09:00:00Z",
    );
    let ask = || CaseAction::Request {
        to: ActorId::new("ndf"),
        text: "What happened at 08:00?".to_owned(),
    };
    let wrong = case.apply(
        ask(),
        us(),
        t("2016-03-01T10:00:00Z"),
        "because".to_owned(),
        fixture.context(),
    );
    assert!(matches!(wrong, Err(CaseError::Forbidden(m)) if m.contains("guarantor co-chair RU")));
    let stranger = case.apply(
        CaseAction::Request {
            to: ActorId::new("fsa"),
            text: "x".to_owned(),
        },
        ru(),
        t("2016-03-01T10:00:00Z"),
        "because".to_owned(),
        fixture.context(),
    );
    assert!(matches!(stranger, Err(CaseError::Invalid(m)) if m.contains("not accused")));
    step(&mut case, &fixture, ru(), ask(), "2016-03-01T10:00:00Z");
    assert_eq!(case.state(), CaseState::InfoRequested);
    let requests = case.requests();
    assert_eq!(requests[0].via, CoChair::RU);
    assert_eq!(requests[0].due_at, t("2016-03-02T10:00:00Z"));

    let fsa = Role::PartyLiaison {
        actor: "fsa".to_owned(),
    };
    let gos = Role::PartyLiaison {
        actor: "gos".to_owned(),
    };
    let answer = |text: &str| CaseAction::Answer {
        request: 1,
        text: text.to_owned(),
    };
    let refused = case.apply(
        answer("no"),
        Acting {
            name: "fsa-liaison",
            role: Some(&fsa),
        },
        t("2016-03-01T11:00:00Z"),
        "because".to_owned(),
        fixture.context(),
    );
    assert!(matches!(refused, Err(CaseError::Forbidden(_))));
    let co_chair = case.apply(
        answer("no"),
        ru(),
        t("2016-03-01T11:00:00Z"),
        "because".to_owned(),
        fixture.context(),
    );
    assert!(matches!(co_chair, Err(CaseError::Forbidden(_))));
    // The Government's liaison answers for the militia under its commitment.
    let liaison = Acting {
        name: "gos-liaison",
        role: Some(&gos),
    };
    step(
        &mut case,
        &fixture,
        liaison,
        answer("Our units returned fire."),
        "2016-03-01T12:00:00Z",
    );
    step(
        &mut case,
        &fixture,
        liaison,
        answer("Correction: at 08:30."),
        "2016-03-01T13:00:00Z",
    );
    let answers = &case.requests()[0].answers;
    assert_eq!(
        answers.len(),
        2,
        "a correction is a new answer; the first stays"
    );
    assert_eq!(answers[0].text, "Our units returned fire.");
    assert_eq!(
        case.state(),
        CaseState::InfoRequested,
        "an answer moves nothing"
    );
}

#[test]
fn a_request_is_overdue_exactly_when_due() {
    let mut fixture = Fixture::new();
    fixture.procedure.request_hours = 48;
    let mut case = case_against("gos");
    step(
        &mut case,
        &fixture,
        ru(),
        go(CaseState::InScope),
        "2016-03-01T09:00:00Z",
    );
    step(
        &mut case,
        &fixture,
        ru(),
        CaseAction::Request {
            to: ActorId::new("gos"),
            text: "Explain.".to_owned(),
        },
        "2016-03-01T10:00:00Z",
    );
    let request = &case.requests()[0];
    let due = t("2016-03-03T10:00:00Z");
    assert_eq!(request.due_at, due);
    assert!(!request.overdue(due - Duration::seconds(1)));
    assert!(request.overdue(due));
    assert!(request.overdue(due + Duration::seconds(1)));
    let gos = Role::PartyLiaison {
        actor: "gos".to_owned(),
    };
    step(
        &mut case,
        &fixture,
        Acting {
            name: "gos-liaison",
            role: Some(&gos),
        },
        CaseAction::Answer {
            request: 1,
            text: "Late, but here.".to_owned(),
        },
        "2016-03-04T10:00:00Z",
    );
    let request = &case.requests()[0];
    assert!(
        request.overdue(t("2016-03-04T09:59:59Z")),
        "overdue until the answer came"
    );
    assert!(!request.overdue(t("2016-03-04T10:00:00Z")));
    assert!(request.answered_late());
}

#[test]
fn a_joint_finding_stands_only_when_both_approve_the_same_text() {
    let (mut case, fixture) = assessed();
    step(
        &mut case,
        &fixture,
        us(),
        finding(Body::Us, Verdict::Violation, "Shelling of a covered area."),
        "2016-03-02T09:00:00Z",
    );
    step(
        &mut case,
        &fixture,
        ru(),
        finding(Body::Ru, Verdict::TargetExcluded, "Nusra position."),
        "2016-03-02T10:00:00Z",
    );
    assert_eq!(case.state(), CaseState::Findings);
    assert!(case.disputed(), "conflicting findings mark the case");
    let findings = case.findings();
    assert_eq!(findings.len(), 2, "side by side, never merged");
    assert_eq!(findings[0].approved_by, ["US"]);

    step(
        &mut case,
        &fixture,
        us(),
        finding(Body::Joint, Verdict::Violation, "Text A"),
        "2016-03-03T09:00:00Z",
    );
    let joint = &case.findings()[2];
    assert_eq!(joint.approved_by, ["US"], "the writer approves by writing");
    assert!(!joint.stands());
    assert!(case.disputed());
    // The RU co-chair changes the text: the US approval of text A does not carry over.
    step(
        &mut case,
        &fixture,
        ru(),
        finding(Body::Joint, Verdict::Violation, "Text B"),
        "2016-03-03T10:00:00Z",
    );
    let findings = case.findings();
    assert!(findings[2].superseded);
    assert_eq!(findings[3].approved_by, ["RU"]);
    assert!(!findings[3].stands());
    let stale = case.apply(
        CaseAction::Approve { finding: 3 },
        us(),
        t("2016-03-03T11:00:00Z"),
        "because".to_owned(),
        fixture.context(),
    );
    assert!(matches!(stale, Err(CaseError::Invalid(m)) if m.contains("latest text")));
    let twice = case.apply(
        CaseAction::Approve { finding: 4 },
        ru(),
        t("2016-03-03T11:00:00Z"),
        "because".to_owned(),
        fixture.context(),
    );
    assert!(matches!(twice, Err(CaseError::Invalid(_))));
    let tf = Role::TaskForce;
    let not_co_chair = case.apply(
        CaseAction::Approve { finding: 4 },
        Acting {
            name: "tf",
            role: Some(&tf),
        },
        t("2016-03-03T11:00:00Z"),
        "because".to_owned(),
        fixture.context(),
    );
    assert!(matches!(not_co_chair, Err(CaseError::Forbidden(_))));
    step(
        &mut case,
        &fixture,
        us(),
        CaseAction::Approve { finding: 4 },
        "2016-03-03T11:00:00Z",
    );
    let joint = &case.findings()[3];
    assert!(joint.stands());
    assert_eq!(joint.approved_by, ["RU", "US"]);
    assert_eq!(joint.stands_since, Some(t("2016-03-03T11:00:00Z")));
    assert!(!case.disputed(), "the joint text settles the dispute");
    // A single body that disagrees afterwards opens it again.
    step(
        &mut case,
        &fixture,
        ru(),
        finding(Body::Ru, Verdict::NoViolation, "On reflection, no."),
        "2016-03-04T09:00:00Z",
    );
    assert!(case.disputed());
}

#[test]
fn a_case_never_verified_is_never_attributed() {
    let fixture = Fixture::new();
    let mut case = case_against("gos");
    for (to, at) in [
        (CaseState::InScope, "2016-03-01T09:00:00Z"),
        (CaseState::UnderAssessment, "2016-03-01T10:00:00Z"),
        (CaseState::Inconclusive, "2016-03-01T11:00:00Z"),
    ] {
        step(&mut case, &fixture, ru(), go(to), at);
    }
    step(
        &mut case,
        &fixture,
        us(),
        finding(Body::Us, Verdict::Violation, "x"),
        "2016-03-01T12:00:00Z",
    );
    let attribution = Attribution {
        actor: ActorId::new("gos"),
        basis: AttributionBasis::Admission,
        confidence: Confidence::High,
    };
    let refused = case.apply(
        CaseAction::Attribute { attribution },
        ru(),
        t("2016-03-01T13:00:00Z"),
        "because".to_owned(),
        fixture.context(),
    );
    assert!(matches!(refused, Err(CaseError::Invalid(m)) if m.contains("verified")));
}

#[test]
fn each_body_records_only_its_own_finding() {
    let (mut case, fixture) = assessed();
    let at = t("2016-03-02T09:00:00Z");
    let as_ru = case.apply(
        finding(Body::Us, Verdict::Violation, "x"),
        ru(),
        at,
        "because".to_owned(),
        fixture.context(),
    );
    assert!(matches!(as_ru, Err(CaseError::Forbidden(m)) if m.contains("US co-chair")));
    let monitor = Role::Monitor;
    let as_monitor = case.apply(
        finding(Body::TaskForce, Verdict::Violation, "x"),
        Acting {
            name: "m",
            role: Some(&monitor),
        },
        at,
        "because".to_owned(),
        fixture.context(),
    );
    assert!(matches!(as_monitor, Err(CaseError::Forbidden(_))));
    let tf = Role::TaskForce;
    step(
        &mut case,
        &fixture,
        Acting {
            name: "tf",
            role: Some(&tf),
        },
        finding(Body::TaskForce, Verdict::Violation, "x"),
        "2016-03-02T09:00:00Z",
    );
    let empty = case.apply(
        finding(Body::Us, Verdict::Violation, "  "),
        us(),
        at,
        "because".to_owned(),
        fixture.context(),
    );
    assert!(matches!(empty, Err(CaseError::Invalid(_))));
}

#[test]
fn an_event_cannot_be_earlier_than_the_last() {
    let (mut case, fixture) = assessed();
    let earlier = case.apply(
        go(CaseState::Findings),
        us(),
        t("2016-02-01T00:00:00Z"),
        "because".to_owned(),
        fixture.context(),
    );
    assert!(matches!(earlier, Err(CaseError::Invalid(m)) if m.contains("cannot be earlier")));
}

#[test]
fn a_case_merged_away_takes_no_more_changes() {
    let fixture = Fixture::new();
    let mut own = case_against("gos");
    own.merge_away(
        "case-other",
        us(),
        t("2016-03-02T00:00:00Z"),
        "the same raid".to_owned(),
    )
    .unwrap();
    assert_eq!(own.state(), CaseState::Closed);
    assert_eq!(own.merged_into(), Some("case-other"));
    let reopen = own.apply(
        go(CaseState::Reopened),
        ru(),
        t("2016-03-03T00:00:00Z"),
        "new evidence".to_owned(),
        fixture.context(),
    );
    assert!(
        matches!(&reopen, Err(CaseError::Invalid(m)) if m.contains("case-other")),
        "{reopen:?}"
    );
    let merged = own.merge(
        incident("inc-9", Some("gos")),
        us(),
        t("2016-03-03T00:00:00Z"),
        "the same raid".to_owned(),
    );
    assert!(matches!(merged, Err(CaseError::Invalid(_))), "{merged:?}");
    assert_eq!(own.events.len(), 1);
}

#[test]
fn merging_adds_the_incident_and_its_accused_once() {
    let (mut case, _) = assessed();
    case.merge(
        incident("inc-2", Some("ndf")),
        us(),
        t("2016-03-02T00:00:00Z"),
        "because".to_owned(),
    )
    .unwrap();
    assert_eq!(case.incident_ids(), ["inc-1", "inc-2"]);
    assert_eq!(case.accused, [ActorId::new("gos"), ActorId::new("ndf")]);
    assert_eq!(case.civilians_killed(), 4);
    assert!(
        case.merge(
            incident("inc-2", None),
            us(),
            t("2016-03-02T00:00:00Z"),
            "because".to_owned()
        )
        .is_err()
    );
    let tf = Role::TaskForce;
    assert!(matches!(
        case.merge(
            incident("inc-3", None),
            Acting {
                name: "tf",
                role: Some(&tf)
            },
            t("2016-03-02T00:00:00Z"),
            "because".to_owned()
        ),
        Err(CaseError::Forbidden(_))
    ));
}

fn grade(affiliation: &str, reliability: char, credibility: u8, direct: bool) -> SourceGrade {
    SourceGrade {
        source: affiliation.to_owned(),
        affiliation: affiliation.to_owned(),
        reliability,
        credibility,
        direct_observation: direct,
    }
}

#[test]
fn verification_counts_parties_not_names() {
    let registry = registry();
    let rule = VerificationRule::default();
    let status = |sources: &[SourceGrade]| verification_status(&rule, sources, &registry).0;
    assert_eq!(status(&[]), VerificationStatus::Alleged);
    assert_eq!(
        status(&[grade("un", 'B', 2, false), grade("sohr", 'C', 1, false)]),
        VerificationStatus::Verified
    );
    assert_eq!(
        status(&[grade("un", 'B', 3, false), grade("sohr", 'C', 1, false)]),
        VerificationStatus::Alleged
    );
    // The Government and a militia under its commitment are one party.
    assert_eq!(
        status(&[grade("gos", 'B', 1, false), grade("ndf", 'B', 1, false)]),
        VerificationStatus::Alleged
    );
    // A party's monitoring centre is the party: not independent of its forces...
    assert_eq!(
        status(&[
            grade("Russian Reconciliation Centre", 'B', 1, false),
            grade("Military Forces of Russia", 'B', 1, false)
        ]),
        VerificationStatus::Alleged
    );
    // ...and no monitor: its direct observation does not verify alone.
    assert_eq!(
        status(&[grade("Russian Reconciliation Centre", 'A', 1, true)]),
        VerificationStatus::Alleged
    );
    assert_eq!(
        status(&[grade("un monitors", 'B', 3, true)]),
        VerificationStatus::Verified
    );
    assert_eq!(
        status(&[grade("un monitors", 'C', 3, true)]),
        VerificationStatus::Alleged
    );
    // Two parties on opposite sides do corroborate each other.
    assert_eq!(
        status(&[
            grade("Russian Reconciliation Centre", 'B', 2, false),
            grade("fsa", 'C', 2, false)
        ]),
        VerificationStatus::Verified
    );
}

#[test]
fn the_verification_rule_is_configurable() {
    let registry = registry();
    let strict = VerificationRule {
        independent_sources: 3,
        max_credibility: 1,
        monitor_reliability: vec!['A'],
    };
    let sources = [
        grade("un", 'B', 1, true),
        grade("sohr", 'B', 1, false),
        grade("airwars", 'B', 1, false),
    ];
    assert_eq!(
        verification_status(&strict, &sources[..2], &registry).0,
        VerificationStatus::Alleged
    );
    assert_eq!(
        verification_status(&strict, &sources, &registry).0,
        VerificationStatus::Verified
    );
    assert!(
        CaseProcedure {
            request_hours: 0,
            ..CaseProcedure::default()
        }
        .check()
        .is_err()
    );
    assert!(CaseProcedure::default().check().is_ok());
}

fn with_violation(id: &str, accused: &str, at: &str) -> Case {
    let (mut case, fixture) = assessed();
    case.id = id.to_owned();
    case.accused = vec![ActorId::new(accused)];
    step(
        &mut case,
        &fixture,
        us(),
        finding(Body::Us, Verdict::Violation, "x"),
        at,
    );
    case
}

#[test]
fn a_pattern_in_the_window_proposes_an_escalation_until_decided() {
    let rule = EscalationRule {
        window_days: 30,
        threshold: 2,
        to: EscalationBody::TaskForce,
    };
    let cases = [
        with_violation("a", "gos", "2016-03-02T00:00:00Z"),
        with_violation("b", "gos", "2016-03-20T00:00:00Z"),
        with_violation("c", "fsa", "2016-03-20T00:00:00Z"),
    ];
    let now = t("2016-03-25T00:00:00Z");
    let proposals = escalation_proposals(&cases, &[], &rule, now);
    assert_eq!(proposals.len(), 1);
    assert_eq!(proposals[0].actor, ActorId::new("gos"));
    assert_eq!(proposals[0].case_ids, ["a", "b"]);
    // The window rolls: a month later the first finding falls out.
    assert!(escalation_proposals(&cases, &[], &rule, t("2016-04-02T00:00:00Z")).is_empty());
    let decision = EscalationDecision {
        actor: ActorId::new("gos"),
        accepted: false,
        to: EscalationBody::TaskForce,
        case_ids: vec!["a".to_owned(), "b".to_owned()],
        answers: proposals[0].latest,
        reason: "de-escalation call made".to_owned(),
        by: "ru-officer".to_owned(),
        at: t("2016-03-21T00:00:00Z"),
    };
    assert!(escalation_proposals(&cases, std::slice::from_ref(&decision), &rule, now).is_empty());
    // A later violation finding makes a new proposal, which the old decision does not answer.
    let mut more = cases.to_vec();
    more.push(with_violation("d", "gos", "2016-03-24T00:00:00Z"));
    let renewed = escalation_proposals(&more, std::slice::from_ref(&decision), &rule, now);
    assert_eq!(renewed.len(), 1);
    assert_eq!(renewed[0].case_ids, ["a", "b", "d"]);
    // A disputed case does not count: one co-chair alone does not make a pattern.
    let mut disputed = cases.clone();
    let fixture = Fixture::new();
    step(
        &mut disputed[1],
        &fixture,
        ru(),
        finding(Body::Ru, Verdict::NoViolation, "no"),
        "2016-03-21T00:00:00Z",
    );
    assert!(escalation_proposals(&disputed, &[], &rule, now).is_empty());
}

#[test]
fn a_decision_stored_without_the_proposal_it_answers_answers_the_one_standing_then() {
    let stored = r#"{"actor":"gos","accepted":true,"to":"task_force","case_ids":["a"],
        "reason":"pattern","by":"us-officer","at":"2016-03-21T00:00:00Z"}"#;
    let decision: EscalationDecision = serde_json::from_str(stored).expect("an older decision");
    assert_eq!(decision.answers, t("2016-03-21T00:00:00Z"));
    let round: EscalationDecision =
        serde_json::from_str(&serde_json::to_string(&decision).expect("encodes")).expect("decodes");
    assert_eq!(round, decision);
    assert!(
        serde_json::from_str::<EscalationDecision>(
            &stored.replace("pattern\"", "pattern\",\"x\":1")
        )
        .is_err()
    );
}

#[test]
fn the_publication_policies_differ_as_the_mechanisms_did() {
    assert!(!PublicationPolicy::coh_2016().publishes(Body::Joint));
    assert!(PublicationPolicy::coh_2016().aggregates);
    assert!(PublicationPolicy::osce_smm().observations);
    assert!(PublicationPolicy::ctsamvm().publishes(Body::TaskForce));
    assert!(!PublicationPolicy::ctsamvm().publishes(Body::Us));
}

fn any_action() -> impl Strategy<Value = (u8, u8)> {
    (0u8..20, 0u8..14)
}

proptest! {
    /// Whatever is thrown at a case, its state only ever moves along the procedure.
    #[test]
    fn no_sequence_of_actions_makes_an_illegal_move(actions in prop::collection::vec(any_action(), 1..40)) {
        let fixture = Fixture::new();
        let mut case = case_against("gos");
        let gos = Role::PartyLiaison { actor: "gos".to_owned() };
        let mut at = t("2016-03-01T09:00:00Z");
        for (kind, target) in actions {
            at += Duration::minutes(10);
            let acting = match kind % 3 { 0 => ru(), 1 => us(), _ => Acting { name: "l", role: Some(&gos) } };
            let action = match kind % 7 {
                0..=2 => CaseAction::Move {
                    to: CaseState::ALL[usize::from(target)],
                    out_of_scope: Some(OutOfScopeReason::NotHostilities),
                },
                3 => CaseAction::Request { to: ActorId::new("gos"), text: "?".to_owned() },
                4 => CaseAction::Answer { request: 1, text: "!".to_owned() },
                5 => CaseAction::Finding { body: Body::Joint, verdict: Verdict::ALL[usize::from(target % 5)], text: "t".to_owned() },
                _ => CaseAction::Approve { finding: u32::from(target % 4) },
            };
            let before = case.state();
            let _ = case.apply(action, acting, at, "because".to_owned(), fixture.context());
            let after = case.state();
            prop_assert!(before == after || before.next().contains(&after), "{before:?} -> {after:?}");
        }
        for finding in case.findings() {
            if finding.body == Body::Joint && finding.stands() {
                prop_assert_eq!(finding.approved_by.len(), 2);
            }
        }
    }
}
