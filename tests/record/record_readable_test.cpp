// The record as a medical records department reads it: people by name and role, no internal codes,
// local times to the minute with the zone, reasons labelled as what they are, information flags
// printed neutrally, a later version saying what it replaces, US Letter as well as A4, and heights
// and weights in both unit systems. pdftotext reads back what libharu wrote.
#include "cli/cli_fixture.h"
#include "record_fixture.h"
#include "test_support.h"

#include "cli/config.h"
#include "record/record_pdf.h"
#include "record/record_text.h"
#include "screening/assessment.h"
#include "store/audit.h"
#include "store/form_catalog.h"
#include "store/store.h"

#include <catch2/catch.hpp>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace mrscreen;
using namespace mrscreen::screening;
using nlohmann::json;
namespace fs = std::filesystem;
using namespace mrscreen::test::records;

namespace {

// Every test reads times in the site's zone, here Central European (CET in winter, CEST in summer).
void inBerlin() {
    ::setenv("TZ", "Europe/Berlin", 1);
    ::tzset();
}

std::vector<store::StaffMember> siteStaff() {
    store::StaffMember nina{"nina", "Nina Berg", Role::Nurse, false, 0, "", ""};
    store::StaffMember omar{"omar", "Omar Haddad", Role::Mrso, false, 0, "", ""};
    store::StaffMember rhea{"rhea", "Rhea Sandoval", Role::Radiologist, false, 0, "", ""};
    return {nina, omar, rhea};
}

record::RecordInput recordOf(const store::ScreeningDetail& d) {
    record::RecordInput in;
    in.siteName = "St. Example Hospital — Radiology";
    in.recordId = d.summary.id;
    in.detail = &d;
    in.form = &mriVersion();
    in.staff = siteStaff();
    return in;
}

std::string squeezed(const std::string& s) {
    std::istringstream in(s);
    std::string out;
    for (std::string w; in >> w;)
        out += (out.empty() ? "" : " ") + w;
    return out;
}

// The text of the record rendered from `in`, whitespace squeezed.
std::string textOf(const std::string& name, const record::RecordInput& in) {
    return squeezed(
        run("pdftotext -layout '" + writePdf(name, record::renderRecordPdf(in)) + "' -"));
}

bool holds(const std::string& text, const std::string& phrase) {
    return text.find(squeezed(phrase)) != std::string::npos;
}

// The pacemaker screening reviewed by nina and decided by omar, in summer time.
store::ScreeningDetail decidedPacemaker(const std::string& outcome, const std::string& reason) {
    auto d = importExample("pacemaker", "kiosk");
    d.summary.submittedAt = "2026-08-12T12:05:31.123Z";
    d.summary.reviewedBy = "nina";
    for (auto& f : d.flags) {
        f.status = FlagVerdict::Verified;
        f.statusBy = "nina";
        f.statusAt = "2026-08-12T12:20:09.004Z";
    }
    d.decision = store::Decision{outcome, outcome == "cleared_with_conditions" ? "1.5 T only" : "",
                                 reason, "omar", "2026-08-12T12:40:00.500Z"};
    d.summary.state = outcome == "not_cleared" ? ScreeningState::NotCleared
                                               : ScreeningState::ClearedWithConditions;
    return d;
}

} // namespace

TEST_CASE("the record names staff by full name and role, not by username") {
    inBerlin();
    const auto d = decidedPacemaker("cleared_with_conditions", "Cardiology approved the scan");
    const std::string text = textOf("readable-names", recordOf(d));
    CHECK(holds(text, "Reviewed by Nina Berg, Nurse (nina)"));
    CHECK(holds(text, "Decided by Omar Haddad, MR safety officer (omar)"));
    CHECK(holds(text, "Verified by Nina Berg, Nurse (nina), 2026-08-12 14:20 CEST"));
    CHECK_FALSE(holds(text, "Reviewed by nina"));
}

TEST_CASE("someone not among the site's staff is printed by username, and a command-line operator "
          "says so") {
    CHECK(record::personText("kim", siteStaff()) == "kim");
    CHECK(record::personText("cli:alice", siteStaff()) == "alice at the command line");
    CHECK(record::personText("", siteStaff()).empty());
}

