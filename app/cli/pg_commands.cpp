// `mrscreen store migrate`: brings a PostgreSQL database's schema to this program's version and
// gives the application role its rights (db/postgresql/grants.sql), as the schema's owner. Kiosks
// and stations connect as mrscreen_app, which may not change the schema; they say to run this.
#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/config.h"
#include "store/pg_store.h"

#include <sys/stat.h>

#include <fstream>
#include <stdexcept>

namespace mrscreen::cli {

std::string readOwnerOnlyPasswordFile(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw std::runtime_error("the password file " + path + " cannot be read: check the path");
    if ((st.st_mode & 077) != 0)
        throw std::runtime_error("the password file " + path +
                                 " can be read by other users: make it readable by its owner only "
                                 "(chmod 600 " +
                                 path + ")");
    std::ifstream in(path);
    std::string password;
    std::getline(in, password);
    if (password.empty())
        throw std::runtime_error("the password file " + path + " is empty");
    return password;
}

int runStoreMigrate(const StoreMigrateOptions& options, std::ostream& out, std::ostream& err) {
    return guarded("store migrate", err, [&] {
        store::PostgresConnection where{options.url, "", "mrscreen store migrate"};
        if (where.url.empty() && !options.configPath.empty()) {
            // The server's owner.toml (install.sh): its url and password file, checked as a
            // kiosk's are.
            const KioskConfig config = loadConfig(options.configPath);
            if (config.usesPostgres()) {
                const PostgresSettings server = postgresSettings(config, "store migrate", err);
                where.url = server.url;
                where.password = server.password;
            }
        }
        if (where.url.empty())
            throw std::runtime_error(
                "--url or the config's [storage] url names the PostgreSQL database "
                "(postgresql://mrscreen_owner@host/mrscreen); the SQLite store needs no migrate, "
                "it upgrades itself at start");
        if (!options.passwordFile.empty())
            where.password = readOwnerOnlyPasswordFile(options.passwordFile);
        const int before = store::postgresSchemaVersion(where);
        const int applied = store::migratePostgresStore(where);
        out << "Schema at version " << store::newestPostgresSchema() << " (was " << before << "; "
            << applied << " migration(s) applied); the grants of mrscreen_app are set.\n";
        return 0;
    });
}

} // namespace mrscreen::cli
