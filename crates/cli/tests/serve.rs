//! End to end: the real binary serves on a free port; incidents posted over HTTP are read back.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

struct Server {
    child: Child,
    address: String,
    banner: String,
}

impl Drop for Server {
    /// A test that fails half-way must not leave a server running.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    #[allow(
        clippy::zombie_processes,
        reason = "Drop kills and waits for the child"
    )]
    fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_truce"))
            .args(args)
            .env("TRUCE_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut banner = String::new();
        loop {
            let line = lines
                .next()
                .expect("the server printed its address")
                .unwrap();
            banner.push_str(&line);
            banner.push('\n');
            if let Some(rest) = line.split("http://").nth(1) {
                let address = rest.split_whitespace().next().unwrap().to_owned();
                return Server {
                    child,
                    address,
                    banner,
                };
            }
        }
    }

    fn request(&self, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        let body = body.unwrap_or("");
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.address,
            body.len()
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response.split_whitespace().nth(1).unwrap().parse().unwrap();
        let (head, rest) = response.split_once("\r\n\r\n").unwrap();
        let body = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            dechunk(rest)
        } else {
            rest.to_owned()
        };
        (status, body)
    }

    /// Stops the server with SIGTERM and checks that it shut down cleanly.
    fn stop(mut self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let exit = self.child.wait().unwrap();
        assert!(exit.success(), "graceful shutdown exits 0, got {exit}");
    }
}

fn dechunk(mut text: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = text.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.push_str(&rest[..size]);
        text = &rest[size + 2..];
    }
    out
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

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

#[test]
fn serve_on_sqlite_accepts_incidents_and_shuts_down_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("e2e.db").display());
    let server = Server::start(&["serve", "--database-url", &url, "--listen", "127.0.0.1:0"]);
    post_and_read_back(&server);
    server.stop();
    // The data survived the restart.
    let server = Server::start(&["serve", "--database-url", &url, "--listen", "127.0.0.1:0"]);
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
        server.banner.contains("SYNTHETIC incidents"),
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
    let server = Server::start(&["serve", "--database-url", &url, "--listen", "127.0.0.1:0"]);
    assert!(
        server.banner.contains("database: postgres"),
        "{}",
        server.banner
    );
    post_and_read_back(&server);
    server.stop();
    psql(&format!("DROP SCHEMA {schema} CASCADE"));
}
