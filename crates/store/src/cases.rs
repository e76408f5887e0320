//! Cases: one JSON document each (the document carries its own history), the incidents they
//! gather, and the co-chairs' escalation decisions; read whole and written only in a
//! [`WriteTx`].

use crate::write::WriteTx;
use crate::{Backend, Context, Store, StoreResult, int, now_ms, text};

/// A stored case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCase {
    /// Its id.
    pub id: String,
    /// Its state when last written.
    pub state: String,
    /// Whether its findings disagreed when last written.
    pub disputed: bool,
    /// Its JSON document.
    pub body: String,
}

/// A case's row as written: the document and what lists need of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRow<'a> {
    /// Its id.
    pub id: &'a str,
    /// Its state.
    pub state: &'a str,
    /// Whether its findings disagree.
    pub disputed: bool,
    /// When it was opened (ms since the epoch).
    pub opened_at: i64,
    /// Its JSON document.
    pub body: &'a str,
}

/// An incident that needs a case and has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaselessIncident {
    /// Its place in the order of recording (where the next batch starts).
    pub seq: i64,
    /// Its id.
    pub id: String,
    /// Its perpetrator as stored (an actor id, or a name the registry did not know).
    pub perpetrator: Option<String>,
    /// Its current labels, as `,covered,transition_window,`.
    pub labels: String,
}

fn case(row: &sqlx::any::AnyRow) -> StoreResult<StoredCase> {
    Ok(StoredCase {
        id: text(row, "id")?,
        state: text(row, "state")?,
        disputed: int(row, "disputed")? != 0,
        body: text(row, "body")?,
    })
}

