// The screening record as a PDF (libharu): what a hospital keeps and an auditor reads. A4 or US Letter pages
// with the site, record id, version, form and a QR code of the content hash on every page; the
// patient, the flags by what they gate (Zone IV, contrast) with their review, both parts of the
// decision, labs with how the eGFR was computed, implants with their MR Conditional check, the
// answers to questions that did not apply, every answered question in the patient's language
// (English beside it for staff), the body map, and the patient's and staff signatures. It is always
// rendered with the form the patient answered. Fonts are DejaVu Sans, found through fontconfig and
// embedded, with UTF-8 text so Spanish survives pdftotext. Signing is pdf_signature's job: this
// writes the unsigned document.
#pragma once

#include "screening/mr_conditional.h"
#include "screening/questionnaire.h"
#include "store/form_catalog.h"
#include "store/store.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mrscreen::record {

// The site's paper ([record] paper in the config).
enum class Paper { A4, Letter };
// "a4" or "letter" (any case); nullopt for anything else.
std::optional<Paper> parsePaper(const std::string& text);

struct RecordInput {
    std::string siteName;
    std::int64_t recordId = 0; // the screening id
    int version = 1;
    // Both must outlive the call; they are not copied (the form is large and shared).
    const store::ScreeningDetail* detail = nullptr;
    // The form and rules the screening was answered with (store::FormCatalog, KioskServices::formFor).
    // A form or rules file whose sha256 differs from the screening's is refused: a record is never
    // rendered with another form.
    const store::FormVersion* form = nullptr;
    // The language the eGFR's method and other computed lines are written in (the flags are stored
    // in it already).
    std::string staffLanguage = "en";
    // The planned scanner from the site config: each implant is checked against it on the record.
    // Unset: the record shows the check result stored with the implant.
    std::optional<screening::ScannerSetup> scanner;
    // The SHA-256 (hex) the QR code carries; empty: recordContentHash(*this).
    std::string contentHash;
    // The audit chain's newest link when the record was signed: printed, in the signed Info
    // dictionary (/Keywords, recordAuditHead) and in the content hash, so an exported record
    // vouches for the history before it (`mrscreen audit verify --record`).
    std::optional<store::AuditHead> auditHead;
    Paper paper = Paper::A4;
    // The site's staff (Store::staff()): who reviewed, decided or entered something is printed by
    // full name and role, not by username. Someone not listed is printed by username.
    std::vector<store::StaffMember> staff;
    // The record version this one replaces (the one before it), as filed: version 2 and later say
    // "Replaces version N of <time>" on every page. Unset for version 1.
    std::optional<store::StoredRecord> replaces;
};

// The record's content as canonical text (fixed field order, one "name: value" per line, the
// stored response JSON last): what recordContentHash hashes.
std::string recordContentText(const RecordInput& in);
// SHA-256 hex of recordContentText.
std::string recordContentHash(const RecordInput& in);
// "mrscreen:record:<id>:v<version>:sha256:<hash>", the QR code's text.
std::string recordQrText(std::int64_t recordId, int version, const std::string& hash);

// "mrscreen:audit-head:<seq>:sha256:<hash>", the record's /Keywords.
std::string auditHeadKeywords(const store::AuditHead& head);
// The audit head a record PDF carries, nullopt for one made before records carried it.
std::optional<store::AuditHead> recordAuditHead(const std::string& pdfBytes);

// The unsigned PDF. Throws std::runtime_error with what to do (a missing font package, a response
// that cannot be read, a libharu failure).
std::string renderRecordPdf(const RecordInput& in);

} // namespace mrscreen::record
