// The screening record as a PDF (libharu): what a hospital keeps and an auditor reads. A4 pages
// with the site, record id, version, form and a QR code of the content hash on every page; the
// patient, the flags with their review, the decision, labs, implants with their MR Conditional
// check, every answered question in the patient's language (English beside it for staff), the body
// map, and the patient's and staff signatures. Fonts are DejaVu Sans, found through fontconfig and
// embedded, with UTF-8 text so Spanish survives pdftotext. Signing is pdf_signature's job: this
// writes the unsigned document.
#pragma once

#include "screening/mr_conditional.h"
#include "screening/questionnaire.h"
#include "store/store.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mrscreen::record {

struct RecordLabs {
    double creatinine = 0;
    std::string creatinineUnit = "mg/dL";
    double egfr = 0; // mL/min/1.73 m²
    std::string date; // YYYY-MM-DD the sample was taken
    std::string equation = "CKD-EPI 2021 creatinine";
};

struct RecordInput {
    std::string siteName;
    std::int64_t recordId = 0; // the screening id
    int version = 1;
    // Both must outlive the call; they are not copied (the form is large and shared).
    const store::ScreeningDetail* detail = nullptr;
    const screening::Questionnaire* form = nullptr;
    std::string formSha256;
    std::optional<RecordLabs> labs;
    // The planned scanner from the site config: each implant is checked against it on the record.
    // Unset: the record shows the check result stored with the implant.
    std::optional<screening::ScannerSetup> scanner;
    // The SHA-256 (hex) the QR code carries; empty: recordContentHash(*this).
    std::string contentHash;
};

// The record's content as canonical text (fixed field order, one "name: value" per line, the
// stored response JSON last): what recordContentHash hashes.
std::string recordContentText(const RecordInput& in);
// SHA-256 hex of recordContentText.
std::string recordContentHash(const RecordInput& in);
// "mrscreen:record:<id>:v<version>:sha256:<hash>", the QR code's text.
std::string recordQrText(std::int64_t recordId, int version, const std::string& hash);

// The unsigned PDF. Throws std::runtime_error with what to do (a missing font package, a response
// that cannot be read, a libharu failure).
std::string renderRecordPdf(const RecordInput& in);

} // namespace mrscreen::record
