-- The database keeps screenings.contrast_waiting (0003) itself. Until now the store set it again in
-- every write that could change it, so a program older than 0003 left running across the migration
-- (or any other writer) could decide a screening with a contrast flag and leave it out of the staff
-- queue, its contrast decision never asked for: a safety check failing open. The triggers below set
-- it from whatever writes a screening's state or contrast plan, its flags or its contrast decision,
-- in the same transaction; the store no longer sets it (the same as the SQLite store's 0015).

-- The condition, in one place (the SQLite twin is the screenings_contrast_waiting trigger in 0015):
-- decided, contrast planned or not known, a contrast flag staff must act on, no contrast decision.
CREATE FUNCTION contrast_waiting_of(screening BIGINT) RETURNS SMALLINT LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN s.state IN ('cleared', 'cleared_with_conditions', 'not_cleared')
                     AND s.contrast_planned <> 'no'
                     AND EXISTS (SELECT 1 FROM flags f WHERE f.screening_id = s.id
                                 AND f.gate = 'contrast' AND f.severity IN ('stop', 'review'))
                     AND NOT EXISTS (SELECT 1 FROM contrast_decisions c
                                     WHERE c.screening_id = s.id)
                THEN 1 ELSE 0 END::SMALLINT
    FROM screenings s WHERE s.id = screening
$$;

-- Sets it again for the screenings a row change touches; a row already right is left alone (no
-- dead row for every flag written). Setting contrast_waiting does not fire it again: the
-- screenings trigger watches other columns. The screening's row is locked first: under READ
-- COMMITTED a writer that did not lock it (a flag raised while another transaction decides the
-- screening) would otherwise judge by a state about to change, and both commit with the
-- screening out of the queue. Locked, the second waits for the first and judges by what it wrote.
CREATE FUNCTION contrast_waiting_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    touched BIGINT[];
BEGIN
    IF TG_TABLE_NAME = 'screenings' THEN
        touched := ARRAY[NEW.id];
    ELSIF TG_OP = 'INSERT' THEN
        touched := ARRAY[NEW.screening_id];
    ELSIF TG_OP = 'DELETE' THEN
        touched := ARRAY[OLD.screening_id];
    ELSE
        touched := ARRAY[OLD.screening_id, NEW.screening_id];
    END IF;
    PERFORM 1 FROM screenings WHERE id = ANY (touched) ORDER BY id FOR NO KEY UPDATE;
    UPDATE screenings SET contrast_waiting = contrast_waiting_of(id)
    WHERE id = ANY (touched) AND contrast_waiting <> contrast_waiting_of(id);
    RETURN NULL;
END $$;

CREATE TRIGGER screenings_contrast_waiting AFTER INSERT OR UPDATE OF state, contrast_planned
    ON screenings FOR EACH ROW EXECUTE FUNCTION contrast_waiting_refresh();
CREATE TRIGGER flags_contrast_waiting
    AFTER INSERT OR DELETE OR UPDATE OF screening_id, gate, severity ON flags
    FOR EACH ROW EXECUTE FUNCTION contrast_waiting_refresh();
CREATE TRIGGER contrast_decisions_waiting AFTER INSERT OR DELETE OR UPDATE OF screening_id
    ON contrast_decisions FOR EACH ROW EXECUTE FUNCTION contrast_waiting_refresh();

-- Whatever a program that did not keep it wrote since 0003, set every row again.
UPDATE screenings SET contrast_waiting = contrast_waiting_of(id)
WHERE contrast_waiting <> contrast_waiting_of(id);
