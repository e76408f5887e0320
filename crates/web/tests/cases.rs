//! Cases through the door: the classification opens them as the system, each action of the
//! procedure is one command with its change-log entry, roles are held to their part, and two
//! servers sweeping at once open one case per incident.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

mod common;

use common::*;
use serde_json::json;
use truce_core::access::Role;
use truce_core::actor::{ActorId, CoChair};
use truce_core::case::{Body, CaseAction, CaseState, Verdict};
use truce_core::scenario::ScenarioFiles;
use truce_scenario::EmbeddedCoh2016;
use truce_service::{Command, Principal, Request, ServiceError, silent};

/// A covered strike: the Government's air force on the FSA in March 2016.
async fn strike(app: &App, lat: f64) -> String {
    let (status, incident) = app
        .post(
            "/api/v1/incidents",
            &json!({"occurred_at": "2016-03-02T11:00:00+02:00", "lat": lat, "lon": 36.8284,
                    "perpetrator": "Syrian air force", "target": "FSA", "event_type": "air_strike",
                    "casualties": {"killed_civilian": {"min": 2, "max": 3}},
                    "notes": "Barrel bombs on the market"}),
        )
        .await;
    assert_eq!(status, 201, "{incident}");
    incident["id"].as_str().unwrap().to_owned()
}

fn as_user(name: &str, role: Role) -> Request {
    Request {
        principal: Principal::user(name, role),
        key: None,
        reason: "test".to_owned(),
    }
}

fn ru() -> Request {
    as_user("ru-officer", Role::CoChair { party: CoChair::RU })
}

fn us() -> Request {
    as_user("us-officer", Role::CoChair { party: CoChair::US })
}

fn act(case: &str, action: CaseAction) -> Command {
    Command::ActOnCase {
        case: case.to_owned(),
        action,
        why: "as the procedure asks".to_owned(),
        at: None,
    }
}

async fn entries(app: &App, action: &str) -> Vec<truce_store::ChangeEntry> {
    app.state
        .store()
        .changes(0, 1_000_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|entry| entry.change.action == action)
        .collect()
}

