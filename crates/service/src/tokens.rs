//! API tokens kept in memory for the busiest path (a machine client posting incidents), but
//! only while the database says no right was taken away: every server reads the generation of
//! rights at most every 250 ms, and the server that took one away drops its tokens at once.
//! So a revoked token, or one of a disabled user, is refused at once by the server that
//! revoked it and within a quarter of a second by every other.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use truce_store::UserRecord;

use crate::{Service, ServiceError};

/// How long a server trusts its tokens without reading the generation of rights.
const CHECK_INTERVAL: Duration = Duration::from_millis(250);
/// Tokens kept at most (a full cache starts again empty).
const MAX_TOKENS: usize = 10_000;

/// Tokens (by their hash) and their users, as of one generation of rights.
pub(crate) struct TokenCache {
    state: Mutex<Cached>,
}

struct Cached {
    generation: i64,
    checked_at: Option<Instant>,
    users: HashMap<String, UserRecord>,
}

impl TokenCache {
    pub(crate) fn new() -> Self {
        TokenCache {
            state: Mutex::new(Cached {
                generation: i64::MIN,
                checked_at: None,
                users: HashMap::new(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cached> {
        match self.state.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Forgets every token (a right was taken away through this server).
    pub(crate) fn clear(&self) {
        let mut cached = self.lock();
        cached.users.clear();
        cached.checked_at = None;
    }

    /// Whether the generation of rights is to be read again.
    fn due(&self) -> bool {
        self.lock()
            .checked_at
            .is_none_or(|at| at.elapsed() >= CHECK_INTERVAL)
    }

    /// Follows the generation read from the database: a new one drops every token.
    fn follow(&self, generation: i64) {
        let mut cached = self.lock();
        if generation != cached.generation {
            cached.users.clear();
            cached.generation = generation;
        }
        cached.checked_at = Some(Instant::now());
    }

    /// The token's user if kept, and the generation it would be kept under.
    fn get(&self, token_hash: &str) -> (Option<UserRecord>, i64) {
        let cached = self.lock();
        (cached.users.get(token_hash).cloned(), cached.generation)
    }

    /// Keeps a token read under `generation`, unless a right was taken away since.
    fn put(&self, token_hash: &str, user: &UserRecord, generation: i64) {
        let mut cached = self.lock();
        if cached.generation != generation {
            return;
        }
        if cached.users.len() >= MAX_TOKENS {
            cached.users.clear();
        }
        cached.users.insert(token_hash.to_owned(), user.clone());
    }
}

impl Service {
    /// The enabled user an unrevoked API token (by its hash) acts for.
    pub async fn token_user(&self, token_hash: &str) -> Result<Option<UserRecord>, ServiceError> {
        let cache = &self.inner.tokens;
        if cache.due() {
            cache.follow(self.store().access_generation().await?);
        }
        let (kept, generation) = cache.get(token_hash);
        if kept.is_some() {
            return Ok(kept);
        }
        let found = self.store().token_user(token_hash).await?;
        if let Some(user) = &found {
            cache.put(token_hash, user, generation);
        }
        Ok(found)
    }
}
