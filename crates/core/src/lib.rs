//! Truce core: the domain of ceasefire monitoring as pure types and functions.
//!
//! - [`agreement`]: the terms as data, with versions, exclusions and obligations.
//! - [`access`]: roles, and what each may do and see.
//! - [`actor`] and [`commitment`]: the registry of parties, their designations and their
//!   acceptance of the terms as a state machine.
//! - [`control`] and [`geometry`]: the time-versioned control map with its spatial index.
//! - [`incident`] and [`classify`]: incidents and their explained classification (rules R0–R6).
//! - [`change`]: whether a change to the world may be made, and the world it gives.
//! - [`scenario`]: loading and checking a whole scenario from its files.
//!
//! Nothing here does I/O, spawns tasks or touches a database: the same input always gives the
//! same output, on every backend.

pub mod access;
pub mod actor;
pub mod admin;
pub mod agreement;
pub mod case;
pub mod change;
pub mod classify;
pub mod commitment;
pub mod control;
pub mod explain;
pub mod geometry;
pub mod humanitarian;
pub mod incident;
pub mod scenario;
pub mod time;

pub use classify::{Assessment, Label, classify};
pub use scenario::{Scenario, ScenarioError, ScenarioErrors, ScenarioFiles};
