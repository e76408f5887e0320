//! A limit on writes per principal, so that one account or token cannot flood the record. The
//! count is kept by each server (a token bucket in memory): with several servers a principal
//! gets the rate at each, which bounds a flood all the same. Failed sign-ins, which must be
//! counted across servers, are kept in the database instead (`pages/login.rs`).

use std::num::NonZeroU32;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::AppState;
use crate::auth::Authenticated;
use crate::error::ApiError;

/// Token buckets by principal.
pub struct WriteLimiter {
    limiter: Option<DefaultKeyedRateLimiter<String>>,
}

impl WriteLimiter {
    /// `per_second` writes a second per principal, in bursts of as many; 0 is no limit.
    pub fn new(per_second: u32) -> WriteLimiter {
        WriteLimiter {
            limiter: NonZeroU32::new(per_second)
                .map(|rate| RateLimiter::keyed(Quota::per_second(rate))),
        }
    }

    /// Whether `principal` may write now (and counts it).
    pub fn admit(&self, principal: &str) -> bool {
        let Some(limiter) = &self.limiter else {
            return true;
        };
        // Forget idle principals now and then, so that the map stays small.
        if limiter.len() > 10_000 {
            limiter.retain_recent();
        }
        limiter.check_key(&principal.to_owned()).is_ok()
    }
}

/// Refuses a write (any method but GET, HEAD and OPTIONS) over the principal's rate with 429.
pub async fn limit_writes(
    State(state): State<AppState>,
    authenticated: Authenticated,
    request: Request,
    next: Next,
) -> Response {
    let write = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    // Nobody signed in is counted by address, so that one client cannot starve the sign-ins of
    // the rest.
    let key = match authenticated.principal.user_name() {
        Some(_) => authenticated.principal.as_str().to_owned(),
        None => format!("addr:{}", crate::auth::client_address(&request)),
    };
    if write && !state.throttle().admit(&key) {
        let mut response = ApiError::TooManyRequests(
            "too many writes from this account: slow down and try again in a second".to_owned(),
        )
        .into_response();
        response.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderValue::from_static("1"),
        );
        return response;
    }
    next.run(request).await
}
