// The PostgreSQL store's part for the kiosks and stations using it: their presence (stations table,
// db/postgresql/0002, last seen by the server's clock so stations with drifting clocks agree) and
// the change feed (pg_change_feed.cpp), which has a connection of its own.
#include "store/pg_store_impl.h"

namespace mrscreen::store::detail {

void PostgresStore::stationSeen(const StationPresence& presence) {
    checkPresence(presence);
    db_.exec("INSERT INTO stations (name, kind, version, spool_backlog, last_seen) VALUES ($1, $2, "
             "$3, $4, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')) "
             "ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, version = excluded.version, "
             "spool_backlog = excluded.spool_backlog, last_seen = excluded.last_seen",
             {presence.name, presence.kind, presence.version, presence.spoolBacklog});
}

std::vector<StationPresence> PostgresStore::stations() {
    const auto r = db_.exec(
        "SELECT name, kind, version, spool_backlog, last_seen FROM stations ORDER BY name");
    std::vector<StationPresence> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back(StationPresence{r.text(i, 0), r.text(i, 1), r.text(i, 2), r.integer(i, 3),
                                      r.text(i, 4)});
    return out;
}

std::unique_ptr<ChangeFeed> PostgresStore::changes() {
    return postgresChangeFeed(where_);
}

} // namespace mrscreen::store::detail
