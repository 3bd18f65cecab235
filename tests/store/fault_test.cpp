// Fault tests for the SQLite store with real processes, no mocks: store-writer
// (tests/store/store_writer.cpp) submits screenings in a loop and prints "committed <id>" after each
// commit; these tests kill it with SIGKILL mid-loop, starve it of disk (RLIMIT_FSIZE, and a small
// tmpfs when this machine lets an unprivileged user namespace mount one), and run two at once. The
// database is then opened afresh and checked: integrity_check, every reported commit present with
// its response and flags, no half-written screening, and an intact audit chain.

#include "store/audit.h"
#include "store/sqlite.h"
#include "store/store.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace mrscreen;
namespace fs = std::filesystem;

namespace {

// A fresh directory for one test case under the test output directory.
fs::path freshDir(const std::string& name) {
    const fs::path dir = fs::path(MRSCREEN_TEST_OUTPUT) / "store-faults" / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

std::string slurpFile(const fs::path& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Reads "committed <id>" lines from a pipe, one at a time.
class LineReader {
public:
    explicit LineReader(int fd) : fd_(fd) {}
    LineReader(const LineReader&) = delete;
    LineReader& operator=(const LineReader&) = delete;
    ~LineReader() {
        if (fd_ >= 0) ::close(fd_);
    }

    std::optional<std::string> next() {
        for (;;) {
            const auto nl = buffer_.find('\n');
            if (nl != std::string::npos) {
                std::string line = buffer_.substr(0, nl);
                buffer_.erase(0, nl + 1);
                return line;
            }
            char chunk[4096];
            const ssize_t got = ::read(fd_, chunk, sizeof chunk);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) return std::nullopt; // EOF: a partial last line is not a commit
            buffer_.append(chunk, std::size_t(got));
        }
    }

private:
    int fd_;
    std::string buffer_;
};

std::int64_t committedId(const std::string& line) {
    INFO("writer printed: " << line);
    REQUIRE(line.rfind("committed ", 0) == 0);
    return std::stoll(line.substr(10));
}

struct ChildOptions {
    std::optional<rlim_t> fileSizeLimit; // RLIMIT_FSIZE in bytes, SIGXFSZ ignored
};

// One store-writer process: stdout to a pipe read here, stderr to a file.
class Writer {
public:
    Writer(const fs::path& db, int count, const std::string& label, const fs::path& errFile,
           const ChildOptions& options = {})
        : label_(label), errFile_(errFile) {
        std::vector<std::string> args = {STORE_WRITER, db.string(), std::to_string(count), "--label", label};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        const std::string err = errFile.string();
        int fds[2];
        REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        std::fflush(nullptr);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) { // child: only async-signal-safe calls until exec
            ::dup2(fds[1], 1);
            const int errFd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (errFd >= 0) ::dup2(errFd, 2);
            if (options.fileSizeLimit) {
                ::signal(SIGXFSZ, SIG_IGN); // writes past the limit fail with EFBIG instead of killing
                const rlimit limit{*options.fileSizeLimit, *options.fileSizeLimit};
                if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(126);
            }
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(fds[1]);
        out_.emplace(fds[0]);
    }
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;
    ~Writer() {
        if (pid_ > 0 && !reaped_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }

    // The next committed id, or nullopt once the writer has closed its stdout.
    std::optional<std::int64_t> nextCommit() {
        auto line = out_->next();
        if (!line) return std::nullopt;
        const auto id = committedId(*line);
        committed_.push_back(id);
        return id;
    }
    void readToEnd() {
        while (nextCommit()) {
        }
    }
    void kill9() { REQUIRE(::kill(pid_, SIGKILL) == 0); }
    int wait() { // the raw wait status
        int status = 0;
        REQUIRE(::waitpid(pid_, &status, 0) == pid_);
        reaped_ = true;
        return status;
    }

    const std::vector<std::int64_t>& committed() const { return committed_; }
    const std::string& label() const { return label_; }
    std::string errors() const { return slurpFile(errFile_); }

private:
    std::string label_;
    fs::path errFile_;
    pid_t pid_ = -1;
    bool reaped_ = false;
    std::optional<LineReader> out_;
    std::vector<std::int64_t> committed_;
};

std::string describe(int status) {
    if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
    return "status " + std::to_string(status);
}

std::int64_t scalar(store::Database& db, const std::string& sql) {
    auto st = db.prepare(sql);
    REQUIRE(st.step());
    return st.integer(0);
}

// What a writer reported: the n-th committed id of the run labelled `label` holds response
// "fault-<label>-<n>".
struct Reported {
    std::string label;
    std::vector<std::int64_t> ids;
};

// Opens the database afresh (as the next kiosk start would) and checks it end to end. Returns the
// number of screenings it holds.
std::int64_t checkDatabase(const fs::path& path, const std::vector<Reported>& runs) {
    INFO("database: " << path.string());
    std::int64_t screenings = 0;
    {
        store::Database db(path.string());
        db.exec("PRAGMA busy_timeout = 10000");
        auto integrity = db.prepare("PRAGMA integrity_check");
        REQUIRE(integrity.step());
        CHECK(integrity.text(0) == "ok");
        CHECK_FALSE(integrity.step());
        auto fk = db.prepare("PRAGMA foreign_key_check");
        CHECK_FALSE(fk.step());

        screenings = scalar(db, "SELECT COUNT(*) FROM screenings");
        // Every reported commit is there, submitted, with its own response (checksum intact) and
        // its three flags.
        auto row = db.prepare("SELECT s.state, r.version, r.json, r.sha256, "
                              "(SELECT COUNT(*) FROM flags f WHERE f.screening_id = s.id), "
                              "(SELECT group_concat(f.severity, ',') FROM "
                              " (SELECT severity FROM flags WHERE screening_id = s.id ORDER BY severity) f), "
                              "p.family_name FROM screenings s "
                              "JOIN responses r ON r.screening_id = s.id "
                              "JOIN patients p ON p.id = s.patient_id WHERE s.id = ?");
        for (const auto& run : runs) {
            for (std::size_t n = 0; n < run.ids.size(); ++n) {
                const std::int64_t id = run.ids[n];
                INFO("writer " << run.label << ", commit #" << n + 1 << ": screening " << id);
                row.bind(1, id);
                REQUIRE(row.step());
                CHECK(row.text(0) == "submitted");
                CHECK(row.integer(1) == 1);
                const std::string json = row.text(2);
                CHECK(store::sha256Hex(json) == row.text(3));
                const auto parsed = nlohmann::json::parse(json, nullptr, false);
                REQUIRE_FALSE(parsed.is_discarded());
                CHECK(parsed.value("id", "") == "fault-" + run.label + "-" + std::to_string(n + 1));
                CHECK(row.integer(4) == 3);
                CHECK(row.text(5) == "info,review,stop");
                CHECK(row.text(6) == "Fault-" + run.label);
                CHECK_FALSE(row.step()); // exactly one response row
                row.reset();
            }
        }
        // No half-written screening, and nothing left over from one.
        CHECK(scalar(db, "SELECT COUNT(*) FROM screenings s WHERE NOT EXISTS "
                         "(SELECT 1 FROM responses r WHERE r.screening_id = s.id)") == 0);
        CHECK(scalar(db, "SELECT COUNT(*) FROM screenings s WHERE "
                         "(SELECT COUNT(*) FROM flags f WHERE f.screening_id = s.id) != 3") == 0);
        CHECK(scalar(db, "SELECT COUNT(*) FROM screenings s WHERE NOT EXISTS "
                         "(SELECT 1 FROM patients p WHERE p.id = s.patient_id)") == 0);
        CHECK(scalar(db, "SELECT COUNT(*) FROM screenings s WHERE NOT EXISTS (SELECT 1 FROM audit a "
                         "WHERE a.screening_id = s.id AND a.action = 'screening.submitted')") == 0);
        CHECK(scalar(db, "SELECT COUNT(*) FROM responses r WHERE NOT EXISTS "
                         "(SELECT 1 FROM screenings s WHERE s.id = r.screening_id)") == 0);
        CHECK(scalar(db, "SELECT COUNT(*) FROM flags f WHERE NOT EXISTS "
                         "(SELECT 1 FROM screenings s WHERE s.id = f.screening_id)") == 0);
        CHECK(scalar(db, "SELECT COUNT(*) FROM patients") == screenings);
        CHECK(scalar(db, "SELECT COUNT(*) FROM responses") == screenings);
        CHECK(scalar(db, "SELECT COUNT(*) FROM audit") == screenings);
    }
    // The store itself opens it (quick_check at start-up) and its audit chain verifies.
    const auto st = store::openSqliteStore(path.string());
    CHECK(st->countScreenings() == screenings);
    const auto audit = st->verifyAudit();
    INFO("audit: " << audit.problem);
    CHECK(audit.intact);
    CHECK(audit.rows == screenings);
    if (!runs.empty() && !runs.back().ids.empty()) {
        const auto last = st->screening(runs.back().ids.back());
        REQUIRE(last);
        CHECK(last->flags.size() == 3);
        CHECK_FALSE(last->responseJson.empty());
        REQUIRE(last->history.size() == 1);
        CHECK(last->history[0].action == "screening.submitted");
    }
    return screenings;
}

// "database or disk is full", "disk I/O error", "file too large", ... as the writer reported it.
bool mentionsDisk(const std::string& message) {
    return message.find("full") != std::string::npos || message.find("too large") != std::string::npos ||
           message.find("disk") != std::string::npos;
}

std::int64_t totalIds(const std::vector<Reported>& runs) {
    std::int64_t n = 0;
    for (const auto& r : runs) n += std::int64_t(r.ids.size());
    return n;
}

} // namespace

TEST_CASE("a writer killed with SIGKILL mid-loop leaves every reported commit and no half-written screening",
          "[store][faults]") {
    const fs::path dir = freshDir("sigkill");
    const fs::path db = dir / "mrscreen.db";
    // The same database through every round, so each writer also starts on the hot WAL the
    // previous one left behind (crash recovery), as a restarted kiosk would.
    struct KillPoint {
        int lines;
        int delayMicros;
    };
    std::mt19937 random(20261125);
    std::uniform_int_distribution<int> jitter(0, 4000);
    const std::vector<KillPoint> points = {{1, 0}, {30, 0}, {30, jitter(random)}, {57, jitter(random)},
                                           {113, jitter(random)}, {8, jitter(random)}};
    std::vector<Reported> runs;
    int round = 0;
    for (const auto& point : points) {
        ++round;
        INFO("round " << round << ": kill after " << point.lines << " commits + " << point.delayMicros << " us");
        const std::string label = "kill" + std::to_string(round);
        Writer writer(db, 1000000, label, dir / ("stderr-" + label + ".txt"));
        for (int i = 0; i < point.lines; ++i) {
            INFO("writer stderr: " << writer.errors());
            REQUIRE(writer.nextCommit());
        }
        if (point.delayMicros > 0) std::this_thread::sleep_for(std::chrono::microseconds(point.delayMicros));
        writer.kill9();
        writer.readToEnd(); // lines already in the pipe were committed too
        const int status = writer.wait();
        INFO("writer: " << describe(status) << ", stderr: " << writer.errors());
        REQUIRE(WIFSIGNALED(status));
        REQUIRE(WTERMSIG(status) == SIGKILL);
        CHECK(writer.committed().size() >= std::size_t(point.lines));
        runs.push_back({label, writer.committed()});

        // The killed writer's session marker stays behind, so the next start reads every page.
        const fs::path sessions = fs::path(db.string() + ".sessions");
        CHECK(std::distance(fs::directory_iterator(sessions), fs::directory_iterator()) == 1);
        const std::int64_t held = checkDatabase(db, runs);
        // That start checked the whole file and forgot the marker: the next start is cheap again.
        CHECK(std::distance(fs::directory_iterator(sessions), fs::directory_iterator()) == 0);
        // Each killed writer may have committed at most one screening it had no time to report.
        CHECK(held >= totalIds(runs));
        CHECK(held <= totalIds(runs) + round);
    }
}

TEST_CASE("a file size limit (RLIMIT_FSIZE) stops the writer with a clear error and keeps every earlier "
          "submission",
          "[store][faults]") {
    const fs::path dir = freshDir("fsize");
    const fs::path db = dir / "mrscreen.db";
    // Large enough to create the schema and take some submissions, far too small for 100,000.
    Writer writer(db, 100000, "fsize", dir / "stderr.txt", ChildOptions{rlim_t(1024 * 1024)});
    writer.readToEnd();
    const int status = writer.wait();
    const std::string errors = writer.errors();
    INFO("writer: " << describe(status) << " after " << writer.committed().size() << " commits; stderr: " << errors);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 3);
    CHECK(writer.committed().size() >= 5);
    CHECK(writer.committed().size() < 100000);
    CHECK(mentionsDisk(errors));
    CHECK(errors.find(db.string()) != std::string::npos); // names the file

    // No kill here: the failed submit rolled back, so the database holds exactly what was reported.
    const std::vector<Reported> runs = {{"fsize", writer.committed()}};
    CHECK(checkDatabase(db, runs) == totalIds(runs));

    // And the store still works once there is room again.
    Writer after(db, 3, "after", dir / "stderr-after.txt");
    after.readToEnd();
    const int afterStatus = after.wait();
    INFO("second writer: " << describe(afterStatus) << ", stderr: " << after.errors());
    CHECK(WIFEXITED(afterStatus));
    CHECK(WEXITSTATUS(afterStatus) == 0);
    const std::vector<Reported> both = {{"fsize", writer.committed()}, {"after", after.committed()}};
    CHECK(checkDatabase(db, both) == totalIds(both));
}

TEST_CASE("a file size limit error tells the operator the disk is full and to free space", "[store][faults]") {
    // SQLite reports a short write (errno EFBIG) as SQLITE_IOERR_WRITE, "disk I/O error", not
    // SQLITE_FULL; the store's message must still tell the operator what to do.
    const fs::path dir = freshDir("fsize-message");
    Writer writer(dir / "mrscreen.db", 100000, "fsize", dir / "stderr.txt", ChildOptions{rlim_t(1024 * 1024)});
    writer.readToEnd();
    const int status = writer.wait();
    const std::string errors = writer.errors();
    INFO("writer: " << describe(status) << "; stderr: " << errors);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 3);
    CHECK((errors.find("full") != std::string::npos || errors.find("too large") != std::string::npos));
    CHECK(errors.find("free space") != std::string::npos);
    CHECK(errors.find("[full]") != std::string::npos); // the kind a spool uses to stop, not retry
}