async fn the_procedure(app: &App) {
    let service = app.state.service();
    let incident = strike(app, 36.1386).await;
    service.open_pending_cases().await.unwrap();
    let id = format!("case-{incident}");
    let case = service
        .case(&id)
        .await
        .unwrap()
        .expect("the classification opened a case");
    assert_eq!(case.opened_by, "system");
    assert_eq!(case.accused, [ActorId::new("gos")]);
    assert_eq!(case.civilians_killed(), 3);
    assert_eq!(
        service.open_pending_cases().await.unwrap(),
        0,
        "nothing left"
    );
    let opened = entries(app, "open_cases").await;
    assert_eq!(
        opened.len(),
        1,
        "one entry for the sweep, none for an empty one"
    );
    assert_eq!(opened[0].change.principal, "system");

    let run = |request: Request, command: Command| async move {
        service.execute(request, command, silent()).await
    };
    run(
        ru(),
        act(
            &id,
            CaseAction::Move {
                to: CaseState::InScope,
                out_of_scope: None,
            },
        ),
    )
    .await
    .unwrap();
    let ask = || CaseAction::Request {
        to: ActorId::new("gos"),
        text: "Which units flew over Aleppo at 11:00?".to_owned(),
    };
    let wrong = run(us(), act(&id, ask())).await;
    assert!(
        matches!(&wrong, Err(ServiceError::Forbidden { message, .. }) if message.contains("guarantor co-chair RU")),
        "{wrong:?}"
    );
    run(ru(), act(&id, ask())).await.unwrap();
    let monitor = as_user("field", Role::Monitor);
    let answer = |text: &str| CaseAction::Answer {
        request: 1,
        text: text.to_owned(),
    };
    assert!(matches!(
        run(monitor, act(&id, answer("x"))).await,
        Err(ServiceError::Forbidden { .. })
    ));
    let liaison = || {
        as_user(
            "gos-liaison",
            Role::PartyLiaison {
                actor: "gos".to_owned(),
            },
        )
    };
    run(liaison(), act(&id, answer("No sorties were flown there.")))
        .await
        .unwrap();
    run(
        ru(),
        act(
            &id,
            CaseAction::Move {
                to: CaseState::UnderAssessment,
                out_of_scope: None,
            },
        ),
    )
    .await
    .unwrap();
    let unverified = run(
        us(),
        act(
            &id,
            CaseAction::Move {
                to: CaseState::Verified,
                out_of_scope: None,
            },
        ),
    )
    .await;
    assert!(
        matches!(&unverified, Err(ServiceError::Invalid { message, .. }) if message.contains("R5")),
        "one unreported incident is not verified: {unverified:?}"
    );
    run(
        us(),
        act(
            &id,
            CaseAction::Move {
                to: CaseState::Inconclusive,
                out_of_scope: None,
            },
        ),
    )
    .await
    .unwrap();
    let finding = |body, verdict, text: &str| CaseAction::Finding {
        body,
        verdict,
        text: text.to_owned(),
    };
    run(
        us(),
        act(
            &id,
            finding(Body::Us, Verdict::Violation, "A strike on a covered area."),
        ),
    )
    .await
    .unwrap();
    run(
        ru(),
        act(
            &id,
            finding(Body::Ru, Verdict::TargetExcluded, "A Nusra depot."),
        ),
    )
    .await
    .unwrap();
    let stored = app.state.store().case(&id).await.unwrap().unwrap();
    assert!(stored.disputed, "conflicting findings mark the stored case");
    assert_eq!(stored.state, "findings");
    run(
        ru(),
        act(
            &id,
            finding(
                Body::Joint,
                Verdict::Undetermined,
                "Both accounts are recorded; the co-chairs cannot determine the target.",
            ),
        ),
    )
    .await
    .unwrap();
    run(us(), act(&id, CaseAction::Approve { finding: 3 }))
        .await
        .unwrap();
    let stored = app.state.store().case(&id).await.unwrap().unwrap();
    assert!(!stored.disputed, "the joint text settles it");
    let case = service.case(&id).await.unwrap().unwrap();
    assert_eq!(case.findings()[2].approved_by, ["RU", "US"]);
    assert_eq!(case.requests()[0].answers[0].by, "gos-liaison");

    // Every accepted action is one entry; the refused ones left none.
    assert_eq!(entries(app, "act_on_case").await.len(), 9);
    // A liaison cannot move a case, and the public cannot act at all.
    assert!(matches!(
        run(
            liaison(),
            act(
                &id,
                CaseAction::Move {
                    to: CaseState::Action,
                    out_of_scope: None
                }
            )
        )
        .await,
        Err(ServiceError::Forbidden { .. })
    ));
    let anonymous = Request {
        principal: Principal::anonymous(),
        key: None,
        reason: String::new(),
    };
    assert!(matches!(
        run(
            anonymous,
            act(
                &id,
                CaseAction::Move {
                    to: CaseState::Action,
                    out_of_scope: None
                }
            )
        )
        .await,
        Err(ServiceError::Forbidden {
            signed_in: false,
            ..
        })
    ));
    let missing = run(us(), act("case-none", CaseAction::Approve { finding: 1 })).await;
    assert!(
        matches!(missing, Err(ServiceError::NotFound(_))),
        "{missing:?}"
    );

    // A co-chair files a second incident under the case; it cannot be filed twice.
    let second = strike(app, 36.14).await;
    let merge = || Command::MergeIntoCase {
        case: id.clone(),
        incident: second.clone(),
        why: "the same raid".to_owned(),
        at: None,
    };
    run(us(), merge()).await.unwrap();
    assert!(matches!(
        run(us(), merge()).await,
        Err(ServiceError::Invalid { .. })
    ));
    assert_eq!(
        service.open_pending_cases().await.unwrap(),
        0,
        "the merged incident has its case"
    );
    let case = service.case(&id).await.unwrap().unwrap();
    assert_eq!(case.incident_ids(), [incident.as_str(), second.as_str()]);
    // Had the classification opened the second incident's own case first, it is closed and
    // points here.
    if let Some(own) = service.case(&format!("case-{second}")).await.unwrap() {
        assert_eq!(own.state(), CaseState::Closed);
    }
    assert_eq!(
        app.state
            .store()
            .case_of_incident(&second)
            .await
            .unwrap()
            .as_deref(),
        Some(id.as_str())
    );
}

