//! The change log as the ledger reads it: entries with their hashes and their payloads as the
//! data reads now, for checking the chain (docs/ledger.md).

use truce_ledger::{Damage, DamageKind};

use crate::{Context, Store, StoreError, StoreResult, formats, int, text};

/// Entries read from the database at a time while verifying.
const BATCH: usize = 10_000;

/// The head of the change log: the last sequence number and its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    /// The last entry's number (0 before the first).
    pub seq: i64,
    /// Its hash, in hex (empty before the first).
    pub hash: String,
}

impl Store {
    /// The head of the change log.
    pub async fn chain_head(&self) -> StoreResult<ChainHead> {
        let row = sqlx::query("SELECT seq, hash FROM change_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await
            .doing("reading the change log's head")?;
        Ok(ChainHead {
            seq: int(&row, "seq")?,
            hash: text(&row, "hash")?,
        })
    }

    /// Entries after `after`, in order, at most `limit`, as the chain covers them. An
    /// incident's record is rebuilt from the incident's row as it is now (empty if the row is
    /// gone), so that a change of the data behind the entry shows.
    pub async fn ledger_entries(
        &self,
        after: i64,
        limit: usize,
    ) -> StoreResult<Vec<truce_ledger::Entry>> {
        const DOING: &str = "reading the change log";
        let rows = sqlx::query(&format!(
            "SELECT c.seq, c.at, c.principal, c.action, c.entity, c.entity_id, c.reason, \
             CASE WHEN c.payload = '' THEN COALESCE($2 || i.body || $3, '') ELSE c.payload END \
             AS payload, c.payload_sha256, c.prev_hash, c.hash \
             FROM change_log c LEFT JOIN incident i ON c.payload = '' AND i.id = c.entity_id \
             WHERE c.seq > $1 ORDER BY c.seq LIMIT {limit}"
        ))
        .bind(after)
        .bind(formats::RECORDED_INCIDENT_BEFORE)
        .bind(formats::RECORDED_INCIDENT_AFTER)
        .fetch_all(&self.pool)
        .await
        .doing(DOING)?;
        rows.iter()
            .map(|row| {
                let seq = int(row, "seq")?;
                // A hash that is not hex is damage the chain shows at this entry: it reads
                // as all ones, which nothing hashes to.
                let hash = |column: &str| -> StoreResult<truce_ledger::Hash> {
                    Ok(truce_ledger::from_hex(&text(row, column)?).unwrap_or([0xff; 32]))
                };
                Ok(truce_ledger::Entry {
                    seq,
                    at: int(row, "at")?,
                    principal: text(row, "principal")?,
                    action: text(row, "action")?,
                    entity: text(row, "entity")?,
                    entity_id: text(row, "entity_id")?,
                    reason: text(row, "reason")?,
                    payload_sha256: hash("payload_sha256")?,
                    payload: text(row, "payload")?,
                    prev: hash("prev_hash")?,
                    hash: hash("hash")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()
    }

    /// Walks the whole chain against the data and the head. Answers the number of entries, or
    /// the first damage (the outer error is a failure to read).
    pub async fn verify_ledger(&self) -> StoreResult<Result<i64, Damage>> {
        let head = self.chain_head().await?;
        let mut walk = truce_ledger::ChainWalk::default();
        let mut after = 0;
        loop {
            let batch = self.ledger_entries(after, BATCH).await?;
            let Some(last) = batch.last().map(|entry| entry.seq) else {
                break;
            };
            for entry in &batch {
                if let Err(damage) = walk.next(entry) {
                    return Ok(Err(damage));
                }
            }
            after = last;
        }
        let head_hash = match truce_ledger::from_hex(&head.hash) {
            Some(hash) => hash,
            None if head.seq == 0 => truce_ledger::GENESIS,
            None => {
                return Ok(Err(Damage {
                    seq: head.seq,
                    kind: DamageKind::HeadMismatch,
                }));
            }
        };
        Ok(walk.finish(head.seq, Some(&head_hash)).map(|_| head.seq))
    }
}
