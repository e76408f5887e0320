//! The ledger's own changes: the keys that sign the log, registered through the door
//! (docs/ledger.md, "Server keys").

use truce_ledger::PublicKey;
use truce_store::{Store, StoreError, WriteTx};

use crate::command::Command;
use crate::{Principal, Request, ServiceError, change_entry};

/// Registers the store's signing key as a server starts. The first key of a log registers
/// itself (its first signature adopts any entries written before signatures); a later key
/// must be registered with a key the log already has (`add_ledger_key`), so that a server
/// given a new key file refuses to start rather than sign with a key the log does not know.
pub(crate) async fn register_signing_key(store: &Store) -> Result<(), ServiceError> {
    // A second look after a server starting at the same moment registered the first key: it
    // may have been this key (the servers share the key file), or another.
    match try_register_signing_key(store).await {
        Err(ServiceError::Store(StoreError::LedgerRefused(_) | StoreError::Conflict(_))) => {
            try_register_signing_key(store).await
        }
        other => other,
    }
}

async fn try_register_signing_key(store: &Store) -> Result<(), ServiceError> {
    let Some(key) = store.signing_key() else {
        return Ok(());
    };
    let mut tx = store.begin_write().await?;
    if tx.ledger_key_registered(&key).await? {
        return Ok(());
    }
    if tx.ledger_key_count().await? > 0 {
        return Err(ServiceError::Invalid {
            code: "unregistered_ledger_key",
            message: format!(
                "this server's ledger key ({}) is not one this database's log is signed with: \
                 give the server the key file the other servers use (--ledger-key), or register \
                 this key with `truce ledger add-key`",
                hex::encode(key)
            ),
        });
    }
    tx.adopt_unsigned_head();
    let request = Request {
        principal: Principal::system(),
        key: None,
        reason: "the server's ledger key, registered as it starts".to_owned(),
    };
    let seq = register(tx, &request, key).await?;
    tracing::info!(key = %hex::encode(key), seq, "registered the server's ledger key");
    Ok(())
}

/// Registers `new` as a key that may sign the log, in a transaction the store's own key (a
/// registered one) signs. Answers the entry that registered it.
pub async fn add_ledger_key(
    store: &Store,
    request: &Request,
    new: PublicKey,
) -> Result<i64, ServiceError> {
    let Some(own) = store.signing_key() else {
        return Err(ServiceError::invalid(
            "registering a ledger key needs a registered one to sign with",
        ));
    };
    let mut tx = store.begin_write().await?;
    if !tx.ledger_key_registered(&own).await? {
        return Err(ServiceError::invalid(format!(
            "the key signing the registration ({}) is not registered itself",
            hex::encode(own)
        )));
    }
    if tx.ledger_key_registered(&new).await? {
        return Err(ServiceError::Conflict(format!(
            "ledger key {} is registered already",
            hex::encode(new)
        )));
    }
    register(tx, request, new).await
}

async fn register(mut tx: WriteTx, request: &Request, key: PublicKey) -> Result<i64, ServiceError> {
    let command = Command::RegisterLedgerKey {
        public_key: hex::encode(key),
    };
    let (entries, _) = tx
        .append_changes(&[change_entry(request, &command)?])
        .await?;
    let Some(entry) = entries.last() else {
        return Err(ServiceError::Internal(
            "registering a ledger key wrote no entry".to_owned(),
        ));
    };
    tx.insert_ledger_key(&key, entry.seq, entry.at).await?;
    tx.commit().await?;
    Ok(entry.seq)
}
