//! Every response's security headers, and the check of the `Host` header that keeps a
//! DNS-rebinding name (an attacker's name pointed at this server's address) from reaching it.

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::ApiError;

/// Scripts, styles and images from this server only (the pages have no inline script or
/// style); no framing; forms post only here.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Refuses a request whose `Host` is not one of the deployment's names, then adds the
/// security headers to the response.
pub async fn protect(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .or_else(|| request.uri().host())
        .unwrap_or_default()
        .to_owned();
    let mut response = if host_allowed(&host, &state.security().allowed_hosts) {
        next.run(request).await
    } else {
        ApiError::BadRequest(format!(
            "this server does not answer to the name '{}' (see --allowed-host)",
            host.chars().take(100).collect::<String>()
        ))
        .into_response()
    };
    let headers = response.headers_mut();
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ),
    ] {
        headers.insert(name, value);
    }
    response
}

/// Whether `host` (with or without a port) is allowed: one of `allowed`, or, when none are
/// configured, `localhost` or an IP address (no name can be rebound to those). A request
/// without a Host header (HTTP/1.0, tests in process) passes.
pub fn host_allowed(host: &str, allowed: &[String]) -> bool {
    if host.is_empty() {
        return true;
    }
    let name = strip_port(host).to_ascii_lowercase();
    if allowed.is_empty() {
        return name == "localhost"
            || name
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .is_ok();
    }
    allowed
        .iter()
        .any(|allowed| strip_port(allowed).eq_ignore_ascii_case(&name))
}

/// `host` without its `:port` (an IPv6 address keeps its brackets).
fn strip_port(host: &str) -> &str {
    if let Some(end) = host.find(']') {
        return &host[..=end];
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_configured_names_pass() {
        let none: Vec<String> = Vec::new();
        for host in [
            "localhost:8080",
            "127.0.0.1:8080",
            "[::1]:8080",
            "10.0.0.5",
            "",
        ] {
            assert!(host_allowed(host, &none), "{host}");
        }
        assert!(!host_allowed("evil.example:8080", &none));
        let named = vec!["truce.example.org".to_owned()];
        assert!(host_allowed("TRUCE.example.org:443", &named));
        assert!(!host_allowed("localhost:8080", &named));
        assert!(!host_allowed("truce.example.org.evil.example", &named));
    }
}
