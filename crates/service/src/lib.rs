//! Truce's one door for every change.
//!
//! Every state change is a [`Command`] executed by [`Service::execute`] for a [`Principal`],
//! with an optional idempotency key and a reason. In one database transaction it checks the
//! key (scoped to the principal and the route), validates the command (the pure decision is
//! `truce_core::change`), applies it, re-classifies the incidents it affects, appends its
//! change-log entry and stores the reply for the key. HTTP handlers, pages and the command
//! line all come through here. The one other writer is the first start's seeding (`seed`),
//! which writes the scenario's commands with the same functions and change-log entries in one
//! transaction of its own. The store writes only in a `WriteTx`, which refuses to commit a
//! change without its change-log entry.
//!
//! The service also keeps the world (the scenario the classifier uses) in step with the
//! database, so that several servers on one database agree: see [`Service::world`].

mod accounts;
pub mod canonical;
pub mod cases;
mod command;
pub mod humanitarian;
mod incidents;
pub mod ledger;
mod principal;
mod reclassify;
pub mod secrets;
mod seed;
pub mod sessions;
mod tokens;
mod transaction;
pub mod world;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use truce_core::ScenarioFiles;
use truce_core::change::{Affected, ChangeError};
use truce_core::scenario::ScenarioParts;
use truce_store::{NewArea, NewChange, RequestKey, Store, StoreError, StoredReply};

pub use crate::accounts::check_user_name;
pub use crate::command::{Applied, CaseRecord, Command, HumanitarianRecord, Render, Reply, Secret};
pub use crate::incidents::silent;
pub use crate::principal::Principal;
use crate::world::{World, WorldError, build_world, load_world, new_area};

/// How long a server trusts its world without asking the database for its generation. A
/// change made through another server is in force here within this time (on PostgreSQL a
/// notification usually brings it sooner), and writes check the generation in their own
/// transaction whatever this says.
const WORLD_CHECK_INTERVAL: Duration = Duration::from_millis(250);

/// Why a command was not carried out.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// What the command names does not exist.
    #[error("{0}")]
    NotFound(String),
    /// What the command creates exists already.
    #[error("{0}")]
    Conflict(String),
    /// The principal may not execute the command (`signed_in` false: nobody is signed in).
    #[error("{message}")]
    Forbidden {
        /// Whether a user is signed in (otherwise signing in may help).
        signed_in: bool,
        /// Why not.
        message: String,
    },
    /// The idempotency key was used before with another request.
    #[error("the Idempotency-Key was already used with a different request")]
    KeyReused,
    /// The command's values are wrong.
    #[error("{message}")]
    Invalid {
        /// Snake-case code: `invalid_value`, `unknown_actor`.
        code: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The database failed or is busy.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The world changed since this server classified the command (the database holds this
    /// generation): classify again and retry. Never returned to a caller.
    #[error("the world changed meanwhile (generation {0})")]
    Stale(i64),
    /// The database failed for a batch this command was part of.
    #[error("the database failed: {0}")]
    Unavailable(String),
    /// Anything else (a stored value that does not parse, a task that stopped).
    #[error("{0}")]
    Internal(String),
}

impl ServiceError {
    /// An `invalid_value` error.
    pub fn invalid(message: impl Into<String>) -> ServiceError {
        ServiceError::Invalid {
            code: "invalid_value",
            message: message.into(),
        }
    }

    /// The error for a world the change would make unsound, listing every problem.
    pub fn unsound(errors: truce_core::ScenarioErrors) -> ServiceError {
        let problems: Vec<String> = errors
            .0
            .iter()
            .map(|e| {
                if e.location.is_empty() {
                    e.reason.clone()
                } else {
                    format!("{}: {}", e.location, e.reason)
                }
            })
            .collect();
        let code = if problems.iter().any(|p| p.contains("unknown actor")) {
            "unknown_actor"
        } else {
            "invalid_value"
        };
        ServiceError::Invalid {
            code,
            message: problems.join("; "),
        }
    }
}

impl ServiceError {
    /// The error to give each command of a batch that failed with this one.
    fn for_each(&self) -> ServiceError {
        match self {
            ServiceError::Store(StoreError::Busy) => ServiceError::Store(StoreError::Busy),
            ServiceError::Store(error) => ServiceError::Unavailable(error.to_string()),
            other => ServiceError::Internal(other.to_string()),
        }
    }
}

impl From<ChangeError> for ServiceError {
    fn from(error: ChangeError) -> Self {
        match error {
            ChangeError::Conflict(message) => ServiceError::Conflict(message),
            ChangeError::NotFound(message) => ServiceError::NotFound(message),
            ChangeError::UnknownActor(message) => ServiceError::Invalid {
                code: "unknown_actor",
                message,
            },
            ChangeError::Invalid(message) => ServiceError::invalid(message),
            ChangeError::Unsound(errors) => ServiceError::unsound(errors),
        }
    }
}

impl From<WorldError> for ServiceError {
    fn from(error: WorldError) -> Self {
        match error {
            WorldError::Store(error) => ServiceError::Store(error),
            other => ServiceError::Internal(format!("building the world: {other}")),
        }
    }
}

/// An idempotency key as a client sent it, with where it was sent and a hash of what was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    /// The client's key.
    pub key: String,
    /// The route or command with the resource it addresses.
    pub scope: String,
    /// A hash of the request: the same key with another request is refused.
    pub request_hash: String,
}

