//! Users and API tokens: changes through the door like any other, each in one transaction
//! with its change-log entry (which never holds a secret). Also the checks every command
//! passes first: may this principal execute it?

use truce_core::access::{Permission, PublicIncidents, Role, Viewer};

use crate::command::{Applied, Command, Render};
use crate::{Outcome, Request, Service, ServiceError};

/// The longest user name.
const MAX_NAME: usize = 64;

/// Whether `principal` may execute `command`; the error says why not.
pub(crate) fn authorize(request: &Request, command: &Command) -> Result<(), ServiceError> {
    let viewer = request.principal.viewer();
    // The server itself and the machine's operator may do everything.
    if matches!(viewer, Viewer::System) {
        return Ok(());
    }
    let may = |permission| viewer.may(permission, PublicIncidents::Coarse);
    let own = |name: &str| request.principal.user_name() == Some(name);
    let allowed = match command {
        Command::AddAgreement { .. }
        | Command::AddActor { .. }
        | Command::AddDesignation { .. }
        | Command::SetCommitment { .. } => may(Permission::ChangeTerms),
        Command::AddAreaVersion { layer } => {
            // The layer's contributor and agreement are every version's (`world::split_layer`).
            let meta = |field: &str| {
                layer
                    .pointer(&format!("/truce_layer/{field}"))
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            let (contributor, agreed_by) = (meta("contributor"), meta("agreed_by"));
            if may(Permission::AddAreaVersion) {
                own_area_version(viewer, &contributor, &agreed_by)?;
            }
            may(Permission::AddAreaVersion)
        }
        Command::RecordIncident { .. } | Command::AddReport { .. } => may(Permission::Submit),
        Command::AddLocation { .. }
        | Command::ClassifyLocation { .. }
        | Command::AddPopulationEstimate { .. }
        | Command::AddConvoy { .. }
        | Command::MoveConvoy { .. }
        | Command::AddAirOperation { .. }
        | Command::MoveAirOperation { .. }
        | Command::RecordConvoyAttack { .. } => may(Permission::ChangeHumanitarian),
        // What each role may do to a case is the case's own decision (`Case::apply`).
        Command::ActOnCase { action, .. } => match action {
            truce_core::case::CaseAction::Answer { .. } => may(Permission::AnswerRequests),
            _ => may(Permission::WorkCases),
        },
        Command::OpenCase { .. }
        | Command::MergeIntoCase { .. }
        | Command::DecideEscalation { .. } => may(Permission::OpenCases),
        // Only the server sweeps, and registers its key.
        Command::OpenCases { .. } | Command::RegisterLedgerKey { .. } => false,
        Command::AddUser { .. } | Command::DisableUser { .. } | Command::RevokeToken { .. } => {
            // A user may revoke their own token; that is checked against the token's owner.
            may(Permission::ManageUsers)
                || matches!(command, Command::RevokeToken { .. }) && own_any(viewer)
        }
        // Only for oneself: an admin who could mint another's token or set another's password
        // could act as them, and the change log would name them.
        Command::CreateToken { user, .. } => own(user),
        Command::SetPassword { name, .. } => own(name),
        // An admin may remove a second factor (a lost telephone) but not enrol one for another.
        Command::SetSecondFactor { name, enrolled, .. } => {
            own(name) || (!enrolled && may(Permission::ManageUsers))
        }
    };
    if allowed {
        return Ok(());
    }
    let (action, _, _) = command.describe();
    Err(match viewer {
        Viewer::Public => ServiceError::Forbidden {
            signed_in: false,
            message: format!("sign in to {}", action.replace('_', " ")),
        },
        _ => ServiceError::Forbidden {
            signed_in: true,
            message: format!(
                "the role {} may not {}",
                viewer.role().map_or("system", Role::name),
                action.replace('_', " ")
            ),
        },
    })
}

/// A co-chair adds area versions only in its own name, and only as its own or nobody's
/// agreement: a "joint" version, which the classifier prefers, cannot come from one side.
fn own_area_version(
    viewer: &Viewer,
    contributor: &str,
    agreed_by: &str,
) -> Result<(), ServiceError> {
    if matches!(viewer, Viewer::System) {
        return Ok(());
    }
    let party = viewer.role().and_then(Role::party).unwrap_or_default();
    if !viewer.may_contribute_as(contributor) {
        return Err(ServiceError::Forbidden {
            signed_in: true,
            message: format!(
                "a co-chair adds area versions only as itself: the contributor '{contributor}' is not {party}"
            ),
        });
    }
    if agreed_by != "none" && !agreed_by.eq_ignore_ascii_case(&party) {
        return Err(ServiceError::Forbidden {
            signed_in: true,
            message: format!(
                "a co-chair's area version is agreed by {} or by none, not '{agreed_by}' (a joint version needs both co-chairs)",
                party.to_ascii_lowercase()
            ),
        });
    }
    Ok(())
}

/// Whether the viewer is a signed-in user.
fn own_any(viewer: &Viewer) -> bool {
    matches!(viewer, Viewer::User { .. })
}

/// Checks a user name: 1 to 64 of `a-z`, `0-9`, `.`, `_`, `-`.
pub fn check_user_name(name: &str) -> Result<(), ServiceError> {
    let fine = !name.is_empty()
        && name.len() <= MAX_NAME
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if fine {
        Ok(())
    } else {
        Err(ServiceError::invalid(format!(
            "a user name is 1 to {MAX_NAME} of a-z, 0-9, '.', '_' and '-'"
        )))
    }
}

/// Executes a command on users or tokens, in one transaction with its change-log entry.
pub(crate) async fn execute(
    service: &Service,
    request: &Request,
    command: &Command,
    render: &Render,
) -> Result<Outcome, ServiceError> {
    let mut tx = service.store().begin_write().await?;
    if let Some(outcome) = crate::transaction::retried(&mut tx, request).await? {
        return Ok(outcome);
    }
    let not_found = |what: &str, id: &str| ServiceError::NotFound(format!("no {what} '{id}'"));
    let (entity, id) = match command {
        Command::AddUser {
            name,
            role,
            party,
            password_hash,
        } => {
            check_user_name(name)?;
            let role = Role::from_parts(role, party.as_deref())
                .map_err(|error| ServiceError::invalid(error.to_string()))?;
            if let Role::PartyLiaison { actor } = &role {
                let world = service.cached_world();
                if world
                    .scenario
                    .actors
                    .get(&truce_core::actor::ActorId::new(actor))
                    .is_none()
                {
                    return Err(ServiceError::Invalid {
                        code: "unknown_actor",
                        message: format!(
                            "a liaison's party is an actor of the registry: no actor '{actor}'"
                        ),
                    });
                }
            }
            if tx.user(name).await?.is_some() {
                return Err(ServiceError::Conflict(format!(
                    "user '{name}' already exists"
                )));
            }
            tx.insert_user(&truce_store::NewUser {
                name,
                role: role.name(),
                party: role.party().as_deref(),
                password_hash: &password_hash.0,
            })
            .await?;
            ("user", name.clone())
        }
        Command::DisableUser { name } => {
            tx.user(name)
                .await?
                .ok_or_else(|| not_found("user", name))?;
            tx.disable_user(name).await?;
            ("user", name.clone())
        }
        Command::SetPassword {
            name,
            password_hash,
        } => {
            tx.user(name)
                .await?
                .ok_or_else(|| not_found("user", name))?;
            tx.set_password(name, &password_hash.0).await?;
            ("user", name.clone())
        }
        Command::SetSecondFactor {
            name,
            enrolled,
            secret,
            recovery_hashes,
        } => {
            tx.user(name)
                .await?
                .ok_or_else(|| not_found("user", name))?;
            let secret = enrolled.then_some(secret.0.as_str());
            let codes: &[String] = if *enrolled { recovery_hashes } else { &[] };
            tx.set_second_factor(name, secret, codes).await?;
            ("user", name.clone())
        }
        Command::CreateToken {
            id,
            user,
            label,
            token_hash,
        } => {
            let owner = tx
                .user(user)
                .await?
                .ok_or_else(|| not_found("user", user))?;
            if owner.disabled {
                return Err(ServiceError::invalid(format!("user '{user}' is disabled")));
            }
            tx.insert_token(id, &token_hash.0, user, label).await?;
            ("token", id.clone())
        }
        Command::RevokeToken { id } => {
            let token = tx.token(id).await?.ok_or_else(|| not_found("token", id))?;
            let admin = request
                .principal
                .viewer()
                .may(Permission::ManageUsers, PublicIncidents::Coarse);
            if !admin && request.principal.user_name() != Some(token.user_name.as_str()) {
                // Said as if it did not exist: a token's id is not another user's to probe.
                return Err(not_found("token", id));
            }
            tx.revoke_token(id).await?;
            ("token", id.clone())
        }
        _ => {
            return Err(ServiceError::Internal(
                "not a command on users or tokens".to_owned(),
            ));
        }
    };
    let reply = render(&Applied::Account { entity, id }, &service.cached_world())?;
    let outcome = crate::transaction::finish(tx, request, command, reply).await?;
    // A right taken away through this server is in force here at once (`tokens.rs`).
    if !matches!(
        command,
        Command::AddUser { .. } | Command::CreateToken { .. }
    ) {
        service.inner.tokens.clear();
    }
    Ok(outcome)
}
