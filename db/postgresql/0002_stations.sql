-- Kiosks and staff stations that use this server, and when each was last seen (store/stations.h;
-- the same columns as the SQLite store's 0013). One row per name, replaced at each heartbeat; not
-- audited, since presence is not a workflow event, so it notifies the stations' queues itself.
CREATE TABLE stations (
    name          TEXT PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('kiosk', 'station')),
    version       TEXT NOT NULL,
    spool_backlog BIGINT NOT NULL DEFAULT 0 CHECK (spool_backlog >= 0),
    last_seen     TEXT NOT NULL
);

CREATE FUNCTION stations_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('mrscreen_changes', '');
    RETURN NULL;
END $$;
CREATE TRIGGER stations_changes AFTER INSERT OR UPDATE ON stations
    FOR EACH STATEMENT EXECUTE FUNCTION stations_notify();
