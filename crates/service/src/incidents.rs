//! Incidents and reports through the door.
//!
//! Incidents are written by a group commit: commands that arrive while a transaction is being
//! written wait for the next one, so that one disk sync serves many durable writes. Each
//! transaction reads the world's generation (which a change of the world waits for), classifies
//! its incidents against the world of that generation, and writes them with their change-log
//! entries and idempotency records.

use std::collections::HashMap;
use std::sync::Weak;

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};
use truce_core::classify;
use truce_store::{
    AssessmentBody, IncidentBody, NewChange, NewIncident, NewReport, Reassessment, ReportBody,
    RequestKey, StoreError, StoredReply,
};

use crate::world::{World, core_incident, source_grade};
use crate::{
    Applied, Command, Inner, Outcome, Render, Reply, Request, Service, ServiceError, change_entry,
    change_entry_of, replay,
};

/// The most incidents written in one transaction.
const MAX_BATCH: usize = 512;

/// The assessment of an incident with the grades of its reports.
pub(crate) fn assess(
    incident: &IncidentBody,
    reports: &[&ReportBody],
    world: &World,
) -> Result<AssessmentBody, ServiceError> {
    let sources = reports.iter().map(|report| source_grade(report)).collect();
    let core = core_incident(incident, sources)
        .map_err(|e| ServiceError::invalid(format!("incident {}: {e}", incident.id)))?;
    Ok(AssessmentBody::from(&classify(&core, &world.scenario)))
}

/// The assessment of a stored incident (its body and its reports' bodies as stored).
pub(crate) fn assess_stored(
    body: &str,
    reports: &[String],
    world: &World,
) -> Result<AssessmentBody, ServiceError> {
    let corrupt = |e: serde_json::Error| ServiceError::Internal(format!("a stored incident: {e}"));
    let incident: IncidentBody = serde_json::from_str(body).map_err(corrupt)?;
    let reports: Vec<ReportBody> = reports
        .iter()
        .map(|text| serde_json::from_str(text).map_err(corrupt))
        .collect::<Result<_, _>>()?;
    let reports: Vec<&ReportBody> = reports.iter().collect();
    // What was stored was checked when it came in: failing now is the store's fault.
    assess(&incident, &reports, world).map_err(|error| match error {
        ServiceError::Invalid { message, .. } => ServiceError::Internal(message),
        other => other,
    })
}

