// Signed records through the store contract (every backend in store_backends.cpp): the store keeps
// each PDF's bytes, gives them back only when they match the SHA-256 filed with them, refuses a
// purged record with the day it was deleted, and never deletes or gives out bytes that changed.
#include "store/audit.h"
#include "store/store.h"
#include "store_backends.h"
#include "store_fixture.h"

#include <catch2/catch.hpp>

#include <string>

using Catch::Matchers::Contains;
using namespace store_fixture;

namespace {

struct Scratch : ContractStoreBase {
    explicit Scratch(const StoreOptions& options = {}) : ContractStoreBase("store-records", options) {}
};

// Bytes a text channel would mangle: NULs, CR LF, bytes above 0x7F, as a real signed PDF has.
std::string pdfBytes(char tag) {
    std::string pdf = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\r\n";
    for (int i = 0; i < 4096; ++i) pdf += char((i * 37 + tag) & 0xFF);
    pdf.append(1, '\0').append("\n%%EOF\n");
    return pdf;
}

// The RecordUnreadable `f` throws; fails the test when it throws none.
template <typename F> RecordUnreadable unreadable(F&& f) {
    try {
        f();
    } catch (const RecordUnreadable& e) {
        return e;
    }
    FAIL("no RecordUnreadable was thrown");
    return RecordUnreadable("", false, "");
}

// A screening with record version 1 exported, so retention may purge it.
std::int64_t exportedRecord(Scratch& s, const std::string& pdf) {
    const auto id = s.store->submit(sampleScreening(), kPatient);
    s.store->addRecordPdf(id, 1, pdf, kPatient);
    s.store->noteExport(id, "pdf", "/exports/record.pdf", kAdmin);
    return id;
}

} // namespace

TEST_CASE("a record filed from its bytes is read back byte for byte, with the SHA-256 of those bytes") {
    Scratch s;
    const auto id = s.store->submit(sampleScreening(), kPatient);
    REQUIRE(s.store->nextRecordVersion(id) == 1);
    const auto filed = s.store->addRecordPdf(id, 1, pdfBytes('a'), kPatient, std::string(64, 'c'));
    CHECK(filed.record.version == 1);
    CHECK(filed.record.sha256 == sha256Hex(pdfBytes('a')));
    CHECK(filed.setAside.empty());
    s.store->addRecordPdf(id, 2, pdfBytes('b'), kNurse);
    CHECK(s.store->nextRecordVersion(id) == 3);

    s.reopen(); // what another station, or the kiosk after a restart, reads
    CHECK(s.store->recordPdf(id, 1) == pdfBytes('a'));
    CHECK(s.store->recordPdf(id, 2) == pdfBytes('b'));
    const auto row = s.store->record(id, 1);
    REQUIRE(row);
    CHECK(row->sha256 == sha256Hex(pdfBytes('a')));
    CHECK(row->contentSha256 == std::string(64, 'c'));
    CHECK(s.store->latestRecord(id)->version == 2);
    CHECK(s.auditEvents("record.written") == 2);
    CHECK(s.store->verifyAudit().intact);
}

TEST_CASE("a record whose bytes were changed after filing is refused on every read, naming the screening, the "
          "version and a backup") {
    Scratch s;
    const auto id = s.store->submit(sampleScreening(), kPatient);
    s.store->addRecordPdf(id, 1, pdfBytes('a'), kPatient);
    s.store->addRecordPdf(id, 2, pdfBytes('b'), kPatient);
    s.backend->damageRecordBytes(id, 1);

    const auto e = unreadable([&] { s.store->recordPdf(id, 1); });
    CHECK(e.kind() == StoreErrorKind::Corrupt);
    CHECK_FALSE(e.missing());
    CHECK_FALSE(e.where().empty());
    CHECK_THAT(e.what(), Contains("screening " + std::to_string(id) + ", version 1"));
    CHECK_THAT(e.what(), Contains("was changed after it was filed"));
    CHECK_THAT(e.what(), Contains("restore the record from a backup"));
    CHECK_THAT(e.what(), Contains(sha256Hex(pdfBytes('a')))); // what the backup's copy must match
    unreadable([&] { s.store->recordPdf(id, 1); });           // every read, not only the first
    CHECK(s.store->recordPdf(id, 2) == pdfBytes('b'));        // the other version is untouched
}

