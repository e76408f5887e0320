//! Who acts: a signed-in user (by session or API token), the public, the command line or the
//! server itself. The name is what the change log records; the viewer is what the door checks.

use std::fmt;

use truce_core::access::{Role, Viewer};

/// The acting principal of a command, recorded in its change-log entry and scoping its
/// idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    name: String,
    viewer: Viewer,
}

impl Principal {
    /// Nobody signed in.
    pub fn anonymous() -> Principal {
        Principal {
            name: "anonymous".to_owned(),
            viewer: Viewer::Public,
        }
    }

    /// A signed-in user, recorded as `user:NAME`.
    pub fn user(name: &str, role: Role) -> Principal {
        Principal {
            name: format!("user:{name}"),
            viewer: Viewer::User {
                name: name.to_owned(),
                role,
            },
        }
    }

    /// The operator at the command line, for the named command (e.g. `cli:demo`): the machine's
    /// operator may do everything.
    pub fn cli(command: &str) -> Principal {
        Principal {
            name: format!("cli:{command}"),
            viewer: Viewer::System,
        }
    }

    /// The server itself (seeding the scenario on first start).
    pub fn system() -> Principal {
        Principal {
            name: "system".to_owned(),
            viewer: Viewer::System,
        }
    }

    /// A principal recorded in the change log, as written there, replaying its own entries.
    pub fn recorded(name: &str) -> Principal {
        Principal {
            name: name.to_owned(),
            viewer: Viewer::System,
        }
    }

    /// The name as recorded.
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// What the principal may do and see.
    pub fn viewer(&self) -> &Viewer {
        &self.viewer
    }

    /// The signed-in user's name, if a user acts.
    pub fn user_name(&self) -> Option<&str> {
        match &self.viewer {
            Viewer::User { name, .. } => Some(name),
            _ => None,
        }
    }
}

impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}
