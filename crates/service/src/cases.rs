//! Cases through the door: opening (by the system for what the classification routes, by a
//! co-chair on any incident), merging, every action of the procedure and the co-chairs'
//! escalation decisions, each in one transaction with its change-log entry. The decisions are
//! `truce_core::case`'s; this module reads the case, applies the decision and writes it.

use std::sync::Weak;

use chrono::{DateTime, Utc};
use truce_core::access::Viewer;
use truce_core::actor::ActorId;
use truce_core::case::{Acting, Case, CaseContext, CaseError, CaseIncident, EscalationDecision};
use truce_core::classify::VerificationStatus;
use truce_store::{CaseRow, IncidentBody, WriteTx};

use crate::command::{Applied, CaseRecord, Command, Render};
use crate::world::World;
use crate::{Inner, Outcome, Request, Service, ServiceError, change_entry, replay};

/// The most incidents one sweep opens cases for in one transaction.
const OPEN_BATCH: i64 = 500;

impl From<CaseError> for ServiceError {
    fn from(error: CaseError) -> Self {
        match error {
            CaseError::IllegalTransition { .. } => ServiceError::Invalid {
                code: "illegal_transition",
                message: error.to_string(),
            },
            CaseError::Forbidden(message) => ServiceError::Forbidden {
                signed_in: true,
                message,
            },
            CaseError::Invalid(message) => ServiceError::invalid(message),
        }
    }
}

/// Executes a case command in one transaction with its change-log entry. A sweep that finds
/// every incident already filed (another server was first) writes nothing.
pub(crate) async fn execute(
    service: &Service,
    request: &Request,
    command: Command,
    render: &Render,
) -> Result<Outcome, ServiceError> {
    let mut tx = service.store().begin_write().await?;
    if let Some(key) = request.store_key()
        && let Some(Some(stored)) = tx.replies(&[&key]).await?.pop()
    {
        return replay(stored, request);
    }
    let world = service.world().await?;
    let (applied, record) = apply(&mut tx, &world, request, command, Utc::now()).await?;
    let reply = render(&Applied::Case(record), &world)?;
    if let Command::OpenCases { incidents, .. } = &applied
        && incidents.is_empty()
    {
        return Ok(Outcome {
            reply,
            replayed: false,
        });
    }
    tx.append_changes(&[change_entry(request, &applied)?])
        .await?;
    if let Some((key, stored)) = request.stored_reply(&reply) {
        tx.record_replies(&[(&key, stored)]).await?;
    }
    tx.commit().await?;
    Ok(Outcome {
        reply,
        replayed: false,
    })
}

/// The name a case records for the principal: the user's name, or the principal's own.
fn acting_name(request: &Request) -> &str {
    request
        .principal
        .user_name()
        .unwrap_or(request.principal.as_str())
}

fn acting(request: &Request) -> Acting<'_> {
    Acting {
        name: acting_name(request),
        role: match request.principal.viewer() {
            Viewer::User { role, .. } => Some(role),
            _ => None,
        },
    }
}

