//! The authorization matrix: every route of the service × every role (and nobody), with what
//! each may reach written out here independently of the access table, and, for what each may
//! read, that nothing it may not see is in the body (source identities, the reporter, exact
//! points and times, another party's incidents). A route added to the router without a line
//! here fails `every_routed_path_is_in_the_matrix`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

mod common;

use std::collections::BTreeSet;

use axum::http::StatusCode;
use common::*;
use serde_json::json;

/// The roles, by letter: A admin, C co-chair (US), T task force, M monitor (who submitted
/// the first incident), O another monitor, L liaison of the FSA, H humanitarian, P public.
const EVERYONE: &str = "ACTMOLHP";

/// Method, path, and who may reach it (letters of [`EVERYONE`]).
const MATRIX: &[(&str, &str, &str)] = &[
    ("GET", "/api/v1/health", EVERYONE),
    ("GET", "/api/v1/version", EVERYONE),
    ("GET", "/api/v1/openapi.json", EVERYONE),
    ("GET", "/api/v1/agreements", EVERYONE),
    ("POST", "/api/v1/agreements", "C"),
    ("GET", "/api/v1/agreements/{id}", EVERYONE),
    ("GET", "/api/v1/actors", EVERYONE),
    ("POST", "/api/v1/actors", "C"),
    ("GET", "/api/v1/actors/{id}", EVERYONE),
    ("GET", "/api/v1/actors/{id}/designations", EVERYONE),
    ("POST", "/api/v1/actors/{id}/designations", "C"),
    ("GET", "/api/v1/actors/{id}/commitments", EVERYONE),
    ("POST", "/api/v1/actors/{id}/commitments", "C"),
    ("GET", "/api/v1/areas", EVERYONE),
    ("POST", "/api/v1/areas", "C"),
    ("GET", "/api/v1/areas/at", EVERYONE),
    ("GET", "/api/v1/incidents", EVERYONE),
    ("POST", "/api/v1/incidents", "CTMO"),
    ("GET", "/api/v1/incidents/{id}", EVERYONE),
    ("GET", "/api/v1/incidents/{id}/reports", EVERYONE),
    ("POST", "/api/v1/incidents/{id}/reports", "CTMO"),
    ("GET", "/api/v1/changes", "CT"),
    ("GET", "/api/v1/ledger/keys", EVERYONE),
    ("GET", "/api/v1/cases", EVERYONE),
    ("POST", "/api/v1/cases", "C"),
    ("GET", "/api/v1/cases/summary", EVERYONE),
    ("GET", "/api/v1/cases/{id}", EVERYONE),
    ("POST", "/api/v1/cases/{id}/incidents", "C"),
    ("POST", "/api/v1/cases/{id}/actions", "CTL"),
    ("GET", "/api/v1/docket", "CT"),
    ("GET", "/api/v1/inbox", "L"),
    ("POST", "/api/v1/escalations", "C"),
    ("GET", "/api/v1/besieged", EVERYONE),
    ("POST", "/api/v1/besieged", "H"),
    ("GET", "/api/v1/besieged/{id}", EVERYONE),
    ("GET", "/api/v1/besieged/{id}/classifications", EVERYONE),
    ("POST", "/api/v1/besieged/{id}/classifications", "H"),
    ("GET", "/api/v1/besieged/{id}/estimates", EVERYONE),
    ("POST", "/api/v1/besieged/{id}/estimates", "H"),
    ("GET", "/api/v1/convoys", EVERYONE),
    ("POST", "/api/v1/convoys", "H"),
    ("GET", "/api/v1/convoys/{id}", EVERYONE),
    ("POST", "/api/v1/convoys/{id}/transitions", "H"),
    ("POST", "/api/v1/convoys/{id}/attacks", "H"),
    ("GET", "/api/v1/air-operations", EVERYONE),
    ("POST", "/api/v1/air-operations", "H"),
    ("GET", "/api/v1/air-operations/{id}", EVERYONE),
    ("POST", "/api/v1/air-operations/{id}/transitions", "H"),
    ("GET", "/api/v1/humanitarian/scorecard", EVERYONE),
    ("POST", "/api/v1/extract", "CTMO"),
    ("GET", "/api/v1/me", "ACTMOLH"),
    ("GET", "/api/v1/users", "A"),
    ("POST", "/api/v1/users", "A"),
    ("POST", "/api/v1/users/{name}/disable", "A"),
    ("GET", "/api/v1/tokens", "ACTMOLH"),
    ("POST", "/api/v1/tokens", "ACTMOLH"),
    ("DELETE", "/api/v1/tokens/{id}", "ACTMOLH"),
    ("GET", "/", EVERYONE),
    ("GET", "/map", EVERYONE),
    ("GET", "/incidents", EVERYONE),
    ("GET", "/incidents.csv", EVERYONE),
    ("GET", "/incidents.geojson", EVERYONE),
    ("GET", "/incidents/{id}", EVERYONE),
    ("GET", "/report", "CTMO"),
    ("POST", "/report", "CTMO"),
    ("POST", "/incidents/{id}/reports", "CTMO"),
    ("POST", "/report/draft", "CTMO"),
    ("GET", "/actors", EVERYONE),
    ("GET", "/actors.csv", EVERYONE),
    ("GET", "/terms", EVERYONE),
    ("GET", "/besieged", EVERYONE),
    ("GET", "/besieged.csv", EVERYONE),
    ("GET", "/besieged/{id}", EVERYONE),
    ("POST", "/besieged/{id}/classifications", "H"),
    ("POST", "/besieged/{id}/estimates", "H"),
    ("GET", "/cases", EVERYONE),
    ("GET", "/cases/{id}", EVERYONE),
    ("POST", "/cases/{id}/actions", "CTL"),
    ("POST", "/escalations", "C"),
    ("GET", "/convoys", EVERYONE),
    ("POST", "/convoys", "H"),
    ("GET", "/convoys/{id}", EVERYONE),
    ("POST", "/convoys/{id}/transitions", "H"),
    ("GET", "/air-operations", EVERYONE),
    ("POST", "/air-operations", "H"),
    ("POST", "/air-operations/{id}/transitions", "H"),
    ("GET", "/humanitarian/scorecard", EVERYONE),
    ("GET", "/changes", "CT"),
    ("GET", "/static/truce.css", EVERYONE),
    ("GET", "/static/map.css", EVERYONE),
    ("GET", "/static/icon.svg", EVERYONE),
    ("GET", "/favicon.ico", EVERYONE),
    ("GET", "/static/map.js", EVERYONE),
    ("GET", "/login", EVERYONE),
    ("POST", "/login", EVERYONE),
    ("GET", "/login/second-factor", EVERYONE),
    ("POST", "/login/second-factor", EVERYONE),
    ("GET", "/account", "ACTMOLH"),
    ("POST", "/account/password", "ACTMOLH"),
    ("POST", "/account/tokens", "ACTMOLH"),
    ("POST", "/account/tokens/{id}/revoke", "ACTMOLH"),
    ("POST", "/account/second-factor", "ACTMOLH"),
    ("POST", "/account/second-factor/remove", "ACTMOLH"),
    ("GET", "/admin/users", "A"),
    ("POST", "/admin/users", "A"),
    ("POST", "/admin/users/{name}/disable", "A"),
    // Last: it ends the session the other rows use.
    ("POST", "/logout", EVERYONE),
];

