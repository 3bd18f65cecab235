-- Contrast is its own decision: whether contrast is planned (staff set it; unknown counts as
-- planned), what each flag holds back (Zone IV entry or the contrast agent), the signed contrast
-- part of the decision, the radiologist role that may sign it, and the answers a patient gave to
-- questions that did not apply (shown to staff and in the record).
ALTER TABLE screenings ADD COLUMN contrast_planned TEXT NOT NULL DEFAULT 'unknown'
    CHECK (contrast_planned IN ('yes', 'no', 'unknown'));
ALTER TABLE screenings ADD COLUMN contrast_planned_by TEXT NOT NULL DEFAULT '';
ALTER TABLE screenings ADD COLUMN contrast_planned_at TEXT NOT NULL DEFAULT '';
ALTER TABLE screenings ADD COLUMN ignored_answers_json TEXT NOT NULL DEFAULT '[]';

ALTER TABLE flags ADD COLUMN gate TEXT NOT NULL DEFAULT 'zone-iv' CHECK (gate IN ('zone-iv', 'contrast'));

CREATE TABLE contrast_decisions (
    id            INTEGER PRIMARY KEY,
    screening_id  INTEGER NOT NULL REFERENCES screenings(id),
    outcome       TEXT NOT NULL CHECK (outcome IN ('cleared', 'cleared_with_conditions', 'not_cleared', 'not_planned')),
    conditions    TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    decided_by    TEXT NOT NULL,
    decided_at    TEXT NOT NULL
);
CREATE INDEX contrast_decisions_by_screening ON contrast_decisions (screening_id, id);

-- SQLite cannot change a CHECK constraint: the staff table is rebuilt with the new role, rows kept.
CREATE TABLE staff_with_radiologist (
    id              INTEGER PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('nurse', 'mrso', 'admin', 'radiologist')),
    secret_hash     TEXT NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,
    disabled        INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
);
INSERT INTO staff_with_radiologist (id, username, display_name, role, secret_hash, failed_attempts, locked_until,
                                    disabled, created_at)
    SELECT id, username, display_name, role, secret_hash, failed_attempts, locked_until, disabled, created_at
    FROM staff;
DROP TABLE staff;
ALTER TABLE staff_with_radiologist RENAME TO staff;
