//! Users, API tokens, sessions and failed sign-ins. Users and tokens are written in a
//! [`WriteTx`] like every change (the door adds their change-log entries); sessions and failed
//! sign-ins are the sign-in's own bookkeeping, written here in short transactions of their own.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Context, Store, StoreResult, WriteTx, int, now_ms, text};

/// A user as stored, without the secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// The sign-in name.
    pub name: String,
    /// The role's name.
    pub role: String,
    /// The role's party (`US`/`RU` for a co-chair, an actor id for a liaison).
    pub party: Option<String>,
    /// Whether the user was disabled.
    pub disabled: bool,
    /// Whether a second factor is enrolled.
    pub second_factor: bool,
}

/// A user with what signing in checks.
#[derive(Debug, Clone)]
pub struct UserSecrets {
    /// The user.
    pub user: UserRecord,
    /// The argon2id PHC string (empty: no password sign-in).
    pub password_hash: String,
    /// The TOTP secret (base32), once enrolled.
    pub totp_secret: Option<String>,
}

/// A new user.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// The sign-in name.
    pub name: &'a str,
    /// The role's name.
    pub role: &'a str,
    /// The role's party.
    pub party: Option<&'a str>,
    /// The argon2id PHC string.
    pub password_hash: &'a str,
}

/// An API token as listed (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// The public handle.
    pub id: String,
    /// The user it acts for.
    pub user_name: String,
    /// What the token is for.
    pub label: String,
    /// When it was created (ms since the epoch).
    pub created_at: i64,
    /// When it was revoked, if it was.
    pub revoked_at: Option<i64>,
}

/// A signed-in browser, as a request finds it.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    /// The user.
    pub user: UserRecord,
    /// The session's CSRF token.
    pub csrf: String,
    /// Whether the second factor is still to be given.
    pub pending_second_factor: bool,
}

const USER_COLUMNS: &str = "u.name, u.role, u.party, u.disabled_at, u.totp_secret";

fn user_record(row: &AnyRow) -> StoreResult<UserRecord> {
    let party: Option<String> = row.try_get("party").ok().flatten();
    let disabled_at: Option<i64> = row.try_get("disabled_at").ok().flatten();
    let totp: Option<String> = row.try_get("totp_secret").ok().flatten();
    Ok(UserRecord {
        name: text(row, "name")?,
        role: text(row, "role")?,
        party: party.filter(|party| !party.is_empty()),
        disabled: disabled_at.is_some(),
        second_factor: totp.is_some(),
    })
}

impl WriteTx {
    /// Says that a right was taken away: every server drops the tokens it keeps in memory.
    async fn take_rights_away(&mut self) -> StoreResult<()> {
        sqlx::query("UPDATE access_state SET generation = generation + 1 WHERE id = 1")
            .execute(&mut *self.tx)
            .await
            .doing("recording a change of rights")?;
        Ok(())
    }