TEST_CASE(
    "outcomes, states, origins and the patient's language are printed as words, never as codes") {
    inBerlin();
    const auto d = decidedPacemaker("cleared_with_conditions", "Cardiology approved the scan");
    const std::string text = textOf("readable-codes", recordOf(d));
    CHECK(holds(text, "Zone IV outcome Cleared with conditions"));
    CHECK(holds(text, "Screening state Cleared with conditions"));
    CHECK(holds(text, "Patient's language English"));
    CHECK(holds(text, "at the kiosk"));
    for (const char* code : {"cleared_with_conditions", "not_cleared", "Patient's language en",
                             "(kiosk)", "zone-iv", "Review: open", "Review: verified"}) {
        INFO(code);
        CHECK_FALSE(holds(text, code));
    }
}

TEST_CASE("a Spanish-speaking patient's language is printed as Spanish") {
    inBerlin();
    const auto d = importExample("possible-pregnancy", "kiosk");
    REQUIRE(d.language == "es");
    const std::string text = textOf("readable-spanish", recordOf(d));
    CHECK(holds(text, "Patient's language Spanish"));
    CHECK(holds(text, "in Spanish, the patient's language"));
}

TEST_CASE("times are printed in the site's local time to the minute with the zone, in summer and "
          "winter") {
    inBerlin();
    CHECK(record::localTimeText("2026-08-12T12:05:31.123Z") == "2026-08-12 14:05 CEST");
    CHECK(record::localTimeText("2026-11-20T10:02:00Z") == "2026-11-20 11:02 CET");
    CHECK(record::localTimeText("2026-11-30T14:30") ==
          "2026-11-30 14:30"); // scheduled: local already
    CHECK(record::localTimeText("2026-11-18") == "2026-11-18");
    CHECK(record::localTimeText("") == "");
    const auto d = decidedPacemaker("cleared_with_conditions", "");
    const std::string text = textOf("readable-times", recordOf(d));
    CHECK(holds(text, "Submitted 2026-08-12 14:05 CEST, at the kiosk"));
    CHECK(holds(text, "Decided at 2026-08-12 14:40 CEST"));
    CHECK_FALSE(holds(text, "12:05:31"));
    CHECK_FALSE(holds(text, ".123Z"));
}

TEST_CASE("the content hash keeps the stored UTC times and usernames, whatever the site's zone") {
    const auto d = decidedPacemaker("cleared_with_conditions", "");
    inBerlin();
    const std::string berlin = record::recordContentHash(recordOf(d));
    const std::string text = record::recordContentText(recordOf(d));
    CHECK(text.find("2026-08-12T12:40:00.500Z") != std::string::npos);
    CHECK(text.find("\"by\":\"omar\"") != std::string::npos);
    ::setenv("TZ", "America/Chicago", 1);
    ::tzset();
    CHECK(record::recordContentHash(recordOf(d)) == berlin);
    auto noStaff = recordOf(d);
    noStaff.staff.clear();
    CHECK(record::recordContentHash(noStaff) == berlin);
}

TEST_CASE("a not-cleared decision labels its reason as the reason not cleared, an override as an "
          "override") {
    inBerlin();
    const auto notCleared = decidedPacemaker("not_cleared", "Pacemaker is not MR Conditional");
    const std::string text = textOf("readable-not-cleared", recordOf(notCleared));
    CHECK(holds(text, "Zone IV outcome Not cleared"));
    CHECK(holds(text, "Reason not cleared Pacemaker is not MR Conditional"));
    CHECK_FALSE(holds(text, "Override reason"));
    const auto overridden =
        decidedPacemaker("cleared_with_conditions", "Cardiology approved the scan");
    CHECK(holds(textOf("readable-override", recordOf(overridden)),
                "Override reason Cardiology approved the scan"));
    auto contrast = overridden;
    contrast.contrastPlanned = "yes";
    contrast.contrastDecision =
        store::ContrastDecision{"not_cleared", "", "eGFR 12", "rhea", "2026-08-12T12:50:00Z"};
    const std::string ct = textOf("readable-contrast-not-cleared", recordOf(contrast));
    CHECK(holds(ct, "Reason not cleared eGFR 12"));
    CHECK(holds(ct, "Contrast decided by Rhea Sandoval, Radiologist (rhea)"));
}

