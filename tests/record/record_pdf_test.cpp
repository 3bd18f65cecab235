// The PDF record as a reader sees it: pdftotext and pdfinfo (poppler) read back what libharu wrote.
// Screenings come in through the store as `mrscreen import` stores them; PDFs are kept under
// <test output>/records/ for looking at.
#include "record_fixture.h"
#include "test_support.h"

#include "record/record_pdf.h"
#include "screening/assessment.h"
#include "screening/derived.h"
#include "store/audit.h"
#include "store/form_catalog.h"
#include "store/store.h"

#include <catch2/catch.hpp>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

using namespace mrscreen;
using namespace mrscreen::screening;
using nlohmann::json;
namespace fs = std::filesystem;
using namespace mrscreen::test::records;

namespace {

// The record prints times in the site's local zone; these tests read them in UTC.
[[maybe_unused]] const bool kInUtc = [] {
    ::setenv("TZ", "UTC", 1);
    ::tzset();
    return true;
}();

record::RecordInput recordOf(const store::ScreeningDetail& d) {
    record::RecordInput in;
    in.siteName = "St. Example Hospital — Radiology";
    in.recordId = d.summary.id;
    in.version = 1;
    in.detail = &d;
    in.form = &mriVersion();
    return in;
}

std::string pdfText(const std::string& path) { return run("pdftotext -layout '" + path + "' -"); }

int pageCount(const std::string& path) {
    std::istringstream info(run("pdfinfo '" + path + "'"));
    for (std::string line; std::getline(info, line);)
        if (line.rfind("Pages:", 0) == 0) return std::stoi(line.substr(6));
    return 0;
}

std::vector<std::string> words(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

std::string squeezed(const std::string& s) {
    std::string out;
    for (const auto& w : words(s)) out += (out.empty() ? "" : " ") + w;
    return out;
}

// The text holds `phrase`: as it stands, or (a long answer wrapped beside other text in the layout)
// its words in order.
bool holds(const std::string& text, const std::string& phrase) {
    if (squeezed(text).find(squeezed(phrase)) != std::string::npos) return true;
    const auto all = words(text), wanted = words(phrase);
    std::size_t k = 0;
    for (std::size_t i = 0; i < all.size() && k < wanted.size(); ++i)
        if (all[i] == wanted[k]) ++k;
    return wanted.size() > 6 && k == wanted.size();
}

// What the record should show for an answer: codings by their display in the language.
std::string expectedAnswer(const Item& item, const Answer& a, const std::string& lang) {
    switch (a.value.type) {
    case ValueType::Boolean: return a.value.boolean ? (lang == "es" ? "Sí" : "Yes") : "No";
    case ValueType::Coding:
        if (const auto* o = item.option(a.value)) return o->display.in(lang);
        return a.value.coding.display;
    default: return a.value.toText();
    }
}

// Every answer of every answered, enabled question in the stored response.
std::vector<std::string> expectedAnswers(const store::ScreeningDetail& d) {
    const Questionnaire& form = test::mriForm();
    const Response r = readResponse(d.responseJson, "stored");
    const ScreeningAnswers answers(form, r);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < answers.instances().size(); ++i) {
        const auto& inst = answers.instances()[i];
        const Item& item = form.items[std::size_t(inst.item)];
        if (!isQuestion(item.type) || !answers.enabled(int(i))) continue;
        for (const auto& a : inst.node->answers) out.push_back(expectedAnswer(item, a, d.language));
    }
    return out;
}

void checkCompleteRecord(const store::ScreeningDetail& d, const std::string& text) {
    const auto expected = expectedAnswers(d);
    REQUIRE(expected.size() > 10);
    for (const auto& answer : expected) {
        INFO("answer: " << answer);
        CHECK(holds(text, answer));
    }
    CHECK(holds(text, d.summary.patient.familyName + ", " + d.summary.patient.givenName));
    REQUIRE(!d.flags.empty());
    for (const auto& f : d.flags) {
        INFO("flag: " << f.ruleId);
        CHECK(holds(text, f.ruleId));
        CHECK(holds(text, f.message));
    }
    CHECK(holds(text, "MRI safety screening record"));
    CHECK(holds(text, "Page 1 of"));
    CHECK(holds(text, "Awaiting review/decision"));
}

// Every word pdftotext finds lies inside the page margins.
void checkInsideMargins(const std::string& path) { checkWordsInsidePage(path, 595.28, 841.89, 39.0, 18.0); }

std::string base64(const std::string& in) {
    static const char* chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned v = 0;
    int bits = -6;
    for (const unsigned char c : in) {
        v = (v << 8) + c;
        bits += 8;
        while (bits >= 0) {
            out += chars[(v >> bits) & 0x3F];
            bits -= 6;
        }
    }
    if (bits > -6) out += chars[((v << 8) >> (bits + 8)) & 0x3F];
    while (out.size() % 4) out += '=';
    return out;
}

} // namespace

