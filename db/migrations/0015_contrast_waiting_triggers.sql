-- The database keeps screenings.contrast_waiting (0014) itself. Until now the store set it again in
-- every write that could change it, so a program older than 0014 left running across the migration
-- (or any other writer) could decide a screening with a contrast flag and leave it out of the staff
-- queue, its contrast decision never asked for: a safety check failing open. The triggers below set
-- it from whatever writes a screening's state or contrast plan, its flags or its contrast decision,
-- in the same transaction; the store no longer sets it.
--
-- The condition, in one place (the PostgreSQL twin is contrast_waiting_of() in 0004): decided,
-- contrast planned or not known, a contrast flag staff must act on, no contrast decision yet.
-- Setting contrast_waiting does not fire it again: it watches other columns.
CREATE TRIGGER screenings_contrast_waiting AFTER UPDATE OF state, contrast_planned ON screenings
BEGIN
    UPDATE screenings SET contrast_waiting =
        CASE WHEN NEW.state IN ('cleared', 'cleared_with_conditions', 'not_cleared')
                  AND NEW.contrast_planned <> 'no'
                  AND EXISTS (SELECT 1 FROM flags f WHERE f.screening_id = NEW.id
                              AND f.gate = 'contrast' AND f.severity IN ('stop', 'review'))
                  AND NOT EXISTS (SELECT 1 FROM contrast_decisions c
                                  WHERE c.screening_id = NEW.id)
             THEN 1 ELSE 0 END
    WHERE id = NEW.id;
END;

-- Every other change asks that trigger again by writing state as it is (an UPDATE OF a column
-- fires its triggers whether or not the value changes): a new screening; a flag raised, changed,
-- moved or deleted; a contrast decision written, moved or deleted.
CREATE TRIGGER screenings_waiting_insert AFTER INSERT ON screenings BEGIN
    UPDATE screenings SET state = state WHERE id = NEW.id; END;
CREATE TRIGGER flags_waiting_insert AFTER INSERT ON flags BEGIN
    UPDATE screenings SET state = state WHERE id = NEW.screening_id; END;
CREATE TRIGGER flags_waiting_update AFTER UPDATE OF screening_id, gate, severity ON flags BEGIN
    UPDATE screenings SET state = state WHERE id IN (OLD.screening_id, NEW.screening_id); END;
CREATE TRIGGER flags_waiting_delete AFTER DELETE ON flags BEGIN
    UPDATE screenings SET state = state WHERE id = OLD.screening_id; END;
CREATE TRIGGER contrast_decisions_waiting_insert AFTER INSERT ON contrast_decisions BEGIN
    UPDATE screenings SET state = state WHERE id = NEW.screening_id; END;
CREATE TRIGGER contrast_decisions_waiting_update AFTER UPDATE OF screening_id ON contrast_decisions
BEGIN UPDATE screenings SET state = state WHERE id IN (OLD.screening_id, NEW.screening_id); END;
CREATE TRIGGER contrast_decisions_waiting_delete AFTER DELETE ON contrast_decisions BEGIN
    UPDATE screenings SET state = state WHERE id = OLD.screening_id; END;

-- Whatever a program that did not keep it wrote since 0014, set every row again.
UPDATE screenings SET state = state;
