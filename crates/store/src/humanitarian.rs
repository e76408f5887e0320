//! Humanitarian records: locations, convoys and air operations, one JSON document each (the
//! document carries its own history), read whole and written only in a [`WriteTx`].

use crate::write::WriteTx;
use crate::{Backend, Context, Store, StoreResult, now_ms, text};

/// What a humanitarian record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    /// A besieged or hard-to-reach location.
    Location,
    /// A convoy.
    Convoy,
    /// An airdrop or airlift.
    AirOperation,
}

impl RecordKind {
    /// The name stored in the `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Location => "location",
            RecordKind::Convoy => "convoy",
            RecordKind::AirOperation => "air_operation",
        }
    }
}

/// A stored humanitarian record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    /// Its id.
    pub id: String,
    /// Its state when last written.
    pub state: String,
    /// Its JSON document.
    pub body: String,
}

fn record(row: &sqlx::any::AnyRow) -> StoreResult<StoredRecord> {
    Ok(StoredRecord {
        id: text(row, "id")?,
        state: text(row, "state")?,
        body: text(row, "body")?,
    })
}

impl Store {
    /// Every record of a kind, by id.
    pub async fn humanitarian_records(&self, kind: RecordKind) -> StoreResult<Vec<StoredRecord>> {
        sqlx::query("SELECT id, state, body FROM humanitarian_record WHERE kind = $1 ORDER BY id")
            .bind(kind.as_str())
            .fetch_all(&self.pool)
            .await
            .doing("reading humanitarian records")?
            .iter()
            .map(record)
            .collect()
    }

    /// One record.
    pub async fn humanitarian_record(
        &self,
        kind: RecordKind,
        id: &str,
    ) -> StoreResult<Option<StoredRecord>> {
        sqlx::query("SELECT id, state, body FROM humanitarian_record WHERE kind = $1 AND id = $2")
            .bind(kind.as_str())
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .doing("reading a humanitarian record")?
            .as_ref()
            .map(record)
            .transpose()
    }
}

impl WriteTx {
    /// Takes a record for a change: another transaction changing it waits until this one
    /// ends (a row lock on PostgreSQL; SQLite's write lock already excludes it).
    pub async fn lock_humanitarian(
        &mut self,
        kind: RecordKind,
        id: &str,
    ) -> StoreResult<Option<StoredRecord>> {
        let sql = match self.backend {
            Backend::Postgres => {
                "SELECT id, state, body FROM humanitarian_record WHERE kind = $1 AND id = $2 FOR UPDATE"
            }
            Backend::Sqlite => {
                "SELECT id, state, body FROM humanitarian_record WHERE kind = $1 AND id = $2"
            }
        };
        sqlx::query(sql)
            .bind(kind.as_str())
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await
            .doing("reading a humanitarian record")?
            .as_ref()
            .map(record)
            .transpose()
    }

    /// Whether any record of a kind is stored.
    pub async fn has_humanitarian(&mut self, kind: RecordKind) -> StoreResult<bool> {
        Ok(
            sqlx::query("SELECT id FROM humanitarian_record WHERE kind = $1 LIMIT 1")
                .bind(kind.as_str())
                .fetch_optional(&mut *self.tx)
                .await
                .doing("reading humanitarian records")?
                .is_some(),
        )
    }

    /// Stores a new record; an id taken is a conflict.
    pub async fn insert_humanitarian(
        &mut self,
        kind: RecordKind,
        id: &str,
        state: &str,
        body: &str,
    ) -> StoreResult<()> {
        self.wrote = true;
        let now = now_ms();
        sqlx::query(
            "INSERT INTO humanitarian_record (kind, id, state, body, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(kind.as_str())
        .bind(id)
        .bind(state)
        .bind(body)
        .bind(now)
        .bind(now)
        .execute(&mut *self.tx)
        .await
        .doing("inserting humanitarian record")?;
        Ok(())
    }

    /// Replaces a record taken with [`WriteTx::lock_humanitarian`] by its next version (whose
    /// history holds the previous one's).
    pub async fn update_humanitarian(
        &mut self,
        kind: RecordKind,
        id: &str,
        state: &str,
        body: &str,
    ) -> StoreResult<()> {
        self.wrote = true;
        sqlx::query(
            "UPDATE humanitarian_record SET state = $1, body = $2, updated_at = $3 \
             WHERE kind = $4 AND id = $5",
        )
        .bind(state)
        .bind(body)
        .bind(now_ms())
        .bind(kind.as_str())
        .bind(id)
        .execute(&mut *self.tx)
        .await
        .doing("updating humanitarian record")?;
        Ok(())
    }
}