#[tokio::test]
async fn the_procedure_runs_through_the_door_on_sqlite() {
    the_procedure(&app().await).await;
}

#[tokio::test]
async fn the_procedure_runs_through_the_door_on_postgres() {
    let Some(url) = postgres_url("cases_procedure").await else {
        return;
    };
    the_procedure(&app_on(&url, truce_web::DEFAULT_BODY_LIMIT).await).await;
}

async fn two_sweeps(url: &str) {
    let one = app_on(url, truce_web::DEFAULT_BODY_LIMIT).await;
    let two = app_on(url, truce_web::DEFAULT_BODY_LIMIT).await;
    for n in 0..20 {
        strike(&one, 36.1 + f64::from(n) / 1000.0).await;
    }
    let (a, b) = tokio::join!(
        one.state.service().open_pending_cases(),
        two.state.service().open_pending_cases()
    );
    a.unwrap();
    b.unwrap();
    // The servers' own openers may have swept too; together they opened each case once.
    let cases = one.state.service().cases().await.unwrap();
    assert_eq!(cases.len(), 20);
    let opened: usize = entries(&one, "open_cases")
        .await
        .iter()
        .map(|entry| {
            let payload: serde_json::Value = serde_json::from_str(&entry.change.payload).unwrap();
            payload["incidents"].as_array().unwrap().len()
        })
        .sum();
    assert_eq!(opened, 20, "each incident in one entry");
}

#[tokio::test]
async fn two_servers_sweeping_at_once_open_each_case_once_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    two_sweeps(&format!("sqlite://{}", dir.path().join("two.db").display())).await;
}

#[tokio::test]
async fn two_servers_sweeping_at_once_open_each_case_once_on_postgres() {
    let Some(url) = postgres_url("cases_two_sweeps").await else {
        return;
    };
    two_sweeps(&url).await;
}

