// [storage] url and password_file: a department's PostgreSQL server, and every way the config can
// put the database or its password at risk refused with what to do instead.
#include "cli/config.h"
#include "cli_fixture.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

using namespace mrscreen;
using Catch::Matchers::Contains;

namespace {

const std::filesystem::path& dir() {
    static const auto d = test::freshOutputDir("config-storage", "files-" + std::to_string(::getpid())); // ctest -j: one folder each
    return d;
}

std::string file(const std::string& name, const std::string& text, std::filesystem::perms mode) {
    const auto path = dir() / name;
    std::filesystem::remove(path);
    std::ofstream(path) << text;
    std::filesystem::permissions(path, mode);
    return path.string();
}

constexpr auto kOwnerOnly = std::filesystem::perms::owner_read | std::filesystem::perms::owner_write;

std::string caFile() {
    return file("db-ca.crt", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
                kOwnerOnly | std::filesystem::perms::group_read | std::filesystem::perms::others_read);
}

std::string remoteUrl(const std::string& ca) {
    return "postgresql://mrscreen_app@db.example.org:5432/mrscreen?sslmode=verify-full&sslrootcert=" + ca;
}

cli::KioskConfig load(const std::string& storage) {
    return cli::loadConfigText("[storage]\ndata_dir = \"" + dir().string() + "\"\n" + storage, "site.toml");
}

std::string loadError(const std::string& storage) {
    return test::inputErrorOf([&] { load(storage); });
}

// What postgresSettings refuses (its message), or "" when it gives a connection.
std::string connectError(const cli::KioskConfig& config) {
    std::ostringstream warnings;
    return test::inputErrorOf([&] { cli::postgresSettings(config, "zone2-a", warnings); });
}

} // namespace

TEST_CASE("without a url the store stays the SQLite database in the data directory") {
    const auto config = load("");
    CHECK_FALSE(config.usesPostgres());
    CHECK(config.databasePath() == (dir() / "mrscreen.db").string());
    CHECK_NOTHROW(cli::loadConfig(test::sourcePath("kiosk-setup/mrscreen.example.toml")));
}

TEST_CASE("a department config gives the url, the password from its 0600 file and the station as application name") {
    const auto password = file("db-password", "correct horse battery\n", kOwnerOnly);
    const auto config = load("url = \"" + remoteUrl(caFile()) + "\"\npassword_file = \"" + password + "\"\n");
    REQUIRE(config.usesPostgres());
    std::ostringstream warnings;
    const auto s = cli::postgresSettings(config, "zone2-a", warnings);
    CHECK(s.url == remoteUrl(caFile()));
    CHECK(s.password == "correct horse battery");
    CHECK(s.applicationName == "mrscreen kiosk zone2-a");
    CHECK(warnings.str().empty());
    // postgres:// is libpq's other spelling; a read-only password file (0400) is as good.
    std::filesystem::permissions(password, std::filesystem::perms::owner_read);
    const auto other = load("url = \"postgres://mrscreen_app@db.example.org/mrscreen?sslmode=verify-full&sslrootcert=" +
                            caFile() + "\"\npassword_file = \"" + password + "\"\n");
    CHECK(cli::postgresSettings(other, "nurse", warnings).password == "correct horse battery");
}

TEST_CASE("without password_file the password is left to libpq's .pgpass or service file") {
    const auto config = load("url = \"" + remoteUrl(caFile()) + "\"\n");
    std::ostringstream warnings;
    CHECK(cli::postgresSettings(config, "control-room", warnings).password.empty());
}

TEST_CASE("a url that is not postgresql:// or postgres:// is refused, showing one that is") {
    for (const char* url : {"mysql://db.example.org/mrscreen", "/var/lib/mrscreen/mrscreen.db",
                            "postgresql:/db.example.org/mrscreen", "sqlite:///var/lib/mrscreen/mrscreen.db"}) {
        INFO(url);
        CHECK_THAT(loadError(std::string("url = \"") + url + "\"\n"),
                   Contains("[storage] url must be a PostgreSQL connection URI starting with postgresql://") &&
                       Contains("sslmode=verify-full") && Contains("leave url out for the SQLite database"));
    }
}

