// `mrscreen demo`: sample screenings in every state the store keeps, demo staff who can sign in,
// signed records and an intact audit trail; and a database that already holds data is refused
// and left exactly as it was. Each test works in its own data directory.
#include "test_support.h"
#include "cli/cli_fixture.h"

#include "cli/commands.h"
#include "cli/config.h"
#include "record/handwritten_signature.h"
#include "store/sqlite.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <unistd.h>

using namespace mrscreen;
using Catch::Matchers::Contains;
using screening::ScreeningState;

namespace {

using test::capture;
using test::Run;

namespace fs = std::filesystem;

fs::path scratchDir(const std::string& name) {
    return fs::path(MRSCREEN_TEST_OUTPUT) / ("demo-" + std::to_string(getpid())) / name;
}

// A fresh data directory, and a config naming the form by absolute path (CTest runs elsewhere).
cli::StoreContext freshContext(const std::string& name) {
    const auto dir = scratchDir(name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    const auto config = dir.parent_path() / (name + ".toml");
    std::ofstream(config) << "[form]\npath = \"" << test::sourcePath("forms/mri-safety") << "\"\n";
    cli::StoreContext ctx;
    ctx.dataDir = (dir / "data").string();
    ctx.configPath = config.string();
    return ctx;
}

cli::KioskConfig configOf(const cli::StoreContext& ctx) {
    auto config = cli::loadConfig(ctx.configPath);
    config.dataDir = ctx.dataDir;
    return config;
}

Run demo(const cli::StoreContext& ctx) {
    return capture(
        [&](std::ostream& out, std::ostream& err) { return cli::runDemo(ctx, out, err); });
}

// One demo run per process for the read-only checks (Catch re-enters a test case per section).
const std::pair<cli::StoreContext, Run>& seededOnce() {
    static const auto seeded = [] {
        const auto ctx = freshContext("states");
        return std::pair{ctx, demo(ctx)};
    }();
    return seeded;
}

// A copy of the form and its examples, with one example missing or changed, for failure paths.
cli::StoreContext contextWithExamples(const std::string& name,
                                      const std::function<void(const fs::path& examples)>& change) {
    auto ctx = freshContext(name);
    const auto forms = scratchDir(name) / "forms";
    fs::create_directories(forms);
    for (const auto* file : {"mri-safety.questionnaire.json", "mri-safety.rules.json"})
        fs::copy_file(test::sourcePath(std::string("forms/") + file), forms / file);
    fs::copy(test::sourcePath("forms/examples"), forms / "examples");
    change(forms / "examples");
    std::ofstream(ctx.configPath) << "[form]\npath = \"" << (forms / "mri-safety").string()
                                  << "\"\n";
    return ctx;
}

// Every screening in the store, by id.
std::map<std::int64_t, store::ScreeningDetail> allScreenings(store::Store& s) {
    std::map<std::int64_t, store::ScreeningDetail> all;
    for (std::int64_t id = 1; id <= s.countScreenings(); ++id)
        all.emplace(id, s.screening(id).value());
    return all;
}

// What must not change when demo refuses: rows, the newest audit link, staff, files.
struct Snapshot {
    std::int64_t screenings = 0, auditRows = 0, auditHeadSeq = 0;
    std::string auditHeadHash;
    std::vector<std::string> staff;
    std::set<std::string> files;

    bool operator==(const Snapshot&) const = default;
};

Snapshot snapshot(const cli::StoreContext& ctx) {
    Snapshot s;
    {
        const auto st = cli::openStore(configOf(ctx));
        s.screenings = st->countScreenings();
        s.auditRows = st->verifyAudit().rows;
        for (const auto& m : st->staff())
            s.staff.push_back(m.username + "|" + m.createdAt);
    }
    store::Database db(configOf(ctx).databasePath());
    auto head = db.prepare("SELECT seq, hash FROM audit_head");
    if (head.step()) {
        s.auditHeadSeq = head.integer(0);
        s.auditHeadHash = head.text(1);
    }
    for (const auto& e : fs::recursive_directory_iterator(ctx.dataDir))
        if (e.is_regular_file() && e.path().extension() != ".db-wal" &&
            e.path().extension() != ".db-shm" && e.path().extension() != ".db")
            s.files.insert(e.path().string());
    return s;
}

} // namespace

TEST_CASE("demo fills an empty data directory with screenings in every state the store keeps") {
    const auto& [ctx, r] = seededOnce();
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Contains(configOf(ctx).databasePath()));
    CHECK_THAT(r.out, Contains("mrscreen queue --data-dir " + ctx.dataDir));
    CHECK_THAT(r.out, Contains("mrscreen --windowed 1280x800 --data-dir " + ctx.dataDir));

