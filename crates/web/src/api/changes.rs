//! The change log: every change, in the one order the database gave them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use truce_service::world::rfc3339;
use utoipa::{IntoParams, ToSchema};

use super::reply;
use crate::AppState;
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::Query;

/// Paging of `GET /changes`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ChangesQuery {
    /// Entries after this sequence number (default 0: from the first).
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<usize>,
}

/// One entry of the change log.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChangeView {
    /// Position in the log: from 1, without gaps, in the order the changes were committed.
    pub seq: i64,
    /// When, RFC 3339 UTC.
    #[schema(format = DateTime)]
    pub at: String,
    /// Who made the change (`user:NAME` for a signed-in user or an API token, `cli:…` for the
    /// command line, `system` for the first seeding; `anonymous` for changes made before
    /// accounts existed).
    pub principal: String,
    /// The command, e.g. `record_incident`, `add_designation`.
    pub action: String,
    /// The kind of thing changed: `incident`, `actor`, `area`, `agreement`.
    pub entity: String,
    /// Its id.
    pub entity_id: String,
    /// Why, as the principal said (the `Truce-Reason` header; may be empty).
    pub reason: String,
    /// Hex SHA-256 of the command as applied, in canonical JSON (docs/architecture.md); empty
    /// for a role that may not see source identities (the hash would confirm a guess of one).
    pub payload_sha256: String,
}

/// A page of the change log.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChangePage {
    /// The entries, in sequence order.
    pub items: Vec<ChangeView>,
    /// The `after` of the next page, or null when this page reached the end.
    pub next: Option<i64>,
}

/// A page of the change log and where the next one starts.
pub(crate) async fn change_page(
    state: &AppState,
    auth: &Authenticated,
    query: &ChangesQuery,
) -> Result<ChangePage, ApiError> {
    // The hash covers the payload, source identities included: whoever may not see those may
    // not test a guess of them against it.
    let hashes = auth.viewer().sees_source_identities();
    let after = query.after.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::BadRequest("after must be 0 or more".to_owned()));
    }
    let limit = query.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::BadRequest(
            "limit must be between 1 and 1000".to_owned(),
        ));
    }
    let mut entries = state.store().changes(after, limit + 1).await?;
    let next = if entries.len() > limit {
        entries.truncate(limit);
        entries.last().map(|entry| entry.seq)
    } else {
        None
    };
    let items = entries
        .into_iter()
        .map(|entry| ChangeView {
            seq: entry.seq,
            at: rfc3339(entry.at),
            principal: entry.change.principal,
            action: entry.change.action,
            entity: entry.change.entity,
            entity_id: entry.change.entity_id,
            reason: entry.change.reason,
            payload_sha256: if hashes {
                entry.change.payload_sha256
            } else {
                String::new()
            },
        })
        .collect();
    Ok(ChangePage { items, next })
}

/// The change log, oldest first: every change with who made it, when and why. There is no
/// change without its entry and no entry without its change.
#[utoipa::path(get, path = "/api/v1/changes", tag = "meta", params(ChangesQuery),
    responses((status = 200, body = ChangePage), (status = 400, body = crate::error::ErrorBody)))]
pub async fn list_changes(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<ChangesQuery>,
) -> Result<Response, ApiError> {
    reply(StatusCode::OK, &change_page(&state, &auth, &query).await?)
}
