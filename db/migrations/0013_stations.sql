-- Kiosks and staff stations that use this store, and when each was last seen (store/stations.h).
-- One row per name, replaced at each heartbeat; not audited: presence is not a workflow event.
CREATE TABLE stations (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('kiosk', 'station')),
    version TEXT NOT NULL,
    spool_backlog INTEGER NOT NULL DEFAULT 0 CHECK (spool_backlog >= 0),
    last_seen TEXT NOT NULL
);
