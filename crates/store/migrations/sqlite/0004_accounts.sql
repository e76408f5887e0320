-- Accounts, API tokens and sessions (docs/security.md). Users and tokens change through the
-- door, with change-log entries that never carry a secret; sessions and failed logins are
-- bookkeeping of the sign-in, not changes of the record.

-- A user. `password_hash` is an argon2id PHC string (empty: no password sign-in, as for a
-- user rebuilt from the change log). `totp_secret` is set once a second factor is confirmed;
-- `totp_last_step` is the last 30-second step whose code signed in (a code is good once).
CREATE TABLE app_user (
    name           TEXT PRIMARY KEY,
    role           TEXT NOT NULL,
    party          TEXT,
    password_hash  TEXT NOT NULL,
    totp_secret    TEXT,
    totp_last_step BIGINT,
    disabled_at    BIGINT,
    created_at     BIGINT NOT NULL
);

-- One-time recovery codes for a lost second factor, as SHA-256 hex.
CREATE TABLE recovery_code (
    user_name  TEXT NOT NULL REFERENCES app_user (name),
    code_hash  TEXT NOT NULL,
    used_at    BIGINT,
    PRIMARY KEY (user_name, code_hash)
);

-- API tokens for machine clients: only the SHA-256 of the token is kept. `id` is the public
-- handle used to list and revoke it.
CREATE TABLE api_token (
    id          TEXT PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    user_name   TEXT NOT NULL REFERENCES app_user (name),
    label       TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);

-- Signed-in browsers: the SHA-256 of the cookie's value. A session waiting for its second
-- factor has `pending_second_factor` = 1 and grants nothing else.
CREATE TABLE user_session (
    token_hash             TEXT PRIMARY KEY,
    user_name              TEXT NOT NULL REFERENCES app_user (name),
    csrf                   TEXT NOT NULL,
    pending_second_factor  BIGINT NOT NULL CHECK (pending_second_factor IN (0, 1)),
    created_at             BIGINT NOT NULL,
    expires_at             BIGINT NOT NULL
);

-- Failed sign-ins by account (`user:NAME`) and by address (`addr:IP`), for throttling across
-- every server on the database.
CREATE TABLE login_failure (
    subject  TEXT NOT NULL,
    at       BIGINT NOT NULL
);
CREATE INDEX login_failure_by_subject ON login_failure (subject, at);

-- Bumped by every change that takes a right away (a user disabled, a token revoked, a password
-- or second factor changed): servers keep tokens in memory only while it stays the same.
CREATE TABLE access_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    generation  BIGINT NOT NULL
);
INSERT INTO access_state (id, generation) VALUES (1, 0);

-- Who recorded an incident or a report (the user's name; empty before accounts existed).
ALTER TABLE incident ADD COLUMN submitted_by TEXT NOT NULL DEFAULT '';
ALTER TABLE report ADD COLUMN submitted_by TEXT NOT NULL DEFAULT '';