/// Who asks for a command, why, and with which retry key.
#[derive(Debug, Clone)]
pub struct Request {
    /// The acting principal.
    pub principal: Principal,
    /// The idempotency key, if any.
    pub key: Option<Key>,
    /// Why (recorded in the change log; may be empty).
    pub reason: String,
}

impl Request {
    /// A request with no key and no reason.
    pub fn by(principal: Principal) -> Request {
        Request {
            principal,
            key: None,
            reason: String::new(),
        }
    }

    fn store_key(&self) -> Option<RequestKey> {
        self.key.as_ref().map(|key| RequestKey {
            principal: self.principal.as_str().to_owned(),
            scope: key.scope.clone(),
            key: key.key.clone(),
        })
    }

    fn stored_reply(&self, reply: &Reply) -> Option<(RequestKey, StoredReply)> {
        Some((
            self.store_key()?,
            StoredReply {
                request_hash: self.key.as_ref()?.request_hash.clone(),
                status: reply.status,
                response: reply.body.clone(),
            },
        ))
    }
}

/// The result of a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The reply.
    pub reply: Reply,
    /// True when the key was seen before: nothing was written, and this is the first reply.
    pub replayed: bool,
}

/// The first reply to a key, or [`ServiceError::KeyReused`] when the request differs.
fn replay(stored: StoredReply, request: &Request) -> Result<Outcome, ServiceError> {
    match &request.key {
        Some(key) if key.request_hash == stored.request_hash => Ok(Outcome {
            reply: Reply {
                status: stored.status,
                body: stored.response,
            },
            replayed: true,
        }),
        _ => Err(ServiceError::KeyReused),
    }
}

/// The change-log entry of a command.
fn change_entry(request: &Request, command: &Command) -> Result<NewChange, ServiceError> {
    Ok(change_entry_of(
        request,
        command,
        command.canonical()?,
        false,
    ))
}

/// The change-log entry of `command`, whose canonical bytes are `payload`.
fn change_entry_of(
    request: &Request,
    command: &Command,
    payload: String,
    payload_in_incident: bool,
) -> NewChange {
    let (action, entity, entity_id) = command.describe();
    NewChange {
        principal: request.principal.as_str().to_owned(),
        action: action.to_owned(),
        entity: entity.to_owned(),
        entity_id,
        reason: request.reason.clone(),
        payload_sha256: canonical::sha256_hex(payload.as_bytes()),
        payload,
        payload_in_incident,
    }
}

/// The door. Cheap to clone; every clone shares the world and the incident writer.
#[derive(Clone)]
pub struct Service {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    base: ScenarioParts,
    world: RwLock<Arc<World>>,
    /// When this server last read the world's generation from the database.
    checked_at: Mutex<Instant>,
    /// A notification (PostgreSQL) said the world changed: check the generation now.
    announced: AtomicBool,
    /// One reload at a time in this process (a reload only reads: changes are serialised by
    /// the database, not here).
    reloading: tokio::sync::Mutex<()>,
    writer: incidents::Writer,
    /// Told when incidents were written or re-classified: cases may need opening.
    case_opener: Arc<tokio::sync::Notify>,
    /// This server replays a change log: its cases come from the log's entries, so it opens
    /// none by itself.
    replaying: AtomicBool,
    /// API tokens kept while no right is taken away.
    tokens: tokens::TokenCache,
}

