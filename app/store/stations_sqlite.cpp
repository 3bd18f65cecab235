// The SQLite store's part for the kiosks and stations using it: their presence (stations table,
// migration 0013) and the change feed over its file.
#include "store/change_feed.h"
#include "store/clock.h"
#include "store/sqlite_store_impl.h"

namespace mrscreen::store::detail {

void SqliteStore::stationSeen(const StationPresence& presence) {
    checkPresence(presence);
    db_.prepare("INSERT INTO stations (name, kind, version, spool_backlog, last_seen) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, version = excluded.version, "
                "spool_backlog = excluded.spool_backlog, last_seen = excluded.last_seen")
        .bind(1, presence.name)
        .bind(2, presence.kind)
        .bind(3, presence.version)
        .bind(4, presence.spoolBacklog)
        .bind(5, nowUtc())
        .run();
}

std::vector<StationPresence> SqliteStore::stations() {
    auto st = db_.prepare("SELECT name, kind, version, spool_backlog, last_seen FROM stations ORDER BY name");
    std::vector<StationPresence> out;
    while (st.step())
        out.push_back(StationPresence{st.text(0), st.text(1), st.text(2), st.integer(3), st.text(4)});
    return out;
}

std::unique_ptr<ChangeFeed> SqliteStore::changes() { return sqliteChangeFeed(db_.path()); }

} // namespace mrscreen::store::detail
