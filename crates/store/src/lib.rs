//! Truce persistence.
//!
//! One [`Store`] over sqlx's `Any` driver: SQLite by default (a file, created on first start,
//! WAL mode, foreign keys on, every commit synced to disk) and PostgreSQL when the URL starts with
//! `postgres://`. Each backend has its own migrations (`migrations/sqlite`,
//! `migrations/postgres`), run when the store opens. All queries are runtime queries written
//! once for both backends; the store takes and returns `truce-core` types or plain records.
//!
//! Reads are methods of [`Store`]. Every write is made in a [`WriteTx`], which the service layer
//! (`truce-service`) opens for a command and which refuses to commit a change without its
//! change-log entry. Incidents are written in batches ([`WriteTx::insert_incidents`]): one
//! transaction, and so one disk sync, for every request waiting at that moment. That is what
//! lets a field deployment accept thousands of durable writes a second on a small machine.

mod accounts;
mod cases;
mod formats;
mod humanitarian;
mod ledger;
mod records;
mod tallies;
mod write;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyConnection, AnyPool, Connection, Row, TransactionManager};

pub use accounts::*;
pub use cases::{CaseRow, CaselessIncident, StoredCase};
pub use formats::*;
pub use humanitarian::{RecordKind, StoredRecord};
pub use ledger::{ChainHead, LedgerKey};
pub use records::*;
/// The database driver's error, for callers that tell outages from other failures.
pub use sqlx::Error as SqlxError;
pub use tallies::{Dimension, HOUR_MS, Tally};
pub use write::WriteTx;
use write::{WriteConnection, WriterTx};

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database URL names no supported backend.
    #[error("unsupported database URL '{0}': use sqlite://FILE or postgres://…")]
    UnsupportedUrl(String),
    /// A unique key is taken.
    #[error("{0} already exists")]
    Conflict(String),
    /// Stored data that does not parse (written by another version, or edited by hand).
    #[error("stored {what} is unreadable: {reason}")]
    Corrupt {
        /// What was being read.
        what: &'static str,
        /// Why it failed.
        reason: String,
    },
    /// The database failed.
    #[error("database error while {1}: {0}")]
    Database(#[source] sqlx::Error, &'static str),
    /// A transaction that changed something was committed without a change-log entry.
    #[error("refused to commit a change without its change-log entry")]
    Unlogged,
    /// SQLite's write lock stayed taken longer than the busy timeout: try again later.
    #[error("the database is busy with another write: try again")]
    Busy,
    /// The change log refuses to be chained onto: its head is not what a server signed, or
    /// the log is signed and this store has no key to sign with.
    #[error("the change log refuses the write: {0}")]
    LedgerRefused(String),
    /// Migrations failed.
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

/// Result alias for the store.
pub type StoreResult<T> = Result<T, StoreError>;

trait Context<T> {
    fn doing(self, what: &'static str) -> StoreResult<T>;
}

impl<T> Context<T> for Result<T, sqlx::Error> {
    fn doing(self, what: &'static str) -> StoreResult<T> {
        self.map_err(|error| {
            if let sqlx::Error::Database(db) = &error {
                if db.is_unique_violation() {
                    return StoreError::Conflict(what.trim_start_matches("inserting ").to_owned());
                }
                // SQLITE_BUSY and its extended codes (5, 261, 517, …).
                if db
                    .code()
                    .and_then(|code| code.parse::<i64>().ok())
                    .is_some_and(|code| code & 0xff == 5)
                {
                    return StoreError::Busy;
                }
            }
            StoreError::Database(error, what)
        })
    }
}

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Backend {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// The backend a URL names.
    pub fn of_url(url: &str) -> StoreResult<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl(url.to_owned()))
        }
    }
}

/// How connections to `backend` are made: on SQLite, with the settings every connection needs.
fn pool_options(backend: Backend, connections: u32) -> AnyPoolOptions {
    let options = AnyPoolOptions::new()
        .max_connections(connections)
        .acquire_timeout(WAIT_FOR_CONNECTION);
    match backend {
        // An SQLite connection is a thread of this process, not a socket that may have died:
        // asking it whether it lives before each use would only cost a round trip.
        Backend::Sqlite => options
            .test_before_acquire(false)
            .after_connect(|connection, _| Box::pin(set_up_sqlite(connection))),
        Backend::Postgres => options,
    }
}

