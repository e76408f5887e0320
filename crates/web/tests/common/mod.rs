//! The in-process harness shared by the web tests: a router on a real SQLite database in a
//! temporary folder (or on a PostgreSQL schema of its own), driven with `oneshot`.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly, and not every test file uses every helper"
)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;
use truce_scenario::EmbeddedCoh2016;
use truce_store::Store;
use truce_web::{AppState, router};

pub struct App {
    pub router: Router,
    pub state: AppState,
    pub _dir: Option<tempfile::TempDir>,
}

pub async fn app_with_limit(limit: usize) -> App {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("api.db").display());
    let mut app = app_on(&url, limit).await;
    app._dir = Some(dir);
    app
}

/// A server on the database at `url` (a second call on the same URL is a second server).
pub async fn app_on(url: &str, limit: usize) -> App {
    let store = Store::open(url).await.unwrap();
    let state = AppState::new(store, &EmbeddedCoh2016, limit).await.unwrap();
    App {
        router: router(state.clone()),
        state,
        _dir: None,
    }
}

/// The URL of a fresh PostgreSQL schema for `test`, or `None` (with a message) when
/// TRUCE_TEST_DATABASE_URL is not set.
pub async fn postgres_url(test: &str) -> Option<String> {
    let Ok(base) = std::env::var("TRUCE_TEST_DATABASE_URL") else {
        eprintln!("skipped {test} on PostgreSQL: TRUCE_TEST_DATABASE_URL is not set");
        return None;
    };
    let schema = format!("w{}_{}", std::process::id(), &test[..test.len().min(40)]);
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(&base)
        .await
        .expect("TRUCE_TEST_DATABASE_URL must point at a reachable PostgreSQL");
    for statement in [
        format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
        format!("CREATE SCHEMA {schema}"),
    ] {
        sqlx::query(&statement).execute(&admin).await.unwrap();
    }
    admin.close().await;
    let separator = if base.contains('?') { '&' } else { '?' };
    Some(format!(
        "{base}{separator}options=-c%20search_path%3D{schema}"
    ))
}

pub async fn app() -> App {
    app_with_limit(truce_web::DEFAULT_BODY_LIMIT).await
}

impl App {
    pub async fn call(
        &self,
        method: &str,
        uri: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let mut request = Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = match body {
            Some(body) => request
                .header("content-type", "application/json")
                .body(Body::from(body.to_string())),
            None => request.body(Body::empty()),
        }
        .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        (status, value)
    }

    pub async fn get(&self, uri: &str) -> (StatusCode, Value) {
        self.call("GET", uri, None, &[]).await
    }

    pub async fn post(&self, uri: &str, body: &Value) -> (StatusCode, Value) {
        self.call("POST", uri, Some(body), &[]).await
    }

    pub async fn raw(
        &self,
        method: &str,
        uri: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> (StatusCode, Value) {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header("content-type", content_type)
            .body(Body::from(body))
            .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }
}

pub fn assert_error(result: &(StatusCode, Value), status: StatusCode, code: &str) {
    assert_eq!(result.0, status, "{}", result.1);
    assert_eq!(result.1["error"], code, "{}", result.1);
    assert!(
        result.1["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{}",
        result.1
    );
}

pub async fn html(app: &App, uri: &str) -> (StatusCode, String) {
    let response = app
        .router
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    (response.status(), text_of(response).await)
}

/// A response's body as text.
pub async fn text_of(response: axum::response::Response) -> String {
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

pub async fn post_form(
    app: &App,
    uri: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, Option<String>, String) {
    let body = fields
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                v.bytes()
                    .map(|b| if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    })
                    .collect::<String>()
            )
        })
        .collect::<Vec<_>>()
        .join("&");
    let request = Request::post(uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, location, text_of(response).await)
}
