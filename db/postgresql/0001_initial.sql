-- The PostgreSQL schema: the SQLite schema as of db/migrations/0011 in one step, with the same
-- tables, columns and TEXT values (times are the same UTC ISO 8601 text, so both backends return
-- identical strings), plus what a shared server needs: the spool's idempotency key, signed PDFs in
-- the database, an append-only audit trail, and a notification to stations on every audit event.
-- Applied by the schema's owner (mrscreen_owner); grants.sql gives the application role its rights.

CREATE TABLE patients (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    family_name  TEXT NOT NULL DEFAULT '',
    given_name   TEXT NOT NULL DEFAULT '',
    birth_date   TEXT,
    sex          TEXT,
    created_at   TEXT NOT NULL
);

CREATE TABLE screenings (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id           BIGINT REFERENCES patients(id),
    form_url             TEXT NOT NULL,
    form_version         TEXT NOT NULL,
    form_sha256          TEXT NOT NULL,
    rules_sha256         TEXT NOT NULL,
    state                TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'reviewed', 'cleared',
                             'cleared_with_conditions', 'not_cleared', 'abandoned', 'amended')),
    origin               TEXT NOT NULL CHECK (origin IN ('kiosk', 'import', 'amendment')),
    language             TEXT NOT NULL DEFAULT 'en',
    amends_id            BIGINT REFERENCES screenings(id),
    created_at           TEXT NOT NULL,
    submitted_at         TEXT,
    reviewed_by          TEXT,
    reviewed_at          TEXT,
    decided_by           TEXT,
    decided_at           TEXT,
    contrast_planned     TEXT NOT NULL DEFAULT 'unknown' CHECK (contrast_planned IN ('yes', 'no', 'unknown')),
    contrast_planned_by  TEXT NOT NULL DEFAULT '',
    contrast_planned_at  TEXT NOT NULL DEFAULT '',
    ignored_answers_json TEXT NOT NULL DEFAULT '[]',
    -- the kiosk spool's idempotency key: a submission forwarded twice is refused the second time
    submission_key       TEXT UNIQUE
);

CREATE TABLE responses (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    screening_id  BIGINT NOT NULL REFERENCES screenings(id),
    version       INTEGER NOT NULL,
    json          TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    UNIQUE (screening_id, version)
);

CREATE TABLE flags (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    screening_id     BIGINT NOT NULL REFERENCES screenings(id),
    rule_id          TEXT NOT NULL,
    category         TEXT NOT NULL,
    severity         TEXT NOT NULL CHECK (severity IN ('stop', 'review', 'info')),
    message          TEXT NOT NULL,
    triggers_json    TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'verified', 'resolved')),
    status_by        TEXT,
    status_at        TEXT,
    note             TEXT NOT NULL DEFAULT '',
    corrected_answer TEXT NOT NULL DEFAULT '',
    gate             TEXT NOT NULL DEFAULT 'zone-iv' CHECK (gate IN ('zone-iv', 'contrast')),
    UNIQUE (screening_id, rule_id)
);

CREATE TABLE labs (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    screening_id  BIGINT NOT NULL REFERENCES screenings(id),
    kind          TEXT NOT NULL,
    value         DOUBLE PRECISION NOT NULL,
    unit          TEXT NOT NULL,
    taken_on      TEXT,
    entered_by    TEXT NOT NULL,
    entered_at    TEXT NOT NULL
);

CREATE TABLE implants (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    screening_id    BIGINT NOT NULL REFERENCES screenings(id),
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
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    screening_id    BIGINT NOT NULL REFERENCES screenings(id),
    outcome         TEXT NOT NULL CHECK (outcome IN ('cleared', 'cleared_with_conditions', 'not_cleared')),
    conditions      TEXT NOT NULL DEFAULT '',
    override_reason TEXT NOT NULL DEFAULT '',
    decided_by      TEXT NOT NULL,
    decided_at      TEXT NOT NULL
);

-- Signatures are vector strokes (points in a unit square), never raster.
CREATE TABLE signatures (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    screening_id  BIGINT NOT NULL REFERENCES screenings(id),
    signer_role   TEXT NOT NULL,
    signer_name   TEXT NOT NULL,
    strokes_json  TEXT NOT NULL,
    signed_at     TEXT NOT NULL,
    purpose       TEXT NOT NULL DEFAULT ''
);

CREATE TABLE records (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    screening_id   BIGINT NOT NULL REFERENCES screenings(id),
    version        INTEGER NOT NULL,
    pdf_path       TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    content_sha256 TEXT NOT NULL DEFAULT '',
    purged_at      TEXT,
    -- the signed PDF itself (checked against sha256 on every read), so any station shows any record
    pdf            BYTEA
);

