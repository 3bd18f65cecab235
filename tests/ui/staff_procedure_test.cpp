// Linking a screening to its scheduled exam on the staff screens, driven headlessly: the worklist
// search on the background worker, its candidates (staff only), the link kept by the store, the
// worklist's failures as messages, the linked exam's scanner in the MR Conditional check, and the
// records' way to PACS. The worklist itself is a function here (the integration tests run the
// real DICOM server); the store is the real one.
#include "kiosk_harness.h"
#include "kiosk_steps.h"
#include "staff_steps.h"
#include "test_support.h"

#include "cli/submission.h"
#include "screening/response.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>

using namespace mrscreen;
using mrscreen::test::KioskHarness;
using namespace mrscreen::test::steps;

namespace {

store::ProcedureLink exam(const std::string& accession, const std::string& name, const std::string& birthDate,
                          const std::string& station, const std::string& description) {
    store::ProcedureLink p;
    p.patientId = "MRN-" + accession;
    p.accessionNumber = accession;
    p.patientName = name;
    p.patientBirthDate = birthDate;
    p.stationAeTitle = station;
    p.procedureDescription = description;
    p.procedureCode = "RP-" + accession;
    p.procedureCodingScheme = "99MRSCREEN";
    p.studyInstanceUid = "1.2.826.0.1.3680043.10.1.99." + accession.substr(1);
    p.requestedProcedureId = "RP" + accession;
    p.scheduledStart = "2026-11-25T14:30";
    return p;
}

// A worklist that answers with `exams` (or throws `failure`), counting its searches and noting
// the thread each ran on.
struct Worklist {
    std::vector<store::ProcedureLink> exams;
    std::string failure;
    std::mutex mutex;
    std::vector<store::PatientIdentity> asked;
    std::vector<std::thread::id> threads;

    std::function<std::vector<store::ProcedureLink>(const store::PatientIdentity&)> function() {
        return [this](const store::PatientIdentity& patient) {
            {
                std::lock_guard<std::mutex> lock(mutex);
                asked.push_back(patient);
                threads.push_back(std::this_thread::get_id());
            }
            if (!failure.empty()) throw std::runtime_error(failure);
            return exams;
        };
    }
};

// The site's scanners: MR3T is a 3 T magnet; everything else is the default [scanner] (1.5 T).
screening::ScannerSetup threeTesla() {
    screening::ScannerSetup s;
    s.name = "MR3 Skyra 3T";
    s.fieldStrengthT = 3.0;
    s.sarMode = screening::OperatingMode::Normal;
    return s;
}

test::HarnessOptions withWorklist(Worklist& worklist) {
    test::HarnessOptions o;
    o.services = [&worklist](ui::KioskServices& s) {
        s.findScheduledExams = worklist.function();
        s.scannerFor = [fallback = s.scanner](const store::ScreeningDetail& d) {
            return d.procedure && d.procedure->stationAeTitle == "MR3T" ? threeTesla() : fallback;
        };
    };
    return o;
}

// Calls its function when the test leaves its scope, however it leaves it.
struct AnswersWhenDone {
    std::function<void()> answer;
    ~AnswersWhenDone() { answer(); }
};

bool anyCandidateShown(KioskHarness& h) {
    for (const auto& [name, t] : h.state().targets)
        if (name.rfind("procedure-candidate:", 0) == 0) return true;
    return false;
}

// Saves a 1.5 T-only MR Conditional implant through the review screen.
void addConditionalImplant(KioskHarness& h, const std::string& type) {
    h.tap("implant-add");
    typeInto(h, "work:implant-type", type);
    h.tap("implant-status:conditional");
    typeInto(h, "work:field-strengths", "1.5");
    h.tap("implant-save");
    INFO(h.state().work.message);
    REQUIRE_FALSE(h.state().work.implantOpen);
}

std::string checkOf(KioskHarness& h, std::int64_t id, const std::string& type) {
    const auto detail = h.store().screening(id);
    for (const auto& r : detail->implants)
        if (r.type == type) return r.checkResult;
    return "";
}

} // namespace

