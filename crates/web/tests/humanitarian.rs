//! The humanitarian pillar through the API and the pages: a convoy through its life, what the
//! public sees of it, the scorecard following it, an attack recorded as a classified incident
//! linked both ways, linked deliveries, classifications and estimates; on SQLite and, when
//! TRUCE_TEST_DATABASE_URL is set, on PostgreSQL.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{Value, json};

async fn scorecard(app: &App, day: &str) -> Value {
    let (status, card) = app
        .get(&format!("/api/v1/humanitarian/scorecard?as_of={day}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{card}");
    card
}

async fn step(app: &App, id: &str, body: Value) -> (StatusCode, Value) {
    app.post(&format!("/api/v1/convoys/{id}/transitions"), &body)
        .await
}

/// A convoy from its plan to its delivery, and what each viewer sees on the way.
async fn a_convoy_through_its_life(chair: App) {
    let aid = chair.as_role("aid1", "humanitarian", None).await;
    let public = chair.anonymous();
    let liaison = chair
        .as_role("liaison1", "party_liaison", Some("fsa"))
        .await;
    let before = scorecard(&aid, "2016-05-20").await;
    let public_before = scorecard(&public, "2016-05-20").await;

    let (status, planned) = aid
        .post(
            "/api/v1/convoys",
            &json!({"plan_month": "2016-05", "destinations": ["douma"], "planned_at": "2016-05-01T08:00:00Z"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{planned}");
    assert_eq!(planned["state"], "planned");
    let id = planned["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("2016-05-"), "{id}");
    assert_eq!(planned["steps"][0]["by"], "user:aid1");

    // An illegal move is a 409 naming the allowed ones, and changes nothing.
    let (status, refused) = step(
        &aid,
        &id,
        json!({"to": "delivered_full", "at": "2016-05-02T08:00:00Z"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["error"], "illegal_transition");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("allowed: submitted, aborted")
    );

    let (status, submitted) = step(
        &aid,
        &id,
        json!({"to": "submitted", "at": "2016-05-02T08:00:00Z"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{submitted}");
    assert_eq!(
        submitted["approval_clock"][0]["due"],
        "2016-05-09T08:00:00Z"
    );

    // Pending: the humanitarian role and the co-chairs see it; the public and a liaison do not,
    // and their figures do not count it (stepping the day would date it).
    for viewer in [&public, &liaison] {
        let (status, _) = viewer.get(&format!("/api/v1/convoys/{id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, list) = viewer.get("/api/v1/convoys").await;
        assert!(!list.to_string().contains(&id));
        let card = scorecard(viewer, "2016-05-20").await;
        assert!(!card["records"].to_string().contains(&id));
        let (_, page) = html(viewer, "/convoys").await;
        assert!(!page.contains(&id));
    }
    let (status, _) = chair.get(&format!("/api/v1/convoys/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(scorecard(&public, "2016-05-20").await, public_before);
    let card = scorecard(&chair, "2016-05-20").await;
    assert_eq!(
        card["approvals_pending"],
        before["approvals_pending"].as_u64().unwrap() + 1
    );
    // Overdue from the first instant after 9 May 08:00.
    assert_eq!(
        scorecard(&aid, "2016-05-08").await["approvals_overdue"],
        before["approvals_overdue"]
    );
    let card = scorecard(&aid, "2016-05-09").await;
    assert_eq!(
        card["approvals_overdue"],
        before["approvals_overdue"].as_u64().unwrap() + 1
    );
    assert!(
        card["records"]["approvals_overdue"]
            .to_string()
            .contains(&id)
    );

    for (to, extra) in [
        ("approved_in_principle", json!({})),
        ("facilitation_letter_issued", json!({})),
        (
            "loaded",
            json!({"cargo": [{"sector": "food", "item": "food parcels", "quantity": 5000, "unit": "parcels"}]}),
        ),
        (
            "inspected",
            json!({"removals": [{"sector": "health", "item": "surgical kits", "quantity": 12, "unit": "kits", "removed_by": "security officials"}]}),
        ),
        ("dispatched", json!({"trucks": 30})),
        ("at_checkpoint", json!({"checkpoint": "Wafideen"})),
        ("delivering", json!({})),
        (
            "delivered_partial",
            json!({"trucks": 28, "reached": [{"location": "douma", "people": 35000}]}),
        ),
    ] {
        let mut body = json!({"to": to, "at": "2016-05-10T08:00:00Z"});
        for (key, value) in extra.as_object().unwrap() {
            body[key] = value.clone();
        }
        let (status, moved) = step(&aid, &id, body).await;
        assert_eq!(status, StatusCode::CREATED, "{to}: {moved}");
        assert_eq!(moved["state"], to);
    }
    let card = scorecard(&aid, "2016-05-20").await;
    assert_eq!(card["approvals_pending"], before["approvals_pending"]);
    assert_eq!(
        card["people_reached_cumulative"],
        before["people_reached_cumulative"].as_u64().unwrap() + 35_000
    );
    assert_eq!(
        card["people_reached_month"],
        before["people_reached_month"].as_u64().unwrap() + 35_000
    );
    assert_eq!(
        card["medical_removals"],
        before["medical_removals"].as_u64().unwrap() + 1
    );

    // Delivered: now the public sees it, without who recorded each step.
    let (status, seen) = public.get(&format!("/api/v1/convoys/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!seen.to_string().contains("aid1"), "{seen}");
    // The nearby count is for those who see exact places; the map of them is for everyone.
    let label = "Incidents within about 5 km, 30 days before</dt><dd>";
    let (_, sheet) = html(&chair, "/besieged/douma?as_of=2016-05-20").await;
    let after = &sheet[sheet.find(label).expect("the nearby figure") + label.len()..];
    assert!(after.starts_with(|c: char| c.is_ascii_digit()), "{after}");
    assert!(after.contains("/map?bbox=36.355,33.521"));
    let (status, sheet) = html(&public, "/besieged/douma?as_of=2016-05-20").await;
    assert!(
        sheet.contains(&format!("{label}<a href=\"/map?bbox=")),
        "no count for the public"
    );
    assert_eq!(status, StatusCode::OK);
    assert!(
        sheet.contains(&id) && sheet.contains("35,000"),
        "the sheet lists the convoy"
    );

    // Nothing follows a delivery.
    let (status, refused) = step(
        &aid,
        &id,
        json!({"to": "aborted", "at": "2016-05-11T08:00:00Z", "reason": "fighting"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("nothing (it is final)")
    );
}

#[tokio::test]
async fn a_convoy_through_its_life_on_sqlite() {
    a_convoy_through_its_life(app().await).await;
}

#[tokio::test]
async fn a_convoy_through_its_life_on_postgres() {
    let Some(url) = postgres_url("aid_convoy_life").await else {
        return;
    };
    a_convoy_through_its_life(app_on(&url, truce_web::DEFAULT_BODY_LIMIT).await).await;
}

#[tokio::test]
async fn an_attack_on_a_convoy_is_a_classified_incident_linked_both_ways() {
    let chair = app().await;
    let aid = chair.as_role("aid1", "humanitarian", None).await;
    let (_, planned) = aid
        .post("/api/v1/convoys", &json!({"plan_month": "2016-03", "destinations": ["douma"], "planned_at": "2016-03-01T08:00:00Z"}))
        .await;
    let id = planned["id"].as_str().unwrap().to_owned();
    let attack = json!({"occurred_at": "2016-03-05T10:00:00Z", "lat": 33.5706, "lon": 36.4046,
        "perpetrator": "Syrian Arab Army", "weapon": "mortar", "notes": "Mortar fire on the trucks at the entrance"});
    // Only the humanitarian role records it; another event type is refused.
    let (status, _) = chair
        .post(&format!("/api/v1/convoys/{id}/attacks"), &attack)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut other = attack.clone();
    other["event_type"] = json!("air_strike");
    let (status, _) = aid
        .post(&format!("/api/v1/convoys/{id}/attacks"), &other)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = aid.post("/api/v1/convoys/none/attacks", &attack).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, recorded) = aid
        .post(&format!("/api/v1/convoys/{id}/attacks"), &attack)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{recorded}");
    assert_eq!(recorded["convoy"], id.as_str());
    let incident = recorded["incident"]["id"].as_str().unwrap().to_owned();
    let obligations = recorded["incident"]["assessment"]["obligations"].to_string();
    assert!(
        obligations.contains("OBL-ACCESS") && obligations.contains("OBL-NO-ATTACK"),
        "{recorded}"
    );

    let (_, detail) = chair.get(&format!("/api/v1/incidents/{incident}")).await;
    assert_eq!(detail["convoys"], json!([id]));
    // A monitor reads the incident's notes, but may not see the planned convoy: nothing names it.
    let monitor = chair.as_role("m1", "monitor", None).await;
    let (status, seen) = monitor.get(&format!("/api/v1/incidents/{incident}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(seen["convoys"], json!([]));
    assert!(!seen.to_string().contains(&id), "{seen}");
    // A retry with the same key records one attack.
    let key = [("idempotency-key", "attack-2")];
    let uri = format!("/api/v1/convoys/{id}/attacks");
    let (_, first) = aid.call("POST", &uri, Some(&attack), &key).await;
    let (_, again) = aid.call("POST", &uri, Some(&attack), &key).await;
    assert_eq!(first, again);
    let (_, convoy) = chair.get(&format!("/api/v1/convoys/{id}")).await;
    assert_eq!(
        convoy["incidents"],
        json!([incident, first["incident"]["id"]]),
        "two attacks, the retry counted once"
    );
    let (_, page) = html(&chair, &format!("/incidents/{incident}")).await;
    assert!(page.contains(&format!("/convoys/{id}")));
    let (_, page) = html(&aid, &format!("/convoys/{id}")).await;
    assert!(page.contains(&format!("/incidents/{incident}")));
}

#[tokio::test]
async fn a_retried_plan_makes_one_convoy_and_bad_input_loses_nothing() {
    let chair = app().await;
    let aid = chair.as_role("aid1", "humanitarian", None).await;
    let body = json!({"plan_month": "2016-06", "destinations": ["madaya"], "planned_at": "2016-06-01T08:00:00Z"});
    let key = [("idempotency-key", "plan-1")];
    let (first_status, first) = aid.call("POST", "/api/v1/convoys", Some(&body), &key).await;
    let (again_status, again) = aid.call("POST", "/api/v1/convoys", Some(&body), &key).await;
    assert_eq!(
        (first_status, again_status),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    assert_eq!(first, again);
    let (_, list) = aid.get("/api/v1/convoys?plan_month=2016-06").await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    for (bad, why) in [
        (
            json!({"plan_month": "2016-6", "destinations": ["madaya"]}),
            "month",
        ),
        (
            json!({"plan_month": "2016-06", "destinations": []}),
            "no destination",
        ),
        (
            json!({"plan_month": "2016-06", "destinations": ["atlantis"]}),
            "unknown location",
        ),
        (
            json!({"plan_month": "2016-06", "destinations": ["madaya", "madaya"]}),
            "twice",
        ),
        (
            json!({"plan_month": "2016-06", "destinations": ["madaya"], "planned_at": "2099-01-01T00:00:00Z"}),
            "future",
        ),
        (
            json!({"plan_month": "2016-06", "destinations": ["madaya"], "colour": "red"}),
            "unknown field",
        ),
        (
            json!({"plan_month": "2016-06", "destinations": ["madaya"], "cargo": [{"sector": "food", "item": "x", "quantity": -1, "unit": "t"}]}),
            "negative",
        ),
    ] {
        let (status, reply) = aid.post("/api/v1/convoys", &bad).await;
        assert!(status.is_client_error(), "{why}: {status} {reply}");
        assert!(reply["error"].is_string(), "{why}: {reply}");
    }
    let id = first["id"].as_str().unwrap();
    for (bad, why) in [
        (
            json!({"to": "sailing", "at": "2016-06-02T08:00:00Z"}),
            "unknown state",
        ),
        (
            json!({"to": "submitted", "at": "2016-05-02T08:00:00Z"}),
            "before the plan",
        ),
        (json!({"to": "submitted", "at": "yesterday"}), "not a time"),
        (
            json!({"to": "aborted", "at": "2016-06-02T08:00:00Z"}),
            "no reason",
        ),
        (
            json!({"to": "aborted", "at": "2016-06-02T08:00:00Z", "reason": "boredom"}),
            "unknown reason",
        ),
        (
            json!({"to": "submitted", "at": "2016-06-02T08:00:00Z", "pallets_dropped": 3}),
            "air field",
        ),
    ] {
        let (status, reply) = step(&aid, id, bad).await;
        assert!(status.is_client_error(), "{why}: {status} {reply}");
    }
    let (_, convoy) = aid.get(&format!("/api/v1/convoys/{id}")).await;
    assert_eq!(convoy["state"], "planned", "nothing was lost or added");
    assert_eq!(convoy["steps"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_four_towns_convoy_waits_for_the_other_side() {
    let chair = app().await;
    let aid = chair.as_role("aid1", "humanitarian", None).await;
    let plan = |to: &str| json!({"plan_month": "2016-07", "destinations": [to], "planned_at": "2016-07-01T08:00:00Z"});
    let (_, madaya) = aid.post("/api/v1/convoys", &plan("madaya")).await;
    let madaya = madaya["id"].as_str().unwrap().to_owned();
    let (_, alone) = aid.get(&format!("/api/v1/convoys/{madaya}")).await;
    assert_eq!(alone["linked"][0]["status"], "no_partner");
    let (_, foah) = aid.post("/api/v1/convoys", &plan("foah")).await;
    let foah = foah["id"].as_str().unwrap().to_owned();
    let (_, moved) = step(
        &aid,
        &madaya,
        json!({"to": "submitted", "at": "2016-07-02T08:00:00Z"}),
    )
    .await;
    assert_eq!(moved["linked"][0]["status"], "waiting", "{moved}");
    assert_eq!(moved["linked"][0]["partners"], json!([foah]));
    let (_, page) = html(&aid, &format!("/convoys/{madaya}")).await;
    assert!(
        page.contains("Four Towns agreement"),
        "the page names the arrangement"
    );
    step(
        &aid,
        &foah,
        json!({"to": "submitted", "at": "2016-07-02T09:00:00Z"}),
    )
    .await;
    let (_, now) = aid.get(&format!("/api/v1/convoys/{madaya}")).await;
    assert_eq!(now["linked"][0]["status"], "in_step");
}

#[tokio::test]
async fn classifications_and_estimates_stand_side_by_side() {
    let chair = app().await;
    let aid = chair.as_role("aid1", "humanitarian", None).await;
    let (status, located) = aid
        .post(
            "/api/v1/besieged/madaya/classifications",
            &json!({"status": "besieged", "on": "2016-01-20", "classifier": "Siege Watch", "evidence": "E3"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{located}");
    let (status, _) = aid
        .post(
            "/api/v1/besieged/madaya/estimates",
            &json!({"value": 45000, "as_of": "2016-02", "scope": "Madaya", "source": "Madaya local council (test)", "method": "local council estimate"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, madaya) = aid.get("/api/v1/besieged/madaya?as_of=2016-03-01").await;
    let now = madaya["classified_now"].to_string();
    assert!(now.contains("OCHA") && now.contains("Siege Watch"), "{now}");
    assert_eq!(
        madaya["estimate_used"]["value"], 45000,
        "February's figure, not November's"
    );
    let (_, later) = aid.get("/api/v1/besieged/madaya?as_of=2016-12-01").await;
    assert_eq!(later["estimate_used"]["value"], 40000);
    assert_eq!(
        later["estimates"].as_array().unwrap().len(),
        3,
        "none overwrites another"
    );
    // A delisting needs its reason; an unknown location is a 404; the public may not write.
    let (status, _) = aid
        .post("/api/v1/besieged/madaya/classifications", &json!({"status": "delisted", "on": "2016-06-01", "classifier": "OCHA", "evidence": "x"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = aid
        .post(
            "/api/v1/besieged/atlantis/estimates",
            &json!({"value": 1, "as_of": "2016-01", "scope": "", "source": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = chair
        .anonymous()
        .post(
            "/api/v1/besieged/madaya/estimates",
            &json!({"value": 1, "as_of": "2016-01", "scope": "", "source": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // A besieging party is an actor of the registry.
    let (status, reply) = aid
        .post("/api/v1/besieged", &json!({"id": "somewhere", "name": "Somewhere", "name_ar": "مكان", "governorate": "Homs",
            "admin1_pcode": "SY04", "lat": 34.7, "lon": 36.7, "coordinates_source": "test", "besieging_actors": ["martians"]}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply["error"], "unknown_actor");
}

#[tokio::test]
async fn the_2016_record_is_there_with_its_sources_in_both_languages() {
    let app = app().await;
    let public = app.anonymous();
    let card = scorecard(&public, "2016-04-12").await;
    assert_eq!(card["besieged_locations_total"], 18);
    assert_eq!(card["airdrops_flown"], 3);
    assert_eq!(card["pallets_dropped"], 73);
    assert_eq!(card["pallets_recovered"], 22);
    assert_eq!(
        card["convoys_aborted_by_reason"]["no_letter"], 0,
        "the public sees no aborted convoy"
    );
    let card = scorecard(&app, "2016-04-12").await;
    assert_eq!(card["convoys_aborted_by_reason"]["no_letter"], 4);
    // A compiled record that skips the letter does not say when it came: neither on time nor
    // overdue, and the board shows no deadline for it.
    let (_, moadamiyeh) = public.get("/api/v1/convoys/2016-02-23-moadamiyeh").await;
    assert_eq!(moadamiyeh["approval_clock"][0]["answer_unrecorded"], true);
    assert_eq!(moadamiyeh["approval_clock"][0]["overdue"], false);
    let (_, board) = html(&public, "/convoys").await;
    let card_of = &board[board.find("/convoys/2016-02-23-moadamiyeh").unwrap()..];
    let card_of = &card_of[..card_of.find("</li>").unwrap()];
    assert!(
        !card_of.contains("due") && !card_of.contains("overdue"),
        "{card_of}"
    );
    let card = scorecard(&public, "2016-02-20").await;
    assert_eq!(
        card["people_reached_cumulative"], 140_000,
        "January's 60,000 and 17 February's 80,000"
    );
    let (_, convoy) = public.get("/api/v1/convoys/2016-02-17-five-areas").await;
    assert_eq!(
        convoy["trucks_planned"],
        Value::Null,
        "nothing the sources do not say"
    );
    assert!(convoy["sources"].to_string().contains("Egeland"));
    for page in [
        "/besieged",
        "/besieged/deir_ez_zor",
        "/convoys",
        "/convoys/2016-01-madaya-bqine",
        "/air-operations",
        "/humanitarian/scorecard?as_of=2016-04-12",
    ] {
        for lang in ["", "?lang=ar"] {
            let uri = if page.contains('?') && !lang.is_empty() {
                format!("{page}&lang=ar")
            } else {
                format!("{page}{lang}")
            };
            let (status, text) = html(&public, &uri).await;
            assert_eq!(status, StatusCode::OK, "{uri}");
            if !lang.is_empty() {
                assert!(text.contains("dir=\"rtl\""), "{uri}");
            }
        }
    }
}

#[tokio::test]
async fn an_airdrop_is_planned_flown_dropped_and_recovered_through_the_log_page() {
    let chair = app().await;
    let aid = chair.as_role("aid1", "humanitarian", None).await;
    let before = scorecard(&aid, "2016-05-31").await;
    let (status, location, body) = post_form(
        &aid,
        "/air-operations",
        &[
            ("idempotency_key", "air-1"),
            ("kind", "airdrop"),
            ("destination", "deir_ez_zor"),
            ("planned_at", "2016-05-01T06:00"),
            ("tonnes", "20"),
            ("aircraft", "Il-76"),
            ("origin", "Amman"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let id = location.unwrap().split('#').nth(1).unwrap().to_owned();
    assert!(id.starts_with("2016-05-01-"), "{id}");
    for (n, (to, fields)) in [
        ("flown", vec![]),
        ("dropped", vec![("pallets_dropped", "26")]),
        (
            "partially_recovered",
            vec![("pallets_recovered", "20"), ("pallets_unaccounted", "6")],
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let key = format!("air-step-{n}");
        let at = format!("2016-05-02T0{n}:00");
        let mut form = vec![
            ("idempotency_key", key.as_str()),
            ("to", to),
            ("at", at.as_str()),
        ];
        form.extend(fields);
        let (status, _, body) =
            post_form(&aid, &format!("/air-operations/{id}/transitions"), &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{to}: {body}");
    }
    // Nothing follows a recovery.
    let (status, _, _) = post_form(
        &aid,
        &format!("/air-operations/{id}/transitions"),
        &[
            ("idempotency_key", "air-x"),
            ("to", "recovered"),
            ("at", "2016-05-03T00:00"),
        ],
    )
    .await;
    assert!(status.is_client_error());
    let card = scorecard(&aid, "2016-05-31").await;
    assert_eq!(
        card["airdrops_flown"],
        before["airdrops_flown"].as_u64().unwrap() + 1
    );
    assert_eq!(
        card["pallets_dropped"],
        before["pallets_dropped"].as_u64().unwrap() + 26
    );
    assert_eq!(
        card["pallets_recovered"],
        before["pallets_recovered"].as_u64().unwrap() + 20
    );
    let tonnes =
        card["tonnes_delivered"].as_f64().unwrap() - before["tonnes_delivered"].as_f64().unwrap();
    assert!((tonnes - 20.0 * 20.0 / 26.0).abs() < 0.01, "{tonnes}");
    let (_, page) = html(&aid, "/air-operations").await;
    assert!(
        !page.contains(&format!("action=\"/air-operations/{id}/transitions\"")),
        "a recovered operation takes no further step"
    );
    assert!(page.contains("id=\"plan-air\""));
    let (_, page) = html(&chair.anonymous(), "/air-operations").await;
    assert!(!page.contains("plan-air") && !page.contains("aid1"));
}

#[tokio::test]
async fn a_classification_and_an_estimate_are_added_from_the_sheet() {
    let chair = app().await;
    let aid = chair.as_role("aid1", "humanitarian", None).await;
    let (_, sheet) = html(&aid, "/besieged/zebdin").await;
    assert!(sheet.contains("id=\"classify\"") && sheet.contains("id=\"estimate\""));
    let (_, sheet) = html(&chair, "/besieged/zebdin").await;
    assert!(
        !sheet.contains("id=\"classify\""),
        "forms only for the humanitarian role"
    );
    let (status, location, body) = post_form(
        &aid,
        "/besieged/zebdin/classifications",
        &[
            ("idempotency_key", "c-1"),
            ("status", "besieged"),
            ("reason", "retaken"),
            ("on", "2016-03-01"),
            ("classifier", "Siege Watch"),
            ("evidence", "E3"),
            ("note", ""),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(location.as_deref(), Some("/besieged/zebdin?saved=1"));
    let (status, _, body) = post_form(
        &aid,
        "/besieged/zebdin/estimates",
        &[
            ("idempotency_key", "e-1"),
            ("value", "5000"),
            ("as_of", "2016-05"),
            ("scope", "Zebdin"),
            ("source", "local council (test)"),
            ("method", ""),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let (status, _, _) = post_form(
        &aid,
        "/besieged/zebdin/estimates",
        &[
            ("idempotency_key", "e-2"),
            ("value", "5000"),
            ("as_of", "May 2016"),
            ("source", "x"),
        ],
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a bad date is refused"
    );
    let (_, zebdin) = aid.get("/api/v1/besieged/zebdin?as_of=2016-05-15").await;
    let now = zebdin["classified_now"].to_string();
    assert!(
        now.contains("Siege Watch") && !now.contains("retaken"),
        "the reason goes with a delisting only: {now}"
    );
    assert_eq!(zebdin["estimate_used"]["value"], 5000);
}
