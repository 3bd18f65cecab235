// `mrscreen audit verify` with anchors, against a real rsyslogd that each test starts in its own
// directory (imtcp on a free loopback port, omfile to a file) and stops at the end: the kiosk's
// heads go out over RFC 5424/TCP, the file is read back with --anchors. The attacks: a decision
// rewritten with every hash re-chained and the record re-signed with the site key, a trail cut
// short, the whole trail deleted; and a syslog server that is down never stops a screening.
#include "test_support.h"

#include "cli/commands.h"
#include "cli/config.h"
#include "store/audit.h"
#include "store/sqlite.h"

#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

extern char** environ;

using namespace mrscreen;
using Catch::Matchers::Contains;
using nlohmann::json;
using test::capture;
using test::Run;
namespace fs = std::filesystem;

namespace {

int freeLoopbackPort() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t length = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &length);
    close(fd);
    return ntohs(a.sin_port);
}

bool accepting(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(std::uint16_t(port));
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    return ok;
}

// rsyslogd in the foreground with its own config: TCP on loopback in, one file out.
struct Rsyslog {
    fs::path dir;
    fs::path log;
    int port = freeLoopbackPort();
    pid_t pid = 0;

    explicit Rsyslog(const std::string& name)
        : dir(fs::path(MRSCREEN_TEST_OUTPUT) / "rsyslog" / name) {
        fs::remove_all(dir);
        fs::create_directories(dir);
        log = dir / "anchors.log";
        const fs::path conf = dir / "rsyslog.conf";
        std::ofstream(conf) << "global(workDirectory=\"" << dir.string() << "\")\n"
                            << "module(load=\"imtcp\")\n"
                            << "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" << port
                            << "\")\n"
                            << "*.* action(type=\"omfile\" file=\"" << log.string() << "\")\n";
        const std::string binary =
            fs::exists("/usr/sbin/rsyslogd") ? "/usr/sbin/rsyslogd" : "rsyslogd";
        std::vector<std::string> args = {binary,        "-n", "-f",
                                         conf.string(), "-i", (dir / "rsyslogd.pid").string()};
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        if (posix_spawnp(&pid, binary.c_str(), nullptr, nullptr, argv.data(), environ) != 0)
            FAIL("rsyslogd could not be started: install the Debian package rsyslog "
                 "(kiosk-setup/mrscreen deps)");
        for (int i = 0; i < 100 && !accepting(port); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        REQUIRE(accepting(port));
    }
    ~Rsyslog() {
        kill(pid, SIGTERM);
        int status = 0;
        waitpid(pid, &status, 0);
    }

    // The log file once it holds `text` (10 s at most).
    std::string waitFor(const std::string& text) {
        std::string got;
        for (int i = 0; i < 100; ++i) {
            got = test::slurp(log.string());
            if (got.find(text) != std::string::npos)
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        INFO(got);
        REQUIRE_THAT(got, Contains(text));
        return got;
    }
};

// A site whose config anchors to `remote` (empty: nowhere).
struct Site {
    fs::path root;
    cli::StoreContext ctx;
    std::string pin; // the signer_sha256 line keygen wrote, carried into every config written after

    // Runs keygen, which pins its certificate in the site's config.
    void keygen() {
        REQUIRE(capture([&](std::ostream& o, std::ostream& e) { return cli::runKeygen(ctx, "Test MRI", 30, o, e); })
                    .code == 0);
        std::istringstream lines(test::slurp(ctx.configPath));
        for (std::string line; std::getline(lines, line);)
            if (line.rfind("signer_sha256", 0) == 0) pin = line + "\n";
        REQUIRE_FALSE(pin.empty());
    }

    Site(const std::string& name, const std::string& remote)
        : root(fs::path(MRSCREEN_TEST_OUTPUT) / "audit-anchor-cli" / name) {
        fs::remove_all(root);
        fs::create_directories(root);
        ctx.configPath = writeConfig("mrscreen.toml", remote);
    }

    std::string writeConfig(const std::string& name, const std::string& remote) const {
        std::ofstream(root / name)
            << "[storage]\ndata_dir = \"" << (root / "data").string() << "\"\n"
            << "[form]\npath = \"" << test::sourcePath("forms/mri-safety") << "\"\n"
            << "[site]\nname = \"Test MRI\"\n" << pin
            << "[audit]\nsyslog = false\nremote_syslog = \"" << remote << "\"\n";
        return (root / name).string();
    }
    cli::KioskConfig config() const { return cli::configFor(ctx); }

    std::int64_t imported(const std::string& example) const {
        cli::ImportOptions o;
        o.response = test::sourcePath("forms/examples/" + example + ".json");
        o.json = true;
        const auto r = capture(
            [&](std::ostream& out, std::ostream& err) { return cli::runImport(ctx, o, out, err); });
        INFO(r.err);
        REQUIRE(r.code == 0);
        return json::parse(r.out)["id"].get<std::int64_t>();
    }

    Run verify(const std::vector<std::string>& anchors,
               const std::vector<std::string>& records = {},
               const cli::StoreContext* as = nullptr) const {
        cli::AuditVerifyOptions o;
        o.anchors = anchors;
        o.records = records;
        return capture([&](std::ostream& out, std::ostream& err) {
            return cli::runAuditVerify(as ? *as : ctx, o, out, err);
        });
    }

    store::AuditHead head() const { return cli::openStore(config())->auditHead().value(); }
};

std::string anchorText(const store::AuditHead& h) {
    return "seq=" + std::to_string(h.seq) + " sha256=" + h.hash + " site=\"Test MRI\"";
}

// The reviewer verifies every flag, the MRSO does not clear the patient.
void notCleared(const Site& site, std::int64_t id) {
    const auto store = cli::openStore(site.config());
    const screening::Actor nurse{"nina", screening::Role::Nurse},
        mrso{"omar", screening::Role::Mrso};
    const auto detail = store->screening(id).value();
    for (const auto& f : detail.flags)
        if (f.severity != screening::Severity::Info)
            store->setFlagVerdict(id, f.ruleId, screening::FlagVerdict::Verified, "Checked", nurse);
    const screening::TransitionRequest review{screening::Action::Review, nurse, "", ""};
    const screening::TransitionRequest notClear{screening::Action::NotClear, mrso, "", ""};
    store->transition(id, review);
    store->transition(id, notClear);
}

// What an attacker with the database file does: the decision made "cleared" in the tables and in
// its audit event, every hash from there recomputed with the project's chainHash, the head moved.
std::int64_t rewriteDecision(const std::string& dbPath, std::int64_t id) {
    store::Database db(dbPath);
    db.prepare("UPDATE decisions SET outcome = 'cleared' WHERE screening_id = ?").bind(1, id).run();
    db.prepare("UPDATE screenings SET state = 'cleared' WHERE id = ?").bind(1, id).run();
    auto st = db.prepare("SELECT seq, at, actor, action, screening_id, detail_json, prev_hash, "
                         "hash FROM audit ORDER BY seq");
    std::vector<store::AuditEvent> events;
    while (st.step())
        events.push_back({st.integer(0), st.text(1), st.text(2), st.text(3), st.integer(4),
                          st.text(5), st.text(6), st.text(7)});
    std::int64_t rewritten = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
        auto& e = events[i];
        if (e.action == "screening.not_cleared" && e.screeningId == id) {
            e.action = "screening.cleared";
            e.detailJson = R"({"to":"cleared"})";
            rewritten = e.seq;
        }
        if (!rewritten)
            continue;
        e.prevHash = events[i - 1].hash;
        e.hash = store::chainHash(e.prevHash, e);
        db.prepare(
              "UPDATE audit SET action = ?, detail_json = ?, prev_hash = ?, hash = ? WHERE seq = ?")
            .bind(1, e.action)
            .bind(2, e.detailJson)
            .bind(3, e.prevHash)
            .bind(4, e.hash)
            .bind(5, e.seq)
            .run();
    }
    db.prepare("UPDATE audit_head SET seq = ?, hash = ?")
        .bind(1, events.back().seq)
        .bind(2, events.back().hash)
        .run();
    return rewritten;
}

} // namespace

