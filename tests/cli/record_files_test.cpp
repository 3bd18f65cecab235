// Record files on disk as the store knows them: purge with a data directory given relative to
// another working directory, a record file that went missing, and a file left by a crash between
// writing a record and registering it.
#include "test_support.h"
#include "cli/cli_fixture.h"

#include "cli/commands.h"
#include "cli/config.h"
#include "store/audit.h"
#include "store/sqlite.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace mrscreen;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

fs::path freshDir(const std::string& name) { return test::freshOutputDir("record-files", name); }

// The real binary run in `cwd`, as an operator would from a shell there.
test::Run inDirectory(const fs::path& cwd, const std::string& args) { return test::runMrscreen(args, cwd.string()); }

std::string example(const std::string& name) { return test::sourcePath("forms/examples/" + name + ".json"); }

std::int64_t importedId(const test::Run& r) {
    INFO(r.out);
    REQUIRE(r.code == 0);
    return nlohmann::json::parse(r.out.substr(r.out.find('{')))["id"].get<std::int64_t>();
}

} // namespace

TEST_CASE("purge from another directory with a relative data directory really deletes, and a missing file is "
          "reported missing, never purged") {
    const fs::path base = freshDir("purge-relative");
    const fs::path site = base / "site", elsewhere = base / "elsewhere";
    fs::create_directories(site);
    fs::create_directories(elsewhere);
    const std::string form = " --form " + test::sourcePath("forms/mri-safety");
    REQUIRE(inDirectory(site, "--data-dir var keygen").code == 0);
    const auto a = importedId(inDirectory(site, "--data-dir var import --json --response " + example("pacemaker") + form));
    const auto b = importedId(inDirectory(site, "--data-dir var import --json --response " + example("no-risk") + form));
    for (const auto id : {a, b})
        REQUIRE(inDirectory(site, "--data-dir var export " + std::to_string(id) + " --pdf exported-" +
                                      std::to_string(id) + ".pdf").code == 0);
    const fs::path records = site / "var" / "records";
    const fs::path fileA = records / ("screening-" + std::to_string(a) + "-v1.pdf");
    const fs::path fileB = records / ("screening-" + std::to_string(b) + "-v1.pdf");
    REQUIRE(fs::exists(fileA));
    REQUIRE(fs::exists(fileB));
    fs::remove(fileB); // gone behind mrscreen's back

    const auto r = inDirectory(elsewhere, "--data-dir ../site/var purge --older-than 0d");
    INFO(r.out);
    CHECK(r.code == 1); // something needs looking into
    CHECK_FALSE(fs::exists(fileA));
    CHECK_THAT(r.out, Contains("purged " + fileA.lexically_normal().string()));
    CHECK_THAT(r.out, Contains("missing " + fileB.lexically_normal().string()));
    CHECK_THAT(r.out, Contains("Purged 1"));
    CHECK_THAT(r.out, Contains("1 missing, not purged"));

    cli::KioskConfig config;
    config.dataDir = (site / "var").string();
    const auto store = cli::openStore(config);
    CHECK_FALSE(store->record(a, 1)->purgedAt.empty());
    CHECK(store->record(b, 1)->purgedAt.empty()); // still on the list, reported again next time
    store::Database db(config.databasePath());
    auto purged = db.prepare("SELECT COUNT(*) FROM audit WHERE action = 'record.purged'");
    REQUIRE(purged.step());
    CHECK(purged.integer(0) == 1);
    CHECK(inDirectory(elsewhere, "--data-dir ../site/var purge --older-than 0d").out.find("missing") !=
          std::string::npos);
}

TEST_CASE("the data directory is absolute once loaded, so stored record paths do not depend on the working "
          "directory") {
    const fs::path base = freshDir("absolute-data-dir");
    const auto r = inDirectory(base, "--data-dir var import --json --response " + example("no-risk") + " --form " +
                                         test::sourcePath("forms/mri-safety"));
    INFO(r.out);
    REQUIRE(r.code == 0);
    CHECK(cli::loadConfig("").dataDir == fs::absolute("var").lexically_normal().string());
    REQUIRE(inDirectory(base, "--data-dir var keygen").code == 0);
    const auto record = inDirectory(base, "--data-dir var record 1");
    INFO(record.out);
    REQUIRE(record.code == 0);
    cli::KioskConfig config;
    config.dataDir = (base / "var").string();
    const auto filed = cli::openStore(config)->record(1, 1);
    REQUIRE(filed);
    CHECK(fs::path(filed->path).is_absolute());
}

TEST_CASE("a record file left unregistered by a crash never blocks the screening's next record version") {
    const fs::path dir = freshDir("orphan");
    cli::StoreContext ctx;
    ctx.dataDir = (dir / "data").string();
    REQUIRE(test::capture([&](std::ostream& o, std::ostream& e) { return cli::runKeygen(ctx, "", 30, o, e); }).code == 0);
    const auto imported = test::capture([&](std::ostream& o, std::ostream& e) {
        cli::ImportOptions im;
        im.form = test::sourcePath("forms/mri-safety");
        im.response = example("no-risk");
        im.json = true;
        return cli::runImport(ctx, im, o, e);
    });
    const auto id = importedId(imported);
    const fs::path records = fs::path(ctx.dataDir) / "records";
    const fs::path v1 = records / ("screening-" + std::to_string(id) + "-v1.pdf");
    const std::string v1Bytes = test::slurp(v1.string());
    // The crash: version 2's file was written, the store never heard of it.
    const fs::path orphan = records / ("screening-" + std::to_string(id) + "-v2.pdf");
    std::ofstream(orphan, std::ios::binary) << "%PDF-1.4 half a record";

    const auto r = test::capture([&](std::ostream& o, std::ostream& e) { return cli::runRecord(ctx, id, o, e); });
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.err, Contains("never registered"));
    cli::KioskConfig config;
    config.dataDir = ctx.dataDir;
    const auto store = cli::openStore(config);
    const auto filed = store->record(id, 2);
    REQUIRE(filed);
    const std::string bytes = store->recordPdf(id, 2); // checked against its SHA-256 by the store
    CHECK(store::sha256Hex(bytes) == filed->sha256);    // the new, signed record
    CHECK(bytes.find("half a record") == std::string::npos);
    int asideCount = 0;
    for (const auto& e : fs::directory_iterator(records)) {
        const std::string name = e.path().filename().string();
        if (name.find("-v2.unregistered-") == std::string::npos) continue;
        ++asideCount;
        CHECK(e.path().extension() == ".pdf");
        CHECK(test::slurp(e.path().string()) == "%PDF-1.4 half a record"); // kept as it was, for whoever looks
    }
    CHECK(asideCount == 1);
    CHECK(test::slurp(v1.string()) == v1Bytes); // the registered file is never touched
    // And the next version after that files as usual.
    CHECK(test::capture([&](std::ostream& o, std::ostream& e) { return cli::runRecord(ctx, id, o, e); }).code == 0);
    CHECK(store->record(id, 3));
}
