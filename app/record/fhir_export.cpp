#include "record/fhir_export.h"

#include "screening/value.h"

#include <openssl/evp.h>

#include <cstdio>
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

std::string digest(const std::string& bytes, const EVP_MD* md) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(bytes.data(), bytes.size(), out, &length, md, nullptr);
    return std::string(reinterpret_cast<const char*>(out), length);
}

// FHIR R4 Attachment.hash is the SHA-1 of the data, base64-encoded.
std::string sha1Base64(const std::string& bytes) { return base64(digest(bytes, EVP_sha1())); }

// FHIR instants need a time zone and at most millisecond precision; the store writes UTC "Z".
std::string instant(const std::string& at) { return at.empty() ? "1970-01-01T00:00:00Z" : at; }

// A site name inside a URI: everything but RFC 3986's unreserved characters percent-encoded, so
// "MRI department" and "MRI-department" stay two sites.
std::string uriPart(const std::string& text) {
    std::string out;
    for (unsigned char c : text.empty() ? std::string("site") : text) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out += char(c);
        } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", c);
            out += hex;
        }
    }
    return out;
}

const std::string kExtensionBase = "http://mrscreen.org/fhir/StructureDefinition/";
const std::string kSidBase = "http://mrscreen.org/fhir/sid/";
const std::string kIdentifierType = "http://terminology.hl7.org/CodeSystem/v2-0203";

json identifierType(const std::string& code, const std::string& display) {
    return {{"coding", json::array({{{"system", kIdentifierType}, {"code", code}, {"display", display}}})}};
}

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
        for (const auto& e : resource["extension"]) {
            const std::string url = e.value("url", "");
            if (url != kExtensionBase + "contrast-planned" && url != kExtensionBase + "screening-decision" &&
                url != kExtensionBase + "replaces")
                kept.push_back(e);
        }
    for (const auto& e : own) kept.push_back(e);
    if (kept.empty()) resource.erase("extension");
    else resource["extension"] = kept;
}

// FHIR strings may not be blank: a value of only spaces is left out like an empty one.
bool blank(const std::string& s) { return s.find_first_not_of(" \t") == std::string::npos; }

// FHIR administrative gender from the typed answer (already a code) or DICOM's M, F, O.
std::string gender(const std::string& typed, const std::string& dicom) {
    if (dicom == "M") return "male";
    if (dicom == "F") return "female";
    if (dicom == "O") return "other";
    for (const char* code : {"male", "female", "other", "unknown"})
        if (typed == code) return typed;
    return "";
}

// A HumanName from a DICOM PN ("FAMILY^GIVEN^MIDDLE^PREFIX^SUFFIX", alphabetic group only).
json nameFromDicom(const std::string& pn) {
    std::vector<std::string> parts(5);
    std::size_t p = 0;
    for (char c : pn.substr(0, pn.find('='))) {
        if (c == '^') {
            if (++p == parts.size()) break;
        } else {
            parts[p] += c;
        }
    }
    json name = json::object();
    if (!blank(parts[0])) name["family"] = parts[0];
    json given = json::array();
    for (std::size_t i : {1u, 2u})
        if (!blank(parts[i])) given.push_back(parts[i]);
    if (!given.empty()) name["given"] = given;
    if (!blank(parts[3])) name["prefix"] = json::array({parts[3]});
    if (!blank(parts[4])) name["suffix"] = json::array({parts[4]});
    return name;
}

// The patient: with a worklist link, as the hospital knows them (MRN, name, birth date, sex);
// without one, the identity the patient typed, so the response's subject is still a resource.
json patientResource(const store::ScreeningDetail& d, const std::string& id, const std::string& siteName) {
    const auto& typed = d.summary.patient;
    json patient = {{"resourceType", "Patient"}, {"id", id}};
    json name = json::object();
    if (d.procedure && !d.procedure->patientName.empty()) name = nameFromDicom(d.procedure->patientName);
    if (name.empty()) {
        if (!blank(typed.familyName)) name["family"] = typed.familyName;
        if (!blank(typed.givenName)) name["given"] = json::array({typed.givenName});
    }
    if (d.procedure && !blank(d.procedure->patientId))
        patient["identifier"] = json::array(
            {{{"use", "usual"},
              {"type", identifierType("MR", "Medical record number")},
              {"system", patientIdentifierSystem(d.procedure->issuerOfPatientId, siteName)},
              {"value", d.procedure->patientId}}});
    if (!name.empty()) patient["name"] = json::array({name});
    const std::string sex = gender(typed.sex, d.procedure ? d.procedure->patientSex : "");
    if (!sex.empty()) patient["gender"] = sex;
    const std::string birthDate =
        d.procedure && !d.procedure->patientBirthDate.empty() ? d.procedure->patientBirthDate : typed.birthDate;
    if (screening::isFhirDate(birthDate)) patient["birthDate"] = birthDate;
    return patient;
}

