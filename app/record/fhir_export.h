// The machine record: a FHIR R4 Bundle (type collection) holding the screening's
// QuestionnaireResponse (status completed or amended, subject, author, the patient's signature
// extension as given, the form url|version the screening was answered with), the Patient it is
// about and a DocumentReference carrying the signed PDF. Extensions on the response carry whether
// contrast is planned (http://mrscreen.org/fhir/StructureDefinition/contrast-planned, valueCode
// yes|no|unknown), each signed part of the decision (.../screening-decision: part zone-iv|contrast,
// outcome, conditions, reason, decidedBy, decidedAt) and, on a correction, the screening it
// replaces (.../replaces).
//
// Every entry has a fullUrl and every reference inside the Bundle resolves to one; references to
// things outside it (the screening a correction replaces, the scheduled exam) are logical
// references by identifier. With a worklist link the Patient carries the hospital's MRN and the
// document the accession number and Study Instance UID.
#pragma once

#include "store/store.h"

#include <nlohmann/json.hpp>

#include <string>

namespace mrscreen::record {

struct FhirExportInput {
    const store::ScreeningDetail* detail = nullptr;
    std::string pdfBytes;      // the signed record; empty to leave the DocumentReference out
    int recordVersion = 0;
    std::string siteName;      // scopes the screening identifiers and the entries' fullUrls
};

nlohmann::json fhirBundle(const FhirExportInput& in);

// The identifier system of a site's screening ids: a QuestionnaireResponse's and a
// DocumentReference's identifier, and what a correction's references name.
std::string screeningIdentifierSystem(const std::string& siteName);

// The patient identifier system for a worklist link's MRN: the Issuer of Patient ID as a URI
// when it is one (or an OID), a mrscreen URI naming the issuer otherwise, and a per-site
// placeholder when the worklist gave no issuer.
std::string patientIdentifierSystem(const std::string& issuerOfPatientId, const std::string& siteName);

// urn:uuid:<uuid> for one resource of one screening, the same on every export.
std::string entryFullUrl(const std::string& siteName, std::int64_t screeningId, const std::string& kind);

} // namespace mrscreen::record
