#include "store/migrations.h"

#include "store/clock.h"

namespace mrscreen::store {

int schemaVersion(Database& db) {
    db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
            "name TEXT NOT NULL, applied_at TEXT NOT NULL)");
    auto st = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    st.step();
    return int(st.integer(0));
}

int migrate(Database& db, int upTo, const std::function<void(int version)>& within) {
    const auto& all = builtInMigrations();
    const int newest = all.empty() ? 0 : all.back().version;
    const int current = schemaVersion(db);
    if (current > newest)
        throw StoreError("the database " + db.path() + " has schema version " + std::to_string(current) +
                         ", newer than this program (" + std::to_string(newest) +
                         "); install the newer mrscreen that wrote it");
    int applied = 0;
    for (const auto& m : all) {
        if (m.version > upTo) break;
        Transaction tx(db);
        // Read again under the write lock: another process may have applied it meanwhile.
        if (m.version <= schemaVersion(db)) continue;
        try {
            db.exec(m.sql);
            if (within) within(m.version);
        } catch (const StoreError& e) {
            throw StoreError("migration " + m.name + " failed, nothing of it was applied: " + e.what(), e.kind());
        }
        db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)")
            .bind(1, m.version)
            .bind(2, m.name)
            .bind(3, nowUtc())
            .run();
        tx.commit();
        ++applied;
    }
    return applied;
}

} // namespace mrscreen::store
