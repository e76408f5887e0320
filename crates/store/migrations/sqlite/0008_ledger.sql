-- The tamper-evident chain (docs/ledger.md): each entry's hash covers its fields and the hash
-- of the entry before it; the head keeps the last hash. Entries written before the chain have
-- an empty hash until the store seals them, in order, once: `unsealed` says there are such.
ALTER TABLE change_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE change_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';
ALTER TABLE change_head ADD COLUMN hash TEXT NOT NULL DEFAULT '';
ALTER TABLE change_head ADD COLUMN unsealed INTEGER NOT NULL DEFAULT 0;
UPDATE change_head SET unsealed = CASE WHEN EXISTS (SELECT 1 FROM change_log) THEN 1 ELSE 0 END;

-- Append-only: an entry is never deleted; its fields never change; its hashes are written
-- once, by the sealing.
CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only');
END;
CREATE TRIGGER change_log_no_update
BEFORE UPDATE OF seq, at, principal, action, entity, entity_id, reason, payload, payload_sha256
ON change_log
BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only');
END;
CREATE TRIGGER change_log_sealed_once BEFORE UPDATE OF prev_hash, hash ON change_log
WHEN OLD.hash <> ''
BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only');
END;
-- The head only moves forward, and the sealing happens once.
CREATE TRIGGER change_head_forward BEFORE UPDATE ON change_head
WHEN NEW.seq < OLD.seq OR NEW.unsealed > OLD.unsealed
BEGIN
    SELECT RAISE(ABORT, 'the change log''s head only moves forward');
END;
