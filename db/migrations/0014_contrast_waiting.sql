-- The staff queue also lists a decided screening whose contrast part still waits (contrast planned
-- or not known, a contrast flag staff must act on, no contrast decision yet). Checking that for
-- every decided screening ever stored made the queue grow with the years (issue 13), so it is kept
-- as a column: the store sets it again, with kContrastWaitingUpdate (sqlite_store.cpp), in the
-- transaction of every write that can change it. Derived data, not a decision: the audit trail does
-- not record it. Here it is filled for the screenings already stored, with the same condition.
ALTER TABLE screenings ADD COLUMN contrast_waiting INTEGER NOT NULL DEFAULT 0
    CHECK (contrast_waiting IN (0, 1));
UPDATE screenings SET contrast_waiting = 1
WHERE state IN ('cleared', 'cleared_with_conditions', 'not_cleared') AND contrast_planned <> 'no'
    AND EXISTS (SELECT 1 FROM flags f WHERE f.screening_id = screenings.id AND f.gate = 'contrast'
                AND f.severity IN ('stop', 'review'))
    AND NOT EXISTS (SELECT 1 FROM contrast_decisions c WHERE c.screening_id = screenings.id);
-- Only the few waiting rows are in it; the queue's other half reads screenings_by_state (0002).
CREATE INDEX screenings_contrast_waiting ON screenings (contrast_waiting, submitted_at)
    WHERE contrast_waiting = 1;
