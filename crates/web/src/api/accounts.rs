//! Who am I, users and API tokens. Changes are commands through the door; secrets are made
//! here, shown once in the reply, and stored only as hashes.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use truce_service::secrets::{generate_password, hash_password, new_token};
use truce_service::{Applied, Command, Secret};
use truce_store::{TokenRecord, UserRecord};
use utoipa::ToSchema;

use super::{execute, reply};
use crate::AppState;
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::{Caller, JsonBody, Path};

/// A user, without secrets.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    /// The sign-in name.
    pub name: String,
    /// The role.
    pub role: String,
    /// The role's party (`US`/`RU` for a co-chair, an actor id for a liaison).
    pub party: Option<String>,
    /// Whether the user is disabled.
    pub disabled: bool,
    /// Whether a second factor is enrolled.
    pub second_factor: bool,
}

impl From<&UserRecord> for UserView {
    fn from(user: &UserRecord) -> Self {
        UserView {
            name: user.name.clone(),
            role: user.role.clone(),
            party: user.party.clone(),
            disabled: user.disabled,
            second_factor: user.second_factor,
        }
    }
}

/// The principal of the request.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// The sign-in name.
    pub name: String,
    /// The role.
    pub role: String,
    /// The role's party.
    pub party: Option<String>,
}

/// `POST /users`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// 1 to 64 of a-z, 0-9, `.`, `_`, `-`.
    pub name: String,
    /// One of admin, co_chair, task_force, monitor, party_liaison, humanitarian.
    pub role: String,
    /// `US` or `RU` for a co_chair, an actor id for a party_liaison.
    #[serde(default)]
    pub party: Option<String>,
    /// At least 12 characters; generated (and returned once) when absent.
    #[serde(default)]
    pub password: Option<String>,
}

/// A user just added, with the generated password when none was given.
#[derive(Debug, Serialize, ToSchema)]
pub struct AddedUser {
    /// The user.
    pub user: String,
    /// The generated password, shown this once.
    pub password: Option<String>,
}

/// `POST /tokens`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What the token is for.
    #[serde(default)]
    pub label: String,
    /// The user it acts for (admins only; default: the caller).
    #[serde(default)]
    pub user: Option<String>,
}

/// A token just created: `token` is shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    /// The public handle (for listing and revoking).
    pub id: String,
    /// The token, for `Authorization: Bearer`.
    pub token: String,
}

/// A token as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    /// The public handle.
    pub id: String,
    /// The user it acts for.
    pub user: String,
    /// What it is for.
    pub label: String,
    /// When it was created (ms since the epoch).
    pub created_at: i64,
    /// When it was revoked.
    pub revoked_at: Option<i64>,
}

impl From<TokenRecord> for TokenView {
    fn from(token: TokenRecord) -> Self {
        TokenView {
            id: token.id,
            user: token.user_name,
            label: token.label,
            created_at: token.created_at,
            revoked_at: token.revoked_at,
        }
    }
}

/// Who the request is from.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, body = Me), (status = 401, body = crate::error::ErrorBody)))]
pub async fn me(auth: Authenticated) -> Result<Response, ApiError> {
    let role = auth
        .viewer()
        .role()
        .ok_or_else(|| ApiError::Unauthenticated("sign in first".to_owned()))?;
    let name = auth.principal.user_name().unwrap_or_default().to_owned();
    reply(
        StatusCode::OK,
        &Me {
            name,
            role: role.name().to_owned(),
            party: role.party(),
        },
    )
}

