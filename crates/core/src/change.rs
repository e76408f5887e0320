//! Changes to the world (terms, actors, designations, commitments, control map) as pure
//! decisions: whether a change may be made to the parts of a scenario, and the parts it gives.
//!
//! The service layer takes the world's lock, asks [`apply`], writes what it returns and
//! re-classifies what [`WorldChange::affects`] names, all in one transaction; nothing here
//! knows about storage.

use geo::BoundingRect;

use crate::Scenario;
use crate::actor::{Actor, Designation};
use crate::agreement::Agreement;
use crate::commitment::Commitment;
use crate::control::AreaVersion;
use crate::scenario::{ScenarioErrors, ScenarioParts};

/// One change to the world.
#[derive(Debug, Clone)]
pub enum WorldChange {
    /// Record another agreement (the first one stays the one incidents are classified against).
    Agreement(Agreement),
    /// Add an actor to the registry.
    Actor(Actor),
    /// Add a designation of a registered actor.
    Designation(Designation),
    /// Set an actor's commitment, replacing the one it had.
    Commitment(Commitment),
    /// Add a control-map version.
    Area(AreaVersion),
}

/// Which stored incidents a change may re-classify.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Affected {
    /// None: the change does not enter the rules of incidents already stored.
    Nothing,
    /// Those within this box (min lon, min lat, max lon, max lat).
    Within([f64; 4]),
    /// Every incident.
    Everything,
}

/// Why a change is refused.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ChangeError {
    /// Something with this id exists.
    #[error("{0}")]
    Conflict(String),
    /// The change names something that does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The change names an actor the registry does not hold.
    #[error("{0}")]
    UnknownActor(String),
    /// A value is wrong on its own.
    #[error("{0}")]
    Invalid(String),
    /// The world it would give is not a sound scenario.
    #[error("{0}")]
    Unsound(ScenarioErrors),
}

impl WorldChange {
    /// The stored incidents whose assessment the change may alter. A new actor or agreement
    /// enters no stored incident (incidents name registered actors only, and the first
    /// agreement governs); a designation or commitment may alter any; an area version only
    /// those within its outline's box.
    pub fn affects(&self) -> Affected {
        match self {
            WorldChange::Agreement(_) | WorldChange::Actor(_) => Affected::Nothing,
            WorldChange::Designation(_) | WorldChange::Commitment(_) => Affected::Everything,
            WorldChange::Area(version) => version
                .shape
                .bounding_rect()
                .map_or(Affected::Everything, |rect| {
                    Affected::Within([rect.min().x, rect.min().y, rect.max().x, rect.max().y])
                }),
        }
    }
}

/// The parts of the world after `change`, checked: refused when an id is taken, a named actor
/// is missing, or the whole would not be a sound scenario. `agreement_ids` are the agreements
/// recorded so far (the parts hold only the governing one).
pub fn apply(
    parts: &ScenarioParts,
    agreement_ids: &[String],
    change: &WorldChange,
) -> Result<(ScenarioParts, Scenario), ChangeError> {
    let mut next = parts.clone();
    admit(&mut next, agreement_ids, change)?;
    let scenario = Scenario::from_parts(next.clone()).map_err(ChangeError::Unsound)?;
    Ok((next, scenario))
}

/// Adds `change` to `parts` after the checks that need no whole scenario (ids taken, actors
/// missing, values wrong on their own). Build the scenario once after a series of these (as
/// seeding does) to check the whole.
pub fn admit(
    parts: &mut ScenarioParts,
    agreement_ids: &[String],
    change: &WorldChange,
) -> Result<(), ChangeError> {
    match change {
        WorldChange::Agreement(agreement) => {
            if agreement_ids.contains(&agreement.id) {
                return Err(ChangeError::Conflict(format!(
                    "agreement '{}' already exists",
                    agreement.id
                )));
            }
            for version in &agreement.versions {
                for excluded in &version.excluded_actors {
                    if !parts.actors.iter().any(|actor| &actor.id == excluded) {
                        return Err(ChangeError::UnknownActor(format!(
                            "excluded actor '{excluded}' is not in the registry"
                        )));
                    }
                }
            }
            if parts.agreement.is_none() {
                parts.agreement = Some(agreement.clone());
            }
        }
        WorldChange::Actor(actor) => {
            if parts.actors.iter().any(|known| known.id == actor.id) {
                return Err(ChangeError::Conflict(format!(
                    "actor '{}' already exists",
                    actor.id
                )));
            }
            parts.actors.push(actor.clone());
        }
        WorldChange::Designation(designation) => {
            require_actor(parts, designation.actor.as_str())?;
            if let Some(to) = designation.listed_to
                && to <= designation.listed_from
            {
                return Err(ChangeError::Invalid(
                    "listed_to must be after listed_from (the end is before the start)".to_owned(),
                ));
            }
            parts.designations.push(designation.clone());
        }
        WorldChange::Commitment(commitment) => {
            require_actor(parts, commitment.actor.as_str())?;
            parts.commitments.retain(|c| c.actor != commitment.actor);
            parts.commitments.push(commitment.clone());
        }
        WorldChange::Area(version) => {
            if parts.areas.iter().any(|known| known.id == version.id) {
                return Err(ChangeError::Conflict(format!(
                    "area version '{}' already exists",
                    version.id
                )));
            }
            parts.areas.push(version.clone());
        }
    }
    Ok(())
}