TEST_CASE("the pacemaker record holds every answered question, the patient and each flag with its message") {
    const auto d = importExample("pacemaker");
    const std::string pdf = record::renderRecordPdf(recordOf(d));
    REQUIRE(pdf.rfind("%PDF-", 0) == 0);
    const std::string path = writePdf("pacemaker", pdf);
    const std::string text = pdfText(path);
    checkCompleteRecord(d, text);
    CHECK(holds(text, "No creatinine result on record."));
    checkInsideMargins(path);
}

TEST_CASE("a Spanish record shows the answers in Spanish with accents intact and the English beside them") {
    const auto d = importExample("possible-pregnancy");
    REQUIRE(d.language == "es");
    const std::string path = writePdf("possible-pregnancy", record::renderRecordPdf(recordOf(d)));
    const std::string text = pdfText(path);
    checkCompleteRecord(d, text);
    CHECK(holds(text, "Hernández Mora, Lucía"));
    CHECK(holds(text, "Dolor de cabeza fuerte desde hace un mes."));
    const Item* sex = test::mriForm().find("sex");
    REQUIRE(sex);
    CHECK(holds(text, sex->text.in("es")));
    CHECK(holds(text, sex->text.base));
    checkInsideMargins(path);
}

TEST_CASE("the QR text names the record, its version and the content hash, computed when not given") {
    const auto d = importExample("no-risk");
    auto in = recordOf(d);
    const std::string hash = record::recordContentHash(in);
    CHECK(hash.size() == 64);
    CHECK(record::recordQrText(7, 2, hash) == "mrscreen:record:7:v2:sha256:" + hash);
    auto changed = d;
    changed.summary.patient.givenName = "Someone else";
    auto other = in;
    other.detail = &changed;
    CHECK(record::recordContentHash(other) != hash);
    in.contentHash = std::string(64, 'c');
    const std::string text = pdfText(writePdf("no-risk", record::renderRecordPdf(in)));
    CHECK(holds(text, "Content sha256 " + std::string(64, 'c')));
}

TEST_CASE("a 2,000-character answer wraps inside the right margin and every word is kept") {
    // Longer than the form allows at the kiosk, so set in the stored response after the import.
    auto d = importExample("pacemaker");
    std::string reason;
    for (int i = 0; reason.size() < 2000; ++i)
        reason += "symptom" + std::to_string(i) + " worsening headache with dizziness; ";
    reason.resize(2000);
    json response = json::parse(d.responseJson);
    bool replaced = false;
    for (auto& group : response["item"])
        if (group.contains("item"))
            for (auto& item : group["item"])
                if (item["linkId"] == "exam-reason") {
                    item["answer"] = json::array({{{"valueString", reason}}});
                    replaced = true;
                }
    REQUIRE(replaced);
    d.responseJson = response.dump();
    const std::string path = writePdf("long-answer", record::renderRecordPdf(recordOf(d)));
    const std::string text = pdfText(path);
    for (const auto& w : words(reason.substr(0, reason.rfind(' ')))) CHECK(text.find(w) != std::string::npos);
    checkInsideMargins(path);
}

