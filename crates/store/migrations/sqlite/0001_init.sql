-- Times are milliseconds since 1970-01-01 UTC (BIGINT): one portable, sortable representation
-- on SQLite and PostgreSQL. Structured values are JSON text in `body` columns, written and read
-- by truce-core types; the other columns exist for filtering and integrity.

-- The terms, as in agreement.json (checked by truce-core before they are stored).
CREATE TABLE agreement (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE actor (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE designation (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id    TEXT NOT NULL REFERENCES actor (id),
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- One commitment per actor; its body carries the whole event history.
CREATE TABLE commitment (
    actor_id    TEXT PRIMARY KEY REFERENCES actor (id),
    body        TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- One control-map version per row, stored as a one-feature control layer (GeoJSON).
CREATE TABLE area (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    contributor TEXT NOT NULL,
    valid_from  BIGINT NOT NULL,
    valid_to    BIGINT,
    min_lon     DOUBLE PRECISION NOT NULL,
    min_lat     DOUBLE PRECISION NOT NULL,
    max_lon     DOUBLE PRECISION NOT NULL,
    max_lat     DOUBLE PRECISION NOT NULL,
    layer       TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE incident (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    occurred_at   BIGINT NOT NULL,
    lat           DOUBLE PRECISION,
    lon           DOUBLE PRECISION,
    admin1_pcode  TEXT,
    admin3_pcode  TEXT,
    perpetrator   TEXT,
    target        TEXT,
    -- Current labels as ",covered,transition_window," so that one label can be matched with LIKE.
    labels        TEXT NOT NULL,
    notes         TEXT NOT NULL,
    synthetic     BIGINT NOT NULL CHECK (synthetic IN (0, 1)),  -- 1 for demonstration data
    body          TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX incident_by_time ON incident (occurred_at, seq);

-- Every assessment ever made; the current one has no replaced_at.
CREATE TABLE assessment (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_seq  BIGINT NOT NULL REFERENCES incident (seq),
    cause         TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    replaced_at   BIGINT
);
CREATE INDEX assessment_by_incident ON assessment (incident_seq, seq);

-- Claims from one source about an incident, graded on the two Admiralty axes.
CREATE TABLE report (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    incident_seq  BIGINT NOT NULL REFERENCES incident (seq),
    source_name   TEXT NOT NULL,
    source_type   TEXT NOT NULL,
    reliability   TEXT NOT NULL CHECK (reliability IN ('A', 'B', 'C', 'D', 'E', 'F')),
    credibility   INTEGER NOT NULL CHECK (credibility BETWEEN 1 AND 6),
    body          TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX report_by_incident ON report (incident_seq);

-- Replies to POST requests sent with an Idempotency-Key, so that a retry gets the first answer.
CREATE TABLE idempotency (
    key           TEXT PRIMARY KEY,
    request_hash  TEXT NOT NULL,
    status        INTEGER NOT NULL,
    response      TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
