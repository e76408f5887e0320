//! Signing in and out. A session is not a change of the record (no change-log entry): it is
//! the sign-in's own bookkeeping, as are the failed attempts counted for throttling. Both live
//! in the database, so that every server sees the same sessions and the same counts.

use crate::secrets::{random_text, recovery_hash, secret_hash, totp_step, verify_password};
use crate::{Service, ServiceError};

/// How long a session lasts: a working day.
pub const SESSION_LIFETIME_MS: i64 = 12 * 60 * 60 * 1000;
/// The window over which failed sign-ins are counted.
const FAILURE_WINDOW_MS: i64 = 60 * 1000;

/// A session just opened: the cookie's value and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The cookie's value (only its hash is stored).
    pub cookie: String,
    /// Whether the second factor is still to be given.
    pub pending_second_factor: bool,
    /// Whether the user must enrol a second factor before anything else.
    pub must_enrol: bool,
}

/// Why a sign-in failed.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Too many failures for this account or address in the last minute.
    #[error("too many failed sign-ins: wait a minute and try again")]
    Throttled,
    /// Wrong name, wrong password, disabled user, or wrong code: said alike, so that a guess
    /// learns nothing about which.
    #[error("the name or the password is wrong")]
    Wrong,
    /// The database failed.
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<truce_store::StoreError> for SignInError {
    fn from(error: truce_store::StoreError) -> Self {
        SignInError::Service(ServiceError::Store(error))
    }
}

/// A valid argon2id hash of a password nobody has, checked when the user does not exist, so
/// that a wrong name takes as long as a wrong password.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$6SRo7x6U9Al6Gh0JJ1YWchdAoPhSqRZy4B9rW5ZJ4bA";

impl Service {
    /// Signs a user in with a password from `address`, after the throttle: at most `limit`
    /// failures a minute per account and per address.
    pub async fn sign_in(
        &self,
        name: &str,
        password: &str,
        address: &str,
        limit: i64,
        require_second_factor: bool,
    ) -> Result<NewSession, SignInError> {
        let store = self.store();
        let subjects = self.count_attempt(name, address, limit).await?;
        let found = store.user_secrets(name).await?;
        let hash = found
            .as_ref()
            .map_or(DECOY_HASH, |user| user.password_hash.as_str());
        let matches = verify_password(password, hash);
        let Some(user) = found.filter(|user| matches && !user.user.disabled) else {
            return Err(SignInError::Wrong);
        };
        store.forget_login_attempt(&subjects).await?;
        let pending = user.totp_secret.is_some();
        let must_enrol = require_second_factor
            && !pending
            && truce_core::access::Role::from_parts(&user.user.role, user.user.party.as_deref())
                .is_ok_and(|role| role.needs_second_factor());
        let cookie = random_text(32);
        store
            .insert_session(
                &secret_hash(&cookie),
                name,
                &random_text(24),
                pending,
                SESSION_LIFETIME_MS,
            )
            .await?;
        Ok(NewSession {
            cookie,
            pending_second_factor: pending,
            must_enrol,
        })
    }

    /// Counts an attempt to sign in (or to confirm a password or a code) for the account and
    /// the address, and refuses it beyond `limit` a minute. It is counted before it is
    /// checked, so that attempts sent at once cannot all pass; a success takes its own back
    /// (`forget_login_attempt` on the subjects returned).
    async fn count_attempt(
        &self,
        name: &str,
        address: &str,
        limit: i64,
    ) -> Result<[String; 2], SignInError> {
        let store = self.store();
        let subjects = [format!("user:{name}"), format!("addr:{address}")];
        store
            .record_login_failure(&subjects, FAILURE_WINDOW_MS)
            .await?;
        if store.login_failures(&subjects, FAILURE_WINDOW_MS).await? > limit {
            return Err(SignInError::Throttled);
        }
        Ok(subjects)
    }

    /// Checks a signed-in user's password again before a change of their account (throttled
    /// like a sign-in, so that a borrowed browser cannot guess it).
    pub async fn confirm_password(
        &self,
        name: &str,
        password: &str,
        address: &str,
        limit: i64,
    ) -> Result<(), SignInError> {
        let store = self.store();
        let subjects = self.count_attempt(name, address, limit).await?;
        let hash = store
            .user_secrets(name)
            .await?
            .map(|user| user.password_hash)
            .unwrap_or_default();
        if !verify_password(password, &hash) {
            return Err(SignInError::Wrong);
        }
        store.forget_login_attempt(&subjects).await?;
        Ok(())
    }

    /// Completes a session waiting for its second factor with a TOTP code or an unused
    /// recovery code (throttled like a password).
    pub async fn second_factor(
        &self,
        session_hash: &str,
        user: &str,
        code: &str,
        address: &str,
        limit: i64,
    ) -> Result<(), SignInError> {
        let store = self.store();
        let subjects = self.count_attempt(user, address, limit).await?;
        let secret = store
            .user_secrets(user)
            .await?
            .and_then(|user| user.totp_secret);
        // A code is good once: the step it belongs to is claimed in the database, so that a
        // code seen over a shoulder cannot be used again, on this server or another.
        let good = match &secret {
            Some(secret) => match totp_step(secret, code) {
                Some(step) => store.claim_totp_step(user, step).await?,
                None => store.use_recovery_code(user, &recovery_hash(code)).await?,
            },
            None => false,
        };
        if !good {
            return Err(SignInError::Wrong);
        }
        store.forget_login_attempt(&subjects).await?;
        store.complete_session(session_hash).await?;
        Ok(())
    }

    /// Ends a session.
    pub async fn sign_out(&self, session_hash: &str) -> Result<(), ServiceError> {
        Ok(self.store().delete_session(session_hash).await?)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_decoy_hash_reads_and_matches_nothing_typed() {
        assert!(argon2::password_hash::PasswordHash::new(super::DECOY_HASH).is_ok());
        assert!(!crate::secrets::verify_password("", super::DECOY_HASH));
    }
}