TEST_CASE("a record with many answers spans several pages, each numbered, with a decision and signature") {
    json response = json::parse(test::slurp(test::sourcePath("forms/examples/knee-replacement.json")));
    auto d = importResponse(response.dump(), "many-answers");
    // Reviewed and decided, with a drawn signature in the response.
    for (auto& f : d.flags) {
        f.status = FlagVerdict::Verified;
        f.statusBy = "nina";
        f.statusAt = "2026-11-20T10:02:00Z";
        f.note = "Confirmed with the patient: implant card seen, right knee, 2019.";
    }
    d.decision = store::Decision{"cleared_with_conditions", "Scan at 1.5 T only; knee coil away from the implant.",
                                 "", "omar", "2026-11-20T10:30:00Z"};
    json stored = json::parse(d.responseJson);
    const json strokes = {{"strokes", {{{0.05, 0.7}, {0.2, 0.2}, {0.35, 0.8}, {0.5, 0.3}}, {{0.6, 0.6}, {0.95, 0.55}}}}};
    stored["extension"] = json::array(
        {{{"url", "http://hl7.org/fhir/StructureDefinition/questionnaireresponse-signature"},
          {"valueSignature",
           {{"type", {{{"system", "urn:iso-astm:E1762-95:2013"}, {"code", "1.2.840.10065.1.12.1.1"}, {"display", "Author's Signature"}}}},
            {"when", "2026-11-20T09:58:00Z"},
            {"who", {{"display", "Margaret Okafor"}}},
            {"sigFormat", "application/json"},
            {"data", base64(strokes.dump())}}}}});
    d.responseJson = stored.dump();
    d.labs.push_back(store::LabResult{"creatinine", 1.02, "mg/dL", "2026-11-18", "nina", "2026-11-20T10:01:00Z"});
    auto in = recordOf(d);
    const std::string path = writePdf("many-answers", record::renderRecordPdf(in));
    const int pages = pageCount(path);
    CHECK(pages >= 2);
    const std::string text = pdfText(path);
    for (int p = 1; p <= pages; ++p) CHECK(holds(text, "Page " + std::to_string(p) + " of " + std::to_string(pages)));
    CHECK(holds(text, "Cleared with conditions"));
    CHECK(holds(text, "Scan at 1.5 T only; knee coil away from the implant."));
    CHECK(holds(text, "Confirmed with the patient: implant card seen, right knee, 2019."));
    CHECK(holds(text, "CKD-EPI 2021"));
    CHECK(holds(text, "Margaret Okafor"));
    CHECK(holds(text, "Knee"));
    checkInsideMargins(path);
}

namespace {

screening::ScannerSetup plannedScanner() {
    screening::ScannerSetup s;
    s.name = "MR1 Siemens Aera 1.5T";
    s.fieldStrengthT = 1.5;
    s.spatialGradientTPerM = 12;
    s.sarMode = OperatingMode::Normal;
    s.wholeBodySarWPerKg = 1.8;
    return s; // head SAR and B1+rms of the plan not known
}

// A conditional pacemaker whose label allows less spatial gradient than the scanner has at the
// implant, and a plate that is MR Safe.
std::vector<store::ImplantRecord> reviewedImplants() {
    store::ImplantRecord pacemaker;
    pacemaker.id = 1;
    pacemaker.type = "Pacemaker (generator and two leads)";
    pacemaker.manufacturer = "Medtronic";
    pacemaker.model = "Azure XT DR MRI SureScan W1DR01";
    pacemaker.location = "Left upper chest";
    pacemaker.implantedOn = "2021-03";
    pacemaker.mrStatus = MrStatus::Conditional;
    pacemaker.conditions.fieldStrengthsT = {1.5, 3};
    pacemaker.conditions.maxSpatialGradientTPerM = 10;
    pacemaker.conditions.operatingMode = OperatingMode::Normal;
    pacemaker.conditions.maxWholeBodySarWPerKg = 2;
    pacemaker.conditions.maxB1rmsMicroTesla = 2.8;
    pacemaker.conditions.other =
        "Program the device to SureScan mode before the scan; cardiology on call.";
    pacemaker.checkResult = "MR Conditional on MR1 Siemens Aera 1.5T: 3 pass, 1 fail, 2 unknown";
    pacemaker.enteredBy = "nina";
    pacemaker.enteredAt = "2026-11-20T10:05:00Z";
    store::ImplantRecord plate;
    plate.id = 2;
    plate.type = "Bone plate";
    plate.manufacturer = "Synthes";
    plate.model = "LCP titanium";
    plate.location = "Right forearm";
    plate.implantedOn = "2015";
    plate.mrStatus = MrStatus::Safe;
    plate.checkResult = "MR Safe: no conditions to check";
    plate.enteredBy = "nina";
    plate.enteredAt = "2026-11-20T10:07:00Z";
    return {pacemaker, plate};
}

std::string strokesJson(float shift) {
    json strokes = json::array();
    json a = json::array(), b = json::array();
    for (int i = 0; i <= 12; ++i) {
        const float t = float(i) / 12.0f;
        a.push_back({0.05 + 0.6 * t, 0.5 + 0.3 * std::sin(t * 9.0f + shift)});
        b.push_back({0.55 + 0.4 * t, 0.8 - 0.5 * t});
    }
    strokes.push_back(a);
    strokes.push_back(b);
    return json{{"strokes", strokes}}.dump();
}

// The pacemaker screening after review and decision: a corrected flag, implants, the decision with
// conditions and an override, and the nurse's and the safety officer's drawn signatures.
store::ScreeningDetail reviewedPacemaker() {
    auto d = importExample("pacemaker");
    REQUIRE(!d.flags.empty());
    for (auto& f : d.flags) {
        f.status = FlagVerdict::Verified;
        f.statusBy = "nina";
        f.statusAt = "2026-11-20T10:02:00Z";
    }
    d.flags.front().correctedAnswer = "Yes — pacemaker implanted 2021, card seen";
    d.flags.front().note =
        "Patient first answered for the wrong device; checked the card together.";
    d.implants = reviewedImplants();
    d.decision = store::Decision{
        "cleared_with_conditions",
        "Normal Operating Mode only.\nDevice in SureScan mode, checked by cardiology.\n"
        "Pulse oximetry and ECG throughout.",
        "Spatial gradient at the implant to be kept under 10 T/m by positioning.", "omar",
        "2026-11-20T10:40:00Z"};
    d.summary.reviewedBy = "nina";
    d.signatures = {
        {"review", "Nina Patel", Role::Nurse, strokesJson(0), "2026-11-20T10:12:00Z"},
        {"decision", "Omar Haddad", Role::Mrso, strokesJson(1.5f), "2026-11-20T10:40:00Z"}};
    return d;
}

} // namespace

