//! An error on a page is a page: the pages' failures (which handlers and the access table
//! answer as the API's JSON errors) are turned into HTML in the page's language, and a page
//! that needs someone signed in sends the browser to sign in and come back.

use axum::body::to_bytes;
use axum::extract::{Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use super::{Lang, layout};
use crate::AppState;
use crate::auth::Authenticated;
use crate::error::ErrorBody;

/// The largest error body read back (they are a sentence).
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Turns a page's JSON error into an HTML page (or, for 401 on a GET, a way to sign in).
pub async fn as_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let headers = request.headers().clone();
    let auth = request.extensions().get::<Authenticated>().cloned();
    let is_get = request.method() == axum::http::Method::GET;
    let path_and_query = request
        .uri()
        .path_and_query()
        .map_or("/", |pq| pq.as_str())
        .to_owned();
    let response = next.run(request).await;
    let is_json_error = response.status().is_client_error() || response.status().is_server_error();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if !(is_json_error && is_json) {
        return response;
    }
    let Some(auth) = auth else {
        return response;
    };
    if response.status() == StatusCode::UNAUTHORIZED && is_get {
        return Redirect::to(&format!(
            "/login?next={}",
            super::encode_next(&path_and_query)
        ))
        .into_response();
    }
    let status = response.status();
    let body = to_bytes(response.into_body(), MAX_ERROR_BODY)
        .await
        .unwrap_or_default();
    let message = serde_json::from_slice::<ErrorBody>(&body)
        .map(|error| error.message)
        .unwrap_or_default();
    error_page(&state, &auth, &headers, status, &message, &path_and_query)
}

/// A page saying what went wrong.
pub(crate) fn error_page(
    state: &AppState,
    auth: &Authenticated,
    headers: &HeaderMap,
    status: StatusCode,
    message: &str,
    path_and_query: &str,
) -> Response {
    // The page's own `?lang=` first, as the page itself would have chosen.
    let asked = path_and_query.split_once('?').and_then(|(_, query)| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "lang")
            .map(|(_, value)| value.into_owned())
    });
    let (lang, _) = Lang::choose(asked.as_deref(), headers);
    let title = lang.t(match status.as_u16() {
        401 => "error.401",
        403 => "error.403",
        404 => "error.404",
        429 => "error.429",
        400..=499 => "error.400",
        _ => "error.500",
    });
    let body = html! {
        h1 { (title) }
        @if !message.is_empty() { p { bdi { (message) } } }
        p { a href="/" { (lang.t("error.home")) } }
    };
    (
        status,
        layout(state, auth, lang, &title, path_and_query, body),
    )
        .into_response()
}
