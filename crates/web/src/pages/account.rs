//! A user's own account (`/account`): their role, their password, their second factor and
//! their API tokens. Every change is a command through the door, as the user.

use std::sync::Arc;

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use truce_core::access::Viewer;
use truce_service::secrets::{hash_password, new_token, new_totp, recovery_codes};
use truce_service::sessions::SignInError;
use truce_service::{Command, Reply, Request, Secret, ServiceError};

use super::{Lang, csrf_field, layout};
use crate::AppState;
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::Path;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    current: String,
    password: String,
    repeat: String,
}

/// A change of the second factor, confirmed with the current password.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RemoveForm {
    current: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EnrolForm {
    current: String,
    secret: String,
    code: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenForm {
    label: String,
}

/// A renderer for commands whose reply the page makes itself.
pub(crate) fn no_reply() -> truce_service::Render {
    Arc::new(|_, _| {
        Ok(Reply {
            status: 200,
            body: String::new(),
        })
    })
}

fn user_name(auth: &Authenticated) -> Result<String, ApiError> {
    auth.principal
        .user_name()
        .map(str::to_owned)
        .ok_or_else(|| ApiError::Unauthenticated("sign in first".to_owned()))
}

/// `GET /account`.
pub async fn page(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (lang, _) = Lang::choose(None, &headers);
    render(&state, &auth, lang, None, None, StatusCode::OK).await
}

/// The account page, with an optional notice (a secret shown once) or problem.
async fn render(
    state: &AppState,
    auth: &Authenticated,
    lang: Lang,
    notice: Option<Markup>,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let name = user_name(auth)?;
    let Viewer::User { role, .. } = auth.viewer() else {
        return Err(ApiError::Unauthenticated("sign in first".to_owned()));
    };
    let users = state.store().users().await?;
    let me = users
        .iter()
        .find(|user| user.name == name)
        .ok_or_else(|| ApiError::Unauthenticated("sign in first".to_owned()))?;
    let tokens = state.store().tokens(Some(&name)).await?;
    let enrolment = if me.second_factor {
        None
    } else {
        Some(new_totp(&name)?)
    };
    let body = html! {
        h1 { (lang.t("account.title")) }
        @if let Some(problem) = &problem { p.error-summary role="alert" { (problem) } }
        @if let Some(notice) = notice { div.notice role="status" { (notice) } }
        dl.facts {
            dt { (lang.t("account.name")) } dd { bdi dir="ltr" { (name) } }
            dt { (lang.t("account.role")) } dd { (lang.t(&format!("role.{}", role.name()))) @if let Some(party) = role.party() { " · " bdi dir="ltr" { (party) } } }
        }
        @if auth.must_enrol { p.error-summary role="alert" { (lang.t("account.must_enrol")) } }
        section {
            h2 { (lang.t("account.second_factor")) }
            @match &enrolment {
                None => {
                    p { (lang.t("account.second_factor_on")) }
                    form method="post" action="/account/second-factor/remove" {
                        (csrf_field(auth))
                        (current_password(lang, "current-remove"))
                        button type="submit" { (lang.t("account.second_factor_remove")) }
                    }
                }
                Some((secret, url)) => {
                    p { (lang.t("account.second_factor_how")) }
                    figure.qr { (PreEscaped(qr_svg(url))) figcaption { code dir="ltr" { (secret) } } }
                    form method="post" action="/account/second-factor" {
                        (csrf_field(auth))
                        input type="hidden" name="secret" value=(secret);
                        (current_password(lang, "current-enrol"))
                        div.field {
                            label for="code" { (lang.t("login.code")) }
                            input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" dir="ltr" required;
                        }
                        button type="submit" { (lang.t("account.second_factor_enrol")) }
                    }
                }
            }
        }
        section {
            h2 { (lang.t("account.password")) }
            form method="post" action="/account/password" {
                (csrf_field(auth))
                (current_password(lang, "current-password"))
                div.field {
                    label for="password" { (lang.t("account.new_password")) }
                    input type="password" id="password" name="password" autocomplete="new-password" dir="ltr" minlength="12" required;
                }
                div.field {
                    label for="repeat" { (lang.t("account.repeat_password")) }
                    input type="password" id="repeat" name="repeat" autocomplete="new-password" dir="ltr" minlength="12" required;
                }
                button type="submit" { (lang.t("account.change_password")) }
            }
        }
        section {
            h2 { (lang.t("account.tokens")) }
            p { (lang.t("account.tokens_intro")) }
            @if !tokens.is_empty() {
                div.table-scroll { table {
                    thead { tr { th { (lang.t("account.token_id")) } th { (lang.t("account.token_label")) } th { (lang.t("account.token_state")) } th {} } }
                    tbody { @for token in &tokens { tr {
                        td { code dir="ltr" { (token.id) } }
                        td { bdi { (token.label) } }
                        td { @if token.revoked_at.is_some() { (lang.t("account.token_revoked")) } @else { (lang.t("account.token_active")) } }
                        td { @if token.revoked_at.is_none() {
                            form.inline method="post" action=(format!("/account/tokens/{}/revoke", token.id)) {
                                (csrf_field(auth))
                                button type="submit" { (lang.t("account.token_revoke")) }
                            }
                        } }
                    } } }
                } }
            }
            form method="post" action="/account/tokens" {
                (csrf_field(auth))
                div.field {
                    label for="label" { (lang.t("account.token_label")) }
                    input type="text" id="label" name="label" maxlength="100" required;
                }
                button type="submit" { (lang.t("account.token_create")) }
            }
        }
    };
    let page = layout(
        state,
        auth,
        lang,
        &lang.t("account.title"),
        "/account",
        body,
    );
    let mut response = (status, page).into_response();
    // The page can hold a secret shown once: never keep it in a cache.
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// The account page again, saying why a change was refused.
async fn refuse(
    state: &AppState,
    auth: &Authenticated,
    lang: Lang,
    problem: String,
    status: StatusCode,
) -> Result<Response, ApiError> {
    render(state, auth, lang, None, Some(problem), status).await
}

/// The field every change of the account asks for: the password in use.
fn current_password(lang: Lang, id: &str) -> Markup {
    html! {
        div.field {
            label for=(id) { (lang.t("account.current_password")) }
            input type="password" id=(id) name="current" autocomplete="current-password" dir="ltr" required;
        }
    }
}

/// Confirms the signed-in user's password; the refusal is said on the page.
async fn confirm(
    state: &AppState,
    auth: &Authenticated,
    lang: Lang,
    current: &str,
) -> Result<Option<String>, ApiError> {
    let name = user_name(auth)?;
    let limit = state.security().login_failures_per_minute;
    match state
        .service()
        .confirm_password(&name, current, &auth.address, limit)
        .await
    {
        Ok(()) => Ok(None),
        Err(SignInError::Wrong) => Ok(Some(lang.t("account.current_wrong"))),
        Err(SignInError::Throttled) => Ok(Some(lang.t("login.throttled"))),
        Err(SignInError::Service(error)) => Err(error.into()),
    }
}

/// The QR code of an `otpauth://` URL, as SVG.
fn qr_svg(url: &str) -> String {
    qrcode::QrCode::new(url.as_bytes()).map_or_else(
        |_| String::new(),
        |code| {
            code.render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(200, 200)
                .build()
        },
    )
}

/// Executes a command as the signed-in user; a refusal comes back as the page with its reason.
async fn run(
    state: &AppState,
    auth: &Authenticated,
    command: Command,
) -> Result<Result<(), String>, ApiError> {
    match state
        .service()
        .execute(Request::by(auth.principal.clone()), command, no_reply())
        .await
    {
        Ok(_) => Ok(Ok(())),
        Err(ServiceError::Invalid { message, .. } | ServiceError::NotFound(message)) => {
            Ok(Err(message))
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /account/password`.
pub async fn password(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Result<Response, ApiError> {
    let (lang, _) = Lang::choose(None, &headers);
    let name = user_name(&auth)?;
    if let Some(problem) = confirm(&state, &auth, lang, &form.current).await? {
        return refuse(&state, &auth, lang, problem, StatusCode::FORBIDDEN).await;
    }
    if form.password != form.repeat {
        let problem = lang.t("account.passwords_differ");
        return refuse(
            &state,
            &auth,
            lang,
            problem,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let hash = match hash_password(&form.password) {
        Ok(hash) => hash,
        Err(error) => {
            return refuse(
                &state,
                &auth,
                lang,
                error.to_string(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let command = Command::SetPassword {
        name,
        password_hash: Secret(hash),
    };
    match run(&state, &auth, command).await? {
        // Every session of the user ended with the old password: sign in with the new one.
        Ok(()) => Ok(Redirect::to("/login?next=%2Faccount").into_response()),
        Err(problem) => {
            refuse(
                &state,
                &auth,
                lang,
                problem,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `POST /account/second-factor`: enrols the secret shown on the page once a code from it
/// proves the authenticator has it; shows the recovery codes once.
pub async fn enrol(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    Form(form): Form<EnrolForm>,
) -> Result<Response, ApiError> {
    let (lang, _) = Lang::choose(None, &headers);
    let name = user_name(&auth)?;
    if let Some(problem) = confirm(&state, &auth, lang, &form.current).await? {
        return refuse(&state, &auth, lang, problem, StatusCode::FORBIDDEN).await;
    }
    // A factor in use is removed first (with the password), never replaced unseen.
    let enrolled = state
        .store()
        .users()
        .await?
        .iter()
        .any(|user| user.name == name && user.second_factor);
    if enrolled {
        let problem = lang.t("account.second_factor_on");
        return refuse(&state, &auth, lang, problem, StatusCode::CONFLICT).await;
    }
    if !truce_service::secrets::check_totp(&form.secret, &form.code) {
        let problem = lang.t("login.code_wrong");
        return refuse(
            &state,
            &auth,
            lang,
            problem,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let (codes, hashes) = recovery_codes();
    let command = Command::SetSecondFactor {
        name,
        enrolled: true,
        secret: Secret(form.secret),
        recovery_hashes: hashes,
    };
    match run(&state, &auth, command).await? {
        Ok(()) => {
            let notice = html! {
                p { (lang.t("account.recovery_codes")) }
                ul.codes { @for code in &codes { li { code dir="ltr" { (code) } } } }
            };
            // Enrolled now: the rest of the site is open again.
            let auth = Authenticated {
                must_enrol: false,
                ..auth
            };
            render(&state, &auth, lang, Some(notice), None, StatusCode::OK).await
        }
        Err(problem) => {
            refuse(
                &state,
                &auth,
                lang,
                problem,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `POST /account/second-factor/remove`.
pub async fn remove_second_factor(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    Form(form): Form<RemoveForm>,
) -> Result<Response, ApiError> {
    let (lang, _) = Lang::choose(None, &headers);
    let name = user_name(&auth)?;
    if let Some(problem) = confirm(&state, &auth, lang, &form.current).await? {
        return refuse(&state, &auth, lang, problem, StatusCode::FORBIDDEN).await;
    }
    let required = state.security().require_second_factor
        && auth
            .viewer()
            .role()
            .is_some_and(|role| role.needs_second_factor());
    if required {
        let problem = lang.t("account.second_factor_required");
        return refuse(&state, &auth, lang, problem, StatusCode::FORBIDDEN).await;
    }
    let command = Command::SetSecondFactor {
        name,
        enrolled: false,
        secret: Secret::default(),
        recovery_hashes: Vec::new(),
    };
    match run(&state, &auth, command).await? {
        Ok(()) => Ok(Redirect::to("/account").into_response()),
        Err(problem) => {
            refuse(
                &state,
                &auth,
                lang,
                problem,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `POST /account/tokens`: creates a token and shows it once.
pub async fn create_token(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Result<Response, ApiError> {
    let (lang, _) = Lang::choose(None, &headers);
    let user = user_name(&auth)?;
    let label = form.label.trim().chars().take(100).collect::<String>();
    let (id, token, hash) = new_token();
    let command = Command::CreateToken {
        id,
        user,
        label,
        token_hash: Secret(hash),
    };
    match run(&state, &auth, command).await? {
        Ok(()) => {
            let notice = html! {
                p { (lang.t("account.token_shown_once")) }
                p { code.secret dir="ltr" { (token) } }
            };
            render(&state, &auth, lang, Some(notice), None, StatusCode::CREATED).await
        }
        Err(problem) => {
            refuse(
                &state,
                &auth,
                lang,
                problem,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `POST /account/tokens/{id}/revoke`.
pub async fn revoke_token(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (lang, _) = Lang::choose(None, &headers);
    match run(&state, &auth, Command::RevokeToken { id }).await? {
        Ok(()) => Ok(Redirect::to("/account").into_response()),
        Err(problem) => refuse(&state, &auth, lang, problem, StatusCode::NOT_FOUND).await,
    }
}
