// `mrscreen store copy` (store/store_copy.h): a box's SQLite store, filled through the Store
// interface, copied into a new database on the test run's PostgreSQL server, then opened there
// through the Store interface as a station would; and every refusal, which leaves the target as
// it was and the source unchanged.
#include "cli/cli_fixture.h"
#include "pg_server.h"
#include "store/audit.h"
#include "store/pg_store_impl.h"
#include "store/sqlite.h"
#include "store/store_copy.h"
#include "store_fixture.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

using Catch::Matchers::Contains;
using mrscreen::test::PostgresServer;
using namespace store_fixture;
namespace fs = std::filesystem;

namespace {

std::string pdfBytes(char tag) {
    std::string pdf = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\r\n";
    for (int i = 0; i < 2048; ++i)
        pdf += char((i * 31 + tag) & 0xFF);
    return pdf.append(1, '\0').append("\n%%EOF\n");
}

std::string fileBytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// A box's data directory: its SQLite store, filled as staff use it.
struct Box {
    fs::path dir = fs::path(scratchDatabasePath("store-copy")).parent_path();
    std::unique_ptr<Store> store;
    std::int64_t decided = 0, waiting = 0, purged = 0;

    Box() {
        StoreOptions options;
        options.recordsDir = (dir / "records").string();
        options.outboxDestinations = {"pacs"}; // each record queued for PACS, as with [pacs]
        store = openSqliteStore((dir / "mrscreen.db").string(), options);
    }
    CopySource source() const {
        return {(dir / "mrscreen.db").string(), (dir / "records").string()};
    }

    void fill() {
        store->addStaff("nina", "Nina Berg, RN", Role::Nurse, kPin, kAdmin);
        store->addStaff("omar", "Omar Haddad", Role::Mrso, "731904", kAdmin);
        store->addStaff("ned", "Ned Olsen, RN", Role::Nurse, "555123", kAdmin);
        store->disableStaff("ned", kAdmin);
        CHECK(store->signIn("omar", "000000").outcome ==
              SignInOutcome::WrongSecret); // a failed attempt kept

        decided = store->submit(sampleScreening({flag("pacemaker", Severity::Stop, "implant")}),
                                kPatient);
        store->setFlagVerdict(decided, "pacemaker", FlagVerdict::Resolved, "removed in 2019",
                              kNurse, "false");
        store->addLab(decided, LabResult{"creatinine", 1.0 / 3.0, "mg/dL", "2026-11-20", "", ""},
                      kNurse);
        ImplantRecord implant;
        implant.type = "aneurysm clip";
        implant.manufacturer = "Acme";
        implant.mrStatus = mrscreen::screening::MrStatus::Conditional;
        store->saveImplant(decided, implant, kNurse);
        store->transitionSigned(
            decided, request(Action::Review, kNurse),
            {"review", "Nina Berg, RN", Role::Nurse, R"([[[0.1,0.2],[0.3,0.4]]])", ""});
        store->transitionSigned(
            decided, request(Action::ClearWithConditions, kMrso, "", "remove hearing aids"),
            {"decision", "Omar Haddad", Role::Mrso, R"([[[0.5,0.5],[0.6,0.7]]])", ""});
        ProcedureLink exam;
        exam.patientId = "MRN-0042";
        exam.accessionNumber = "ACC-7731";
        exam.studyInstanceUid = "1.2.826.0.1.3680043.2.1143.7731";
        store->linkProcedure(decided, exam, kNurse);
        store->addRecordPdf(decided, 1, pdfBytes('a'), kMrso, std::string(64, 'c'));
        store->outboxFailed(store->outbox(decided).front().id, "PACS did not answer",
                            "2026-12-01T10:00:00Z", kAdmin);

        NewScreening keyed =
            sampleScreening({flag("implant", Severity::Review, "implant")}, "Berg");
        keyed.submissionKey = "6f1c2a9e-1b7d-4c1e-9a55-0d2f3b4c5d6e";
        waiting = store->submit(keyed, kPatient);

        purged = store->submit(sampleScreening({}, "Lund"), kPatient);
        store->addRecordPdf(purged, 1, pdfBytes('p'), kPatient);
        store->noteExport(purged, "pdf", "/exports/lund.pdf", kAdmin);
        store->purgeRecord(purged, 1, kAdmin);
    }
};

struct Target {
    const PostgresServer& server = PostgresServer::shared();
    std::string name;
    explicit Target(bool migrated = false) : name(server.createDatabase(migrated)) {}
    ~Target() { server.dropDatabase(name); }
    PostgresConnection owner() const { return server.connection(name, "mrscreen_owner"); }
    std::unique_ptr<Store> open() const {
        return openPostgresStore(server.connection(name));
    } // as a station
};

// What a station shows of a screening, as text, for comparing the two stores.
std::string shown(Store& store, std::int64_t id) {
    const auto d = store.screening(id).value();
    std::string out = std::to_string(int(d.summary.state)) + d.summary.submittedAt +
                      d.summary.reviewedBy + d.summary.patient.familyName + d.formUrl +
                      d.formVersion + d.responseJson + std::to_string(d.responseVersion) +
                      d.contrastPlanned;
    for (const auto& f : d.flags)
        out += f.ruleId + f.statusBy + f.statusAt + f.note + f.correctedAnswer + f.gate;
    if (d.decision)
        out += d.decision->outcome + d.decision->conditions + d.decision->decidedBy +
               d.decision->decidedAt;
    for (const auto& l : d.labs)
        out += std::to_string(l.value) + l.unit + l.enteredAt;
    for (const auto& i : d.implants)
        out += std::to_string(i.id) + i.type + i.manufacturer + i.enteredAt;
    for (const auto& s : d.signatures)
        out += s.purpose + s.signerName + s.strokesJson + s.signedAt;
    for (const auto& e : d.history)
        out += std::to_string(e.seq) + e.hash;
    return out;
}

} // namespace

