#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use chrono::{DateTime, Duration, NaiveDate, Utc};
use proptest::prelude::*;

use super::*;

fn t(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn convoy(id: &str, month: &str, to: &[&str], planned: &str) -> Convoy {
    Convoy {
        id: id.to_owned(),
        compiled: false,
        plan_month: month.to_owned(),
        destinations: to
            .iter()
            .map(|location| Destination {
                location: (*location).to_owned(),
                people_targeted: None,
            })
            .collect(),
        agencies: vec![],
        trucks_planned: None,
        people_targeted: None,
        cargo: vec![],
        incidents: vec![],
        sources: vec![],
        illustrative: false,
        note: String::new(),
        steps: vec![ConvoyStep::to(ConvoyState::Planned, t(planned))],
    }
}

fn go(convoy: &mut Convoy, to: ConvoyState, at: &str) {
    let mut step = ConvoyStep::to(to, t(at));
    if to == ConvoyState::Aborted {
        step.reason = Some(AbortReason::NoLetter);
    }
    convoy.advance(step).unwrap();
}

fn deliver(convoy: &mut Convoy, at: &str, reached: &[(&str, u64)], total: Option<u64>) {
    let mut step = ConvoyStep::to(ConvoyState::DeliveredFull, t(at));
    step.reached = reached
        .iter()
        .map(|(location, people)| Reach {
            location: (*location).to_owned(),
            people: *people,
        })
        .collect();
    step.people_reached = total;
    convoy.advance(step).unwrap();
}

/// Runs a convoy along the main path from `planned` up to `delivering`, a day per step.
fn run_to_delivering(convoy: &mut Convoy, start: &str) {
    use ConvoyState::*;
    let start = t(start);
    for (n, state) in [
        Submitted,
        ApprovedInPrinciple,
        FacilitationLetterIssued,
        Loaded,
        Inspected,
        Dispatched,
        Delivering,
    ]
    .into_iter()
    .enumerate()
    {
        let at = start + Duration::days(n as i64);
        convoy.advance(ConvoyStep::to(state, at)).unwrap();
    }
}

/// Runs a convoy on from `from` (its current state) to `delivering`, a day per step.
fn run_to_delivering_from(convoy: &mut Convoy, from: ConvoyState, start: &str) {
    use ConvoyState::*;
    let path = [
        Submitted,
        ApprovedInPrinciple,
        FacilitationLetterIssued,
        Loaded,
        Inspected,
        Dispatched,
        Delivering,
    ];
    let start = t(start);
    let after = path.iter().position(|s| *s == from).map_or(0, |i| i + 1);
    for (n, state) in path[after..].iter().enumerate() {
        convoy
            .advance(ConvoyStep::to(*state, start + Duration::days(n as i64)))
            .unwrap();
    }
}

fn location(id: &str, besieged_from: Option<&str>) -> AccessLocation {
    AccessLocation {
        id: id.to_owned(),
        name: id.to_owned(),
        name_ar: id.to_owned(),
        alt_names: vec![],
        governorate: String::new(),
        admin1_pcode: "SY03".to_owned(),
        pcode: None,
        area_group: String::new(),
        area_group_ar: String::new(),
        besieging_actors: vec![],
        besieged_by: String::new(),
        besieged_by_ar: String::new(),
        lat: 33.5,
        lon: 36.3,
        outline: None,
        coordinates_source: "test".to_owned(),
        classifications: besieged_from
            .map(|on| Classification {
                status: AccessStatus::Besieged,
                reason: None,
                on: day(on),
                classifier: "OCHA".to_owned(),
                evidence: "test".to_owned(),
                note: String::new(),
            })
            .into_iter()
            .collect(),
        estimates: vec![],
        notes: String::new(),
    }
}

fn airdrop(id: &str, to: &str) -> AirOperation {
    AirOperation {
        id: id.to_owned(),
        compiled: false,
        kind: AirKind::Airdrop,
        destination: to.to_owned(),
        origin: "Amman".to_owned(),
        aircraft: "Il-76".to_owned(),
        altitude_m: Some(5000),
        drop_zone: None,
        tonnes: Some(20.0),
        partner: "SARC".to_owned(),
        sources: vec![],
        illustrative: false,
        note: String::new(),
        steps: vec![AirStep::to(AirState::Planned, t("2016-04-01T00:00:00Z"))],
    }
}

proptest! {
    /// Any sequence of requested moves: each is accepted exactly when the state machine
    /// allows it, a refused one changes nothing, and the record always replays as valid.
    #[test]
    fn no_illegal_convoy_transition_is_accepted(moves in proptest::collection::vec(0..ConvoyState::ALL.len(), 0..40)) {
        let mut c = convoy("c", "2016-04", &["madaya"], "2016-04-01T00:00:00Z");
        for (n, index) in moves.into_iter().enumerate() {
            let to = ConvoyState::ALL[index];
            let before = c.clone();
            let mut step = ConvoyStep::to(to, t("2016-04-01T00:00:00Z") + Duration::hours(n as i64));
            if to == ConvoyState::Aborted {
                step.reason = Some(AbortReason::Fighting);
            }
            let legal = before.state().next().contains(&to);
            match c.advance(step) {
                Ok(()) => prop_assert!(legal, "{:?} -> {:?} accepted", before.state(), to),
                Err(error) => {
                    prop_assert!(!legal, "{:?} -> {:?} refused: {}", before.state(), to, error);
                    prop_assert_eq!(&c, &before);
                    let is_illegal = matches!(error, HumanitarianError::IllegalTransition { .. });
                    prop_assert!(is_illegal);
                }
            }
            prop_assert!(c.check().is_ok());
        }
    }

    #[test]
    fn no_illegal_air_transition_is_accepted(moves in proptest::collection::vec(0..AirState::ALL.len(), 0..20)) {
        let mut op = airdrop("a", "deir_ez_zor");
        for (n, index) in moves.into_iter().enumerate() {
            let to = AirState::ALL[index];
            let before = op.clone();
            let step = AirStep::to(to, t("2016-04-01T00:00:00Z") + Duration::hours(n as i64));
            let legal = before.state().next().contains(&to);
            match op.advance(step) {
                Ok(()) => prop_assert!(legal),
                Err(_) => {
                    prop_assert!(!legal);
                    prop_assert_eq!(&op, &before);
                }
            }
            prop_assert!(op.check().is_ok());
        }
    }

    /// A step owed is overdue from the first instant after its deadline, for any periods.
    #[test]
    fn overdue_is_exact_at_the_boundary(approval_days in 0u32..30, letter_days in 0u32..30, offset_s in 0i64..10_000_000) {
        let clock = ApprovalClock { approval_days, letter_days };
        let submitted = t("2016-04-01T08:00:00Z") + Duration::seconds(offset_s);
        let mut c = convoy("c", "2016-04", &["douma"], "2016-03-20T00:00:00Z");
        c.advance(ConvoyStep::to(ConvoyState::Submitted, submitted)).unwrap();
        let due = submitted + Duration::days(i64::from(approval_days));
        let second = Duration::seconds(1);
        prop_assert!(clock.overdue_now(&c, due - second).is_none());
        prop_assert!(clock.overdue_now(&c, due).is_none());
        let late = clock.overdue_now(&c, due + second).unwrap();
        prop_assert_eq!(late.awaited, ConvoyState::ApprovedInPrinciple);
        prop_assert_eq!(late.due, due);

        // Approved exactly at its deadline: on time; then the letter's clock runs.
        c.advance(ConvoyStep::to(ConvoyState::ApprovedInPrinciple, due)).unwrap();
        let letter_due = due + Duration::days(i64::from(letter_days));
        let dues = clock.dues(&c, letter_due);
        prop_assert!(!dues[0].overdue);
        prop_assert!(clock.overdue_now(&c, letter_due).is_none());
        let late = clock.overdue_now(&c, letter_due + second).unwrap();
        prop_assert_eq!(late.awaited, ConvoyState::FacilitationLetterIssued);
    }
}

#[test]
fn an_answer_after_the_deadline_is_recorded_as_late() {
    let clock = ApprovalClock::default();
    let mut c = convoy("c", "2016-04", &["douma"], "2016-03-20T00:00:00Z");
    go(&mut c, ConvoyState::Submitted, "2016-04-01T00:00:00Z");
    go(
        &mut c,
        ConvoyState::ApprovedInPrinciple,
        "2016-04-08T00:00:01Z",
    );
    let dues = clock.dues(&c, t("2016-04-09T00:00:00Z"));
    assert!(dues[0].overdue && dues[0].answered_at.is_some());
    // Late, but no longer awaited: not overdue now.
    assert!(clock.overdue_now(&c, t("2016-04-09T00:00:00Z")).is_none());
    // A denial answers the clock too.
    let mut d = convoy("d", "2016-04", &["douma"], "2016-03-20T00:00:00Z");
    go(&mut d, ConvoyState::Submitted, "2016-04-01T00:00:00Z");
    go(&mut d, ConvoyState::Denied, "2016-04-03T00:00:00Z");
    assert!(clock.overdue_now(&d, t("2016-05-01T00:00:00Z")).is_none());
}

#[test]
fn steps_carry_only_what_belongs_to_them_and_never_go_back_in_time() {
    let mut c = convoy("c", "2016-04", &["douma"], "2016-04-01T00:00:00Z");
    let mut aborted = ConvoyStep::to(ConvoyState::Aborted, t("2016-04-02T00:00:00Z"));
    assert!(
        c.advance(aborted.clone()).is_err(),
        "an abort needs a reason"
    );
    aborted.reason = Some(AbortReason::Insecurity);
    let mut early = ConvoyStep::to(ConvoyState::Submitted, t("2016-03-31T00:00:00Z"));
    assert!(c.advance(early.clone()).is_err(), "before the plan");
    early.at = t("2016-04-01T00:00:00Z");
    early.people_reached = Some(5);
    assert!(
        c.advance(early.clone()).is_err(),
        "people reached only on delivery"
    );
    early.people_reached = None;
    c.advance(early).unwrap();
    let error = c
        .advance(ConvoyStep::to(
            ConvoyState::Delivering,
            t("2016-04-02T00:00:00Z"),
        ))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "'submitted' cannot move to 'delivering'; allowed: approved_in_principle, denied, aborted"
    );
    c.advance(aborted).unwrap();
    let error = c
        .advance(ConvoyStep::to(
            ConvoyState::Submitted,
            t("2016-04-03T00:00:00Z"),
        ))
        .unwrap_err();
    assert!(
        error.to_string().contains("nothing (it is final)"),
        "{error}"
    );
}