TEST_CASE("an MR Conditional implant checked against the planned scanner shows each condition as "
          "PASS, FAIL or UNKNOWN") {
    const auto d = reviewedPacemaker();
    auto in = recordOf(d);
    in.scanner = plannedScanner();
    const std::string path = writePdf("reviewed-pacemaker", record::renderRecordPdf(in));
    const std::string text = pdfText(path);
    CHECK(holds(text, "Implants (2)"));
    CHECK(holds(text, "Pacemaker (generator and two leads)"));
    CHECK(holds(text, "Medtronic"));
    CHECK(holds(text, "Azure XT DR MRI SureScan W1DR01"));
    CHECK(holds(text, "Left upper chest"));
    CHECK(holds(text, "2021-03"));
    CHECK(holds(text, "MR Conditional"));
    CHECK(holds(text, "Static field strength: 1.5 T, 3 T only"));
    CHECK(holds(text, "Maximum spatial field gradient: 10 T/m (1000 G/cm)"));
    CHECK(holds(text, "B1+rms: at most 2.8 µT"));
    CHECK(holds(text, "Checked against MR1 Siemens Aera 1.5T"));
    CHECK(holds(text, "PASS Static field strength: label allows 1.5 T, 3 T; scanner is 1.5 T"));
    CHECK(holds(text, "FAIL Spatial field gradient: label allows at most 10 T/m; planned 12 T/m"));
    CHECK(holds(text, "PASS Operating mode: label allows Normal Operating Mode only; planned "
                      "Normal Operating Mode"));
    CHECK(holds(text, "PASS Whole-body SAR: label allows at most 2 W/kg; planned 1.8 W/kg"));
    CHECK(
        holds(text, "UNKNOWN B1+rms: label allows at most 2.8 uT; the planned value is not known"));
    CHECK(holds(text, "UNKNOWN Other conditions:"));
    CHECK(holds(
        text, "FAIL Overall: MR Conditional on MR1 Siemens Aera 1.5T: 3 pass, 1 fail, 2 unknown"));
    // The MR Safe plate passes with nothing to check.
    CHECK(holds(text, "Bone plate"));
    CHECK(holds(text, "PASS Overall: MR Safe: no conditions to check"));
    CHECK(holds(text, "nina, 2026-11-20 10:05 UTC"));
    checkInsideMargins(path);
}

