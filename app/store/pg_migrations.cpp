// The PostgreSQL schema's migrations (db/postgresql/NNNN_*.sql): all pending ones in one
// transaction under an advisory lock, so stations that start together apply each exactly once and
// a half-applied schema never persists.
#include "store/clock.h"
#include "store/pg_store_impl.h"

namespace mrscreen::store {

namespace detail {

namespace {

int newest() {
    const auto& all = postgresMigrations();
    return all.empty() ? 0 : all.back().version;
}

std::string howToMigrate(pg::Connection& db, int current) {
    std::string message =
        "the PostgreSQL database at " + db.describe() + " has schema version " +
        std::to_string(current) + " but this mrscreen needs version " + std::to_string(newest()) +
        ", and the role '" + db.user() +
        "' may not change the schema. Have the database's owner run `mrscreen store migrate` "
        "(with a configuration whose [storage] url connects as mrscreen_owner), then start this "
        "station again";
    return message;
}

} // namespace

int postgresSchemaVersion(pg::Connection& db) {
    if (db.exec("SELECT to_regclass('schema_migrations') IS NOT NULL").integer(0, 0) == 0)
        return 0;
    return int(db.exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").integer(0, 0));
}

int migratePostgres(pg::Connection& db) {
    const int current = postgresSchemaVersion(db);
    if (current > newest())
        throw StoreError("the PostgreSQL database at " + db.describe() + " has schema version " +
                         std::to_string(current) + ", newer than this program (" +
                         std::to_string(newest()) +
                         "); install the newer mrscreen that migrated it on this station");
    if (current == newest())
        return 0;
    int applied = 0;
    try {
        pg::Transaction tx(db);
        db.exec("SELECT pg_advisory_xact_lock($1)", {kMigrationLock});
        db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                "name TEXT NOT NULL, applied_at TEXT NOT NULL)");
        // Read again under the lock: another station may have migrated meanwhile.
        const int now = postgresSchemaVersion(db);
        for (const auto& m : postgresMigrations()) {
            if (m.version <= now)
                continue;
            try {
                db.script(m.sql);
            } catch (const StoreError& e) {
                throw StoreError("PostgreSQL migration " + m.name +
                                     " failed, nothing of it was applied: " + e.what(),
                                 e.kind());
            }
            db.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    {m.version, m.name, nowUtc()});
            ++applied;
        }
        tx.commit();
    } catch (const StoreError& e) {
        // 42501 (insufficient privilege) and friends: the application role found the schema behind.
        const std::string what = e.what();
        if (what.find("permission denied") != std::string::npos ||
            what.find("must be owner") != std::string::npos)
            throw StoreError(howToMigrate(db, current) + " (the server said: " + what + ")");
        throw;
    }
    return applied;
}

} // namespace detail

int newestPostgresSchema() {
    return detail::newest();
}

int postgresSchemaVersion(const PostgresConnection& connection) {
    pg::Connection db(connection);
    return detail::postgresSchemaVersion(db);
}

int migratePostgresStore(const PostgresConnection& connection) {
    pg::Connection db(connection);
    const int applied = detail::migratePostgres(db);
    pg::Transaction tx(db);
    db.script(detail::postgresGrants());
    tx.commit();
    return applied;
}

} // namespace mrscreen::store
