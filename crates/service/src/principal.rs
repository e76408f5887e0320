//! Who acts. Until accounts exist, the server names the principal of each way in: anonymous
//! HTTP clients, the command line, and the system's own seeding.

use std::fmt;

/// The acting principal of a command, recorded in its change-log entry and scoping its
/// idempotency key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Principal(String);

impl Principal {
    /// Any client of the HTTP API or the pages (no accounts yet).
    pub fn anonymous() -> Principal {
        Principal("anonymous".to_owned())
    }

    /// The command line, for the named command (e.g. `cli:demo`).
    pub fn cli(command: &str) -> Principal {
        Principal(format!("cli:{command}"))
    }

    /// The server itself (seeding the scenario on first start).
    pub fn system() -> Principal {
        Principal("system".to_owned())
    }

    /// A principal recorded in the change log, as written there (for replaying it).
    pub fn recorded(name: &str) -> Principal {
        Principal(name.to_owned())
    }

    /// The name as recorded.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
