-- Server signatures (docs/ledger.md): the last entry of each transaction carries the server's
-- ed25519 signature of the head it leaves, and the key that made it, both in hex; the head
-- keeps a copy, so that a server checks what it chains onto in the statement that takes it.
ALTER TABLE change_log ADD COLUMN signature TEXT NOT NULL DEFAULT '';
ALTER TABLE change_log ADD COLUMN signed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE change_head ADD COLUMN signature TEXT NOT NULL DEFAULT '';
ALTER TABLE change_head ADD COLUMN signed_by TEXT NOT NULL DEFAULT '';

-- A signature is written with its entry, never after.
DROP TRIGGER change_log_no_update;
CREATE TRIGGER change_log_no_update
BEFORE UPDATE OF seq, at, principal, action, entity, entity_id, reason, payload, payload_sha256,
    signature, signed_by
ON change_log
BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only');
END;

-- The server keys, each registered by an entry of the log (the data behind it, which
-- `truce ledger verify` checks against the log): what `GET /api/v1/ledger/keys` publishes.
CREATE TABLE ledger_key (
    public_key  TEXT PRIMARY KEY,  -- ed25519, in hex
    seq         BIGINT NOT NULL,   -- the entry that registered it
    valid_from  BIGINT NOT NULL,   -- that entry's time (ms since the epoch)
    holder      TEXT NOT NULL      -- 'server'
);
CREATE TRIGGER ledger_key_no_update BEFORE UPDATE ON ledger_key
BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only');
END;
CREATE TRIGGER ledger_key_no_delete BEFORE DELETE ON ledger_key
BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only');
END;