/// Checks and writes a case command; returns it as applied (with its time) and the record
/// after it.
async fn apply(
    tx: &mut WriteTx,
    world: &World,
    request: &Request,
    command: Command,
    now: DateTime<Utc>,
) -> Result<(Command, CaseRecord), ServiceError> {
    match command {
        Command::OpenCases { incidents, at } => {
            let at = at.unwrap_or(now);
            let mut opened = Vec::new();
            let mut cases = Vec::new();
            for incident_id in incidents {
                if tx.case_of_incident(&incident_id).await?.is_some() {
                    continue;
                }
                let incident = case_incident(tx, world, &incident_id).await?;
                let case = Case::open(
                    incident,
                    acting(request),
                    at,
                    "opened by the classification: the incident concerns parties to the terms"
                        .to_owned(),
                )?;
                insert(tx, &case).await?;
                opened.push(incident_id);
                cases.push(case);
            }
            Ok((
                Command::OpenCases {
                    incidents: opened,
                    at: Some(at),
                },
                CaseRecord::Opened(cases),
            ))
        }
        Command::OpenCase { incident, why, at } => {
            let at = at.unwrap_or(now);
            if let Some(case) = tx.case_of_incident(&incident).await? {
                return Err(ServiceError::Conflict(format!(
                    "incident '{incident}' is already in case '{case}'"
                )));
            }
            let found = case_incident(tx, world, &incident).await?;
            let case = Case::open(found, acting(request), at, why.clone())?;
            insert(tx, &case).await?;
            Ok((
                Command::OpenCase {
                    incident,
                    why,
                    at: Some(at),
                },
                CaseRecord::Case(case),
            ))
        }
        Command::MergeIntoCase {
            case: id,
            incident,
            why,
            at,
        } => {
            let at = at.unwrap_or(now);
            let mut case = locked(tx, &id).await?;
            let found = case_incident(tx, world, &incident).await?;
            case.merge(found, acting(request), at, why.clone())?;
            match tx.case_of_incident(&incident).await? {
                None => tx.add_case_incident(&case.id, &incident).await?,
                Some(other) => {
                    // The incident's own case (one the classification opened) closes,
                    // pointing here; a case with other incidents is not taken apart.
                    let mut own = locked(tx, &other).await?;
                    own.merge_away(&case.id, acting(request), at, why.clone())?;
                    update(tx, &own).await?;
                    tx.move_case_incident(&case.id, &incident).await?;
                }
            }
            update(tx, &case).await?;
            Ok((
                Command::MergeIntoCase {
                    case: id,
                    incident,
                    why,
                    at: Some(at),
                },
                CaseRecord::Case(case),
            ))
        }
        Command::ActOnCase {
            case: id,
            action,
            why,
            at,
        } => {
            let mut case = locked(tx, &id).await?;
            // Servers' clocks differ a little: the server's time never goes before the case's
            // last event (a time given with the command, as in a replay, is kept as given).
            let at = at.unwrap_or_else(|| now.max(case.updated_at()));
            let verification = verification(tx, world, &case).await?;
            let procedure = world.scenario.agreement.case_procedure_at(case.occurred_at);
            let context = CaseContext {
                registry: &world.scenario.actors,
                procedure,
                verification,
            };
            case.apply(action.clone(), acting(request), at, why.clone(), context)?;
            update(tx, &case).await?;
            Ok((
                Command::ActOnCase {
                    case: id,
                    action,
                    why,
                    at: Some(at),
                },
                CaseRecord::Case(case),
            ))
        }
        Command::DecideEscalation { mut decision } => {
            if matches!(request.principal.viewer(), Viewer::User { .. }) {
                decision.by = acting_name(request).to_owned();
                decision.at = now;
            }
            if decision.reason.trim().is_empty() {
                return Err(ServiceError::invalid(
                    "an escalation is accepted or declined with its reason",
                ));
            }
            if world.scenario.actors.get(&decision.actor).is_none() {
                return Err(ServiceError::Invalid {
                    code: "unknown_actor",
                    message: format!("'{}' is not an actor of the registry", decision.actor),
                });
            }
            let id = format!("{}-{}", decision.actor, decision.at.timestamp_millis());
            tx.insert_escalation_decision(
                &id,
                decision.actor.as_str(),
                decision.at.timestamp_millis(),
                &encode(&decision)?,
            )
            .await?;
            Ok((
                Command::DecideEscalation {
                    decision: decision.clone(),
                },
                CaseRecord::Decision(decision),
            ))
        }
        _ => Err(ServiceError::Internal("not a case command".to_owned())),
    }
}

/// What R5 says of the case's incidents now: verified when any of them is.
async fn verification(
    tx: &mut WriteTx,
    world: &World,
    case: &Case,
) -> Result<VerificationStatus, ServiceError> {
    for id in case.incident_ids() {
        if let Some((_, body, reports)) = tx.lock_incident(id).await? {
            let assessment = crate::incidents::assess_stored(&body, &reports, world)?;
            if assessment.verification == "verified" {
                return Ok(VerificationStatus::Verified);
            }
        }
    }
    Ok(VerificationStatus::Alleged)
}

/// What a case needs of a stored incident.
async fn case_incident(
    tx: &mut WriteTx,
    world: &World,
    id: &str,
) -> Result<CaseIncident, ServiceError> {
    let Some((_, body, _)) = tx.lock_incident(id).await? else {
        return Err(ServiceError::NotFound(format!("no incident '{id}'")));
    };
    let incident: IncidentBody = serde_json::from_str(&body)
        .map_err(|error| ServiceError::Internal(format!("a stored incident: {error}")))?;
    let occurred_at = DateTime::parse_from_rfc3339(&incident.occurred_at)
        .map_err(|error| ServiceError::Internal(format!("a stored incident's time: {error}")))?
        .with_timezone(&Utc);
    let accused = incident
        .perpetrator
        .as_ref()
        .and_then(|actor| actor.id.as_deref())
        .map(ActorId::new)
        .filter(|id| world.scenario.actors.get(id).is_some());
    Ok(CaseIncident {
        id: incident.id,
        occurred_at,
        accused,
        civilians_killed: incident.casualties.killed_civilian.max,
    })
}

fn encode<T: serde::Serialize>(value: &T) -> Result<String, ServiceError> {
    serde_json::to_string(value)
        .map_err(|error| ServiceError::Internal(format!("encoding a case: {error}")))
}

fn row<'a>(case: &'a Case, body: &'a str) -> CaseRow<'a> {
    CaseRow {
        id: &case.id,
        state: case.state().as_str(),
        disputed: case.disputed(),
        opened_at: case.opened_at.timestamp_millis(),
        body,
    }
}