#[test]
fn reached_elsewhere_than_a_destination_or_above_the_total_is_refused() {
    let mut c = convoy("c", "2016-04", &["douma", "saqba"], "2016-04-01T00:00:00Z");
    run_to_delivering(&mut c, "2016-04-02T00:00:00Z");
    let mut step = ConvoyStep::to(ConvoyState::DeliveredFull, t("2016-04-20T00:00:00Z"));
    step.reached = vec![Reach {
        location: "madaya".to_owned(),
        people: 10,
    }];
    assert!(c.advance(step.clone()).is_err());
    step.reached[0].location = "douma".to_owned();
    step.people_reached = Some(5);
    assert!(c.advance(step.clone()).is_err());
    step.people_reached = Some(50);
    c.advance(step).unwrap();
    assert_eq!(c.people_reached(t("2016-04-20T00:00:00Z")), Some(50));
    assert_eq!(c.people_reached(t("2016-04-19T23:59:59Z")), None);
}

#[test]
fn a_linked_convoy_waits_until_the_other_side_has_come_as_far() {
    let four_towns = LinkedDeliveries {
        id: "four-towns".to_owned(),
        name: "Four Towns".to_owned(),
        name_ar: "البلدات الأربع".to_owned(),
        sides: [
            vec!["madaya".to_owned(), "zabadani".to_owned()],
            vec!["foah".to_owned(), "kefraya".to_owned()],
        ],
        sources: vec![],
    };
    let groups = [four_towns];
    let mut madaya = convoy("m", "2016-04", &["madaya"], "2016-04-01T00:00:00Z");
    let at = t("2016-04-30T00:00:00Z");
    // Alone: nobody on the other side.
    assert!(matches!(
        linked_status(&madaya, std::slice::from_ref(&madaya), &groups, at)[..],
        [LinkedStatus::NoPartner { .. }]
    ));
    let mut foah = convoy("f", "2016-04", &["foah", "kefraya"], "2016-04-01T00:00:00Z");
    let elsewhere = convoy("x", "2016-05", &["foah"], "2016-04-01T00:00:00Z");
    go(&mut madaya, ConvoyState::Submitted, "2016-04-02T00:00:00Z");
    go(
        &mut madaya,
        ConvoyState::ApprovedInPrinciple,
        "2016-04-03T00:00:00Z",
    );
    go(&mut foah, ConvoyState::Submitted, "2016-04-02T00:00:00Z");
    let all = [madaya.clone(), foah.clone(), elsewhere];
    match &linked_status(&madaya, &all, &groups, at)[..] {
        [LinkedStatus::Waiting { group, partners }] => {
            assert_eq!(group, "four-towns");
            assert_eq!(
                partners,
                &["f".to_owned()],
                "another month's convoy is not a partner"
            );
        }
        other => panic!("{other:?}"),
    }
    // The lagging side is not waiting: the other waits for it.
    assert!(matches!(
        linked_status(&foah, &all, &groups, at)[..],
        [LinkedStatus::InStep { .. }]
    ));
    go(
        &mut foah,
        ConvoyState::ApprovedInPrinciple,
        "2016-04-04T00:00:00Z",
    );
    let all = [madaya.clone(), foah.clone()];
    assert!(matches!(
        linked_status(&madaya, &all, &groups, at)[..],
        [LinkedStatus::InStep { .. }]
    ));
    // Before Foah's approval, Madaya was waiting.
    assert!(matches!(
        linked_status(&madaya, &all, &groups, t("2016-04-03T12:00:00Z"))[..],
        [LinkedStatus::Waiting { .. }]
    ));
    // A denied partner lets nobody through.
    go(&mut foah, ConvoyState::Denied, "2016-04-05T00:00:00Z");
    let all = [madaya.clone(), foah];
    assert!(matches!(
        linked_status(&madaya, &all, &groups, at)[..],
        [LinkedStatus::Waiting { .. }]
    ));
    // Delivered while the other side's was denied: kept on one side only.
    let mut delivered = madaya.clone();
    run_to_delivering_from(
        &mut delivered,
        ConvoyState::ApprovedInPrinciple,
        "2016-04-06T00:00:00Z",
    );
    deliver(&mut delivered, "2016-04-20T00:00:00Z", &[], Some(1));
    let all = [delivered.clone(), all[1].clone()];
    assert!(matches!(
        linked_status(&delivered, &all, &groups, at)[..],
        [LinkedStatus::OneSided { .. }]
    ));
    // A convoy elsewhere is under no arrangement.
    let douma = convoy("d", "2016-04", &["douma"], "2016-04-01T00:00:00Z");
    assert!(linked_status(&douma, &all, &groups, at).is_empty());
}

