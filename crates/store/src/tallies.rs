//! What the dashboard counts, kept as it is written (`incident_tally`): for each hour and each
//! value of one dimension (the label set, the governorate, the perpetrator, the verification
//! status), how many incidents there are and the highest figures of people they say were killed.
//! [`WriteTx::insert_incidents`] and [`WriteTx::replace_assessments`] keep it in step in their
//! transaction, so that reading a week of counts costs the same at a thousand incidents as at a
//! million.

use std::collections::BTreeMap;

use crate::{Context, Store, StoreResult, WriteTx, int, text, value_rows};

/// An hour in milliseconds: the tallies' bucket.
pub const HOUR_MS: i64 = 3_600_000;

/// The dimensions counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dimension {
    /// The current assessment's label set (the label column, `,covered,…,`).
    Labels,
    /// The governorate's P-code (empty when unknown).
    Admin1,
    /// The perpetrator: an actor id, or the name as reported (empty when unknown).
    Perpetrator,
    /// `alleged` or `verified`.
    Verification,
}

impl Dimension {
    fn column(self) -> &'static str {
        match self {
            Dimension::Labels => "labels",
            Dimension::Admin1 => "admin1",
            Dimension::Perpetrator => "perpetrator",
            Dimension::Verification => "verification",
        }
    }
}

/// One row of the tallies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    /// Hours since 1970-01-01 (UTC).
    pub hour: i64,
    /// The value of the dimension asked for.
    pub value: String,
    /// Incidents.
    pub incidents: i64,
    /// Civilians killed (the highest figure of each incident, summed).
    pub killed_civilian: i64,
    /// Combatants killed (the same).
    pub killed_combatant: i64,
}

/// What one incident contributes to the tallies.
pub(crate) struct Counted<'a> {
    pub occurred_at: i64,
    pub labels: &'a str,
    pub admin1_pcode: &'a str,
    pub perpetrator: &'a str,
    pub verification: &'a str,
    pub killed_civilian: i64,
    pub killed_combatant: i64,
}

/// Changes to the tallies, summed per row before they are written.
#[derive(Default)]
pub(crate) struct Deltas(BTreeMap<(Dimension, i64, String), [i64; 3]>);

impl Deltas {
    /// Counts `incident` in `dimensions` once more (`sign` 1) or once less (`sign` -1).
    pub fn count(&mut self, incident: &Counted<'_>, dimensions: &[Dimension], sign: i64) {
        let hour = incident.occurred_at.div_euclid(HOUR_MS);
        for &dimension in dimensions {
            let value = match dimension {
                Dimension::Labels => incident.labels,
                Dimension::Admin1 => incident.admin1_pcode,
                Dimension::Perpetrator => incident.perpetrator,
                Dimension::Verification => incident.verification,
            };
            let row = self
                .0
                .entry((dimension, hour, value.to_owned()))
                .or_default();
            row[0] += sign;
            row[1] += sign * incident.killed_civilian;
            row[2] += sign * incident.killed_combatant;
        }
    }
}

/// Rows per multi-row upsert (6 parameters each).
const ROWS_PER_STATEMENT: usize = 1_000;

impl WriteTx {
    /// Adds `deltas` to the tallies.
    pub(crate) async fn apply_tallies(&mut self, deltas: Deltas) -> StoreResult<()> {
        let rows: Vec<_> = deltas
            .0
            .into_iter()
            .filter(|(_, sums)| *sums != [0, 0, 0])
            .collect();
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO incident_tally (dimension, hour, value, incidents, killed_civilian, killed_combatant) \
                 VALUES {} ON CONFLICT (dimension, hour, value) DO UPDATE SET \
                 incidents = incident_tally.incidents + excluded.incidents, \
                 killed_civilian = incident_tally.killed_civilian + excluded.killed_civilian, \
                 killed_combatant = incident_tally.killed_combatant + excluded.killed_combatant",
                value_rows(self.backend, chunk.len(), 6)
            );
            let mut query = sqlx::query(&sql);
            for ((dimension, hour, value), [incidents, civilian, combatant]) in chunk {
                query = query
                    .bind(dimension.column())
                    .bind(*hour)
                    .bind(value.as_str())
                    .bind(*incidents)
                    .bind(*civilian)
                    .bind(*combatant);
            }
            query
                .execute(&mut *self.tx)
                .await
                .doing("updating the tallies")?;
        }
        Ok(())
    }
}

impl Store {
    /// The tallies of `dimension` for the hours `from_hour..to_hour`, leaving out rows that
    /// count nothing any more.
    pub async fn tallies(
        &self,
        dimension: Dimension,
        from_hour: i64,
        to_hour: i64,
    ) -> StoreResult<Vec<Tally>> {
        const DOING: &str = "reading the tallies";
        sqlx::query(
            "SELECT hour, value, incidents, killed_civilian, killed_combatant FROM incident_tally \
             WHERE dimension = $1 AND hour >= $2 AND hour < $3 AND incidents <> 0",
        )
        .bind(dimension.column())
        .bind(from_hour)
        .bind(to_hour)
        .fetch_all(&self.pool)
        .await
        .doing(DOING)?
        .iter()
        .map(|row| {
            Ok(Tally {
                hour: int(row, "hour")?,
                value: text(row, "value")?,
                incidents: int(row, "incidents")?,
                killed_civilian: int(row, "killed_civilian")?,
                killed_combatant: int(row, "killed_combatant")?,
            })
        })
        .collect()
    }
}

/// Every dimension, for an incident counted for the first time.
pub(crate) const ALL: [Dimension; 4] = [
    Dimension::Labels,
    Dimension::Admin1,
    Dimension::Perpetrator,
    Dimension::Verification,
];
