//! The one door: every write route leaves exactly one change-log entry per change and none on
//! failure; concurrent retries with one key make one record; the report form is all or
//! nothing; two servers on one database agree.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{Value, json};

fn strike() -> Value {
    json!({"occurred_at": "2016-03-02T11:00:00+02:00", "lat": 36.1386, "lon": 36.8284,
           "perpetrator": "Syrian air force", "target": "FSA", "event_type": "air_strike", "notes": "Barrel bombs on the market"})
}

fn report() -> Value {
    json!({"source_name": "SOHR", "source_type": "NGO_monitor", "reliability": "C", "credibility": 2,
           "text": "Two strikes on the market at 11:00."})
}

/// Every entry of the change log but the system's opening of cases, which follows incident
/// writes on its own time (`tests/cases.rs` counts those).
async fn log(app: &App) -> Vec<truce_store::ChangeEntry> {
    let mut entries = app.state.store().changes(0, 1_000_000).await.unwrap();
    entries.retain(|entry| entry.change.action != "open_cases");
    entries
}

/// A write route with a body that is written and one that is refused.
struct Route {
    uri: String,
    good: Value,
    bad: Value,
    bad_status: StatusCode,
    action: &'static str,
}

/// One of each write route of the API, on `app` (an incident is recorded first, for reports).
async fn routes(app: &App) -> Vec<Route> {
    let (_, incident) = app.post("/api/v1/incidents", &strike()).await;
    let incident = incident["id"].as_str().unwrap().to_owned();
    let (_, mut agreement) = app.get("/api/v1/agreements/coh-2016").await;
    agreement.as_object_mut().unwrap().remove("primary");
    agreement["id"] = json!("aleppo-2016-05");
    agreement["versions"][0]["effective_start_local"] = json!("2016-05-04T00:01");
    agreement["versions"][0]["effective_start_utc"] = json!("2016-05-03T21:01:00Z");
    let mut wrong_offset = agreement.clone();
    wrong_offset["id"] = json!("wrong-offset");
    wrong_offset["versions"][0]["effective_start_utc"] = json!("2016-05-03T22:01:00Z");
    let mut unknown_actor = strike();
    unknown_actor["perpetrator"] = json!("Martians");
    let mut bad_report = report();
    bad_report["reliability"] = json!("Z");
    vec![
        Route {
            uri: "/api/v1/agreements".to_owned(),
            good: agreement,
            bad: wrong_offset,
            bad_status: StatusCode::UNPROCESSABLE_ENTITY,
            action: "add_agreement",
        },
        Route {
            uri: "/api/v1/actors".to_owned(),
            good: json!({"id": "liwa_test", "name": "Liwa al-Test", "name_ar": "لواء الاختبار", "acled_type": 2, "side": "opposition", "parent": "opposition"}),
            bad: json!({"id": "gos", "name": "Another", "name_ar": "", "acled_type": 2, "side": "opposition"}),
            bad_status: StatusCode::CONFLICT,
            action: "add_actor",
        },
        Route {
            uri: "/api/v1/actors/ahrar_al_sham/designations".to_owned(),
            good: json!({"list": "UNSC 1267", "listed_from": "2016-03-01T00:00:00Z", "status": "listed", "source": "hypothetical, for the test"}),
            bad: json!({"list": "UNSC 1267", "listed_from": "2016-05-01T00:00:00Z", "listed_to": "2016-04-01T00:00:00Z", "status": "listed"}),
            bad_status: StatusCode::UNPROCESSABLE_ENTITY,
            action: "add_designation",
        },
        Route {
            uri: "/api/v1/actors/jaysh_al_islam/commitments".to_owned(),
            good: json!({"channel": "US", "history": [{"at": "2016-02-26T12:00:00Z", "kind": "declare"}]}),
            bad: json!({"channel": "US", "history": [{"at": "2016-02-25T00:00:00Z", "kind": "withdraw"}]}),
            bad_status: StatusCode::UNPROCESSABLE_ENTITY,
            action: "set_commitment",
        },
        Route {
            uri: "/api/v1/areas".to_owned(),
            good: json!({"type": "Feature", "geometry": null, "properties": {
                "id": "atareb-claim", "layer": "us-claims", "contributor": "US", "agreed_by": "us",
                "valid_from": "2016-03-01T00:00:00Z", "admin3_pcode": "SY020001", "controller": "nusra"}}),
            bad: json!({"type": "Feature", "geometry": null, "properties": {
                "id": "x", "layer": "us-claims", "contributor": "US", "agreed_by": "us",
                "valid_from": "2016-03-01T00:00:00Z", "admin3_pcode": "SY020001", "controller": "martians"}}),
            bad_status: StatusCode::UNPROCESSABLE_ENTITY,
            action: "add_area_version",
        },
        Route {
            uri: "/api/v1/incidents".to_owned(),
            good: strike(),
            bad: unknown_actor,
            bad_status: StatusCode::UNPROCESSABLE_ENTITY,
            action: "record_incident",
        },
        Route {
            uri: format!("/api/v1/incidents/{incident}/reports"),
            good: report(),
            bad: bad_report,
            bad_status: StatusCode::UNPROCESSABLE_ENTITY,
            action: "add_report",
        },
    ]
}

