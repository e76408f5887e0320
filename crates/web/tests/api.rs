//! In-process tests of every route, driven with `tower::ServiceExt::oneshot` against a real
//! SQLite database in a temporary folder (`tests/door.rs` runs the writes on PostgreSQL too).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

fn strike() -> Value {
    json!({"occurred_at": "2016-03-02T11:00:00+02:00", "lat": 36.1386, "lon": 36.8284,
           "perpetrator": "Syrian air force", "target": "FSA", "event_type": "air_strike", "notes": "Barrel bombs on the market"})
}

#[tokio::test]
async fn health_version_and_besieged_answer() {
    let app = app().await;
    let (status, health) = app.get("/api/v1/health").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(health["status"], "ok");
    assert_eq!(health["database"], "sqlite");
    assert_eq!(health["generation"], health["served_generation"]);
    assert!(health["generation"].as_i64().unwrap() >= 1);
    let (status, version) = app.get("/api/v1/version").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(version["scenario"], "coh-2016");
    let (status, besieged) = app.get("/api/v1/besieged").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(besieged.as_array().unwrap().len(), 28);
    assert!(
        besieged
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["name"] == "Madaya" && b["name_ar"] == "مضايا")
    );
}

#[tokio::test]
async fn posting_an_incident_classifies_it_and_it_can_be_read_back() {
    let app = app().await;
    let (status, created) = app.post("/api/v1/incidents", &strike()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["assessment"]["labels"], json!(["covered"]));
    assert_eq!(
        created["assessment"]["obligations"],
        json!(["OBL-NO-ATTACK"])
    );
    assert_eq!(created["assessment"]["route_to"], "RU");
    assert_eq!(created["admin3_pcode"], "SY020001");
    assert_eq!(
        created["perpetrator"],
        json!({"id": "gos", "name": "Government of Syria"})
    );
    let id = created["id"].as_str().unwrap();
    let (status, detail) = app.get(&format!("/api/v1/incidents/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["assessment"], created["assessment"]);
    assert_eq!(detail["assessment_history"].as_array().unwrap().len(), 1);
    assert_eq!(detail["reports"], json!([]));
}

#[tokio::test]
async fn incidents_are_filtered_and_paginated_with_an_opaque_cursor() {
    let app = app().await;
    for day in 1..=6 {
        let mut body = strike();
        body["occurred_at"] = json!(format!("2016-03-{day:02}T10:00:00Z"));
        if day % 2 == 0 {
            body["lat"] = json!(35.9528);
            body["lon"] = json!(39.0089);
            body["perpetrator"] = json!("coalition");
            body["target"] = json!("ISIL");
            body["notes"] = json!("Strike on a CHECKPOINT");
        }
        assert_eq!(
            app.post("/api/v1/incidents", &body).await.0,
            StatusCode::CREATED
        );
    }
    let (status, page) = app.get("/api/v1/incidents?limit=4").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["items"].as_array().unwrap().len(), 4);
    assert_eq!(page["items"][0]["occurred_at"], "2016-03-06T10:00:00Z");
    let cursor = page["next"].as_str().unwrap();
    let (_, rest) = app
        .get(&format!("/api/v1/incidents?limit=4&cursor={cursor}"))
        .await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 2);
    assert_eq!(rest["next"], Value::Null);

    let count = |v: &Value| v["items"].as_array().unwrap().len();
    assert_eq!(
        count(&app.get("/api/v1/incidents?label=target_excluded").await.1),
        3
    );
    assert_eq!(
        count(&app.get("/api/v1/incidents?label=covered").await.1),
        3
    );
    assert_eq!(count(&app.get("/api/v1/incidents?actor=Daesh").await.1), 3);
    assert_eq!(count(&app.get("/api/v1/incidents?admin1=SY11").await.1), 3);
    assert_eq!(count(&app.get("/api/v1/incidents?q=checkpoint").await.1), 3);
    assert_eq!(
        count(&app.get("/api/v1/incidents?bbox=38,35,40,37").await.1),
        3
    );
    assert_eq!(
        count(
            &app.get("/api/v1/incidents?from=2016-03-02T00:00:00Z&to=2016-03-04T00:00:00Z")
                .await
                .1
        ),
        2
    );

    assert_error(
        &app.get("/api/v1/incidents?cursor=bogus").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    );
    assert_error(
        &app.get("/api/v1/incidents?label=violation").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    );
    assert_error(
        &app.get("/api/v1/incidents?from=yesterday").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_error(
        &app.get("/api/v1/incidents?from=2016-03-04T00:00:00Z&to=2016-03-01T00:00:00Z")
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    );
    assert_error(
        &app.get("/api/v1/incidents?bbox=1,2,3").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_error(
        &app.get("/api/v1/incidents?actor=Martians").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_actor",
    );
    assert_error(
        &app.get("/api/v1/incidents?limit=0").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_error(
        &app.get("/api/v1/incidents?colour=red").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_reply_and_creates_nothing_new() {
    let app = app().await;
    let key = [("idempotency-key", "field-monitor-42")];
    let first = app
        .call("POST", "/api/v1/incidents", Some(&strike()), &key)
        .await;
    assert_eq!(first.0, StatusCode::CREATED);
    let again = app
        .call("POST", "/api/v1/incidents", Some(&strike()), &key)
        .await;
    assert_eq!(again.0, StatusCode::CREATED);
    assert_eq!(again.1, first.1, "the retry gets the first reply");
    assert_eq!(
        app.get("/api/v1/incidents?actor=gos").await.1["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let mut other = strike();
    other["notes"] = json!("something else");
    assert_error(
        &app.call("POST", "/api/v1/incidents", Some(&other), &key)
            .await,
        StatusCode::CONFLICT,
        "idempotency_key_reused",
    );
}

#[tokio::test]
async fn bad_incidents_get_clear_errors_and_nothing_is_stored() {
    let app = app_with_limit(2048).await;
    let mut out_of_range = strike();
    out_of_range["lat"] = json!(95.0);
    assert_error(
        &app.post("/api/v1/incidents", &out_of_range).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    );
    let mut unknown = strike();
    unknown["perpetrator"] = json!("Jaysh al-Fursan");
    let result = app.post("/api/v1/incidents", &unknown).await;
    assert_error(&result, StatusCode::UNPROCESSABLE_ENTITY, "unknown_actor");
    assert!(
        result.1["message"]
            .as_str()
            .unwrap()
            .contains("Jaysh al-Fursan")
    );
    let mut bad_type = strike();
    bad_type["event_type"] = json!("picnic");
    assert_error(
        &app.post("/api/v1/incidents", &bad_type).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    );
    let mut bad_time = strike();
    bad_time["occurred_at"] = json!("last Tuesday");
    assert_error(
        &app.post("/api/v1/incidents", &bad_time).await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    let mut casualties = strike();
    casualties["casualties"] = json!({"killed_civilian": {"min": 5, "max": 2}});
    assert_error(
        &app.post("/api/v1/incidents", &casualties).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    );
    assert_error(
        &app.raw(
            "POST",
            "/api/v1/incidents",
            "application/json",
            b"{\"occurred_at\":".to_vec(),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_error(
        &app.raw(
            "POST",
            "/api/v1/incidents",
            "application/json",
            b"[1,2,3]".to_vec(),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    );
    assert_error(
        &app.raw("POST", "/api/v1/incidents", "text/plain", b"hello".to_vec())
            .await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
    let mut huge = strike();
    huge["notes"] = json!("x".repeat(4096));
    assert_error(
        &app.post("/api/v1/incidents", &huge).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    );
    assert_eq!(
        app.get("/api/v1/incidents").await.1["items"],
        json!([]),
        "no failed request stored anything"
    );
}

#[tokio::test]
async fn unknown_routes_and_methods_are_json_errors_under_the_api_and_pages_elsewhere() {
    let app = app().await;
    assert_error(
        &app.get("/api/v1/nothing").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    // Outside the API an error is a page, in the page's language.
    let (status, page) = html(&app, "/elsewhere").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("Not found"));
    // The dead ends a user meets, each a page in the language the address asks for.
    for (path, code) in [
        ("/incidents/no-such-id?lang=ar", StatusCode::NOT_FOUND),
        (
            "/incidents?from=2016-03-05&to=2016-03-01&lang=ar",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/incidents?cursor=zzz&lang=ar",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ("/map?period=fortnight&lang=ar", StatusCode::BAD_REQUEST),
        ("/map?bbox=1,2,3&lang=ar", StatusCode::BAD_REQUEST),
    ] {
        let (status, page) = html(&app, path).await;
        assert_eq!(status, code, "{path}");
        assert!(
            page.starts_with("<!DOCTYPE html><html lang=\"ar\" dir=\"rtl\">"),
            "{path}: {}",
            &page[..page.len().min(200)]
        );
        assert!(page.contains("href=\"/\""), "{path}: a way back");
    }
    // A browser's own request for an icon finds one.
    let (status, _) = html(&app, "/favicon.ico").await;
    assert_eq!(status, StatusCode::PERMANENT_REDIRECT);
    let (status, icon) = html(&app, "/static/icon.svg").await;
    assert!(status == StatusCode::OK && icon.starts_with("<svg"));
    // A page that needs someone signed in sends a browser to sign in and come back.
    let response = tower::ServiceExt::oneshot(
        app.router.clone(),
        axum::http::Request::get("/report")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/login?next=%2Freport");
    assert_error(
        &app.get("/api/v1/incidents/no-such-id").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &app.call("DELETE", "/api/v1/incidents", None, &[]).await,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    );
    assert_error(&app.post("/api/v1/incidents/no-such-id/reports", &json!({"source_name": "x", "source_type": "UN", "reliability": "B", "credibility": 2, "text": "seen"})).await, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn reports_carry_grades_and_two_independent_sources_verify_an_incident() {
    let app = app().await;
    let (_, created) = app.post("/api/v1/incidents", &strike()).await;
    let id = created["id"].as_str().unwrap();
    let uri = format!("/api/v1/incidents/{id}/reports");
    let report = |source: &str, affiliation: &str| {
        json!({"source_name": source, "source_type": "NGO_monitor", "affiliation": affiliation,
        "reliability": "C", "credibility": 2, "text": "Two strikes on the market at 11:00.", "language": "en"})
    };
    let (status, first) = app.post(&uri, &report("SOHR", "sohr")).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["assessment"]["verification"], "alleged");
    let (_, second) = app.post(&uri, &report("UN OSE", "un")).await;
    assert_eq!(second["assessment"]["verification"], "verified");
    let (_, detail) = app.get(&format!("/api/v1/incidents/{id}")).await;
    assert_eq!(detail["reports"].as_array().unwrap().len(), 2);
    assert_eq!(detail["assessment_history"].as_array().unwrap().len(), 3);
    assert!(detail["assessment_history"][0]["replaced_at"].is_string());
    assert_eq!(app.get(&uri).await.1.as_array().unwrap().len(), 2);
    let mut bad = report("x", "y");
    bad["reliability"] = json!("Z");
    assert_error(
        &app.post(&uri, &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    );
    bad["reliability"] = json!("B");
    bad["credibility"] = json!(9);
    assert_error(
        &app.post(&uri, &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    );
}

#[tokio::test]
async fn agreements_are_listed_read_and_added() {
    let app = app().await;
    let (status, list) = app.get("/api/v1/agreements").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list[0]["id"], "coh-2016");
    assert_eq!(list[0]["primary"], true);
    let (status, one) = app.get("/api/v1/agreements/coh-2016").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        one["versions"][0]["effective_start_local"],
        "2016-02-27T00:00"
    );
    assert_error(
        &app.get("/api/v1/agreements/none").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let mut local = one.clone();
    local.as_object_mut().unwrap().remove("primary");
    local["id"] = json!("aleppo-2016-05");
    local["versions"][0]["effective_start_local"] = json!("2016-05-04T00:01");
    local["versions"][0]["effective_start_utc"] = json!("2016-05-03T21:01:00Z");
    let (status, created) = app.post("/api/v1/agreements", &local).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["primary"], false);
    assert_error(
        &app.post("/api/v1/agreements", &local).await,
        StatusCode::CONFLICT,
        "conflict",
    );
    local["id"] = json!("wrong-offset");
    local["versions"][0]["effective_start_utc"] = json!("2016-05-03T22:01:00Z");
    assert_error(
        &app.post("/api/v1/agreements", &local).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    );
}

#[tokio::test]
async fn actors_designations_and_commitments_are_sub_resources() {
    let app = app().await;
    let (status, actors) = app.get("/api/v1/actors").await;
    assert_eq!(status, StatusCode::OK);
    assert!(actors.as_array().unwrap().len() >= 18);
    let (status, nusra) = app.get("/api/v1/actors/nusra").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(nusra["designations"][0]["list"], "UNSC 1267");
    let (_, gos) = app.get("/api/v1/actors/gos/commitments").await;
    assert_eq!(gos[0]["channel"], "RU");
    assert_error(
        &app.get("/api/v1/actors/martians").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );

    let new_actor = json!({"id": "liwa_test", "name": "Liwa al-Test", "name_ar": "لواء الاختبار", "acled_type": 2, "side": "opposition", "parent": "opposition"});
    let (status, created) = app.post("/api/v1/actors", &new_actor).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["effective_guarantor"], "US");
    assert_error(
        &app.post("/api/v1/actors", &new_actor).await,
        StatusCode::CONFLICT,
        "conflict",
    );
    let clash = json!({"id": "other", "name": "Jabhat al-Nusra", "name_ar": "", "acled_type": 2, "side": "jihadist"});
    assert_error(
        &app.post("/api/v1/actors", &clash).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    );
    let orphan = json!({"id": "orphan", "name": "Orphan", "name_ar": "", "acled_type": 2, "side": "opposition", "parent": "nobody"});
    assert_error(
        &app.post("/api/v1/actors", &orphan).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_actor",
    );

    let backwards = json!({"list": "UNSC 1267", "listed_from": "2016-05-01T00:00:00Z", "listed_to": "2016-04-01T00:00:00Z", "status": "listed"});
    assert_error(
        &app.post("/api/v1/actors/liwa_test/designations", &backwards)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    );
    let bad_history =
        json!({"channel": "US", "history": [{"at": "2016-02-25T00:00:00Z", "kind": "withdraw"}]});
    assert_error(
        &app.post("/api/v1/actors/liwa_test/commitments", &bad_history)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    );
}

#[tokio::test]
async fn a_designation_reclassifies_the_incidents_it_changes_and_keeps_the_old_assessment() {
    let app = app().await;
    let mut body = strike();
    body["perpetrator"] = json!("Ahrar al-Sham");
    body["target"] = json!("SAA");
    body["event_type"] = json!("mortar");
    let (_, created) = app.post("/api/v1/incidents", &body).await;
    assert_eq!(created["assessment"]["labels"], json!(["covered"]));
    let id = created["id"].as_str().unwrap();
    let listing = json!({"list": "UNSC 1267", "listed_from": "2016-03-01T00:00:00Z", "status": "listed", "source": "hypothetical, for the test"});
    let (status, result) = app
        .post("/api/v1/actors/ahrar_al_sham/designations", &listing)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{result}");
    assert_eq!(result["reclassified"], 1);
    let (_, detail) = app.get(&format!("/api/v1/incidents/{id}")).await;
    assert_eq!(
        detail["assessment"]["labels"],
        json!(["perpetrator_excluded"])
    );
    let history = detail["assessment_history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["assessment"]["labels"], json!(["covered"]));
    assert!(history[0]["replaced_at"].is_string());
    assert!(
        history[1]["cause"]
            .as_str()
            .unwrap()
            .contains("designation of ahrar_al_sham")
    );
    assert_eq!(
        app.get("/api/v1/incidents?label=perpetrator_excluded")
            .await
            .1["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn a_new_area_version_reclassifies_incidents_inside_it() {
    let app = app().await;
    let (_, created) = app.post("/api/v1/incidents", &strike()).await;
    assert_eq!(created["assessment"]["labels"], json!(["covered"]));
    let id = created["id"].as_str().unwrap();
    let claim = json!({"type": "Feature", "geometry": null, "properties": {
        "id": "atareb-claim", "layer": "ru-claims", "contributor": "RU", "agreed_by": "ru",
        "valid_from": "2016-03-01T00:00:00Z", "admin3_pcode": "SY020001", "controller": "nusra"}});
    // A co-chair adds versions only as itself: the US one may not add an RU claim.
    let (status, refused) = app.post("/api/v1/areas", &claim).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    let ru = app.as_role("test-ru", "co_chair", Some("RU")).await;
    let (status, result) = ru.post("/api/v1/areas", &claim).await;
    assert_eq!(status, StatusCode::CREATED, "{result}");
    assert_eq!(result["reclassified"], 1);
    assert_eq!(result["area"]["properties"]["id"], "ru-claims/atareb-claim");
    let (_, detail) = app.get(&format!("/api/v1/incidents/{id}")).await;
    assert_eq!(detail["assessment"]["labels"], json!(["coverage_disputed"]));
    assert_eq!(detail["assessment_history"].as_array().unwrap().len(), 2);

    let (status, at) = app
        .get("/api/v1/areas/at?lat=36.1386&lon=36.8284&t=2016-03-02T09:00:00Z")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        at["features"].as_array().unwrap().len(),
        2,
        "both rival versions are returned"
    );
    let (_, light) = app.get("/api/v1/areas?geometry=false").await;
    assert_eq!(light["features"].as_array().unwrap().len(), 277);
    assert_eq!(light["features"][0]["properties"]["approximate"], true);
    assert_error(
        &ru.post("/api/v1/areas", &claim).await,
        StatusCode::CONFLICT,
        "conflict",
    );
    let mut unknown = claim.clone();
    unknown["properties"]["id"] = json!("x");
    unknown["properties"]["controller"] = json!("martians");
    assert_error(
        &ru.post("/api/v1/areas", &unknown).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_actor",
    );
    let bow_tie = json!({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[36.0, 35.0], [36.2, 35.2], [36.2, 35.0], [36.0, 35.2], [36.0, 35.0]]]},
        "properties": {"id": "bow", "contributor": "US", "agreed_by": "us", "valid_from": "2016-03-01T00:00:00Z", "controller": "gos"}});
    assert_error(
        &app.post("/api/v1/areas", &bow_tie).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    );
    assert_error(
        &app.get("/api/v1/areas/at?lat=95&lon=36").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    );
    assert_error(
        &app.get("/api/v1/areas/at?lat=abc&lon=36").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
}

#[tokio::test]
async fn the_committed_openapi_document_matches_the_code() {
    let app = app().await;
    let (status, served) = app.get("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let generated = truce_web::openapi::document();
    assert_eq!(served, serde_json::from_str::<Value>(&generated).unwrap());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");
    if std::env::var_os("TRUCE_BLESS").is_some() {
        std::fs::write(path, format!("{generated}\n")).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert_eq!(
        committed.trim_end(),
        generated,
        "docs/openapi.json is out of date: run TRUCE_BLESS=1 cargo test -p truce-web --test api"
    );
    for route in [
        "/api/v1/incidents",
        "/api/v1/incidents/{id}/reports",
        "/api/v1/areas/at",
        "/api/v1/actors/{id}/designations",
    ] {
        assert!(
            served["paths"][route].is_object(),
            "{route} missing from the OpenAPI document"
        );
    }
}

#[tokio::test]
async fn odd_input_never_makes_the_server_fail_or_panic() {
    let app = app().await;
    let odd = [
        json!({}),
        json!(null),
        json!("a string"),
        json!({"occurred_at": "2016-03-02T11:00:00Z", "lat": 1e308, "lon": -1e308}),
        json!({"occurred_at": "2016-03-02T11:00:00Z", "lat": 35, "lon": 36, "time_precision": 255}),
        json!({"occurred_at": "2016-03-02T11:00:00Z", "lat": 35, "lon": 36, "time_precision": -1}),
        json!({"occurred_at": "9999-12-31T23:59:59Z", "lat": 35, "lon": 36}),
        json!({"occurred_at": "0001-01-01T00:00:00Z", "lat": 35, "lon": 36}),
        json!({"occurred_at": "2016-03-02T11:00:00Z", "lat": 35, "lon": 36, "perpetrator": "\u{202e}\u{0000}مرحبا"}),
        json!({"occurred_at": "2016-03-02T11:00:00Z", "lat": 35, "lon": 36, "event_type": "", "perpetrator": "", "target": ""}),
        json!({"occurred_at": "2016-03-02T11:00:00Z", "lat": 35, "lon": 36, "casualties": {"killed_civilian": {"min": 4294967295u64, "max": 4294967295u64}}}),
        json!({"occurred_at": "2016-03-02T11:00:00Z", "lat": 35, "lon": 36, "unexpected": true}),
    ];
    for body in &odd {
        let (status, reply) = app.post("/api/v1/incidents", body).await;
        assert!(
            status.is_success() || status.is_client_error(),
            "{body} gave {status}: {reply}"
        );
        assert!(reply["error"].is_string() || status.is_success(), "{reply}");
    }
    for uri in [
        "/api/v1/incidents?limit=99999999999999999999",
        "/api/v1/incidents?bbox=NaN,NaN,NaN,NaN",
        "/api/v1/areas/at?lat=1&lon=2&t=not-a-time",
        "/api/v1/incidents/%00",
    ] {
        let (status, reply) = app.get(uri).await;
        assert!(
            status.is_success() || status.is_client_error(),
            "{uri} gave {status}: {reply}"
        );
    }
}

#[tokio::test]
async fn the_map_page_renders_in_english_and_arabic_without_javascript() {
    let app = app().await;
    let response = app
        .router
        .clone()
        .oneshot(Request::get("/map").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = text_of(response).await;
    assert!(
        html.starts_with("<!DOCTYPE html><html lang=\"en\" dir=\"ltr\">"),
        "{}",
        &html[..200]
    );
    for needle in [
        "<svg",
        "id=\"layer-control\"",
        "id=\"layer-admin\"",
        "id=\"layer-besieged\"",
        "APPROXIMATE",
        "fill=\"url(#hatch)\"",
        "Aleppo",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
    let response = app
        .router
        .clone()
        .oneshot(
            Request::get("/map?lang=ar&layers=1&admin=on")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(
        response
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("lang=ar")
    );
    let html = text_of(response).await;
    assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(html.contains("حلب"), "Arabic place names");
    assert!(
        html.contains("id=\"layer-admin\"") && !html.contains("id=\"layer-control\""),
        "only the chosen layer"
    );
    let remembered = app
        .router
        .clone()
        .oneshot(
            Request::get("/map")
                .header("cookie", "lang=ar")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let html = String::from_utf8(
        remembered
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    assert!(
        html.contains("dir=\"rtl\""),
        "the cookie remembers the language"
    );
}

#[tokio::test]
async fn the_incident_pages_list_filter_and_explain() {
    let app = app().await;
    let (_, covered) = app.post("/api/v1/incidents", &strike()).await;
    let mut excluded = strike();
    excluded["perpetrator"] = json!("ISIL");
    excluded["notes"] = json!("Suicide attack on a checkpoint");
    excluded["time_precision"] = json!(0);
    app.post("/api/v1/incidents", &excluded).await;

    let (status, page) = html(&app, "/incidents").await;
    assert_eq!(status, StatusCode::OK);
    // The time of day where it is known, in Damascus time; the day alone where only that is.
    assert!(page.contains("2016-03-02 11:00 EET"), "local Damascus time");
    assert!(
        page.contains("<time datetime=\"2016-03-02\" dir=\"ltr\">2016-03-02</time>"),
        "a day known to the day"
    );
    assert!(page.contains("Atareb"));
    let (_, filtered) = html(
        &app,
        "/incidents?label=perpetrator_excluded&from=2016-03-01&to=&admin1=&actor=&q=",
    )
    .await;
    assert!(
        filtered.contains("Islamic State") && !filtered.contains("Government of Syria</td>"),
        "{filtered}"
    );
    let (_, none) = html(&app, "/incidents?q=nothing-like-this").await;
    assert!(none.contains("No incident matches"));
    let (status, _) = html(&app, "/incidents?label=violation").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let id = covered["id"].as_str().unwrap();
    let (status, detail) = html(&app, &format!("/incidents/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    for needle in [
        "R3</bdi>: perpetrator Government of Syria is participating",
        "OBL-NO-ATTACK",
        "compiled-2016-02-27/SY020001",
        "<svg",
        "classified when reported",
    ] {
        assert!(detail.contains(needle), "missing {needle}");
    }
    let (_, arabic) = html(&app, &format!("/incidents/{id}?lang=ar")).await;
    assert!(
        arabic.contains("dir=\"rtl\"")
            && arabic.contains("الحكومة السورية")
            && arabic.contains("أتارب")
            && arabic.contains("R3</bdi>: الفاعل الحكومة السورية مشارك")
            && arabic.contains("صُنّفت عند الإبلاغ"),
        "the reasons are in Arabic too"
    );
    let (status, _) = html(&app, "/incidents/no-such-id").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_dashboard_counts_by_assessment_and_governorate_with_a_trend() {
    let app = app().await;
    for day in 1..=3 {
        let mut body = strike();
        body["occurred_at"] = json!(format!("2016-03-{day:02}T10:00:00Z"));
        app.post("/api/v1/incidents", &body).await;
    }
    // A date in the future is refused: it cannot move anyone's "now".
    let mut future = strike();
    future["occurred_at"] = json!("2030-01-01T00:00:00Z");
    assert_error(
        &app.post("/api/v1/incidents", &future).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    );
    let (status, page) = html(&app, "/?at=2016-03-03T10:00:01Z").await;
    assert_eq!(status, StatusCode::OK);
    for needle in [
        "2016-02-27 00:00 EET",
        "2016-02-26 22:00 UTC",
        "<svg",
        "class=\"inc lbl-covered\"",
        // Each row leads to the list of its incidents over the week counted.
        "/incidents?from=2016-02-25T11%3A00%3A00Z&amp;to=2016-03-03T11%3A00%3A00Z&amp;admin1=SY02",
        "&amp;verification=alleged",
        "&amp;label=covered",
        "possible violations",
        "People killed",
        "Latest incidents",
    ] {
        assert!(page.contains(needle), "missing {needle}");
    }
    // A co-chair sees who attacked: the breakdown by side, each side a link.
    assert!(page.contains("&amp;side=government"), "by side");
    // The list those links open: by the perpetrator's side and by verification.
    let (status, government) = app.get("/api/v1/incidents?side=government").await;
    assert_eq!(status, StatusCode::OK);
    let items = government["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|item| item["perpetrator"]["id"] == "gos"));
    let (_, jihadist) = app.get("/api/v1/incidents?side=jihadist").await;
    assert_eq!(jihadist["items"], json!([]));
    let (_, verified) = app.get("/api/v1/incidents?verification=verified").await;
    assert_eq!(verified["items"], json!([]));
    assert_error(
        &app.get("/api/v1/incidents?side=rebels").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    );
    // As of the last incident: one in the last 24 hours, three in the last 7 days.
    assert!(page.contains("<td>1</td><td>3</td>"), "counts");
    // What the page keeps between requests follows the data: one more incident shows at once.
    let markers = page.matches("class=\"inc lbl-").count();
    let mut body = strike();
    body["occurred_at"] = json!("2016-03-03T11:00:00Z");
    body["lon"] = json!(38.0);
    body["lat"] = json!(35.9);
    app.post("/api/v1/incidents", &body).await;
    let (_, page) = html(&app, "/?at=2016-03-03T11:00:01Z").await;
    assert!(
        page.contains("<td>2</td><td>4</td>"),
        "counts after a new incident"
    );
    assert!(
        page.matches("class=\"inc lbl-").count() > markers,
        "a new marker"
    );
    let (_, arabic) = html(&app, "/?lang=ar").await;
    assert!(arabic.contains("dir=\"rtl\"") && arabic.contains("لوحة المتابعة"));
    let (status, _) = html(&app, "/?at=soon").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_reference_pages_show_their_data_with_json_and_csv_links() {
    let app = app().await;
    let (status, actors) = html(&app, "/actors").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        actors.contains("Jabhat Fatah al-Sham")
            && actors.contains("جبهة النصرة")
            && actors.contains("href=\"/actors.csv\"")
    );
    let (status, csv) = html(&app, "/actors.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        csv.starts_with(
            "id,name,name_ar,acled_type,side,guarantor,parent,aliases\ngos,Government of Syria,"
        ),
        "{csv}"
    );
    let (_, terms) = html(&app, "/terms?lang=ar").await;
    assert!(
        terms.contains("dir=\"rtl\"")
            && terms.contains("OBL-NO-ATTACK")
            && terms.contains("<time datetime=\"2016-02-26T10:00:00+00:00\" dir=\"ltr\">٢٠١٦-٠٢-٢٦ ١٢:٠٠ EET</time>")
            && terms.contains("الامتناع عن الاستيلاء على أراضٍ"),
        "the Arabic terms are in Arabic, their times isolated and in Arabic digits"
    );
    let (_, besieged) = html(&app, "/besieged").await;
    assert!(besieged.contains("Madaya") && besieged.contains("href=\"/besieged.csv\""));
    let (_, csv) = html(&app, "/besieged.csv").await;
    assert_eq!(csv.lines().count(), 29, "a header and 28 locations");
    assert!(
        csv.contains("douma,Douma,دوما,Rural Damascus,SY03,C2338,gos,besieged,,176500,2016-01-18"),
        "{csv}"
    );
}

#[tokio::test]
async fn the_report_form_validates_saves_once_and_opens_the_incident() {
    let app = app().await;
    let (status, form) = html(&app, "/report").await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("name=\"idempotency_key\"") && form.contains("<datalist id=\"places\">"));

    let bad = [
        ("idempotency_key", "k-1"),
        ("date", ""),
        ("time", "25:99"),
        ("place", "Atlantis"),
        ("perpetrator", "Martians"),
        ("event_type", "mortar"),
        ("source_name", ""),
        ("source_type", "eyewitness"),
        ("reliability", "C"),
        ("credibility", "3"),
        ("text", "shells fell"),
    ];
    let (status, _, page) = post_form(&app, "/report", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for needle in [
        "id=\"date-error\"",
        "id=\"time-error\"",
        "id=\"place-error\"",
        "id=\"perpetrator-error\"",
        "id=\"source_name-error\"",
        "value=\"Atlantis\"",
        "shells fell",
    ] {
        assert!(page.contains(needle), "missing {needle}");
    }

    let good = [
        ("idempotency_key", "k-2"),
        ("date", "2016-03-02"),
        ("time", "11:00"),
        ("place", "Madaya"),
        ("perpetrator", "قوات النظام"),
        ("target", ""),
        ("event_type", "aid_obstruction"),
        ("source_name", "Local council"),
        ("source_type", "eyewitness"),
        ("reliability", "C"),
        ("credibility", "2"),
        ("text", "The convoy was turned back at the checkpoint."),
    ];
    let (status, location, _) = post_form(&app, "/report", &good).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let saved = location.unwrap();
    assert!(saved.starts_with("/incidents/") && saved.ends_with("?saved=1"));
    let location = saved.trim_end_matches("?saved=1").to_owned();
    // The incident's page says it was saved, and is titled by its type, place and day.
    let (_, page) = html(&app, &saved).await;
    assert!(page.contains("class=\"notice saved\""));
    // A time typed as 11:00 is known to the minute, not only to the day.
    assert!(
        page.contains("Time known to the</dt><dd>minute"),
        "the time's precision"
    );
    assert!(
        page.contains("<h1>Aid obstruction in Madaya, 2016-03-02</h1>"),
        "{}",
        &page[page.find("<h1>").unwrap_or(0)..][..200]
    );
    // The network failed and the monitor sends again: the same incident, nothing new.
    let (_, again, _) = post_form(&app, "/report", &good).await;
    assert_eq!(again.as_deref(), Some(saved.as_str()));
    let (_, list) = app.get("/api/v1/incidents").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let id = location.trim_start_matches("/incidents/");
    let (_, detail) = app.get(&format!("/api/v1/incidents/{id}")).await;
    assert_eq!(detail["reports"].as_array().unwrap().len(), 1);
    assert_eq!(
        detail["occurred_at"], "2016-03-02T09:00:00Z",
        "Damascus time converted to UTC"
    );
    assert_eq!(detail["time_precision"], 0, "the time of day was given");
    assert_eq!(detail["assessment"]["obligations"], json!(["OBL-ACCESS"]));
    let (_, found) = html(&app, "/incidents?q=convoy").await;
    assert!(found.contains(&location));

    // Only the part of the day given: recorded at its middle, known to the day. Only the
    // weapon given: it says the type of attack.
    let mut morning = good.to_vec();
    morning[0] = ("idempotency_key", "k-morning");
    morning[2] = ("time", "");
    morning.push(("part", "morning"));
    morning.retain(|(name, _)| *name != "event_type");
    morning.push(("event_type", ""));
    morning.push(("weapon", "barrel bomb"));
    let (status, at, _) = post_form(&app, "/report", &morning).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let morning_id = at
        .unwrap()
        .trim_start_matches("/incidents/")
        .trim_end_matches("?saved=1")
        .to_owned();
    let (_, detail) = app.get(&format!("/api/v1/incidents/{morning_id}")).await;
    assert_eq!(
        detail["occurred_at"], "2016-03-02T07:00:00Z",
        "09:00 in Damascus"
    );
    assert_eq!(detail["time_precision"], 1, "known to the day");
    assert_eq!(detail["weapon"], "barrel bomb");
    assert_eq!(detail["sub_event_type"], "Air/drone strike");
    // A part of the day that is not one is refused.
    let mut noon = morning.clone();
    noon[0] = ("idempotency_key", "k-bad-part");
    noon.retain(|(name, _)| *name != "part");
    noon.push(("part", "teatime"));
    let (status, _, page) = post_form(&app, "/report", &noon).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"part-error\""));

    // A second source, added from the incident's page, is on the incident; sent twice, once.
    let (_, page) = html(&app, &location).await;
    assert!(page.contains(&format!("action=\"{location}/reports\"")));
    let second = [
        ("idempotency_key", "k-second"),
        ("source_name", "UN convoy team"),
        ("source_type", "UN"),
        ("reliability", "A"),
        ("credibility", "1"),
        ("direct_observation", "yes"),
        ("text", "The convoy waited six hours and turned back."),
    ];
    let reports_path = format!("{location}/reports");
    for _ in 0..2 {
        let (status, redirect, _) = post_form(&app, &reports_path, &second).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(
            redirect.as_deref(),
            Some(format!("{location}?report_saved=1#reports").as_str())
        );
    }
    let (_, detail) = app.get(&format!("/api/v1/incidents/{id}")).await;
    assert_eq!(detail["reports"].as_array().unwrap().len(), 2);
    // A bad grade is refused, and nothing is added.
    let mut bad_grade = second.to_vec();
    bad_grade[0] = ("idempotency_key", "k-bad");
    bad_grade[3] = ("reliability", "Z");
    let (status, _, _) = post_form(&app, &reports_path, &bad_grade).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, detail) = app.get(&format!("/api/v1/incidents/{id}")).await;
    assert_eq!(detail["reports"].as_array().unwrap().len(), 2);

    // Coordinates: a latitude of 95 is said on the latitude, not on the place; one without
    // the other is said on the missing one; a decimal comma is read.
    let with = |key: &'static str, lat: &'static str, lon: &'static str| {
        let mut fields: Vec<(&str, &str)> = good.to_vec();
        fields.retain(|(name, _)| !["idempotency_key", "place"].contains(name));
        fields.extend([
            ("idempotency_key", key),
            ("place", ""),
            ("lat", lat),
            ("lon", lon),
        ]);
        fields
    };
    let (status, _, page) = post_form(&app, "/report", &with("k-3", "95", "36.2")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"lat-error\"") && !page.contains("id=\"place-error\""));
    let (_, _, page) = post_form(&app, "/report", &with("k-4", "33.5", "")).await;
    assert!(page.contains("id=\"lon-error\""));
    let (status, location, _) = post_form(&app, "/report", &with("k-5", "33,51", "36,29")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let id = location
        .unwrap()
        .trim_start_matches("/incidents/")
        .replace("?saved=1", "");
    let (_, detail) = app.get(&format!("/api/v1/incidents/{id}")).await;
    assert_eq!(
        (detail["lat"].as_f64(), detail["lon"].as_f64()),
        (Some(33.51), Some(36.29))
    );
}

#[tokio::test]
async fn extract_turns_prose_into_a_draft_with_evidence_and_refuses_bad_input() {
    let app = app().await;
    let text = "Yesterday regime forces shelled Douma in Eastern Ghouta, killing 3 civilians.";
    let (status, draft) = app
        .post(
            "/api/v1/extract",
            &json!({"text": text, "ref_date": "2016-03-10"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    assert_eq!(draft["date"]["value"], "2016-03-09");
    assert_eq!(draft["date"]["evidence"]["text"], "Yesterday");
    assert_eq!(draft["location"]["value"]["admin1_pcode"], "SY03");
    assert_eq!(draft["actors"][0]["actor"], "gos");
    let start = draft["fatalities"]["evidence"]["start"].as_u64().unwrap() as usize;
    let end = draft["fatalities"]["evidence"]["end"].as_u64().unwrap() as usize;
    assert_eq!(&text[start..end], "killing 3");

    let (status, error) = app.post("/api/v1/extract", &json!({"text": "  "})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["error"], "invalid_value");
    let (status, error) = app
        .post(
            "/api/v1/extract",
            &json!({"text": "x", "ref_date": "yesterday"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error["message"].as_str().unwrap().contains("ref_date"));
    // JSON of the wrong shape is refused as a value; text that is not JSON is malformed.
    let (status, _) = app.post("/api/v1/extract", &json!({"txt": "x"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = app
        .raw("POST", "/api/v1/extract", "application/json", b"{".to_vec())
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn pasted_text_fills_the_report_form_and_saves_nothing() {
    let app = app().await;
    let (_, before) = app.get("/api/v1/incidents").await;
    let (status, _, page) = post_form(
        &app,
        "/report/draft",
        &[
            ("lang", "en"),
            (
                "draft_text",
                "Yesterday regime forces shelled Douma in Eastern Ghouta, killing 3 civilians.",
            ),
            ("received", "2016-03-10"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for needle in [
        "name=\"date\" value=\"2016-03-09\"",
        // No time is made up.
        "name=\"time\" value=\"\"",
        "value=\"Government of Syria\"",
        "<option value=\"shelling_artillery\" selected",
        "name=\"killed_civilian\" value=\"3\"",
        "<mark>Yesterday</mark>",
        "<mark>regime forces</mark>",
        "<mark>killing 3</mark>",
    ] {
        assert!(page.contains(needle), "missing {needle}");
    }
    let (_, after) = app.get("/api/v1/incidents").await;
    assert_eq!(before["items"], after["items"], "a draft is not a record");

    let (status, _, page) = post_form(&app, "/report/draft", &[("draft_text", " ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("draft_text-error"));
    let (status, _, arabic) = post_form(
        &app,
        "/report/draft",
        &[
            ("lang", "ar"),
            ("draft_text", "قصفت قوات النظام مدينة دوما في ريف دمشق أمس"),
            ("received", "2016-03-10"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(arabic.contains("dir=\"rtl\"") && arabic.contains("<mark>أمس</mark>"));
    // A killing by gunfire drafts small-arms fire with one civilian dead.
    let (status, _, shooting) = post_form(
        &app,
        "/report/draft",
        &[
            ("lang", "en"),
            (
                "draft_text",
                "On 5 March 2016 unknown gunmen shot and killed a shepherd near Tafas.",
            ),
            ("received", "2016-03-07"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for needle in [
        "<option value=\"small_arms\" selected",
        "name=\"killed_civilian\" value=\"1\"",
    ] {
        assert!(shooting.contains(needle), "missing {needle}");
    }
    // A clash worked out from two opposing parties says so, not that it is the day received.
    let (status, _, clash) = post_form(
        &app,
        "/report/draft",
        &[
            ("lang", "en"),
            (
                "draft_text",
                "Rebels and government troops near Tafas, on 5 March 2016.",
            ),
            ("received", "2016-03-07"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(clash.contains("<option value=\"ground_assault\" selected"));
    assert!(clash.contains("worked out from the whole text"));
    // A missile fired in a clash leaves it a clash, not a rocket barrage.
    let (status, _, missile) = post_form(
        &app,
        "/report/draft",
        &[
            ("lang", "en"),
            (
                "draft_text",
                "Rebels clashed with government troops near Tafas; a guided missile hit a tank.",
            ),
            ("received", "2016-03-07"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(missile.contains("<option value=\"ground_assault\" selected"));
    assert!(!clash.contains("the day received"));
    // The first party is listed first, though the text names the rebels first.
    let first = clash.find("First party").unwrap();
    let second = clash.find("Second party").unwrap();
    assert!(first < second);
    // A clash that names no attacker says so: the perpetrator is only the first party.
    assert!(clash.contains("does not say who attacked whom"));
    // When the text says who attacked, that one is the perpetrator, whatever ACLED's order.
    let (status, _, attack) = post_form(
        &app,
        "/report/draft",
        &[
            ("lang", "en"),
            (
                "draft_text",
                "Islamic State fighters attacked government troops near Tafas on 5 March 2016.",
            ),
            ("received", "2016-03-07"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let value_of = |page: &str, name: &str| {
        let at = page.find(&format!("name=\"{name}\"")).unwrap();
        let rest = &page[at..];
        let start = rest.find("value=\"").unwrap() + 7;
        rest[start..start + rest[start..].find('"').unwrap()].to_owned()
    };
    assert!(
        value_of(&attack, "perpetrator").contains("Islamic State"),
        "{}",
        value_of(&attack, "perpetrator")
    );
    assert_eq!(value_of(&attack, "target"), "Government of Syria");
    // The perpetrator is listed first, though ACLED's order puts the government first.
    let perpetrator = attack.find("Perpetrator (the text says so)").unwrap();
    let target = attack.find("Target (the text says so)").unwrap();
    assert!(perpetrator < target);
    assert!(!attack.contains("does not say who attacked whom"));
}
