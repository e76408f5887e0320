//! The one error type of the API: every failure is JSON `{"error": code, "message": …}` with
//! the right status, and internal details are logged, never sent.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// An API failure.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request is not well-formed (bad JSON, wrong types, bad query parameters).
    #[error("{0}")]
    BadRequest(String),
    /// 401: nobody is signed in (or the token is unknown or revoked), and this needs someone.
    #[error("{0}")]
    Unauthenticated(String),
    /// 403: the signed-in principal may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// 429: too many attempts; try again later.
    #[error("{0}")]
    TooManyRequests(String),
    /// 404: nothing at this address.
    #[error("{0}")]
    NotFound(String),
    /// 405: the path exists but not with this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 409: conflicts with what is stored (an id that exists).
    #[error("{0}")]
    Conflict(String),
    /// 409: an idempotency key reused with a different body.
    #[error("the Idempotency-Key was already used with a different request body")]
    IdempotencyKeyReused,
    /// 413: the body is over the limit.
    #[error("the request body is larger than the limit of {0} bytes")]
    PayloadTooLarge(usize),
    /// 415: the body is not JSON.
    #[error("send the body as JSON with Content-Type: application/json")]
    UnsupportedMediaType,
    /// 422: well-formed but invalid values.
    #[error("{message}")]
    Invalid {
        /// Snake-case code, e.g. `invalid_value` or `unknown_actor`.
        code: &'static str,
        /// What is wrong.
        message: String,
    },
    /// 503: the database does not answer.
    #[error("the service is unavailable: {0}")]
    Unavailable(String),
    /// 500: anything else. The detail is logged, not returned.
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    /// A 422 with the generic `invalid_value` code.
    pub fn invalid(message: impl Into<String>) -> Self {
        ApiError::Invalid {
            code: "invalid_value",
            message: message.into(),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) | ApiError::IdempotencyKeyReused => StatusCode::CONFLICT,
            // The request is well formed, but the record is not in a state that allows it.
            ApiError::Invalid {
                code: "illegal_transition",
                ..
            } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable snake-case code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Unauthenticated(_) => "unauthenticated",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::TooManyRequests(_) => "too_many_requests",
            ApiError::NotFound(_) => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::Conflict(_) => "conflict",
            ApiError::IdempotencyKeyReused => "idempotency_key_reused",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::Invalid { code, .. } => code,
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internal",
        }
    }
}

/// The JSON body of every error.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Snake-case code.
    pub error: String,
    /// A sentence for people.
    pub message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) | ApiError::Unavailable(detail) = &self {
            tracing::error!(error = %detail, "request failed");
        }
        let body = ErrorBody {
            error: self.code().to_owned(),
            message: self.to_string(),
        };
        (self.status(), Json(body)).into_response()
    }
}

impl From<truce_store::StoreError> for ApiError {
    fn from(error: truce_store::StoreError) -> Self {
        match error {
            truce_store::StoreError::Conflict(what) => {
                ApiError::Conflict(format!("{what} already exists"))
            }
            truce_store::StoreError::Busy => {
                ApiError::Unavailable("the database is busy with another write".to_owned())
            }
            truce_store::StoreError::Database(sqlx_error, doing) if is_unavailable(&sqlx_error) => {
                ApiError::Unavailable(format!("{doing}: {sqlx_error}"))
            }
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<truce_service::ServiceError> for ApiError {
    fn from(error: truce_service::ServiceError) -> Self {
        use truce_service::ServiceError;
        match error {
            ServiceError::NotFound(message) => ApiError::NotFound(message),
            ServiceError::Conflict(message) => ApiError::Conflict(message),
            ServiceError::KeyReused => ApiError::IdempotencyKeyReused,
            ServiceError::Forbidden {
                signed_in: false,
                message,
            } => ApiError::Unauthenticated(message),
            ServiceError::Forbidden { message, .. } => ApiError::Forbidden(message),
            ServiceError::Invalid { code, message } => ApiError::Invalid { code, message },
            ServiceError::Store(error) => ApiError::from(error),
            ServiceError::Unavailable(detail) => ApiError::Unavailable(detail),
            ServiceError::Stale(_) => {
                ApiError::Unavailable("the terms changed meanwhile: send it again".to_owned())
            }
            ServiceError::Internal(detail) => ApiError::Internal(detail),
        }
    }
}

fn is_unavailable(error: &truce_store::SqlxError) -> bool {
    matches!(
        error,
        truce_store::SqlxError::PoolTimedOut
            | truce_store::SqlxError::PoolClosed
            | truce_store::SqlxError::Io(_)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    async fn body_of(error: ApiError) -> (StatusCode, serde_json::Value) {
        let response = error.into_response();
        let status = response.status();
        let bytes = to_bytes(response.into_body(), 1 << 16).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn internal_errors_are_500s_that_say_nothing_of_the_internals() {
        let (status, body) = body_of(ApiError::Internal(
            "sqlx: relation \"incident\" does not exist at /srv/db".to_owned(),
        ))
        .await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            body,
            serde_json::json!({"error": "internal", "message": "internal error"})
        );
    }

    #[tokio::test]
    async fn every_error_has_its_status_and_a_snake_case_code() {
        let cases = [
            (ApiError::BadRequest("x".into()), 400, "bad_request"),
            (
                ApiError::Unauthenticated("x".into()),
                401,
                "unauthenticated",
            ),
            (ApiError::Forbidden("x".into()), 403, "forbidden"),
            (
                ApiError::TooManyRequests("x".into()),
                429,
                "too_many_requests",
            ),
            (ApiError::NotFound("x".into()), 404, "not_found"),
            (ApiError::MethodNotAllowed, 405, "method_not_allowed"),
            (ApiError::Conflict("x".into()), 409, "conflict"),
            (
                ApiError::IdempotencyKeyReused,
                409,
                "idempotency_key_reused",
            ),
            (ApiError::PayloadTooLarge(10), 413, "payload_too_large"),
            (
                ApiError::UnsupportedMediaType,
                415,
                "unsupported_media_type",
            ),
            (ApiError::invalid("x"), 422, "invalid_value"),
            (ApiError::Unavailable("db down".into()), 503, "unavailable"),
        ];
        for (error, status, code) in cases {
            let (got_status, body) = body_of(error).await;
            assert_eq!(got_status.as_u16(), status);
            assert_eq!(body["error"], code);
        }
    }
}