TEST_CASE("an information flag is printed neutrally: no 'open', and an unreviewed stop flag awaits "
          "review") {
    inBerlin();
    auto d = importExample("pacemaker", "kiosk");
    store::StoredFlag info;
    info.ruleId = "claustrophobia-info";
    info.category = "comfort";
    info.severity = Severity::Info;
    info.message = "The patient reports claustrophobia; offer the wide-bore scanner.";
    d.flags.push_back(info);
    const std::string text = textOf("readable-info-flag", recordOf(d));
    CHECK(holds(text, "Comfort · Zone IV · rule claustrophobia-info"));
    CHECK(holds(text, "The patient reports claustrophobia; offer the wide-bore scanner."));
    CHECK(holds(text, "Awaiting review")); // the pacemaker's stop flag
    CHECK_FALSE(holds(text, "Review: open"));
    // What follows the information flag's message is the next card or heading, not a verdict.
    CHECK_FALSE(holds(text, "wide-bore scanner. Awaiting review"));
    CHECK_FALSE(holds(text, "wide-bore scanner. Open"));
}

TEST_CASE(
    "a later version says on every page which version it replaces, and the first replaces none") {
    inBerlin();
    const auto d = decidedPacemaker("cleared_with_conditions", "");
    auto first = recordOf(d);
    const std::string v1 = textOf("readable-v1", first);
    CHECK_FALSE(holds(v1, "replaces"));
    CHECK_FALSE(holds(v1, "superseded"));
    auto second = recordOf(d);
    second.version = 2;
    second.replaces =
        store::StoredRecord{1, "screening-1-v1.pdf", "ab", "2026-08-12T12:06:00.000Z", "cd", ""};
    const std::string v2 = textOf("readable-v2", second);
    CHECK(holds(v2, "version 2 (replaces version 1 of 2026-08-12 14:06 CEST)"));
    CHECK(holds(v2, "This is version 2 of this record. It replaces version 1 of 2026-08-12 14:06 "
                    "CEST, which is "
                    "superseded: read this version."));
    CHECK(record::supersededText(3) == "superseded by version 3");
}

TEST_CASE("a site on US Letter gets Letter pages with the content inside the margins, and A4 stays "
          "the default") {
    inBerlin();
    const auto d = decidedPacemaker("cleared_with_conditions", "");
    auto in = recordOf(d);
    const std::string a4 = writePdf("readable-a4", record::renderRecordPdf(in));
    CHECK(run("pdfinfo '" + a4 + "'").find("595.276 x 841.89 pts (A4)") != std::string::npos);
    in.paper = record::Paper::Letter;
    const std::string letter = writePdf("readable-letter", record::renderRecordPdf(in));
    CHECK(run("pdfinfo '" + letter + "'").find("612 x 792 pts (letter)") != std::string::npos);
    // Every word inside the Letter page, with a margin all round.
    checkWordsInsidePage(letter, 612, 792, 40.0, 18.0);
    const std::string text = squeezed(run("pdftotext -layout '" + letter + "' -"));
    CHECK(holds(text, "Page 1 of"));
    CHECK(holds(text, "Reviewed by Nina Berg, Nurse (nina)"));
}

TEST_CASE(
    "the paper is a site setting: [record] paper takes a4 or letter and refuses anything else") {
    CHECK(record::parsePaper("a4") == record::Paper::A4);
    CHECK(record::parsePaper("Letter") == record::Paper::Letter);
    CHECK_FALSE(record::parsePaper("legal"));
    CHECK(cli::loadConfigText("[record]\npaper = \"letter\"\n", "site.toml").recordPaper ==
          "letter");
    CHECK(cli::loadConfigText("", "site.toml").recordPaper == "a4");
    try {
        cli::loadConfigText("[record]\npaper = \"legal\"\n", "site.toml");
        FAIL("a paper size other than a4 or letter was accepted");
    } catch (const std::exception& e) {
        CHECK(std::string(e.what()).find("[record] paper must be \"a4\" or \"letter\"") !=
              std::string::npos);
    }
}