TEST_CASE("a decision rewritten with every hash re-chained and the record re-signed is caught by "
          "the anchors "
          "rsyslog received and by the record exported before") {
    Rsyslog syslog("rewrite");
    Site site("rewrite", "127.0.0.1:" + std::to_string(syslog.port));
    site.keygen();
    const auto id = site.imported("pacemaker");
    notCleared(site, id);
    REQUIRE(capture([&](std::ostream& o, std::ostream& e) {
                return cli::runRecord(site.ctx, id, o, e);
            }).code == 0);
    const auto store = cli::openStore(site.config());
    const auto filed = store->latestRecord(id).value();
    const std::string exported = (site.root / "exported-not-cleared.pdf").string();
    std::ofstream(exported, std::ios::binary) << store->recordPdf(id, filed.version);
    const auto head = site.head();
    const std::string log = syslog.waitFor(anchorText(head));
    CHECK_THAT(log, Contains("mrscreen-audit-head seq=1 "));

    auto r = site.verify({syslog.log.string()}, {exported});
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK_THAT(r.out,
               Contains("anchored head(s) of site 'Test MRI' are in the trail, the newest at row " +
                        std::to_string(head.seq)));
    CHECK_THAT(r.out, Contains(exported + ": its audit head at signing (row " +
                               std::to_string(head.seq - 1) + ") is in the trail"));
    const auto shown = capture(
        [&](std::ostream& o, std::ostream& e) { return cli::runVerify(site.ctx, exported, o, e); });
    CHECK_THAT(shown.out, Contains("audit head at signing: row " + std::to_string(head.seq - 1)));

    // The attack, with the kiosk stopped: tables, event and hashes rewritten; the record re-signed
    // with the site key by an mrscreen that anchors nowhere.
    const auto rewritten = rewriteDecision(site.config().databasePath(), id);
    REQUIRE(rewritten > 0);
    cli::StoreContext quiet = site.ctx;
    quiet.configPath = site.writeConfig("quiet.toml", "");
    REQUIRE(capture([&](std::ostream& o, std::ostream& e) {
                return cli::runRecord(quiet, id, o, e);
            }).code == 0);
    r = site.verify({}, {}, &quiet);
    CHECK(r.code == 0); // the chain and the tables agree again: only what left the box can tell

    r = site.verify({syslog.log.string()}, {}, &quiet);
    CHECK(r.code == 1);
    CHECK_THAT(r.out, Contains("AUDIT TRAIL REWRITTEN (" + syslog.log.string() +
                               "): the head anchored at row " + std::to_string(rewritten)));
    CHECK_THAT(r.out, Contains("is no longer in the trail: row " + std::to_string(rewritten) +
                               " now has sha256"));
    r = site.verify({}, {exported}, &quiet);
    CHECK(r.code == 1);
    CHECK_THAT(r.out, Contains("the audit head this record carries, row " + std::to_string(head.seq - 1)));
    CHECK_THAT(r.out, Contains("record " + exported + ") is no longer in the trail"));
}

