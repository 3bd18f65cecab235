// The FHIR export of a screening: the QuestionnaireResponse keeps the form url|version the screening
// was answered with, and carries whether contrast is planned and both signed parts of the decision
// as extensions; every entry has a fullUrl, and the response, the record and the patient reference
// each other. Every bundle written here is checked by the fhir_schema test (the FHIR R4 JSON
// schema, Medplum's validator, and that every reference resolves inside the Bundle); the broken
// bundles written to output/broken-bundles must fail that same check.
#include "test_support.h"

#include "record/fhir_export.h"
#include "store/store.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

using namespace mrscreen;
using nlohmann::json;

namespace {

const std::string kBase = "http://mrscreen.org/fhir/StructureDefinition/";

store::ScreeningDetail storedScreening() {
    store::ScreeningDetail d;
    d.summary.id = 7;
    d.summary.state = screening::ScreeningState::ClearedWithConditions;
    d.summary.patient = {"Lindqvist", "Margaret", "1951-07-22", "female"};
    d.summary.origin = "kiosk";
    d.summary.submittedAt = "2026-11-20T09:58:00Z";
    d.formUrl = "http://mrscreen.org/fhir/Questionnaire/mri-safety";
    d.formVersion = "1.0.0";
    d.responseJson = test::slurp(test::sourcePath("forms/examples/renal-dialysis.json"));
    return d;
}

json exported(const store::ScreeningDetail& d, const std::string& pdf, int version) {
    record::FhirExportInput in;
    in.detail = &d;
    in.pdfBytes = pdf;
    in.recordVersion = version;
    in.siteName = "Test MRI";
    return record::fhirBundle(in);
}

// The extensions with `url`, in order.
std::vector<json> extensions(const json& resource, const std::string& url) {
    std::vector<json> out;
    for (const auto& e : resource.value("extension", json::array()))
        if (e.value("url", "") == url) out.push_back(e);
    return out;
}

std::string part(const json& decision, const std::string& name) {
    for (const auto& e : decision["extension"])
        if (e["url"] == name) {
            for (const auto& [key, value] : e.items())
                if (key.rfind("value", 0) == 0) return value.get<std::string>();
        }
    return "";
}

} // namespace

TEST_CASE("the FHIR export carries both decision parts and contrast planned, and keeps the screening's form "
          "url|version") {
    auto d = storedScreening();
    json response = json::parse(d.responseJson);
    response["questionnaire"] = "http://mrscreen.org/fhir/Questionnaire/mri-safety|9.9.9"; // not what was stored
    d.responseJson = response.dump();
    d.contrastPlanned = "yes";
    d.decision = store::Decision{"cleared_with_conditions", "Normal Operating Mode only.", "", "omar",
                                 "2026-11-20T10:40:00Z"};
    d.contrastDecision = store::ContrastDecision{"cleared_with_conditions", "Group II agent only; premedication",
                                                 "Staging scan: benefit outweighs the risk", "rhea",
                                                 "2026-11-20T10:45:00Z"};
    const json bundle = exported(d, "%PDF-1.7 test", 2);
    test::keepForSchemaCheck("export-bundle-both-parts", bundle);
    const json& qr = bundle["entry"][0]["resource"];
    CHECK(qr["questionnaire"] == "http://mrscreen.org/fhir/Questionnaire/mri-safety|1.0.0");
    const auto planned = extensions(qr, kBase + "contrast-planned");
    REQUIRE(planned.size() == 1);
    CHECK(planned[0]["valueCode"] == "yes");
    const auto decisions = extensions(qr, kBase + "screening-decision");
    REQUIRE(decisions.size() == 2);
    CHECK(part(decisions[0], "part") == "zone-iv");
    CHECK(part(decisions[0], "outcome") == "cleared_with_conditions");
    CHECK(part(decisions[0], "conditions") == "Normal Operating Mode only.");
    CHECK(part(decisions[0], "decidedBy") == "omar");
    CHECK(part(decisions[0], "decidedAt") == "2026-11-20T10:40:00Z");
    CHECK(part(decisions[1], "part") == "contrast");
    CHECK(part(decisions[1], "outcome") == "cleared_with_conditions");
    CHECK(part(decisions[1], "conditions") == "Group II agent only; premedication");
    CHECK(part(decisions[1], "reason") == "Staging scan: benefit outweighs the risk");
    CHECK(part(decisions[1], "decidedBy") == "rhea");
    // Exported again, the extensions are replaced, not repeated.
    d.responseJson = qr.dump();
    const json again = exported(d, "", 2);
    CHECK(extensions(again["entry"][0]["resource"], kBase + "screening-decision").size() == 2);
    CHECK(extensions(again["entry"][0]["resource"], kBase + "contrast-planned").size() == 1);
}