TEST_CASE("a nurse finds the patient's scheduled exam on the worklist, links the right one, and the review shows it") {
    Worklist worklist;
    worklist.exams = {exam("A1001", "NAKAMURA^DOROTHY", "1958-02-11", "MR1", "MR knee left without contrast"),
                      exam("A1002", "NAKAMURA^DOROTHY", "1958-02-11", "MR3T", "MR lumbar spine")};
    KioskHarness h(withWorklist(worklist));
    addStaff(h);
    const auto id = submitExample(h, "knee-replacement.json");
    openScreening(h, "nina", "111111", id);
    REQUIRE(h.screen() == "staff-review");
    CHECK_FALSE(h.has("procedure-change"));
    h.tap("procedure-find");
    // The worklist was asked once, for this patient, and not on the thread that draws the screen.
    REQUIRE(worklist.asked.size() == 1);
    CHECK(worklist.asked[0].familyName == "Nakamura");
    CHECK(worklist.asked[0].birthDate == "1958-02-11");
    CHECK(worklist.threads[0] != std::this_thread::get_id());
    REQUIRE(h.has("procedure-candidate:0"));
    REQUIRE(h.has("procedure-candidate:1"));
    // Link without a choice is refused; then the second exam is chosen and linked.
    h.tap("procedure-link");
    CHECK(h.state().work.message == "Tap the patient's scheduled exam first, then Link.");
    CHECK_FALSE(h.store().screening(id)->procedure);
    h.tap("procedure-candidate:1");
    h.tap("procedure-link");
    INFO(h.state().work.message);
    const auto linked = h.store().screening(id)->procedure;
    REQUIRE(linked);
    CHECK(linked->accessionNumber == "A1002");
    CHECK(linked->patientId == "MRN-A1002");
    CHECK(linked->procedureDescription == "MR lumbar spine");
    CHECK(linked->stationAeTitle == "MR3T");
    CHECK(linked->studyInstanceUid == "1.2.826.0.1.3680043.10.1.99.1002");
    CHECK(h.state().work.messageOk);
    CHECK(h.state().work.message.find("accession A1002") != std::string::npos);
    CHECK(h.logged("procedure-linked screening=" + std::to_string(id) + " accession=A1002"));
    // The review now shows the linked exam (its detail reloaded) and offers to change it.
    CHECK(h.state().work.detail->procedure->accessionNumber == "A1002");
    CHECK_FALSE(anyCandidateShown(h));
    CHECK_FALSE(h.has("procedure-find"));
    REQUIRE(h.has("procedure-change"));
    // Changing it: the other exam replaces the link.
    h.tap("procedure-change");
    h.tap("procedure-candidate:0");
    h.tap("procedure-link");
    CHECK(h.store().screening(id)->procedure->accessionNumber == "A1001");
    CHECK(worklist.asked.size() == 2);
}