TEST_CASE("without a planned scanner an implant shows the check result saved with it") {
    const auto d = reviewedPacemaker();
    const std::string text =
        pdfText(writePdf("reviewed-pacemaker-no-scanner", record::renderRecordPdf(recordOf(d))));
    CHECK(holds(text, "MR Conditional on MR1 Siemens Aera 1.5T: 3 pass, 1 fail, 2 unknown (as "
                      "saved with the implant)"));
    CHECK(text.find("PASS") == std::string::npos);
    CHECK(text.find("Checked against") == std::string::npos);
}

TEST_CASE("a record without implants says none were recorded") {
    const auto d = importExample("no-risk");
    const std::string text =
        pdfText(writePdf("no-risk-implants", record::renderRecordPdf(recordOf(d))));
    CHECK(holds(text, "Implants (0)"));
    CHECK(holds(text, "No implants were recorded at the review."));
}

TEST_CASE("a flag corrected with the patient shows the corrected answer with its verdict") {
    const auto d = reviewedPacemaker();
    const std::string text =
        pdfText(writePdf("corrected-flag", record::renderRecordPdf(recordOf(d))));
    CHECK(holds(text, "Verified by nina, 2026-11-20 10:02 UTC"));
    CHECK(holds(text, "Corrected with the patient: Yes — pacemaker implanted 2021, card seen"));
    CHECK(holds(text,
                "Note: Patient first answered for the wrong device; checked the card together."));
}

TEST_CASE(
    "the decision shows its conditions line by line, the override reason and who decided when") {
    const auto d = reviewedPacemaker();
    const std::string path = writePdf("decision-conditions", record::renderRecordPdf(recordOf(d)));
    const std::string text = pdfText(path);
    CHECK(holds(text, "Cleared with conditions"));
    CHECK(holds(text, "Normal Operating Mode only."));
    CHECK(holds(text, "Device in SureScan mode, checked by cardiology."));
    CHECK(holds(text, "Pulse oximetry and ECG throughout."));
    CHECK(holds(
        text,
        "Override reason Spatial gradient at the implant to be kept under 10 T/m by positioning."));
    CHECK(holds(text, "Decided by omar"));
    CHECK(holds(text, "Decided at 2026-11-20 10:40 UTC"));
    // Each condition on its own line.
    std::istringstream lines(text);
    int found = 0;
    for (std::string line; std::getline(lines, line);)
        if (line.find("Device in SureScan mode") != std::string::npos) {
            CHECK(line.find("Normal Operating Mode only.") == std::string::npos);
            ++found;
        }
    CHECK(found == 1);
}

TEST_CASE("staff signatures show each signer's name, role and time under the drawn strokes") {
    auto d = reviewedPacemaker();
    d.signatures.push_back(
        {"decision", "Ida Unreadable", Role::Mrso, "not json", "2026-11-20T10:41:00Z"});
    const std::string path = writePdf("staff-signatures", record::renderRecordPdf(recordOf(d)));
    const std::string text = pdfText(path);
    CHECK(holds(text, "Staff signatures"));
    CHECK(holds(text, "Nina Patel"));
    CHECK(holds(text, "Reviewing nurse (Level 2)"));
    CHECK(holds(text, "Review signed 2026-11-20 10:12 UTC"));
    CHECK(holds(text, "Omar Haddad"));
    CHECK(holds(text, "MR safety officer"));
    CHECK(holds(text, "Zone IV decision signed 2026-11-20 10:40 UTC"));
    CHECK(holds(text, "(the drawn signature could not be read)"));
    CHECK(holds(text, "No handwritten signature is attached to the response."));
    checkInsideMargins(path);
}

TEST_CASE("the content hash covers the planned scanner, implants, staff signatures and corrected "
          "answers") {
    const auto d = reviewedPacemaker();
    auto in = recordOf(d);
    in.scanner = plannedScanner();
    const std::string hash = record::recordContentHash(in);
    CHECK(record::recordContentHash(in) == hash);

    auto otherScanner = in;
    otherScanner.scanner->fieldStrengthT = 3;
    CHECK(record::recordContentHash(otherScanner) != hash);
    auto noScanner = in;
    noScanner.scanner.reset();
    CHECK(record::recordContentHash(noScanner) != hash);

    const auto changedHash = [&](const std::function<void(store::ScreeningDetail&)>& change) {
        auto changed = d;
        change(changed);
        auto other = in;
        other.detail = &changed;
        return record::recordContentHash(other);
    };
    CHECK(changedHash([](auto& x) { x.implants[0].conditions.maxSpatialGradientTPerM = 20; }) !=
          hash);
    CHECK(changedHash([](auto& x) { x.implants[1].mrStatus = MrStatus::Unknown; }) != hash);
    CHECK(changedHash([](auto& x) { x.signatures[0].signerName = "Someone else"; }) != hash);
    CHECK(changedHash([](auto& x) { x.signatures[1].strokesJson = "{}"; }) != hash);
    CHECK(changedHash([](auto& x) { x.flags[0].correctedAnswer = "No"; }) != hash);

    // A record without any of them hashes as it did before they existed.
    const auto plain = importExample("no-risk");
    const std::string canonical = record::recordContentText(recordOf(plain));
    for (const char* key :
         {"\"implants\"", "\"staffSignatures\"", "\"scanner\"", "\"correctedAnswer\""})
        CHECK(canonical.find(key) == std::string::npos);
}