    const auto st = cli::openStore(configOf(ctx));
    const auto all = allScreenings(*st);
    std::map<ScreeningState, std::vector<const store::ScreeningDetail*>> byState;
    for (const auto& [id, d] : all)
        byState[d.summary.state].push_back(&d);
    for (const auto state : {ScreeningState::Submitted, ScreeningState::Reviewed,
                             ScreeningState::Cleared, ScreeningState::ClearedWithConditions,
                             ScreeningState::NotCleared, ScreeningState::Amended}) {
        INFO(screening::stateName(state));
        CHECK(byState[state].size() >= 1);
        CHECK_THAT(r.out, Contains(screening::stateName(state)));
    }
    CHECK(byState[ScreeningState::Submitted].size() >= 3);

    SECTION("the queue is readable: every open screening is a different patient") {
        const auto queue = st->queue();
        // Decided for Zone IV but with a contrast part still to sign: those wait too.
        std::size_t contrastWaiting = 0;
        for (const auto state : {ScreeningState::Cleared, ScreeningState::ClearedWithConditions, ScreeningState::NotCleared})
            for (const auto* d : byState[state]) {
                bool contrastFlag = false;
                for (const auto& f : d->flags)
                    contrastFlag = contrastFlag || (f.gate == "contrast" && f.severity != screening::Severity::Info);
                contrastWaiting += d->contrastPlanned != "no" && contrastFlag && !d->contrastDecision;
            }
        REQUIRE(queue.size() == byState[ScreeningState::Submitted].size() +
                                    byState[ScreeningState::Reviewed].size() + contrastWaiting);
        std::set<std::string> patients;
        for (const auto& s : queue)
            patients.insert(s.patient.familyName + ", " + s.patient.givenName);
        CHECK(patients.size() == queue.size());
        CHECK(patients.count("Lindqvist, Margaret") == 1);
        CHECK(patients.count("Jennings, Harold") == 1);
    }
    SECTION("the reviewed screening has verdicts, a creatinine, a checked Conditional implant and "
            "nina's signature") {
        const auto& d = *byState[ScreeningState::Reviewed].front();
        CHECK(d.summary.reviewedBy == "nina");
        CHECK(d.summary.openFlags == 0);
        for (const auto& f : d.flags)
            if (f.severity != screening::Severity::Info)
                CHECK_FALSE(f.note.empty());
        REQUIRE(d.labs.size() == 1);
        CHECK(d.labs[0].kind == "creatinine");
        REQUIRE(d.implants.size() == 1);
        CHECK(d.implants[0].mrStatus == screening::MrStatus::Conditional);
        CHECK_FALSE(d.implants[0].conditions.fieldStrengthsT.empty());
        CHECK_FALSE(d.implants[0].checkResult.empty());
        REQUIRE(d.signatures.size() == 1);
        CHECK(d.signatures[0].purpose == "review");
        CHECK(d.signatures[0].signerName == "Nina Okoro, RN");
        CHECK(record::looksLikeSignature(record::parseStrokesJson(d.signatures[0].strokesJson)));
    }
    SECTION("decisions are signed by omar, with their conditions or reason") {
        for (const auto state : {ScreeningState::Cleared, ScreeningState::ClearedWithConditions,
                                 ScreeningState::NotCleared}) {
            const auto& d = *byState[state].front();
            REQUIRE(d.decision);
            CHECK(d.decision->decidedBy == "omar");
            CHECK(d.summary.reviewedBy != "omar");
            REQUIRE(d.signatures.size() == 2);
            CHECK(d.signatures[1].purpose == "decision");
            CHECK(d.signatures[1].signerName == "Omar Haddad, MRSO");
        }
        CHECK_THAT(byState[ScreeningState::ClearedWithConditions].front()->decision->conditions,
                   Contains("Normal Operating Mode only") && Contains("1.5 T only"));
        CHECK_FALSE(byState[ScreeningState::NotCleared].front()->decision->overrideReason.empty());
    }
    SECTION("the amended screening keeps its decision and is replaced by a submitted correction") {
        const auto& original = *byState[ScreeningState::Amended].front();
        REQUIRE(original.decision);
        REQUIRE(original.amendedById);
        const auto& correction = all.at(*original.amendedById);
        CHECK(correction.summary.state == ScreeningState::Submitted);
        CHECK(correction.amendsId == original.summary.id);
        CHECK(correction.summary.patient.familyName == original.summary.patient.familyName);
    }
}

TEST_CASE("the demo staff sign in with the PINs demo prints, in their roles") {
    const auto ctx = freshContext("staff");
    const auto r = demo(ctx);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Contains("for demonstration only"));
    const auto st = cli::openStore(configOf(ctx));
    const std::map<std::string, screening::Role> roles = {{"nina", screening::Role::Nurse},
                                                          {"ned", screening::Role::Nurse},
                                                          {"omar", screening::Role::Mrso},
                                                          {"ada", screening::Role::Admin},
                                                          {"rita", screening::Role::Radiologist}};
    for (const auto& [username, role] : roles) {
        INFO(username);
        std::smatch m;
        const std::regex row("\\n\\s*" + username + "\\s+.*\\s(\\d{6})\\n");
        REQUIRE(std::regex_search(r.out, m, row));
        const auto signIn = st->signIn(username, m[1].str());
        CHECK(signIn.outcome == store::SignInOutcome::SignedIn);
        REQUIRE(signIn.member);
        CHECK(signIn.member->role == role);
    }
    CHECK(st->signIn("nina", "000000").outcome == store::SignInOutcome::WrongSecret);
}