TEST_CASE("an undecided screening exports contrast planned unknown and no decision part; a patient's signature "
          "extension stays") {
    auto d = storedScreening();
    d.summary.state = screening::ScreeningState::Submitted;
    json response = json::parse(d.responseJson);
    response["extension"] = json::array(
        {{{"url", "http://hl7.org/fhir/StructureDefinition/questionnaireresponse-signature"},
          {"valueSignature",
           {{"type", {{{"system", "urn:iso-astm:E1762-95:2013"}, {"code", "1.2.840.10065.1.12.1.1"}}}},
            {"when", "2026-11-20T09:58:00Z"},
            {"who", {{"display", "Margaret Lindqvist"}}},
            {"sigFormat", "application/json"},
            {"data", "eyJzdHJva2VzIjpbXX0="}}}}});
    d.responseJson = response.dump();
    const json bundle = exported(d, "", 0);
    test::keepForSchemaCheck("export-bundle-undecided", bundle);
    const json& qr = bundle["entry"][0]["resource"];
    CHECK(extensions(qr, kBase + "contrast-planned").at(0)["valueCode"] == "unknown");
    CHECK(extensions(qr, kBase + "screening-decision").empty());
    CHECK(extensions(qr, "http://hl7.org/fhir/StructureDefinition/questionnaireresponse-signature").size() == 1);
}

TEST_CASE("a contrast part decided as not planned is exported with contrast planned no") {
    auto d = storedScreening();
    d.contrastPlanned = "no";
    d.contrastDecision = store::ContrastDecision{"not_planned", "", "", "omar", "2026-11-20T10:41:00Z"};
    const json bundle = exported(d, "", 0);
    test::keepForSchemaCheck("export-bundle-contrast-not-planned", bundle);
    const json& qr = bundle["entry"][0]["resource"];
    CHECK(extensions(qr, kBase + "contrast-planned").at(0)["valueCode"] == "no");
    const auto decisions = extensions(qr, kBase + "screening-decision");
    REQUIRE(decisions.size() == 1);
    CHECK(part(decisions[0], "part") == "contrast");
    CHECK(part(decisions[0], "outcome") == "not_planned");
}

// [SECTION] fullUrls, references and the patient

namespace {

const std::string kSite = "Test MRI";

store::ProcedureLink scheduledExam() {
    store::ProcedureLink link;
    link.patientId = "MRN-0042";
    link.issuerOfPatientId = "1.2.826.0.1.3680043.10.1042";
    link.accessionNumber = "ACC20261130-7";
    link.procedureCode = "MRBRAIN";
    link.procedureCodingScheme = "99MRSCREEN";
    link.procedureDescription = "MRI brain without contrast";
    link.studyInstanceUid = "1.2.826.0.1.3680043.10.1042.7.1";
    link.patientName = "LINDQVIST^MARGARET^ANNE";
    link.patientBirthDate = "1951-07-22";
    link.patientSex = "F";
    return link;
}

// The entry whose resource is of `type`; fails the test when there is none.
const json& entryOf(const json& bundle, const std::string& type) {
    for (const auto& e : bundle["entry"])
        if (e["resource"]["resourceType"] == type) return e;
    FAIL("the bundle has no " << type << " entry");
    static const json none;
    return none;
}

bool isUrnUuid(const json& value) {
    static const std::regex uuid("urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    return value.is_string() && std::regex_match(value.get<std::string>(), uuid);
}

// A bundle the fhir_schema test must refuse (tests/fhir-schema/run_broken_check.cmake).
void keepBrokenBundle(const std::string& name, const json& bundle) {
    const std::filesystem::path dir = std::filesystem::path(MRSCREEN_TEST_OUTPUT) / "broken-bundles";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / (name + ".json")) << bundle.dump(2);
}

} // namespace

TEST_CASE("every entry of the exported Bundle has a urn:uuid fullUrl, the same on every export and different "
          "for another screening or site") {
    const auto d = storedScreening();
    const json bundle = exported(d, "%PDF-1.7 test", 2);
    REQUIRE(bundle["entry"].size() == 3);
    std::set<std::string> urls;
    for (const auto& e : bundle["entry"]) {
        INFO(e["resource"]["resourceType"]);
        CHECK(isUrnUuid(e["fullUrl"]));
        urls.insert(e.value("fullUrl", ""));
    }
    CHECK(urls.size() == 3);
    CHECK(exported(d, "%PDF-1.7 test", 2) == bundle);
    auto other = d;
    other.summary.id = 8;
    CHECK(urls.count(exported(other, "", 0)["entry"][0]["fullUrl"]) == 0);
    CHECK(record::entryFullUrl("Other MRI", 7, "QuestionnaireResponse") !=
          record::entryFullUrl(kSite, 7, "QuestionnaireResponse"));
    CHECK(record::entryFullUrl(kSite, 7, "QuestionnaireResponse") == bundle["entry"][0]["fullUrl"]);
}

