// A signed record as a DICOM Encapsulated PDF instance (SOP Class 1.2.840.10008.5.1.4.1.1.104.1),
// for PACS, and the PDF back out of one. The PDF bytes are kept unchanged (its signature still
// verifies); DICOM pads an odd-length value with one byte, so the Encapsulated Document Length
// (0042,0015) says how many bytes of the Encapsulated Document (0042,0011) are the PDF.
#pragma once

#include "store/store.h"

#include <optional>
#include <string>

namespace mrscreen::integration {

struct EncapsulatedRecord {
    std::string pdfBytes;
    std::int64_t screeningId = 0;
    int recordVersion = 0;
    std::string sopInstanceUid;
    std::string seriesInstanceUid;
    // From the linked scheduled exam; without one the record gets its own study (studyInstanceUid
    // set by the caller), the patient ID "MRSCREEN-<id>" and a description that says it is not
    // linked to a scheduled exam.
    std::optional<store::ProcedureLink> procedure;
    store::PatientIdentity patient; // as the patient entered it (used when no link)
    std::string studyInstanceUid;   // used when there is no link
    std::string documentTitle = "MRI safety screening record";
    std::string createdAtUtc;       // "2026-11-30T10:00:00Z": content date/time
    std::string siteName;           // Institution Name
};

// Writes the instance as a DICOM Part 10 file (explicit VR little endian), atomically (a partial
// file next to it is renamed into place); throws DicomError when the PDF or a UID is missing or the
// file cannot be written. Times are UTC (Timezone Offset From UTC "+0000"); the patient's name is
// the worklist's, else FAMILY^GIVEN as typed; Specific Character Set ISO_IR 192 (UTF-8).
void writeEncapsulatedPdf(const EncapsulatedRecord& record, const std::string& path);

struct ExtractedRecord {
    std::string pdfBytes; // exactly the encapsulated PDF (trailing pad removed)
    std::string sopClassUid, sopInstanceUid, studyInstanceUid, patientId, accessionNumber, patientName;
};
// Reads such a file back (also one received by PACS); throws DicomError when it is missing, not
// DICOM, or not an Encapsulated PDF instance (the message names its SOP class). Without an
// Encapsulated Document Length, one pad byte after the final %%EOF is removed.
ExtractedRecord readEncapsulatedPdf(const std::string& path);

} // namespace mrscreen::integration