/// How long a caller waits for a connection, or for the writer.
const WAIT_FOR_CONNECTION: Duration = Duration::from_secs(10);

/// The settings of every SQLite connection.
async fn set_up_sqlite(connection: &mut AnyConnection) -> Result<(), sqlx::Error> {
    // WAL lets readers work during writes; FULL makes every commit durable.
    for pragma in [
        "PRAGMA journal_mode = WAL",
        "PRAGMA synchronous = FULL",
        "PRAGMA foreign_keys = ON",
        "PRAGMA busy_timeout = 10000",
        // Statement journals and sorts in memory. The page cache stays at SQLite's default
        // (2 MiB): ending a transaction walks the whole cache, and a larger one cost the
        // writer more than it saved in reads (docs/benchmarks.md).
        "PRAGMA temp_store = MEMORY",
        "PRAGMA cache_size = -2048",
    ] {
        sqlx::query(pragma).execute(&mut *connection).await?;
    }
    Ok(())
}

/// The database handle.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    /// On SQLite, the one connection that writes (`None` once closed). SQLite lets one writer
    /// in at a time anyway; holding it here, not in a pool, spares each transaction a wait
    /// for the pool's task that takes the connection back (behind every request the last
    /// commit answered), and keeps the pages it wrote in its cache. `None` on PostgreSQL,
    /// whose write transactions take a connection of the pool.
    writer: Option<Arc<tokio::sync::Mutex<Option<AnyConnection>>>>,
    backend: Backend,
    url: String,
    /// The server's ledger key, which signs the head each transaction leaves (`None`: the log
    /// stays unsigned, as in the store's own tests).
    signer: Option<Arc<ledger::Signer>>,
}

/// Milliseconds since the epoch, now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as i64)
}

impl Store {
    /// Opens (and for SQLite, creates) the database and runs its migrations; the change-log
    /// entries of an older release are sealed into the chain, once.
    pub async fn open(url: &str) -> StoreResult<Store> {
        let store = Store::open_unsealed(url).await?;
        let mut tx = store.begin_write().await?;
        let sealed = tx.seal_changes().await?;
        tx.commit().await?;
        if sealed > 0 {
            tracing::info!(
                sealed,
                "sealed the change log's entries written before the chain"
            );
        }
        Ok(store)
    }

