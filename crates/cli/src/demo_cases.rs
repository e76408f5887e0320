//! The demonstration's ILLUSTRATIVE casework: on a few of the synthetic incidents the
//! classification opened cases for, the demo users go through the procedure as the 2016
//! modalities describe it (a request through the guarantor co-chair, the party's answer,
//! findings by each co-chair, a joint text both approve). The acts are dated when the demo
//! runs; every text says it is illustrative. Run once: a database whose cases already have
//! events is left alone.

use anyhow::{Result, anyhow};
use truce_core::access::Role;
use truce_core::actor::{ActorId, CoChair};
use truce_core::case::{Body, Case, CaseAction, CaseState, Verdict};
use truce_service::{Command, Principal, Request, Service, ServiceError, silent};

fn user(name: &str, role: Role) -> Request {
    Request {
        principal: Principal::user(name, role),
        key: None,
        reason: "ILLUSTRATIVE demonstration casework".to_owned(),
    }
}

fn us() -> Request {
    user("demo-us", Role::CoChair { party: CoChair::US })
}

fn ru() -> Request {
    user("demo-ru", Role::CoChair { party: CoChair::RU })
}

fn liaison(actor: &str) -> Request {
    let name = format!("demo-liaison-{actor}");
    user(
        &name,
        Role::PartyLiaison {
            actor: actor.to_owned(),
        },
    )
}

async fn act(service: &Service, request: Request, case: &str, action: CaseAction) -> Result<()> {
    let command = Command::ActOnCase {
        case: case.to_owned(),
        action,
        why: "Illustrative: the demonstration walks the procedure".to_owned(),
        at: None,
    };
    service
        .execute(request, command, silent())
        .await
        .map(|_| ())
        .map_err(|error: ServiceError| anyhow!("illustrative casework on {case}: {error}"))
}

fn go(to: CaseState) -> CaseAction {
    CaseAction::Move {
        to,
        out_of_scope: None,
    }
}

fn text(words: &str) -> String {
    format!("[Illustrative] {words}")
}

/// Opens the cases the classification owes, then works three of them. Returns how many it
/// worked (0 when the database already had casework).
pub async fn add_illustrative_cases(service: &Service) -> Result<usize> {
    service
        .open_pending_cases()
        .await
        .map_err(|error| anyhow!("opening cases: {error}"))?;
    let mut cases = service
        .cases()
        .await
        .map_err(|error| anyhow!("reading cases: {error}"))?;
    if cases.iter().any(|case| !case.events.is_empty()) {
        return Ok(0);
    }
    cases.sort_by_key(|case| case.occurred_at);
    let against = |actor: &str| -> Vec<String> {
        cases
            .iter()
            .filter(|case: &&Case| case.accused.contains(&ActorId::new(actor)))
            .filter(|case| case.civilians_killed() > 0)
            .map(|case| case.id.clone())
            .collect()
    };
    let government = against("gos");
    let mut worked = 0;

    // 1. A request answered, conflicting findings, then one joint text both approve.
    if let Some(id) = government.first() {
        act(service, ru(), id, go(CaseState::InScope)).await?;
        act(
            service,
            ru(),
            id,
            CaseAction::Request {
                to: ActorId::new("gos"),
                text: text("Which units fired on this place at the time reported, and at what?"),
            },
        )
        .await?;
        act(
            service,
            liaison("gos"),
            id,
            CaseAction::Answer {
                request: 1,
                text: text("Our units returned fire on a Jabhat al-Nusra position that shelled them first."),
            },
        )
        .await?;
        act(service, ru(), id, go(CaseState::UnderAssessment)).await?;
        act(service, us(), id, go(CaseState::Inconclusive)).await?;
        let finding = |body, verdict, words: &str| CaseAction::Finding {
            body,
            verdict,
            text: text(words),
        };
        act(
            service,
            us(),
            id,
            finding(
                Body::Us,
                Verdict::Violation,
                "The area is held by groups that accepted the terms; no Nusra presence is shown.",
            ),
        )
        .await?;
        act(
            service,
            ru(),
            id,
            finding(
                Body::Ru,
                Verdict::TargetExcluded,
                "The fire answered a Nusra position inside the area.",
            ),
        )
        .await?;
        act(service, ru(), id, finding(Body::Joint, Verdict::Undetermined, "The co-chairs cannot determine whether Nusra was present; both accounts are recorded and the area is referred for delineation.")).await?;
        act(service, us(), id, CaseAction::Approve { finding: 3 }).await?;
        worked += 1;
    }
    // 2. A request the Government's liaison has not answered yet: it waits in the inbox and
    // falls overdue a day after the demonstration starts.
    if let Some(id) = government.get(1) {
        act(service, ru(), id, go(CaseState::InScope)).await?;
        act(
            service,
            ru(),
            id,
            CaseAction::Request {
                to: ActorId::new("gos"),
                text: text("Civilians were reported killed: which of your units was in the area?"),
            },
        )
        .await?;
        worked += 1;
    }
    // 3. Findings that disagree and stay so: the docket shows it disputed.
    if let Some(id) = government.get(2) {
        act(service, us(), id, go(CaseState::InScope)).await?;
        act(service, us(), id, go(CaseState::UnderAssessment)).await?;
        act(service, us(), id, go(CaseState::Inconclusive)).await?;
        act(
            service,
            us(),
            id,
            CaseAction::Finding {
                body: Body::Us,
                verdict: Verdict::Violation,
                text: text("Shelling of a residential area held by a participating party."),
            },
        )
        .await?;
        act(
            service,
            ru(),
            id,
            CaseAction::Finding {
                body: Body::Ru,
                verdict: Verdict::NoViolation,
                text: text("No Government fire is recorded there at that hour."),
            },
        )
        .await?;
        worked += 1;
    }
    Ok(worked)
}