// A logical reference to the scheduled exam: the accession number is the order's identifier.
json examReference(const store::ProcedureLink& link) {
    json ref = {{"type", "ServiceRequest"},
                {"identifier", {{"type", identifierType("ACSN", "Accession ID")}, {"value", link.accessionNumber}}}};
    if (!link.procedureDescription.empty()) ref["display"] = link.procedureDescription;
    return ref;
}

} // namespace

std::string screeningIdentifierSystem(const std::string& siteName) {
    return kSidBase + "screening/" + uriPart(siteName);
}

std::string patientIdentifierSystem(const std::string& issuer, const std::string& siteName) {
    // A placeholder the receiving system maps to its own MRN system: the worklist named no issuer,
    // so all mrscreen knows is that the MRN belongs to this site's hospital.
    if (issuer.empty()) return kSidBase + "mrn/" + uriPart(siteName);
    if (issuer.rfind("urn:", 0) == 0 || issuer.rfind("http://", 0) == 0 || issuer.rfind("https://", 0) == 0)
        return issuer;
    if (issuer.find_first_not_of("0123456789.") == std::string::npos) return "urn:oid:" + issuer;
    return kSidBase + "issuer/" + uriPart(issuer);
}

// urn:uuid rather than an absolute URL: mrscreen is no FHIR server, so no URL of its would resolve,
// and R4 names urn:uuid for resources without a RESTful home. The UUID is name-based (RFC 9562
// version 8 from SHA-256, as its appendix B.2 shows) over site, screening and resource kind, so
// exporting the same screening again gives the same fullUrls and a receiver can spot a resend.
std::string entryFullUrl(const std::string& siteName, std::int64_t screeningId, const std::string& kind) {
    std::string h = digest("mrscreen|" + siteName + "|" + std::to_string(screeningId) + "|" + kind, EVP_sha256());
    h[6] = char((static_cast<unsigned char>(h[6]) & 0x0F) | 0x80); // version 8
    h[8] = char((static_cast<unsigned char>(h[8]) & 0x3F) | 0x80); // RFC 9562 variant
    std::string out = "urn:uuid:";
    for (std::size_t i = 0; i < 16; ++i) {
        char hex[3];
        std::snprintf(hex, sizeof hex, "%02x", static_cast<unsigned char>(h[i]));
        out += hex;
        if (i == 3 || i == 5 || i == 7 || i == 9) out += '-';
    }
    return out;
}

