// The SQLite store's record files, beyond the store contract (records_test.cpp): the layout on disk
// stays as it was when callers wrote the files themselves (records/screening-<id>-v<n>.pdf, 0600,
// beside the database or in StoreOptions::recordsDir), a file an interrupted attempt left behind is
// moved aside, and rows filed by older versions with a relative path still find their file.
#include "store/audit.h"
#include "store/sqlite.h"
#include "store/store.h"
#include "store_fixture.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

using Catch::Matchers::Contains;
using namespace store_fixture;

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// A real PDF's kind of bytes: above 0x7F, a NUL, CR LF.
const std::string kPdf = std::string("%PDF-1.7\n\xE2\xE3") + std::string(1, '\0') + "body\r\n%%EOF\n";

struct ScratchStore : ScratchStoreBase {
    explicit ScratchStore(const StoreOptions& options = {})
        : ScratchStoreBase(scratchDatabasePath("store-sqlite-records"), options) {}
    fs::path dir() const { return fs::path(path).parent_path(); }
};

} // namespace

TEST_CASE("the SQLite store keeps each record as records/screening-<id>-v<n>.pdf beside the database, readable by "
          "its user alone") {
    ScratchStore s;
    const auto id = s.store->submit(sampleScreening(), kPatient);
    const auto filed = s.store->addRecordPdf(id, 1, kPdf, kPatient);
    const fs::path file = s.dir() / "records" / ("screening-" + std::to_string(id) + "-v1.pdf");
    CHECK(filed.record.path == file.string());
    REQUIRE(fs::is_regular_file(file));
    CHECK(slurp(file) == kPdf);
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(s.store->record(id, 1)->path == file.string());
    CHECK(s.count("SELECT COUNT(*) FROM records WHERE pdf_path = '" + file.string() + "'") == 1);
    // Nothing else is left in the folder (no temporary file).
    CHECK(std::distance(fs::directory_iterator(s.dir() / "records"), fs::directory_iterator()) == 1);
}

TEST_CASE("the SQLite store writes its record files where StoreOptions::recordsDir says") {
    const fs::path elsewhere = fs::path(scratchDatabasePath("store-sqlite-records")).parent_path() / "var-records";
    StoreOptions options;
    options.recordsDir = elsewhere.string();
    ScratchStore s(options);
    const auto id = s.store->submit(sampleScreening(), kPatient);
    s.store->addRecordPdf(id, 1, kPdf, kPatient);
    CHECK(slurp(elsewhere / ("screening-" + std::to_string(id) + "-v1.pdf")) == kPdf);
    CHECK_FALSE(fs::exists(s.dir() / "records"));
}

TEST_CASE("a file an interrupted attempt left at a record's name is moved aside, never overwritten or given out") {
    ScratchStore s;
    const auto id = s.store->submit(sampleScreening(), kPatient);
    const fs::path records = s.dir() / "records";
    fs::create_directories(records);
    const fs::path orphan = records / ("screening-" + std::to_string(id) + "-v1.pdf");
    std::ofstream(orphan, std::ios::binary) << "%PDF-1.4 half a record";

    const auto filed = s.store->addRecordPdf(id, 1, kPdf, kPatient);
    REQUIRE_FALSE(filed.setAside.empty());
    CHECK_THAT(filed.setAside, Contains("-v1.unregistered-"));
    CHECK(slurp(filed.setAside) == "%PDF-1.4 half a record"); // kept as it was, for whoever looks
    CHECK(s.store->recordPdf(id, 1) == kPdf);
    CHECK(slurp(orphan) == kPdf);
}

TEST_CASE("a refused record version leaves the filed file as it was and no file of its own") {
    ScratchStore s;
    const auto id = s.store->submit(sampleScreening(), kPatient);
    s.store->addRecordPdf(id, 1, kPdf, kPatient);
    CHECK_THROWS_AS(s.store->addRecordPdf(id, 1, "%PDF-1.4 another", kPatient), StoreError);
    CHECK(slurp(s.dir() / "records" / ("screening-" + std::to_string(id) + "-v1.pdf")) == kPdf);
    CHECK(std::distance(fs::directory_iterator(s.dir() / "records"), fs::directory_iterator()) == 1);
}

TEST_CASE("a record row with a relative path, as older versions filed them, is read from the records folder") {
    ScratchStore s;
    const auto id = s.store->submit(sampleScreening(), kPatient);
    s.store->addRecordPdf(id, 1, kPdf, kPatient);
    {
        Database db(s.path);
        db.prepare("UPDATE records SET pdf_path = ? WHERE screening_id = ?")
            .bind(1, "var/records/screening-" + std::to_string(id) + "-v1.pdf")
            .bind(2, id)
            .run();
    }
    const fs::path file = s.dir() / "records" / ("screening-" + std::to_string(id) + "-v1.pdf");
    CHECK(s.store->record(id, 1)->path == file.string());
    CHECK(s.store->recordPdf(id, 1) == kPdf);
    s.store->noteExport(id, "pdf", "/exports/x.pdf", kAdmin);
    const auto candidates = s.store->purgeCandidates("2999-01-01T00:00:00Z");
    REQUIRE(candidates.size() == 1);
    CHECK(candidates[0].path == file.string());
    s.store->purgeRecord(id, 1, kAdmin);
    CHECK_FALSE(fs::exists(file));
}