TEST_CASE("a password in the url is refused, in the user part or as a parameter, pointing to password_file") {
    const auto ca = caFile();
    for (const std::string& url : std::vector<std::string>{
             "postgresql://mrscreen_app:hunter2@db.example.org/mrscreen?sslmode=verify-full&sslrootcert=" + ca,
          "postgresql://mrscreen_app@db.example.org/mrscreen?password=hunter2&sslmode=verify-full&sslrootcert=" + ca,
          "postgresql://mrscreen_app:@localhost/mrscreen"}) {
        INFO(url);
        const auto error = loadError("url = \"" + url + "\"\n");
        CHECK_THAT(error, Contains("[storage] url contains a password") && Contains("password_file") &&
                              Contains(".pgpass"));
        CHECK_THAT(error, !Contains("hunter2")); // the message does not repeat the secret to the log
    }
}

TEST_CASE("a server on another host without sslmode=verify-full is refused") {
    const auto ca = caFile();
    for (const std::string& url : std::vector<std::string>{"postgresql://mrscreen_app@db.example.org/mrscreen",
                                  "postgresql://mrscreen_app@db.example.org/mrscreen?sslmode=require",
                                  "postgresql://mrscreen_app@10.1.2.3/mrscreen?sslmode=verify-ca&sslrootcert=" + ca,
                                  "postgresql://mrscreen_app@localhost,db.example.org/mrscreen?sslmode=prefer",
                                  "postgresql://mrscreen_app@/mrscreen?host=db.example.org&sslmode=disable"}) {
        INFO(url);
        CHECK_THAT(loadError("url = \"" + url + "\"\n"),
                   Contains("[storage] url: the server") && Contains("add sslmode=verify-full and sslrootcert=FILE"));
    }
}

TEST_CASE("a server on this machine (loopback or a Unix socket) needs no TLS") {
    for (const char* url : {"postgresql://mrscreen_app@localhost/mrscreen", "postgresql://mrscreen_app@127.0.0.1:5433/mrscreen",
                            "postgresql://mrscreen_app@[::1]/mrscreen", "postgresql:///mrscreen",
                            "postgresql://mrscreen_app@%2Fvar%2Frun%2Fpostgresql/mrscreen",
                            "postgresql:///mrscreen?host=/var/run/postgresql"}) {
        INFO(url);
        const auto config = load(std::string("url = \"") + url + "\"\n");
        std::ostringstream warnings;
        CHECK_NOTHROW(cli::postgresSettings(config, "server", warnings));
        CHECK(warnings.str().empty());
    }
}

TEST_CASE("allow_insecure_tls lets a lab reach a server without verify-full, with a warning at every connection") {
    const auto config = load("url = \"postgresql://mrscreen_app@lab-db/mrscreen?sslmode=require\"\nallow_insecure_tls = true\n");
    std::ostringstream warnings;
    cli::postgresSettings(config, "lab", warnings);
    cli::postgresSettings(config, "lab", warnings);
    const auto text = warnings.str();
    CHECK_THAT(text, Contains("warning: [storage] allow_insecure_tls = true: the database server lab-db is not verified") &&
                         Contains("sslmode=verify-full"));
    CHECK(text.find("warning:") != text.rfind("warning:")); // twice: once per connection
}

TEST_CASE("verify-full without sslrootcert is refused, naming the CA file to add") {
    CHECK_THAT(loadError("url = \"postgresql://mrscreen_app@db.example.org/mrscreen?sslmode=verify-full\"\n"),
               Contains("sslmode=verify-full needs the CA") && Contains("sslrootcert=/etc/mrscreen/db-ca.crt"));
}

TEST_CASE("a CA file that is missing, not a file or not a PEM certificate is refused at connecting") {
    const auto missing = (dir() / "no-such-ca.crt").string();
    CHECK_THAT(connectError(load("url = \"" + remoteUrl(missing) + "\"\n")),
               Contains(missing + ": the CA certificate to check the database server against is missing") &&
                   Contains("--ca FILE"));
    CHECK_THAT(connectError(load("url = \"" + remoteUrl(dir().string()) + "\"\n")), Contains("is not a file"));
    const auto garbage = file("not-a-ca.crt", "hello\n", kOwnerOnly);
    CHECK_THAT(connectError(load("url = \"" + remoteUrl(garbage) + "\"\n")),
               Contains("is not a PEM certificate"));
}