TEST_CASE("an implant whose other conditions run long wraps them inside the margins and keeps "
          "every word") {
    auto d = reviewedPacemaker();
    std::string other;
    for (int i = 0; other.size() < 1500; ++i)
        other += "step" + std::to_string(i) + " check the lead impedance and capture threshold; ";
    d.implants[0].conditions.other = other;
    d.implants[0].type = std::string(200, 'W'); // one unbroken word longer than the line
    auto in = recordOf(d);
    in.scanner = plannedScanner();
    const std::string path = writePdf("long-implant", record::renderRecordPdf(in));
    const std::string text = pdfText(path);
    for (const auto& w : words(other))
        CHECK(text.find(w) != std::string::npos);
    checkInsideMargins(path);
}

// [SECTION] policy 2.0: flags by gate, both decision parts, the eGFR's method, ignored answers,
// and never another form.

namespace {

// A renal case whose eGFR flag gates contrast, with both parts decided and signed.
store::ScreeningDetail contrastCase() {
    auto d = reviewedPacemaker();
    store::StoredFlag renal;
    renal.ruleId = "renal-egfr-below-30";
    renal.category = "renal";
    renal.severity = Severity::Stop;
    renal.gate = "contrast";
    renal.message = "eGFR below 30: gadolinium only after the radiologist's risk-benefit decision.";
    renal.triggersJson = R"([{"derived":"egfr","value":24}])";
    renal.status = FlagVerdict::Verified;
    renal.statusBy = "nina";
    d.flags.push_back(renal);
    d.contrastPlanned = "yes";
    d.contrastPlannedBy = "nina";
    d.contrastPlannedAt = "2026-11-20T10:05:00Z";
    d.contrastDecision = store::ContrastDecision{"cleared_with_conditions", "Group II agent only; premedication",
                                                 "Benefit outweighs the risk: staging scan", "rhea",
                                                 "2026-11-20T10:45:00Z"};
    d.signatures.push_back({"contrast", "Rhea Sandoval", Role::Radiologist, strokesJson(3), "2026-11-20T10:45:00Z"});
    return d;
}

} // namespace

TEST_CASE("the record prints both decision parts: Zone IV and contrast, each with its outcome, conditions, signer "
          "and time, and the contrast signature") {
    const auto d = contrastCase();
    const std::string path = writePdf("both-parts", record::renderRecordPdf(recordOf(d)));
    const std::string text = pdfText(path);
    CHECK(holds(text, "Zone IV (MR environment)"));
    CHECK(holds(text, "Zone IV outcome Cleared with conditions"));
    CHECK(holds(text, "Contrast planned Yes (set by nina, 2026-11-20 10:05 UTC)"));
    CHECK(holds(text, "Contrast outcome Cleared with conditions"));
    CHECK(holds(text, "Contrast conditions Group II agent only; premedication"));
    CHECK(holds(text, "Contrast reason Benefit outweighs the risk: staging scan"));
    CHECK(holds(text, "Contrast decided by rhea"));
    CHECK(holds(text, "Contrast decided at 2026-11-20 10:45 UTC"));
    CHECK(holds(text, "Rhea Sandoval"));
    CHECK(holds(text, "Radiologist"));
    CHECK(holds(text, "Contrast decision signed 2026-11-20 10:45 UTC"));
    checkInsideMargins(path);
    // Both parts are in the content hash.
    auto without = d;
    without.contrastDecision.reset();
    CHECK(record::recordContentHash(recordOf(d)) != record::recordContentHash(recordOf(without)));
}

