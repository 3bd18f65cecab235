// The PostgreSQL store: the same Store, on a server that a whole department's kiosks and stations
// share. Opening it applies pending schema migrations (db/postgresql) once, even when several
// stations start together; a role that may not change the schema is told what to run instead.
#pragma once

#include "store/store.h"

#include <memory>
#include <string>

namespace mrscreen::store {

// Where the server is. The password never goes in the URL or on a command line: it comes from a
// file of mode 0600 (config's [storage] password_file) or, when empty, from libpq's own
// ~/.pgpass or service file.
struct PostgresConnection {
    std::string url;      // "postgresql://mrscreen_app@db.example.org/mrscreen?sslmode=verify-full"
    std::string password; // empty: libpq's .pgpass / service file
    std::string applicationName = "mrscreen";
};

// Connects, migrates when behind (and allowed), and returns the store; throws StoreError
// (unreachable) with what to check when the server cannot be reached.
std::unique_ptr<Store> openPostgresStore(const PostgresConnection& connection,
                                         const StoreOptions& options = {});

// `mrscreen store migrate`: applies pending migrations and the application role's grants
// (db/postgresql/grants.sql) as the schema's owner; returns how many migrations were applied.
int migratePostgresStore(const PostgresConnection& connection);

// The newest PostgreSQL schema version this program knows, and the one the database has.
int newestPostgresSchema();
int postgresSchemaVersion(const PostgresConnection& connection);

} // namespace mrscreen::store