TEST_CASE("the DocumentReference points at its QuestionnaireResponse, and the response carries the screening "
          "id as its identifier") {
    const auto d = storedScreening();
    const json bundle = exported(d, "%PDF-1.7 test", 2);
    const json& qr = entryOf(bundle, "QuestionnaireResponse");
    const json& doc = entryOf(bundle, "DocumentReference");
    CHECK(qr["resource"]["identifier"] ==
          json({{"system", "http://mrscreen.org/fhir/sid/screening/Test%20MRI"}, {"value", "7"}}));
    CHECK(record::screeningIdentifierSystem(kSite) == "http://mrscreen.org/fhir/sid/screening/Test%20MRI");
    const json& related = doc["resource"]["context"]["related"];
    REQUIRE(related.size() == 1); // not linked: only the response
    CHECK(related[0]["reference"] == qr["fullUrl"]);
    CHECK(doc["resource"]["masterIdentifier"]["value"] == "7-v2");
    CHECK(doc["resource"]["identifier"][0] == qr["resource"]["identifier"]);
    CHECK_FALSE(doc["resource"].contains("relatesTo"));
}

TEST_CASE("an unlinked screening exports a Patient made of the typed name, birth date and sex, and both "
          "subjects reference it") {
    const auto d = storedScreening();
    const json bundle = exported(d, "%PDF-1.7 test", 1);
    test::keepForSchemaCheck("export-bundle-unlinked", bundle);
    const json& patient = entryOf(bundle, "Patient");
    CHECK(patient["resource"]["name"] == json::array({{{"family", "Lindqvist"}, {"given", {"Margaret"}}}}));
    CHECK(patient["resource"]["birthDate"] == "1951-07-22");
    CHECK(patient["resource"]["gender"] == "female");
    CHECK_FALSE(patient["resource"].contains("identifier"));
    const json& qr = entryOf(bundle, "QuestionnaireResponse")["resource"];
    const json& doc = entryOf(bundle, "DocumentReference")["resource"];
    CHECK(qr["subject"]["reference"] == patient["fullUrl"]);
    CHECK(qr["subject"]["display"] == "Margaret Lindqvist");
    CHECK(doc["subject"]["reference"] == patient["fullUrl"]);
    CHECK_FALSE(qr.contains("basedOn"));
}

TEST_CASE("a linked screening's Patient carries the MRN under the issuer's system, and the record carries the "
          "accession number and the Study Instance UID") {
    auto d = storedScreening();
    d.procedure = scheduledExam();
    const json bundle = exported(d, "%PDF-1.7 test", 3);
    test::keepForSchemaCheck("export-bundle-linked", bundle);
    const json& patient = entryOf(bundle, "Patient")["resource"];
    REQUIRE(patient["identifier"].size() == 1);
    const json& mrn = patient["identifier"][0];
    CHECK(mrn["value"] == "MRN-0042");
    CHECK(mrn["system"] == "urn:oid:1.2.826.0.1.3680043.10.1042"); // the issuer is an OID
    CHECK(mrn["type"]["coding"][0]["code"] == "MR");
    CHECK(patient["name"] == json::array({{{"family", "LINDQVIST"}, {"given", {"MARGARET", "ANNE"}}}}));
    CHECK(patient["birthDate"] == "1951-07-22");
    CHECK(patient["gender"] == "female");
    const json& related = entryOf(bundle, "DocumentReference")["resource"]["context"]["related"];
    REQUIRE(related.size() == 3);
    CHECK(related[1]["identifier"]["value"] == "ACC20261130-7");
    CHECK(related[1]["identifier"]["type"]["coding"][0]["code"] == "ACSN");
    CHECK(related[1]["display"] == "MRI brain without contrast");
    CHECK(related[2]["identifier"] ==
          json({{"system", "urn:dicom:uid"}, {"value", "urn:oid:1.2.826.0.1.3680043.10.1042.7.1"}}));
    // The response names the exam it was for: the order, by its accession number.
    const json& qr = entryOf(bundle, "QuestionnaireResponse")["resource"];
    CHECK(qr["basedOn"][0]["type"] == "ServiceRequest");
    CHECK(qr["basedOn"][0]["identifier"]["value"] == "ACC20261130-7");
}

