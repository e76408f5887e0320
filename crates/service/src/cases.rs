//! Cases through the door: opening (by the system for what the classification routes, by a
//! co-chair on any incident), merging, every action of the procedure and the co-chairs'
//! escalation decisions, each in one transaction with its change-log entry. The decisions are
//! `truce_core::case`'s; this module reads the case, applies the decision and writes it.

use std::sync::Weak;

use chrono::{DateTime, Utc};
use truce_core::access::Viewer;
use truce_core::actor::ActorId;
use truce_core::case::{
    Acting, Case, CaseContext, CaseError, CaseIncident, EscalationDecision, cases_now,
    escalation_proposals,
};
use truce_core::classify::VerificationStatus;
use truce_store::{CaseRow, IncidentBody, WriteTx};

use crate::command::{Applied, CaseRecord, Command, Render};
use crate::world::World;
use crate::{Inner, Outcome, Request, Service, ServiceError};

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
    if let Some(outcome) = crate::transaction::retried(&mut tx, request).await? {
        return Ok(outcome);
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
    crate::transaction::finish(tx, request, &applied, reply).await
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
            // A sweep gives no time; a replay gives the recorded one and the incidents that
            // were opened, each of which must read again.
            let replayed = at.is_some();
            let at = at.unwrap_or(now);
            let mut opened = Vec::new();
            let mut cases = Vec::new();
            for incident_id in incidents {
                if tx.case_of_incident(&incident_id).await?.is_some() {
                    continue;
                }
                let incident = match case_incident(tx, world, &incident_id).await {
                    Ok(incident) => incident,
                    // One incident that does not read (or went away) does not hold up the
                    // others' cases: it is reported and left for a person to look at.
                    Err(error @ (ServiceError::Internal(_) | ServiceError::NotFound(_)))
                        if !replayed =>
                    {
                        tracing::warn!(%error, incident = %incident_id, "no case opened for an incident");
                        continue;
                    }
                    Err(error) => return Err(error),
                };
                // A merge may have filed it while this waited for the incident's lock.
                if tx.case_of_incident(&incident_id).await?.is_some() {
                    continue;
                }
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
            // Under the incident's lock, which a sweep filing it takes too.
            let found = case_incident(tx, world, &incident).await?;
            if let Some(case) = tx.case_of_incident(&incident).await? {
                return Err(ServiceError::Conflict(format!(
                    "incident '{incident}' is already in case '{case}'"
                )));
            }
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
            // The incident first: a sweep filing it takes its lock too, so where it is filed
            // stays as read. Then both cases, in the order of their ids, so that two merges
            // crossing each other wait for one another instead of deadlocking.
            let found = case_incident(tx, world, &incident).await?;
            let other = tx
                .case_of_incident(&incident)
                .await?
                .filter(|other| *other != id);
            if let Some(other) = other.as_ref().filter(|other| **other < id) {
                locked(tx, other).await?;
            }
            let mut case = locked(tx, &id).await?;
            case.merge(found, acting(request), at, why.clone())?;
            match other {
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
        Command::DecideEscalation {
            actor,
            accepted,
            reason,
            decision,
        } => {
            let decision = match decision {
                // A replayed decision is kept as it was applied.
                Some(decision) if !matches!(request.principal.viewer(), Viewer::User { .. }) => {
                    decision
                }
                Some(_) => {
                    return Err(ServiceError::invalid(
                        "a decision answers the proposal standing now: send actor, accepted and reason",
                    ));
                }
                None => {
                    decide_escalation(tx, world, request, &actor, accepted, &reason, now).await?
                }
            };
            // Keyed by the proposal it answers, so that the database lets one decision in
            // when both co-chairs answer at once.
            let id = format!("{}-{}", decision.actor, decision.answers.timestamp_millis());
            tx.insert_escalation_decision(
                &id,
                decision.actor.as_str(),
                decision.at.timestamp_millis(),
                &encode(&decision)?,
            )
            .await
            .map_err(|error| match error {
                // Answered as a conflict, or as a retry if this key's first attempt won.
                truce_store::StoreError::Conflict(_) => {
                    ServiceError::Store(truce_store::StoreError::Conflict(format!(
                        "a decision on the escalation of '{}' proposed on these findings",
                        decision.actor
                    )))
                }
                other => other.into(),
            })?;
            Ok((
                Command::DecideEscalation {
                    actor,
                    accepted,
                    reason,
                    decision: Some(decision.clone()),
                },
                CaseRecord::Decision(decision),
            ))
        }
        _ => Err(ServiceError::Internal("not a case command".to_owned())),
    }
}

/// The decision on the escalation proposed for `actor`, from the cases and decisions as this
/// transaction reads them (a 404 when none is proposed, or it was decided).
async fn decide_escalation(
    tx: &mut WriteTx,
    world: &World,
    request: &Request,
    actor: &ActorId,
    accepted: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<EscalationDecision, ServiceError> {
    if reason.trim().is_empty() {
        return Err(ServiceError::invalid(
            "an escalation is accepted or declined with its reason",
        ));
    }
    if world.scenario.actors.get(actor).is_none() {
        return Err(ServiceError::Invalid {
            code: "unknown_actor",
            message: format!("'{actor}' is not an actor of the registry"),
        });
    }
    let cases = tx
        .cases()
        .await?
        .iter()
        .map(|stored| parse(&stored.body))
        .collect::<Result<Vec<Case>, _>>()?;
    let decisions = tx
        .escalation_decisions()
        .await?
        .iter()
        .map(String::as_str)
        .map(parse_decision)
        .collect::<Result<Vec<EscalationDecision>, _>>()?;
    // The docket's "now", so that the proposal decided is the one the co-chair was shown.
    let now = cases_now(&cases, now);
    let rule = &world.scenario.agreement.case_procedure_at(now).escalation;
    let proposal = escalation_proposals(&cases, &decisions, rule, now)
        .into_iter()
        .find(|proposal| proposal.actor == *actor)
        .ok_or_else(|| {
            ServiceError::NotFound(format!(
                "no escalation of '{actor}' is proposed (or it was decided)"
            ))
        })?;
    Ok(EscalationDecision {
        actor: actor.clone(),
        accepted,
        to: proposal.to,
        case_ids: proposal.case_ids,
        answers: proposal.latest,
        reason: reason.to_owned(),
        by: acting_name(request).to_owned(),
        at: now,
    })
}

fn parse_decision(body: &str) -> Result<EscalationDecision, ServiceError> {
    serde_json::from_str(body).map_err(|error| {
        ServiceError::Internal(format!("a stored decision does not parse: {error}"))
    })
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
            .map(String::as_str)
            .map(parse_decision)
            .collect()
    }

    /// Opens, as the system, a case on every incident whose classification needs one and
    /// that has none, in transactions of up to 500, walking the incidents once in the order of
    /// recording. Returns how many it opened. Servers that sweep at the same moment do not
    /// open a case twice: the incident's filing is unique, and the loser of a race finds it
    /// filed.
    pub async fn open_pending_cases(&self) -> Result<usize, ServiceError> {
        let mut opened = 0;
        let mut races = 0;
        let mut after_seq = 0;
        loop {
            let batch = self
                .store()
                .caseless_incidents(after_seq, OPEN_BATCH)
                .await?;
            let Some(last) = batch.last().map(|incident| incident.seq) else {
                return Ok(opened);
            };
            let waiting: Vec<String> = batch.into_iter().map(|incident| incident.id).collect();
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
                    opened += outcome.reply.body.parse::<usize>().unwrap_or(0);
                    after_seq = last;
                }
                // Another server filed some meanwhile: look at the same batch again.
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
