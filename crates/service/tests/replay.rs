//! Replaying the change log from an empty database reproduces the same world and the same
//! current assessments, for random sequences of commands (some of them refused).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use proptest::prelude::*;
use serde_json::json;
use truce_scenario::EmbeddedCoh2016;
use truce_service::{Command, Principal, Request, Service, silent};
use truce_store::{ActorName, Casualties, IncidentBody, ReportBody, Store};

/// What a random step does, by index into small fixed lists.
#[derive(Debug, Clone)]
enum Step {
    Actor(u8),
    Designation {
        actor: u8,
        month: u8,
    },
    Commitment {
        actor: u8,
        day: u8,
    },
    Area {
        pcode: u8,
        controller: u8,
        contributor: bool,
    },
    Incident {
        place: u8,
        perpetrator: u8,
        target: u8,
        day: u8,
    },
    Report {
        incident: u8,
        grade: u8,
    },
}

const ACTORS: [&str; 6] = [
    "gos",
    "fsa",
    "ahrar_al_sham",
    "nusra",
    "jaysh_al_islam",
    "new_0",
];
const PCODES: [&str; 3] = ["SY020001", "SY070000", "SY030100"];
/// Points in or near those sub-districts, and one in Damascus.
const PLACES: [(f64, f64); 4] = [
    (36.1386, 36.8284),
    (35.93, 36.63),
    (33.57, 36.40),
    (33.51, 36.29),
];

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0u8..3).prop_map(Step::Actor),
        (0u8..6, 1u8..5).prop_map(|(actor, month)| Step::Designation { actor, month }),
        (0u8..6, 20u8..29).prop_map(|(actor, day)| Step::Commitment { actor, day }),
        (0u8..3, 0u8..6, any::<bool>()).prop_map(|(pcode, controller, contributor)| Step::Area {
            pcode,
            controller,
            contributor
        }),
        (0u8..4, 0u8..6, 0u8..6, 1u8..28).prop_map(|(place, perpetrator, target, day)| {
            Step::Incident {
                place,
                perpetrator,
                target,
                day,
            }
        }),
        (0u8..8, 0u8..4).prop_map(|(incident, grade)| Step::Report { incident, grade }),
    ]
}

/// The command for a step, given the incidents recorded so far (`n` numbers the step).
fn command(step: &Step, n: usize, incidents: &[String]) -> Option<Command> {
    let party = |index: u8| {
        let id = ACTORS[usize::from(index)];
        ActorName {
            id: Some(id.to_owned()),
            name: id.to_owned(),
        }
    };
    Some(match step {
        Step::Actor(index) => Command::AddActor {
            actor: serde_json::from_value(json!({
                "id": format!("new_{index}"), "name": format!("New group {index}"),
                "name_ar": "", "acled_type": 2, "side": "opposition", "parent": "opposition"
            }))
            .unwrap(),
        },
        Step::Designation { actor, month } => Command::AddDesignation {
            designation: serde_json::from_value(json!({
                "actor": ACTORS[usize::from(*actor)], "list": "UNSC 1267",
                "listed_from": format!("2016-0{month}-01T00:00:00Z"), "status": "listed"
            }))
            .unwrap(),
        },
        Step::Commitment { actor, day } => Command::SetCommitment {
            commitment: serde_json::from_value(json!({
                "actor": ACTORS[usize::from(*actor)], "channel": "US",
                "history": [{"at": format!("2016-02-{day}T12:00:00Z"), "kind": "declare"}]
            }))
            .unwrap(),
        },
        Step::Area {
            pcode,
            controller,
            contributor,
        } => {
            let (who, agreed) = if *contributor {
                ("RU", "ru")
            } else {
                ("US", "us")
            };
            Command::AddAreaVersion {
                layer: json!({"type": "FeatureCollection",
                    "truce_layer": {"id": "claims", "contributor": who, "agreed_by": agreed,
                                    "valid_from": "2016-03-01T00:00:00Z", "approximate": false},
                    "features": [{"type": "Feature", "geometry": null, "properties": {
                        "id": format!("claim-{n}"), "admin3_pcode": PCODES[usize::from(*pcode)],
                        "controller": ACTORS[usize::from(*controller)]}}]}),
            }
        }
        Step::Incident {
            place,
            perpetrator,
            target,
            day,
        } => {
            let (lat, lon) = PLACES[usize::from(*place)];
            Command::RecordIncident {
                incident: IncidentBody {
                    id: format!("incident-{n}"),
                    occurred_at: format!("2016-03-{day:02}T10:00:00Z"),
                    time_precision: 1,
                    lat,
                    lon,
                    geo_precision: 1,
                    origin: None,
                    admin1_pcode: None,
                    admin3_pcode: None,
                    perpetrator: Some(party(*perpetrator)),
                    target: Some(party(*target)),
                    event_type: Some("Explosions/Remote violence".to_owned()),
                    sub_event_type: Some("Shelling/artillery/missile attack".to_owned()),
                    weapon: None,
                    self_defence_claimed: false,
                    casualties: Casualties::default(),
                    notes: String::new(),
                    synthetic: false,
                },
                report: None,
            }
        }
        Step::Report { incident, grade } => {
            let incident = incidents.get(usize::from(*incident) % incidents.len().max(1))?;
            Command::AddReport {
                report: ReportBody {
                    id: format!("report-{n}"),
                    incident_id: incident.clone(),
                    source_name: format!("source {grade}"),
                    source_type: "UN".to_owned(),
                    affiliation: format!("camp {grade}"),
                    reliability: ["A", "B", "C", "F"][usize::from(*grade)].to_owned(),
                    credibility: grade + 1,
                    direct_observation: *grade == 0,
                    text: "Seen.".to_owned(),
                    received_at: None,
                    language: None,
                    url: None,
                },
            }
        }
    })
}

