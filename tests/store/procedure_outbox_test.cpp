// The store's part for the hospital's systems: a screening's link to its scheduled exam (who may
// link, when, relinking, the audit) and the outbox of record versions for PACS (queued with the
// record, the instance UID fixed once, sent once, failures kept for staff). Part of the store
// contract (store_backends.h).
#include "store/store.h"
#include "store_backends.h"
#include "store_fixture.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>

using Catch::Matchers::Contains;
using nlohmann::json;
using namespace store_fixture;

namespace {

ProcedureLink scheduledBrain() {
    ProcedureLink p;
    p.patientId = "MRN-0001";
    p.issuerOfPatientId = "HOSPITAL";
    p.accessionNumber = "ACC-0001";
    p.procedureCode = "MRBR";
    p.procedureCodingScheme = "LOCAL";
    p.procedureDescription = "MRI brain without contrast";
    p.studyInstanceUid = "1.2.826.0.1.3680043.10.543.1";
    p.stationAeTitle = "MR1";
    p.scheduledStart = "2026-11-30T14:30";
    p.patientName = "OKAFOR^ADA";
    p.patientBirthDate = "1970-03-14";
    return p;
}

struct Scratch : ContractStoreBase {
    explicit Scratch(const StoreOptions& options = {}) : ContractStoreBase("store-procedure-outbox", options) {}
};

StoreOptions toPacs() {
    StoreOptions o;
    o.outboxDestinations = {"pacs"};
    return o;
}

} // namespace

TEST_CASE("a nurse links a submitted screening to its scheduled exam and the detail carries every identifier") {
    Scratch s;
    const auto id = s.store->submit(sampleScreening(), kPatient);
    s.store->linkProcedure(id, scheduledBrain(), kNurse);
    const auto link = s.store->screening(id)->procedure;
    REQUIRE(link);
    CHECK(link->patientId == "MRN-0001");
    CHECK(link->issuerOfPatientId == "HOSPITAL");
    CHECK(link->accessionNumber == "ACC-0001");
    CHECK(link->procedureCode == "MRBR");
    CHECK(link->procedureDescription == "MRI brain without contrast");
    CHECK(link->studyInstanceUid == "1.2.826.0.1.3680043.10.543.1");
    CHECK(link->stationAeTitle == "MR1");
    CHECK(link->scheduledStart == "2026-11-30T14:30");
    CHECK(link->linkedBy == "nina");
    CHECK_FALSE(link->linkedAt.empty());
    CHECK(s.newestAuditAction() == "procedure.linked");
    CHECK(s.store->verifyAudit().intact);
}

TEST_CASE("a screening with no link has no procedure") {
    Scratch s;
    const auto id = s.store->submit(sampleScreening(), kPatient);
    CHECK_FALSE(s.store->screening(id)->procedure);
}

TEST_CASE("linking again replaces the link and the audit keeps the one it replaced") {
    Scratch s;
    const auto id = s.store->submit(sampleScreening(), kPatient);
    s.store->linkProcedure(id, scheduledBrain(), kNurse);
    auto other = scheduledBrain();
    other.accessionNumber = "ACC-0002";
    other.studyInstanceUid = "1.2.826.0.1.3680043.10.543.2";
    s.store->linkProcedure(id, other, kMrso);
    const auto detail = s.store->screening(id);
    CHECK(detail->procedure->accessionNumber == "ACC-0002");
    CHECK(detail->procedure->linkedBy == "omar");
    const auto& event = detail->history.back();
    CHECK(event.action == "procedure.linked");
    CHECK(json::parse(event.detailJson)["replaces"]["accession"] == "ACC-0001");
}

TEST_CASE("linking the same exam twice is refused as already linked") {
    Scratch s;
    const auto id = s.store->submit(sampleScreening(), kPatient);
    s.store->linkProcedure(id, scheduledBrain(), kNurse);
    CHECK_THAT(refusalOf([&] { s.store->linkProcedure(id, scheduledBrain(), kNurse); }),
               Contains("already linked to accession ACC-0001"));
}

