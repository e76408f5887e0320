-- The task force's cases (docs/cases.md). Each case is one JSON document whose history is
-- inside it (events are appended, never replaced) and whose every change is a change-log entry.
-- `state` and `disputed` repeat the document's for the docket and lists.
CREATE TABLE case_file (
    id           TEXT PRIMARY KEY,
    state        TEXT NOT NULL,
    disputed     BIGINT NOT NULL CHECK (disputed IN (0, 1)),
    opened_at    BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    body         TEXT NOT NULL
);

-- Which case an incident belongs to: at most one.
CREATE TABLE case_incident (
    incident_id  TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES case_file (id)
);
CREATE INDEX case_incident_by_case ON case_incident (case_id);

-- The co-chairs' answers to escalation proposals (R7), never changed.
CREATE TABLE escalation_decision (
    id           TEXT PRIMARY KEY,
    actor        TEXT NOT NULL,
    decided_at   BIGINT NOT NULL,
    body         TEXT NOT NULL
);
