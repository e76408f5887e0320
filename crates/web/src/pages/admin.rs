//! The admin's user list (`/admin/users`): add a user (with a password generated and shown
//! once) and disable one. Every change is a command through the door, as the admin.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use truce_core::access::ROLE_NAMES;
use truce_service::secrets::{generate_password, hash_password};
use truce_service::{Command, Request, Secret, ServiceError};

use super::account::no_reply;
use super::{Lang, csrf_field, layout};
use crate::AppState;
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::Path;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewUserForm {
    name: String,
    role: String,
    party: String,
}

/// `GET /admin/users`.
pub async fn page(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (lang, _) = Lang::choose(None, &headers);
    render(&state, &auth, lang, None, None, StatusCode::OK).await
}

async fn render(
    state: &AppState,
    auth: &Authenticated,
    lang: Lang,
    notice: Option<Markup>,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let users = state.store().users().await?;
    let body = html! {
        h1 { (lang.t("users.title")) }
        @if let Some(problem) = &problem { p.error-summary role="alert" { (problem) } }
        @if let Some(notice) = notice { div.notice role="status" { (notice) } }
        div.table-scroll { table {
            thead { tr {
                th { (lang.t("account.name")) } th { (lang.t("account.role")) } th { (lang.t("users.party")) }
                th { (lang.t("account.second_factor")) } th { (lang.t("account.token_state")) } th {}
            } }
            tbody { @for user in &users { tr {
                td { bdi dir="ltr" { (user.name) } }
                td { (lang.t(&format!("role.{}", user.role))) }
                td { @if let Some(party) = &user.party { bdi dir="ltr" { (party) } } }
                td { @if user.second_factor { "✓" } }
                td { @if user.disabled { (lang.t("users.disabled")) } @else { (lang.t("account.token_active")) } }
                td { @if !user.disabled {
                    form.inline method="post" action=(format!("/admin/users/{}/disable", user.name)) {
                        (csrf_field(auth))
                        button type="submit" { (lang.t("users.disable")) }
                    }
                } }
            } } }
        } }
        h2 { (lang.t("users.add")) }
        form method="post" action="/admin/users" {
            (csrf_field(auth))
            div.field {
                label for="name" { (lang.t("account.name")) }
                input type="text" id="name" name="name" dir="ltr" autocapitalize="none" required;
            }
            div.field {
                label for="role" { (lang.t("account.role")) }
                select id="role" name="role" { @for role in ROLE_NAMES { option value=(role) { (lang.t(&format!("role.{role}"))) } } }
            }
            div.field {
                label for="party" { (lang.t("users.party")) }
                input type="text" id="party" name="party" dir="ltr";
                small { (lang.t("users.party_hint")) }
            }
            button type="submit" { (lang.t("users.add")) }
        }
    };
    let page = layout(
        state,
        auth,
        lang,
        &lang.t("users.title"),
        "/admin/users",
        body,
    );
    let mut response = (status, page).into_response();
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// `POST /admin/users`: adds a user with a generated password, shown once.
pub async fn add(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    Form(form): Form<NewUserForm>,
) -> Result<Response, ApiError> {
    let (lang, _) = Lang::choose(None, &headers);
    let password = generate_password();
    let command = Command::AddUser {
        name: form.name.trim().to_owned(),
        role: form.role.trim().to_owned(),
        party: Some(form.party.trim().to_owned()).filter(|party| !party.is_empty()),
        password_hash: Secret(hash_password(&password)?),
    };
    match state
        .service()
        .execute(Request::by(auth.principal.clone()), command, no_reply())
        .await
    {
        Ok(_) => {
            let notice = html! {
                p { (lang.t("users.added")) " " bdi dir="ltr" { (form.name.trim()) } }
                p { (lang.t("users.password_once")) " " code.secret dir="ltr" { (password) } }
            };
            render(&state, &auth, lang, Some(notice), None, StatusCode::CREATED).await
        }
        Err(
            ServiceError::Invalid { message, .. }
            | ServiceError::Conflict(message)
            | ServiceError::NotFound(message),
        ) => {
            render(
                &state,
                &auth,
                lang,
                None,
                Some(message),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /admin/users/{name}/disable`.
pub async fn disable(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    state
        .service()
        .execute(
            Request::by(auth.principal.clone()),
            Command::DisableUser { name },
            no_reply(),
        )
        .await?;
    Ok(Redirect::to("/admin/users").into_response())
}
