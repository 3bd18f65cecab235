// Signed records leave the store only through Store::recordPdf: `mrscreen export` writes the bytes
// the store gives back, and neither export nor the PACS outbox passes on a record whose bytes were
// changed after filing; both say which screening and version, and what to do.
#include "test_support.h"
#include "cli/cli_fixture.h"

#include "cli/commands.h"
#include "cli/config.h"
#include "integration/outbox.h"
#include "store/audit.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

using namespace mrscreen;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

struct Site {
    cli::StoreContext ctx;
    cli::KioskConfig config;

    explicit Site(const std::string& name) {
        ctx.dataDir = (test::freshOutputDir("record-store", name) / "data").string();
        config.dataDir = ctx.dataDir;
        REQUIRE(test::capture([&](std::ostream& o, std::ostream& e) { return cli::runKeygen(ctx, "", 30, o, e); })
                    .code == 0);
    }

    // A screening imported through the CLI, with its record version 1 filed.
    std::int64_t imported() {
        const auto r = test::capture([&](std::ostream& o, std::ostream& e) {
            cli::ImportOptions im;
            im.form = test::sourcePath("forms/mri-safety");
            im.response = test::sourcePath("forms/examples/no-risk.json");
            im.json = true;
            return cli::runImport(ctx, im, o, e);
        });
        INFO(r.out << r.err);
        REQUIRE(r.code == 0);
        return nlohmann::json::parse(r.out.substr(r.out.find('{')))["id"].get<std::int64_t>();
    }
};

// Flips one byte in the middle of the file the SQLite store keeps a record in.
void changeRecordFile(store::Store& store, std::int64_t id, int version) {
    const auto rec = store.record(id, version);
    REQUIRE(rec);
    std::fstream file(rec->path, std::ios::in | std::ios::out | std::ios::binary);
    REQUIRE(file);
    file.seekg(0, std::ios::end);
    const auto middle = file.tellg() / 2;
    char byte = 0;
    file.seekg(middle);
    file.get(byte);
    file.seekp(middle);
    file.put(char(byte ^ 0x20));
}

} // namespace

TEST_CASE("export writes the record's bytes as the store reads them, and refuses a changed record naming the "
          "screening and version, writing nothing") {
    Site site("export");
    const auto id = site.imported();
    cli::ExportOptions o;
    o.id = id;
    o.pdf = (fs::path(site.ctx.dataDir) / "exported.pdf").string();
    auto r = test::capture([&](std::ostream& os, std::ostream& es) { return cli::runExport(site.ctx, o, os, es); });
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    {
        const auto store = cli::openStore(site.config);
        CHECK(test::slurp(o.pdf) == store->recordPdf(id, 1));
        changeRecordFile(*store, id, 1);
    }
    o.pdf = (fs::path(site.ctx.dataDir) / "exported-again.pdf").string();
    r = test::capture([&](std::ostream& os, std::ostream& es) { return cli::runExport(site.ctx, o, os, es); });
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Contains("does not match the checksum"));
    CHECK_THAT(r.err, Contains("version 1 of screening " + std::to_string(id) + " is not exported"));
    CHECK_THAT(r.err, Contains("restore the record from a backup"));
    CHECK_FALSE(fs::exists(o.pdf));
    o.pdf.clear(); // the FHIR export carries the PDF too: refused the same way
    o.fhir = (fs::path(site.ctx.dataDir) / "exported.json").string();
    r = test::capture([&](std::ostream& os, std::ostream& es) { return cli::runExport(site.ctx, o, os, es); });
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Contains("does not match the checksum"));
    CHECK_FALSE(fs::exists(o.fhir));
}

TEST_CASE("the PACS outbox reads each record through the store: a changed record is never sent and its item says "
          "which screening and version") {
    Site site("pacs");
    const auto id = site.imported();
    store::StoreOptions options = site.config.storeOptions();
    options.outboxDestinations = {"pacs"};
    const auto store = store::openSqliteStore(site.config.databasePath(), options);
    const std::string v2 = store->recordPdf(id, 1) + "% version 2\n";
    store->addRecordPdf(id, 2, v2, {"test", screening::Role::Admin});
    changeRecordFile(*store, id, 2);

    integration::OutboxSettings settings;
    settings.pacs.host = "127.0.0.1"; // never reached: the record is refused before any association
    settings.pacs.port = 9;
    settings.pacs.calledAe = "PACS";
    settings.siteName = "Test MRI";
    settings.workDir = site.ctx.dataDir + "/outbox";
    const auto pass = integration::sendDueRecords(*store, settings);
    CHECK(pass.sent == 0);
    CHECK(pass.failed == 1);
    REQUIRE(pass.problems.size() == 1);
    CHECK_THAT(pass.problems[0], Contains("screening " + std::to_string(id) + ", version 2 was changed"));
    const auto item = store->outbox(id).front();
    CHECK(item.status == "pending"); // tried again once the record is restored
    CHECK_THAT(item.lastError, Contains("it is not sent"));
}