TEST_CASE("a box's screenings, staff, records and audit trail are copied with their ids, and a "
          "station on the "
          "target sees what staff saw on the box") {
    Box box;
    box.fill();
    const auto sourceTrail = box.store->auditTrail();
    Target target;
    const auto sourceFile = fileBytes(box.dir / "mrscreen.db");

    const auto report = copyToPostgres(box.source(), target.owner(), "cli:admin");

    CHECK(report.screenings == 3);
    CHECK(report.staff == 3);
    CHECK(report.records == 2);
    CHECK(report.purgedRecords == 1);
    CHECK(report.auditEvents == std::int64_t(sourceTrail.size()));
    CHECK(report.migrationsApplied > 0); // a new database is migrated first, as store migrate does
    CHECK(report.sourceCheck.intact);
    CHECK(report.targetCheck.intact);
    CHECK(report.copiedHead.hash == sourceTrail.back().hash);

    const auto station = target.open();
    REQUIRE(station->queue().size() == box.store->queue().size());
    CHECK(station->queue().front().id == box.waiting);
    for (const auto id : {box.decided, box.waiting, box.purged})
        CHECK(shown(*station, id) == shown(*box.store, id));
    CHECK(station->screening(box.decided)->labs.front().value == 1.0 / 3.0); // every bit of a REAL
    CHECK(station->recordPdf(box.decided, 1) == pdfBytes('a'));
    CHECK(station->record(box.decided, 1)->contentSha256 == std::string(64, 'c'));
    CHECK(station->screening(box.decided)->procedure->accessionNumber == "ACC-7731");
    const auto item = station->outbox(box.decided).at(0);
    CHECK(item.id == box.store->outbox(box.decided).at(0).id);
    CHECK(item.attempts == 1);
    CHECK(item.lastError == "PACS did not answer");
    CHECK(item.procedure->studyInstanceUid == "1.2.826.0.1.3680043.2.1143.7731");
    CHECK(station->record(box.purged, 1)->purgedAt == box.store->record(box.purged, 1)->purgedAt);
    CHECK_THAT(refusalOf([&] { station->recordPdf(box.purged, 1); }), Contains("was purged"));

    // The trail: the same events, hashes and all, then one event recording the copy.
    const auto trail = station->auditTrail();
    REQUIRE(trail.size() == sourceTrail.size() + 1);
    CHECK(trail[sourceTrail.size() - 1].hash == sourceTrail.back().hash);
    CHECK(trail.back().action == "store.copied");
    CHECK_THAT(trail.back().detailJson, Contains("\"screenings\":3"));
    CHECK_THAT(trail.back().detailJson, Contains(box.source().databasePath));
    CHECK(station->verifyAudit().intact);

    // Sign-in: the same PIN hashes, roles, the disabled account and the failed attempt.
    CHECK(station->signIn("nina", kPin).outcome == SignInOutcome::SignedIn);
    CHECK(station->signIn("omar", "731904").member->role == Role::Mrso);
    CHECK(station->signIn("ned", "555123").outcome == SignInOutcome::Disabled);

    // New rows continue after the copied ids (the sequences were moved past them).
    const auto next = station->submit(sampleScreening({}, "Nyberg"), kPatient);
    CHECK(next > box.purged);
    CHECK(station->verifyAudit().intact);
    // The resent submission finds its key on the server, as the kiosk's spool relies on.
    NewScreening resent = sampleScreening({}, "Berg");
    resent.submissionKey = "6f1c2a9e-1b7d-4c1e-9a55-0d2f3b4c5d6e";
    CHECK(station->submit(resent, kPatient) == box.waiting);
    CHECK(fileBytes(box.dir / "mrscreen.db") == sourceFile); // the source was only read
}

