-- What the dashboard counts, kept as it is written: per hour (occurred_at / 3,600,000) and per
-- value of one dimension (`labels`: the label column; `admin1`: the governorate's P-code;
-- `perpetrator`: the actor id or name; `verification`), the incidents and the highest figures
-- of people killed they report. The store's writes keep it in step with the incidents in the
-- same transaction, so a dashboard reads a few thousand rows however many incidents there are.
ALTER TABLE incident ADD COLUMN verification TEXT NOT NULL DEFAULT '';
ALTER TABLE incident ADD COLUMN killed_civilian BIGINT NOT NULL DEFAULT 0;
ALTER TABLE incident ADD COLUMN killed_combatant BIGINT NOT NULL DEFAULT 0;

UPDATE incident SET
    killed_civilian = COALESCE((body::jsonb #>> '{casualties,killed_civilian,max}')::BIGINT, 0),
    killed_combatant = COALESCE((body::jsonb #>> '{casualties,killed_combatant,max}')::BIGINT, 0),
    verification = COALESCE((SELECT a.body::jsonb ->> 'verification' FROM assessment a
                             WHERE a.incident_seq = incident.seq AND a.replaced_at IS NULL
                             ORDER BY a.seq DESC LIMIT 1), '');

CREATE TABLE incident_tally (
    dimension         TEXT NOT NULL,
    hour              BIGINT NOT NULL,
    value             TEXT NOT NULL,
    incidents         BIGINT NOT NULL,
    killed_civilian   BIGINT NOT NULL,
    killed_combatant  BIGINT NOT NULL,
    PRIMARY KEY (dimension, hour, value)
);

INSERT INTO incident_tally
SELECT 'labels', occurred_at / 3600000, labels, COUNT(*), SUM(killed_civilian), SUM(killed_combatant)
FROM incident GROUP BY 2, 3;
INSERT INTO incident_tally
SELECT 'admin1', occurred_at / 3600000, COALESCE(admin1_pcode, ''), COUNT(*), SUM(killed_civilian), SUM(killed_combatant)
FROM incident GROUP BY 2, 3;
INSERT INTO incident_tally
SELECT 'perpetrator', occurred_at / 3600000, COALESCE(perpetrator, ''), COUNT(*), SUM(killed_civilian), SUM(killed_combatant)
FROM incident GROUP BY 2, 3;
INSERT INTO incident_tally
SELECT 'verification', occurred_at / 3600000, verification, COUNT(*), SUM(killed_civilian), SUM(killed_combatant)
FROM incident GROUP BY 2, 3;
