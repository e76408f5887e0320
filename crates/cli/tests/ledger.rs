//! The ledger from the command line: the server's key made on first start and published, a
//! server with a key the log does not know refused, another key registered with the first,
//! and `truce ledger verify` answering 0, 1 and 2.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use std::process::Command;

use common::{Server, json};

/// `truce ledger verify` on `url`: its exit code and what it printed.
fn verify(url: &str) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_truce"))
        .args(["ledger", "verify", "--database-url", url])
        .env("TRUCE_LOG", "warn")
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

fn serve<'a>(url: &'a str, key: Option<&'a str>) -> Vec<&'a str> {
    let mut args = vec![
        "serve",
        "--database-url",
        url,
        "--listen",
        "127.0.0.1:0",
        "--init-admin",
        "admin",
    ];
    if let Some(key) = key {
        args.extend(["--ledger-key", key]);
    }
    args
}

#[test]
fn the_server_signs_with_a_key_of_its_own_and_verify_says_what_it_finds() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ledger.db");
    let url = format!("sqlite://{}", file.display());
    let (code, said) = verify(&url);
    assert_eq!(code, 2, "no database is an error: {said}");

    let server = Server::start(&serve(&url, None)).sign_in(&url);
    let body = r#"{"occurred_at":"2016-03-05T09:00:00+02:00","lat":33.5643,"lon":36.3712}"#;
    let (status, created) = server.request("POST", "/api/v1/incidents", Some(body));
    assert_eq!(status, 201, "{created}");
    let (status, keys) = server.request("GET", "/api/v1/ledger/keys", None);
    assert_eq!(status, 200, "{keys}");
    server.stop();

    // The key file, made beside the database, readable by its owner only, is the one published.
    let key_file = dir.path().join("ledger.db.ledger-key");
    let pem = std::fs::read_to_string(&key_file).unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"), "{pem}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(
        !dir.path().join("ledger.db.ledger-key.new").exists(),
        "registered: the key is no longer marked new"
    );
    let keys = json(&keys);
    let published = keys["keys"].as_array().unwrap();
    assert_eq!(published.len(), 1, "{keys}");
    assert_eq!(published[0]["holder"], "server");
    assert_eq!(
        published[0]["seq"], 1,
        "the key is registered before anything else"
    );
    let (code, said) = verify(&url);
    assert_eq!(code, 0, "{said}");
    assert!(said.starts_with("intact: "), "{said}");

    // A server given another key refuses to start, and says what to do.
    let other = dir.path().join("other.key");
    let other = other.to_str().unwrap();
    let (started, _, refused) = common::cli(&serve(&url, Some(other)));
    assert!(!started, "{refused}");
    assert!(refused.contains("truce ledger add-key"), "{refused}");
    // Registered with the first key, it serves, and the record stays whole.
    let (added, said, error) = common::cli(&["ledger", "add-key", other, "--database-url", &url]);
    assert!(added, "{said}{error}");
    let server = Server::start(&serve(&url, Some(other))).sign_in(&url);
    let (status, created) = server.request("POST", "/api/v1/incidents", Some(body));
    assert_eq!(status, 201, "{created}");
    let (_, keys) = server.request("GET", "/api/v1/ledger/keys", None);
    assert_eq!(json(&keys)["keys"].as_array().unwrap().len(), 2, "{keys}");
    server.stop();
    let (code, said) = verify(&url);
    assert_eq!(code, 0, "{said}");

    // An operator with the database changes an entry: verify finds it, where it is.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        sqlx::any::install_default_drivers();
        let operator = sqlx::AnyPool::connect(&url).await.unwrap();
        sqlx::raw_sql(
            "DROP TRIGGER change_log_no_update; \
             UPDATE change_log SET reason = 'laundered' WHERE seq = 2",
        )
        .execute(&operator)
        .await
        .unwrap();
        operator.close().await;
    });
    let (code, said) = verify(&url);
    assert_eq!(code, 1, "{said}");
    assert!(said.starts_with("broken at entry 2: "), "{said}");

    // The published keys removed: a server with an established key does not adopt the log
    // as if it had never been signed.
    runtime.block_on(async {
        let operator = sqlx::AnyPool::connect(&url).await.unwrap();
        sqlx::raw_sql("DROP TRIGGER ledger_key_no_delete; DELETE FROM ledger_key")
            .execute(&operator)
            .await
            .unwrap();
        operator.close().await;
    });
    let (started, _, refused) = common::cli(&serve(&url, None));
    assert!(!started, "{refused}");
    assert!(refused.contains("keys were removed"), "{refused}");
    // Nor does a new key: the log is signed by a key it no longer lists.
    let fresh = dir.path().join("fresh.key");
    let (started, _, refused) = common::cli(&serve(&url, Some(fresh.to_str().unwrap())));
    assert!(!started, "{refused}");
}