TEST_CASE("contrast flags are labelled and listed apart from Zone IV flags; unknown contrast counts as planned") {
    auto d = contrastCase();
    d.contrastDecision.reset();
    d.contrastPlanned = "unknown";
    d.contrastPlannedBy.clear();
    const std::string text = pdfText(writePdf("contrast-flags", record::renderRecordPdf(recordOf(d))));
    CHECK(holds(text, "Zone IV flags ("));
    CHECK(holds(text, "Contrast flags ("));
    CHECK(holds(text, "· contrast planned: Unknown (treated as planned)"));
    CHECK(holds(text, "Renal · Contrast · rule renal-egfr-below-30"));
    CHECK(holds(text, "STOP"));
    CHECK(holds(text, "Contrast decision awaited"));
    CHECK_FALSE(holds(text, "information: contrast is not planned"));
}

TEST_CASE("for a non-contrast exam a contrast flag is printed as information") {
    auto d = contrastCase();
    d.contrastDecision = store::ContrastDecision{"not_planned", "", "", "rhea", "2026-11-20T10:45:00Z"};
    d.contrastPlanned = "no";
    const std::string text = pdfText(writePdf("contrast-not-planned", record::renderRecordPdf(recordOf(d))));
    CHECK(holds(text, "· contrast planned: No"));
    CHECK(holds(text, "Renal · Contrast · rule renal-egfr-below-30 · information: contrast is not planned"));
    CHECK(holds(text, "Contrast outcome Not planned"));
}

TEST_CASE("the eGFR is printed with how it was computed, the same value the store's assessment gives") {
    auto d = importExample("renal-dialysis");
    d.labs.push_back(store::LabResult{"creatinine", 2.4, "mg/dL", "2026-11-18", "nina", "2026-11-20T10:01:00Z"});
    const Assessment a = store::assessStored(mriVersion(), d, "en");
    REQUIRE(a.derived.egfr);
    REQUIRE_FALSE(a.derived.egfrMethod.empty());
    const std::string text = pdfText(writePdf("egfr-method", record::renderRecordPdf(recordOf(d))));
    char egfr[32];
    std::snprintf(egfr, sizeof egfr, "%.0f", *a.derived.egfr);
    CHECK(holds(text, "eGFR " + std::string(egfr) + " mL/min/1.73 m² (" + a.derived.egfrMethod + ")"));
    CHECK(holds(text, "Creatinine 2.40 mg/dL (sample taken 2026-11-18)"));
    CHECK(record::recordContentText(recordOf(d)).find(a.derived.egfrMethod) != std::string::npos);
}

TEST_CASE("answers to questions that did not apply are printed with their question, and left out when there are none") {
    auto d = importExample("pacemaker");
    const std::string none = pdfText(writePdf("no-ignored-answers", record::renderRecordPdf(recordOf(d))));
    CHECK_FALSE(holds(none, "Answers to questions that did not apply"));
    d.ignoredAnswersJson =
        R"([{"linkId":"no-such-item","question":"Do you have a cochlear implant?","answers":["Yes"]}])";
    const std::string text = pdfText(writePdf("ignored-answers", record::renderRecordPdf(recordOf(d))));
    CHECK(holds(text, "Answers to questions that did not apply"));
    CHECK(holds(text, "Do you have a cochlear implant? Yes"));
    CHECK(record::recordContentText(recordOf(d)).find("cochlear implant") != std::string::npos);
}

TEST_CASE("a record is never rendered with another form or other rules than the screening was answered with") {
    const auto d = importExample("pacemaker");
    store::FormVersion other = mriVersion();
    other.formSha256 = std::string(64, 'a');
    auto in = recordOf(d);
    in.form = &other;
    const auto message = [&] {
        try {
            record::renderRecordPdf(in);
        } catch (const std::exception& e) {
            return std::string(e.what());
        }
        return std::string();
    }();
    CHECK(message.find("never renders a screening with another form") != std::string::npos);
    CHECK(message.find("screening " + std::to_string(d.summary.id)) != std::string::npos);
    other = mriVersion();
    other.rulesSha256 = std::string(64, 'b');
    CHECK_THROWS_WITH(record::recordContentHash(in), Catch::Contains("the rules"));
    in.form = nullptr;
    CHECK_THROWS(record::renderRecordPdf(in));
}