TEST_CASE("while the worklist is searched the screen keeps drawing and says so, and the exams appear when it answers") {
    Worklist worklist;
    worklist.exams = {exam("A2001", "OKAFOR^DANIEL", "1984-03-09", "MR1", "MR brain")};
    std::promise<void> answer;
    std::shared_future<void> answered = answer.get_future().share();
    bool released = false;
    const auto release = [&] {
        if (!released) answer.set_value();
        released = true;
    };
    auto options = withWorklist(worklist);
    options.settleBackground = false;
    const auto setUp = options.services;
    options.services = [&, setUp](ui::KioskServices& s) {
        setUp(s);
        s.findScheduledExams = [answered, find = s.findScheduledExams](const store::PatientIdentity& p) {
            answered.wait(); // a slow worklist server
            return find(p);
        };
    };
    KioskHarness h(options);
    // Whatever happens below, the worklist answers before the kiosk closes (it finishes its jobs).
    const AnswersWhenDone answersAtTheEnd{release};
    addStaff(h);
    const auto id = submitExample(h, "no-risk.json");
    signIn(h, "nina", "111111");
    h.kiosk().waitForBackground();
    h.frames(2);
    h.tap("queue:" + std::to_string(id));
    h.kiosk().waitForBackground();
    h.frames(2);
    REQUIRE(h.screen() == "staff-review");
    h.tap("procedure-find");
    h.frames(10);
    // Frames keep coming while the worklist has not answered: the search is not on this thread.
    CHECK(h.has("busy"));
    CHECK(h.kiosk().backgroundPending());
    CHECK_FALSE(anyCandidateShown(h));
    release();
    h.kiosk().waitForBackground();
    h.frames(2);
    CHECK_FALSE(h.has("busy"));
    CHECK(h.has("procedure-candidate:0"));
    CHECK(h.screen() == "staff-review");
}

TEST_CASE("when the worklist server cannot be reached the review says so and stays usable") {
    Worklist worklist;
    worklist.failure = "The worklist server at 127.0.0.1:4242 (AE WORKLIST) cannot be reached: connection refused. "
                       "Check [worklist] host and port, and that the server is running.";
    KioskHarness h(withWorklist(worklist));
    addStaff(h);
    const auto id = submitExample(h, "knee-replacement.json");
    openScreening(h, "nina", "111111", id);
    h.tap("procedure-find");
    CHECK(h.state().work.examProblem == worklist.failure);
    CHECK_FALSE(anyCandidateShown(h));
    CHECK_FALSE(h.has("procedure-link"));
    CHECK(h.logged("worklist-failed screening=" + std::to_string(id)));
    CHECK(h.screen() == "staff-review");
    // The rest of the review still works, and the search can be tried again or put away.
    h.tap("contrast-planned:no");
    CHECK(h.store().screening(id)->contrastPlanned == "no");
    REQUIRE(h.has("procedure-search-again"));
    h.tap("procedure-search-again");
    CHECK(worklist.asked.size() == 2);
    h.tap("procedure-cancel");
    CHECK(h.state().work.examProblem.empty());
    CHECK(h.has("procedure-find"));
    CHECK_FALSE(h.store().screening(id)->procedure);
}

TEST_CASE("when no scheduled exam matches, the review says whose exam was looked for and what to check") {
    Worklist worklist; // answers, with nothing
    KioskHarness h(withWorklist(worklist));
    addStaff(h);
    const auto id = submitExample(h, "knee-replacement.json");
    openScreening(h, "nina", "111111", id);
    h.tap("procedure-find");
    CHECK(h.state().work.examProblem ==
          "No scheduled MR exam today matches Nakamura, Dorothy, born 11 February 1958. Check the name and birth date, "
          "or the worklist date window.");
    CHECK_FALSE(anyCandidateShown(h));
    CHECK_FALSE(h.has("procedure-link"));
    CHECK(h.has("procedure-search-again"));
}

TEST_CASE("without a configured worklist the review offers no search, on the review and the decision screens") {
    test::HarnessOptions o;
    o.services = [](ui::KioskServices& s) { s.findScheduledExams = nullptr; };
    KioskHarness h(o);
    addStaff(h);
    const auto id = submitExample(h, "no-risk.json");
    openScreening(h, "nina", "111111", id);
    REQUIRE(h.screen() == "staff-review");
    h.frames(2);
    CHECK_FALSE(h.has("procedure-find"));
    CHECK_FALSE(h.has("procedure-change"));
    h.tap("staff-back-to-patient");
    openScreening(h, "omar", "333333", id);
    h.frames(2);
    CHECK_FALSE(h.has("procedure-find"));
}