TEST_CASE("a box larger than one batch is copied whole: tables of over 1,000 rows, 20 records "
          "each with its own bytes, and a trail of over 10,000 events walked in batches") {
    Box box;
    box.fill();
    std::vector<std::int64_t> filed;
    for (int i = 0; i < 20; ++i) {
        filed.push_back(box.store->submit(sampleScreening({}, "Batch"), kPatient));
        box.store->addRecordPdf(filed.back(), 1, pdfBytes(char('A' + i)), kPatient);
    }
    box.store.reset();
    {
        // Raw rows a store would take hours of submissions to make: patients (not audited) and
        // exports noted on the trail, chained on from its head.
        Database raw((box.dir / "mrscreen.db").string());
        Transaction tx(raw);
        auto patient = raw.prepare("INSERT INTO patients (family_name, given_name, created_at) "
                                   "VALUES ('Walker', ?, '2026-11-30T08:00:00Z')");
        for (int i = 0; i < 1200; ++i)
            patient.bind(1, "Patient " + std::to_string(i)).run();
        auto head = raw.prepare("SELECT seq, hash FROM audit_head WHERE id = 1");
        REQUIRE(head.step());
        AuditEvent e{head.integer(0), "", "", "", box.decided, "", "", head.text(1)};
        auto insert = raw.prepare("INSERT INTO audit (seq, at, actor, action, screening_id, "
                                  "detail_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        for (int i = 0; i < 10500; ++i) {
            e.prevHash = e.hash;
            ++e.seq;
            e.at = "2026-11-30T09:00:00Z";
            e.actor = "cli:admin";
            e.action = "record.exported";
            e.detailJson = R"({"format":"pdf","to":"/exports/)" + std::to_string(i) + R"(.pdf"})";
            e.hash = chainHash(e.prevHash, e);
            insert.bind(1, e.seq).bind(2, e.at).bind(3, e.actor).bind(4, e.action);
            insert.bind(5, *e.screeningId).bind(6, e.detailJson).bind(7, e.prevHash);
            insert.bind(8, e.hash).run();
        }
        raw.prepare("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")
            .bind(1, e.seq)
            .bind(2, e.hash)
            .run();
        tx.commit();
    }
    const auto source = openSqliteStore(box.source().databasePath);
    const auto sourceTrail = source->auditTrail();
    REQUIRE(sourceTrail.size() > 10500);
    Target target;

    const auto report = copyToPostgres(box.source(), target.owner(), "cli:admin");

    CHECK(report.auditEvents == std::int64_t(sourceTrail.size()));
    CHECK(report.records == 22);
    CHECK(report.targetCheck.intact);
    CHECK(report.targetCheck.rows == std::int64_t(sourceTrail.size()) + 1);
    CHECK(report.copiedHead.hash == sourceTrail.back().hash);
    CHECK(std::find(report.rows.begin(), report.rows.end(),
                    std::pair<std::string, std::int64_t>("patients", 1200 + 23)) !=
          report.rows.end());
    const auto station = target.open();
    for (int i = 0; i < 20; ++i)
        CHECK(station->recordPdf(filed[std::size_t(i)], 1) == pdfBytes(char('A' + i)));
    const auto trail = station->auditTrail();
    REQUIRE(trail.size() == sourceTrail.size() + 1);
    CHECK(trail[10000].hash == sourceTrail[10000].hash); // across the first batch's end
    CHECK(trail.back().prevHash == sourceTrail.back().hash);
}

