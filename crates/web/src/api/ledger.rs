//! The tamper-evident record's public parts (docs/ledger.md): the keys that sign it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use truce_service::world::rfc3339;
use utoipa::ToSchema;

use super::reply;
use crate::AppState;
use crate::error::ApiError;

/// A key registered in the ledger.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerKeyView {
    /// The ed25519 public key, 64 hex digits.
    pub public_key: String,
    /// Who holds the private part: `server`.
    pub holder: String,
    /// From when it signs: the time of the entry that registered it, RFC 3339 UTC.
    #[schema(format = DateTime)]
    pub valid_from: String,
    /// The change-log entry that registered it; it signs entries from there on.
    pub seq: i64,
}

/// The keys of the ledger.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerKeys {
    /// Oldest first.
    pub keys: Vec<LedgerKeyView>,
}

/// The public keys that sign the change log, with the time from which each signs. Public, like
/// the record's shape: keep a copy, so that a key swapped later shows (docs/ledger.md).
#[utoipa::path(get, path = "/api/v1/ledger/keys", tag = "meta",
    responses((status = 200, body = LedgerKeys)))]
pub async fn ledger_keys(State(state): State<AppState>) -> Result<Response, ApiError> {
    let keys = state
        .store()
        .ledger_keys()
        .await?
        .into_iter()
        .map(|key| LedgerKeyView {
            public_key: key.public_key,
            holder: key.holder,
            valid_from: rfc3339(key.valid_from),
            seq: key.seq,
        })
        .collect();
    reply(StatusCode::OK, &LedgerKeys { keys })
}