impl Store {
    /// Every case, by id.
    pub async fn cases(&self) -> StoreResult<Vec<StoredCase>> {
        sqlx::query("SELECT id, state, disputed, body FROM case_file ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .doing("reading cases")?
            .iter()
            .map(case)
            .collect()
    }

    /// One case.
    pub async fn case(&self, id: &str) -> StoreResult<Option<StoredCase>> {
        sqlx::query("SELECT id, state, disputed, body FROM case_file WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .doing("reading a case")?
            .as_ref()
            .map(case)
            .transpose()
    }

    /// The id of the case an incident belongs to.
    pub async fn case_of_incident(&self, incident_id: &str) -> StoreResult<Option<String>> {
        sqlx::query("SELECT case_id FROM case_incident WHERE incident_id = $1")
            .bind(incident_id)
            .fetch_optional(&self.pool)
            .await
            .doing("reading an incident's case")?
            .as_ref()
            .map(|row| text(row, "case_id"))
            .transpose()
    }

    /// Up to `limit` incidents recorded after `after_seq`, in the order of recording, whose
    /// current labels need a case (`covered`, `coverage_disputed`, `non_participant`) and that
    /// belong to none. A sweep walks forward from where its last batch ended, so that it reads
    /// each incident once.
    pub async fn caseless_incidents(
        &self,
        after_seq: i64,
        limit: i64,
    ) -> StoreResult<Vec<CaselessIncident>> {
        sqlx::query(
            "SELECT i.seq, i.id, i.perpetrator, i.labels FROM incident i \
             WHERE i.seq > $1 \
               AND (i.labels LIKE '%,covered,%' OR i.labels LIKE '%,coverage_disputed,%' \
                    OR i.labels LIKE '%,non_participant,%') \
               AND NOT EXISTS (SELECT 1 FROM case_incident c WHERE c.incident_id = i.id) \
             ORDER BY i.seq LIMIT $2",
        )
        .bind(after_seq)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .doing("finding incidents without a case")?
        .iter()
        .map(|row| {
            Ok(CaselessIncident {
                seq: int(row, "seq")?,
                id: text(row, "id")?,
                perpetrator: row_text_opt(row, "perpetrator")?,
                labels: text(row, "labels")?,
            })
        })
        .collect()
    }

    /// Every escalation decision, oldest first, as JSON documents.
    pub async fn escalation_decisions(&self) -> StoreResult<Vec<String>> {
        sqlx::query("SELECT body FROM escalation_decision ORDER BY decided_at, id")
            .fetch_all(&self.pool)
            .await
            .doing("reading escalation decisions")?
            .iter()
            .map(|row| text(row, "body"))
            .collect()
    }
}

fn row_text_opt(row: &sqlx::any::AnyRow, column: &str) -> StoreResult<Option<String>> {
    use sqlx::Row;
    row.try_get::<Option<String>, _>(column)
        .doing("reading a column")
}

impl WriteTx {
    /// Takes a case for a change: another transaction changing it waits until this one ends
    /// (a row lock on PostgreSQL; SQLite's write lock already excludes it).
    pub async fn lock_case(&mut self, id: &str) -> StoreResult<Option<StoredCase>> {
        let sql = match self.backend {
            Backend::Postgres => {
                "SELECT id, state, disputed, body FROM case_file WHERE id = $1 FOR UPDATE"
            }
            Backend::Sqlite => "SELECT id, state, disputed, body FROM case_file WHERE id = $1",
        };
        sqlx::query(sql)
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await
            .doing("reading a case")?
            .as_ref()
            .map(case)
            .transpose()
    }

    /// Every case, read in this transaction (what an escalation decision answers).
    pub async fn cases(&mut self) -> StoreResult<Vec<StoredCase>> {
        sqlx::query("SELECT id, state, disputed, body FROM case_file ORDER BY id")
            .fetch_all(&mut *self.tx)
            .await
            .doing("reading cases")?
            .iter()
            .map(case)
            .collect()
    }

    /// Every escalation decision, oldest first, read in this transaction.
    pub async fn escalation_decisions(&mut self) -> StoreResult<Vec<String>> {
        sqlx::query("SELECT body FROM escalation_decision ORDER BY decided_at, id")
            .fetch_all(&mut *self.tx)
            .await
            .doing("reading escalation decisions")?
            .iter()
            .map(|row| text(row, "body"))
            .collect()
    }

    /// The id of the case an incident belongs to, read in this transaction.
    pub async fn case_of_incident(&mut self, incident_id: &str) -> StoreResult<Option<String>> {
        sqlx::query("SELECT case_id FROM case_incident WHERE incident_id = $1")
            .bind(incident_id)
            .fetch_optional(&mut *self.tx)
            .await
            .doing("reading an incident's case")?
            .as_ref()
            .map(|row| text(row, "case_id"))
            .transpose()
    }

    /// Stores a new case with its first incident; an id or an incident taken is a conflict.
    pub async fn insert_case(&mut self, row: &CaseRow<'_>, incident_id: &str) -> StoreResult<()> {
        self.wrote = true;
        sqlx::query(
            "INSERT INTO case_file (id, state, disputed, opened_at, updated_at, body) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(row.id)
        .bind(row.state)
        .bind(i64::from(row.disputed))
        .bind(row.opened_at)
        .bind(now_ms())
        .bind(row.body)
        .execute(&mut *self.tx)
        .await
        .doing("inserting a case")?;
        self.add_case_incident(row.id, incident_id).await
    }

    /// Files an incident under a case; an incident already filed is a conflict.
    pub async fn add_case_incident(&mut self, case_id: &str, incident_id: &str) -> StoreResult<()> {
        self.wrote = true;
        sqlx::query("INSERT INTO case_incident (incident_id, case_id) VALUES ($1, $2)")
            .bind(incident_id)
            .bind(case_id)
            .execute(&mut *self.tx)
            .await
            .doing("filing an incident under a case")?;
        Ok(())
    }

    /// Files an incident under another case.
    pub async fn move_case_incident(
        &mut self,
        case_id: &str,
        incident_id: &str,
    ) -> StoreResult<()> {
        self.wrote = true;
        sqlx::query("UPDATE case_incident SET case_id = $1 WHERE incident_id = $2")
            .bind(case_id)
            .bind(incident_id)
            .execute(&mut *self.tx)
            .await
            .doing("filing an incident under another case")?;
        Ok(())
    }

    /// Replaces a case taken with [`WriteTx::lock_case`] by its next version (whose history
    /// holds the previous one's).
    pub async fn update_case(&mut self, row: &CaseRow<'_>) -> StoreResult<()> {
        self.wrote = true;
        sqlx::query(
            "UPDATE case_file SET state = $1, disputed = $2, body = $3, updated_at = $4 \
             WHERE id = $5",
        )
        .bind(row.state)
        .bind(i64::from(row.disputed))
        .bind(row.body)
        .bind(now_ms())
        .bind(row.id)
        .execute(&mut *self.tx)
        .await
        .doing("updating a case")?;
        Ok(())
    }

    /// Stores an escalation decision; an id taken is a conflict.
    pub async fn insert_escalation_decision(
        &mut self,
        id: &str,
        actor: &str,
        decided_at: i64,
        body: &str,
    ) -> StoreResult<()> {
        self.wrote = true;
        sqlx::query(
            "INSERT INTO escalation_decision (id, actor, decided_at, body) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(actor)
        .bind(decided_at)
        .bind(body)
        .execute(&mut *self.tx)
        .await
        .doing("inserting an escalation decision")?;
        Ok(())
    }
}