/// A small world whose scorecard is worked out by hand in the comments.
#[test]
fn the_scorecard_matches_a_fixture_computed_by_hand() {
    let locations = [
        location("madaya", Some("2016-02-01")),
        location("douma", Some("2016-01-18")),
        location("deir_ez_zor", Some("2016-01-18")),
        location("al_waer", Some("2016-06-20")), // not yet listed in April
        location("jobar", None),                 // listed by nobody we count
    ];
    // 1. Madaya: delivered on 11 January to 40,000 (a total for its one destination).
    let mut madaya = convoy("madaya-jan", "2016-01", &["madaya"], "2016-01-05T00:00:00Z");
    run_to_delivering(&mut madaya, "2016-01-06T00:00:00Z");
    deliver(&mut madaya, "2016-01-13T00:00:00Z", &[], Some(40_000));
    // 2. Douma: delivered on 10 April to 10,000, with a trauma kit and surgical items removed
    //    at inspection (2 medical removals) and food removed (not medical).
    let mut douma = convoy("douma-apr", "2016-04", &["douma"], "2016-04-01T00:00:00Z");
    go(&mut douma, ConvoyState::Submitted, "2016-04-01T00:00:00Z");
    go(
        &mut douma,
        ConvoyState::ApprovedInPrinciple,
        "2016-04-02T00:00:00Z",
    );
    go(
        &mut douma,
        ConvoyState::FacilitationLetterIssued,
        "2016-04-03T00:00:00Z",
    );
    go(&mut douma, ConvoyState::Loaded, "2016-04-04T00:00:00Z");
    let mut inspected = ConvoyStep::to(ConvoyState::Inspected, t("2016-04-05T00:00:00Z"));
    inspected.removals = ["trauma kits", "surgical", "food"]
        .into_iter()
        .map(|sector| Removal {
            sector: sector.to_owned(),
            item: sector.to_owned(),
            quantity: 1.0,
            unit: "kits".to_owned(),
            removed_by: String::new(),
        })
        .collect();
    douma.advance(inspected).unwrap();
    go(&mut douma, ConvoyState::Dispatched, "2016-04-06T00:00:00Z");
    go(&mut douma, ConvoyState::Delivering, "2016-04-10T00:00:00Z");
    deliver(
        &mut douma,
        "2016-04-10T12:00:00Z",
        &[("douma", 10_000)],
        None,
    );
    // 3. Submitted 1 April, no answer: overdue after 8 April 00:00 (7 days).
    let mut waiting = convoy("harasta-apr", "2016-04", &["douma"], "2016-04-01T00:00:00Z");
    go(&mut waiting, ConvoyState::Submitted, "2016-04-01T00:00:00Z");
    // 4. Approved 10 April: its letter is due 13 April, not overdue on 12 April.
    let mut approved = convoy(
        "approved-apr",
        "2016-04",
        &["madaya"],
        "2016-04-01T00:00:00Z",
    );
    go(
        &mut approved,
        ConvoyState::Submitted,
        "2016-04-05T00:00:00Z",
    );
    go(
        &mut approved,
        ConvoyState::ApprovedInPrinciple,
        "2016-04-10T00:00:00Z",
    );
    // 5. Aborted for lack of a letter on 8 April; 6. planned, not submitted.
    let mut aborted = convoy("aborted-apr", "2016-04", &["douma"], "2016-04-01T00:00:00Z");
    go(&mut aborted, ConvoyState::Submitted, "2016-04-01T00:00:00Z");
    go(&mut aborted, ConvoyState::Aborted, "2016-04-08T00:00:00Z");
    let planned = convoy("planned-may", "2016-05", &["douma"], "2016-04-01T00:00:00Z");
    let convoys = [madaya, douma, waiting, approved, aborted, planned];

    // Air: 21 pallets of 21 t dropped with the recovery not counted; 26 pallets of 20 t with
    // 22 recovered (20 × 22 / 26 = 16.923 t); one still planned.
    let mut first = airdrop("drop-feb", "deir_ez_zor");
    first.tonnes = Some(21.0);
    first.steps[0].at = t("2016-02-20T00:00:00Z");
    first
        .advance(AirStep::to(AirState::Flown, t("2016-02-24T05:00:00Z")))
        .unwrap();
    let mut dropped = AirStep::to(AirState::Dropped, t("2016-02-24T06:00:00Z"));
    dropped.pallets_dropped = Some(21);
    first.advance(dropped).unwrap();
    let mut partly = AirStep::to(AirState::PartiallyRecovered, t("2016-02-25T00:00:00Z"));
    partly.pallets_unaccounted = Some(10);
    first.advance(partly).unwrap();
    let mut second = airdrop("drop-apr", "deir_ez_zor");
    second
        .advance(AirStep::to(AirState::Flown, t("2016-04-10T05:00:00Z")))
        .unwrap();
    let mut dropped = AirStep::to(AirState::Dropped, t("2016-04-10T06:00:00Z"));
    dropped.pallets_dropped = Some(26);
    second.advance(dropped).unwrap();
    let mut partly = AirStep::to(AirState::PartiallyRecovered, t("2016-04-10T12:00:00Z"));
    partly.pallets_recovered = Some(22);
    second.advance(partly).unwrap();
    let planned_drop = airdrop("drop-later", "deir_ez_zor");
    let air = [first, second, planned_drop];

    let card = scorecard(
        &locations,
        &convoys,
        &air,
        day("2016-04-12"),
        "OCHA",
        &|_| ApprovalClock::default(),
    );
    assert_eq!(card.besieged_locations_total, 3); // madaya, douma, deir_ez_zor
    assert_eq!(card.besieged_locations_reached, 3); // by convoy, convoy and airdrop
    assert_eq!(card.people_reached_cumulative, 50_000);
    assert_eq!(card.people_reached_month, 10_000);
    assert_eq!(card.approvals_pending, 2); // harasta-apr, approved-apr
    assert_eq!(card.approvals_overdue, 1); // harasta-apr
    assert_eq!(card.convoys_aborted_by_reason["no_letter"], 1);
    assert_eq!(card.convoys_aborted_by_reason["attack"], 0);
    assert_eq!(card.medical_removals, 2);
    assert_eq!(card.airdrops_flown, 2);
    assert_eq!(card.tonnes_delivered, 16.923);
    assert_eq!(card.pallets_dropped, 47);
    assert_eq!(card.pallets_recovered, 22);
    assert_eq!(card.records["approvals_overdue"], ["harasta-apr"]);
    assert_eq!(
        card.records["besieged_locations_total"],
        ["madaya", "douma", "deir_ez_zor"]
    );
    assert_eq!(card.records["people_reached_month"], ["douma-apr"]);

    // As of 12 February: only Madaya's convoy, Douma and Madaya listed, no airdrop yet.
    let card = scorecard(
        &locations,
        &convoys,
        &air,
        day("2016-02-12"),
        "OCHA",
        &|_| ApprovalClock::default(),
    );
    assert_eq!(card.besieged_locations_total, 3);
    assert_eq!(card.besieged_locations_reached, 1);
    assert_eq!(card.people_reached_cumulative, 40_000);
    assert_eq!(card.people_reached_month, 0);
    assert_eq!(card.approvals_pending, 0);
    assert_eq!(card.airdrops_flown, 0);
    assert_eq!(card.pallets_dropped, 0);

    // Another classifier lists nothing here.
    let card = scorecard(
        &locations,
        &convoys,
        &air,
        day("2016-04-12"),
        "Siege Watch",
        &|_| ApprovalClock::default(),
    );
    assert_eq!(card.besieged_locations_total, 0);

    let metrics = location_metrics(&locations[0], &convoys, &air, day("2016-04-12"));
    assert_eq!(metrics.last_reached, Some(day("2016-01-13")));
    assert_eq!(metrics.days_since_last_reached, Some(90));
    assert_eq!(metrics.people_reached_cumulative, 40_000);
    assert_eq!(metrics.people_reached_month, 0);
    let metrics = location_metrics(&locations[2], &convoys, &air, day("2016-04-12"));
    assert_eq!(metrics.air_operations, ["drop-feb", "drop-apr"]);
    assert_eq!(metrics.last_reached, Some(day("2016-04-10")));
}

