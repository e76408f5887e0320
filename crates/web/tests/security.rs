//! Signing in and the defences around it, as a browser and an API client meet them: the
//! sign-in form and its throttle, the second factor, CSRF, token revocation, the security
//! headers, the Host check, CSV formula escaping and a deployment that requires a second factor.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use serde_json::json;
use tower::ServiceExt;

/// A browser: the cookies it was given, sent back with every request.
struct Browser<'a> {
    app: &'a App,
    cookies: Vec<(String, String)>,
}

impl<'a> Browser<'a> {
    fn new(app: &'a App) -> Self {
        Browser {
            app,
            cookies: Vec::new(),
        }
    }

    async fn send(
        &mut self,
        request: axum::http::request::Builder,
        body: Body,
    ) -> (StatusCode, Option<String>, String) {
        let cookie: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let request = request
            .header("cookie", cookie.join("; "))
            .body(body)
            .unwrap();
        let response = self.app.router.clone().oneshot(request).await.unwrap();
        for value in response.headers().get_all("set-cookie") {
            let pair = value.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.retain(|(k, _)| k != name);
            if !value.is_empty() {
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
        }
        let status = response.status();
        let location = response
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned());
        (status, location, text_of(response).await)
    }

    async fn get(&mut self, uri: &str) -> (StatusCode, Option<String>, String) {
        self.send(Request::get(uri), Body::empty()).await
    }

    async fn post(
        &mut self,
        uri: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, Option<String>, String) {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.send(
            Request::post(uri).header("content-type", "application/x-www-form-urlencoded"),
            Body::from(body),
        )
        .await
    }

    /// The value of the hidden field `name` on a page.
    fn field(page: &str, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = page
            .find(&marker)
            .unwrap_or_else(|| panic!("no {name} in {page}"))
            + marker.len();
        page[start..].split('"').next().unwrap().to_owned()
    }

    async fn sign_in(
        &mut self,
        name: &str,
        password: &str,
    ) -> (StatusCode, Option<String>, String) {
        let (_, _, form) = self.get("/login").await;
        let csrf = Self::field(&form, "csrf");
        self.post(
            "/login",
            &[
                ("name", name),
                ("password", password),
                ("csrf", &csrf),
                ("next", "/incidents"),
            ],
        )
        .await
    }
}

#[tokio::test]
async fn signing_in_and_out_with_a_password() {
    let app = app().await;
    app.as_role("amal", "monitor", None).await;
    let mut browser = Browser::new(&app);
    let (status, location, _) = browser.sign_in("amal", TEST_PASSWORD).await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/incidents"))
    );
    let session = browser
        .cookies
        .iter()
        .find(|(k, _)| k == "truce_session")
        .unwrap()
        .1
        .clone();
    let (status, _, page) = browser.get("/report").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("amal"), "the header says who is signed in");
    // Signing out ends the session in the database: the old cookie is nobody now.
    let csrf = Browser::field(&page, "csrf");
    let (status, _, _) = browser.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    browser.cookies.push(("truce_session".to_owned(), session));
    let (status, location, _) = browser.get("/report").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/login?next=%2Freport"));
}