/// The name of the user a request comes from, for "submitted by" (empty for the server and
/// the command line).
pub(crate) fn submitted_by(request: &Request) -> &str {
    request.principal.user_name().unwrap_or_default()
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, ServiceError> {
    serde_json::to_string(value).map_err(|e| ServiceError::Internal(e.to_string()))
}

/// The store row of a classified incident.
pub(crate) fn incident_row(
    incident: &IncidentBody,
    assessment: &AssessmentBody,
    submitted_by: &str,
) -> Result<NewIncident, ServiceError> {
    let occurred_at = DateTime::parse_from_rfc3339(&incident.occurred_at)
        .map_err(|e| ServiceError::invalid(format!("occurred_at: {e}")))?
        .with_timezone(&Utc)
        .timestamp_millis();
    let party = |actor: &Option<truce_store::ActorName>| {
        actor
            .as_ref()
            .map(|a| a.id.clone().unwrap_or_else(|| a.name.clone()))
    };
    Ok(NewIncident {
        id: incident.id.clone(),
        occurred_at,
        lat: Some(incident.lat),
        lon: Some(incident.lon),
        admin1_pcode: incident.admin1_pcode.clone(),
        admin3_pcode: incident.admin3_pcode.clone(),
        perpetrator: party(&incident.perpetrator),
        target: party(&incident.target),
        labels: assessment.labels.clone(),
        notes: incident.notes.clone(),
        synthetic: incident.synthetic,
        body: to_json(incident)?,
        assessment: to_json(assessment)?,
        verification: assessment.verification.clone(),
        killed_civilian: i64::from(incident.casualties.killed_civilian.max),
        killed_combatant: i64::from(incident.casualties.killed_combatant.max),
        submitted_by: submitted_by.to_owned(),
    })
}

/// The store row of a report.
fn report_row(
    report: &ReportBody,
    incident_seq: i64,
    submitted_by: &str,
) -> Result<NewReport, ServiceError> {
    Ok(NewReport {
        id: report.id.clone(),
        incident_seq,
        source_name: report.source_name.clone(),
        source_type: report.source_type.clone(),
        reliability: report.reliability.chars().next().unwrap_or('F'),
        credibility: report.credibility,
        body: to_json(report)?,
        submitted_by: submitted_by.to_owned(),
    })
}

/// Adds a report to a recorded incident and re-assesses the incident, in one transaction.
pub(crate) async fn add_report(
    service: &Service,
    request: &Request,
    report: ReportBody,
    render: &Render,
) -> Result<Outcome, ServiceError> {
    let mut tx = service.store().begin_write().await?;
    let generation = tx.world_generation().await?;
    if let Some(outcome) = crate::transaction::retried(&mut tx, request).await? {
        return Ok(outcome);
    }
    let world = service.world_in(&mut tx, generation).await?;
    let Some((seq, body, reports)) = tx.lock_incident(&report.incident_id).await? else {
        return Err(ServiceError::NotFound(format!(
            "no incident '{}'",
            report.incident_id
        )));
    };
    let mut reports = reports;
    reports.push(to_json(&report)?);
    let assessment = assess_stored(&body, &reports, &world)?;
    tx.insert_report(&report_row(&report, seq, submitted_by(request))?)
        .await?;
    tx.replace_assessments(&[Reassessment {
        incident_seq: seq,
        cause: format!("report {} added", report.id),
        labels: assessment.labels.clone(),
        verification: assessment.verification.clone(),
        assessment: to_json(&assessment)?,
    }])
    .await?;
    let reply = render(
        &Applied::Report {
            report: report.clone(),
            assessment,
        },
        &world,
    )?;
    let command = Command::AddReport { report };
    crate::transaction::finish(tx, request, &command, reply).await
}

/// An incident waiting for the writer.
struct Pending {
    request: Request,
    incident: IncidentBody,
    report: Option<ReportBody>,
    render: Render,
    /// Classified, rendered and encoded by the caller against the world it had, so that the
    /// writer task (one per server) only writes; redone in the writer if the world changed,
    /// or if a failed batch took it and the incident is written again.
    prepared: Option<Prepared>,
    answer: oneshot::Sender<Result<Outcome, ServiceError>>,
}

/// An incident ready to write: its row, its reply and its change-log entry, for one world.
struct Prepared {
    generation: i64,
    row: NewIncident,
    reply: Reply,
    change: NewChange,
}

/// Classifies an incident against `world`, renders its reply and encodes its entry.
fn prepare(
    request: &Request,
    incident: &IncidentBody,
    report: &Option<ReportBody>,
    render: &Render,
    world: &World,
) -> Result<Prepared, ServiceError> {
    let first_reports: Vec<&ReportBody> = report.iter().collect();
    let assessment = assess(incident, &first_reports, world)?;
    let row = incident_row(incident, &assessment, submitted_by(request))?;
    let command = Command::RecordIncident {
        incident: incident.clone(),
        report: report.clone(),
    };
    // Without a report, the payload is the incident's stored body in its command, and the
    // change log keeps it as that row rather than as a second copy.
    let change = match report {
        None => change_entry_of(
            request,
            &command,
            truce_store::recorded_incident_payload(&row.body),
            true,
        ),
        Some(_) => change_entry(request, &command)?,
    };
    let Command::RecordIncident { incident, report } = command else {
        return Err(ServiceError::Internal("an incident command".to_owned()));
    };
    let reply = render(
        &Applied::Incident {
            incident,
            assessment,
            report,
        },
        world,
    )?;
    Ok(Prepared {
        generation: world.generation,
        row,
        reply,
        change,
    })
}

/// A handle to the writer task.
pub(crate) struct Writer {
    sender: mpsc::Sender<Pending>,
}

impl Writer {
    /// Starts the writer task on the current runtime. It holds the service weakly and stops
    /// when the service is dropped.
    pub(crate) fn start(service: Weak<Inner>) -> Writer {
        let (sender, receiver) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(run(service, receiver));
        Writer { sender }
    }

    /// Records one incident durably; returns once its transaction has committed. It is
    /// classified here against `world` (the caller's), and again in the writer's transaction
    /// only if the world has changed since.
    pub(crate) async fn record(
        &self,
        world: &World,
        request: Request,
        incident: IncidentBody,
        report: Option<ReportBody>,
        render: Render,
    ) -> Result<Outcome, ServiceError> {
        let prepared = prepare(&request, &incident, &report, &render, world)?;
        let (answer, answered) = oneshot::channel();
        let stopped = || ServiceError::Internal("the incident writer has stopped".to_owned());
        self.sender
            .send(Pending {
                request,
                incident,
                report,
                render,
                prepared: Some(prepared),
                answer,
            })
            .await
            .map_err(|_| stopped())?;
        answered.await.map_err(|_| stopped())?
    }
}

async fn run(service: Weak<Inner>, mut receiver: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = receiver.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(item) => batch.push(item),
                Err(_) => break,
            }
        }
        let Some(inner) = service.upgrade() else {
            break;
        };
        let service = Service { inner };
        let mut written = write_batch(&service, &mut batch).await;
        // The world changed since this server last looked: load it and write again.
        for _ in 0..3 {
            let Err(ServiceError::Stale(generation)) = written else {
                break;
            };
            written = match service.world_at(generation).await {
                Ok(_) => write_batch(&service, &mut batch).await,
                Err(error) => Err(error),
            };
        }
        match written {
            Ok(outcomes) => {
                for (item, outcome) in batch.drain(..).zip(outcomes) {
                    let _ = item.answer.send(outcome);
                }
            }
            // An item that conflicts with what is stored (an id or a key taken meanwhile by
            // another server) must not fail the others: write each on its own, and answer a
            // key taken by its first attempt with that attempt's reply (a batch of one too).
            Err(ServiceError::Store(StoreError::Conflict(_))) => {
                for mut item in batch.drain(..) {
                    let outcome = match write_batch(&service, std::slice::from_mut(&mut item)).await
                    {
                        Ok(mut outcomes) => outcomes.pop().unwrap_or_else(|| {
                            Err(ServiceError::Internal(
                                "no outcome for an incident".to_owned(),
                            ))
                        }),
                        Err(error) => Err(error),
                    };
                    let outcome = service.replay_on_conflict(&item.request, outcome).await;
                    let _ = item.answer.send(outcome);
                }
            }
            // The database failed or is busy: every item gets the error at once.
            Err(error) => {
                for item in batch.drain(..) {
                    let _ = item.answer.send(Err(error.for_each()));
                }
            }
        }
    }
}

