//! `kill -9` at random moments: during the first start (seeding) and during a write load.
//! Afterwards the database opens complete and every acknowledged write is there.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

mod common;

use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Server, json};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// How many times each kind of crash is tried.
const CRASHES: usize = 20;

fn serve_args(url: &str) -> Vec<&str> {
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

/// Checks that the server answers healthy on a complete database and returns its change log's
/// length.
fn complete(server: &Server) -> usize {
    let (status, health) = server.request("GET", "/api/v1/health", None);
    assert_eq!(status, 200, "{health}");
    let (_, areas) = server.request("GET", "/api/v1/areas?geometry=false", None);
    assert_eq!(json(&areas)["features"].as_array().unwrap().len(), 276);
    let (_, actors) = server.request("GET", "/api/v1/actors", None);
    assert_eq!(json(&actors).as_array().unwrap().len(), 18);
    log_of(server).len()
}

/// Every entry of the change log.
fn log_of(server: &Server) -> Vec<serde_json::Value> {
    let (mut entries, mut after) = (Vec::new(), 0);
    loop {
        let (_, page) = server.request(
            "GET",
            &format!("/api/v1/changes?after={after}&limit=1000"),
            None,
        );
        let page = json(&page);
        entries.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next"].as_i64() {
            Some(next) => after = next,
            None => return entries,
        }
    }
}

/// How many incidents the server lists.
fn incident_count(server: &Server) -> usize {
    let (mut count, mut cursor) = (0, String::new());
    loop {
        let (_, page) =
            server.request("GET", &format!("/api/v1/incidents?limit=500{cursor}"), None);
        let page = json(&page);
        count += page["items"].as_array().unwrap().len();
        match page["next"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return count,
        }
    }
}

#[test]
fn a_kill_during_the_first_start_leaves_an_empty_or_a_complete_database() {
    let mut rng = ChaCha8Rng::seed_from_u64(17);
    let dir = tempfile::tempdir().unwrap();
    let mut seeded_entries = None;
    for attempt in 0..CRASHES {
        let url = format!(
            "sqlite://{}",
            dir.path().join(format!("first-{attempt}.db")).display()
        );
        let mut child = Command::new(env!("CARGO_BIN_EXE_truce"))
            .args(serve_args(&url))
            .env("TRUCE_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.random_range(0..600)));
        child.kill().unwrap();
        child.wait().unwrap();
        let server = Server::start(&serve_args(&url)).sign_in(&url);
        let entries = complete(&server);
        assert_eq!(
            *seeded_entries.get_or_insert(entries),
            entries,
            "seeded once, whole"
        );
        server.stop();
    }
}

#[test]
fn two_servers_starting_at_once_on_an_empty_database_both_come_up_with_one_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}", dir.path().join("race.db").display());
    let mut urls = vec![sqlite];
    urls.extend(common::postgres_url("crash_race"));
    for url in urls {
        let (one, two) = std::thread::scope(|scope| {
            let one = scope.spawn(|| Server::start(&serve_args(&url)));
            let two = scope.spawn(|| Server::start(&serve_args(&url)));
            (one.join().unwrap(), two.join().unwrap())
        });
        // One admin, whichever server made it.
        let (_, users, _) = common::cli(&["user", "list", "--json", "--database-url", &url]);
        assert_eq!(users.matches("\"admin\"").count(), 2, "{users}");
        let (one, two) = (one.sign_in(&url), two.sign_in(&url));
        let entries = complete(&one);
        assert_eq!(complete(&two), entries, "{url}");
        let (_, agreements) = one.request("GET", "/api/v1/agreements", None);
        assert_eq!(json(&agreements).as_array().unwrap().len(), 1, "{url}");
        one.stop();
        two.stop();
    }
}

#[test]
fn a_kill_during_a_write_load_loses_no_acknowledged_write() {
    let mut rng = ChaCha8Rng::seed_from_u64(29);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("load.db").display());
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    for attempt in 0..CRASHES {
        let server = Server::start(&serve_args(&url)).sign_in(&url);
        let stop_at = Instant::now() + Duration::from_millis(rng.random_range(50..400));
        std::thread::scope(|scope| {
            for client in 0..4 {
                let (server, acknowledged) = (&server, Arc::clone(&acknowledged));
                scope.spawn(move || {
                    for n in 0.. {
                        if Instant::now() >= stop_at {
                            break;
                        }
                        let key = format!("{attempt}-{client}-{n}");
                        let body = format!(
                            r#"{{"occurred_at":"2016-03-05T09:00:00+02:00","lat":33.5643,"lon":36.3712,"perpetrator":"Jaysh al-Islam","event_type":"mortar","notes":"load {key}"}}"#
                        );
                        let reply = server.request_with(
                            "POST",
                            "/api/v1/incidents",
                            Some(&body),
                            &[("Idempotency-Key", &key)],
                        );
                        if let Some((201, created)) = reply {
                            let id = json(&created)["id"].as_str().unwrap().to_owned();
                            acknowledged.lock().unwrap().push(id);
                        }
                    }
                });
            }
            // Kill while the clients are still writing.
            std::thread::sleep(stop_at.saturating_duration_since(Instant::now()) / 2);
            common::kill9(server.child.id());
        });
        drop(server);
    }
    let server = Server::start(&serve_args(&url)).sign_in(&url);
    complete(&server);
    let acknowledged = acknowledged.lock().unwrap();
    assert!(
        acknowledged.len() > CRASHES,
        "the load wrote something: {}",
        acknowledged.len()
    );
    for id in acknowledged.iter() {
        let (status, body) = server.request("GET", &format!("/api/v1/incidents/{id}"), None);
        assert_eq!(status, 200, "acknowledged incident {id} is there: {body}");
    }
    // One change-log entry per incident stored, no more and no fewer.
    let recorded = log_of(&server)
        .iter()
        .filter(|entry| entry["action"] == "record_incident")
        .count();
    assert_eq!(recorded, incident_count(&server));
    server.stop();
}
