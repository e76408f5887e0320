//! The change log as the ledger reads it: entries with their hashes and their payloads as the
//! data reads now, checked as one chain (docs/ledger.md).

use sqlx::AnyConnection;
use truce_ledger::{Damage, DamageKind};

use crate::{Backend, Context, Store, StoreError, StoreResult, formats, int, text};

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
        let mut connection = self.pool.acquire().await.doing("acquiring a connection")?;
        read_head(&mut connection).await
    }

    /// Walks the whole chain against the data and the head, in one snapshot (so that servers
    /// writing meanwhile do not look like damage). Answers the number of entries, or the first
    /// damage; the outer error is a failure to read.
    pub async fn verify_ledger(&self) -> StoreResult<Result<i64, Damage>> {
        const DOING: &str = "reading the change log in one snapshot";
        let mut tx = self.pool.begin().await.doing(DOING)?;
        if self.backend == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *tx)
                .await
                .doing(DOING)?;
        }
        let head = read_head(&mut tx).await?;
        let mut walk = truce_ledger::ChainWalk::default();
        // From the lowest number there could be, so that no row hides below the first.
        let mut after = i64::MIN;
        loop {
            let batch = read_entries(&mut tx, after, BATCH).await?;
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
        let head_hash = match (head.seq, truce_ledger::from_hex(&head.hash)) {
            (0, None) if head.hash.is_empty() => truce_ledger::GENESIS,
            (_, Some(hash)) if head.seq > 0 => hash,
            _ => {
                return Ok(Err(Damage {
                    seq: head.seq,
                    kind: DamageKind::HeadMismatch,
                }));
            }
        };
        Ok(walk.finish(head.seq, Some(&head_hash)).map(|_| head.seq))
    }
}

async fn read_head(connection: &mut AnyConnection) -> StoreResult<ChainHead> {
    let row = sqlx::query("SELECT seq, hash FROM change_head WHERE id = 1")
        .fetch_one(&mut *connection)
        .await
        .doing("reading the change log's head")?;
    Ok(ChainHead {
        seq: int(&row, "seq")?,
        hash: text(&row, "hash")?,
    })
}

/// Entries after `after`, in order, at most `limit`, as the chain covers them. An incident's
/// record is rebuilt from the incident's row as it is now (empty if the row is gone), so that
/// a change of the data behind the entry shows.
async fn read_entries(
    connection: &mut AnyConnection,
    after: i64,
    limit: usize,
) -> StoreResult<Vec<truce_ledger::Entry>> {
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
    .fetch_all(&mut *connection)
    .await
    .doing("reading the change log")?;
    rows.iter()
        .map(|row| {
            // A hash that is not hex is damage the chain shows at this entry: it reads as all
            // ones, which nothing hashes to.
            let hash = |column: &str| -> StoreResult<truce_ledger::Hash> {
                Ok(truce_ledger::from_hex(&text(row, column)?).unwrap_or([0xff; 32]))
            };
            Ok(truce_ledger::Entry {
                seq: int(row, "seq")?,
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