/// Two co-chairs on two servers each file the other's incident under their own case at once:
/// one merge lands, the other is refused for what it is, and neither waits on a deadlock.
async fn crossing_merges(url: &str) {
    let one = app_on(url, truce_web::DEFAULT_BODY_LIMIT).await;
    let two = app_on(url, truce_web::DEFAULT_BODY_LIMIT).await;
    for round in 0..5 {
        let a = strike(&one, 36.1 + f64::from(round) / 100.0).await;
        let b = strike(&one, 36.105 + f64::from(round) / 100.0).await;
        one.state.service().open_pending_cases().await.unwrap();
        let merge = |into: &str, incident: &str| Command::MergeIntoCase {
            case: format!("case-{into}"),
            incident: incident.to_owned(),
            why: "the same raid".to_owned(),
            at: None,
        };
        let (first, second) = tokio::join!(
            one.state.service().execute(us(), merge(&a, &b), silent()),
            two.state.service().execute(ru(), merge(&b, &a), silent())
        );
        let landed = [&first, &second].iter().filter(|r| r.is_ok()).count();
        assert_eq!(landed, 1, "{first:?} {second:?}");
        for refused in [first, second].into_iter().filter_map(Result::err) {
            assert!(
                matches!(
                    refused,
                    ServiceError::Conflict(_) | ServiceError::Invalid { .. }
                ),
                "refused for what it is, not a database failure: {refused:?}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crossing_merges_on_two_servers_neither_deadlock_nor_both_land_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    crossing_merges(&format!(
        "sqlite://{}",
        dir.path().join("cross.db").display()
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crossing_merges_on_two_servers_neither_deadlock_nor_both_land_on_postgres() {
    let Some(url) = postgres_url("cases_crossing_merges").await else {
        return;
    };
    crossing_merges(&url).await;
}

#[tokio::test]
async fn an_incident_that_does_not_read_holds_up_no_other_case() {
    let app = app().await;
    let service = app.state.service();
    let broken = strike(&app, 36.1386).await;
    let sound = strike(&app, 36.2).await;
    service.open_pending_cases().await.unwrap();
    // The stored document of one incident is damaged, and neither has a case yet.
    let dir = app._dir.as_ref().unwrap();
    let url = format!("sqlite://{}", dir.path().join("api.db").display());
    sqlx::any::install_default_drivers();
    let raw = sqlx::AnyPool::connect(&url).await.unwrap();
    for statement in [
        "DELETE FROM case_incident".to_owned(),
        "DELETE FROM case_file".to_owned(),
        format!("UPDATE incident SET body = '{{not json' WHERE id = '{broken}'"),
    ] {
        sqlx::query(&statement).execute(&raw).await.unwrap();
    }
    raw.close().await;
    service.open_pending_cases().await.unwrap();
    assert!(
        service
            .case(&format!("case-{sound}"))
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        service
            .case(&format!("case-{broken}"))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        service.open_pending_cases().await.unwrap(),
        0,
        "and no sweep spins on it"
    );
}

/// The 2016 files with every agreement version's publication policy set to the OSCE's.
struct OscePolicy;

impl ScenarioFiles for OscePolicy {
    fn read(&self, path: &str) -> Result<String, String> {
        let text = EmbeddedCoh2016.read(path)?;
        if path != "agreement.json" {
            return Ok(text);
        }
        let mut agreement: serde_json::Value =
            serde_json::from_str(&text).map_err(|error| error.to_string())?;
        for version in agreement["versions"].as_array_mut().unwrap() {
            version["case_procedure"] = json!({"publication": {"name": "osce-smm",
                "public_findings": [], "aggregates": true, "observations": true}});
        }
        Ok(agreement.to_string())
    }
}

#[tokio::test]
async fn a_policy_that_publishes_observations_shows_the_public_where_and_when_only() {
    let policies: [(&dyn ScenarioFiles, bool); 2] =
        [(&EmbeddedCoh2016, false), (&OscePolicy, true)];
    for (files, published) in policies {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("policy.db").display());
        let app = app_on_scenario(
            &url,
            truce_web::DEFAULT_BODY_LIMIT,
            truce_web::Security::default(),
            files,
        )
        .await;
        let id = strike(&app, 36.1386).await;
        let (status, seen) = app
            .anonymous()
            .get(&format!("/api/v1/incidents/{id}"))
            .await;
        assert_eq!(status, 200, "{seen}");
        let exact = seen["lat"].as_f64() == Some(36.1386)
            && seen["occurred_at"]
                .as_str()
                .unwrap()
                .starts_with("2016-03-02T09:00");
        assert_eq!(exact, published, "{seen}");
        assert!(
            !seen.to_string().contains("Barrel bombs"),
            "notes are never published: {seen}"
        );
        // An observation names no party: who fired and at whom is the co-chairs' to say.
        for field in ["perpetrator", "target", "origin", "submitted_by"] {
            assert!(seen[field].is_null(), "{field}: {seen}");
        }
        assert_eq!(seen["assessment"]["reasons"], json!([]), "{seen}");
        assert_eq!(seen["assessment_history"], json!([]), "{seen}");
        let (_, full) = app.get(&format!("/api/v1/incidents/{id}")).await;
        let perpetrator = full["perpetrator"]["name"].as_str().unwrap().to_owned();
        let (status, page) = common::html(&app.anonymous(), &format!("/incidents/{id}")).await;
        assert_eq!(status, 200);
        assert!(
            !page.contains("Barrel bombs") && !page.contains(&perpetrator),
            "{page}"
        );
        // No signed-in role sees less than the public.
        let humanitarian = app.as_role("aid", "humanitarian", None).await;
        let (status, seen) = humanitarian.get(&format!("/api/v1/incidents/{id}")).await;
        assert_eq!(status, 200, "{seen}");
        assert_eq!(seen["lat"].as_f64() == Some(36.1386), published, "{seen}");
        assert!(seen["perpetrator"].is_null(), "{seen}");
    }
}

/// Acts on a case through the API; answers the status and the body.
async fn act_api(
    app: &App,
    case: &str,
    action: serde_json::Value,
) -> (axum::http::StatusCode, serde_json::Value) {
    app.post(&format!("/api/v1/cases/{case}/actions"), &action)
        .await
}

#[tokio::test]
async fn the_api_shows_each_role_its_part_of_a_case() {
    let us = app().await;
    let ru = us.as_role("ru-chair", "co_chair", Some("RU")).await;
    let gos = us
        .as_role("gos-liaison", "party_liaison", Some("gos"))
        .await;
    let fsa = us
        .as_role("fsa-liaison", "party_liaison", Some("fsa"))
        .await;
    let task_force = us.as_role("tf", "task_force", None).await;
    let public = us.anonymous();
    let incident = strike(&us, 36.1386).await;
    us.state.service().open_pending_cases().await.unwrap();
    let id = format!("case-{incident}");

    let (status, page) = us.get("/api/v1/cases").await;
    assert_eq!(status, 200, "{page}");
    let listed = &page["items"][0];
    assert_eq!(listed["id"], id.as_str());
    assert_eq!(listed["state"], "triaged");
    assert_eq!(listed["incident_ids"], json!([incident]));
    assert_eq!(listed["accused"], json!(["gos"]));
    assert_eq!(listed["disputed"], false);
    assert_eq!(listed["findings"], json!([]));
    assert_eq!(page["next"], serde_json::Value::Null);

    // An illegal move names the allowed ones.
    let (status, refused) = act_api(&ru, &id, json!({"action": "move", "to": "verified"})).await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["error"], "illegal_transition");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("in_scope, out_of_scope")
    );
    // A legal move still says why.
    let (status, unexplained) = act_api(
        &ru,
        &id,
        json!({"action": "move", "to": "in_scope", "why": " "}),
    )
    .await;
    assert_eq!(status, 422, "{unexplained}");
    assert!(unexplained["message"].as_str().unwrap().contains("why"));
    let (status, _) = act_api(
        &ru,
        &id,
        json!({"action": "move", "to": "in_scope", "why": "a covered party's area"}),
    )
    .await;
    assert_eq!(status, 201);
    // The request goes through the accused's guarantor: the US co-chair may not send it.
    let ask = json!({"action": "request", "to": "gos", "text": "Which aircraft flew over Aleppo at 11:00?"});
    assert_eq!(act_api(&us, &id, ask.clone()).await.0, 403);
    let (status, asked) = act_api(&ru, &id, ask).await;
    assert_eq!(status, 201, "{asked}");
    assert_eq!(asked["state"], "info_requested");
    assert_eq!(asked["requests"][0]["via"], "RU");

    // The Government's liaison finds it in its inbox, without the asker's name, and answers.
    let (status, inbox) = gos.get("/api/v1/inbox").await;
    assert_eq!(status, 200, "{inbox}");
    assert_eq!(inbox["items"][0]["id"], id.as_str());
    assert_eq!(inbox["items"][0]["requests"][0]["asked_by"], "");
    assert!(!inbox.to_string().contains("ru-chair"));
    let (status, answered) = act_api(
        &gos,
        &id,
        json!({"action": "answer", "request": 1, "text": "No sorties there."}),
    )
    .await;
    assert_eq!(status, 201, "{answered}");
    assert_eq!(
        answered["requests"][0]["answers"][0]["text"],
        "No sorties there."
    );
    // The FSA's liaison neither sees the case nor answers for the Government.
    assert_eq!(fsa.get("/api/v1/inbox").await.1["items"], json!([]));
    assert_eq!(fsa.get(&format!("/api/v1/cases/{id}")).await.0, 404);
    assert_eq!(
        act_api(
            &fsa,
            &id,
            json!({"action": "answer", "request": 1, "text": "x"})
        )
        .await
        .0,
        404
    );
    assert_eq!(us.get("/api/v1/inbox").await.0, 403);

    // Conflicting findings: the case is disputed, side by side.
    for (app, body, verdict) in [(&us, "US", "violation"), (&ru, "RU", "target_excluded")] {
        if body == "US" {
            act_api(
                app,
                &id,
                json!({"action": "move", "to": "under_assessment", "why": "answered"}),
            )
            .await;
            let (status, moved) = act_api(
                app,
                &id,
                json!({"action": "move", "to": "inconclusive", "why": "one source"}),
            )
            .await;
            assert_eq!(status, 201, "{moved}");
        }
        let (status, found) = act_api(app, &id, json!({"action": "finding", "body": body, "verdict": verdict, "text": format!("{body}'s finding")})).await;
        assert_eq!(status, 201, "{found}");
    }
    let (_, disputed) = us.get("/api/v1/cases?disputed=true").await;
    assert_eq!(disputed["items"][0]["id"], id.as_str());
    assert_eq!(
        disputed["items"][0]["findings"].as_array().unwrap().len(),
        2
    );
    let (status, docket) = ru.get("/api/v1/docket").await;
    assert_eq!(status, 200, "{docket}");
    assert_eq!(docket["co_chair"], "RU");
    assert_eq!(docket["disputed"][0]["id"], id.as_str());
    assert_eq!(
        docket["routed"][0]["id"],
        id.as_str(),
        "the Government answers to RU"
    );
    assert_eq!(docket["civilian_deaths"][0]["civilians_killed"], 3);
    assert_eq!(
        us.get("/api/v1/docket").await.1["routed"],
        json!([]),
        "nothing routed to the US"
    );
    assert_eq!(task_force.get("/api/v1/docket").await.0, 200);
    assert_eq!(gos.get("/api/v1/docket").await.0, 403);

    // One joint text, approved by both, settles it.
    let (_, joint) = act_api(&ru, &id, json!({"action": "finding", "body": "joint", "verdict": "undetermined", "text": "The co-chairs cannot determine the target."})).await;
    assert_eq!(
        joint["disputed"], true,
        "one approval is not a joint finding"
    );
    let (status, settled) = act_api(&us, &id, json!({"action": "approve", "finding": 3})).await;
    assert_eq!(status, 201, "{settled}");
    assert_eq!(settled["disputed"], false);
    assert_eq!(settled["findings"][2]["approved_by"], json!(["RU", "US"]));
    let (_, detail) = us.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(
        detail["events"].as_array().unwrap().len(),
        10,
        "the joint text is two events: the text and its writer's approval"
    );

    // The 2016 policy: no finding is public, aggregates are.
    assert_eq!(public.get("/api/v1/cases").await.1["items"], json!([]));
    assert_eq!(public.get(&format!("/api/v1/cases/{id}")).await.0, 404);
    let (status, summary) = public.get("/api/v1/cases/summary").await;
    assert_eq!(status, 200, "{summary}");
    assert_eq!(summary["policy"], "coh-2016");
    // The liaison never sees findings or the timeline.
    let (_, seen) = gos.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(seen["findings"], json!([]));
    assert!(seen.get("events").is_none());

    // Bad input: an unknown action, a missing field, a case that does not exist.
    assert_eq!(act_api(&us, &id, json!({"action": "explode"})).await.0, 422);
    assert_eq!(
        act_api(&us, &id, json!({"action": "finding", "body": "US"}))
            .await
            .0,
        422
    );
    assert_eq!(
        act_api(&us, "case-none", json!({"action": "approve", "finding": 1}))
            .await
            .0,
        404
    );
    assert_eq!(us.get("/api/v1/cases?state=lost").await.0, 400);
}

#[tokio::test]
async fn the_pages_give_each_role_its_part_in_both_languages() {
    let us = app().await;
    let ru = us.as_role("ru-chair", "co_chair", Some("RU")).await;
    let gos = us
        .as_role("gos-liaison", "party_liaison", Some("gos"))
        .await;
    let incident = strike(&us, 36.1386).await;
    us.state.service().open_pending_cases().await.unwrap();
    let id = format!("case-{incident}");
    let actions = format!("/cases/{id}/actions");

    // The RU co-chair's docket lists the case routed to it; the case page offers its moves.
    let (status, docket) = html(&ru, "/cases").await;
    assert_eq!(status, 200);
    assert!(
        docket.contains("Open cases routed to you") && docket.contains(&id),
        "{docket}"
    );
    let (_, page) = html(&ru, &format!("/cases/{id}")).await;
    assert!(page.contains("name=\"action\" value=\"move\""));
    let key = |n: u32| format!("form-key-{n}");
    let (status, location, _) = post_form(
        &ru,
        &actions,
        &[
            ("idempotency_key", &key(1)),
            ("action", "move"),
            ("to", "in_scope"),
            ("why", "covered parties"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(
        location.as_deref(),
        Some(format!("/cases/{id}?saved=1").as_str())
    );
    let (_, page) = html(&ru, &format!("/cases/{id}")).await;
    assert!(
        page.contains("name=\"action\" value=\"request\""),
        "RU guarantees the Government: it asks"
    );
    let (_, us_page) = html(&us, &format!("/cases/{id}")).await;
    assert!(!us_page.contains("value=\"request\""), "the US does not");
    post_form(
        &ru,
        &actions,
        &[
            ("idempotency_key", &key(2)),
            ("action", "request"),
            ("to", "gos"),
            ("text", "Which units?"),
            ("lang", "ar"),
        ],
    )
    .await;

    // The liaison's inbox, in Arabic, with the answer form; the answer is kept verbatim.
    let (status, inbox) = html(&gos, "/cases?lang=ar").await;
    assert_eq!(status, 200);
    assert!(inbox.contains("dir=\"rtl\"") && inbox.contains("صندوق الوارد") && inbox.contains(&id));
    let (_, page) = html(&gos, &format!("/cases/{id}?lang=ar")).await;
    assert!(page.contains("Which units?") && page.contains("name=\"action\" value=\"answer\""));
    assert!(
        !page.contains("ru-chair"),
        "the liaison does not see who asked"
    );
    let (status, _, _) = post_form(
        &gos,
        &actions,
        &[
            ("idempotency_key", &key(3)),
            ("action", "answer"),
            ("request", "1"),
            ("text", "Nobody <b>fired</b>."),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (_, page) = html(&ru, &format!("/cases/{id}")).await;
    assert!(
        page.contains("Nobody &lt;b&gt;fired&lt;/b&gt;."),
        "kept verbatim, shown escaped"
    );
    // A refused action is an error page, not JSON, and changes nothing.
    let (status, _, body) = post_form(
        &us,
        &actions,
        &[
            ("idempotency_key", &key(4)),
            ("action", "move"),
            ("to", "closed"),
        ],
    )
    .await;
    assert_eq!(status, 409);
    assert!(body.contains("<html") && body.contains("allowed"), "{body}");
    // The public sees the counts under the 2016 policy, not the case.
    let public = us.anonymous();
    let (status, counts) = html(&public, "/cases").await;
    assert_eq!(status, 200);
    assert!(counts.contains("coh-2016") && !counts.contains(&id));
    assert_eq!(html(&public, &format!("/cases/{id}")).await.0, 404);
}

/// A case against the Government with a US violation finding: the pattern R7 counts.
async fn violation_case(app: &App, lat: f64) -> String {
    let service = app.state.service();
    let incident = strike(app, lat).await;
    service.open_pending_cases().await.unwrap();
    let id = format!("case-{incident}");
    let go = |to| CaseAction::Move {
        to,
        out_of_scope: None,
    };
    for (request, action) in [
        (ru(), go(CaseState::InScope)),
        (ru(), go(CaseState::UnderAssessment)),
        (us(), go(CaseState::Inconclusive)),
        (
            us(),
            CaseAction::Finding {
                body: Body::Us,
                verdict: Verdict::Violation,
                text: "Barrel bombs on a market of a participating party.".to_owned(),
            },
        ),
    ] {
        service
            .execute(request, act(&id, action), silent())
            .await
            .unwrap();
    }
    id
}

#[tokio::test]
async fn a_co_chair_decides_a_proposed_escalation_on_the_docket_once() {
    let us = app().await;
    for n in 0..3 {
        violation_case(&us, 36.1 + f64::from(n) / 100.0).await;
    }
    let ru = us.as_role("ru-chair", "co_chair", Some("RU")).await;
    let (status, docket) = html(&us, "/cases").await;
    assert_eq!(status, 200);
    assert!(
        docket.contains("action=\"/escalations\"") && docket.contains("value=\"gos\""),
        "the proposal comes with its form: {docket}"
    );
    let task_force = us.as_role("tf", "task_force", None).await;
    let (_, seen) = html(&task_force, "/cases").await;
    assert!(
        seen.contains("Proposed escalations") && !seen.contains("action=\"/escalations\""),
        "the task force sees the proposal, and only the co-chairs decide it"
    );
    let decide = |key: &'static str, reason: &'static str| {
        let ru = ru.clone();
        async move {
            post_form(
                &ru,
                "/escalations",
                &[
                    ("idempotency_key", key),
                    ("actor", "gos"),
                    ("accepted", "false"),
                    ("reason", reason),
                ],
            )
            .await
        }
    };
    let (status, _, body) = decide("decide-1", " ").await;
    assert_eq!(status, 422, "a decision gives its reason: {body}");
    assert!(body.contains("<html"), "an error page, not JSON");
    let (status, location, _) = decide("decide-2", "A de-escalation call was made").await;
    assert_eq!(status, 303);
    assert_eq!(location.as_deref(), Some("/cases?saved=1#escalations"));
    // A retry of the same form is answered as the first time; another decision finds nothing.
    assert_eq!(
        decide("decide-2", "A de-escalation call was made").await.0,
        303
    );
    assert_eq!(decide("decide-3", "again").await.0, 404);
    let (status, _) = us
        .post(
            "/api/v1/escalations",
            &json!({"actor": "gos", "accepted": true, "reason": "refer it"}),
        )
        .await;
    assert_eq!(status, 404);
    let decisions = us.state.service().escalation_decisions().await.unwrap();
    assert_eq!(decisions.len(), 1);
    assert_eq!(decisions[0].by, "ru-chair");
    assert_eq!(decisions[0].case_ids.len(), 3);
    let (_, docket) = html(&us, "/cases").await;
    assert!(
        docket.contains("Decisions taken") && docket.contains("A de-escalation call was made"),
        "{docket}"
    );
    assert!(!docket.contains("action=\"/escalations\""));
    let entries = entries(&us, "decide_escalation").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].change.principal, "user:ru-chair");
}

/// Both co-chairs answer one proposal at the same moment, on two servers: one decision stands.
async fn racing_decisions(url: &str) {
    let one = app_on(url, truce_web::DEFAULT_BODY_LIMIT).await;
    let two = app_on(url, truce_web::DEFAULT_BODY_LIMIT).await;
    for n in 0..3 {
        violation_case(&one, 36.1 + f64::from(n) / 100.0).await;
    }
    let decide = |accepted: bool| Command::DecideEscalation {
        actor: ActorId::new("gos"),
        accepted,
        reason: "decided".to_owned(),
        decision: None,
    };
    let (first, second) = tokio::join!(
        one.state.service().execute(us(), decide(true), silent()),
        two.state.service().execute(ru(), decide(false), silent())
    );
    assert_eq!(
        [&first, &second].iter().filter(|r| r.is_ok()).count(),
        1,
        "{first:?} {second:?}"
    );
    for refused in [first, second].into_iter().filter_map(Result::err) {
        assert!(
            matches!(
                refused,
                ServiceError::Conflict(_) | ServiceError::NotFound(_)
            ),
            "{refused:?}"
        );
    }
    assert_eq!(
        one.state
            .service()
            .escalation_decisions()
            .await
            .unwrap()
            .len(),
        1
    );
    // A new finding renews the proposal; one co-chair's request, sent to both servers with
    // one key, is one decision, and both are answered with it.
    violation_case(&one, 36.2).await;
    let keyed = || Request {
        key: Some(truce_service::Key {
            key: "decide-once".to_owned(),
            scope: "POST /api/v1/escalations".to_owned(),
            request_hash: "the same".to_owned(),
        }),
        ..us()
    };
    let (first, second) = tokio::join!(
        one.state.service().execute(keyed(), decide(true), silent()),
        two.state.service().execute(keyed(), decide(true), silent())
    );
    let (first, second) = (first.unwrap(), second.unwrap());
    assert_eq!(first.reply.body, second.reply.body);
    assert!(
        first.replayed != second.replayed,
        "one is the other's replay"
    );
    assert_eq!(
        one.state
            .service()
            .escalation_decisions()
            .await
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_co_chairs_deciding_at_once_make_one_decision_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    racing_decisions(&format!(
        "sqlite://{}",
        dir.path().join("race.db").display()
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_co_chairs_deciding_at_once_make_one_decision_on_postgres() {
    let Some(url) = postgres_url("cases_racing_decisions").await else {
        return;
    };
    racing_decisions(&url).await;
}