TEST_CASE("a patient cannot link a screening to a scheduled exam, and nothing is stored") {
    Scratch s;
    const auto id = s.store->submit(sampleScreening(), kPatient);
    const auto before = s.auditRows();
    CHECK_THAT(refusalOf([&] { s.store->linkProcedure(id, scheduledBrain(), kPatient); }),
               Contains("nurse, MRSO or radiologist"));
    CHECK_FALSE(s.store->screening(id)->procedure);
    CHECK(s.auditRows() == before);
}

TEST_CASE("an exam with neither patient ID nor accession number is refused") {
    Scratch s;
    const auto id = s.store->submit(sampleScreening(), kPatient);
    ProcedureLink empty;
    empty.procedureDescription = "MRI brain";
    CHECK_THAT(refusalOf([&] { s.store->linkProcedure(id, empty, kNurse); }),
               Contains("neither a patient ID nor an accession number"));
}

TEST_CASE("an amended screening is not linked, and an unknown screening is refused") {
    Scratch s;
    const auto id = s.store->submit(sampleScreening(), kPatient);
    s.store->transition(id, request(Action::Review, kNurse));
    s.store->transition(id, request(Action::NotClear, kMrso));
    const auto corrected = s.store->amend(id, sampleScreening(), kMrso);
    CHECK_THAT(refusalOf([&] { s.store->linkProcedure(id, scheduledBrain(), kNurse); }), Contains("amended"));
    s.store->linkProcedure(corrected, scheduledBrain(), kNurse); // the correction is linked instead
    CHECK_THROWS(s.store->linkProcedure(9999, scheduledBrain(), kNurse));
}

TEST_CASE("without a PACS configured a new record queues nothing") {
    Scratch s;
    const auto id = s.store->submit(sampleScreening(), kPatient);
    s.store->addRecordPdf(id, 1, "%PDF-1.4 record c", kPatient);
    CHECK(s.store->outbox().empty());
}

TEST_CASE("each new record version is queued for PACS in its own transaction, pending and due at once") {
    Scratch s(toPacs());
    const auto id = s.store->submit(sampleScreening(), kPatient);
    s.store->addRecordPdf(id, 1, "%PDF-1.4 record c", kPatient);
    s.store->addRecordPdf(id, 2, "%PDF-1.4 record d", kPatient);
    const auto items = s.store->outbox(id);
    REQUIRE(items.size() == 2);
    CHECK(items[0].recordVersion == 2); // newest first
    CHECK(items[1].status == "pending");
    CHECK(items[1].destination == "pacs");
    CHECK(items[1].attempts == 0);
    const auto due = s.store->nextDueOutboxItem("2999-01-01T00:00:00Z");
    REQUIRE(due);
    CHECK(due->recordVersion == 1); // oldest first
    CHECK_FALSE(s.store->nextDueOutboxItem("2000-01-01T00:00:00Z"));
}

TEST_CASE("an outbox item keeps the instance UID of its first attempt") {
    Scratch s(toPacs());
    const auto id = s.store->submit(sampleScreening(), kPatient);
    s.store->addRecordPdf(id, 1, "%PDF-1.4 record c", kPatient);
    const auto item = s.store->outbox(id).front();
    CHECK(s.store->claimOutboxItem(item.id, "2.25.1") == "2.25.1");
    CHECK(s.store->claimOutboxItem(item.id, "2.25.2") == "2.25.1");
    CHECK(s.store->outbox(id).front().sopInstanceUid == "2.25.1");
}

