-- The screening record: patients, screenings and their versions, flags and what staff did about
-- them, labs, implants, decisions, signatures, signed records, staff accounts and the audit chain.
-- Times are UTC ISO 8601 text ("2026-11-25T14:01:09Z"); JSON columns hold FHIR or mrscreen JSON.

CREATE TABLE patients (
    id           INTEGER PRIMARY KEY,
    family_name  TEXT NOT NULL DEFAULT '',
    given_name   TEXT NOT NULL DEFAULT '',
    birth_date   TEXT,
    sex          TEXT,
    created_at   TEXT NOT NULL
);

CREATE TABLE screenings (
    id            INTEGER PRIMARY KEY,
    patient_id    INTEGER REFERENCES patients(id),
    form_url      TEXT NOT NULL,
    form_version  TEXT NOT NULL,
    form_sha256   TEXT NOT NULL,
    rules_sha256  TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'reviewed', 'cleared',
                      'cleared_with_conditions', 'not_cleared', 'abandoned', 'amended')),
    origin        TEXT NOT NULL CHECK (origin IN ('kiosk', 'import', 'amendment')),
    language      TEXT NOT NULL DEFAULT 'en',
    amends_id     INTEGER REFERENCES screenings(id),
    created_at    TEXT NOT NULL,
    submitted_at  TEXT,
    reviewed_by   TEXT,
    reviewed_at   TEXT,
    decided_by    TEXT,
    decided_at    TEXT
);

-- One QuestionnaireResponse per version of a screening; a version is never rewritten.
CREATE TABLE responses (
    id            INTEGER PRIMARY KEY,
    screening_id  INTEGER NOT NULL REFERENCES screenings(id),
    version       INTEGER NOT NULL,
    json          TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    UNIQUE (screening_id, version)
);

CREATE TABLE flags (
    id            INTEGER PRIMARY KEY,
    screening_id  INTEGER NOT NULL REFERENCES screenings(id),
    rule_id       TEXT NOT NULL,
    category      TEXT NOT NULL,
    severity      TEXT NOT NULL CHECK (severity IN ('stop', 'review', 'info')),
    message       TEXT NOT NULL,
    triggers_json TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'verified', 'resolved')),
    status_by     TEXT,
    status_at     TEXT,
    note          TEXT NOT NULL DEFAULT '',
    UNIQUE (screening_id, rule_id)
);

CREATE TABLE labs (
    id            INTEGER PRIMARY KEY,
    screening_id  INTEGER NOT NULL REFERENCES screenings(id),
    kind          TEXT NOT NULL,
    value         REAL NOT NULL,
    unit          TEXT NOT NULL,
    taken_on      TEXT,
    entered_by    TEXT NOT NULL,
    entered_at    TEXT NOT NULL
);

CREATE TABLE implants (
    id              INTEGER PRIMARY KEY,
    screening_id    INTEGER NOT NULL REFERENCES screenings(id),
    description     TEXT NOT NULL,
    manufacturer    TEXT NOT NULL DEFAULT '',
    model           TEXT NOT NULL DEFAULT '',
    location        TEXT NOT NULL DEFAULT '',
    implanted_on    TEXT,
    mr_status       TEXT NOT NULL CHECK (mr_status IN ('safe', 'conditional', 'unsafe', 'unknown')),
    conditions_json TEXT NOT NULL DEFAULT '{}',
    check_result    TEXT NOT NULL DEFAULT '',
    entered_by      TEXT NOT NULL,
    entered_at      TEXT NOT NULL
);

CREATE TABLE decisions (
    id              INTEGER PRIMARY KEY,
    screening_id    INTEGER NOT NULL REFERENCES screenings(id),
    outcome         TEXT NOT NULL CHECK (outcome IN ('cleared', 'cleared_with_conditions', 'not_cleared')),
    conditions      TEXT NOT NULL DEFAULT '',
    override_reason TEXT NOT NULL DEFAULT '',
    decided_by      TEXT NOT NULL,
    decided_at      TEXT NOT NULL
);

-- Signatures are vector strokes (points in a unit square), never raster.
CREATE TABLE signatures (
    id            INTEGER PRIMARY KEY,
    screening_id  INTEGER NOT NULL REFERENCES screenings(id),
    signer_role   TEXT NOT NULL,
    signer_name   TEXT NOT NULL,
    strokes_json  TEXT NOT NULL,
    signed_at     TEXT NOT NULL
);

CREATE TABLE records (
    id            INTEGER PRIMARY KEY,
    screening_id  INTEGER NOT NULL REFERENCES screenings(id),
    version       INTEGER NOT NULL,
    pdf_path      TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE staff (
    id              INTEGER PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('nurse', 'mrso', 'admin')),
    secret_hash     TEXT NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,
    disabled        INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
);

-- Hash-chained: hash = sha256(prev_hash || canonical JSON of the event). See app/store/audit.h.
CREATE TABLE audit (
    seq           INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    screening_id  INTEGER,
    detail_json   TEXT NOT NULL,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);

-- The chain's last link, kept apart so that deleting the newest audit rows is detected too.
CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   INTEGER NOT NULL,
    hash  TEXT NOT NULL
);