TEST_CASE("a record whose bytes are gone is refused as missing, naming the screening and the version") {
    Scratch s;
    const auto id = s.store->submit(sampleScreening(), kPatient);
    s.store->addRecordPdf(id, 1, pdfBytes('a'), kPatient);
    s.backend->loseRecordBytes(id, 1);
    const auto e = unreadable([&] { s.store->recordPdf(id, 1); });
    CHECK(e.kind() == StoreErrorKind::Corrupt);
    CHECK(e.missing());
    CHECK_THAT(e.what(), Contains("screening " + std::to_string(id) + ", version 1 is missing"));
    CHECK_THAT(e.what(), Contains("restore it from a backup"));
}

TEST_CASE("a record that was never filed is refused, and so is filing one for an unknown screening") {
    Scratch s;
    const auto id = s.store->submit(sampleScreening(), kPatient);
    CHECK_THAT(refusalOf([&] { s.store->recordPdf(id, 1); }),
               Contains("screening " + std::to_string(id) + " has no record version 1"));
    CHECK_THAT(refusalOf([&] { s.store->addRecordPdf(4242, 1, pdfBytes('a'), kPatient); }),
               Contains("no screening 4242"));
    CHECK_THAT(refusalOf([&] { s.store->addRecordPdf(id, 1, "", kPatient); }), Contains("empty"));
    CHECK_FALSE(s.store->latestRecord(id));
    CHECK(s.auditEvents("record.written") == 0);
}

TEST_CASE("a record version is filed once: filing it again is a conflict and the first bytes stay") {
    StoreOptions toPacs;
    toPacs.outboxDestinations = {"pacs"};
    Scratch s(toPacs);
    const auto id = s.store->submit(sampleScreening(), kPatient);
    s.store->addRecordPdf(id, 1, pdfBytes('a'), kPatient);
    try {
        s.store->addRecordPdf(id, 1, pdfBytes('b'), kNurse);
        FAIL("a second version 1 was filed");
    } catch (const StoreError& e) {
        CHECK(e.kind() == StoreErrorKind::Conflict);
        CHECK_THAT(e.what(), Contains("filed already"));
    }
    CHECK(s.store->recordPdf(id, 1) == pdfBytes('a'));
    CHECK(s.store->outbox(id).size() == 1); // nothing of the refused one was queued
    CHECK(s.auditEvents("record.written") == 1);
}

TEST_CASE("a purged record's bytes are deleted, and reading it says it was deleted under the retention policy on "
          "that day") {
    Scratch s;
    const auto id = exportedRecord(s, pdfBytes('a'));
    REQUIRE(s.store->purgeCandidates("2999-01-01T00:00:00Z").size() == 1);
    s.store->purgeRecord(id, 1, kAdmin);

    const auto row = s.store->record(id, 1);
    REQUIRE(row);
    REQUIRE_FALSE(row->purgedAt.empty());
    const std::string refusal = refusalOf([&] { s.store->recordPdf(id, 1); });
    CHECK_THAT(refusal, Contains("screening " + std::to_string(id) + ", version 1 was purged"));
    CHECK_THAT(refusal, Contains("deleted under the retention policy on " + row->purgedAt.substr(0, 10)));
    CHECK_THAT(refusal, Contains(sha256Hex(pdfBytes('a')))); // how to recognise the exported copy
    CHECK(s.store->purgeCandidates("2999-01-01T00:00:00Z").empty());
    CHECK_THAT(refusalOf([&] { s.store->purgeRecord(id, 1, kAdmin); }), Contains("purged"));
    CHECK(s.auditEvents("record.purged", "\"version\":1") == 1);
    CHECK(s.store->verifyAudit().intact);
}

TEST_CASE("purge never deletes changed or missing bytes: they stay as evidence and the record is not marked purged") {
    Scratch s;
    const auto changed = exportedRecord(s, pdfBytes('a'));
    const auto lost = exportedRecord(s, pdfBytes('b'));
    s.backend->damageRecordBytes(changed, 1);
    s.backend->loseRecordBytes(lost, 1);

    CHECK_FALSE(unreadable([&] { s.store->purgeRecord(changed, 1, kAdmin); }).missing());
    CHECK(unreadable([&] { s.store->purgeRecord(lost, 1, kAdmin); }).missing());
    CHECK(s.store->record(changed, 1)->purgedAt.empty());
    CHECK(s.store->record(lost, 1)->purgedAt.empty());
    unreadable([&] { s.store->recordPdf(changed, 1); }); // still there to be looked at, still refused
    CHECK(s.auditEvents("record.purged") == 0);
    CHECK(s.store->purgeCandidates("2999-01-01T00:00:00Z").size() == 2); // reported again next time
}