CREATE TABLE staff (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username        TEXT COLLATE "C" NOT NULL UNIQUE, -- ordered byte by byte, as SQLite orders it
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('nurse', 'mrso', 'admin', 'radiologist')),
    secret_hash     TEXT NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,
    disabled        INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
);

-- Hash-chained: hash = sha256(prev_hash || canonical JSON of the event). See app/store/audit.h.
-- The store computes seq and hash under one lock (PostgresStore::appendAudit), so concurrent
-- stations extend one chain.
CREATE TABLE audit (
    seq           BIGINT PRIMARY KEY,
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    screening_id  BIGINT,
    detail_json   TEXT NOT NULL,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);

-- The chain's last link, kept apart so that deleting the newest audit rows is detected too.
CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   BIGINT NOT NULL,
    hash  TEXT NOT NULL
);

CREATE TABLE form_documents (
    sha256     TEXT COLLATE "C" PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('questionnaire', 'rules')),
    url        TEXT NOT NULL DEFAULT '',
    version    TEXT NOT NULL DEFAULT '',
    content    TEXT NOT NULL,
    stored_at  TEXT NOT NULL
);

CREATE TABLE contrast_decisions (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    screening_id  BIGINT NOT NULL REFERENCES screenings(id),
    outcome       TEXT NOT NULL CHECK (outcome IN ('cleared', 'cleared_with_conditions', 'not_cleared', 'not_planned')),
    conditions    TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    decided_by    TEXT NOT NULL,
    decided_at    TEXT NOT NULL
);

CREATE TABLE procedure_links (
    screening_id            BIGINT PRIMARY KEY REFERENCES screenings(id),
    patient_id              TEXT NOT NULL,
    issuer_of_patient_id    TEXT NOT NULL DEFAULT '',
    accession_number        TEXT NOT NULL DEFAULT '',
    procedure_code          TEXT NOT NULL DEFAULT '',
    procedure_coding_scheme TEXT NOT NULL DEFAULT '',
    procedure_description   TEXT NOT NULL DEFAULT '',
    study_instance_uid      TEXT NOT NULL DEFAULT '',
    requested_procedure_id  TEXT NOT NULL DEFAULT '',
    station_ae_title        TEXT NOT NULL DEFAULT '',
    station_name            TEXT NOT NULL DEFAULT '',
    scheduled_start         TEXT NOT NULL DEFAULT '',
    patient_name            TEXT NOT NULL DEFAULT '',
    patient_birth_date      TEXT NOT NULL DEFAULT '',
    patient_sex             TEXT NOT NULL DEFAULT '',
    linked_by               TEXT NOT NULL,
    linked_at               TEXT NOT NULL
);

CREATE TABLE outbox (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    screening_id     BIGINT NOT NULL REFERENCES screenings(id),
    record_version   INTEGER NOT NULL,
    destination      TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    sent_at          TEXT NOT NULL DEFAULT '',
    sop_instance_uid TEXT NOT NULL DEFAULT '',
    procedure_json   TEXT NOT NULL DEFAULT '',
    UNIQUE (screening_id, record_version, destination)
);

CREATE INDEX screenings_by_state ON screenings (state, submitted_at);
CREATE INDEX screenings_by_amends ON screenings (amends_id);
CREATE INDEX flags_by_screening ON flags (screening_id);
CREATE INDEX responses_by_screening ON responses (screening_id, version);
CREATE INDEX audit_by_screening ON audit (screening_id, seq);
CREATE INDEX decisions_by_screening ON decisions (screening_id, id);
CREATE UNIQUE INDEX records_by_screening_version ON records (screening_id, version);
CREATE INDEX labs_by_screening ON labs (screening_id, id);
CREATE INDEX implants_by_screening ON implants (screening_id, id);
CREATE INDEX signatures_by_screening ON signatures (screening_id, id);
CREATE INDEX contrast_decisions_by_screening ON contrast_decisions (screening_id, id);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id);

-- The trail is append-only for everyone, the owner too: grants already refuse the application
-- role, and this refuses any role an administrator might connect as.
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on audit is refused for every role', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- Stations LISTEN on mrscreen_changes: the payload is the screening's id, or '' for staff events.
-- NOTIFY is delivered at commit, so a station never reads a change before it is there.
CREATE FUNCTION audit_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('mrscreen_changes', COALESCE(NEW.screening_id::text, ''));
    RETURN NULL;
END $$;
CREATE TRIGGER audit_changes AFTER INSERT ON audit FOR EACH ROW EXECUTE FUNCTION audit_notify();