TEST_CASE("the MR Conditional check uses the linked exam's scanner: a 1.5 T-only implant passes on the default "
          "scanner and fails on the 3 T scanner of the exam's station, and the decision's scanner condition names it") {
    Worklist worklist;
    worklist.exams = {exam("A3001", "OKAFOR^DANIEL", "1984-03-09", "MR3T", "MR cervical spine")};
    KioskHarness h(withWorklist(worklist));
    addStaff(h);
    const auto id = submitExample(h, "no-risk.json");
    openScreening(h, "nina", "111111", id);
    addConditionalImplant(h, "spinal fixation");
    CHECK(checkOf(h, id, "spinal fixation") == "MR Conditional on MR scanner: 1 pass, 0 fail, 0 unknown");
    h.tap("procedure-find");
    h.tap("procedure-candidate:0");
    h.tap("procedure-link");
    REQUIRE(h.store().screening(id)->procedure);
    addConditionalImplant(h, "hip replacement");
    CHECK(checkOf(h, id, "hip replacement") == "MR Conditional on MR3 Skyra 3T: 0 pass, 1 fail, 0 unknown");
    // The review is signed; the MRSO clears it for "this scanner only": the linked one.
    h.tap("review-sign"); // the signing step, its pad outside the scrolling work
    h.drag(signatureStroke(h.state().targets.at("staff-signature")));
    h.tap("signing-confirm");
    INFO(h.state().work.message);
    REQUIRE(h.store().screening(id)->summary.state == screening::ScreeningState::Reviewed);
    h.tap("staff-back-to-patient");
    openScreening(h, "omar", "333333", id);
    REQUIRE(h.screen() == "staff-decision");
    h.tap("outcome:2");
    h.tap("condition:field-only");
    h.tap("decision-sign");
    h.drag(signatureStroke(h.state().targets.at("staff-signature")));
    h.tap("signing-confirm");
    INFO(h.state().work.message);
    const auto decided = h.store().screening(id);
    REQUIRE(decided->decision);
    CHECK(decided->decision->conditions == "Scan on MR3 Skyra 3T (3.0 T) only.");
    // A decided screening may still be linked to another exam (its next record version says so).
    h.frames(2);
    CHECK(h.has("procedure-change"));
}

TEST_CASE("the worklist's candidates are never shown on a patient screen: leaving the screening or signing out "
          "drops them") {
    Worklist worklist;
    worklist.exams = {exam("A4001", "NAKAMURA^DOROTHY", "1958-02-11", "MR1", "MR knee"),
                      exam("A4002", "NAKAMURA^DORIS", "1958-02-11", "MR1", "MR shoulder")};
    KioskHarness h(withWorklist(worklist));
    addStaff(h);
    const auto id = submitExample(h, "knee-replacement.json");
    openScreening(h, "nina", "111111", id);
    h.tap("procedure-find");
    REQUIRE(anyCandidateShown(h));
    // Back to the queue and into the screening again: the search is gone with the work.
    h.tap("staff-queue");
    CHECK(h.state().work.examCandidates.empty());
    h.tap("queue:" + std::to_string(id));
    CHECK_FALSE(anyCandidateShown(h));
    h.tap("procedure-find");
    REQUIRE(anyCandidateShown(h));
    // Signing out returns to the patient's Welcome screen with nothing of the worklist kept.
    h.tap("staff-back-to-patient");
    CHECK(h.screen() == "welcome");
    CHECK(h.state().work.examCandidates.empty());
    CHECK_FALSE(anyCandidateShown(h));
    // A patient walking through the questionnaire never meets a candidate either.
    h.tap("start");
    for (int page = 0; page < 8 && h.screen() == "question"; ++page) {
        CHECK_FALSE(anyCandidateShown(h));
        answerPage(h);
        if (h.state().editing) h.tap("key:done"); // a name or date page opens its keyboard by itself
        h.tap("next");
    }
    CHECK_FALSE(anyCandidateShown(h));
}

