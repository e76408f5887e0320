-- The tamper-evident chain (docs/ledger.md): each entry's hash covers its fields and the hash
-- of the entry before it; the head keeps the last hash. Entries written before the chain have
-- an empty hash until the store seals them, in order, once: `unsealed` says there are such.
ALTER TABLE change_log
    ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '',
    ADD COLUMN hash TEXT NOT NULL DEFAULT '';
ALTER TABLE change_head
    ADD COLUMN hash TEXT NOT NULL DEFAULT '',
    ADD COLUMN unsealed INTEGER NOT NULL DEFAULT 0;
UPDATE change_head SET unsealed = CASE WHEN EXISTS (SELECT 1 FROM change_log) THEN 1 ELSE 0 END;

-- Append-only: an entry is never deleted; its fields never change; its hashes are written
-- once, by the sealing.
CREATE FUNCTION change_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.hash = ''
            AND ROW(NEW.seq, NEW.at, NEW.principal, NEW.action, NEW.entity, NEW.entity_id,
                    NEW.reason, NEW.payload, NEW.payload_sha256)
                IS NOT DISTINCT FROM
                ROW(OLD.seq, OLD.at, OLD.principal, OLD.action, OLD.entity, OLD.entity_id,
                    OLD.reason, OLD.payload, OLD.payload_sha256)
        THEN
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

-- The head only moves forward, and the sealing happens once.
CREATE FUNCTION change_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seq < OLD.seq OR NEW.unsealed > OLD.unsealed THEN
        RAISE EXCEPTION 'the change log''s head only moves forward';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER change_head_forward BEFORE UPDATE ON change_head
    FOR EACH ROW EXECUTE FUNCTION change_head_forward();