TEST_CASE("the target's check, the trail read in batches, finds a decision changed behind the "
          "trail's back after the copy") {
    Box box;
    box.fill();
    Target target;
    copyToPostgres(box.source(), target.owner(), "cli:admin");
    mrscreen::store::pg::Connection(target.owner())
        .exec("UPDATE screenings SET state = 'cleared' WHERE id = $1", {box.waiting});

    const auto check = target.open()->verifyAudit();
    CHECK_FALSE(check.intact);
    CHECK(check.kind == "rows");
    CHECK_THAT(check.problem, Contains("screening " + std::to_string(box.waiting) +
                                       ": state is cleared in the database"));
    CHECK(check.mismatches.size() == 1);
}

TEST_CASE("a target that already holds data is refused with what it holds, and is left as it was") {
    Box box;
    box.fill();
    Target target(true);
    target.open()->addStaff("vera", "Vera Admin", Role::Admin, "902817", kAdmin);
    const auto before = target.open()->auditTrail();

    const auto refusal =
        refusalOf([&] { copyToPostgres(box.source(), target.owner(), "cli:admin"); });
    CHECK_THAT(
        refusal,
        Contains("already holds 0 screenings, 1 staff members, 0 records and 1 audit events"));
    CHECK_THAT(refusal, Contains("copy only into a new, empty database"));
    const auto station = target.open();
    CHECK(station->countScreenings() == 0);
    CHECK(station->staff().size() == 1);
    CHECK(station->auditTrail().size() == before.size());
    CHECK(station->verifyAudit().intact);
}

TEST_CASE("a target holding only rows without screenings, staff or events (a patient, an outbox "
          "item left behind) is refused, naming them") {
    Box box;
    box.fill();
    Target target(true);
    mrscreen::store::pg::Connection(target.owner())
        .exec("INSERT INTO patients (family_name, given_name, created_at) "
              "VALUES ('Left', 'Behind', '2026-01-01T00:00:00Z')");
    const auto refusal =
        refusalOf([&] { copyToPostgres(box.source(), target.owner(), "cli:admin"); });
    CHECK_THAT(refusal, Contains("already holds 0 screenings, 0 staff members, 0 records and 0 "
                                 "audit events, and 1 row in patients; copy only into a new, "
                                 "empty database"));
    CHECK(target.open()->countScreenings() == 0);
    CHECK(mrscreen::store::pg::Connection(target.owner())
              .exec("SELECT COUNT(*) FROM patients")
              .integer(0, 0) == 1);
}

TEST_CASE("a source whose audit trail was altered is refused, naming the event where it breaks, "
          "and nothing is "
          "written to the target") {
    Box box;
    box.fill();
    box.store.reset();
    {
        Database raw((box.dir / "mrscreen.db").string());
        raw.exec("UPDATE audit SET detail_json = '{\"flag\":\"pacemaker\",\"note\":\"fine\"}' "
                 "WHERE seq = 5");
    }
    Target target;
    const auto refusal =
        refusalOf([&] { copyToPostgres(box.source(), target.owner(), "cli:admin"); });
    CHECK_THAT(refusal, Contains("does not verify at event 5"));
    CHECK_THAT(refusal, Contains("Nothing was copied"));
    CHECK(postgresSchemaVersion(target.owner()) == 0); // not even migrated

    // A row changed behind the trail's back (the chain itself intact) is refused the same way.
    Box cleared;
    cleared.fill();
    cleared.store.reset();
    Database((cleared.dir / "mrscreen.db").string())
        .exec("UPDATE screenings SET state = 'cleared' WHERE id = " +
              std::to_string(cleared.waiting));
    const auto rows =
        refusalOf([&] { copyToPostgres(cleared.source(), target.owner(), "cli:admin"); });
    CHECK_THAT(rows, Contains("does not verify"));
    CHECK_THAT(rows, Contains("screening " + std::to_string(cleared.waiting)));
    CHECK(postgresSchemaVersion(target.owner()) == 0);
}

TEST_CASE(
    "a record file that changed after filing stops the copy part-way, and the target stays empty") {
    Box box;
    box.fill();
    const fs::path file =
        box.dir / "records" / ("screening-" + std::to_string(box.decided) + "-v1.pdf");
    std::string bytes = fileBytes(file);
    bytes[bytes.size() / 2] ^= 0x01;
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
    Target target;

    const auto message = messageThrownBy<StoreError>(
        [&] { copyToPostgres(box.source(), target.owner(), "cli:admin"); });
    CHECK_THAT(message,
               Contains("the record of screening " + std::to_string(box.decided) + ", version 1"));
    CHECK_THAT(message, Contains("does not match the SHA-256 filed with it"));
    CHECK_THAT(message, Contains("Nothing was copied"));
    const auto station =
        target.open(); // migrated, and empty: patients and screenings went before records
    CHECK(station->countScreenings() == 0);
    CHECK(station->staff().empty());
    CHECK(station->auditTrail().empty());
    CHECK_FALSE(station->auditHead());

    fs::remove(file); // a missing one is refused the same way
    CHECK_THAT(messageThrownBy<StoreError>(
                   [&] { copyToPostgres(box.source(), target.owner(), "cli:admin"); }),
               Contains("is missing from " + box.source().recordsDir));
    CHECK(target.open()->countScreenings() == 0);
}