TEST_CASE("heights and weights are printed in the unit given and the other system, never as a UCUM "
          "code") {
    CHECK(record::quantityText(64, "[in_i]", "", "en") == "5 ft 4 in (163 cm)");
    CHECK(record::quantityText(163, "cm", "", "en") == "163 cm (5 ft 4 in)");
    CHECK(record::quantityText(150, "[lb_av]", "", "en") == "150 lb (68 kg)");
    CHECK(record::quantityText(68, "kg", "", "en") == "68 kg (150 lb)");
    CHECK(record::quantityText(64, "[in_i]", "", "es") == "5 pies 4 pulg (163 cm)");
    CHECK(record::quantityText(2.5, "[foo_bar]", "", "en") == "2.5 foo bar");
    inBerlin();
    json response = json::parse(test::slurp(test::sourcePath("forms/examples/pacemaker.json")));
    // The patient answers in inches and pounds.
    std::function<void(json&)> imperial = [&](json& items) {
        for (auto& it : items) {
            const std::string id = it.value("linkId", "");
            if (id == "height-unit" || id == "weight-unit")
                it["answer"] =
                    json::array({{{"valueCoding",
                                   {{"system", "http://unitsofmeasure.org"},
                                    {"code", id == "height-unit" ? "[in_i]" : "[lb_av]"}}}}});
            if (id == "height-cm")
                it["linkId"] = "height-in", it["answer"] = json::array({{{"valueDecimal", 64}}});
            if (id == "weight-kg")
                it["linkId"] = "weight-lb", it["answer"] = json::array({{{"valueDecimal", 150}}});
            if (it.contains("item"))
                imperial(it["item"]);
        }
    };
    imperial(response["item"]);
    const auto d = importResponse(response.dump(), "readable-imperial", "kiosk");
    const std::string text = textOf("readable-imperial", recordOf(d));
    CHECK(holds(text, "5 ft 4 in (163 cm)"));
    CHECK(holds(text, "150 lb (68 kg)"));
    CHECK_FALSE(holds(text, "[in_i]"));
    CHECK_FALSE(holds(text, "[lb_av]"));
}

TEST_CASE("the scheduled exam is printed with its local time, who linked it by name and its procedure code in words") {
    inBerlin();
    auto d = decidedPacemaker("cleared_with_conditions", "");
    store::ProcedureLink p;
    p.patientId = "MRN-7781";
    p.accessionNumber = "ACC-5001";
    p.procedureCode = "MRBRC";
    p.procedureCodingScheme = "99HOSP";
    p.procedureDescription = "MRI brain with contrast";
    p.scheduledStart = "2026-08-12T15:30";
    p.stationAeTitle = "MR1";
    p.linkedBy = "nina";
    p.linkedAt = "2026-08-12T12:10:00.000Z";
    d.procedure = p;
    const std::string text = textOf("readable-exam", recordOf(d));
    CHECK(holds(text, "Requested procedure MRI brain with contrast (code MRBRC in 99HOSP)"));
    CHECK(holds(text, "Scheduled 2026-08-12 15:30 on MR1"));
    CHECK(holds(text, "Linked by Nina Berg, Nurse (nina), 2026-08-12 14:10 CEST"));
}

// [SECTION] the records `mrscreen demo` files, as the site reads them with its tools

TEST_CASE("on a filed correction, show marks the older version superseded, verify says so of its "
          "file, and the "
          "newer version names what it replaces") {
    const fs::path dir = test::freshOutputDir("records", "readable-demo");
    const std::string dataDir = (dir / "data").string();
    const std::string config = (dir / "site.toml").string();
    std::ofstream(config) << "[form]\npath = \"" << test::sourcePath("forms/mri-safety")
                          << "\"\n[record]\npaper = \"letter\"\n";
    const std::string mrscreen = "TZ=Europe/Berlin '" + std::string(MRSCREEN_BINARY) +
                                 "' --config '" + config + "' --data-dir '" + dataDir + "' ";
    REQUIRE(test::runShell(mrscreen + "demo").code == 0);
    // Screening 3 of the demo is not cleared: version 1 at submission, version 2 with the decision.
    const auto shown = test::runShell(mrscreen + "show 3");
    REQUIRE(shown.code == 0);
    CHECK(shown.out.find("superseded by version 2") != std::string::npos);
    CHECK(shown.out.find("current") != std::string::npos);
    const std::string v1 = dataDir + "/records/screening-3-v1.pdf",
                      v2 = dataDir + "/records/screening-3-v2.pdf";
    const auto verified =
        test::runShell(mrscreen + "verify --signer-sha256 " +
                       test::fingerprintOf(dataDir + "/keys/site-cert.pem") + " '" + v1 + "'");
    INFO(verified.out);
    CHECK(verified.code == 0);
    CHECK(verified.out.find("superseded by version 2") != std::string::npos);
    const std::string text = squeezed(run("pdftotext -layout '" + v2 + "' -"));
    CHECK(holds(text, "version 2 (replaces version 1 of"));
    CHECK(holds(text, "Reason not cleared"));
    CHECK(holds(text, "MR safety officer (omar)"));
    CHECK(text.find(" CET") != std::string::npos);
    CHECK(run("pdfinfo '" + v2 + "'").find("(letter)") != std::string::npos);
}
