//! Signing in (`/login`, then `/login/second-factor` for a user with a second factor) and out
//! (`/logout`). The sign-in form is protected against cross-site posting by a cookie of its own
//! whose value the form repeats (nobody is signed in yet, so there is no session to hold a
//! token); signed-in forms carry the session's token (`auth.rs`).

use axum::Form;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use truce_service::sessions::{SESSION_LIFETIME_MS, SignInError};

use super::{Lang, layout};
use crate::AppState;
use truce_service::secrets::same_text;

use crate::auth::{Authenticated, SESSION_COOKIE, Via, cookie};
use crate::error::ApiError;
use crate::extract::Query;

/// The cookie that the sign-in form repeats.
const LOGIN_COOKIE: &str = "truce_login";

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginQuery {
    next: String,
    lang: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    name: String,
    password: String,
    csrf: String,
    next: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CodeForm {
    code: String,
    next: String,
}

/// Where to go after signing in: a path on this server, never another site.
fn local_next(next: &str) -> &str {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if local { next } else { "/" }
}

/// A cookie with the deployment's attributes: HttpOnly, SameSite=Strict, and Secure behind
/// TLS (`--secure-cookies`, or a proxy saying `X-Forwarded-Proto: https`).
pub(crate) fn set_cookie(
    state: &AppState,
    headers: &HeaderMap,
    name: &str,
    value: &str,
    path: &str,
    max_age_s: i64,
) -> Option<HeaderValue> {
    let forwarded_tls = headers
        .get("x-forwarded-proto")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|proto| proto.eq_ignore_ascii_case("https"));
    let secure = if state.security().secure_cookies || forwarded_tls {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={value}; Path={path}; Max-Age={max_age_s}; HttpOnly; SameSite=Strict{secure}")
        .parse()
        .ok()
}

fn with_cookie(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(cookie) = cookie {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

/// `GET /login`.
pub async fn form(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<LoginQuery>,
    headers: HeaderMap,
) -> Response {
    let (lang, _) = Lang::choose(query.lang.as_deref(), &headers);
    login_page(
        &state,
        &auth,
        lang,
        &headers,
        local_next(&query.next),
        None,
        StatusCode::OK,
    )
}

fn login_page(
    state: &AppState,
    auth: &Authenticated,
    lang: Lang,
    headers: &HeaderMap,
    next: &str,
    problem: Option<String>,
    status: StatusCode,
) -> Response {
    // The form's token: the cookie's value if the browser has one, else a new one.
    let token = cookie(headers, LOGIN_COOKIE)
        .filter(|value| value.len() >= 20)
        .unwrap_or_else(|| truce_service::secrets::random_text(24));
    let body = html! {
        h1 { (lang.t("login.title")) }
        @if let Some(problem) = &problem { p.error-summary role="alert" { (problem) } }
        form.login method="post" action="/login" {
            input type="hidden" name="csrf" value=(token);
            input type="hidden" name="next" value=(next);
            div.field {
                label for="name" { (lang.t("login.name")) }
                input type="text" id="name" name="name" autocomplete="username" autocapitalize="none" dir="ltr" required;
            }
            div.field {
                label for="password" { (lang.t("login.password")) }
                input type="password" id="password" name="password" autocomplete="current-password" dir="ltr" required;
            }
            button type="submit" { (lang.t("login.submit")) }
        }
    };
    let page = layout(state, auth, lang, &lang.t("login.title"), "/login", body);
    let mut response = (status, page).into_response();
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    );
    with_cookie(
        response,
        set_cookie(state, headers, LOGIN_COOKIE, &token, "/login", 3600),
    )
}

/// `POST /login`.
pub async fn submit(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let address = auth.address.clone();
    let (lang, _) = Lang::choose(None, &headers);
    let next = local_next(&form.next).to_owned();
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same_text(&form.csrf, &expected) {
        let problem = lang.t("login.stale");
        return login_page(
            &state,
            &auth,
            lang,
            &headers,
            &next,
            Some(problem),
            StatusCode::FORBIDDEN,
        );
    }
    let security = state.security();
    let signed = state
        .service()
        .sign_in(
            form.name.trim(),
            &form.password,
            &address,
            security.login_failures_per_minute,
            security.require_second_factor,
        )
        .await;
    let session = match signed {
        Ok(session) => session,
        Err(SignInError::Throttled) => {
            let problem = lang.t("login.throttled");
            let mut response = login_page(
                &state,
                &auth,
                lang,
                &headers,
                &next,
                Some(problem),
                StatusCode::TOO_MANY_REQUESTS,
            );
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                HeaderValue::from_static("60"),
            );
            return response;
        }
        Err(SignInError::Wrong) => {
            let problem = lang.t("login.wrong");
            return login_page(
                &state,
                &auth,
                lang,
                &headers,
                &next,
                Some(problem),
                StatusCode::UNAUTHORIZED,
            );
        }
        Err(SignInError::Service(error)) => return ApiError::from(error).into_response(),
    };
    let target = if session.pending_second_factor {
        format!("/login/second-factor?next={}", super::encode_next(&next))
    } else if session.must_enrol {
        "/account".to_owned()
    } else {
        next
    };
    let lifetime = SESSION_LIFETIME_MS / 1000;
    let response = Redirect::to(&target).into_response();
    let response = with_cookie(
        response,
        set_cookie(
            &state,
            &headers,
            SESSION_COOKIE,
            &session.cookie,
            "/",
            lifetime,
        ),
    );
    // The sign-in form's cookie has done its work.
    with_cookie(
        response,
        set_cookie(&state, &headers, LOGIN_COOKIE, "", "/login", 0),
    )
}

/// `GET /login/second-factor`.
pub async fn second_factor_form(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<LoginQuery>,
    headers: HeaderMap,
) -> Response {
    let (lang, _) = Lang::choose(query.lang.as_deref(), &headers);
    if !matches!(auth.via, Via::PendingSecondFactor { .. }) {
        return Redirect::to("/login").into_response();
    }
    code_page(
        &state,
        &auth,
        lang,
        local_next(&query.next),
        None,
        StatusCode::OK,
    )
}

fn code_page(
    state: &AppState,
    auth: &Authenticated,
    lang: Lang,
    next: &str,
    problem: Option<String>,
    status: StatusCode,
) -> Response {
    let body = html! {
        h1 { (lang.t("login.code_title")) }
        p { (lang.t("login.code_intro")) }
        @if let Some(problem) = &problem { p.error-summary role="alert" { (problem) } }
        form.login method="post" action="/login/second-factor" {
            (super::csrf_field(auth))
            input type="hidden" name="next" value=(next);
            div.field {
                label for="code" { (lang.t("login.code")) }
                input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" dir="ltr" required;
            }
            button type="submit" { (lang.t("login.submit")) }
        }
    };
    let page = layout(
        state,
        auth,
        lang,
        &lang.t("login.code_title"),
        "/login/second-factor",
        body,
    );
    (status, page).into_response()
}

/// `POST /login/second-factor`.
pub async fn second_factor_submit(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Response {
    let address = auth.address.clone();
    let (lang, _) = Lang::choose(None, &headers);
    let next = local_next(&form.next).to_owned();
    let Via::PendingSecondFactor {
        token_hash, user, ..
    } = &auth.via
    else {
        return Redirect::to("/login").into_response();
    };
    let limit = state.security().login_failures_per_minute;
    match state
        .service()
        .second_factor(token_hash, user, &form.code, &address, limit)
        .await
    {
        Ok(()) => Redirect::to(&next).into_response(),
        Err(SignInError::Throttled) => code_page(
            &state,
            &auth,
            lang,
            &next,
            Some(lang.t("login.throttled")),
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Err(SignInError::Wrong) => code_page(
            &state,
            &auth,
            lang,
            &next,
            Some(lang.t("login.code_wrong")),
            StatusCode::UNAUTHORIZED,
        ),
        Err(SignInError::Service(error)) => ApiError::from(error).into_response(),
    }
}

/// `POST /logout`: ends the session (the CSRF check in `auth.rs` has passed).
pub async fn logout(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
) -> Response {
    if let Via::Session { token_hash, .. } | Via::PendingSecondFactor { token_hash, .. } = &auth.via
        && let Err(error) = state.service().sign_out(token_hash).await
    {
        return ApiError::from(error).into_response();
    }
    with_cookie(
        Redirect::to("/").into_response(),
        set_cookie(&state, &headers, SESSION_COOKIE, "", "/", 0),
    )
}

#[cfg(test)]
mod tests {
    use super::local_next;

    #[test]
    fn only_local_paths_are_followed_after_signing_in() {
        assert_eq!(local_next("/incidents?x=1"), "/incidents?x=1");
        for outside in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "",
            "incidents",
        ] {
            assert_eq!(local_next(outside), "/", "{outside}");
        }
    }
}