    /// Opens the database as [`Store::open`] does, without sealing anything: what a check of
    /// the record opens, so that it finds the record as it is.
    pub async fn open_unsealed(url: &str) -> StoreResult<Store> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url)?;
        let url = match backend {
            // Create the file on first start.
            Backend::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_owned(),
        };
        let pool = pool_options(backend, if backend == Backend::Sqlite { 8 } else { 16 })
            .connect(&url)
            .await
            .doing("connecting")?;
        let migrator = match backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("migrations/postgres"),
        };
        // PostgreSQL migrations take an advisory lock. SQLite's do not: a server starting at
        // the same moment on a new file may apply a migration first, and this one then fails
        // on the tables it made. Looking again finds them applied.
        let mut attempt = 0;
        while let Err(error) = migrator.run(&pool).await {
            attempt += 1;
            if backend == Backend::Postgres || attempt >= 5 {
                return Err(error.into());
            }
            tracing::info!(%error, "migrating raced with another server; looking again");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let writer = match backend {
            Backend::Sqlite => {
                let mut connection = AnyConnection::connect(&url)
                    .await
                    .doing("connecting the writer")?;
                set_up_sqlite(&mut connection)
                    .await
                    .doing("setting up the writer")?;
                Some(Arc::new(tokio::sync::Mutex::new(Some(connection))))
            }
            Backend::Postgres => None,
        };
        let store = Store {
            pool,
            writer,
            backend,
            url,
            signer: None,
        };
        if backend == Backend::Sqlite {
            store.checkpoint_in_background();
        }
        Ok(store)
    }

    /// Copies the SQLite write-ahead log into the database file every 250 ms without blocking
    /// writers (a passive checkpoint), until the pool closes. SQLite's own checkpoint after a
    /// commit (every 1,000 pages) then has little left to copy, so commits wait less, and it
    /// still lets the log start over so that it does not grow without end.
    fn checkpoint_in_background(&self) {
        let pool = self.pool.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(Duration::from_millis(250));
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                ticks.tick().await;
                if pool.is_closed() {
                    break;
                }
                if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                    .execute(&pool)
                    .await
                {
                    if pool.is_closed() {
                        break;
                    }
                    tracing::warn!(%error, "WAL checkpoint failed");
                }
            }
        });
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL the store was opened with (what an operator with the database's address
    /// reaches, as the ledger's tamper tests do).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Closes every connection.
    pub async fn close(&self) {
        if let Some(writer) = &self.writer
            && let Some(connection) = writer.lock().await.take()
            && let Err(error) = connection.close().await
        {
            tracing::warn!(%error, "closing the writer");
        }
        self.pool.close().await;
    }

    /// Opens the one kind of transaction that writes (see [`WriteTx`]). On SQLite it takes the
    /// write lock at once (`BEGIN IMMEDIATE`), so that a transaction that reads before it writes
    /// waits for another writer instead of failing with "database is locked".
    pub async fn begin_write(&self) -> StoreResult<WriteTx> {
        const DOING: &str = "starting a transaction";
        let tx = match &self.writer {
            Some(writer) => {
                let taken = tokio::time::timeout(WAIT_FOR_CONNECTION, writer.clone().lock_owned())
                    .await
                    .map_err(|_| StoreError::Busy)?;
                let mut connection = tokio::sync::OwnedMutexGuard::try_map(taken, Option::as_mut)
                    .map_err(|_| sqlx::Error::PoolClosed)
                    .doing(DOING)?;
                <sqlx::Any as sqlx::Database>::TransactionManager::begin(
                    &mut connection,
                    Some("BEGIN IMMEDIATE".into()),
                )
                .await
                .doing(DOING)?;
                WriteConnection::Writer(WriterTx {
                    connection,
                    open: true,
                })
            }
            None => WriteConnection::Pooled(self.pool.begin().await.doing(DOING)?),
        };
        Ok(WriteTx {
            tx,
            backend: self.backend,
            wrote: false,
            logged: false,
            signer: self.signer.clone(),
            adopting: false,
            signed_head: None,
            learned_keys: Vec::new(),
        })
    }

    /// On PostgreSQL, calls `announced` whenever a transaction that changed the world commits
    /// (on any server), until it returns false. The listener reconnects by itself after a
    /// lost connection. On SQLite there is nothing to listen to: it returns at once.
    pub async fn listen_world<F>(&self, announced: F) -> StoreResult<()>
    where
        F: Fn() -> bool + Send + 'static,
    {
        if self.backend != Backend::Postgres {
            return Ok(());
        }
        let mut listener = sqlx::postgres::PgListener::connect(&self.url)
            .await
            .doing("connecting the listener")?;
        listener
            .listen(WORLD_CHANNEL)
            .await
            .doing("listening for changes of the world")?;
        tokio::spawn(async move {
            loop {
                match listener.recv().await {
                    Ok(_) => {
                        if !announced() {
                            break;
                        }
                    }
                    Err(error) => {
                        tracing::warn!(%error, "the change listener lost its connection; retrying");
                        // A notification may have been missed: look now, and again later.
                        if !announced() {
                            break;
                        }
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
        });
        Ok(())
    }

    /// The reply stored for a key, if any.
    pub async fn stored_reply(&self, key: &RequestKey) -> StoreResult<Option<StoredReply>> {
        let row = sqlx::query(
            "SELECT request_hash, status, response FROM request_key WHERE principal = $1 AND scope = $2 AND key = $3",
        )
        .bind(&key.principal)
        .bind(&key.scope)
        .bind(&key.key)
        .fetch_optional(&self.pool)
        .await
        .doing("reading idempotency key")?;
        row.map(|row| {
            Ok(StoredReply {
                request_hash: text(&row, "request_hash")?,
                status: int(&row, "status")? as u16,
                response: text(&row, "response")?,
            })
        })
        .transpose()
    }

    /// The world's generation as last committed (0 before the first seeding).
    pub async fn world_generation(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT generation FROM world_state WHERE id = 1")
            .fetch_one(&self.pool)
            .await
            .doing("reading the world's generation")?;
        int(&row, "generation")
    }

    /// Whether the database holds a seeded scenario (an agreement).
    pub async fn is_seeded(&self) -> StoreResult<bool> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM agreement")
            .fetch_one(&self.pool)
            .await
            .doing("checking the seeding")?;
        Ok(int(&row, "n")? > 0)
    }

    /// Change-log entries after `after`, in sequence order, at most `limit`.
    pub async fn changes(&self, after: i64, limit: usize) -> StoreResult<Vec<ChangeEntry>> {
        const DOING: &str = "reading the change log";
        // An empty payload is an incident's record: its bytes are rebuilt from the incident's
        // stored body (see `recorded_incident_payload`).
        sqlx::query(&format!(
            "SELECT c.seq, c.at, c.principal, c.action, c.entity, c.entity_id, c.reason, \
             CASE WHEN c.payload = '' THEN $2 || i.body || $3 ELSE c.payload END AS payload, \
             CASE WHEN c.payload = '' THEN 1 ELSE 0 END AS payload_in_incident, c.payload_sha256, \
             c.prev_hash, c.hash, c.signature, c.signed_by \
             FROM change_log c LEFT JOIN incident i ON c.payload = '' AND i.id = c.entity_id \
             WHERE c.seq > $1 ORDER BY c.seq LIMIT {limit}"
        ))
        .bind(after)
        .bind(formats::RECORDED_INCIDENT_BEFORE)
        .bind(formats::RECORDED_INCIDENT_AFTER)
        .fetch_all(&self.pool)
        .await
        .doing(DOING)?
        .iter()
        .map(|row| {
            let seq = int(row, "seq")?;
            let payload = row
                .try_get::<Option<String>, _>("payload")
                .doing(DOING)?
                .ok_or_else(|| StoreError::Corrupt {
                    what: "change log",
                    reason: format!("entry {seq} records an incident that is not stored"),
                })?;
            Ok(ChangeEntry {
                seq,
                at: int(row, "at")?,
                change: NewChange {
                    principal: text(row, "principal")?,
                    action: text(row, "action")?,
                    entity: text(row, "entity")?,
                    entity_id: text(row, "entity_id")?,
                    reason: text(row, "reason")?,
                    payload,
                    payload_sha256: text(row, "payload_sha256")?,
                    payload_in_incident: int(row, "payload_in_incident")? == 1,
                },
                prev_hash: text(row, "prev_hash")?,
                hash: text(row, "hash")?,
                signature: text(row, "signature")?,
                signed_by: text(row, "signed_by")?,
            })
        })
        .collect()
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .doing("pinging")?;
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Agreements, actors, designations, commitments, areas.

    /// What the world is built from, as stored (see [`WorldRows`]).
    pub async fn world_rows(&self) -> StoreResult<WorldRows> {
        let mut connection = self.pool.acquire().await.doing("acquiring a connection")?;
        read_world_rows(&mut connection).await
    }

    // -----------------------------------------------------------------------------------------
    // Incidents, assessments, reports, idempotency.

    /// One incident with its reports and assessment history.
    pub async fn incident(&self, id: &str) -> StoreResult<Option<IncidentDetail>> {
        let Some(row) = sqlx::query(&format!(
            "SELECT {INCIDENT_COLUMNS} FROM incident i WHERE i.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .doing("reading incident")?
        else {
            return Ok(None);
        };
        let record = incident_record(&row)?;
        let history = sqlx::query("SELECT cause, body, created_at, replaced_at FROM assessment WHERE incident_seq = $1 ORDER BY seq")
            .bind(record.seq)
            .fetch_all(&self.pool)
            .await
            .doing("reading assessments")?
            .iter()
            .map(|row| {
                Ok(AssessmentRecord {
                    cause: text(row, "cause")?,
                    body: text(row, "body")?,
                    created_at: int(row, "created_at")?,
                    replaced_at: row.try_get::<Option<i64>, _>("replaced_at").doing("reading assessments")?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let reports = self.reports_of(record.seq).await?;
        Ok(Some(IncidentDetail {
            record,
            history,
            reports,
        }))
    }

    async fn reports_of(&self, seq: i64) -> StoreResult<Vec<ReportRecord>> {
        sqlx::query("SELECT id, body, created_at, submitted_by FROM report WHERE incident_seq = $1 ORDER BY seq")
            .bind(seq)
            .fetch_all(&self.pool)
            .await
            .doing("reading reports")?
            .iter()
            .map(|row| {
                Ok(ReportRecord {
                    id: text(row, "id")?,
                    body: text(row, "body")?,
                    created_at: int(row, "created_at")?,
                    submitted_by: text(row, "submitted_by")?,
                })
            })
            .collect()
    }

    /// A page of incidents matching `filter`, newest first, after `cursor`.
    pub async fn incidents(
        &self,
        filter: &IncidentFilter,
        cursor: Option<Cursor>,
        limit: usize,
    ) -> StoreResult<Page> {
        let mut conditions = Conditions::default();
        if let Some(from) = filter.from {
            conditions.add("i.occurred_at >= ?", [Bind::Int(from)]);
        }
        if let Some(to) = filter.to {
            conditions.add("i.occurred_at < ?", [Bind::Int(to)]);
        }
        if let Some([min_lon, min_lat, max_lon, max_lat]) = filter.bbox {
            conditions.add(
                "i.lon >= ? AND i.lat >= ? AND i.lon <= ? AND i.lat <= ?",
                [
                    Bind::Float(min_lon),
                    Bind::Float(min_lat),
                    Bind::Float(max_lon),
                    Bind::Float(max_lat),
                ],
            );
        }
        if let Some(label) = &filter.label {
            conditions.add("i.labels LIKE ?", [Bind::Text(format!("%,{label},%"))]);
        }
        if let Some(actor) = &filter.actor {
            conditions.add(
                "(i.perpetrator = ? OR i.target = ?)",
                [Bind::Text(actor.clone()), Bind::Text(actor.clone())],
            );
        }
        if let Some(actor) = &filter.naming {
            conditions.add(
                "(i.perpetrator = ? OR i.target = ?)",
                [Bind::Text(actor.clone()), Bind::Text(actor.clone())],
            );
        }
        if let Some(admin1) = &filter.admin1 {
            conditions.add("i.admin1_pcode = ?", [Bind::Text(admin1.clone())]);
        }
        if let Some(perpetrators) = &filter.perpetrators {
            // No actor: no incident (an empty IN list is not SQL).
            let marks = vec!["?"; perpetrators.len().max(1)].join(", ");
            let mut binds: Vec<Bind> = perpetrators.iter().cloned().map(Bind::Text).collect();
            if binds.is_empty() {
                binds.push(Bind::Text(String::new()));
            }
            conditions.add(&format!("i.perpetrator IN ({marks})"), binds);
        }
        if let Some(verification) = &filter.verification {
            conditions.add("i.verification = ?", [Bind::Text(verification.clone())]);
        }
        if let Some(text) = &filter.text {
            // Folded by the server, so that non-ASCII letters match whatever their case on
            // both backends; `%`, `_` and the escape character itself are matched literally.
            conditions.add(
                "i.notes_folded LIKE ? ESCAPE '\\'",
                [Bind::Text(format!("%{}%", like_literal(&fold_case(text))))],
            );
        }
        if let Some(cursor) = cursor {
            // After the cursor's incident in the list's order (a cursor naming no incident
            // ends the list).
            let at = "(SELECT c.occurred_at FROM incident c WHERE c.seq = ?)";
            conditions.add(
                &format!("(i.occurred_at < {at} OR (i.occurred_at = {at} AND i.seq < ?))"),
                [
                    Bind::Int(cursor.seq),
                    Bind::Int(cursor.seq),
                    Bind::Int(cursor.seq),
                ],
            );
        }
        let Conditions { clauses, binds } = conditions;
        let filter_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let sql = format!(
            "SELECT {INCIDENT_COLUMNS} FROM incident i {filter_sql} ORDER BY i.occurred_at DESC, i.seq DESC LIMIT {}",
            limit + 1
        );
        let mut query = sqlx::query(&sql);
        for bind in binds {
            query = match bind {
                Bind::Int(value) => query.bind(value),
                Bind::Float(value) => query.bind(value),
                Bind::Text(value) => query.bind(value),
            };
        }
        let rows = query
            .fetch_all(&self.pool)
            .await
            .doing("listing incidents")?;
        let mut items = rows
            .iter()
            .map(incident_record)
            .collect::<StoreResult<Vec<_>>>()?;
        let next = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|last| Cursor { seq: last.seq })
        } else {
            None
        };
        Ok(Page { items, next })
    }

    /// The most recent incidents, for drawing markers.
    pub async fn incident_markers(
        &self,
        limit: usize,
        from_ms: Option<i64>,
        to_ms: Option<i64>,
    ) -> StoreResult<Vec<IncidentMarker>> {
        const DOING: &str = "reading incident markers";
        let sql = format!(
            "SELECT id, occurred_at, lat, lon, labels, perpetrator, target, admin3_pcode FROM incident \
             WHERE lat IS NOT NULL AND lon IS NOT NULL AND occurred_at >= $1 AND occurred_at < $2 \
             ORDER BY occurred_at DESC, seq DESC LIMIT {limit}"
        );
        sqlx::query(&sql)
            .bind(from_ms.unwrap_or(i64::MIN))
            .bind(to_ms.unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await
            .doing(DOING)?
            .iter()
            .map(|row| {
                let labels = text(row, "labels")?;
                Ok(IncidentMarker {
                    id: text(row, "id")?,
                    occurred_at: int(row, "occurred_at")?,
                    lat: row.try_get::<f64, _>("lat").doing(DOING)?,
                    lon: row.try_get::<f64, _>("lon").doing(DOING)?,
                    labels: labels
                        .split(',')
                        .filter(|l| !l.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    perpetrator: row.try_get("perpetrator").doing(DOING)?,
                    target: row.try_get("target").doing(DOING)?,
                    admin3_pcode: row.try_get("admin3_pcode").doing(DOING)?,
                })
            })
            .collect()
    }

    /// assessment's sequence number), for caches of what is drawn from them.
    pub async fn data_version(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COALESCE(MAX(seq), 0) AS version FROM assessment")
            .fetch_one(&self.pool)
            .await
            .doing("reading the data version")?;
        int(&row, "version")
    }

    /// Counts incidents (all, or synthetic only).
    pub async fn count_incidents(&self, synthetic_only: bool) -> StoreResult<i64> {
        let sql = if synthetic_only {
            "SELECT COUNT(*) AS n FROM incident WHERE synthetic = 1"
        } else {
            "SELECT COUNT(*) AS n FROM incident"
        };
        let row = sqlx::query(sql)
            .fetch_one(&self.pool)
            .await
            .doing("counting incidents")?;
        int(&row, "n")
    }
}

enum Bind {
    Int(i64),
    Float(f64),
    Text(String),
}

/// WHERE conditions with numbered placeholders (`$1`, `$2`, … in order, as both backends take).
#[derive(Default)]
struct Conditions {
    clauses: Vec<String>,
    binds: Vec<Bind>,
}

impl Conditions {
    /// Adds a condition whose `?` marks take `values` in order.
    fn add(&mut self, clause: &str, values: impl IntoIterator<Item = Bind>) {
        let mut numbered = String::with_capacity(clause.len() + 8);
        for piece in clause.split('?').enumerate() {
            if piece.0 > 0 {
                numbered.push_str(&format!("${}", self.binds.len() + piece.0));
            }
            numbered.push_str(piece.1);
        }
        self.binds.extend(values);
        self.clauses.push(numbered);
    }
}

const INCIDENT_COLUMNS: &str = "i.seq, i.id, i.occurred_at, i.lat, i.lon, i.admin1_pcode, i.admin3_pcode, i.perpetrator, i.target, i.labels, i.notes, i.synthetic, i.body, i.created_at, i.submitted_by, \
     (SELECT a.body FROM assessment a WHERE a.incident_seq = i.seq AND a.replaced_at IS NULL ORDER BY a.seq DESC LIMIT 1) AS assessment";

/// Reads what the world is built from on one connection (a pool's or a transaction's).
async fn read_world_rows(connection: &mut sqlx::AnyConnection) -> StoreResult<WorldRows> {
    const DOING: &str = "reading the world";
    let agreements = sqlx::query("SELECT id, body FROM agreement ORDER BY seq")
        .fetch_all(&mut *connection)
        .await
        .doing(DOING)?
        .iter()
        .map(|row| Ok((text(row, "id")?, text(row, "body")?)))
        .collect::<StoreResult<_>>()?;
    let actors = sqlx::query("SELECT body FROM actor ORDER BY seq")
        .fetch_all(&mut *connection)
        .await
        .doing(DOING)?
        .iter()
        .map(|row| from_json(row, "actor"))
        .collect::<StoreResult<_>>()?;
    let designations = sqlx::query("SELECT body FROM designation ORDER BY seq")
        .fetch_all(&mut *connection)
        .await
        .doing(DOING)?
        .iter()
        .map(|row| from_json(row, "designation"))
        .collect::<StoreResult<_>>()?;
    let commitments = sqlx::query("SELECT body FROM commitment ORDER BY actor_id")
        .fetch_all(&mut *connection)
        .await
        .doing(DOING)?
        .iter()
        .map(|row| from_json(row, "commitment"))
        .collect::<StoreResult<_>>()?;
    let area_layers = sqlx::query("SELECT layer FROM area ORDER BY seq")
        .fetch_all(&mut *connection)
        .await
        .doing(DOING)?
        .iter()
        .map(|row| text(row, "layer"))
        .collect::<StoreResult<_>>()?;
    let generation = int(
        &sqlx::query("SELECT generation FROM world_state WHERE id = 1")
            .fetch_one(&mut *connection)
            .await
            .doing(DOING)?,
        "generation",
    )?;
    Ok(WorldRows {
        generation,
        agreements,
        actors,
        designations,
        commitments,
        area_layers,
    })
}

/// `(…), (…)` with `rows` groups of `columns` placeholders, numbered in order. SQLite gets
/// plain `?` marks: sqlx looks up every `$N` by name, which costs more than the insert itself
/// in statements with thousands of parameters.
fn value_rows(backend: Backend, rows: usize, columns: usize) -> String {
    let mut sql = String::with_capacity(rows * columns * 5);
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            match backend {
                Backend::Sqlite => sql.push('?'),
                Backend::Postgres => sql.push_str(&format!("${}", row * columns + column + 1)),
            }
        }
        sql.push(')');
    }
    sql
}

/// Lower case for the text search (Unicode-aware, unlike SQLite's LOWER).
pub fn fold_case(text: &str) -> String {
    text.to_lowercase()
}

/// `text` as a LIKE pattern that matches it literally (with `\\` as the escape character).
fn like_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The PostgreSQL channel on which a change of the world is announced (its payload is the new
/// generation).
pub const WORLD_CHANNEL: &str = "truce_world";

fn label_column(labels: &[String]) -> String {
    format!(",{},", labels.join(","))
}

fn incident_record(row: &AnyRow) -> StoreResult<IncidentRecord> {
    let labels: String = text(row, "labels")?;
    Ok(IncidentRecord {
        seq: int(row, "seq")?,
        id: text(row, "id")?,
        occurred_at: int(row, "occurred_at")?,
        lat: row.try_get("lat").doing("reading incident")?,
        lon: row.try_get("lon").doing("reading incident")?,
        admin1_pcode: row.try_get("admin1_pcode").doing("reading incident")?,
        admin3_pcode: row.try_get("admin3_pcode").doing("reading incident")?,
        perpetrator: row.try_get("perpetrator").doing("reading incident")?,
        target: row.try_get("target").doing("reading incident")?,
        labels: labels
            .split(',')
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        notes: text(row, "notes")?,
        synthetic: int(row, "synthetic")? == 1,
        body: text(row, "body")?,
        assessment: row
            .try_get::<Option<String>, _>("assessment")
            .doing("reading incident")?
            .unwrap_or_default(),
        created_at: int(row, "created_at")?,
        submitted_by: text(row, "submitted_by")?,
    })
}

fn text(row: &AnyRow, column: &str) -> StoreResult<String> {
    row.try_get(column).doing("reading a text column")
}

fn int(row: &AnyRow, column: &str) -> StoreResult<i64> {
    row.try_get(column).doing("reading an integer column")
}

fn to_json<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|error| StoreError::Corrupt {
        what: "value",
        reason: error.to_string(),
    })
}

fn from_json<T: serde::de::DeserializeOwned>(row: &AnyRow, what: &'static str) -> StoreResult<T> {
    let body = text(row, "body")?;
    serde_json::from_str(&body).map_err(|error| StoreError::Corrupt {
        what,
        reason: error.to_string(),
    })
}

impl FromStr for Cursor {
    type Err = ();
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Cursor {
            seq: text.parse().map_err(|_| ())?,
        })
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.seq)
    }
}