fn require_actor(parts: &ScenarioParts, id: &str) -> Result<(), ChangeError> {
    if parts.actors.iter().any(|actor| actor.id.as_str() == id) {
        Ok(())
    } else {
        Err(ChangeError::NotFound(format!("no actor '{id}'")))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use super::*;
    use crate::actor::{ActorId, DesignationStatus};
    use chrono::{TimeZone, Utc};

    fn empty_parts() -> ScenarioParts {
        ScenarioParts {
            id: "t".to_owned(),
            name: "t".to_owned(),
            description: String::new(),
            agreement: None,
            actors: Vec::new(),
            designations: Vec::new(),
            commitments: Vec::new(),
            areas: Vec::new(),
            admin1: Vec::new(),
            admin3: Vec::new(),
            besieged: Vec::new(),
            humanitarian: Default::default(),
        }
    }

    fn designation(actor: &str, from: i32, to: Option<i32>) -> Designation {
        Designation {
            actor: ActorId::new(actor),
            list: "UNSC 1267".to_owned(),
            listed_from: Utc.with_ymd_and_hms(from, 1, 1, 0, 0, 0).unwrap(),
            listed_to: to.map(|year| Utc.with_ymd_and_hms(year, 1, 1, 0, 0, 0).unwrap()),
            status: DesignationStatus::Listed,
            source: String::new(),
        }
    }

    #[test]
    fn a_designation_needs_its_actor_and_an_end_after_its_start() {
        let mut parts = empty_parts();
        let missing = admit(
            &mut parts,
            &[],
            &WorldChange::Designation(designation("x", 2014, None)),
        );
        assert!(
            matches!(missing, Err(ChangeError::NotFound(_))),
            "{missing:?}"
        );
        let actor: Actor = serde_json::from_value(serde_json::json!({
            "id": "x", "name": "X", "name_ar": "س", "acled_type": 2, "side": "opposition"
        }))
        .unwrap();
        admit(&mut parts, &[], &WorldChange::Actor(actor)).unwrap();
        let backwards = admit(
            &mut parts,
            &[],
            &WorldChange::Designation(designation("x", 2016, Some(2015))),
        );
        assert!(
            matches!(backwards, Err(ChangeError::Invalid(_))),
            "{backwards:?}"
        );
        admit(
            &mut parts,
            &[],
            &WorldChange::Designation(designation("x", 2014, None)),
        )
        .unwrap();
        assert_eq!(parts.designations.len(), 1);
        let change = WorldChange::Designation(designation("x", 2014, None));
        assert_eq!(change.affects(), Affected::Everything);
    }

    #[test]
    fn an_actor_is_added_once() {
        let actor: Actor = serde_json::from_value(serde_json::json!({
            "id": "fsa", "name": "Free Syrian Army", "name_ar": "الجيش السوري الحر",
            "acled_type": 2, "side": "opposition"
        }))
        .unwrap();
        let mut parts = empty_parts();
        let change = WorldChange::Actor(actor);
        admit(&mut parts, &[], &change).unwrap();
        assert_eq!(parts.actors.len(), 1);
        let twice = admit(&mut parts, &[], &change);
        assert!(matches!(twice, Err(ChangeError::Conflict(_))), "{twice:?}");
        assert_eq!(change.affects(), Affected::Nothing);
    }
}