impl Service {
    /// Seeds an empty database from `files` (in one transaction, so that a crash leaves it
    /// empty or complete), loads the world, and starts the incident writer and, on PostgreSQL,
    /// the listener for changes made by other servers.
    pub async fn start(store: Store, files: &dyn ScenarioFiles) -> Result<Service, ServiceError> {
        let base = world::base_parts(files).map_err(ServiceError::unsound)?;
        ledger::register_signing_key(&store).await?;
        seed::seed_if_empty(&store, files, &base).await?;
        let world = load_world(&store, &base).await?;
        let case_opener = Arc::new(tokio::sync::Notify::new());
        let service = Service {
            inner: Arc::new_cyclic(|weak| Inner {
                store: store.clone(),
                base,
                world: RwLock::new(Arc::new(world)),
                checked_at: Mutex::new(Instant::now()),
                announced: AtomicBool::new(false),
                reloading: tokio::sync::Mutex::new(()),
                writer: incidents::Writer::start(weak.clone()),
                case_opener: case_opener.clone(),
                replaying: AtomicBool::new(false),
                tokens: tokens::TokenCache::new(),
            }),
        };
        cases::start_opener(Arc::downgrade(&service.inner), case_opener);
        service.ask_for_cases();
        seed::seed_humanitarian_if_empty(&service).await?;
        service.listen_for_changes().await;
        Ok(service)
    }

    /// The store, for reading.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The scenario's fixed reference data (boundaries, besieged locations).
    pub fn base(&self) -> &ScenarioParts {
        &self.inner.base
    }

