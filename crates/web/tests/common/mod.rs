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

/// A server in process, and who the helpers act as: by default a co-chair of the US
/// (`test-chair`), with an API token for `call` and a signed-in session for the pages.
#[derive(Clone)]
pub struct App {
    pub router: Router,
    pub state: AppState,
    pub _dir: Option<std::sync::Arc<tempfile::TempDir>>,
    pub identity: Option<Identity>,
}

/// A signed-in user: a token for the API, a session cookie and its CSRF token for the pages.
#[derive(Clone, Debug)]
pub struct Identity {
    pub name: String,
    pub token: String,
    pub cookie: String,
    pub csrf: String,
}

/// The password every test user gets.
pub const TEST_PASSWORD: &str = "test-password-2016";

/// Adds a user with `role` (as the command line would) and signs it in.
pub async fn identity(state: &AppState, name: &str, role: &str, party: Option<&str>) -> Identity {
    use truce_service::{Command, Principal, Request, Secret, silent};
    let hash = truce_service::secrets::hash_password(TEST_PASSWORD).unwrap();
    state
        .service()
        .execute(
            Request::by(Principal::cli("test")),
            Command::AddUser {
                name: name.to_owned(),
                role: role.to_owned(),
                party: party.map(str::to_owned),
                password_hash: Secret(hash),
            },
            silent(),
        )
        .await
        .unwrap();
    sign_in_again(state, name).await
}

pub async fn app_with_limit(limit: usize) -> App {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("api.db").display());
    let mut app = app_on(&url, limit).await;
    app._dir = Some(std::sync::Arc::new(dir));
    app
}

/// A server on the database at `url` (a second call on the same URL is a second server).
pub async fn app_on(url: &str, limit: usize) -> App {
    app_configured(url, limit, truce_web::Security::default()).await
}

/// A server on `url` with these security settings, acting as the US co-chair `test-chair`
/// (made on the first server of a database, signed in again on the next).
pub async fn app_configured(url: &str, limit: usize, security: truce_web::Security) -> App {
    app_on_scenario(url, limit, security, &EmbeddedCoh2016).await
}

/// A server on `url` whose scenario files are `files` (the 2016 files changed by a test).
pub async fn app_on_scenario(
    url: &str,
    limit: usize,
    security: truce_web::Security,
    files: &dyn truce_core::scenario::ScenarioFiles,
) -> App {
    let store = Store::open(url).await.unwrap();
    let service = truce_service::Service::start(store, files).await.unwrap();
    let state = AppState::configured(service, limit, security);
    let existing = state.store().users().await.unwrap();
    let identity = if existing.iter().any(|user| user.name == "test-chair") {
        sign_in_again(&state, "test-chair").await
    } else {
        identity(&state, "test-chair", "co_chair", Some("US")).await
    };
    App {
        router: router(state.clone()),
        state,
        _dir: None,
        identity: Some(identity),
    }
}

/// A new token and session for a user that exists (on this server or another).
async fn sign_in_again(state: &AppState, name: &str) -> Identity {
    use truce_service::{Command, Principal, Request, Secret, silent};
    let (id, token, token_hash) = truce_service::secrets::new_token();
    state
        .service()
        .execute(
            Request::by(Principal::cli("test")),
            Command::CreateToken {
                id,
                user: name.to_owned(),
                label: "tests".to_owned(),
                token_hash: Secret(token_hash),
            },
            silent(),
        )
        .await
        .unwrap();
    let session = state
        .service()
        .sign_in(name, TEST_PASSWORD, "test", 1_000, false)
        .await
        .unwrap();
    let csrf = state
        .store()
        .session(&truce_service::secrets::secret_hash(&session.cookie))
        .await
        .unwrap()
        .unwrap()
        .csrf;
    Identity {
        name: name.to_owned(),
        token,
        cookie: session.cookie,
        csrf,
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
    /// The same server, with nobody signed in.
    pub fn anonymous(&self) -> App {
        App {
            identity: None,
            ..self.clone()
        }
    }

    /// The same server as a new user with `role`.
    pub async fn as_role(&self, name: &str, role: &str, party: Option<&str>) -> App {
        App {
            identity: Some(identity(&self.state, name, role, party).await),
            ..self.clone()
        }
    }

    /// A request with this app's identity: a token for the API, the session (and its CSRF
    /// token on a write) for the pages.
    pub fn signed(
        &self,
        request: axum::http::request::Builder,
        page: bool,
    ) -> axum::http::request::Builder {
        match &self.identity {
            Some(identity) if page => request
                .header("cookie", format!("truce_session={}", identity.cookie))
                .header("x-csrf-token", identity.csrf.clone()),
            Some(identity) => request.header("authorization", format!("Bearer {}", identity.token)),
            None => request,
        }
    }

    pub async fn call(
        &self,
        method: &str,
        uri: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let mut request = Request::builder().method(method).uri(uri);
        if !headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("authorization"))
        {
            request = self.signed(request, !uri.starts_with("/api/"));
        }
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
        let request = self
            .signed(Request::builder(), !uri.starts_with("/api/"))
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
        .oneshot(
            app.signed(Request::get(uri), true)
                .body(Body::empty())
                .unwrap(),
        )
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
    let csrf = app
        .identity
        .as_ref()
        .map(|identity| identity.csrf.clone())
        .unwrap_or_default();
    let body = fields
        .iter()
        .chain([("csrf", csrf.as_str())].iter())
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
    let request = match &app.identity {
        Some(identity) => {
            Request::post(uri).header("cookie", format!("truce_session={}", identity.cookie))
        }
        None => Request::post(uri),
    }
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