async fn service(dir: &tempfile::TempDir, name: &str) -> Service {
    let url = format!("sqlite://{}", dir.path().join(name).display());
    Service::start(Store::open(&url).await.unwrap(), &EmbeddedCoh2016)
        .await
        .unwrap()
}

/// Everything the two databases must agree on.
async fn state_of(service: &Service) -> serde_json::Value {
    let store = service.store();
    let mut assessments = Vec::new();
    let mut cursor = None;
    loop {
        let page = store
            .incidents(&Default::default(), cursor, 500)
            .await
            .unwrap();
        assessments.extend(
            page.items
                .iter()
                .map(|i| (i.id.clone(), i.assessment.clone())),
        );
        let Some(next) = page.next else { break };
        cursor = Some(next);
    }
    assessments.sort();
    let world = store.world_rows().await.unwrap();
    json!({
        "agreements": world.agreements,
        "actors": serde_json::to_value(world.actors).unwrap(),
        "designations": serde_json::to_value(world.designations).unwrap(),
        "commitments": serde_json::to_value(world.commitments).unwrap(),
        "areas": world.area_layers,
        "assessments": assessments,
        "cases": store.cases().await.unwrap().into_iter().map(|c| c.body).collect::<Vec<_>>(),
        "generation": world.generation,
    })
}

async fn replay_reproduces(steps: Vec<Step>) {
    let dir = tempfile::tempdir().unwrap();
    let original = service(&dir, "original.db").await;
    let seeded = original.store().changes(0, 100_000).await.unwrap().len();
    let mut incidents = Vec::new();
    for (n, step) in steps.iter().enumerate() {
        let Some(command) = command(step, n, &incidents) else {
            continue;
        };
        let id = match &command {
            Command::RecordIncident { incident, .. } => Some(incident.id.clone()),
            _ => None,
        };
        let done = original
            .execute(Request::by(Principal::cli("test")), command, silent())
            .await;
        if let (Ok(_), Some(id)) = (done, id) {
            incidents.push(id);
        }
    }
    // The cases the classification owes are opened before the log is read (the server's own
    // sweep may be behind).
    original.open_pending_cases().await.unwrap();
    let log = original.store().changes(0, 100_000).await.unwrap();

    // A fresh database seeds itself with the same entries, then takes the rest of the log.
    let copy = service(&dir, "copy.db").await;
    let copy_seed = copy.store().changes(0, 100_000).await.unwrap();
    assert_eq!(copy_seed.len(), seeded);
    for (a, b) in log.iter().zip(&copy_seed) {
        assert_eq!(
            (&a.change.action, &a.change.payload_sha256),
            (&b.change.action, &b.change.payload_sha256)
        );
    }
    for entry in &log[seeded..] {
        copy.replay_entry(entry).await.unwrap();
    }
    let replayed = copy.store().changes(0, 100_000).await.unwrap();
    assert_eq!(
        replayed
            .iter()
            .map(|e| (&e.change.principal, &e.change.payload_sha256))
            .collect::<Vec<_>>(),
        log.iter()
            .map(|e| (&e.change.principal, &e.change.payload_sha256))
            .collect::<Vec<_>>()
    );
    assert_eq!(state_of(&copy).await, state_of(&original).await);
    // Both records are whole chains whose payloads are the data behind them.
    for service in [&original, &copy] {
        assert_eq!(
            service.store().verify_ledger().await.unwrap(),
            Ok(log.len() as i64)
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn replaying_the_change_log_reproduces_the_world_and_the_assessments(
        steps in proptest::collection::vec(step(), 4..24)
    ) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(replay_reproduces(steps));
    }
}