TEST_CASE(
    "a trail cut short after its heads were anchored is caught by the anchors beyond its end") {
    Rsyslog syslog("truncated");
    Site site("truncated", "127.0.0.1:" + std::to_string(syslog.port));
    site.imported("pacemaker");
    const auto kept = site.head();
    {
        const auto store = cli::openStore(site.config());
        for (int i = 0; i < 3; ++i)
            store->signIn("nobody", "000000"); // three events, no table rows
    }
    const auto newest = site.head();
    syslog.waitFor(anchorText(newest));
    {
        store::Database db(site.config().databasePath());
        db.prepare("DELETE FROM audit WHERE seq > ?").bind(1, kept.seq).run();
        db.prepare("UPDATE audit_head SET seq = ?, hash = ?")
            .bind(1, kept.seq)
            .bind(2, kept.hash)
            .run();
    }
    cli::StoreContext quiet = site.ctx;
    quiet.configPath = site.writeConfig("quiet.toml", "");
    CHECK(site.verify({}, {}, &quiet).code == 0);
    const auto r = site.verify({syslog.log.string()}, {}, &quiet);
    CHECK(r.code == 1);
    CHECK_THAT(r.out, Contains("the head anchored at row " + std::to_string(kept.seq + 1)));
    CHECK_THAT(r.out, Contains("is beyond the end of the trail (its newest row is " +
                               std::to_string(kept.seq) + "): the trail was cut short"));
}

TEST_CASE("audit verify exits 1 when the whole trail was deleted, and 2 for an anchors file it "
          "cannot read") {
    Site site("deleted", "");
    site.imported("pacemaker");
    store::Database(site.config().databasePath())
        .exec("DELETE FROM audit; DELETE FROM audit_head;");
    auto r = site.verify({});
    CHECK(r.code == 1);
    CHECK_THAT(
        r.out,
        Contains("AUDIT TRAIL MISSING: the audit trail is empty and its head is missing, but the "
                 "database holds 1 screening(s)"));
    r = site.verify({(site.root / "no-such-export.log").string()});
    CHECK(r.code == 1); // the trail's own failure comes first
    store::Database(site.config().databasePath())
        .exec("DELETE FROM screenings; DELETE FROM responses; "
              "DELETE FROM flags; DELETE FROM patients; DELETE FROM records");
    r = site.verify({(site.root / "no-such-export.log").string()});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("no-such-export.log"));
}

TEST_CASE("a remote syslog server that is down never stops an import from storing its screening") {
    Site site("down", "127.0.0.1:" + std::to_string(freeLoopbackPort()));
    cli::ImportOptions o;
    o.response = test::sourcePath("forms/examples/pacemaker.json");
    const auto start = std::chrono::steady_clock::now();
    const auto r = capture([&](std::ostream& out, std::ostream& err) {
        return cli::runImport(site.ctx, o, out, err);
    });
    CHECK(r.code == 0);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    CHECK(site.config().auditRemoteSyslog.find("127.0.0.1:") == 0);
    CHECK(cli::openStore(site.config())->countScreenings() == 1);
}

TEST_CASE("the [audit] settings refuse a remote syslog server that is not host:port") {
    Site site("bad-config", "syslog.example");
    const auto problem = test::inputErrorOf([&] { site.config(); });
    CHECK_THAT(problem, Contains("[audit] remote_syslog must be \"host:port\""));
}
