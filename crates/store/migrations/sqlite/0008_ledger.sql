-- The tamper-evident chain (docs/ledger.md): each entry's hash covers its fields and the hash
-- of the entry before it; the head keeps the last hash. Entries written before the chain have
-- an empty hash until the store seals them, in order, when it opens.
ALTER TABLE change_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE change_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';
ALTER TABLE change_head ADD COLUMN hash TEXT NOT NULL DEFAULT '';

-- Append-only: an entry is never deleted, and never changed once sealed.
CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only');
END;
CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log WHEN OLD.hash <> ''
BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only');
END;
