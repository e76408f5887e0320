-- Server signatures (docs/ledger.md): the last entry of each transaction carries the server's
-- ed25519 signature of the head it leaves, and the key that made it, both in hex; the head
-- keeps a copy, so that a server checks what it chains onto in the statement that takes it.
ALTER TABLE change_log
    ADD COLUMN signature TEXT NOT NULL DEFAULT '',
    ADD COLUMN signed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE change_head
    ADD COLUMN signature TEXT NOT NULL DEFAULT '',
    ADD COLUMN signed_by TEXT NOT NULL DEFAULT '';

-- A signature is written with its entry, never after: the sealing of old entries may set
-- their hashes, and nothing else.
CREATE OR REPLACE FUNCTION change_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.hash = ''
            AND ROW(NEW.seq, NEW.at, NEW.principal, NEW.action, NEW.entity, NEW.entity_id,
                    NEW.reason, NEW.payload, NEW.payload_sha256, NEW.signature, NEW.signed_by)
                IS NOT DISTINCT FROM
                ROW(OLD.seq, OLD.at, OLD.principal, OLD.action, OLD.entity, OLD.entity_id,
                    OLD.reason, OLD.payload, OLD.payload_sha256, OLD.signature, OLD.signed_by)
        THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'the change log is append-only';
END
$$;

-- The server keys, each registered by an entry of the log (the data behind it, which
-- `truce ledger verify` checks against the log): what `GET /api/v1/ledger/keys` publishes.
CREATE TABLE ledger_key (
    public_key  TEXT PRIMARY KEY,  -- ed25519, in hex
    seq         BIGINT NOT NULL,   -- the entry that registered it
    valid_from  BIGINT NOT NULL,   -- that entry's time (ms since the epoch)
    holder      TEXT NOT NULL      -- 'server'
);
CREATE FUNCTION ledger_key_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the change log is append-only';
END
$$;
CREATE TRIGGER ledger_key_no_change BEFORE UPDATE OR DELETE ON ledger_key
    FOR EACH ROW EXECUTE FUNCTION ledger_key_append_only();
CREATE TRIGGER ledger_key_no_truncate BEFORE TRUNCATE ON ledger_key
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_key_append_only();