TEST_CASE("a password file that is missing or empty is refused at connecting, saying where it comes from") {
    const auto url = "url = \"" + remoteUrl(caFile()) + "\"\n";
    const auto missing = (dir() / "no-such-password").string();
    CHECK_THAT(connectError(load(url + "password_file = \"" + missing + "\"\n")),
               Contains(missing + ": cannot read the database password file") && Contains("--password-file FILE") &&
                   Contains("[storage] password_file"));
    for (const char* text : {"", "\n", "\r\n"}) {
        const auto empty = file("empty-password", text, kOwnerOnly);
        CHECK_THAT(connectError(load(url + "password_file = \"" + empty + "\"\n")),
                   Contains("the database password file is empty"));
    }
}

TEST_CASE("a password file that group or others may read is refused, with the chmod that fixes it") {
    const auto url = "url = \"" + remoteUrl(caFile()) + "\"\n";
    using std::filesystem::perms;
    for (const auto extra : {perms::group_read, perms::others_read, perms::group_write, perms::owner_exec}) {
        const auto loose = file("loose-password", "s3cret\n", kOwnerOnly | extra);
        const auto error = connectError(load(url + "password_file = \"" + loose + "\"\n"));
        CHECK_THAT(error, Contains("the database password file has mode 0") &&
                              Contains("readable by its owner alone (0600 or 0400): chmod 600 " + loose));
        CHECK_THAT(error, !Contains("s3cret"));
    }
}

TEST_CASE("a password file owned by another user is refused, naming both users") {
    std::string path;
    if (::geteuid() == 0) {
        path = file("someone-elses-password", "s3cret\n", kOwnerOnly);
        REQUIRE(::chown(path.c_str(), 65534, 65534) == 0); // nobody
    } else {
        path = "/etc/passwd"; // root's, and not this user's
    }
    const auto error = connectError(load("url = \"" + remoteUrl(caFile()) + "\"\npassword_file = \"" + path + "\"\n"));
    CHECK_THAT(error, Contains(path + ": the database password file belongs to ") &&
                          Contains("the user running mrscreen: chown ") && Contains("runuser -u "));
}

TEST_CASE("keys that would do nothing, and a SQLite database beside a url, are refused") {
    CHECK_THAT(loadError("password_file = \"/etc/mrscreen/db-password\"\n"),
               Contains("[storage] password_file is for a PostgreSQL server: set url too, or remove it"));
    CHECK_THAT(loadError("allow_insecure_tls = true\n"), Contains("[storage] allow_insecure_tls is for a PostgreSQL server"));
    CHECK_THAT(loadError("database = \"/var/lib/mrscreen/x.db\"\nurl = \"postgresql:///mrscreen\"\n"),
               Contains("[storage] database (a SQLite file) and url (a PostgreSQL server) are both set"));
    CHECK_THAT(loadError("url = 5432\n"), Contains("[storage] url has the wrong type"));
    CHECK_THAT(loadError("passwrd_file = \"x\"\n"), Contains("unknown key 'passwrd_file' in [storage]"));
}

TEST_CASE("opening the store of a config with a url checks the password file first and never falls back to SQLite") {
    const auto data = test::freshOutputDir("config-storage", "no-fallback-" + std::to_string(::getpid()));
    auto config = cli::loadConfigText("[storage]\ndata_dir = \"" + data.string() +
                                          "\"\nurl = \"postgresql:///mrscreen?host=" + (data / "no-server").string() +
                                          "\"\npassword_file = \"" + file("loose", "s3cret\n", kOwnerOnly | std::filesystem::perms::others_read) +
                                          "\"\n",
                                      "site.toml");
    CHECK_THAT(test::inputErrorOf([&] { cli::openStore(config); }), Contains("chmod 600"));
    config.storagePasswordFile = file("tight", "s3cret\n", kOwnerOnly);
    // No server answers on that socket (or this build has no PostgreSQL store): refused either way.
    CHECK_THROWS_AS(cli::openStore(config), store::StoreError);
    CHECK_FALSE(std::filesystem::exists(data / "mrscreen.db"));
}