TEST_CASE("every decided screening has a signed record on disk, and the audit chain verifies") {
    const auto ctx = freshContext("records");
    REQUIRE(demo(ctx).code == 0);
    const auto st = cli::openStore(configOf(ctx));
    const std::string pin = test::fingerprintOf(configOf(ctx).signingCertPath());
    int decided = 0;
    for (const auto& [id, d] : allScreenings(*st)) {
        if (!screening::isDecided(d.summary.state) && d.summary.state != ScreeningState::Amended)
            continue;
        ++decided;
        INFO("screening " << id << " " << screening::stateName(d.summary.state));
        const auto rec = st->latestRecord(id);
        REQUIRE(rec);
        CHECK(rec->version >= 2); // one at submission, one after the decision
        CHECK(store::sha256Hex(st->recordPdf(id, rec->version)) == rec->sha256);
        // The demo's own key is pinned by no config: verify trusts it by its fingerprint.
        const auto verify = capture([&](std::ostream& out, std::ostream& err) {
            return cli::runVerify(ctx, rec->path, out, err, pin);
        });
        CHECK(verify.code == 0);
    }
    CHECK(decided == 4);
    const auto audit = capture([&](std::ostream& out, std::ostream& err) {
        return cli::runAuditVerify(ctx, false, out, err);
    });
    CHECK(audit.code == 0);
    CHECK_THAT(audit.out, Contains("intact"));
}

TEST_CASE("demo refuses a database that already holds screenings and leaves it unchanged") {
    SECTION("run twice: the second run refuses") {
        const auto ctx = freshContext("twice");
        REQUIRE(demo(ctx).code == 0);
        const Snapshot before = snapshot(ctx);
        const auto r = demo(ctx);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains(configOf(ctx).databasePath() + " already holds " +
                                   std::to_string(before.screenings) + " screenings") &&
                              Contains("only into an empty data directory") &&
                              Contains("--data-dir ./demo"));
        CHECK(r.out.empty());
        CHECK(snapshot(ctx) == before);
    }
    SECTION("a kiosk's own data: one imported screening, no key, no staff") {
        const auto ctx = freshContext("imported");
        cli::ImportOptions o;
        o.response = test::sourcePath("forms/examples/no-risk.json");
        REQUIRE(capture([&](std::ostream& out, std::ostream& err) {
                    return cli::runImport(ctx, o, out, err);
                }).code == 0);
        const Snapshot before = snapshot(ctx);
        const auto r = demo(ctx);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("already holds 1 screening;"));
        CHECK(snapshot(ctx) == before);
        CHECK(before.staff.empty());
        CHECK_FALSE(fs::exists(configOf(ctx).signingKeyPath()));
    }
    SECTION("a kiosk being set up: staff accounts but no screenings yet") {
        const auto ctx = freshContext("taken");
        cli::StaffOptions o;
        o.action = "add";
        o.username = "jsmith";
        o.name = "Jo Smith";
        o.role = "mrso";
        std::istringstream pin("987654\n");
        REQUIRE(capture([&](std::ostream& out, std::ostream& err) {
                    return cli::runStaff(ctx, o, pin, out, err);
                }).code == 0);
        const Snapshot before = snapshot(ctx);
        const auto r = demo(ctx);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("already has 1 staff account;"));
        CHECK(snapshot(ctx) == before);
    }
}

TEST_CASE(
    "an example that is missing or no longer fits the form stops demo before it writes anything") {
    SECTION("a missing example") {
        const auto ctx = contextWithExamples("missing-example", [](const fs::path& examples) {
            fs::remove(examples / "weight-over-limit.json");
        });
        const auto r = demo(ctx);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("weight-over-limit.json") && Contains("cannot be read"));
        const Snapshot after = snapshot(ctx);
        CHECK(after.screenings == 0);
        CHECK(after.staff.empty());
        CHECK(after.files.empty()); // no key, no records
    }
    SECTION("an example with a validation error") {
        const auto ctx = contextWithExamples("unattested-example", [](const fs::path& examples) {
            auto resp =
                nlohmann::json::parse(test::slurp((examples / "knee-replacement.json").string()));
            nlohmann::json kept = nlohmann::json::array();
            for (const auto& item : resp["item"])
                if (item["linkId"] != "attestation")
                    kept.push_back(item);
            resp["item"] = kept;
            std::ofstream(examples / "knee-replacement.json") << resp.dump();
        });
        const auto r = demo(ctx);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("knee-replacement.json") && Contains("item 'attest'"));
        const Snapshot after = snapshot(ctx);
        CHECK(after.screenings == 0);
        CHECK(after.staff.empty());
        CHECK(after.files.empty());
    }
}
