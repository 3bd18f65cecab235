-- The review queue and a screening's page read by state and by screening; keep them fast at
-- 100,000 screenings.
CREATE INDEX screenings_by_state ON screenings (state, submitted_at);
CREATE INDEX flags_by_screening ON flags (screening_id);
CREATE INDEX responses_by_screening ON responses (screening_id, version);
CREATE INDEX audit_by_screening ON audit (screening_id, seq);
