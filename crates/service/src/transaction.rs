//! What every command's transaction shares: a retry answered from the reply kept for its key,
//! and the end (the command's change-log entry, the reply kept for the key, the commit).

use truce_store::WriteTx;

use crate::command::Command;
use crate::{Outcome, Reply, Request, ServiceError, change_entry, replay};

/// The outcome a retry of `request` already has, read in `tx`. A retry racing its first
/// attempt may miss it here; it then meets the first attempt on a unique key and is answered
/// from the reply after all (`Service::replay_on_conflict`).
pub(crate) async fn retried(
    tx: &mut WriteTx,
    request: &Request,
) -> Result<Option<Outcome>, ServiceError> {
    let Some(key) = request.store_key() else {
        return Ok(None);
    };
    match tx.replies(&[&key]).await?.pop() {
        Some(Some(stored)) => replay(stored, request).map(Some),
        _ => Ok(None),
    }
}

/// Ends a command's transaction: the change-log entry of `applied` (the command as it was
/// applied), the reply kept for the request's key, and the commit.
pub(crate) async fn finish(
    mut tx: WriteTx,
    request: &Request,
    applied: &Command,
    reply: Reply,
) -> Result<Outcome, ServiceError> {
    tx.append_changes(&[change_entry(request, applied)?])
        .await?;
    if let Some((key, stored)) = request.stored_reply(&reply) {
        tx.record_replies(&[(&key, stored)]).await?;
    }
    tx.commit().await?;
    Ok(Outcome {
        reply,
        replayed: false,
    })
}
