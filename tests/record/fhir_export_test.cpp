// The FHIR export of a screening: the QuestionnaireResponse keeps the form url|version the screening
// was answered with, and carries whether contrast is planned and both signed parts of the decision
// as extensions. Every bundle written here is checked against the official FHIR R4 JSON schema by
// the fhir_schema test.
#include "test_support.h"

#include "record/fhir_export.h"
#include "store/store.h"

#include <catch2/catch.hpp>

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