#[test]
fn a_compiled_record_skips_what_its_sources_do_not_attest_but_never_goes_back() {
    let mut c = convoy("c", "2016-02", &["madaya"], "2016-02-16T00:00:00Z");
    c.compiled = true;
    c.steps = vec![
        ConvoyStep::to(ConvoyState::ApprovedInPrinciple, t("2016-02-16T00:00:00Z")),
        ConvoyStep::to(ConvoyState::Dispatched, t("2016-02-17T00:00:00Z")),
        ConvoyStep::to(ConvoyState::DeliveredFull, t("2016-02-18T00:00:00Z")),
    ];
    c.check().unwrap();
    c.compiled = false;
    assert!(
        c.check().is_err(),
        "a live convoy starts planned and moves step by step"
    );
    c.compiled = true;
    c.steps.push(ConvoyStep::to(
        ConvoyState::Submitted,
        t("2016-02-19T00:00:00Z"),
    ));
    assert!(c.check().is_err(), "nothing follows a delivery");
    c.steps.pop();
    c.steps.swap(0, 1);
    c.steps[0].at = t("2016-02-16T00:00:00Z");
    c.steps[1].at = t("2016-02-17T00:00:00Z");
    assert!(
        c.check().is_err(),
        "no way back from dispatched to approval"
    );
    // Live moves on a compiled record are still one step at a time.
    let mut c = convoy("d", "2016-02", &["madaya"], "2016-02-16T00:00:00Z");
    c.compiled = true;
    assert!(
        c.advance(ConvoyStep::to(
            ConvoyState::Loaded,
            t("2016-02-17T00:00:00Z")
        ))
        .is_err()
    );
}

