-- The key a kiosk makes when a patient starts the form (a random UUID), kept with the screening
-- it became. A submission sent again (from the kiosk's spool after an outage, or a retry after a
-- lost answer) finds its key taken: the unique index refuses the duplicate and the store answers
-- with the screening already stored. Older rows and imports have no key (NULLs are not unique).
ALTER TABLE screenings ADD COLUMN submission_key TEXT;
CREATE UNIQUE INDEX screenings_submission_key ON screenings(submission_key);
