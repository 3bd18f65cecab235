-- A screening's record versions are numbered 1, 2, ...; two writers can never claim the same one.
CREATE UNIQUE INDEX records_by_screening_version ON records (screening_id, version);
