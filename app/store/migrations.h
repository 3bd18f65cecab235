// Schema migrations: db/migrations/NNNN_name.sql, compiled into the program, applied in order,
// each in its own transaction and recorded in schema_migrations, so an old database upgrades in
// place and a half-applied migration never persists.
#pragma once

#include "store/sqlite.h"

#include <climits>
#include <functional>
#include <string>
#include <vector>

namespace mrscreen::store {

struct Migration {
    int version;
    std::string name;
    std::string sql;
};

const std::vector<Migration>& builtInMigrations(); // in version order

int schemaVersion(Database& db); // 0 for a new database

// Applies every pending migration up to `upTo`; returns how many were applied. Refuses (throws)
// a database whose schema is newer than this program knows.
// `within` runs inside each migration's transaction after its SQL, with its version: for steps
// SQL cannot do (hashing).
int migrate(Database& db, int upTo = INT_MAX, const std::function<void(int version)>& within = {});

} // namespace mrscreen::store
