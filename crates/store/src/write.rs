//! Every write goes through a [`WriteTx`]: one database transaction that the service layer
//! opens, fills with the change, its change-log entries and its idempotency record, and commits.
//! The store has no other way to write.

use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use sqlx::AnyConnection;
use sqlx::TransactionManager;
use tokio::sync::OwnedMappedMutexGuard;

use crate::tallies::{self, Counted, Deltas, Dimension};
use crate::{
    Backend, ChangeEntry, Context, NewArea, NewChange, NewIncident, NewReport, Reassessment,
    RequestKey, ReviewItem, StoreError, StoreResult, StoredReply, incident_record, int, now_ms,
    text, to_json, value_rows,
};

/// Incidents per multi-row INSERT (18 parameters each; SQLite allows 32,766 per statement).
const INCIDENTS_PER_STATEMENT: usize = 200;
/// Why an incident's first assessment was made.
const FIRST_CAUSE: &str = "classified when reported";
/// Change-log entries per multi-row INSERT (11 parameters each).
const CHANGES_PER_STATEMENT: usize = 500;

/// A query being built on the `Any` driver.
type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// One write transaction. Dropping it without [`WriteTx::commit`] rolls everything back.
pub struct WriteTx {
    pub(crate) tx: WriteConnection,
    pub(crate) backend: Backend,
    /// Whether anything was changed (and so needs a change-log entry).
    pub(crate) wrote: bool,
    /// Whether change-log entries were appended.
    pub(crate) logged: bool,
    /// The key that signs the head this transaction leaves.
    pub(crate) signer: Option<Arc<crate::ledger::Signer>>,
    /// This transaction registers the first server key, and may chain onto an unsigned head.
    pub(crate) adopting: bool,
    /// The head this transaction signed, for the signer to trust once it commits.
    pub(crate) signed_head: Option<(i64, truce_ledger::Hash, truce_ledger::Signed)>,
    /// Keys this transaction found registered, for the signer to know once it commits.
    pub(crate) learned_keys: Vec<truce_ledger::PublicKey>,
}

/// The connection a write transaction runs on.
pub(crate) enum WriteConnection {
    /// A transaction on a connection of the pool (PostgreSQL).
    Pooled(sqlx::Transaction<'static, sqlx::Any>),
    /// A transaction on SQLite's one writer connection.
    Writer(WriterTx),
}

/// A transaction on the writer connection, held until it ends. Like sqlx's own transactions,
/// it is rolled back when dropped before it committed.
pub(crate) struct WriterTx {
    pub(crate) connection: OwnedMappedMutexGuard<Option<AnyConnection>, AnyConnection>,
    pub(crate) open: bool,
}

impl WriterTx {
    async fn commit(&mut self) -> Result<(), sqlx::Error> {
        <sqlx::Any as sqlx::Database>::TransactionManager::commit(&mut self.connection).await?;
        self.open = false;
        Ok(())
    }
}

impl Drop for WriterTx {
    fn drop(&mut self) {
        if self.open {
            // Queued on the connection: it runs before anything the next transaction sends.
            <sqlx::Any as sqlx::Database>::TransactionManager::start_rollback(&mut self.connection);
        }
    }
}

impl Deref for WriteConnection {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        match self {
            WriteConnection::Pooled(tx) => tx,
            WriteConnection::Writer(tx) => &tx.connection,
        }
    }
}

impl DerefMut for WriteConnection {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match self {
            WriteConnection::Pooled(tx) => tx,
            WriteConnection::Writer(tx) => &mut tx.connection,
        }
    }
}

/// The advisory lock that serialises changes of the world on PostgreSQL: one per schema, so
/// that deployments in separate schemas of one database do not wait for each other.
const WORLD_LOCK: &str = "hashtext('truce_world:' || current_schema())";

impl WriteTx {
    /// Commits the transaction. There is no change without its entry: a transaction that
    /// changed something and appended no change-log entry is rolled back and refused.
    pub async fn commit(self) -> StoreResult<()> {
        if self.wrote && !self.logged {
            return Err(StoreError::Unlogged);
        }
        match self.tx {
            WriteConnection::Pooled(tx) => tx.commit().await,
            WriteConnection::Writer(mut tx) => tx.commit().await,
        }
        .doing("committing")?;
        if let Some(signer) = &self.signer {
            signer.committed(self.signed_head, &self.learned_keys);
        }
        Ok(())
    }

    /// What the world is built from, as this transaction sees it.
    pub async fn world_rows(&mut self) -> StoreResult<crate::WorldRows> {
        crate::read_world_rows(&mut self.tx).await
    }

