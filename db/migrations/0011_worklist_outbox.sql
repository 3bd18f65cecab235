-- The hospital's systems: the scheduled exam (DICOM Modality Worklist) a screening is linked to,
-- and the durable outbox through which each signed record version goes to PACS.
CREATE TABLE procedure_links (
    screening_id            INTEGER PRIMARY KEY REFERENCES screenings(id),
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
    id               INTEGER PRIMARY KEY,
    screening_id     INTEGER NOT NULL REFERENCES screenings(id),
    record_version   INTEGER NOT NULL,
    destination      TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    sent_at          TEXT NOT NULL DEFAULT '',
    sop_instance_uid TEXT NOT NULL DEFAULT '',
    -- the scheduled exam as linked when the record was filed (JSON, '' when unlinked): PACS files
    -- the record under the patient and study it names, even after a later relink
    procedure_json   TEXT NOT NULL DEFAULT '',
    UNIQUE (screening_id, record_version, destination)
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id);
