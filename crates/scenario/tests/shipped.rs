//! The shipped 2016 scenario loads, passes every check, and classifies known places as expected.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use std::time::Instant;

use truce_core::incident::{ActorRef, EventKind, GeoPrecision, Incident, Location};
use truce_core::{Label, classify};

#[test]
fn the_shipped_scenario_loads_without_problems() {
    let started = Instant::now();
    let scenario = truce_scenario::load(None).unwrap_or_else(|errors| panic!("{errors}"));
    eprintln!("loaded in {:?}", started.elapsed());
    assert_eq!(scenario.admin3.units().len(), 272);
    assert_eq!(scenario.admin1.units().len(), 14);
    assert_eq!(scenario.control.versions().len(), 276);
    // The 18 of the UN list, Al Wa'er (added in June), six communities only Siege Watch
    // listed, and three destinations of the April plan.
    assert_eq!(scenario.besieged.len(), 28);
    let on_un_list = |day: &str| {
        let day = day.parse().unwrap();
        scenario
            .besieged
            .iter()
            .filter(|location| location.besieged("OCHA", day))
            .count()
    };
    assert_eq!(on_un_list("2016-01-18"), 15);
    assert_eq!(on_un_list("2016-02-12"), 18);
    assert_eq!(on_un_list("2016-06-30"), 18, "Al Wa'er in, Zebdin out");
    let records = &scenario.humanitarian;
    assert_eq!(records.convoys.len(), 10);
    assert_eq!(records.air_operations.len(), 3);
    assert_eq!(records.linked_deliveries.len(), 1);
    assert!(scenario.control_is_approximate());
}

#[test]
fn a_government_strike_on_opposition_held_atareb_after_the_start_is_covered() {
    let scenario = truce_scenario::load(None).unwrap();
    let mut incident = Incident::new(
        "atareb-1",
        "2016-03-02T09:00:00Z".parse().unwrap(),
        Some(Location::new(36.1386, 36.8284, GeoPrecision::Town).unwrap()),
    );
    incident.perpetrator = Some(ActorRef::Known(
        scenario
            .actors
            .resolve("Syrian air force")
            .unwrap()
            .id
            .clone(),
    ));
    incident.kind = EventKind::parse("air_strike").unwrap().0;
    let assessment = classify(&incident, &scenario);
    assert_eq!(
        assessment.labels,
        vec![Label::Covered],
        "{:#?}",
        assessment.reasons
    );
    let area = assessment.area.unwrap();
    assert_eq!(area.pcode.as_deref(), Some("SY020001"));
    assert_eq!(area.controller.to_string(), "opposition");
}