async fn insert(tx: &mut WriteTx, case: &Case) -> Result<(), ServiceError> {
    if tx.lock_case(&case.id).await?.is_some() {
        return Err(ServiceError::Conflict(format!(
            "case '{}' already exists",
            case.id
        )));
    }
    let body = encode(case)?;
    tx.insert_case(&row(case, &body), &case.incident_id).await?;
    Ok(())
}

async fn update(tx: &mut WriteTx, case: &Case) -> Result<(), ServiceError> {
    let body = encode(case)?;
    tx.update_case(&row(case, &body)).await?;
    Ok(())
}

async fn locked(tx: &mut WriteTx, id: &str) -> Result<Case, ServiceError> {
    let stored = tx
        .lock_case(id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("no case '{id}'")))?;
    parse(&stored.body)
}

/// A stored case's document.
pub fn parse(body: &str) -> Result<Case, ServiceError> {
    serde_json::from_str(body)
        .map_err(|error| ServiceError::Internal(format!("a stored case does not parse: {error}")))
}

impl Service {
    /// Every case as stored now, by id.
    pub async fn cases(&self) -> Result<Vec<Case>, ServiceError> {
        self.store()
            .cases()
            .await?
            .iter()
            .map(|stored| parse(&stored.body))
            .collect()
    }

    /// One case.
    pub async fn case(&self, id: &str) -> Result<Option<Case>, ServiceError> {
        self.store()
            .case(id)
            .await?
            .map(|stored| parse(&stored.body))
            .transpose()
    }

    /// Every escalation decision, oldest first.
    pub async fn escalation_decisions(&self) -> Result<Vec<EscalationDecision>, ServiceError> {
        self.store()
            .escalation_decisions()
            .await?
            .iter()
            .map(|body| {
                serde_json::from_str(body).map_err(|error| {
                    ServiceError::Internal(format!("a stored decision does not parse: {error}"))
                })
            })
            .collect()
    }

    /// Opens, as the system, a case on every incident whose classification needs one and
    /// that has none, in transactions of up to 500. Returns how many it opened. Servers that
    /// sweep at the same moment do not open a case twice: the incident's filing is unique, and
    /// the loser of a race finds it filed.
    pub async fn open_pending_cases(&self) -> Result<usize, ServiceError> {
        let mut opened = 0;
        let mut races = 0;
        loop {
            let waiting: Vec<String> = self
                .store()
                .caseless_incidents(OPEN_BATCH)
                .await?
                .into_iter()
                .map(|incident| incident.id)
                .collect();
            if waiting.is_empty() {
                return Ok(opened);
            }
            let request = Request {
                principal: crate::Principal::system(),
                key: None,
                reason: "incidents whose classification routes them to a co-chair".to_owned(),
            };
            let command = Command::OpenCases {
                incidents: waiting,
                at: None,
            };
            let count: Render = std::sync::Arc::new(|applied: &Applied, _: &World| {
                let opened = match applied {
                    Applied::Case(CaseRecord::Opened(cases)) => cases.len(),
                    _ => 0,
                };
                Ok(crate::Reply {
                    status: 200,
                    body: opened.to_string(),
                })
            });
            match execute(self, &request, command, &count).await {
                Ok(outcome) => {
                    let now_opened: usize = outcome.reply.body.parse().unwrap_or(0);
                    if now_opened == 0 {
                        // Every one was filed meanwhile, yet still listed: do not spin.
                        return Ok(opened);
                    }
                    opened += now_opened;
                }
                // Another server filed some meanwhile: look again.
                Err(
                    ServiceError::Conflict(_)
                    | ServiceError::Store(truce_store::StoreError::Conflict(_)),
                ) if races < 10 => races += 1,
                Err(error) => return Err(error),
            }
        }
    }

    /// Asks this server's case opener to sweep soon (after incidents were written or
    /// re-classified). Sweeps coalesce: many asks while one runs make one more.
    pub(crate) fn ask_for_cases(&self) {
        self.inner.case_opener.notify_one();
    }
}

/// Starts the task that opens cases when asked, and once at start. It holds the service
/// weakly and stops when the service is dropped.
pub(crate) fn start_opener(service: Weak<Inner>, asked: std::sync::Arc<tokio::sync::Notify>) {
    tokio::spawn(async move {
        loop {
            asked.notified().await;
            let Some(inner) = service.upgrade() else {
                break;
            };
            if inner.replaying.load(std::sync::atomic::Ordering::SeqCst) {
                continue;
            }
            let service = Service { inner };
            if let Err(error) = service.open_pending_cases().await {
                tracing::warn!(%error, "opening cases failed; the next sweep tries again");
            }
        }
    });
}
