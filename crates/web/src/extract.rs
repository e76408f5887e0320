//! Request extractors whose failures are [`ApiError`]s.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use truce_service::Principal;

use crate::error::ApiError;

/// A JSON body, with a hash of its bytes for idempotency checks.
pub struct JsonBody<T> {
    /// The parsed body.
    pub value: T,
    /// SHA-256 of the body, hex; empty when the request has no `Idempotency-Key` (nothing
    /// compares it then, and most writes come without one).
    pub hash: String,
}

/// The header naming a retry of a write.
const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// The limit on request bodies, put in the request extensions by the router.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let limit = request
            .extensions()
            .get::<BodyLimit>()
            .map_or(0, |limit| limit.0);
        let keyed = request.headers().contains_key(IDEMPOTENCY_KEY);
        let is_json = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| {
                let essence = value.split(';').next().unwrap_or("").trim();
                essence == "application/json" || essence.ends_with("+json")
            });
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes =
            Bytes::from_request(request, state)
                .await
                .map_err(|rejection| match rejection {
                    BytesRejection::FailedToBufferBody(_)
                        if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE =>
                    {
                        ApiError::PayloadTooLarge(limit)
                    }
                    other => ApiError::BadRequest(format!("could not read the body: {other}")),
                })?;
        // Text that is not JSON is a 400; JSON of the wrong shape (a field missing or of the
        // wrong type) is a 422, like any other value the API refuses.
        let value = serde_json::from_slice(&bytes).map_err(|error| match error.classify() {
            serde_json::error::Category::Data => {
                ApiError::invalid(format!("the body does not fit: {error}"))
            }
            _ => ApiError::BadRequest(format!("malformed JSON body: {error}")),
        })?;
        let hash = if keyed {
            truce_service::canonical::sha256_hex(&bytes)
        } else {
            String::new()
        };
        Ok(JsonBody { value, hash })
    }
}

/// Who is writing, as a command needs it: the principal (as `auth` found it), the
/// optional `Idempotency-Key` scoped to the method and path (so that a key sent to another
/// resource never returns this one's reply), and the optional `Truce-Reason` header for the
/// change log.
pub struct Caller {
    /// The acting principal.
    pub principal: Principal,
    /// The client's key.
    pub key: Option<String>,
    /// Method and path.
    pub scope: String,
    /// Why, as the client said.
    pub reason: String,
}

impl Caller {
    /// The service request for a body with this hash.
    pub fn request(&self, request_hash: &str) -> truce_service::Request {
        truce_service::Request {
            principal: self.principal.clone(),
            key: self.key.as_ref().map(|key| truce_service::Key {
                key: key.clone(),
                scope: self.scope.clone(),
                request_hash: request_hash.to_owned(),
            }),
            reason: self.reason.clone(),
        }
    }
}

/// The longest reason kept in the change log, in bytes.
const MAX_REASON: usize = 1_000;

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let header = |name: &str| -> Result<Option<String>, ApiError> {
            parts
                .headers
                .get(name)
                .map(|value| {
                    value
                        .to_str()
                        .map(|text| text.trim().to_owned())
                        .map_err(|_| ApiError::BadRequest(format!("the {name} header is not text")))
                })
                .transpose()
        };
        let key = header(IDEMPOTENCY_KEY)?;
        if let Some(key) = &key
            && (key.is_empty() || key.len() > 200)
        {
            return Err(ApiError::BadRequest(
                "the Idempotency-Key must be 1 to 200 characters".to_owned(),
            ));
        }
        let reason = header("Truce-Reason")?.unwrap_or_default();
        if reason.len() > MAX_REASON {
            return Err(ApiError::BadRequest(format!(
                "the Truce-Reason header is longer than {MAX_REASON} bytes"
            )));
        }
        let principal = parts
            .extensions
            .get::<crate::auth::Authenticated>()
            .map_or_else(Principal::anonymous, |auth| auth.principal.clone());
        Ok(Caller {
            principal,
            key,
            // The whole path (a nested router sees it without its prefix).
            scope: format!(
                "{} {}",
                parts.method,
                parts
                    .extensions
                    .get::<axum::extract::OriginalUri>()
                    .map_or(parts.uri.path(), |original| original.0.path())
            ),
            reason,
        })
    }
}

/// Query parameters, with failures as 400s.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        serde_urlencoded_from_str(query).map(Query)
    }
}

fn serde_urlencoded_from_str<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    axum::extract::Query::<T>::try_from_uri(
        &format!("/?{query}")
            .parse()
            .map_err(|_| ApiError::BadRequest("malformed query string".to_owned()))?,
    )
    .map(|axum::extract::Query(value)| value)
    .map_err(|rejection| {
        ApiError::BadRequest(format!("bad query parameters: {}", rejection.body_text()))
    })
}

/// A path parameter, with failures as 400s.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|rejection| ApiError::BadRequest(rejection.body_text()))
    }
}
