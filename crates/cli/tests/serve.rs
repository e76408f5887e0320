//! End to end: the real binary serves on a free port; incidents posted over HTTP are read back.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

mod common;

use std::process::Command;

use common::{Server, json};

fn post_and_read_back(server: &Server) {
    let (status, health) = server.request("GET", "/api/v1/health", None);
    assert_eq!(status, 200, "{health}");
    let body = r#"{"occurred_at":"2016-03-05T09:00:00+02:00","lat":33.5643,"lon":36.3712,"perpetrator":"Jaysh al-Islam","target":"Syrian Arab Army","event_type":"mortar","notes":"end-to-end test"}"#;
    let (status, created) = server.request("POST", "/api/v1/incidents", Some(body));
    assert_eq!(status, 201, "{created}");
    let created = json(&created);
    assert_eq!(
        created["assessment"]["labels"],
        serde_json::json!(["covered"])
    );
    let id = created["id"].as_str().unwrap();
    let (status, read) = server.request("GET", &format!("/api/v1/incidents/{id}"), None);
    assert_eq!(status, 200);
    assert_eq!(json(&read)["notes"], "end-to-end test");
    let (_, list) = server.request("GET", "/api/v1/incidents?q=end-to-end", None);
    assert_eq!(json(&list)["items"].as_array().unwrap().len(), 1);
}

/// `truce serve` on `url` on a free port, making the admin `admin` if there is none.
fn serve(url: &str) -> Vec<&str> {
    vec![
        "serve",
        "--database-url",
        url,
        "--listen",
        "127.0.0.1:0",
        "--init-admin",
        "admin",
    ]
}

#[test]
fn serve_on_sqlite_accepts_incidents_and_shuts_down_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("e2e.db").display());
    // A database without an admin is refused, and says how to make one.
    let (started, _, error) =
        common::cli(&["serve", "--database-url", &url, "--listen", "127.0.0.1:0"]);
    assert!(!started && error.contains("--init-admin"), "{error}");
    let mut server = Server::start(&serve(&url));
    assert!(
        server.banner.contains("Created the admin admin"),
        "{}",
        server.banner
    );
    // Nobody writes anonymously.
    let body = r#"{"occurred_at":"2016-03-05T09:00:00+02:00","lat":33.5643,"lon":36.3712}"#;
    let (status, refused) = server.request("POST", "/api/v1/incidents", Some(body));
    assert_eq!(status, 401, "{refused}");
    // A user and a token made by the command line while the server runs work at once.
    server.token = Some(common::co_chair_token(&url));
    post_and_read_back(&server);
    // A token revoked by another process is refused by the running server within a quarter of
    // a second (it reads the generation of rights at most that often).
    let token = server.token.clone().unwrap();
    let (_, tokens, _) =
        common::cli(&["token", "list", "--user", "tester", "--database-url", &url]);
    for id in tokens.lines().filter_map(|line| line.split('\t').next()) {
        assert!(common::cli(&["token", "revoke", id, "--database-url", &url]).0);
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let (status, _) = server.request("GET", "/api/v1/incidents?q=end-to-end", None);
    assert_eq!(status, 401, "the token {token} was revoked");
    server.stop();
    // The data survived the restart; the admin exists, so --init-admin is ignored.
    let server = Server::start(&serve(&url)).sign_in(&url);
    assert!(
        !server.banner.contains("Created the admin"),
        "{}",
        server.banner
    );
    let (_, list) = server.request("GET", "/api/v1/incidents", None);
    assert_eq!(json(&list)["items"].as_array().unwrap().len(), 1);
    server.stop();
}

#[test]
fn demo_loads_a_synthetic_stream_once_and_serves_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let server = Server::start(&["demo", "--database-url", &url, "--listen", "127.0.0.1:0"]);
    assert!(
        server.banner.contains("SYNTHETIC incidents") && server.banner.contains("demo-liaison-fsa"),
        "{}",
        server.banner
    );
    let (status, page) = server.request("GET", "/api/v1/incidents?limit=5", None);
    assert_eq!(status, 200);
    let page = json(&page);
    assert_eq!(page["items"].as_array().unwrap().len(), 5);
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["synthetic"] == true && i["assessment"]["labels"].is_array())
    );
    let (_, pre) = server.request("GET", "/api/v1/incidents?label=pre_start&limit=1", None);
    assert_eq!(json(&pre)["items"].as_array().unwrap().len(), 1);
    server.stop();
    let again = Server::start(&["demo", "--database-url", &url, "--listen", "127.0.0.1:0"]);
    assert!(again.banner.contains("none added"), "{}", again.banner);
    again.stop();
}

#[test]
fn serve_on_postgres_when_configured() {
    let Ok(base) = std::env::var("TRUCE_TEST_DATABASE_URL") else {
        eprintln!("skipped serve_on_postgres_when_configured: TRUCE_TEST_DATABASE_URL is not set");
        return;
    };
    let schema = format!("e2e_{}", std::process::id());
    let psql = |sql: &str| {
        Command::new("psql")
            .args([base.as_str(), "-q", "-c", sql])
            .status()
            .expect("psql is installed where PostgreSQL is")
    };
    assert!(
        psql(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
        ))
        .success()
    );
    let separator = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{separator}options=-c%20search_path%3D{schema}");
    let server = Server::start(&serve(&url)).sign_in(&url);
    assert!(
        server.banner.contains("database: postgres"),
        "{}",
        server.banner
    );
    post_and_read_back(&server);
    server.stop();
    psql(&format!("DROP SCHEMA {schema} CASCADE"));
}