/// Writes a batch in one transaction. Errors of one item (a value that does not classify)
/// are its outcome; errors of the database fail the batch.
async fn write_batch(
    service: &Service,
    batch: &mut [Pending],
) -> Result<Vec<Result<Outcome, ServiceError>>, ServiceError> {
    let mut tx = service.store().begin_write().await?;
    // The world cannot change while this transaction lasts; which generation it is comes back
    // with the change log's head, at the end (one statement fewer per batch). Should it not be
    // the one the incidents were classified with, the batch is classified again.
    tx.share_world().await?;
    let world = service.cached_world();
    let keys: Vec<Option<RequestKey>> = batch.iter().map(|item| item.request.store_key()).collect();
    let known = tx
        .replies(&keys.iter().flatten().collect::<Vec<_>>())
        .await?;
    let mut known = known.into_iter();
    let mut stored: HashMap<RequestKey, StoredReply> = HashMap::new();
    for key in keys.iter().flatten() {
        if let Some(Some(reply)) = known.next() {
            stored.insert(key.clone(), reply);
        }
    }

    let mut outcomes = Vec::with_capacity(batch.len());
    let mut rows = Vec::with_capacity(batch.len());
    let mut reports: Vec<(usize, &ReportBody)> = Vec::new();
    let mut changes = Vec::with_capacity(batch.len());
    let mut replies: Vec<(RequestKey, StoredReply)> = Vec::new();
    for (item, key) in batch.iter_mut().zip(&keys) {
        // A key stored before, or earlier in this batch, gets its first reply.
        if let Some(key) = key
            && let Some(first) = stored.get(key)
        {
            outcomes.push(replay(first.clone(), &item.request));
            continue;
        }
        let written = match item.prepared.take() {
            Some(prepared) if prepared.generation == world.generation => Ok(prepared),
            _ => prepare(
                &item.request,
                &item.incident,
                &item.report,
                &item.render,
                &world,
            ),
        };
        match written {
            Ok(Prepared {
                row, reply, change, ..
            }) => {
                if let Some(report) = &item.report {
                    reports.push((rows.len(), report));
                }
                rows.push(row);
                changes.push(change);
                if let Some((key, first)) = item.request.stored_reply(&reply) {
                    stored.insert(key.clone(), first.clone());
                    replies.push((key, first));
                }
                outcomes.push(Ok(Outcome {
                    reply,
                    replayed: false,
                }));
            }
            Err(error) => outcomes.push(Err(error)),
        }
    }
    let seqs = tx.insert_incidents(&rows).await?;
    for (row, report) in reports {
        let seq = seqs.get(row).copied().ok_or_else(|| {
            ServiceError::Store(StoreError::Corrupt {
                what: "incident insert",
                reason: "fewer sequence numbers than incidents".to_owned(),
            })
        })?;
        let by = rows.get(row).map_or("", |row| row.submitted_by.as_str());
        tx.insert_report(&report_row(report, seq, by)?).await?;
    }
    let (_, generation) = tx.append_changes(&changes).await?;
    if !changes.is_empty() && generation != world.generation {
        drop(tx);
        return Err(ServiceError::Stale(generation));
    }
    let replies: Vec<(&RequestKey, StoredReply)> = replies
        .iter()
        .map(|(key, reply)| (key, reply.clone()))
        .collect();
    tx.record_replies(&replies).await?;
    tx.commit().await?;
    Ok(outcomes)
}

/// Replies are rendered by the caller; this one is for commands whose reply nobody reads
/// (seeding, replaying the change log, the demonstration stream).
pub fn silent() -> Render {
    std::sync::Arc::new(|_: &Applied, _: &World| {
        Ok(Reply {
            status: 200,
            body: String::new(),
        })
    })
}
