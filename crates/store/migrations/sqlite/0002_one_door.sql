-- One door for every change: a change log with one linear sequence, the world's generation,
-- and idempotency keys scoped to the principal and the command's route.

-- The world (terms, actors, designations, commitments, control map) has a generation. Every
-- change to it increments this row first, which also serialises such changes: the row lock on
-- PostgreSQL, the write lock on SQLite. Incident and report writes read it in their transaction.
CREATE TABLE world_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    generation  BIGINT NOT NULL
);
INSERT INTO world_state (id, generation)
    SELECT 1, CASE WHEN EXISTS (SELECT 1 FROM agreement) THEN 1 ELSE 0 END;

-- The head of the change log: appending takes this row, so entries get gap-free numbers in
-- the order their transactions commit.
CREATE TABLE change_head (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    seq         BIGINT NOT NULL
);
INSERT INTO change_head (id, seq) VALUES (1, 0);

-- Append-only: one entry for every change, written in the change's own transaction.
-- `payload` is the command as applied, in canonical JSON (docs/architecture.md, "The change
-- log"); `payload_sha256` is the hex SHA-256 of those bytes.
CREATE TABLE change_log (
    seq             INTEGER PRIMARY KEY,  -- the rowid itself: no second index
    at              BIGINT NOT NULL,
    principal       TEXT NOT NULL,
    action          TEXT NOT NULL,
    entity          TEXT NOT NULL,
    entity_id       TEXT NOT NULL,
    reason          TEXT NOT NULL,
    payload         TEXT NOT NULL,
    payload_sha256  TEXT NOT NULL
);

-- Replies to requests sent with an Idempotency-Key. A key belongs to one principal and one
-- route (e.g. `POST /api/v1/incidents/{id}/reports` with the id), so it can never answer with
-- another resource's reply.
CREATE TABLE request_key (
    principal     TEXT NOT NULL,
    scope         TEXT NOT NULL,
    key           TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        INTEGER NOT NULL,
    response      TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (principal, scope, key)
);
-- Keys stored before scopes existed keep their replies under a scope no route uses.
INSERT INTO request_key (principal, scope, key, request_hash, status, response, created_at)
    SELECT 'anonymous', 'unscoped', key, request_hash, status, response, created_at FROM idempotency;
DROP TABLE idempotency;

-- Re-classification walks incidents in pages by sequence number, with their reports.
CREATE INDEX report_by_incident_seq ON report (incident_seq, seq);

-- The notes folded to lower case by the server (Unicode, not only ASCII), for the text search:
-- SQLite's LOWER folds ASCII only. Rows stored before this column take the database's LOWER.
ALTER TABLE incident ADD COLUMN notes_folded TEXT;
UPDATE incident SET notes_folded = LOWER(notes);
