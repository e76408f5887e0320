-- The humanitarian pillar (docs/humanitarian.md): besieged and hard-to-reach locations,
-- convoys and air operations. Each record is one JSON document whose history is inside it
-- (classifications, estimates and steps are appended, never replaced) and whose every change
-- is a change-log entry. `state` repeats the document's current state for lists and boards.
CREATE TABLE humanitarian_record (
    kind       TEXT NOT NULL,
    id         TEXT NOT NULL,
    state      TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (kind, id)
);