    /// Adds a user; [`StoreError::Conflict`] when the name is taken.
    pub async fn insert_user(&mut self, user: &NewUser<'_>) -> StoreResult<()> {
        self.wrote = true;
        sqlx::query(
            "INSERT INTO app_user (name, role, party, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(user.name)
        .bind(user.role)
        .bind(user.party)
        .bind(user.password_hash)
        .bind(now_ms())
        .execute(&mut *self.tx)
        .await
        .doing("inserting user")?;
        Ok(())
    }

    /// The user named, as this transaction sees it.
    pub async fn user(&mut self, name: &str) -> StoreResult<Option<UserRecord>> {
        sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM app_user u WHERE u.name = $1"
        ))
        .bind(name)
        .fetch_optional(&mut *self.tx)
        .await
        .doing("reading a user")?
        .as_ref()
        .map(user_record)
        .transpose()
    }

    /// Disables a user and ends their sessions; their tokens stop working with them.
    pub async fn disable_user(&mut self, name: &str) -> StoreResult<()> {
        self.wrote = true;
        self.take_rights_away().await?;
        sqlx::query("UPDATE app_user SET disabled_at = $1 WHERE name = $2 AND disabled_at IS NULL")
            .bind(now_ms())
            .bind(name)
            .execute(&mut *self.tx)
            .await
            .doing("disabling a user")?;
        sqlx::query("DELETE FROM user_session WHERE user_name = $1")
            .bind(name)
            .execute(&mut *self.tx)
            .await
            .doing("ending a user's sessions")?;
        Ok(())
    }

    /// Sets a user's password and ends their sessions (they sign in again with it).
    pub async fn set_password(&mut self, name: &str, password_hash: &str) -> StoreResult<()> {
        self.wrote = true;
        self.take_rights_away().await?;
        sqlx::query("UPDATE app_user SET password_hash = $1 WHERE name = $2")
            .bind(password_hash)
            .bind(name)
            .execute(&mut *self.tx)
            .await
            .doing("setting a password")?;
        sqlx::query("DELETE FROM user_session WHERE user_name = $1")
            .bind(name)
            .execute(&mut *self.tx)
            .await
            .doing("ending a user's sessions")?;
        Ok(())
    }

    /// Enrols (with a secret and recovery codes' hashes) or removes a user's second factor.
    pub async fn set_second_factor(
        &mut self,
        name: &str,
        secret: Option<&str>,
        recovery_hashes: &[String],
    ) -> StoreResult<()> {
        self.wrote = true;
        self.take_rights_away().await?;
        sqlx::query("UPDATE app_user SET totp_secret = $1 WHERE name = $2")
            .bind(secret)
            .bind(name)
            .execute(&mut *self.tx)
            .await
            .doing("setting a second factor")?;
        sqlx::query("DELETE FROM recovery_code WHERE user_name = $1")
            .bind(name)
            .execute(&mut *self.tx)
            .await
            .doing("replacing recovery codes")?;
        for hash in recovery_hashes {
            sqlx::query("INSERT INTO recovery_code (user_name, code_hash) VALUES ($1, $2)")
                .bind(name)
                .bind(hash)
                .execute(&mut *self.tx)
                .await
                .doing("inserting recovery code")?;
        }
        Ok(())
    }

    /// Adds an API token (its hash only).
    pub async fn insert_token(
        &mut self,
        id: &str,
        token_hash: &str,
        user_name: &str,
        label: &str,
    ) -> StoreResult<()> {
        self.wrote = true;
        sqlx::query(
            "INSERT INTO api_token (id, token_hash, user_name, label, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(token_hash)
        .bind(user_name)
        .bind(label)
        .bind(now_ms())
        .execute(&mut *self.tx)
        .await
        .doing("inserting token")?;
        Ok(())
    }

    /// The token with this id, as this transaction sees it.
    pub async fn token(&mut self, id: &str) -> StoreResult<Option<TokenRecord>> {
        sqlx::query(
            "SELECT id, user_name, label, created_at, revoked_at FROM api_token WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *self.tx)
        .await
        .doing("reading a token")?
        .as_ref()
        .map(token_record)
        .transpose()
    }

    /// Revokes a token: it is refused from the next request on.
    pub async fn revoke_token(&mut self, id: &str) -> StoreResult<()> {
        self.wrote = true;
        self.take_rights_away().await?;
        sqlx::query("UPDATE api_token SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now_ms())
            .bind(id)
            .execute(&mut *self.tx)
            .await
            .doing("revoking a token")?;
        Ok(())
    }
}

fn token_record(row: &AnyRow) -> StoreResult<TokenRecord> {
    Ok(TokenRecord {
        id: text(row, "id")?,
        user_name: text(row, "user_name")?,
        label: text(row, "label")?,
        created_at: int(row, "created_at")?,
        revoked_at: row.try_get("revoked_at").ok().flatten(),
    })
}

impl Store {
    /// The generation of rights: it changes whenever one is taken away.
    pub async fn access_generation(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT generation FROM access_state WHERE id = 1")
            .fetch_one(&self.pool)
            .await
            .doing("reading the generation of rights")?;
        int(&row, "generation")
    }

    /// Every user, by name.
    pub async fn users(&self) -> StoreResult<Vec<UserRecord>> {
        sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM app_user u ORDER BY u.name"
        ))
        .fetch_all(&self.pool)
        .await
        .doing("listing users")?
        .iter()
        .map(user_record)
        .collect()
    }

    /// Whether an enabled admin exists.
    pub async fn has_admin(&self) -> StoreResult<bool> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM app_user WHERE role = 'admin' AND disabled_at IS NULL",
        )
        .fetch_one(&self.pool)
        .await
        .doing("looking for an admin")?;
        Ok(int(&row, "n")? > 0)
    }

    /// A user with the secrets signing in checks.
    pub async fn user_secrets(&self, name: &str) -> StoreResult<Option<UserSecrets>> {
        let Some(row) = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, u.password_hash FROM app_user u WHERE u.name = $1"
        ))
        .bind(name)
        .fetch_optional(&self.pool)
        .await
        .doing("reading a user")?
        else {
            return Ok(None);
        };
        Ok(Some(UserSecrets {
            user: user_record(&row)?,
            password_hash: text(&row, "password_hash")?,
            totp_secret: row.try_get("totp_secret").ok().flatten(),
        }))
    }

    /// The enabled user an unrevoked token with this hash acts for.
    pub async fn token_user(&self, token_hash: &str) -> StoreResult<Option<UserRecord>> {
        sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM api_token t JOIN app_user u ON u.name = t.user_name \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .doing("reading a token")?
        .as_ref()
        .map(user_record)
        .transpose()
    }

    /// A user's tokens (every user's when `user` is `None`), newest first.
    pub async fn tokens(&self, user: Option<&str>) -> StoreResult<Vec<TokenRecord>> {
        let columns = "SELECT id, user_name, label, created_at, revoked_at FROM api_token";
        let order = "ORDER BY created_at DESC, id";
        let sql = match user {
            Some(_) => format!("{columns} WHERE user_name = $1 {order}"),
            None => format!("{columns} {order}"),
        };
        let mut query = sqlx::query(&sql);
        if let Some(user) = user {
            query = query.bind(user);
        }
        query
            .fetch_all(&self.pool)
            .await
            .doing("listing tokens")?
            .iter()
            .map(token_record)
            .collect()
    }

    // ---------------------------------------------------------------------------------------
    // The sign-in's bookkeeping.

    /// Opens a session for a user.
    pub async fn insert_session(
        &self,
        token_hash: &str,
        user_name: &str,
        csrf: &str,
        pending_second_factor: bool,
        lifetime_ms: i64,
    ) -> StoreResult<()> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO user_session (token_hash, user_name, csrf, pending_second_factor, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(user_name)
        .bind(csrf)
        .bind(i64::from(pending_second_factor))
        .bind(now)
        .bind(now + lifetime_ms)
        .execute(&self.pool)
        .await
        .doing("inserting session")?;
        Ok(())
    }

    /// The unexpired session with this hash, with its enabled user.
    pub async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>> {
        let Some(row) = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, s.csrf, s.pending_second_factor FROM user_session s \
             JOIN app_user u ON u.name = s.user_name \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL"
        ))
        .bind(token_hash)
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await
        .doing("reading a session")?
        else {
            return Ok(None);
        };
        Ok(Some(SessionRecord {
            user: user_record(&row)?,
            csrf: text(&row, "csrf")?,
            pending_second_factor: int(&row, "pending_second_factor")? == 1,
        }))
    }

    /// Marks a session's second factor as given.
    pub async fn complete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("UPDATE user_session SET pending_second_factor = 0 WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .doing("completing a session")?;
        Ok(())
    }

    /// Ends a session (and any expired ones).
    pub async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM user_session WHERE token_hash = $1 OR expires_at <= $2")
            .bind(token_hash)
            .bind(now_ms())
            .execute(&self.pool)
            .await
            .doing("ending a session")?;
        Ok(())
    }

    /// Uses up a recovery code; true if it was unused.
    pub async fn use_recovery_code(&self, user_name: &str, code_hash: &str) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE recovery_code SET used_at = $1 WHERE user_name = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now_ms())
        .bind(user_name)
        .bind(code_hash)
        .execute(&self.pool)
        .await
        .doing("using a recovery code")?;
        Ok(done.rows_affected() == 1)
    }

    /// Records a failed sign-in for each subject (`user:NAME`, `addr:IP`) and forgets those
    /// older than `window_ms`.
    pub async fn record_login_failure(
        &self,
        subjects: &[String],
        window_ms: i64,
    ) -> StoreResult<()> {
        let now = now_ms();
        let mut tx = self
            .pool
            .begin()
            .await
            .doing("recording a failed sign-in")?;
        for subject in subjects {
            sqlx::query("INSERT INTO login_failure (subject, at) VALUES ($1, $2)")
                .bind(subject)
                .bind(now)
                .execute(&mut *tx)
                .await
                .doing("recording a failed sign-in")?;
        }
        sqlx::query("DELETE FROM login_failure WHERE at < $1")
            .bind(now - window_ms)
            .execute(&mut *tx)
            .await
            .doing("forgetting old failed sign-ins")?;
        tx.commit().await.doing("recording a failed sign-in")
    }

    /// Takes back the latest attempt recorded for each subject (a sign-in that succeeded).
    pub async fn forget_login_attempt(&self, subjects: &[String]) -> StoreResult<()> {
        for subject in subjects {
            sqlx::query(
                "DELETE FROM login_failure WHERE subject = $1 AND at = \
                 (SELECT MAX(at) FROM login_failure WHERE subject = $2)",
            )
            .bind(subject)
            .bind(subject)
            .execute(&self.pool)
            .await
            .doing("forgetting a sign-in attempt")?;
        }
        Ok(())
    }

    /// Claims a TOTP step for a user: true if it is later than any step used before (a code
    /// is good once, on every server).
    pub async fn claim_totp_step(&self, user_name: &str, step: u64) -> StoreResult<bool> {
        let step = i64::try_from(step).unwrap_or(i64::MAX);
        let done = sqlx::query(
            "UPDATE app_user SET totp_last_step = $1 WHERE name = $2 \
             AND (totp_last_step IS NULL OR totp_last_step < $3)",
        )
        .bind(step)
        .bind(user_name)
        .bind(step)
        .execute(&self.pool)
        .await
        .doing("using a second-factor code")?;
        Ok(done.rows_affected() == 1)
    }

    /// The most failed sign-ins of any of these subjects in the last `window_ms`.
    pub async fn login_failures(&self, subjects: &[String], window_ms: i64) -> StoreResult<i64> {
        let since = now_ms() - window_ms;
        let mut most = 0;
        for subject in subjects {
            let row = sqlx::query(
                "SELECT COUNT(*) AS n FROM login_failure WHERE subject = $1 AND at >= $2",
            )
            .bind(subject)
            .bind(since)
            .fetch_one(&self.pool)
            .await
            .doing("counting failed sign-ins")?;
            most = most.max(int(&row, "n")?);
        }
        Ok(most)
    }
}
