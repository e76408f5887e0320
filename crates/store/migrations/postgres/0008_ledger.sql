-- The tamper-evident chain (docs/ledger.md): each entry's hash covers its fields and the hash
-- of the entry before it; the head keeps the last hash. Entries written before the chain have
-- an empty hash until the store seals them, in order, when it opens.
ALTER TABLE change_log
    ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '',
    ADD COLUMN hash TEXT NOT NULL DEFAULT '';
ALTER TABLE change_head ADD COLUMN hash TEXT NOT NULL DEFAULT '';

-- Append-only: an entry is never deleted, and never changed once sealed.
CREATE FUNCTION change_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.hash = '' THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'the change log is append-only';
END
$$;
CREATE TRIGGER change_log_no_change BEFORE UPDATE OR DELETE ON change_log
    FOR EACH ROW EXECUTE FUNCTION change_log_append_only();
CREATE TRIGGER change_log_no_truncate BEFORE TRUNCATE ON change_log
    FOR EACH STATEMENT EXECUTE FUNCTION change_log_append_only();
