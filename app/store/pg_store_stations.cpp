// The PostgreSQL store's part for the kiosks and stations using it: their presence and the change
// feed. Not on PostgreSQL yet: the feed's callers fall back to polling.
#include "store/pg_store_impl.h"

namespace mrscreen::store::detail {

void PostgresStore::stationSeen(const StationPresence& presence) {
    throw StoreError("the PostgreSQL store does not list stations yet ('" + presence.name + "')");
}

std::vector<StationPresence> PostgresStore::stations() {
    throw StoreError("the PostgreSQL store does not list stations yet");
}

std::unique_ptr<ChangeFeed> PostgresStore::changes() {
    throw StoreError("the PostgreSQL store has no change feed yet");
}

} // namespace mrscreen::store::detail