/// Every user (admins only).
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts",
    responses((status = 200, body = Vec<UserView>), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list_users(State(state): State<AppState>) -> Result<Response, ApiError> {
    let users: Vec<UserView> = state
        .store()
        .users()
        .await?
        .iter()
        .map(UserView::from)
        .collect();
    reply(StatusCode::OK, &users)
}

/// Adds a user (admins only). Without a password one is generated and returned once.
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = NewUser,
    responses((status = 201, body = AddedUser), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn add_user(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody<NewUser>,
) -> Result<Response, ApiError> {
    let NewUser {
        name,
        role,
        party,
        password,
    } = body.value;
    let generated = password.is_none().then(generate_password);
    let password = password.or_else(|| generated.clone()).unwrap_or_default();
    let command = Command::AddUser {
        name,
        role,
        party,
        password_hash: Secret(hash_password(&password)?),
    };
    let render = super::render_json(StatusCode::CREATED, move |applied, _| match applied {
        Applied::Account { id, .. } => Some(AddedUser {
            user: id.clone(),
            password: generated.clone(),
        }),
        _ => None,
    });
    execute(&state, secret_reply(&caller)?, command, render).await
}

/// The request of a command whose reply holds a secret: such a reply is never stored, so it
/// cannot be replayed for an `Idempotency-Key` either.
fn secret_reply(caller: &Caller) -> Result<truce_service::Request, ApiError> {
    if caller.key.is_some() {
        return Err(ApiError::BadRequest(
            "this route answers with a secret that is never stored, so it takes no Idempotency-Key"
                .to_owned(),
        ));
    }
    Ok(caller.request(""))
}

/// Disables a user (admins only): their sessions end and their tokens stop working at once.
#[utoipa::path(post, path = "/api/v1/users/{name}/disable", tag = "accounts",
    params(("name" = String, Path, description = "The user")),
    responses((status = 200, body = Object), (status = 404, body = crate::error::ErrorBody)))]
pub async fn disable_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    let render = super::render_json(StatusCode::OK, |applied, _| match applied {
        Applied::Account { id, .. } => Some(serde_json::json!({"user": id, "disabled": true})),
        _ => None,
    });
    execute(
        &state,
        caller.request(""),
        Command::DisableUser { name },
        render,
    )
    .await
}

/// The caller's tokens (an admin's: every user's).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts",
    responses((status = 200, body = Vec<TokenView>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn list_tokens(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Response, ApiError> {
    let admin = matches!(auth.viewer().role(), Some(truce_core::access::Role::Admin));
    let owner = if admin {
        None
    } else {
        auth.principal.user_name()
    };
    let tokens: Vec<TokenView> = state
        .store()
        .tokens(owner)
        .await?
        .into_iter()
        .map(TokenView::from)
        .collect();
    reply(StatusCode::OK, &tokens)
}

/// Creates a token for the caller (or, for an admin, for `user`); the token is in this reply
/// only.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn create_token(
    State(state): State<AppState>,
    auth: Authenticated,
    caller: Caller,
    body: JsonBody<NewToken>,
) -> Result<Response, ApiError> {
    // A stolen token must not mint others that outlive its revocation.
    if matches!(auth.via, crate::auth::Via::Token) {
        return Err(ApiError::Forbidden(
            "a token cannot create tokens: sign in on the account page, or ask an operator (truce token create)".to_owned(),
        ));
    }
    let user = match body.value.user.clone() {
        Some(user) => user,
        None => caller
            .principal
            .user_name()
            .map(str::to_owned)
            .ok_or_else(|| ApiError::Unauthenticated("sign in first".to_owned()))?,
    };
    let (id, token, hash) = new_token();
    let command = Command::CreateToken {
        id: id.clone(),
        user,
        label: body.value.label.chars().take(100).collect(),
        token_hash: Secret(hash),
    };
    let render = super::render_json(StatusCode::CREATED, move |_, _| {
        Some(CreatedToken {
            id: id.clone(),
            token: token.clone(),
        })
    });
    execute(&state, secret_reply(&caller)?, command, render).await
}

/// Revokes a token (the caller's own, or any for an admin): refused from the next request on.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts",
    params(("id" = String, Path, description = "The token's handle")),
    responses((status = 200, body = Object), (status = 404, body = crate::error::ErrorBody)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let render = super::render_json(StatusCode::OK, |applied, _| match applied {
        Applied::Account { id, .. } => Some(serde_json::json!({"token": id, "revoked": true})),
        _ => None,
    });
    execute(
        &state,
        caller.request(""),
        Command::RevokeToken { id },
        render,
    )
    .await
}
