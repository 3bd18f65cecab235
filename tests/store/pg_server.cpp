#include "pg_server.h"

#include "integration/dicom_servers.h"
#include "store/pg.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace mrscreen::test {

namespace fs = std::filesystem;

namespace {

const char* const kTemplate = "mrscreen_template";

std::string readAll(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// PostgreSQL refuses to run as root: as root, the server's files and processes belong to nobody.
struct Owner {
    uid_t uid = ::geteuid();
    gid_t gid = ::getegid();
    bool switchUser = false;
};

Owner serverOwner() {
    Owner owner;
    if (::geteuid() != 0)
        return owner;
    const passwd* nobody = ::getpwnam("nobody");
    if (!nobody)
        throw std::runtime_error(
            "the tests run as root and there is no user 'nobody' to run PostgreSQL as");
    owner.uid = nobody->pw_uid;
    owner.gid = nobody->pw_gid;
    owner.switchUser = true;
    return owner;
}

// Runs a PostgreSQL program as the server's owner with its output in `log`; its exit status.
int runAsOwner(const std::vector<std::string>& argv, const fs::path& log) {
    const Owner owner = serverOwner();
    const pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error("cannot fork to run " + argv.front());
    if (pid == 0) {
        if (owner.switchUser &&
            (::setgroups(0, nullptr) != 0 || ::setgid(owner.gid) != 0 || ::setuid(owner.uid) != 0))
            ::_exit(126);
        const int fd =
            ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644); // the server's own, too
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
        }
        std::vector<char*> args;
        for (const auto& a : argv)
            args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

std::string bin(const char* program) {
    return std::string(MRSCREEN_PG_BINDIR) + "/" + program;
}

fs::path dataDir(const fs::path& folder) {
    return folder / "data";
}
fs::path logFile(const fs::path& folder) {
    return folder / "server.log";
}

[[noreturn]] void failed(const std::string& what, const fs::path& folder) {
    throw std::runtime_error(what + " failed; its log " + logFile(folder).string() + " says:\n" +
                             readAll(logFile(folder)));
}

void startServer(const fs::path& folder) {
    if (runAsOwner({bin("pg_ctl"), "-D", dataDir(folder).string(), "-l", logFile(folder).string(),
                    "-w", "-t", "60", "start"},
                   logFile(folder)) != 0)
        failed("pg_ctl start", folder);
}

} // namespace

void PostgresServer::start(const fs::path& folder) {
    if (!fs::exists(bin("initdb")))
        throw std::runtime_error(bin("initdb") +
                                 " is not installed: the PostgreSQL tests start a server of their "
                                 "own; install the Debian package postgresql (kiosk-setup/mrscreen "
                                 "test installs it)");
    const Owner owner = serverOwner();
    if (::chown(folder.c_str(), owner.uid, owner.gid) != 0 || ::chmod(folder.c_str(), 0700) != 0)
        throw std::runtime_error("cannot give the folder " + folder.string() +
                                 " to the PostgreSQL server's user");
    if (runAsOwner({bin("initdb"), "-D", dataDir(folder).string(), "-U", "postgres", "-A", "trust",
                    "-E", "UTF8", "--locale=C", "--no-sync"},
                   logFile(folder)) != 0)
        failed("initdb", folder);
    {
        // Only a Unix socket in the test's own folder: no port on the machine is taken.
        std::ofstream conf(dataDir(folder) / "postgresql.conf", std::ios::app);
        conf << "\nlisten_addresses = ''\nunix_socket_directories = '" << folder.string() << "'\n"
             << "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = "
                "200\n"
             << "shared_buffers = 32MB\n";
    }
    startServer(folder);
    const PostgresServer server(folder);
    server.superuser("postgres", "CREATE ROLE mrscreen_owner LOGIN");
    server.superuser("postgres", "CREATE ROLE mrscreen_app LOGIN");
    server.superuser("postgres",
                     std::string("CREATE DATABASE ") + kTemplate + " OWNER mrscreen_owner");
    // The migrations and grants as `mrscreen store migrate` applies them, as the owner.
    store::migratePostgresStore(server.connection(kTemplate, "mrscreen_owner"));
}

namespace {

void stopServer(const fs::path& folder, const char* mode) {
    if (!fs::exists(dataDir(folder) / "postmaster.pid"))
        return;
    runAsOwner({bin("pg_ctl"), "-D", dataDir(folder).string(), "-m", mode, "-w", "stop"},
               logFile(folder));
}

} // namespace

void PostgresServer::stop(const fs::path& folder) {
    stopServer(folder, "fast");
}

void PostgresServer::stopImmediately(const fs::path& folder) {
    stopServer(folder, "immediate");
}

void PostgresServer::resume() const {
    startServer(folder_);
}

bool PostgresServer::answers(const fs::path& folder) {
    try {
        store::pg::Connection probe(PostgresServer(folder).connection("postgres", "postgres"));
        return true;
    } catch (const store::StoreError&) {
        return false;
    }
}

const PostgresServer& PostgresServer::shared() {
    static const std::unique_ptr<PostgresServer> fixture = []() -> std::unique_ptr<PostgresServer> {
        std::ifstream in(MRSCREEN_PG_SERVER_FILE);
        std::string folder;
        std::getline(in, folder);
        if (!folder.empty() && answers(folder))
            return std::make_unique<PostgresServer>(folder);
        return nullptr;
    }();
    if (fixture)
        return *fixture;
    // A test binary run by hand without the fixture: its own server, stopped at exit.
    static PrivatePostgresServer own;
    return own.server();
}

PrivatePostgresServer::PrivatePostgresServer()
    : folder_(std::make_unique<TemporaryFolder>("mrscreen-pg-")) {
    try {
        PostgresServer::start(folder_->path());
    } catch (...) {
        PostgresServer::stop(folder_->path()); // started, then its set-up failed
        throw;
    }
    server_ = std::make_unique<PostgresServer>(folder_->path());
}

PrivatePostgresServer::~PrivatePostgresServer() {
    try {
        PostgresServer::stop(folder_->path());
    } catch (...) {
    }
}

store::PostgresConnection PostgresServer::connection(const std::string& database,
                                                     const std::string& role) const {
    return {"postgresql:///" + database + "?host=" + folder_.string() + "&user=" + role, "",
            "mrscreen-tests"};
}

std::string PostgresServer::createDatabase(bool migrated) const {
    static int counter = 0;
    const std::string name = "t" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    superuser("postgres", "CREATE DATABASE " + name +
                              " OWNER mrscreen_owner STRATEGY FILE_COPY TEMPLATE " +
                              (migrated ? kTemplate : "template0"));
    return name;
}

void PostgresServer::dropDatabase(const std::string& name) const {
    superuser("postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
}

void PostgresServer::superuser(const std::string& database, const std::string& sql) const {
    store::pg::Connection db(connection(database, "postgres"));
    db.script(sql);
}

} // namespace mrscreen::test
