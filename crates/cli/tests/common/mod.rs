//! The real binary as a server on a free port, and plain HTTP/1.1 requests to it.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly, and not every test file uses every helper"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

pub struct Server {
    pub child: Child,
    pub address: String,
    pub banner: String,
    /// The API token requests carry, once [`Server::sign_in`] made one.
    pub token: Option<String>,
}

/// The password of the admin `--init-admin` makes in the tests, and of every test user.
pub const TEST_PASSWORD: &str = "test-password-2016";

/// The ledger key every test server and command on PostgreSQL shares (a SQLite database's
/// sits beside it), as the servers of one deployment share theirs.
fn postgres_key(args: &[&str]) -> Option<(&'static str, std::path::PathBuf)> {
    args.iter().any(|arg| arg.starts_with("postgres")).then(|| {
        (
            "TRUCE_LEDGER_KEY",
            std::env::temp_dir().join("truce-test-postgres.key"),
        )
    })
}

/// Runs the binary with `args`; returns whether it succeeded, its standard output and its
/// standard error.
pub fn cli(args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_truce"))
        .args(args)
        .current_dir(std::env::temp_dir())
        .envs(postgres_key(args))
        .env("TRUCE_LOG", "warn")
        .env("TRUCE_PASSWORD", TEST_PASSWORD)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A new API token of the US co-chair `tester` on the database at `url` (the user is made
/// on first use), through the command line, as an operator would.
pub fn co_chair_token(url: &str) -> String {
    let (_, users, _) = cli(&["user", "list", "--json", "--database-url", url]);
    if !users.contains("\"tester\"") {
        let (ok, out, err) = cli(&[
            "user",
            "add",
            "tester",
            "--role",
            "co_chair",
            "--party",
            "US",
            "--database-url",
            url,
        ]);
        assert!(ok, "{out}{err}");
    }
    let (ok, token, err) = cli(&["token", "create", "--user", "tester", "--database-url", url]);
    assert!(ok, "{err}");
    token.trim().to_owned()
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
    pub fn start(args: &[&str]) -> Server {
        // Away from the checkout: a PostgreSQL server's ledger key is made in its folder.
        let mut child = Command::new(env!("CARGO_BIN_EXE_truce"))
            .args(args)
            .current_dir(std::env::temp_dir())
            .envs(postgres_key(args))
            .env("TRUCE_LOG", "warn")
            .env("TRUCE_PASSWORD", TEST_PASSWORD)
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
                    token: None,
                };
            }
        }
    }

    /// Makes the following requests as the US co-chair `tester` of the database at `url`.
    pub fn sign_in(mut self, url: &str) -> Server {
        self.token = Some(co_chair_token(url));
        self
    }

    pub fn request(&self, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
        self.request_with(method, path, body, &[]).unwrap()
    }

    /// A request with extra headers; `None` when the server went away mid-way.
    pub fn request_with(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Option<(u16, String)> {
        let mut stream = TcpStream::connect(&self.address).ok()?;
        let body = body.unwrap_or("");
        let mut extra: String = headers
            .iter()
            .map(|(name, value)| format!("{name}: {value}\r\n"))
            .collect();
        if let Some(token) = &self.token {
            extra.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n{body}",
            self.address,
            body.len()
        )
        .ok()?;
        let mut response = String::new();
        stream.read_to_string(&mut response).ok()?;
        let status = response.split_whitespace().nth(1)?.parse().ok()?;
        let (head, rest) = response.split_once("\r\n\r\n")?;
        let body = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            dechunk(rest)
        } else {
            rest.to_owned()
        };
        Some((status, body))
    }

    /// Stops the server with SIGTERM and checks that it shut down cleanly.
    pub fn stop(mut self) {
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

pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// Sends SIGKILL to a process: a crash, with no chance to clean up.
pub fn kill9(pid: u32) {
    let status = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// The URL of a fresh PostgreSQL schema named after `test`, or `None` (with a message) when
/// TRUCE_TEST_DATABASE_URL is not set.
pub fn postgres_url(test: &str) -> Option<String> {
    let Ok(base) = std::env::var("TRUCE_TEST_DATABASE_URL") else {
        eprintln!("skipped {test} on PostgreSQL: TRUCE_TEST_DATABASE_URL is not set");
        return None;
    };
    let schema = format!("{test}_{}", std::process::id());
    let status = Command::new("psql")
        .args([
            base.as_str(),
            "-q",
            "-c",
            &format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"),
        ])
        .status()
        .expect("psql is installed where PostgreSQL is");
    assert!(status.success());
    let separator = if base.contains('?') { '&' } else { '?' };
    Some(format!(
        "{base}{separator}options=-c%20search_path%3D{schema}"
    ))
}