    /// Takes the world for a change: increments its generation and returns the new one. Every
    /// other change of the world waits until this transaction ends, and so do incident and
    /// report writes that read the generation. On PostgreSQL the other servers are notified
    /// when the transaction commits.
    pub async fn lock_world(&mut self) -> StoreResult<i64> {
        const DOING: &str = "taking the world for a change";
        self.wrote = true;
        if self.backend == Backend::Postgres {
            // The lock manager queues requests in order, so a change waiting for this lock is
            // not starved by a stream of shared holders (as a row lock's waiter can be).
            sqlx::query(&format!("SELECT pg_advisory_xact_lock({WORLD_LOCK})"))
                .execute(&mut *self.tx)
                .await
                .doing(DOING)?;
        }
        let row = sqlx::query(
            "UPDATE world_state SET generation = generation + 1 WHERE id = 1 RETURNING generation",
        )
        .fetch_one(&mut *self.tx)
        .await
        .doing(DOING)?;
        let generation = int(&row, "generation")?;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(crate::WORLD_CHANNEL)
                .bind(generation.to_string())
                .execute(&mut *self.tx)
                .await
                .doing(DOING)?;
        }
        Ok(generation)
    }

    /// Holds the world as it is until this transaction ends: a change of the world waits for
    /// it (the world's advisory lock, shared, on PostgreSQL; SQLite's write lock, taken when
    /// the transaction began, already excludes it). [`WriteTx::append_changes`] then says which
    /// generation it is.
    pub async fn share_world(&mut self) -> StoreResult<()> {
        if self.backend == Backend::Postgres {
            sqlx::query(&format!(
                "SELECT pg_advisory_xact_lock_shared({WORLD_LOCK})"
            ))
            .execute(&mut *self.tx)
            .await
            .doing("sharing the world")?;
        }
        Ok(())
    }

    /// The world's generation, held until this transaction ends (see
    /// [`WriteTx::share_world`]).
    pub async fn world_generation(&mut self) -> StoreResult<i64> {
        self.share_world().await?;
        let row = sqlx::query("SELECT generation FROM world_state WHERE id = 1")
            .fetch_one(&mut *self.tx)
            .await
            .doing("reading the world's generation")?;
        int(&row, "generation")
    }

    /// Whether the database holds an agreement (the seeding is done).
    pub async fn is_seeded(&mut self) -> StoreResult<bool> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM agreement")
            .fetch_one(&mut *self.tx)
            .await
            .doing("checking the seeding")?;
        Ok(int(&row, "n")? > 0)
    }

    /// The replies stored for these keys, in the same order (`None` where a key is new).
    pub async fn replies(&mut self, keys: &[&RequestKey]) -> StoreResult<Vec<Option<StoredReply>>> {
        let mut found: HashMap<(String, String, String), StoredReply> = HashMap::new();
        for chunk in keys.chunks(300) {
            // `(principal = ? AND scope = ? AND key = ?) OR …`: the primary key serves each.
            let mut conditions = Vec::with_capacity(chunk.len());
            for n in 0..chunk.len() {
                conditions.push(match self.backend {
                    Backend::Sqlite => "(principal = ? AND scope = ? AND key = ?)".to_owned(),
                    Backend::Postgres => format!(
                        "(principal = ${} AND scope = ${} AND key = ${})",
                        3 * n + 1,
                        3 * n + 2,
                        3 * n + 3
                    ),
                });
            }
            let sql = format!(
                "SELECT principal, scope, key, request_hash, status, response FROM request_key WHERE {}",
                conditions.join(" OR ")
            );
            let mut query = sqlx::query(&sql);
            for key in chunk {
                query = query.bind(&key.principal).bind(&key.scope).bind(&key.key);
            }
            for row in query
                .fetch_all(&mut *self.tx)
                .await
                .doing("reading idempotency keys")?
            {
                found.insert(
                    (
                        text(&row, "principal")?,
                        text(&row, "scope")?,
                        text(&row, "key")?,
                    ),
                    StoredReply {
                        request_hash: text(&row, "request_hash")?,
                        status: int(&row, "status")? as u16,
                        response: text(&row, "response")?,
                    },
                );
            }
        }
        Ok(keys
            .iter()
            .map(|key| {
                found
                    .get(&(key.principal.clone(), key.scope.clone(), key.key.clone()))
                    .cloned()
            })
            .collect())
    }

    /// Records the replies to keyed requests. A key stored meanwhile by another transaction
    /// makes this fail with [`StoreError::Conflict`].
    pub async fn record_replies(
        &mut self,
        replies: &[(&RequestKey, StoredReply)],
    ) -> StoreResult<()> {
        self.wrote |= !replies.is_empty();
        let now = now_ms();
        for chunk in replies.chunks(300) {
            let rows = value_rows(self.backend, chunk.len(), 7);
            let sql = format!(
                "INSERT INTO request_key (principal, scope, key, request_hash, status, response, created_at) VALUES {rows}"
            );
            let mut query = sqlx::query(&sql);
            for (key, reply) in chunk {
                query = query
                    .bind(&key.principal)
                    .bind(&key.scope)
                    .bind(&key.key)
                    .bind(&reply.request_hash)
                    .bind(i64::from(reply.status))
                    .bind(&reply.response)
                    .bind(now);
            }
            query
                .execute(&mut *self.tx)
                .await
                .doing("inserting idempotency key")?;
        }
        Ok(())
    }

    /// Appends entries to the change log, each chained to the one before it (docs/ledger.md),
    /// and returns them with their sequence numbers and the world's generation (read in the
    /// same statement). The head row is taken here, so numbers are gap-free, follow the order
    /// of commits, and every server's entries make one chain; take it late in a transaction to
    /// hold it briefly.
    pub async fn append_changes(
        &mut self,
        changes: &[NewChange],
    ) -> StoreResult<(Vec<ChangeEntry>, i64)> {
        const DOING: &str = "appending to the change log";
        if changes.is_empty() {
            let row = sqlx::query("SELECT generation FROM world_state WHERE id = 1")
                .fetch_one(&mut *self.tx)
                .await
                .doing(DOING)?;
            return Ok((Vec::new(), int(&row, "generation")?));
        }
        self.logged = true;
        let count = changes.len() as i64;
        let at = now_ms();
        let head = sqlx::query(
            "UPDATE change_head SET seq = seq + $1 WHERE id = 1 \
             RETURNING seq, hash, signature, signed_by, \
             (SELECT generation FROM world_state WHERE id = 1) AS generation",
        )
        .bind(count)
        .fetch_one(&mut *self.tx)
        .await
        .doing(DOING)?;
        let (last, generation) = (int(&head, "seq")?, int(&head, "generation")?);
        let mut prev = chain_hash(&text(&head, "hash")?, last - count)?;
        // The first entry's hash covers the head's signature; the others follow unsigned ones.
        let mut prev_signed = self
            .check_head(
                last - count,
                &prev,
                &text(&head, "signature")?,
                &text(&head, "signed_by")?,
            )
            .await?;
        let mut entries = Vec::with_capacity(changes.len());
        for (change, seq) in changes.iter().zip(last - count + 1..) {
            let payload_sha256 = hash_of(&change.payload_sha256, "a payload's hash")?;
            let hash = truce_ledger::entry_hash(&truce_ledger::Fields {
                seq,
                at,
                principal: &change.principal,
                action: &change.action,
                entity: &change.entity,
                entity_id: &change.entity_id,
                reason: &change.reason,
                payload_sha256: &payload_sha256,
                prev: &prev,
                prev_signed: prev_signed.take().as_ref(),
            });
            entries.push(ChangeEntry {
                seq,
                at,
                change: change.clone(),
                prev_hash: truce_ledger::to_hex(&prev),
                hash: truce_ledger::to_hex(&hash),
                signature: String::new(),
                signed_by: String::new(),
            });
            prev = hash;
        }
        // One signature per transaction, on the head it leaves: it covers every entry before
        // through the chain, and costs the writer one signing however many entries it wrote.
        if let (Some(signer), Some(entry)) = (&self.signer, entries.last_mut()) {
            let signed = signer.sign(last, &prev);
            self.signed_head = Some((last, prev, signed));
            entry.signature = hex::encode(signed.signature);
            entry.signed_by = hex::encode(signed.key);
        }
        let insert = |rows: usize| {
            format!(
                "INSERT INTO change_log (seq, at, principal, action, entity, entity_id, reason, payload, payload_sha256, prev_hash, hash, signature, signed_by) VALUES {}",
                value_rows(self.backend, rows, 13)
            )
        };
        let head_hash = truce_ledger::to_hex(&prev);
        let (head_signature, head_signed_by) = entries
            .last()
            .map(|entry| (entry.signature.clone(), entry.signed_by.clone()))
            .unwrap_or_default();
        match self.backend {
            Backend::Postgres => {
                for chunk in entries.chunks(CHANGES_PER_STATEMENT) {
                    let sql = insert(chunk.len());
                    let mut query = sqlx::query(&sql);
                    for entry in chunk {
                        query = bind_entry(query, entry);
                    }
                    query.execute(&mut *self.tx).await.doing(DOING)?;
                }
                sqlx::query(
                    "UPDATE change_head SET hash = $1, signature = $2, signed_by = $3 WHERE id = 1",
                )
                .bind(&head_hash)
                .bind(&head_signature)
                .bind(&head_signed_by)
                .execute(&mut *self.tx)
                .await
                .doing(DOING)?;
            }
            // The entries and the head's hash in one round trip: a round trip costs SQLite's
            // writer a wake-up of this task.
            Backend::Sqlite => {
                let mut sql = String::new();
                for chunk in entries.chunks(CHANGES_PER_STATEMENT) {
                    sql.push_str(&insert(chunk.len()));
                    sql.push_str("; ");
                }
                sql.push_str(
                    "UPDATE change_head SET hash = ?, signature = ?, signed_by = ? WHERE id = 1",
                );
                let mut query = sqlx::query(&sql);
                for entry in &entries {
                    query = bind_entry(query, entry);
                }
                query
                    .bind(&head_hash)
                    .bind(&head_signature)
                    .bind(&head_signed_by)
                    .execute(&mut *self.tx)
                    .await
                    .doing(DOING)?;
            }
        }
        Ok((entries, generation))
    }

    /// Seals the entries written before the chain existed, in order, once: they get their
    /// hashes, and are append-only from then on.
    pub async fn seal_changes(&mut self) -> StoreResult<usize> {
        const DOING: &str = "sealing the change log";
        // Servers opening at once seal one after the other (SQLite's writer is one already).
        let lock = match self.backend {
            Backend::Postgres => "SELECT unsealed FROM change_head WHERE id = 1 FOR UPDATE",
            Backend::Sqlite => "SELECT unsealed FROM change_head WHERE id = 1",
        };
        let head = sqlx::query(lock)
            .fetch_one(&mut *self.tx)
            .await
            .doing(DOING)?;
        // Only the entries the migration found are sealed, once (a trigger keeps the mark from
        // being set again): after that, an entry without a hash is damage for `verify` to
        // show, never something to seal.
        if int(&head, "unsealed")? == 0 {
            return Ok(0);
        }
        // Entries from before the chain are from before signatures too: a mark found on a
        // signed log was set by hand, and sealing would re-hash entries under signatures.
        if self.ledger_key_count().await? > 0 {
            return Err(StoreError::Corrupt {
                what: "change log",
                reason: "marked for sealing, but it is signed: see `truce ledger verify`"
                    .to_owned(),
            });
        }
        let unsealed = sqlx::query(
            "SELECT seq, at, principal, action, entity, entity_id, reason, payload_sha256 \
             FROM change_log WHERE hash = '' ORDER BY seq",
        )
        .fetch_all(&mut *self.tx)
        .await
        .doing(DOING)?;
        let Some(first) = unsealed.first() else {
            return Err(StoreError::Corrupt {
                what: "change log",
                reason: "marked for sealing, but no entry is unsealed".to_owned(),
            });
        };
        if int(first, "seq")? != 1 {
            return Err(StoreError::Corrupt {
                what: "change log",
                reason: "the head has no hash, but some entries have".to_owned(),
            });
        }
        let mut prev = truce_ledger::GENESIS;
        self.wrote = true;
        for row in &unsealed {
            let seq = int(row, "seq")?;
            let payload_sha256 = hash_of(&text(row, "payload_sha256")?, "a payload's hash")?;
            let (principal, action, entity, entity_id, reason) = (
                text(row, "principal")?,
                text(row, "action")?,
                text(row, "entity")?,
                text(row, "entity_id")?,
                text(row, "reason")?,
            );
            let hash = truce_ledger::entry_hash(&truce_ledger::Fields {
                seq,
                at: int(row, "at")?,
                principal: &principal,
                action: &action,
                entity: &entity,
                entity_id: &entity_id,
                reason: &reason,
                payload_sha256: &payload_sha256,
                prev: &prev,
                // Entries from before the chain are from before signatures.
                prev_signed: None,
            });
            sqlx::query("UPDATE change_log SET prev_hash = $1, hash = $2 WHERE seq = $3")
                .bind(truce_ledger::to_hex(&prev))
                .bind(truce_ledger::to_hex(&hash))
                .bind(seq)
                .execute(&mut *self.tx)
                .await
                .doing(DOING)?;
            prev = hash;
        }
        sqlx::query("UPDATE change_head SET hash = $1, unsealed = 0 WHERE id = 1")
            .bind(truce_ledger::to_hex(&prev))
            .execute(&mut *self.tx)
            .await
            .doing(DOING)?;
        // Sealing is not a change of the record: it writes no entry of its own.
        self.logged = true;
        Ok(unsealed.len())
    }

    // -----------------------------------------------------------------------------------------
    // The world.

    /// Stores an agreement (its JSON as in agreement.json).
    pub async fn insert_agreement(&mut self, id: &str, body: &str) -> StoreResult<()> {
        self.wrote = true;
        sqlx::query("INSERT INTO agreement (id, body, created_at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(body)
            .bind(now_ms())
            .execute(&mut *self.tx)
            .await
            .doing("inserting agreement")?;
        Ok(())
    }

    /// Stores an actor.
    pub async fn insert_actor(&mut self, actor: &truce_core::actor::Actor) -> StoreResult<()> {
        self.wrote = true;
        sqlx::query("INSERT INTO actor (id, body, created_at) VALUES ($1, $2, $3)")
            .bind(actor.id.as_str())
            .bind(to_json(actor)?)
            .bind(now_ms())
            .execute(&mut *self.tx)
            .await
            .doing("inserting actor")?;
        Ok(())
    }

    /// Stores a designation.
    pub async fn insert_designation(
        &mut self,
        designation: &truce_core::actor::Designation,
    ) -> StoreResult<()> {
        self.wrote = true;
        sqlx::query("INSERT INTO designation (actor_id, body, created_at) VALUES ($1, $2, $3)")
            .bind(designation.actor.as_str())
            .bind(to_json(designation)?)
            .bind(now_ms())
            .execute(&mut *self.tx)
            .await
            .doing("inserting designation")?;
        Ok(())
    }

    /// Stores an actor's commitment, replacing the one it had (the new one carries the whole
    /// history, and the change log keeps the old).
    pub async fn put_commitment(
        &mut self,
        commitment: &truce_core::commitment::Commitment,
    ) -> StoreResult<()> {
        self.wrote = true;
        sqlx::query("DELETE FROM commitment WHERE actor_id = $1")
            .bind(commitment.actor.as_str())
            .execute(&mut *self.tx)
            .await
            .doing("replacing commitment")?;
        sqlx::query("INSERT INTO commitment (actor_id, body, updated_at) VALUES ($1, $2, $3)")
            .bind(commitment.actor.as_str())
            .bind(to_json(commitment)?)
            .bind(now_ms())
            .execute(&mut *self.tx)
            .await
            .doing("inserting commitment")?;
        Ok(())
    }

    /// Stores control-map versions (each as a one-feature layer).
    pub async fn insert_areas(&mut self, areas: &[NewArea]) -> StoreResult<()> {
        self.wrote |= !areas.is_empty();
        for area in areas {
            sqlx::query(
                "INSERT INTO area (id, contributor, valid_from, valid_to, min_lon, min_lat, max_lon, max_lat, layer, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(&area.id)
            .bind(&area.contributor)
            .bind(area.valid_from)
            .bind(area.valid_to)
            .bind(area.bbox[0])
            .bind(area.bbox[1])
            .bind(area.bbox[2])
            .bind(area.bbox[3])
            .bind(&area.layer)
            .bind(now_ms())
            .execute(&mut *self.tx)
            .await
            .doing("inserting area version")?;
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Incidents, reports, assessments.

    /// Inserts incidents with their first assessments; returns their sequence numbers in order.
    pub async fn insert_incidents(&mut self, batch: &[NewIncident]) -> StoreResult<Vec<i64>> {
        const DOING: &str = "inserting incident";
        self.wrote |= !batch.is_empty();
        // A few multi-row statements per batch, not a few per incident, and on SQLite the
        // incidents and their assessments in one round trip to the connection's thread.
        let now = now_ms();
        let mut seqs = Vec::with_capacity(batch.len());
        for chunk in batch.chunks(INCIDENTS_PER_STATEMENT) {
            let values = value_rows(self.backend, chunk.len(), 18);
            let insert_incidents = format!(
                "INSERT INTO incident (id, occurred_at, lat, lon, admin1_pcode, admin3_pcode, perpetrator, target, labels, notes, notes_folded, synthetic, body, created_at, submitted_by, verification, killed_civilian, killed_combatant) \
                 VALUES {values}"
            );
            let chunk_seqs = match self.backend {
                // The assessments find their incidents by id (one join), and the numbers the
                // incidents got come back as one row (one JSON array of [seq, id]: a row per
                // incident would cost a wake-up of this task per incident), so that the whole
                // chunk is one round trip to the connection's thread. The one writer numbers
                // the chunk's incidents after the highest before it: the last `n` numbers.
                Backend::Sqlite => {
                    let pairs = value_rows(self.backend, chunk.len(), 2);
                    let sql = format!(
                        "{insert_incidents}; \
                         SELECT json_group_array(json_array(seq, id)) AS numbered FROM incident WHERE seq > last_insert_rowid() - ?; \
                         INSERT INTO assessment (incident_seq, cause, body, created_at) \
                         SELECT i.seq, ?, v.column2, ? FROM (VALUES {pairs}) AS v JOIN incident i ON i.id = v.column1"
                    );
                    let mut query = bind_incidents(sqlx::query(&sql), chunk, now)
                        .bind(chunk.len() as i64)
                        .bind(FIRST_CAUSE)
                        .bind(now);
                    for item in chunk {
                        query = query.bind(&item.id).bind(&item.assessment);
                    }
                    // All of it, not the first row: the assessments come after.
                    let rows = query.fetch_all(&mut *self.tx).await.doing(DOING)?;
                    let [row] = rows.as_slice() else {
                        return Err(StoreError::Corrupt {
                            what: "incident insert",
                            reason: format!("{} rows where one was due", rows.len()),
                        });
                    };
                    let numbered: Vec<(i64, String)> =
                        serde_json::from_str(&text(row, "numbered")?).map_err(|error| {
                            StoreError::Corrupt {
                                what: "incident insert",
                                reason: error.to_string(),
                            }
                        })?;
                    seqs_in_order(chunk, numbered)?
                }
                Backend::Postgres => {
                    let sql = format!("{insert_incidents} RETURNING seq, id");
                    let returned = bind_incidents(sqlx::query(&sql), chunk, now)
                        .fetch_all(&mut *self.tx)
                        .await
                        .doing(DOING)?;
                    let numbered = returned
                        .iter()
                        .map(|row| Ok((int(row, "seq")?, text(row, "id")?)))
                        .collect::<StoreResult<Vec<_>>>()?;
                    seqs_in_order(chunk, numbered)?
                }
            };
            if self.backend == Backend::Postgres {
                let values = value_rows(self.backend, chunk.len(), 4);
                let sql = format!(
                    "INSERT INTO assessment (incident_seq, cause, body, created_at) VALUES {values}"
                );
                let mut query = sqlx::query(&sql);
                for (item, seq) in chunk.iter().zip(&chunk_seqs) {
                    query = query
                        .bind(*seq)
                        .bind(FIRST_CAUSE)
                        .bind(&item.assessment)
                        .bind(now);
                }
                query.execute(&mut *self.tx).await.doing(DOING)?;
            }
            seqs.extend(chunk_seqs);
        }
        let mut tallies = Deltas::default();
        for item in batch {
            let labels = crate::label_column(&item.labels);
            tallies.count(&counted(item, &labels), &tallies::ALL, 1);
        }
        self.apply_tallies(tallies).await?;
        Ok(seqs)
    }

    /// Takes an incident for a change: its sequence number and stored body, with its reports'
    /// bodies, oldest first. Another transaction changing the same incident waits until this
    /// one ends (a row lock on PostgreSQL; SQLite's write lock already excludes it), so that
    /// two reports arriving together are both counted in the incident's assessment.
    pub async fn lock_incident(
        &mut self,
        id: &str,
    ) -> StoreResult<Option<(i64, String, Vec<String>)>> {
        let sql = match self.backend {
            Backend::Postgres => "SELECT seq, body FROM incident WHERE id = $1 FOR UPDATE",
            Backend::Sqlite => "SELECT seq, body FROM incident WHERE id = $1",
        };
        let Some(row) = sqlx::query(sql)
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await
            .doing("reading incident")?
        else {
            return Ok(None);
        };
        let seq = int(&row, "seq")?;
        let reports = sqlx::query("SELECT body FROM report WHERE incident_seq = $1 ORDER BY seq")
            .bind(seq)
            .fetch_all(&mut *self.tx)
            .await
            .doing("reading reports")?
            .iter()
            .map(|row| text(row, "body"))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Some((seq, text(&row, "body")?, reports)))
    }

    /// Adds a report to an incident. Store the incident's new assessment with
    /// [`WriteTx::replace_assessments`] in the same transaction.
    pub async fn insert_report(&mut self, report: &NewReport) -> StoreResult<()> {
        self.wrote = true;
        sqlx::query(
            "INSERT INTO report (id, incident_seq, source_name, source_type, reliability, credibility, body, created_at, submitted_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&report.id)
        .bind(report.incident_seq)
        .bind(&report.source_name)
        .bind(&report.source_type)
        .bind(report.reliability.to_string())
        .bind(i64::from(report.credibility))
        .bind(&report.body)
        .bind(now_ms())
        .bind(&report.submitted_by)
        .execute(&mut *self.tx)
        .await
        .doing("inserting report")?;
        Ok(())
    }

    /// Stores new assessments: each replaces the current one of its incident, which is kept
    /// with the time it was replaced.
    pub async fn replace_assessments(&mut self, changes: &[Reassessment]) -> StoreResult<()> {
        self.wrote |= !changes.is_empty();
        let now = now_ms();
        let tallies = self.retally(changes).await?;
        for change in changes {
            sqlx::query("UPDATE assessment SET replaced_at = $1 WHERE incident_seq = $2 AND replaced_at IS NULL")
                .bind(now)
                .bind(change.incident_seq)
                .execute(&mut *self.tx)
                .await
                .doing("replacing assessment")?;
            sqlx::query("INSERT INTO assessment (incident_seq, cause, body, created_at) VALUES ($1, $2, $3, $4)")
                .bind(change.incident_seq)
                .bind(&change.cause)
                .bind(&change.assessment)
                .bind(now)
                .execute(&mut *self.tx)
                .await
                .doing("inserting assessment")?;
            sqlx::query("UPDATE incident SET labels = $1, verification = $2 WHERE seq = $3")
                .bind(crate::label_column(&change.labels))
                .bind(&change.verification)
                .bind(change.incident_seq)
                .execute(&mut *self.tx)
                .await
                .doing("updating labels")?;
        }
        self.apply_tallies(tallies).await
    }

    /// How `changes` move their incidents in the tallies: out of their old label set and
    /// verification status, into the new ones.
    async fn retally(&mut self, changes: &[Reassessment]) -> StoreResult<Deltas> {
        const DOING: &str = "reading the incidents to re-tally";
        let mut deltas = Deltas::default();
        for chunk in changes.chunks(CHANGES_PER_STATEMENT) {
            let seqs = value_rows(self.backend, 1, chunk.len())
                .trim_matches(|c| c == '(' || c == ')')
                .to_owned();
            let sql = format!(
                "SELECT seq, occurred_at, labels, verification, killed_civilian, killed_combatant \
                 FROM incident WHERE seq IN ({seqs})"
            );
            let mut query = sqlx::query(&sql);
            for change in chunk {
                query = query.bind(change.incident_seq);
            }
            let rows = query.fetch_all(&mut *self.tx).await.doing(DOING)?;
            let mut old = HashMap::with_capacity(rows.len());
            for row in &rows {
                old.insert(
                    int(row, "seq")?,
                    (
                        int(row, "occurred_at")?,
                        text(row, "labels")?,
                        text(row, "verification")?,
                        int(row, "killed_civilian")?,
                        int(row, "killed_combatant")?,
                    ),
                );
            }
            for change in chunk {
                let Some((occurred_at, labels, verification, civilian, combatant)) =
                    old.get(&change.incident_seq)
                else {
                    continue;
                };
                let new_labels = crate::label_column(&change.labels);
                let mut moved = Vec::new();
                if *labels != new_labels {
                    moved.push(Dimension::Labels);
                }
                if *verification != change.verification {
                    moved.push(Dimension::Verification);
                }
                let before = Counted {
                    occurred_at: *occurred_at,
                    labels,
                    admin1_pcode: "",
                    perpetrator: "",
                    verification,
                    killed_civilian: *civilian,
                    killed_combatant: *combatant,
                };
                deltas.count(&before, &moved, -1);
                let after = Counted {
                    labels: &new_labels,
                    verification: &change.verification,
                    ..before
                };
                deltas.count(&after, &moved, 1);
            }
        }
        Ok(deltas)
    }

    /// Gives back the memory the connection's page cache took for a long scan (SQLite keeps up
    /// to 64 MiB a connection otherwise); nothing to do on PostgreSQL.
    pub async fn shrink_memory(&mut self) -> StoreResult<()> {
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA shrink_memory")
                .execute(&mut *self.tx)
                .await
                .doing("shrinking the page cache")?;
        }
        Ok(())
    }

    /// The next page of incidents to re-classify: those after `after` (a sequence number) in
    /// sequence order, within `bbox` when given, each with its current assessment and its
    /// reports. Paging keeps memory constant however many incidents are stored.
    pub async fn review_page(
        &mut self,
        bbox: Option<[f64; 4]>,
        after: i64,
        limit: usize,
    ) -> StoreResult<Vec<ReviewItem>> {
        const DOING: &str = "reading incidents for review";
        let columns = crate::INCIDENT_COLUMNS;
        let rows = match bbox {
            Some([min_lon, min_lat, max_lon, max_lat]) => {
                sqlx::query(&format!(
                    "SELECT {columns} FROM incident i WHERE i.seq > $1 AND i.lon >= $2 AND i.lat >= $3 AND i.lon <= $4 AND i.lat <= $5 ORDER BY i.seq LIMIT {limit}"
                ))
                .bind(after)
                .bind(min_lon)
                .bind(min_lat)
                .bind(max_lon)
                .bind(max_lat)
                .fetch_all(&mut *self.tx)
                .await
            }
            None => {
                sqlx::query(&format!(
                    "SELECT {columns} FROM incident i WHERE i.seq > $1 ORDER BY i.seq LIMIT {limit}"
                ))
                .bind(after)
                .fetch_all(&mut *self.tx)
                .await
            }
        }
        .doing(DOING)?;
        let mut items = rows
            .iter()
            .map(|row| {
                Ok(ReviewItem {
                    record: incident_record(row)?,
                    reports: Vec::new(),
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let (Some(first), Some(last)) = (items.first(), items.last()) else {
            return Ok(items);
        };
        let (first, last) = (first.record.seq, last.record.seq);
        let mut position: HashMap<i64, usize> = HashMap::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            position.insert(item.record.seq, index);
        }
        for row in sqlx::query(
            "SELECT incident_seq, body FROM report WHERE incident_seq >= $1 AND incident_seq <= $2 ORDER BY seq",
        )
        .bind(first)
        .bind(last)
        .fetch_all(&mut *self.tx)
        .await
        .doing(DOING)?
        {
            if let Some(&index) = position.get(&int(&row, "incident_seq")?) {
                items[index].reports.push(text(&row, "body")?);
            }
        }
        Ok(items)
    }
}

/// Binds a change-log entry's columns after `seq`.
fn bind_entry<'q>(query: AnyQuery<'q>, entry: &'q ChangeEntry) -> AnyQuery<'q> {
    let change = &entry.change;
    query
        .bind(entry.seq)
        .bind(entry.at)
        .bind(&change.principal)
        .bind(&change.action)
        .bind(&change.entity)
        .bind(&change.entity_id)
        .bind(&change.reason)
        // An incident's record is read back from its row (`recorded_incident_payload`).
        .bind(if change.payload_in_incident {
            ""
        } else {
            change.payload.as_str()
        })
        .bind(&change.payload_sha256)
        .bind(&entry.prev_hash)
        .bind(&entry.hash)
        .bind(&entry.signature)
        .bind(&entry.signed_by)
}

/// A hash stored as hex, or the store's corruption.
fn hash_of(hex: &str, what: &'static str) -> StoreResult<truce_ledger::Hash> {
    truce_ledger::from_hex(hex).ok_or_else(|| StoreError::Corrupt {
        what,
        reason: format!("'{hex}' is not a SHA-256 in hex"),
    })
}

/// The hash the next entry chains to: the head's, or the genesis before the first entry.
fn chain_hash(hex: &str, last: i64) -> StoreResult<truce_ledger::Hash> {
    if hex.is_empty() && last == 0 {
        return Ok(truce_ledger::GENESIS);
    }
    hash_of(hex, "the change log's head")
}

/// Binds incidents' rows.
fn bind_incidents<'q>(mut query: AnyQuery<'q>, chunk: &'q [NewIncident], now: i64) -> AnyQuery<'q> {
    for item in chunk {
        query = query
            .bind(&item.id)
            .bind(item.occurred_at)
            .bind(item.lat)
            .bind(item.lon)
            .bind(item.admin1_pcode.as_deref())
            .bind(item.admin3_pcode.as_deref())
            .bind(item.perpetrator.as_deref())
            .bind(item.target.as_deref())
            .bind(crate::label_column(&item.labels))
            .bind(&item.notes)
            .bind(crate::fold_case(&item.notes))
            .bind(i64::from(item.synthetic))
            .bind(&item.body)
            .bind(now)
            .bind(&item.submitted_by)
            .bind(&item.verification)
            .bind(item.killed_civilian)
            .bind(item.killed_combatant);
    }
    query
}

/// What a new incident counts for in the tallies.
fn counted<'a>(item: &'a NewIncident, labels: &'a str) -> Counted<'a> {
    Counted {
        occurred_at: item.occurred_at,
        labels,
        admin1_pcode: item.admin1_pcode.as_deref().unwrap_or_default(),
        perpetrator: item.perpetrator.as_deref().unwrap_or_default(),
        verification: &item.verification,
        killed_civilian: item.killed_civilian,
        killed_combatant: item.killed_combatant,
    }
}

/// The sequence numbers of `chunk`'s incidents, in its order, from what the database says it
/// numbered (`(seq, id)` in any order).
fn seqs_in_order(chunk: &[NewIncident], numbered: Vec<(i64, String)>) -> StoreResult<Vec<i64>> {
    let seq_of: HashMap<String, i64> = numbered.into_iter().map(|(seq, id)| (id, seq)).collect();
    chunk
        .iter()
        .map(|item| {
            seq_of
                .get(&item.id)
                .copied()
                .ok_or_else(|| StoreError::Corrupt {
                    what: "incident insert",
                    reason: format!("no sequence number returned for {}", item.id),
                })
        })
        .collect()
}