    /// The world as this server last loaded it, without asking the database.
    pub fn cached_world(&self) -> Arc<World> {
        match self.inner.world.read() {
            Ok(world) => Arc::clone(&world),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// The current world: the cached one, unless the database holds a newer generation
    /// (announced by a notification, or found by a check at most every 250 ms).
    pub async fn world(&self) -> Result<Arc<World>, ServiceError> {
        let cached = self.cached_world();
        let announced = self.inner.announced.swap(false, Ordering::Relaxed);
        let due = {
            let mut checked_at = match self.inner.checked_at.lock() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            let due = announced || checked_at.elapsed() >= WORLD_CHECK_INTERVAL;
            if due {
                *checked_at = Instant::now();
            }
            due
        };
        if due {
            let generation = self.inner.store.world_generation().await?;
            if generation > cached.generation {
                return self.world_at(generation).await;
            }
        }
        Ok(cached)
    }

    /// The world of `generation` (or a newer one), reloading it from the database if this
    /// server has an older one.
    pub(crate) async fn world_at(&self, generation: i64) -> Result<Arc<World>, ServiceError> {
        let cached = self.cached_world();
        if cached.generation >= generation {
            return Ok(cached);
        }
        let _one_at_a_time = self.inner.reloading.lock().await;
        let cached = self.cached_world();
        if cached.generation >= generation {
            return Ok(cached);
        }
        let started = Instant::now();
        let world = Arc::new(load_world(&self.inner.store, &self.inner.base).await?);
        tracing::info!(
            generation = world.generation,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "world reloaded from the database"
        );
        self.install(Arc::clone(&world));
        Ok(world)
    }

    /// The world of `generation` (or a newer one) inside a write transaction, read through the
    /// transaction itself when this server has an older one: a transaction waiting for another
    /// connection of the pool while holding the write lock could wait for ever.
    pub(crate) async fn world_in(
        &self,
        tx: &mut truce_store::WriteTx,
        generation: i64,
    ) -> Result<Arc<World>, ServiceError> {
        let cached = self.cached_world();
        if cached.generation >= generation {
            return Ok(cached);
        }
        let world = Arc::new(build_world(tx.world_rows().await?, &self.inner.base)?);
        tracing::info!(
            generation = world.generation,
            "world reloaded from the database"
        );
        self.install(Arc::clone(&world));
        Ok(world)
    }

    /// Makes `world` the cached one unless a newer one is there already.
    fn install(&self, world: Arc<World>) {
        let mut slot = match self.inner.world.write() {
            Ok(slot) => slot,
            Err(poisoned) => poisoned.into_inner(),
        };
        if world.generation > slot.generation {
            *slot = world;
        }
    }

    /// On PostgreSQL, follows the notifications other servers send when they change the world.
    async fn listen_for_changes(&self) {
        let weak = Arc::downgrade(&self.inner);
        let result = self
            .inner
            .store
            .listen_world(move || match weak.upgrade() {
                Some(inner) => {
                    inner.announced.store(true, Ordering::Relaxed);
                    true
                }
                None => false,
            })
            .await;
        if let Err(error) = result {
            tracing::warn!(%error, "cannot listen for changes of the world; checking every 250 ms instead");
        }
    }

    /// Executes a command: the one way to change anything. `render` makes the reply from what
    /// was applied; it runs inside the transaction so that the reply stored for the key is the
    /// one sent.
    pub async fn execute(
        &self,
        request: Request,
        command: Command,
        render: Render,
    ) -> Result<Outcome, ServiceError> {
        accounts::authorize(&request, &command)?;
        match command {
            Command::RecordIncident { incident, report } => {
                let world = self.cached_world();
                let outcome = self
                    .inner
                    .writer
                    .record(&world, request, incident, report, render)
                    .await;
                self.ask_for_cases();
                outcome
            }
            Command::AddReport { report } => {
                let outcome = incidents::add_report(self, &request, report, &render).await;
                self.ask_for_cases();
                self.replay_on_conflict(&request, outcome).await
            }
            Command::AddUser { .. }
            | Command::DisableUser { .. }
            | Command::SetPassword { .. }
            | Command::SetSecondFactor { .. }
            | Command::CreateToken { .. }
            | Command::RevokeToken { .. } => {
                let outcome = accounts::execute(self, &request, &command, &render).await;
                self.replay_on_conflict(&request, outcome).await
            }
            Command::AddLocation { .. }
            | Command::ClassifyLocation { .. }
            | Command::AddPopulationEstimate { .. }
            | Command::AddConvoy { .. }
            | Command::MoveConvoy { .. }
            | Command::AddAirOperation { .. }
            | Command::MoveAirOperation { .. } => {
                let outcome = humanitarian::execute(self, &request, command, &render).await;
                self.replay_on_conflict(&request, outcome).await
            }
            Command::RecordConvoyAttack { convoy, incident } => {
                let outcome =
                    humanitarian::record_attack(self, &request, convoy, incident, &render).await;
                self.ask_for_cases();
                self.replay_on_conflict(&request, outcome).await
            }
            // Registered by the server as it starts, never on request.
            Command::RegisterLedgerKey { .. } => Err(ServiceError::invalid(
                "a server registers its own ledger key as it starts",
            )),
            Command::OpenCases { .. }
            | Command::OpenCase { .. }
            | Command::MergeIntoCase { .. }
            | Command::ActOnCase { .. }
            | Command::DecideEscalation { .. } => {
                let outcome = cases::execute(self, &request, command, &render).await;
                self.replay_on_conflict(&request, outcome).await
            }
            world_command => {
                let outcome = self.change_world(&request, &world_command, &render).await;
                self.ask_for_cases();
                self.replay_on_conflict(&request, outcome).await
            }
        }
    }

    /// Executes a command recorded in a change log again, as its principal, with its reason:
    /// replaying a log after the seeding reproduces the world and the assessments. A server
    /// that replays opens no case by itself: its cases come from the log.
    pub async fn replay_entry(
        &self,
        entry: &truce_store::ChangeEntry,
    ) -> Result<Outcome, ServiceError> {
        self.inner.replaying.store(true, Ordering::SeqCst);
        let command: Command = serde_json::from_str(&entry.change.payload).map_err(|e| {
            ServiceError::Internal(format!("change {} does not parse: {e}", entry.seq))
        })?;
        // A key belongs to the log that registered it; the replaying server has its own.
        if let Command::RegisterLedgerKey { .. } = command {
            return Ok(Outcome {
                reply: Reply {
                    status: 204,
                    body: Default::default(),
                },
                replayed: true,
            });
        }
        let request = Request {
            principal: Principal::recorded(&entry.change.principal),
            key: None,
            reason: entry.change.reason.clone(),
        };
        self.execute(request, command, silent()).await
    }

    /// After a keyed request failed, its key may have been stored meanwhile by a concurrent
    /// attempt with the same key (PostgreSQL lets both start): the retry is answered with that
    /// attempt's reply, whatever it failed on (a unique key, or a proposal already decided).
    async fn replay_on_conflict(
        &self,
        request: &Request,
        outcome: Result<Outcome, ServiceError>,
    ) -> Result<Outcome, ServiceError> {
        let error = match outcome {
            Ok(outcome) => return Ok(outcome),
            Err(error) => error,
        };
        if let Some(key) = request.store_key()
            && let Ok(Some(stored)) = self.inner.store.stored_reply(&key).await
        {
            return replay(stored, request);
        }
        Err(match error {
            ServiceError::Store(StoreError::Conflict(what)) => {
                ServiceError::Conflict(format!("{what} already exists"))
            }
            other => other,
        })
    }

    /// A change of the world, in one transaction that holds the world's lock throughout.
    async fn change_world(
        &self,
        request: &Request,
        command: &Command,
        render: &Render,
    ) -> Result<Outcome, ServiceError> {
        let Some(change) = command.world_change(&self.inner.base)? else {
            return Err(ServiceError::Internal(
                "not a change of the world".to_owned(),
            ));
        };
        let mut tx = self.inner.store.begin_write().await?;
        let generation = tx.lock_world().await?;
        if let Some(outcome) = crate::transaction::retried(&mut tx, request).await? {
            return Ok(outcome);
        }
        // Holding the lock, the database's world is the previous generation: load it if this
        // server has not seen it yet.
        let before = self.world_in(&mut tx, generation - 1).await?;
        let (parts, scenario) =
            truce_core::change::apply(&before.parts, &before.agreement_ids(), &change)?;
        let mut agreements = before.agreements.clone();
        if let Some(recorded) = write_change(&mut tx, &change, command).await? {
            agreements.push(recorded);
        }
        let after = Arc::new(World {
            scenario: Arc::new(scenario),
            parts,
            agreements,
            generation,
        });
        let bbox = match change.affects() {
            Affected::Nothing => None,
            Affected::Within(bbox) => Some(Some(bbox)),
            Affected::Everything => Some(None),
        };
        let reclassified = match bbox {
            Some(bbox) => reclassify::reclassify(&mut tx, &after, bbox, &cause(&change)).await?,
            None => 0,
        };
        let reply = render(
            &Applied::World {
                change,
                reclassified,
            },
            &after,
        )?;
        let outcome = crate::transaction::finish(tx, request, command, reply).await?;
        self.install(after);
        Ok(outcome)
    }
}

/// Why incidents were re-classified, as their assessment history says.
fn cause(change: &truce_core::change::WorldChange) -> String {
    use truce_core::change::WorldChange;
    match change {
        WorldChange::Agreement(agreement) => format!("agreement {} added", agreement.id),
        WorldChange::Actor(actor) => format!("actor {} added", actor.id),
        WorldChange::Designation(d) => format!("designation of {} on {} added", d.actor, d.list),
        WorldChange::Commitment(c) => format!("commitment of {} changed", c.actor),
        WorldChange::Area(version) => format!("area version {} added", version.id),
    }
}

/// Writes a change of the world; for an agreement, returns its id and stored text.
async fn write_change(
    tx: &mut truce_store::WriteTx,
    change: &truce_core::change::WorldChange,
    command: &Command,
) -> Result<Option<(String, String)>, ServiceError> {
    use truce_core::change::WorldChange;
    match (change, command) {
        (
            WorldChange::Agreement(agreement),
            Command::AddAgreement {
                agreement: document,
            },
        ) => {
            let text = command::to_text(document)?;
            tx.insert_agreement(&agreement.id, &text).await?;
            return Ok(Some((agreement.id.clone(), text)));
        }
        (WorldChange::Actor(actor), _) => tx.insert_actor(actor).await?,
        (WorldChange::Designation(designation), _) => tx.insert_designation(designation).await?,
        (WorldChange::Commitment(commitment), _) => tx.put_commitment(commitment).await?,
        (WorldChange::Area(version), Command::AddAreaVersion { layer }) => {
            let row: NewArea = new_area(version, &command::to_text(layer)?);
            tx.insert_areas(&[row]).await?;
        }
        _ => {
            return Err(ServiceError::Internal(
                "the change does not match its command".to_owned(),
            ));
        }
    }
    Ok(None)
}
