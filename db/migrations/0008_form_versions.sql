-- Every questionnaire and rules file a screening used, content-addressed by the sha256 of its exact
-- text (screenings.form_sha256 / rules_sha256 name them), so a screening is always evaluated, shown,
-- rendered and exported with the form the patient answered, whatever forms/ holds today.
CREATE TABLE form_documents (
    sha256     TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('questionnaire', 'rules')),
    url        TEXT NOT NULL DEFAULT '', -- the questionnaire's canonical URL (for rules: the form it applies to)
    version    TEXT NOT NULL DEFAULT '',
    content    TEXT NOT NULL,
    stored_at  TEXT NOT NULL
);
