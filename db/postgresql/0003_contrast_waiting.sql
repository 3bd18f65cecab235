-- The staff queue also lists a decided screening whose contrast part still waits (contrast planned
-- or not known, a contrast flag staff must act on, no contrast decision yet). Checking that for
-- every decided screening ever stored made the queue grow with the years (issue 13), so it is kept
-- as a column (the same as the SQLite store's 0014): the store sets it again, with
-- kContrastWaitingUpdate (sqlite_store.cpp), in the transaction of every write that can change it.
-- Derived data, not a decision: the audit trail does not record it. Here it is filled for the
-- screenings already stored, with the same condition (one pass over flags, not one per row).
-- SMALLINT, not BOOLEAN: the queue's WHERE is one text for both dialects (contrast_waiting = 1).
ALTER TABLE screenings ADD COLUMN contrast_waiting SMALLINT NOT NULL DEFAULT 0
    CHECK (contrast_waiting IN (0, 1));
UPDATE screenings SET contrast_waiting = 1
WHERE state IN ('cleared', 'cleared_with_conditions', 'not_cleared') AND contrast_planned <> 'no'
    AND id IN (SELECT screening_id FROM flags WHERE gate = 'contrast' AND severity IN ('stop', 'review')
               EXCEPT SELECT screening_id FROM contrast_decisions);
-- Only the few waiting rows are in it; the queue's other half reads screenings_by_state (0001).
CREATE INDEX screenings_contrast_waiting ON screenings (contrast_waiting, submitted_at)
    WHERE contrast_waiting = 1;