namespace {

// Runs the writer in a new user + mount namespace on a tmpfs of `size`, then copies the database
// files out for checking. Returns the writer's wait status, or nullopt when this machine does not
// allow the namespace or the mount.
std::optional<int> runOnSmallTmpfs(const fs::path& dir, const std::string& size, std::vector<std::int64_t>& committed,
                                   std::string& errors) {
    const fs::path mountPoint = dir / "tmpfs";
    const fs::path copy = dir / "copy";
    fs::create_directories(mountPoint);
    fs::create_directories(copy);
    const fs::path errFile = dir / "stderr.txt";
    const fs::path noNamespace = dir / "no-namespace";
    const uid_t uid = ::getuid();
    const gid_t gid = ::getgid();
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    std::fflush(nullptr);
    const pid_t holder = ::fork();
    REQUIRE(holder >= 0);
    if (holder == 0) { // single-threaded copy of this test process; never returns to Catch
        ::dup2(fds[1], 1);
        auto give_up = [&](const char* why) {
            const int error = errno;
            std::ofstream(noNamespace) << why << ": " << std::strerror(error) << "\n";
            ::_exit(125);
        };
        if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
            if (::unshare(CLONE_NEWNS) != 0) give_up("unshare");
        } else {
            std::ofstream("/proc/self/setgroups") << "deny";
            std::ofstream("/proc/self/uid_map") << "0 " << uid << " 1";
            std::ofstream("/proc/self/gid_map") << "0 " << gid << " 1";
        }
        ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr);
        if (::mount("tmpfs", mountPoint.c_str(), "tmpfs", 0, ("size=" + size).c_str()) != 0) give_up("mount tmpfs");
        const fs::path db = mountPoint / "mrscreen.db";
        std::vector<std::string> args = {STORE_WRITER, db.string(), "100000", "--label", "tmpfs"};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        const pid_t writer = ::fork();
        if (writer == 0) {
            const int errFd = ::open(errFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (errFd >= 0) ::dup2(errFd, 2);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        int status = 0;
        ::waitpid(writer, &status, 0);
        std::error_code ec;
        for (const char* suffix : {"", "-wal", "-shm"}) {
            const fs::path from = mountPoint / ("mrscreen.db" + std::string(suffix));
            if (fs::exists(from)) fs::copy_file(from, copy / from.filename(), fs::copy_options::overwrite_existing, ec);
        }
        ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status));
    }
    ::close(fds[1]);
    {
        LineReader out(fds[0]);
        while (auto line = out.next()) committed.push_back(committedId(*line));
    }
    int status = 0;
    REQUIRE(::waitpid(holder, &status, 0) == holder);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 125) {
        WARN("no small tmpfs on this machine (" << slurpFile(noNamespace) << "); RLIMIT_FSIZE covers the case");
        return std::nullopt;
    }
    errors = slurpFile(errFile);
    return status;
}

} // namespace