#[test]
fn a_compiled_record_that_skips_the_letter_is_neither_on_time_nor_overdue() {
    let mut c = convoy(
        "c",
        "2016-02",
        &["moadamiyet_al_sham"],
        "2016-02-16T12:00:00Z",
    );
    c.compiled = true;
    c.steps = vec![
        ConvoyStep::to(ConvoyState::ApprovedInPrinciple, t("2016-02-16T12:00:00Z")),
        ConvoyStep::to(ConvoyState::DeliveredFull, t("2016-02-23T15:00:00Z")),
    ];
    let clock = ApprovalClock::default();
    let dues = clock.dues(&c, t("2016-03-01T00:00:00Z"));
    assert_eq!(dues.len(), 1);
    assert!(dues[0].answer_unrecorded && !dues[0].overdue && dues[0].answered_at.is_none());
    assert!(clock.overdue_now(&c, t("2016-03-01T00:00:00Z")).is_none());
}

#[test]
fn absurd_figures_are_refused() {
    let mut c = convoy("c", "2016-04", &["douma"], "2016-04-01T00:00:00Z");
    run_to_delivering(&mut c, "2016-04-01T00:00:00Z");
    let mut step = ConvoyStep::to(ConvoyState::DeliveredFull, t("2016-04-20T00:00:00Z"));
    step.people_reached = Some(u64::MAX);
    assert!(c.advance(step.clone()).is_err());
    step.people_reached = None;
    step.reached = vec![Reach {
        location: "douma".to_owned(),
        people: u64::MAX,
    }];
    assert!(c.advance(step).is_err());
    let mut c = convoy("d", "2016-04", &["douma"], "2016-04-01T00:00:00Z");
    c.cargo = vec![CargoLine {
        sector: "food".to_owned(),
        item: "flour".to_owned(),
        quantity: f64::INFINITY,
        unit: "t".to_owned(),
    }];
    assert!(c.check().is_err());
    let mut op = airdrop("a", "deir_ez_zor");
    op.tonnes = Some(f64::INFINITY);
    assert!(op.check().is_err());
    // No more pallets come back than went down.
    let mut op = airdrop("b", "deir_ez_zor");
    op.advance(AirStep::to(AirState::Flown, t("2016-04-02T00:00:00Z")))
        .unwrap();
    let mut dropped = AirStep::to(AirState::Dropped, t("2016-04-02T01:00:00Z"));
    dropped.pallets_dropped = Some(21);
    op.advance(dropped).unwrap();
    let mut back = AirStep::to(AirState::PartiallyRecovered, t("2016-04-02T05:00:00Z"));
    back.pallets_recovered = Some(15);
    back.pallets_unaccounted = Some(7);
    let before = op.clone();
    assert!(op.advance(back.clone()).is_err());
    assert_eq!(op, before, "a refused step changes nothing");
    back.pallets_unaccounted = Some(6);
    op.advance(back).unwrap();
}

#[test]
fn a_linked_convoy_delivered_with_nobody_on_the_other_side_was_one_sided() {
    let groups = [LinkedDeliveries {
        id: "four-towns".to_owned(),
        name: "Four Towns".to_owned(),
        name_ar: "البلدات الأربع".to_owned(),
        sides: [vec!["madaya".to_owned()], vec!["foah".to_owned()]],
        sources: vec![],
    }];
    let mut madaya = convoy("m", "2016-04", &["madaya"], "2016-04-01T00:00:00Z");
    run_to_delivering(&mut madaya, "2016-04-02T00:00:00Z");
    deliver(&mut madaya, "2016-04-20T00:00:00Z", &[], Some(1));
    let at = t("2016-04-30T00:00:00Z");
    assert!(matches!(
        linked_status(&madaya, std::slice::from_ref(&madaya), &groups, at)[..],
        [LinkedStatus::OneSided { ref partners, .. }] if partners.is_empty()
    ));
}
