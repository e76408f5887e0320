//! Who is asking: an API token (`Authorization: Bearer …`), a session cookie, or nobody. The
//! [`authenticate`] middleware finds out once per request and leaves an [`Authenticated`] in
//! the request's extensions; it also checks the session's CSRF token on every unsafe request a
//! cookie authenticates. What each role may reach is `access.rs`.

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use truce_core::access::{Role, Viewer};
use truce_service::Principal;
use truce_service::secrets::{same_text, secret_hash};
use truce_store::UserRecord;

use crate::AppState;
use crate::error::ApiError;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "truce_session";
/// The header an API client authenticated by a session cookie sends its CSRF token in.
pub const CSRF_HEADER: &str = "X-CSRF-Token";
/// The form field pages send their CSRF token in.
pub const CSRF_FIELD: &str = "csrf";

/// How the request was authenticated.
#[derive(Debug, Clone)]
pub enum Via {
    /// Nobody signed in.
    Anonymous,
    /// A browser session.
    Session {
        /// SHA-256 of the cookie.
        token_hash: String,
        /// The session's CSRF token, for the forms of the page.
        csrf: String,
    },
    /// A session that has given its password but not yet its second factor: it grants
    /// nothing but the second-factor page.
    PendingSecondFactor {
        /// SHA-256 of the cookie.
        token_hash: String,
        /// The session's CSRF token.
        csrf: String,
        /// The user signing in.
        user: String,
    },
    /// An API token.
    Token,
}

/// The outcome of authentication, in every request's extensions.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// Who acts.
    pub principal: Principal,
    /// How.
    pub via: Via,
    /// The client's address (for throttling sign-ins).
    pub address: String,
    /// The deployment requires a second factor of this user, who has none yet: until they
    /// enrol one, only their account page is open to them.
    pub must_enrol: bool,
}

impl Authenticated {
    fn anonymous() -> Authenticated {
        Authenticated {
            principal: Principal::anonymous(),
            via: Via::Anonymous,
            must_enrol: false,
            address: String::new(),
        }
    }

    /// What the principal may see.
    pub fn viewer(&self) -> &Viewer {
        self.principal.viewer()
    }

    /// The session's CSRF token, for forms.
    pub fn csrf(&self) -> &str {
        match &self.via {
            Via::Session { csrf, .. } | Via::PendingSecondFactor { csrf, .. } => csrf,
            _ => "",
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Authenticated>()
            .cloned()
            .unwrap_or_else(Authenticated::anonymous))
    }
}

/// The principal of a stored user.
pub fn principal_of(user: &UserRecord) -> Result<Principal, ApiError> {
    let role = Role::from_parts(&user.role, user.party.as_deref()).map_err(|error| {
        ApiError::Internal(format!(
            "user {} has a stored role that does not read: {error}",
            user.name
        ))
    })?;
    Ok(Principal::user(&user.name, role))
}

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// Finds who is asking, then checks the CSRF token of a cookie-authenticated unsafe request.
pub async fn authenticate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut authenticated = match identify(&state, request.headers(), request.uri().path()).await {
        Ok(authenticated) => authenticated,
        Err(error) => return error.into_response(),
    };
    authenticated.address = client_address(&request);
    let request = match check_csrf(&state, &authenticated, request).await {
        Ok(request) => request,
        Err(error) => return error.into_response(),
    };
    let mut request = request;
    request.extensions_mut().insert(authenticated);
    next.run(request).await
}