TEST_CASE("a password in the target url is refused before anything is read, and the application "
          "role may not copy") {
    Box box;
    box.fill();
    Target target(true);
    PostgresConnection withPassword = target.owner();
    withPassword.url = "postgresql://mrscreen_owner:s3cret@localhost/" + target.name;
    CHECK_THAT(refusalOf([&] { copyToPostgres(box.source(), withPassword, "cli:admin"); }),
               Contains("the target url contains a password"));

    CHECK_THAT(refusalOf([&] {
                   copyToPostgres(box.source(), target.server.connection(target.name), "cli:admin");
               }),
               Contains("run store copy as the schema's owner"));
    CHECK(target.open()->countScreenings() == 0);
}

TEST_CASE(
    "1,000 screenings with their records are copied in one go, and the time it took is reported") {
    Box box;
    box.store->addStaff("nina", "Nina Berg, RN", Role::Nurse, kPin, kAdmin);
    for (int i = 0; i < 1000; ++i) {
        const auto id =
            box.store->submit(sampleScreening({flag("pacemaker", Severity::Stop, "implant"),
                                               flag("implant", Severity::Review, "implant")},
                                              "Patient" + std::to_string(i)),
                              kPatient);
        if (i % 4 == 0)
            box.store->addRecordPdf(id, 1, pdfBytes(char(i)), kPatient);
    }
    Target target;
    const auto report = copyToPostgres(box.source(), target.owner(), "cli:admin");
    CHECK(report.screenings == 1000);
    CHECK(report.records == 250);
    CHECK(report.targetCheck.intact);
    CHECK(target.open()->countScreenings() == 1000);
    std::printf(
        "store copy: 1,000 screenings, 2,000 flags, 250 records, %lld audit events in %.2f s\n",
        static_cast<long long>(report.auditEvents), report.seconds);
}

TEST_CASE(
    "the mrscreen binary copies a data directory named by --data-dir, reports the counts and both "
    "verifications, and takes no password on its command line") {
    Box box;
    box.fill();
    box.store.reset();
    Target target;
    const std::string url = target.owner().url;
    const std::string copy = "--data-dir '" + box.dir.string() + "' store copy ";

    const auto wrongMode = box.dir / "owner-password";
    std::ofstream(wrongMode) << "s3cret\n";
    fs::permissions(wrongMode,
                    fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    const auto loose = mrscreen::test::runMrscreen(copy + "--to '" + url + "' --password-file '" +
                                                   wrongMode.string() + "'");
    CHECK(loose.code == 2);
    CHECK_THAT(loose.out, Contains("chmod 600"));
    const auto onCommandLine =
        mrscreen::test::runMrscreen(copy + "--to '" + url + "' --password s3cret");
    CHECK(onCommandLine.code == 2);
    CHECK_THAT(onCommandLine.out, Contains("--password"));
    const auto inUrl =
        mrscreen::test::runMrscreen(copy + "--to 'postgresql://mrscreen_owner:s3cret@localhost/x'");
    CHECK(inUrl.code == 1);
    CHECK_THAT(inUrl.out, Contains("the target url contains a password"));
    CHECK(postgresSchemaVersion(target.owner()) == 0); // none of them reached the server

    const auto copied = mrscreen::test::runMrscreen(copy + "--to '" + url + "'");
    INFO(copied.out);
    REQUIRE(copied.code == 0);
    CHECK_THAT(copied.out, Contains("audit trail intact, 21 events"));
    CHECK_THAT(copied.out, Contains("3 screenings, 3 staff members, 2 records (1 purged"));
    CHECK_THAT(copied.out, Contains("Target audit trail: intact, 22 events"));
    CHECK(target.open()->verifyAudit().intact);

    const auto again = mrscreen::test::runMrscreen(copy + "--to '" + url + "'");
    CHECK(again.code == 1);
    CHECK_THAT(
        again.out,
        Contains("already holds 3 screenings, 3 staff members, 2 records and 22 audit events"));
}
