//! `POST /api/v1/extract`: a free-text report turned into a structured draft.

use axum::Json;
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::extract::JsonBody;

/// A report to draft from.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtractBody {
    /// The report's words, English or Arabic (at most 64 KiB are read).
    pub text: String,
    /// The day it was received, `YYYY-MM-DD` (relative dates count from it). Default: today.
    pub ref_date: Option<String>,
}

/// Extracts a draft: date, place, actors, event type, weapon and casualties, each with the
/// words it came from (`evidence`: byte offsets and text) and a `confidence`. Nothing is
/// stored; a reviewer confirms the draft and submits it as an incident.
#[utoipa::path(post, path = "/api/v1/extract", tag = "incidents", request_body = ExtractBody,
    responses((status = 200, description = "The draft", body = Object),
        (status = 400, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn extract_draft(body: JsonBody<ExtractBody>) -> Result<Json<Value>, ApiError> {
    let body = body.value;
    if body.text.trim().is_empty() {
        return Err(ApiError::invalid("text is empty"));
    }
    let reference = match body.ref_date.as_deref() {
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
            ApiError::invalid(format!("ref_date '{text}' is not a date (YYYY-MM-DD)"))
        })?,
        None => Utc::now().date_naive(),
    };
    let draft = truce_extract::extract(&body.text, reference);
    serde_json::to_value(&draft)
        .map(Json)
        .map_err(|e| ApiError::Internal(e.to_string()))
}