TEST_CASE("a full tmpfs (ENOSPC) stops the writer with 'disk is full' and keeps every earlier submission",
          "[store][faults]") {
    const fs::path dir = freshDir("tmpfs");
    std::vector<std::int64_t> committed;
    std::string errors;
    const auto status = runOnSmallTmpfs(dir, "1m", committed, errors);
    if (!status) return;
    INFO("writer: " << describe(*status) << " after " << committed.size() << " commits; stderr: " << errors);
    REQUIRE(WIFEXITED(*status));
    CHECK(WEXITSTATUS(*status) == 3);
    CHECK(committed.size() >= 5);
    CHECK(errors.find("full") != std::string::npos);
    CHECK(errors.find("free space") != std::string::npos);
    CHECK(errors.find("[full]") != std::string::npos);
    const std::vector<Reported> runs = {{"tmpfs", committed}};
    CHECK(checkDatabase(dir / "copy" / "mrscreen.db", runs) == totalIds(runs));
}

namespace {

void twoWritersAtOnce(const fs::path& db, const fs::path& dir, int each) {
    Writer a(db, each, "A", dir / "stderr-A.txt");
    Writer b(db, each, "B", dir / "stderr-B.txt");
    a.readToEnd(); // at most `each` short lines: B's wait in its pipe buffer meanwhile
    b.readToEnd();
    const int statusA = a.wait();
    const int statusB = b.wait();
    INFO("writer A: " << describe(statusA) << ", stderr: " << a.errors());
    INFO("writer B: " << describe(statusB) << ", stderr: " << b.errors());
    CHECK(WIFEXITED(statusA));
    CHECK(WEXITSTATUS(statusA) == 0);
    CHECK(WIFEXITED(statusB));
    CHECK(WEXITSTATUS(statusB) == 0);
    CHECK(a.committed().size() == std::size_t(each));
    CHECK(b.committed().size() == std::size_t(each));
    std::set<std::int64_t> ids(a.committed().begin(), a.committed().end());
    ids.insert(b.committed().begin(), b.committed().end());
    CHECK(ids.size() == std::size_t(2 * each)); // no id handed out twice

    const std::vector<Reported> runs = {{"A", a.committed()}, {"B", b.committed()}};
    CHECK(checkDatabase(db, runs) == 2 * each);
}

} // namespace

TEST_CASE("two processes submitting at once both succeed and the audit chain verifies", "[store][faults]") {
    const fs::path dir = freshDir("concurrent");
    const fs::path db = dir / "mrscreen.db";
    // The database exists (as on any day but the first): create it with an empty run.
    {
        Writer create(db, 0, "create", dir / "stderr-create.txt");
        create.readToEnd();
        const int status = create.wait();
        INFO("creating writer: " << describe(status) << ", stderr: " << create.errors());
        REQUIRE(WIFEXITED(status));
        REQUIRE(WEXITSTATUS(status) == 0);
    }
    twoWritersAtOnce(db, dir, 200);
}

TEST_CASE("two processes starting at once on a new database both create it and submit",
          "[store][faults]") {
    // Both open a file that does not exist yet, so both run the migrations at the same moment:
    // switching to WAL must wait for the other, and each migration is applied once (the version is
    // read again under the write lock).
    for (int round = 1; round <= 5; ++round) {
        INFO("round " << round);
        const fs::path dir = freshDir("concurrent-new-" + std::to_string(round));
        twoWritersAtOnce(dir / "mrscreen.db", dir, 20);
    }
}