json fhirBundle(const FhirExportInput& in) {
    const auto& d = *in.detail;
    const std::string id = std::to_string(d.summary.id);
    const std::string idSystem = screeningIdentifierSystem(in.siteName);
    const std::string responseUrl = entryFullUrl(in.siteName, d.summary.id, "QuestionnaireResponse");
    const std::string patientUrl = entryFullUrl(in.siteName, d.summary.id, "Patient");
    const bool linked = d.procedure.has_value();
    json response = json::parse(d.responseJson, nullptr, false);
    if (!response.is_object()) response = json{{"resourceType", "QuestionnaireResponse"}};
    response["id"] = "screening-" + id;
    response["identifier"] = {{"system", idSystem}, {"value", id}};
    // A screening replaced by a correction must not look current to the receiving system; the
    // correction itself is the "amended" response.
    const bool replaced = d.summary.state == screening::ScreeningState::Amended;
    response["status"] = replaced ? "entered-in-error" : d.amendsId ? "amended" : "completed";
    // The typed name as display ("" parts left out: FHIR strings may not be blank).
    const std::string& given = d.summary.patient.givenName;
    const std::string& family = d.summary.patient.familyName;
    const std::string patientName = given + (given.empty() || family.empty() ? "" : " ") + family;
    json subject = {{"reference", patientUrl}};
    if (!blank(patientName)) subject["display"] = patientName;
    response["subject"] = subject;
    if (linked && !blank(d.procedure->accessionNumber)) response["basedOn"] = json::array({examReference(*d.procedure)});
    if (!response.contains("authored")) response["authored"] = instant(d.summary.submittedAt);
    response["author"] = {{"display", d.summary.origin == "kiosk" ? "Patient at the screening kiosk" : "Imported response"}};
    // The form the patient answered, as stored with the screening (never the form loaded now).
    if (!d.formUrl.empty())
        response["questionnaire"] = d.formUrl + (d.formVersion.empty() ? "" : "|" + d.formVersion);
    // Whether contrast is planned, both signed parts of the decision, and what a correction replaces.
    std::vector<json> own = {{{"url", kExtensionBase + "contrast-planned"},
                              {"valueCode", d.contrastPlanned.empty() ? "unknown" : d.contrastPlanned}}};
    if (d.decision)
        own.push_back(decisionPart("zone-iv", d.decision->outcome, d.decision->conditions, d.decision->overrideReason,
                                   d.decision->decidedBy, d.decision->decidedAt));
    if (d.contrastDecision)
        own.push_back(decisionPart("contrast", d.contrastDecision->outcome, d.contrastDecision->conditions,
                                   d.contrastDecision->reason, d.contrastDecision->decidedBy,
                                   d.contrastDecision->decidedAt));
    // QuestionnaireResponse has no element for "replaces" in R4; the replaced screening is outside
    // this Bundle, so it is named by its identifier (a logical reference), never by a URL that
    // would dangle.
    const json replacedScreening = d.amendsId ? json{{"system", idSystem}, {"value", std::to_string(*d.amendsId)}}
                                              : json();
    if (d.amendsId)
        own.push_back({{"url", kExtensionBase + "replaces"},
                       {"valueReference", {{"type", "QuestionnaireResponse"}, {"identifier", replacedScreening}}}});
    setOwnExtensions(response, own);

    json bundle = {{"resourceType", "Bundle"}, {"type", "collection"}, {"timestamp", instant(d.summary.submittedAt)}};
    bundle["entry"] = json::array({{{"fullUrl", responseUrl}, {"resource", response}}});
    if (!in.pdfBytes.empty()) {
        const std::string version = std::to_string(in.recordVersion);
        json doc = {{"resourceType", "DocumentReference"},
                    {"id", "screening-" + id + "-record-" + version},
                    // This version of the record; identifier: the screening's record, whatever version.
                    {"masterIdentifier", {{"system", idSystem + "/record"}, {"value", id + "-v" + version}}},
                    {"identifier", json::array({{{"system", idSystem}, {"value", id}}})},
                    {"status", replaced ? "superseded" : "current"},
                    {"docStatus", "final"},
                    {"type", {{"text", "MRI safety screening record"}}},
                    {"subject", subject},
                    {"date", instant(d.summary.submittedAt)},
                    {"description", "Signed MRI safety screening record, version " + version +
                                        (in.siteName.empty() ? "" : ", " + in.siteName)}};
        // A correction's record replaces the record of the screening it corrects: the same
        // identifier that record's DocumentReference carries.
        if (d.amendsId)
            doc["relatesTo"] = json::array(
                {{{"code", "replaces"}, {"target", {{"type", "DocumentReference"}, {"identifier", replacedScreening}}}}});
        doc["content"] = json::array({{{"attachment",
                                        {{"contentType", "application/pdf"},
                                         {"data", base64(in.pdfBytes)},
                                         {"size", in.pdfBytes.size()},
                                         {"hash", sha1Base64(in.pdfBytes)},
                                         {"title", "mrscreen-" + id + "-v" + version + ".pdf"}}}}});
        // context.related (Reference(Any)) is R4's place for what a document is about or made
        // from: the response it renders, and (as IHE MHD maps XDS referenceIdList) the accession
        // number and the Study Instance UID of the linked exam. relatesTo is for documents only.
        json related = json::array({{{"reference", responseUrl}, {"type", "QuestionnaireResponse"}}});
        if (linked && !blank(d.procedure->accessionNumber)) related.push_back(examReference(*d.procedure));
        if (linked && !blank(d.procedure->studyInstanceUid))
            related.push_back({{"type", "ImagingStudy"},
                               {"identifier",
                                {{"system", "urn:dicom:uid"}, {"value", "urn:oid:" + d.procedure->studyInstanceUid}}}});
        doc["context"] = {{"related", related}};
        bundle["entry"].push_back({{"fullUrl", entryFullUrl(in.siteName, d.summary.id, "DocumentReference/v" + version)},
                                   {"resource", doc}});
    }
    bundle["entry"].push_back(
        {{"fullUrl", patientUrl}, {"resource", patientResource(d, "screening-" + id + "-patient", in.siteName)}});
    return bundle;
}

} // namespace mrscreen::record