#[tokio::test]
async fn every_write_route_leaves_one_entry_per_change_and_none_on_failure() {
    let app = app().await;
    let seeded = log(&app).await;
    assert!(seeded.len() > 300, "the seeding is in the log");
    // The seeding's entries are the system's; the test user's account is the command line's.
    assert!(
        seeded
            .iter()
            .filter(|entry| !["user", "token"].contains(&entry.change.entity.as_str()))
            .all(|entry| entry.change.principal == "system")
    );
    for route in routes(&app).await {
        let before = log(&app).await.len();
        let refused = app.post(&route.uri, &route.bad).await;
        assert_eq!(refused.0, route.bad_status, "{}: {}", route.uri, refused.1);
        assert_eq!(
            log(&app).await.len(),
            before,
            "{}: a refusal is not logged",
            route.uri
        );
        // Nobody changes the record anonymously, and a role without the right gets a 403.
        let anonymous = app.anonymous().post(&route.uri, &route.good).await;
        assert_error(&anonymous, StatusCode::UNAUTHORIZED, "unauthenticated");
        let humanitarian = app
            .as_role(&format!("aid-{}", before), "humanitarian", None)
            .await;
        let before = log(&app).await.len();
        let refused = humanitarian.post(&route.uri, &route.good).await;
        assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");
        assert_eq!(log(&app).await.len(), before, "{}", route.uri);

        let (status, body) = app
            .call(
                "POST",
                &route.uri,
                Some(&route.good),
                &[("Truce-Reason", "checked by the test")],
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{}: {body}", route.uri);
        let after = log(&app).await;
        assert_eq!(
            after.len(),
            before + 1,
            "{}: one entry per change",
            route.uri
        );
        let entry = after.last().unwrap();
        assert_eq!(entry.change.action, route.action);
        assert_eq!(
            entry.change.principal, "user:test-chair",
            "the real principal"
        );
        assert_eq!(entry.change.reason, "checked by the test");
        assert_eq!(
            entry.change.payload_sha256,
            truce_service::canonical::sha256_hex(entry.change.payload.as_bytes())
        );
    }
    // The log reads back in pages, in order, with no gaps (once the system has opened the
    // cases its sweep owes, nothing more comes).
    app.state.service().open_pending_cases().await.unwrap();
    let (status, first) = app.get("/api/v1/changes?after=0&limit=100").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["items"][0]["seq"], 1);
    assert_eq!(first["next"], 100);
    let total = app.state.store().changes(0, 1_000_000).await.unwrap().len() as i64;
    let (_, last) = app
        .get(&format!("/api/v1/changes?after={}", total - 2))
        .await;
    let actions: Vec<&str> = last["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.len(), 2);
    assert!(actions.contains(&"add_report"), "{actions:?}");
    assert_eq!(last["next"], Value::Null);
    assert_error(
        &app.get("/api/v1/changes?limit=0").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    let (status, page) = html(&app, &format!("/changes?after={}", total - 3)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("checked by the test") && page.contains("/incidents/"));
}

/// Sends the same request with the same key from `clients` at once, spread over `apps`, and
/// checks that every reply is the same and one change was made.
async fn same_key_at_once(apps: &[&App], route: &Route, clients: usize) {
    let before = log(apps[0]).await.len();
    let mut sent = tokio::task::JoinSet::new();
    for client in 0..clients {
        let app = apps[client % apps.len()];
        let router = app.router.clone();
        let signed = app.signed(axum::http::Request::post(&route.uri), false);
        let body = route.good.clone();
        sent.spawn(async move {
            let request = signed
                .header("content-type", "application/json")
                .header("idempotency-key", "one-key")
                .body(axum::body::Body::from(body.to_string()))
                .unwrap();
            let response = tower::ServiceExt::oneshot(router, request).await.unwrap();
            (response.status(), text_of(response).await)
        });
    }
    let mut replies = Vec::new();
    while let Some(reply) = sent.join_next().await {
        replies.push(reply.unwrap());
    }
    assert_eq!(
        replies[0].0,
        StatusCode::CREATED,
        "{}: {}",
        route.uri,
        replies[0].1
    );
    assert!(
        replies.iter().all(|reply| *reply == replies[0]),
        "{}: every retry gets the first reply: {replies:?}",
        route.uri
    );
    let after = log(apps[0]).await;
    assert_eq!(after.len(), before + 1, "{}: one record", route.uri);
    assert_eq!(after.last().unwrap().change.action, route.action);
}

#[tokio::test]
async fn concurrent_identical_posts_with_one_key_make_one_record_on_sqlite() {
    let app = app().await;
    for route in routes(&app).await {
        same_key_at_once(&[&app], &route, 8).await;
    }
}

#[tokio::test]
async fn concurrent_identical_posts_with_one_key_make_one_record_on_two_postgres_servers() {
    let Some(url) = postgres_url("door_same_key").await else {
        return;
    };
    let one = app_on(&url, truce_web::DEFAULT_BODY_LIMIT).await;
    let two = app_on(&url, truce_web::DEFAULT_BODY_LIMIT).await;
    for route in routes(&one).await {
        same_key_at_once(&[&one, &two], &route, 8).await;
    }
}

#[tokio::test]
async fn a_key_sent_to_another_resource_never_answers_with_the_first_ones_reply() {
    let app = app().await;
    let (_, a) = app.post("/api/v1/incidents", &strike()).await;
    let (_, b) = app.post("/api/v1/incidents", &strike()).await;
    let key = [("idempotency-key", "same")];
    let on = |incident: &Value| {
        format!(
            "/api/v1/incidents/{}/reports",
            incident["id"].as_str().unwrap()
        )
    };
    let (status, first) = app.call("POST", &on(&a), Some(&report()), &key).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, second) = app.call("POST", &on(&b), Some(&report()), &key).await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_eq!(second["report"]["incident_id"], b["id"]);
    assert_ne!(first["report"]["id"], second["report"]["id"]);
    // The same key with another body on the same route is refused.
    let mut other = report();
    other["text"] = json!("Another text");
    assert_error(
        &app.call("POST", &on(&a), Some(&other), &key).await,
        StatusCode::CONFLICT,
        "idempotency_key_reused",
    );
}

fn form(key: &str, lat: &str, reliability: &str, text: &str) -> Vec<(&'static str, String)> {
    [
        ("idempotency_key", key),
        ("date", "2016-03-02"),
        ("time", "11:00"),
        ("place", ""),
        ("lat", lat),
        ("lon", "36.8284"),
        ("perpetrator", "Syrian air force"),
        ("target", ""),
        ("event_type", "air_strike"),
        ("source_name", "Local council"),
        ("source_type", "eyewitness"),
        ("reliability", reliability),
        ("credibility", "3"),
        ("text", text),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

async fn submit(
    app: &App,
    fields: &[(&'static str, String)],
) -> (StatusCode, Option<String>, String) {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    post_form(app, "/report", &fields).await
}

#[tokio::test]
async fn the_report_form_writes_its_incident_and_report_together_or_not_at_all() {
    let app = app().await;
    let before = app.state.store().count_incidents(false).await.unwrap();
    let (status, _, page) = submit(&app, &form("f-1", "36.1386", "Q", "shells fell")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("id=\"reliability-error\""),
        "the grade is marked on the form"
    );
    assert_eq!(
        app.state.store().count_incidents(false).await.unwrap(),
        before
    );

    let long = "shells fell ".repeat(25_000);
    let (status, location, _) = submit(&app, &form("f-2", "36.1386", "B", &long)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = location.unwrap();
    let entries = log(&app).await;
    assert_eq!(entries.last().unwrap().change.action, "record_incident");
    assert!(
        entries
            .last()
            .unwrap()
            .change
            .payload
            .contains("\"report\":{"),
        "one command for both"
    );
    let (status, page) = html(&app, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.len() < 100_000,
        "the page shows an excerpt: {} bytes",
        page.len()
    );
    assert!(
        page.contains("/reports\">full text (299999 characters)"),
        "the trimmed text, cut with a link"
    );

    // The same form again is the same incident; the same key with other values is refused.
    let (status, again, _) = submit(&app, &form("f-2", "36.1386", "B", &long)).await;
    assert_eq!(
        (status, again.as_deref()),
        (StatusCode::SEE_OTHER, Some(location.as_str()))
    );
    let (status, _, page) = submit(&app, &form("f-2", "35.0", "B", &long)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("already sent with other values"));
    assert_eq!(
        app.state.store().count_incidents(false).await.unwrap(),
        before + 1
    );
}

#[tokio::test]
async fn long_searches_and_huge_reports_get_answers_not_failures() {
    let app = app().await;
    let long = "x".repeat(50_000);
    assert_error(
        &app.get(&format!("/api/v1/incidents?q={long}")).await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    let (status, page) = app.get("/api/v1/incidents?q=%25_%5C").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        page["items"].as_array().unwrap().len(),
        0,
        "%, _ and \\ are literals"
    );

    let (_, created) = app.post("/api/v1/incidents", &strike()).await;
    let id = created["id"].as_str().unwrap();
    let mut huge = report();
    huge["text"] = json!("a".repeat(900_000));
    for _ in 0..10 {
        let (status, body) = app
            .post(&format!("/api/v1/incidents/{id}/reports"), &huge)
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (status, page) = html(&app, &format!("/incidents/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.len() < 200_000, "{} bytes", page.len());
    let (status, _) = app.get(&format!("/api/v1/incidents/{id}")).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn two_servers_on_one_postgres_database_agree_on_the_world() {
    let Some(url) = postgres_url("door_two_servers").await else {
        return;
    };
    let (one, two) = (
        app_on(&url, truce_web::DEFAULT_BODY_LIMIT).await,
        app_on(&url, truce_web::DEFAULT_BODY_LIMIT).await,
    );
    agree(&one, &two).await;
}

#[tokio::test]
async fn two_servers_on_one_sqlite_file_agree_on_the_world() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("shared.db").display());
    let (one, two) = (
        app_on(&url, truce_web::DEFAULT_BODY_LIMIT).await,
        app_on(&url, truce_web::DEFAULT_BODY_LIMIT).await,
    );
    agree(&one, &two).await;
}

/// A change made through `one` is in force on `two` within a second.
async fn agree(one: &App, two: &App) {
    let mut body = strike();
    body["perpetrator"] = json!("Ahrar al-Sham");
    body["target"] = json!("SAA");
    body["event_type"] = json!("mortar");
    let (_, before) = two.post("/api/v1/incidents", &body).await;
    assert_eq!(before["assessment"]["labels"], json!(["covered"]));

    let listing =
        json!({"list": "UNSC 1267", "listed_from": "2016-03-01T00:00:00Z", "status": "listed"});
    let (status, result) = one
        .post("/api/v1/actors/ahrar_al_sham/designations", &listing)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{result}");
    assert_eq!(
        result["reclassified"], 1,
        "the incident recorded through two"
    );
    let actor = json!({"id": "liwa_test", "name": "Liwa al-Test", "name_ar": "لواء الاختبار", "acled_type": 2, "side": "opposition", "parent": "opposition"});
    assert_eq!(
        one.post("/api/v1/actors", &actor).await.0,
        StatusCode::CREATED
    );
    let claim = json!({"type": "Feature", "geometry": null, "properties": {
        "id": "atareb-claim", "layer": "us-claims", "contributor": "US", "agreed_by": "us",
        "valid_from": "2016-03-01T00:00:00Z", "admin3_pcode": "SY020001", "controller": "nusra"}});
    assert_eq!(
        one.post("/api/v1/areas", &claim).await.0,
        StatusCode::CREATED
    );

    // An incident classified on two right away uses the new world: the writes check the
    // generation in their own transaction.
    let (_, on_two) = two.post("/api/v1/incidents", &body).await;
    let (_, on_one) = one.post("/api/v1/incidents", &body).await;
    assert_ne!(on_two["assessment"]["labels"], json!(["covered"]));
    assert_eq!(
        on_two["assessment"]["labels"],
        on_one["assessment"]["labels"]
    );
    assert_eq!(
        on_two["assessment"]["reasons"],
        on_one["assessment"]["reasons"]
    );
    tokio::time::sleep(std::time::Duration::from_millis(1_000)).await;
    assert_eq!(two.get("/api/v1/actors/liwa_test").await.0, StatusCode::OK);
    let (_, at) = two
        .get("/api/v1/areas/at?lat=36.1386&lon=36.8284&t=2016-03-02T09:00:00Z")
        .await;
    assert_eq!(at["features"].as_array().unwrap().len(), 2);
    let (_, health_one) = one.get("/api/v1/health").await;
    let (_, health_two) = two.get("/api/v1/health").await;
    assert_eq!(health_one["generation"], health_two["served_generation"]);
    let (_, stored) = one
        .get(&format!(
            "/api/v1/incidents/{}",
            before["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        stored["assessment"]["labels"],
        on_one["assessment"]["labels"]
    );
}

#[tokio::test]
async fn reports_arriving_together_on_two_postgres_servers_are_both_counted() {
    let Some(url) = postgres_url("door_two_reports").await else {
        return;
    };
    let (one, two) = (
        app_on(&url, truce_web::DEFAULT_BODY_LIMIT).await,
        app_on(&url, truce_web::DEFAULT_BODY_LIMIT).await,
    );
    for _ in 0..5 {
        let (_, incident) = one.post("/api/v1/incidents", &strike()).await;
        let uri = format!(
            "/api/v1/incidents/{}/reports",
            incident["id"].as_str().unwrap()
        );
        let mut first = report();
        first["affiliation"] = json!("sohr");
        let mut second = report();
        second["source_name"] = json!("UN OSE");
        second["affiliation"] = json!("un");
        let (a, b) = tokio::join!(one.post(&uri, &first), two.post(&uri, &second));
        assert_eq!((a.0, b.0), (StatusCode::CREATED, StatusCode::CREATED));
        let (_, detail) = one
            .get(&format!(
                "/api/v1/incidents/{}",
                incident["id"].as_str().unwrap()
            ))
            .await;
        assert_eq!(detail["assessment"]["verification"], "verified", "{detail}");
        let current = detail["assessment_history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|entry| entry["replaced_at"].is_null())
            .count();
        assert_eq!(current, 1, "one current assessment");
    }
}

/// Two servers starting at the same moment on a new database: the world and the humanitarian
/// records are seeded once, each with its change-log entries, and both servers see them.
async fn started_together(url: &str) {
    let start = || async {
        let store = truce_store::Store::open(url).await.unwrap();
        truce_service::Service::start(store, &truce_scenario::EmbeddedCoh2016).await
    };
    let (one, two) = tokio::join!(start(), start());
    let (one, two) = (one.unwrap(), two.unwrap());
    for service in [&one, &two] {
        let records = service.humanitarian().await.unwrap();
        assert_eq!(records.locations.len(), 28);
        assert_eq!(records.convoys.len(), 10);
        assert_eq!(records.air_operations.len(), 3);
    }
    let entries = one.store().changes(0, 100_000).await.unwrap();
    let count = |action: &str| entries.iter().filter(|e| e.change.action == action).count();
    assert_eq!(count("add_location"), 28);
    assert_eq!(count("add_convoy"), 10);
    assert_eq!(count("add_air_operation"), 3);
    assert_eq!(count("add_agreement"), 1);
}

#[tokio::test]
async fn two_servers_starting_together_on_postgres_seed_once() {
    let Some(url) = postgres_url("door_seed_race").await else {
        return;
    };
    started_together(&url).await;
}

#[tokio::test]
async fn two_servers_starting_together_on_sqlite_seed_once() {
    let dir = tempfile::tempdir().unwrap();
    started_together(&format!(
        "sqlite://{}",
        dir.path().join("race.db").display()
    ))
    .await;
}