TEST_CASE("an MRN whose worklist names no issuer gets mrscreen's per-site placeholder system; a URI issuer is "
          "kept and a named one becomes a mrscreen URI") {
    auto d = storedScreening();
    d.procedure = scheduledExam();
    d.procedure->issuerOfPatientId = "";
    const json bundle = exported(d, "", 0);
    test::keepForSchemaCheck("export-bundle-linked-no-issuer", bundle);
    CHECK(entryOf(bundle, "Patient")["resource"]["identifier"][0]["system"] ==
          "http://mrscreen.org/fhir/sid/mrn/Test%20MRI");
    CHECK(record::patientIdentifierSystem("urn:oid:1.2.3", kSite) == "urn:oid:1.2.3");
    CHECK(record::patientIdentifierSystem("https://hospital.example/mrn", kSite) == "https://hospital.example/mrn");
    CHECK(record::patientIdentifierSystem("ST MARY'S", kSite) == "http://mrscreen.org/fhir/sid/issuer/ST%20MARY%27S");
}

TEST_CASE("a correction names the screening it replaces by identifier: relatesTo replaces on the record and an "
          "extension on the response") {
    auto d = storedScreening();
    d.summary.id = 12;
    d.amendsId = 7;
    d.procedure = scheduledExam();
    const json bundle = exported(d, "%PDF-1.7 corrected", 1);
    test::keepForSchemaCheck("export-bundle-correction", bundle);
    const json replaced = {{"system", record::screeningIdentifierSystem(kSite)}, {"value", "7"}};
    const json& doc = entryOf(bundle, "DocumentReference")["resource"];
    REQUIRE(doc["relatesTo"].size() == 1);
    CHECK(doc["relatesTo"][0]["code"] == "replaces");
    CHECK(doc["relatesTo"][0]["target"]["type"] == "DocumentReference");
    CHECK(doc["relatesTo"][0]["target"]["identifier"] == replaced);
    // The replaced screening's record carries that identifier.
    auto original = storedScreening();
    original.summary.state = screening::ScreeningState::Amended;
    original.amendedById = 12;
    const json old = exported(original, "%PDF-1.7 original", 1);
    test::keepForSchemaCheck("export-bundle-replaced", old);
    CHECK(entryOf(old, "DocumentReference")["resource"]["identifier"][0] == replaced);
    CHECK(entryOf(old, "QuestionnaireResponse")["resource"]["identifier"] == replaced);
    CHECK(entryOf(old, "DocumentReference")["resource"]["status"] == "superseded");
    const json& qr = entryOf(bundle, "QuestionnaireResponse")["resource"];
    CHECK(qr["status"] == "amended");
    const auto replaces = extensions(qr, kBase + "replaces");
    REQUIRE(replaces.size() == 1);
    CHECK(replaces[0]["valueReference"]["identifier"] == replaced);
    // Exported again from its own output, the extension is replaced, not repeated.
    d.responseJson = qr.dump();
    CHECK(extensions(exported(d, "", 0)["entry"][0]["resource"], kBase + "replaces").size() == 1);
}

TEST_CASE("a screening with no typed name exports a subject without a blank display") {
    auto d = storedScreening();
    d.summary.patient = {"", "", "", ""};
    const json bundle = exported(d, "", 0);
    test::keepForSchemaCheck("export-bundle-no-name", bundle);
    const json& qr = entryOf(bundle, "QuestionnaireResponse")["resource"];
    CHECK_FALSE(qr["subject"].contains("display"));
    const json& patient = entryOf(bundle, "Patient")["resource"];
    CHECK_FALSE(patient.contains("name"));
    CHECK_FALSE(patient.contains("birthDate"));
}

TEST_CASE("bundles with a missing fullUrl, a dangling reference or a repeated fullUrl are written for the "
          "check to refuse") {
    auto d = storedScreening();
    d.procedure = scheduledExam();
    const json good = exported(d, "%PDF-1.7 test", 1);
    json missing = good;
    missing["entry"][1].erase("fullUrl");
    keepBrokenBundle("missing-fullurl", missing);
    json dangling = good;
    dangling["entry"][0]["resource"]["subject"]["reference"] = record::entryFullUrl(kSite, 99, "Patient");
    keepBrokenBundle("dangling-reference", dangling);
    json repeated = good;
    repeated["entry"][2]["fullUrl"] = repeated["entry"][0]["fullUrl"];
    keepBrokenBundle("repeated-fullurl", repeated);
    CHECK(std::filesystem::exists(std::filesystem::path(MRSCREEN_TEST_OUTPUT) / "broken-bundles/missing-fullurl.json"));
}
