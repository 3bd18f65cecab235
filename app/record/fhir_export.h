// The machine record: a FHIR R4 Bundle (type collection) holding the screening's
// QuestionnaireResponse (status completed or amended, subject, author, the patient's signature
// extension as given, the form url|version the screening was answered with) and a DocumentReference
// carrying the signed PDF. Extensions on the response carry whether contrast is planned
// (http://mrscreen.org/fhir/StructureDefinition/contrast-planned, valueCode yes|no|unknown) and
// each signed part of the decision (.../screening-decision: part zone-iv|contrast, outcome,
// conditions, reason, decidedBy, decidedAt).
#pragma once

#include "store/store.h"

#include <nlohmann/json.hpp>

#include <string>

namespace mrscreen::record {

struct FhirExportInput {
    const store::ScreeningDetail* detail = nullptr;
    std::string pdfBytes;      // the signed record; empty to leave the DocumentReference out
    int recordVersion = 0;
    std::string siteName;
};

nlohmann::json fhirBundle(const FhirExportInput& in);

} // namespace mrscreen::record
