-- A screening's page looks up its correction and its decision; without these, both scan every
-- screening (70 ms at 100,000 screenings, measured by tests/bench).
CREATE INDEX screenings_by_amends ON screenings (amends_id);
CREATE INDEX decisions_by_screening ON decisions (screening_id, id);
