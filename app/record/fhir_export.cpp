#include "record/fhir_export.h"

#include <openssl/evp.h>

#include <string_view>
#include <vector>

namespace mrscreen::record {

using nlohmann::json;

namespace {

std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()), int(bytes.size()));
    out.resize(std::size_t(n));
    return out;
}

// FHIR R4 Attachment.hash is the SHA-1 of the data, base64-encoded.
std::string sha1Base64(const std::string& bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha1(), nullptr);
    return base64(std::string_view(reinterpret_cast<const char*>(digest), length));
}

// FHIR instants need a time zone and at most millisecond precision; the store writes UTC "Z".
std::string instant(const std::string& at) { return at.empty() ? "1970-01-01T00:00:00Z" : at; }

const std::string kExtensionBase = "http://mrscreen.org/fhir/StructureDefinition/";

// One signed part of the decision as a complex extension: which part, its outcome (a code), the
// conditions and reason when given, who signed and when.
json decisionPart(const std::string& part, const std::string& outcome, const std::string& conditions,
                  const std::string& reason, const std::string& by, const std::string& at) {
    json parts = json::array({{{"url", "part"}, {"valueCode", part}}, {{"url", "outcome"}, {"valueCode", outcome}}});
    if (!conditions.empty()) parts.push_back({{"url", "conditions"}, {"valueString", conditions}});
    if (!reason.empty()) parts.push_back({{"url", "reason"}, {"valueString", reason}});
    if (!by.empty()) parts.push_back({{"url", "decidedBy"}, {"valueString", by}});
    if (!at.empty()) parts.push_back({{"url", "decidedAt"}, {"valueDateTime", instant(at)}});
    return {{"url", kExtensionBase + "screening-decision"}, {"extension", parts}};
}

// Extensions mrscreen writes itself are replaced on export; others (the patient's signature) stay.
void setOwnExtensions(json& resource, const std::vector<json>& own) {
    json kept = json::array();
    if (resource.contains("extension") && resource["extension"].is_array())
        for (const auto& e : resource["extension"])
            if (e.value("url", "").rfind(kExtensionBase + "contrast-planned", 0) != 0 &&
                e.value("url", "").rfind(kExtensionBase + "screening-decision", 0) != 0)
                kept.push_back(e);
    for (const auto& e : own) kept.push_back(e);
    if (kept.empty()) resource.erase("extension");
    else resource["extension"] = kept;
}

} // namespace

json fhirBundle(const FhirExportInput& in) {
    const auto& d = *in.detail;
    const std::string id = std::to_string(d.summary.id);
    json response = json::parse(d.responseJson, nullptr, false);
    if (!response.is_object()) response = json{{"resourceType", "QuestionnaireResponse"}};
    response["id"] = "screening-" + id;
    // A screening replaced by a correction must not look current to the receiving system; the
    // correction itself is the "amended" response.
    const bool replaced = d.summary.state == screening::ScreeningState::Amended;
    response["status"] = replaced ? "entered-in-error" : d.amendsId ? "amended" : "completed";
    const std::string patientName = d.summary.patient.givenName + " " + d.summary.patient.familyName;
    response["subject"] = {{"display", patientName}};
    if (!response.contains("authored")) response["authored"] = instant(d.summary.submittedAt);
    response["author"] = {{"display", d.summary.origin == "kiosk" ? "Patient at the screening kiosk" : "Imported response"}};
    // The form the patient answered, as stored with the screening (never the form loaded now).
    if (!d.formUrl.empty())
        response["questionnaire"] = d.formUrl + (d.formVersion.empty() ? "" : "|" + d.formVersion);
    // Whether contrast is planned, and both signed parts of the decision.
    std::vector<json> own = {{{"url", kExtensionBase + "contrast-planned"},
                              {"valueCode", d.contrastPlanned.empty() ? "unknown" : d.contrastPlanned}}};
    if (d.decision)
        own.push_back(decisionPart("zone-iv", d.decision->outcome, d.decision->conditions, d.decision->overrideReason,
                                   d.decision->decidedBy, d.decision->decidedAt));
    if (d.contrastDecision)
        own.push_back(decisionPart("contrast", d.contrastDecision->outcome, d.contrastDecision->conditions,
                                   d.contrastDecision->reason, d.contrastDecision->decidedBy,
                                   d.contrastDecision->decidedAt));
    setOwnExtensions(response, own);

    json bundle = {{"resourceType", "Bundle"}, {"type", "collection"}, {"timestamp", instant(d.summary.submittedAt)}};
    bundle["entry"] = json::array({{{"resource", response}}});
    if (!in.pdfBytes.empty()) {
        json doc = {{"resourceType", "DocumentReference"},
                    {"id", "screening-" + id + "-record-" + std::to_string(in.recordVersion)},
                    {"status", replaced ? "superseded" : "current"},
                    {"docStatus", "final"},
                    {"type", {{"text", "MRI safety screening record"}}},
                    {"subject", {{"display", patientName}}},
                    {"date", instant(d.summary.submittedAt)},
                    {"description", "Signed MRI safety screening record, version " + std::to_string(in.recordVersion) +
                                        (in.siteName.empty() ? "" : ", " + in.siteName)}};
        doc["content"] = json::array({{{"attachment",
                                        {{"contentType", "application/pdf"},
                                         {"data", base64(in.pdfBytes)},
                                         {"size", in.pdfBytes.size()},
                                         {"hash", sha1Base64(in.pdfBytes)},
                                         {"title", "mrscreen-" + id + "-v" + std::to_string(in.recordVersion) + ".pdf"}}}}});
        bundle["entry"].push_back({{"resource", doc}});
    }
    return bundle;
}

} // namespace mrscreen::record