#[tokio::test]
async fn the_sign_in_form_refuses_a_cross_site_post_and_open_redirects() {
    let app = app().await;
    app.as_role("amal", "monitor", None).await;
    let mut browser = Browser::new(&app);
    // No cookie from the form: a post from another site.
    let (status, _, page) = browser
        .post(
            "/login",
            &[
                ("name", "amal"),
                ("password", TEST_PASSWORD),
                ("csrf", "guess"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        !browser.cookies.iter().any(|(k, _)| k == "truce_session"),
        "{page}"
    );
    let (_, _, form) = browser.get("/login?next=https://evil.example/").await;
    let csrf = Browser::field(&form, "csrf");
    let (_, location, _) = browser
        .post(
            "/login",
            &[
                ("name", "amal"),
                ("password", TEST_PASSWORD),
                ("csrf", &csrf),
                ("next", "//evil.example"),
            ],
        )
        .await;
    assert_eq!(location.as_deref(), Some("/"));
}

#[tokio::test]
async fn the_twenty_first_failed_sign_in_within_a_minute_is_a_429() {
    let app = app().await;
    app.as_role("amal", "monitor", None).await;
    let mut browser = Browser::new(&app);
    for attempt in 1..=20 {
        let (status, _, page) = browser.sign_in("amal", "not the password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
        assert!(page.contains("The name or the password is wrong"));
    }
    let (status, _, page) = browser.sign_in("amal", "not the password").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.contains("Too many failed attempts"));
    // The right password too, until the minute is over.
    let (status, _, _) = browser.sign_in("amal", TEST_PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // A name that does not exist reads the same as a wrong password.
    let (status, _, page) = Browser::new(&app).sign_in("nobody", "x").await;
    assert!(status == StatusCode::UNAUTHORIZED || status == StatusCode::TOO_MANY_REQUESTS);
    assert!(!page.contains("nobody"));
}

#[tokio::test]
async fn a_second_factor_is_enrolled_with_a_code_and_asked_for_at_sign_in() {
    let app = app().await;
    app.as_role("sam", "co_chair", Some("RU")).await;
    let mut browser = Browser::new(&app);
    browser.sign_in("sam", TEST_PASSWORD).await;
    let (status, _, page) = browser.get("/account").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<svg"), "a QR code");
    let secret = Browser::field(&page, "secret");
    let csrf = Browser::field(&page, "csrf");
    // A wrong code, or a missing password, enrols nothing.
    let (status, _, _) = browser
        .post(
            "/account/second-factor",
            &[
                ("csrf", &csrf),
                ("secret", &secret),
                ("code", "000000"),
                ("current", TEST_PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let code = truce_service::secrets::current_totp(&secret).unwrap();
    let (status, _, _) = browser
        .post(
            "/account/second-factor",
            &[
                ("csrf", &csrf),
                ("secret", &secret),
                ("code", &code),
                ("current", "wrong"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, page) = browser
        .post(
            "/account/second-factor",
            &[
                ("csrf", &csrf),
                ("secret", &secret),
                ("code", &code),
                ("current", TEST_PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let recovery: Vec<String> = page
        .split("<li><code dir=\"ltr\">")
        .skip(1)
        .map(|rest| rest.split('<').next().unwrap().to_owned())
        .collect();
    assert_eq!(recovery.len(), 10, "ten recovery codes, shown once");

    // Signing in now asks for a code; the half-signed-in session may do nothing else.
    let mut next = Browser::new(&app);
    let (_, location, _) = next.sign_in("sam", TEST_PASSWORD).await;
    assert!(location.unwrap().starts_with("/login/second-factor"));
    let (status, _, _) = next.get("/changes").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "not signed in yet");
    let (_, _, form) = next.get("/login/second-factor").await;
    let csrf = Browser::field(&form, "csrf");
    let (status, _, _) = next
        .post(
            "/login/second-factor",
            &[("csrf", &csrf), ("code", "123456")],
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // A recovery code works once.
    let (status, _, _) = next
        .post(
            "/login/second-factor",
            &[
                ("csrf", &csrf),
                ("code", &recovery[0]),
                ("next", "/changes"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = next.get("/changes").await;
    assert_eq!(status, StatusCode::OK);
    let mut again = Browser::new(&app);
    again.sign_in("sam", TEST_PASSWORD).await;
    let (_, _, form) = again.get("/login/second-factor").await;
    let csrf = Browser::field(&form, "csrf");
    let (status, _, _) = again
        .post(
            "/login/second-factor",
            &[("csrf", &csrf), ("code", &recovery[0])],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a recovery code is good once"
    );
    // A TOTP code is good once too.
    let code = truce_service::secrets::current_totp(&secret).unwrap();
    let (status, _, _) = again
        .post("/login/second-factor", &[("csrf", &csrf), ("code", &code)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let mut third = Browser::new(&app);
    third.sign_in("sam", TEST_PASSWORD).await;
    let (_, _, form) = third.get("/login/second-factor").await;
    let csrf = Browser::field(&form, "csrf");
    let (status, _, _) = third
        .post("/login/second-factor", &[("csrf", &csrf), ("code", &code)])
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the same code cannot be used again"
    );
}

#[tokio::test]
async fn a_deployment_that_requires_a_second_factor_opens_only_the_account_page_until_one_is_enrolled()
 {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("2fa.db").display());
    let security = truce_web::Security {
        require_second_factor: true,
        ..truce_web::Security::default()
    };
    let app = app_configured(&url, truce_web::DEFAULT_BODY_LIMIT, security).await;
    let (status, _, page) = html_as(&app, "/changes").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
    assert_eq!(html_as(&app, "/account").await.0, StatusCode::OK);
    // Its tokens too.
    assert_error(
        &app.get("/api/v1/incidents").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    // A monitor needs none.
    let monitor = app.as_role("mona", "monitor", None).await;
    assert_eq!(monitor.get("/api/v1/incidents").await.0, StatusCode::OK);
}

async fn html_as(app: &App, uri: &str) -> (StatusCode, Option<String>, String) {
    let (status, page) = html(app, uri).await;
    (status, None, page)
}

#[tokio::test]
async fn a_form_without_the_sessions_csrf_token_is_refused() {
    let app = app().await;
    let identity = app.identity.clone().unwrap();
    for csrf in ["", "forged"] {
        let request = Request::post("/report")
            .header("cookie", format!("truce_session={}", identity.cookie))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "csrf={csrf}&date=2016-03-02&time=10:00&place=Douma"
            )))
            .unwrap();
        let response = app.router.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    // A JSON write authenticated by the cookie needs the header.
    let request = Request::post("/api/v1/incidents")
        .header("cookie", format!("truce_session={}", identity.cookie))
        .header("content-type", "application/json")
        .body(Body::from("{}"))
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_revoked_token_is_refused_at_once() {
    let app = app().await;
    assert_eq!(app.get("/api/v1/me").await.1["name"], "test-chair");
    let (_, tokens) = app.get("/api/v1/tokens").await;
    let id = tokens[0]["id"].as_str().unwrap().to_owned();
    let (status, _) = app
        .call("DELETE", &format!("/api/v1/tokens/{id}"), None, &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_error(
        &app.get("/api/v1/me").await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
    // Another user's token cannot be revoked, nor found.
    let other = app.as_role("other", "monitor", None).await;
    let (_, theirs) = other.get("/api/v1/tokens").await;
    let theirs = theirs[0]["id"].as_str().unwrap().to_owned();
    let monitor = app.as_role("third", "monitor", None).await;
    assert_error(
        &monitor
            .call("DELETE", &format!("/api/v1/tokens/{theirs}"), None, &[])
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    // A token cannot mint tokens, and cannot be used on the pages.
    assert_error(
        &monitor
            .post("/api/v1/tokens", &json!({"label": "more"}))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let token = monitor.identity.clone().unwrap().token;
    let request = Request::get("/account")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    assert_ne!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_the_host_is_checked() {
    let app = app().await;
    for uri in ["/", "/api/v1/health", "/nothing"] {
        let request = Request::get(uri)
            .header("host", "localhost:8080")
            .body(Body::empty())
            .unwrap();
        let response = app.router.clone().oneshot(request).await.unwrap();
        let headers = response.headers();
        assert!(
            headers["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'")
        );
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(headers["referrer-policy"], "same-origin");
    }
    let request = Request::get("/api/v1/health")
        .header("host", "rebound.evil.example")
        .body(Body::empty())
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn csv_downloads_defuse_formulas() {
    let app = app().await;
    let actor = json!({"id": "formula", "name": "=HYPERLINK(\"http://evil.example\",\"click\")", "name_ar": "",
        "acled_type": 2, "side": "opposition", "parent": "opposition"});
    assert_eq!(
        app.post("/api/v1/actors", &actor).await.0,
        StatusCode::CREATED
    );
    let (status, csv) = html(&app, "/actors.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.contains("\"'=HYPERLINK("), "{csv}");
    assert!(!csv.contains(",=HYPERLINK("));
}