async fn identify(
    state: &AppState,
    headers: &HeaderMap,
    path: &str,
) -> Result<Authenticated, ApiError> {
    if let Some(value) = headers.get(AUTHORIZATION) {
        // Tokens are for machine clients of the API; the pages (and the account's password,
        // second factor and tokens on them) take a signed-in browser.
        if !path.starts_with("/api/") {
            return Err(ApiError::Unauthenticated(
                "API tokens are for /api/v1: sign in to use the pages".to_owned(),
            ));
        }
        let token = value
            .to_str()
            .ok()
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(|| {
                ApiError::Unauthenticated(
                    "send an API token as 'Authorization: Bearer TOKEN'".to_owned(),
                )
            })?;
        let user = state
            .service()
            .token_user(&secret_hash(token))
            .await?
            .ok_or_else(|| {
                ApiError::Unauthenticated("the API token is unknown or revoked".to_owned())
            })?;
        let principal = principal_of(&user)?;
        if must_enrol(state, &user, &principal) {
            return Err(ApiError::Forbidden(
                "this deployment requires a second factor for your role: enrol one on your account page before using a token".to_owned(),
            ));
        }
        return Ok(Authenticated {
            principal,
            via: Via::Token,
            must_enrol: false,
            address: String::new(),
        });
    }
    let Some(cookie) = cookie(headers, SESSION_COOKIE) else {
        return Ok(Authenticated::anonymous());
    };
    let token_hash = secret_hash(&cookie);
    // An unknown or expired cookie is nobody: the pages then offer to sign in.
    let Some(session) = state.store().session(&token_hash).await? else {
        return Ok(Authenticated::anonymous());
    };
    if session.pending_second_factor {
        return Ok(Authenticated {
            principal: Principal::anonymous(),
            via: Via::PendingSecondFactor {
                token_hash,
                csrf: session.csrf,
                user: session.user.name,
            },
            must_enrol: false,
            address: String::new(),
        });
    }
    let principal = principal_of(&session.user)?;
    let must_enrol = must_enrol(state, &session.user, &principal);
    Ok(Authenticated {
        principal,
        via: Via::Session {
            token_hash,
            csrf: session.csrf,
        },
        must_enrol,
        address: String::new(),
    })
}

/// Whether the deployment requires a second factor of this user, who has none yet.
fn must_enrol(state: &AppState, user: &UserRecord, principal: &Principal) -> bool {
    state.security().require_second_factor
        && !user.second_factor
        && principal
            .viewer()
            .role()
            .is_some_and(|role| role.needs_second_factor())
}

/// A request that a session cookie authenticates and that may change something carries the
/// session's CSRF token: in the `X-CSRF-Token` header, or in the `csrf` field of a form (the
/// form is read here, within the body limit, and handed on unchanged).
async fn check_csrf(
    state: &AppState,
    authenticated: &Authenticated,
    request: Request,
) -> Result<Request, ApiError> {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let expected = authenticated.csrf();
    if safe || expected.is_empty() {
        return Ok(request);
    }
    let refused = || {
        ApiError::Forbidden(
            "the form is stale or came from another site: reload the page and try again".to_owned(),
        )
    };
    if let Some(sent) = request.headers().get(CSRF_HEADER) {
        return if sent.to_str().is_ok_and(|sent| same_text(sent, expected)) {
            Ok(request)
        } else {
            Err(refused())
        };
    }
    let is_form = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(refused());
    }
    let (parts, body) = request.into_parts();
    let limit = state.body_limit();
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| ApiError::PayloadTooLarge(limit))?;
    let sent = form_urlencoded_field(&bytes, CSRF_FIELD);
    if !sent.is_some_and(|sent| same_text(&sent, expected)) {
        return Err(refused());
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// The first value of a field of a URL-encoded form.
fn form_urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// The client's address, as the connection gives it (`unknown` when served without one, as
/// in tests).
pub fn client_address<B>(request: &axum::http::Request<B>) -> String {
    request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |info| info.0.ip().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, "lang=ar; truce_session=abc".parse().unwrap());
        assert_eq!(cookie(&headers, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&headers, "missing"), None);
    }

    #[test]
    fn form_fields_are_decoded() {
        assert_eq!(
            form_urlencoded_field(b"a=1&csrf=x%2By&csrf=z", "csrf").as_deref(),
            Some("x+y")
        );
    }
}
