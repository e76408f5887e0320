//! Re-classification of stored incidents after a change of the world, inside the change's
//! transaction, in pages streamed from the database: memory stays constant however many
//! incidents are stored.

use std::time::Instant;

use truce_store::{AssessmentBody, Reassessment, WriteTx};

use crate::ServiceError;
use crate::incidents::assess_stored;
use crate::world::World;

/// Incidents read, classified and written per page.
const PAGE: usize = 1_000;
/// How often progress is logged, in incidents.
const PROGRESS_EVERY: u64 = 100_000;

/// Classifies every stored incident within `bbox` (all when `None`) against `world`, and
/// stores a new assessment for each one whose assessment changed. Returns how many changed.
pub(crate) async fn reclassify(
    tx: &mut WriteTx,
    world: &World,
    bbox: Option<[f64; 4]>,
    cause: &str,
) -> Result<u64, ServiceError> {
    let started = Instant::now();
    let (mut after, mut seen, mut changed) = (0, 0u64, 0u64);
    loop {
        let page = tx.review_page(bbox, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.record.seq;
        let mut changes = Vec::new();
        for item in &page {
            let assessment = assess_stored(&item.record.body, &item.reports, world)?;
            let current: Option<AssessmentBody> =
                serde_json::from_str(&item.record.assessment).ok();
            if current.as_ref() != Some(&assessment) {
                changes.push(Reassessment {
                    incident_seq: item.record.seq,
                    cause: cause.to_owned(),
                    labels: assessment.labels.clone(),
                    verification: assessment.verification.clone(),
                    assessment: serde_json::to_string(&assessment)
                        .map_err(|e| ServiceError::Internal(e.to_string()))?,
                });
            }
        }
        tx.replace_assessments(&changes).await?;
        changed += changes.len() as u64;
        let before = seen;
        seen += page.len() as u64;
        if seen / PROGRESS_EVERY > before / PROGRESS_EVERY {
            tracing::info!(seen, changed, cause, "re-classifying");
        }
    }
    tx.shrink_memory().await?;
    tracing::info!(
        seen,
        changed,
        cause,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "re-classified"
    );
    Ok(changed)
}