TEST_CASE("a failed send stays pending with its error and next attempt, and a sent item is never sent again") {
    Scratch s(toPacs());
    const auto id = s.store->submit(sampleScreening(), kPatient);
    s.store->addRecordPdf(id, 1, "%PDF-1.4 record c", kPatient);
    const auto itemId = s.store->outbox(id).front().id;
    const Actor outbox{"outbox", Role::Admin};
    s.store->outboxFailed(itemId, "PACS at 127.0.0.1:104 cannot be reached", "2999-01-01T00:00:00Z", outbox);
    auto item = s.store->outbox(id).front();
    CHECK(item.status == "pending");
    CHECK(item.attempts == 1);
    CHECK(item.lastError == "PACS at 127.0.0.1:104 cannot be reached");
    CHECK_FALSE(s.store->nextDueOutboxItem("2026-12-01T00:00:00Z")); // not due until its next attempt
    s.store->retryOutboxItem(itemId, kNurse);
    CHECK(s.store->nextDueOutboxItem("2999-01-01T00:00:00Z"));
    s.store->outboxSent(itemId, "stored", outbox);
    item = s.store->outbox(id).front();
    CHECK(item.status == "sent");
    CHECK(item.attempts == 2);
    CHECK_FALSE(item.sentAt.empty());
    CHECK_FALSE(s.store->nextDueOutboxItem("2999-01-01T00:00:00Z"));
    CHECK_THAT(refusalOf([&] { s.store->outboxSent(itemId, "stored", outbox); }), Contains("was sent already"));
    CHECK_THAT(refusalOf([&] { s.store->retryOutboxItem(itemId, kNurse); }), Contains("not sent twice"));
    CHECK_THAT(refusalOf([&] { s.store->retryOutboxItem(4242, kNurse); }), Contains("no outbox item 4242"));
    std::vector<std::string> actions;
    const auto detail = s.store->screening(id);
    for (const auto& e : detail->history) actions.push_back(e.action);
    CHECK(std::count(actions.begin(), actions.end(), "outbox.failed") == 1);
    CHECK(std::count(actions.begin(), actions.end(), "outbox.retry") == 1);
    CHECK(std::count(actions.begin(), actions.end(), "outbox.sent") == 1);
    CHECK(s.store->verifyAudit().intact);
}

TEST_CASE("a correction keeps the scheduled exam of the screening it replaces") {
    Scratch s;
    const auto id = s.store->submit(sampleScreening(), kPatient);
    s.store->linkProcedure(id, scheduledBrain(), kNurse);
    s.store->transition(id, request(Action::Review, kNurse));
    s.store->transition(id, request(Action::NotClear, kMrso));
    const auto corrected = s.store->amend(id, sampleScreening(), kMrso);
    const auto link = s.store->screening(corrected)->procedure;
    REQUIRE(link);
    CHECK(link->accessionNumber == "ACC-0001");
    CHECK(link->stationAeTitle == "MR1");
    CHECK(s.store->verifyAudit().intact);
}

TEST_CASE("an outbox item keeps the exam as linked when its record was filed, whatever is linked later") {
    Scratch s(toPacs());
    const auto id = s.store->submit(sampleScreening(), kPatient);
    s.store->addRecordPdf(id, 1, "%PDF-1.4 record c", kPatient); // not linked yet
    s.store->linkProcedure(id, scheduledBrain(), kNurse);
    s.store->addRecordPdf(id, 2, "%PDF-1.4 record d", kPatient);
    auto other = scheduledBrain();
    other.accessionNumber = "ACC-0002";
    other.studyInstanceUid = "1.2.826.0.1.3680043.10.543.2";
    s.store->linkProcedure(id, other, kNurse);
    const auto items = s.store->outbox(id);
    REQUIRE(items.size() == 2);
    REQUIRE(items[0].procedure);
    CHECK(items[0].procedure->accessionNumber == "ACC-0001"); // v2 was filed under the first link
    CHECK(items[0].procedure->studyInstanceUid == "1.2.826.0.1.3680043.10.543.1");
    CHECK_FALSE(items[1].procedure); // v1 was filed before any link
}

TEST_CASE("retention never offers a record that is still waiting for PACS") {
    Scratch s(toPacs());
    const auto id = s.store->submit(sampleScreening(), kPatient);
    s.store->addRecordPdf(id, 1, "%PDF-1.4 record c", kPatient);
    s.store->noteExport(id, "pdf", "/exports/x.pdf", kAdmin);
    CHECK(s.store->purgeCandidates("2999-01-01T00:00:00Z").empty());
    s.store->outboxSent(s.store->outbox(id).front().id, "stored", kAdmin);
    CHECK(s.store->purgeCandidates("2999-01-01T00:00:00Z").size() == 1);
}