/// What no one but a co-chair (and the monitor who filed it) may read.
const SOURCE_NAME: &str = "Informant Abu Khalil, phone 0944";

/// The routes the router declares, read from its source: `.route("PATH", get(…).post(…))`.
fn routed() -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    for (file, prefix) in [
        (include_str!("../src/api/mod.rs"), "/api/v1"),
        (include_str!("../src/pages/mod.rs"), ""),
    ] {
        for piece in file.split(".route(").skip(1) {
            let path = piece.split('"').nth(1).unwrap();
            // The handlers run to the closing parenthesis of `.route(`.
            let mut depth = 1;
            let end = piece
                .char_indices()
                .find(|(_, c)| {
                    depth += match c {
                        '(' => 1,
                        ')' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .map_or(piece.len(), |(at, _)| at);
            let handlers = &piece[..end];
            for method in ["get", "post", "delete", "put", "patch"] {
                if handlers.contains(&format!("{method}("))
                    || handlers.contains(&format!(".{method}("))
                {
                    found.insert((method.to_uppercase(), format!("{prefix}{path}")));
                }
            }
        }
    }
    found
}

#[test]
fn every_routed_path_is_in_the_matrix_and_the_access_table() {
    let matrix: BTreeSet<(String, String)> = MATRIX
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    let table: BTreeSet<(String, String)> = truce_web::access::ROUTES
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    let routed = routed();
    assert!(routed.len() > 50, "the routes were read: {routed:?}");
    for route in &routed {
        assert!(
            matrix.contains(route),
            "{route:?} is routed but not in the matrix"
        );
        assert!(
            table.contains(route),
            "{route:?} is routed but not in the access table"
        );
    }
    assert_eq!(
        matrix, table,
        "the matrix and the access table list the same routes"
    );
}

/// An app per role, sharing one database.
struct Cast {
    apps: Vec<(char, App)>,
    mine: String,
    others: String,
}

async fn cast() -> Cast {
    let chair = app().await;
    let monitor = chair.as_role("m1", "monitor", None).await;
    // The monitor's incident names the FSA as target; its report names a source.
    let mine = json!({"occurred_at": "2016-03-02T11:17:00+02:00", "lat": 36.1386, "lon": 36.8284,
        "perpetrator": "Syrian air force", "target": "FSA", "event_type": "air_strike", "notes": "Barrel bombs on the market"});
    let (status, created) = monitor.post("/api/v1/incidents", &mine).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let mine = created["id"].as_str().unwrap().to_owned();
    let report = json!({"source_name": SOURCE_NAME, "source_type": "eyewitness", "reliability": "B", "credibility": 2,
        "text": "Two strikes on the market.", "url": "https://example.org/secret-link"});
    let (status, body) = monitor
        .post(&format!("/api/v1/incidents/{mine}/reports"), &report)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // The co-chair's incident does not name the FSA.
    let others = json!({"occurred_at": "2016-03-04T08:43:00+02:00", "lat": 33.5643, "lon": 36.3712,
        "perpetrator": "Jaysh al-Islam", "target": "Syrian Arab Army", "event_type": "mortar", "notes": "Mortars on the old city"});
    let (_, created) = chair.post("/api/v1/incidents", &others).await;
    let others = created["id"].as_str().unwrap().to_owned();
    let (status, body) = chair
        .post(&format!("/api/v1/incidents/{others}/reports"), &report)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let apps = vec![
        ('A', chair.as_role("a1", "admin", None).await),
        ('T', chair.as_role("t1", "task_force", None).await),
        ('M', monitor),
        ('O', chair.as_role("m2", "monitor", None).await),
        ('L', chair.as_role("l1", "party_liaison", Some("fsa")).await),
        ('H', chair.as_role("h1", "humanitarian", None).await),
        ('P', chair.anonymous()),
        ('C', chair),
    ];
    Cast { apps, mine, others }
}

/// A concrete address for a route; `{id}` of an incident is the one given.
fn uri(path: &str, incident: &str) -> String {
    let filled = if path.starts_with("/api/v1/agreements/") {
        path.replace("{id}", "coh-2016")
    } else if path.starts_with("/api/v1/actors/") {
        path.replace("{id}", "fsa")
    } else if path.contains("besieged/{id}") {
        path.replace("{id}", "madaya")
    } else if path.contains("incidents/{id}") {
        path.replace("{id}", incident)
    } else {
        // Users and tokens that do not exist: an allowed request is a 404, not a change.
        path.replace("{name}", "nobody").replace("{id}", "tok_none")
    };
    match filled.as_str() {
        "/api/v1/areas/at" => format!("{filled}?lat=36.1386&lon=36.8284"),
        _ => filled,
    }
}

#[tokio::test]
async fn every_route_admits_exactly_the_roles_of_the_matrix() {
    let cast = cast().await;
    for (method, path, allowed) in MATRIX {
        for (letter, app) in &cast.apps {
            let uri = uri(path, &cast.others);
            // Writes get an empty body: an admitted request fails on it (400, 415, 422) and
            // changes nothing; a refused one never reaches the handler.
            let body = (*method != "GET").then(|| json!({}));
            let (status, reply) = app.call(method, &uri, body.as_ref(), &[]).await;
            let admitted = allowed.contains(*letter);
            if admitted {
                assert!(
                    status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN
                        || is_per_item_refusal(letter, path),
                    "{letter} may {method} {path}: {status} {reply}"
                );
            } else {
                // Nobody signed in: a 401, or, for a page, the way to sign in.
                let expected = match (*letter, *method, path.starts_with("/api/")) {
                    ('P', "GET", false) => StatusCode::SEE_OTHER,
                    ('P', _, _) => StatusCode::UNAUTHORIZED,
                    _ => StatusCode::FORBIDDEN,
                };
                assert_eq!(
                    status, expected,
                    "{letter} may not {method} {path}: {reply}"
                );
            }
        }
    }
}

/// The liaison is admitted to incident routes but refused the incidents that do not name its
/// party; coarse viewers (monitors, for others' incidents) are refused their reports; and the
/// matrix calls the API with tokens, which may not mint tokens.
fn is_per_item_refusal(letter: &char, path: &str) -> bool {
    path == "/api/v1/tokens"
        || (*letter == 'L' && path.contains("/incidents/{id}"))
        || ("AMOHP".contains(*letter) && path == "/api/v1/incidents/{id}/reports")
}

#[tokio::test]
async fn nothing_a_role_may_not_see_is_in_what_it_reads() {
    let cast = cast().await;
    let reads = [
        "/api/v1/incidents",
        "/api/v1/incidents/{mine}",
        "/api/v1/incidents/{others}",
        "/api/v1/incidents/{mine}/reports",
        "/api/v1/incidents/{others}/reports",
        "/incidents",
        "/incidents/{mine}",
        "/incidents/{others}",
        "/incidents.csv",
        "/incidents.geojson",
        "/api/v1/cases",
        "/api/v1/inbox",
        "/cases",
        "/map",
        "/",
    ];
    for (letter, app) in &cast.apps {
        for read in reads {
            let uri = read
                .replace("{mine}", &cast.mine)
                .replace("{others}", &cast.others);
            let (status, body) = app.get(&uri).await;
            let text = body.to_string();
            let mine = uri.contains(&cast.mine);
            // Source identities: co-chairs, and the monitor for its own incident.
            let sees_sources = *letter == 'C' || (*letter == 'M' && mine);
            if !sees_sources {
                assert!(
                    !text.contains("Abu Khalil") && !text.contains("secret-link"),
                    "{letter} reads a source identity at {uri}"
                );
            }
            // The reporter: co-chairs, the task force, and the monitor for its own.
            let sees_reporter = "CT".contains(*letter) || (*letter == 'M' && mine);
            if !sees_reporter {
                assert!(
                    !text.contains("\"submitted_by\":\"m1\""),
                    "{letter} reads the reporter at {uri}"
                );
                // On a page (the monitor's own name is in its header).
                if *letter != 'M' {
                    assert!(
                        !text.contains(">m1<"),
                        "{letter} reads the reporter at {uri}"
                    );
                }
            }
            // Exact points and times: not for coarse viewers (their own aside).
            if "AHP".contains(*letter) || (*letter == 'O') {
                for exact in ["36.1386", "33.5643", "09:17", "06:43"] {
                    assert!(
                        !text.contains(exact),
                        "{letter} reads {exact} at {uri}: {text}"
                    );
                }
            }
            // The downloads hold the list: a co-chair's has both incidents.
            if *letter == 'C' && uri.starts_with("/incidents.") {
                assert!(
                    text.contains(&cast.mine) && text.contains(&cast.others),
                    "{uri}: {text}"
                );
            }
            // Who attacked, counted over every incident, is not for the public or a liaison.
            if "LP".contains(*letter) && uri == "/" {
                assert!(
                    !text.contains("side="),
                    "{letter} reads the sides on the dashboard"
                );
            }
            // The liaison: only incidents naming the FSA.
            if *letter == 'L' {
                assert!(
                    !text.contains(&cast.others) || status == StatusCode::FORBIDDEN,
                    "{uri}"
                );
                if uri.ends_with(&cast.others) {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{uri}");
                }
            }
        }
    }
    // A liaison's list holds its party's incident and no other.
    let liaison = &cast.apps.iter().find(|(l, _)| *l == 'L').unwrap().1;
    let (_, list) = liaison.get("/api/v1/incidents").await;
    let ids: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![cast.mine.as_str()]);
    // The public sees the day and the district, and cannot search the notes or a box.
    let public = &cast.apps.iter().find(|(l, _)| *l == 'P').unwrap().1;
    let (_, one) = public
        .get(&format!("/api/v1/incidents/{}", cast.others))
        .await;
    assert_eq!(one["occurred_at"], "2016-03-04T00:00:00Z");
    assert_eq!(one["admin2_pcode"], "SY0302");
    assert_eq!(one["notes"], "");
    assert_eq!(one["reports"], json!([]));
    assert_error(
        &public.get("/api/v1/incidents?q=market").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_error(
        &public.get("/api/v1/incidents?bbox=36,33,37,34").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    // Nor filter or count by the perpetrator's side: who attacked is not theirs to see.
    assert_error(
        &public.get("/api/v1/incidents?side=government").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let (_, dashboard) = public.get("/").await;
    let dashboard = dashboard.to_string();
    assert!(dashboard.contains("Latest incidents") && !dashboard.contains("side="));
    // The task force sees the source as its type and grades.
    let task_force = &cast.apps.iter().find(|(l, _)| *l == 'T').unwrap().1;
    let (_, reports) = task_force
        .get(&format!("/api/v1/incidents/{}/reports", cast.others))
        .await;
    assert_eq!(reports[0]["source_name"], "");
    assert_eq!(reports[0]["source_type"], "eyewitness");
    assert_eq!(reports[0]["reliability"], "B");
    // Who submitted an incident is on its page for those who may see it.
    let (_, page) = task_force.get(&format!("/incidents/{}", cast.mine)).await;
    assert!(
        page.to_string().contains(">m1<"),
        "the task force sees the reporter"
    );
}

#[tokio::test]
async fn a_deployment_can_close_incidents_to_the_public() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("closed.db").display());
    let security = truce_web::Security {
        public: truce_core::access::PublicIncidents::None,
        ..truce_web::Security::default()
    };
    let app = app_configured(&url, truce_web::DEFAULT_BODY_LIMIT, security).await;
    assert_error(
        &app.anonymous().get("/api/v1/incidents").await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
    assert_eq!(app.get("/api/v1/incidents").await.0, StatusCode::OK);
}