TEST_CASE("the review shows each record version's way to PACS, sent or waiting with its attempts, and a waiting one "
          "can be tried again at once") {
    KioskHarness h;
    addStaff(h);
    const auto id = submitExample(h, "no-risk.json");
    std::int64_t waiting = 0, sent = 0;
    {
        // The same database as a kiosk that sends its records to PACS sees it.
        store::StoreOptions options = h.config().storeOptions();
        options.outboxDestinations = {"pacs"};
        const auto sender = store::openSqliteStore(h.config().databasePath(), options);
        const int v = sender->nextRecordVersion(id);
        sender->addRecordPdf(id, v, "%PDF-1.4 record a", kAdmin);
        sender->addRecordPdf(id, v + 1, "%PDF-1.4 record b", kAdmin);
        const auto items = sender->outbox(id);
        REQUIRE(items.size() == 2);
        sent = items[0].id; // newest first
        waiting = items[1].id;
        for (int attempt = 0; attempt < 3; ++attempt)
            sender->outboxFailed(waiting, "PACS at 127.0.0.1:4243 rejected the association: called AE 'PACS' unknown",
                                 "2099-01-01T00:00:00Z", kAdmin);
        sender->claimOutboxItem(sent, "1.2.826.0.1.3680043.10.1.99.7");
        sender->outboxSent(sent, "stored", kAdmin);
    }
    openScreening(h, "nina", "111111", id);
    REQUIRE(h.screen() == "staff-review");
    h.frames(2);
    const auto& shown = h.state().work.outbox;
    REQUIRE(shown.size() == 2);
    CHECK(shown[0].status == "sent");
    CHECK(shown[1].attempts == 3);
    CHECK(h.state().work.outboxProblem.empty());
    // Only the waiting one can be tried again.
    CHECK_FALSE(h.has("outbox-retry:" + std::to_string(sent)));
    REQUIRE(h.has("outbox-retry:" + std::to_string(waiting)));
    h.tap("outbox-retry:" + std::to_string(waiting));
    INFO(h.state().work.message);
    CHECK(h.state().work.messageOk);
    const auto after = h.store().outbox(id);
    REQUIRE(after.size() == 2);
    CHECK(after[1].nextAttemptAt != "2099-01-01T00:00:00Z");
    CHECK(after[1].status == "pending");
}

TEST_CASE("every touch target of the scheduled-exam chooser is at least 64 px high and inside the screen, in "
          "landscape and portrait") {
    for (const auto& size : {std::pair{1280, 800}, std::pair{800, 1280}}) {
        const int width = size.first, height = size.second;
        Worklist worklist;
        worklist.exams = {exam("A5001", "NAKAMURA^DOROTHY^^MRS", "1958-02-11", "MR1", "MR knee left without contrast"),
                          exam("A5002", "NAKAMURA^DOROTHY", "19580211", "MR3T", "MR lumbar spine with and without contrast"),
                          exam("A5003", "NAKAMURA^DOROTHY", "1958-02-12", "MR1", "MR shoulder")};
        auto options = withWorklist(worklist);
        options.width = width;
        options.height = height;
        KioskHarness h(options);
        addStaff(h);
        const auto id = submitExample(h, "knee-replacement.json");
        openScreening(h, "nina", "111111", id);
        h.tap("procedure-find");
        h.tap("procedure-candidate:2"); // scrolls the last one into view
        h.frames(2);
        int checked = 0;
        for (const auto& [name, t] : h.state().targets) {
            if (name.rfind("procedure-", 0) != 0) continue;
            INFO(width << "x" << height << ": " << name);
            CHECK(t.y1 - t.y0 >= 63.5f);
            CHECK(t.x0 >= -0.5f);
            CHECK(t.x1 <= float(width) + 0.5f);
            ++checked;
        }
        CHECK(checked == 6); // three exams, Link, Search again, Cancel
    }
}
