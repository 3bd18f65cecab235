// The scheduled exams from the hospital's DICOM Modality Worklist (C-FIND, Modality Worklist
// Information Model - FIND, 1.2.840.10008.5.1.4.31), and which of them may be a given patient's.
#pragma once

#include "integration/dicom_peer.h"
#include "store/store.h"

#include <string>
#include <vector>

namespace mrscreen::integration {

struct WorklistQuery {
    std::string modality = "MR"; // empty: any modality
    std::string fromDate; // YYYY-MM-DD, scheduled procedure step start date range; empty: open
    std::string toDate;   // YYYY-MM-DD (inclusive); empty: open
    std::string stationAeTitle; // empty: any scanner
};

// Every scheduled procedure step the server returns, one ProcedureLink each (linkedBy/At empty):
// dates as YYYY-MM-DD, scheduledStart as "YYYY-MM-DDTHH:MM", names in UTF-8 (converted from the
// character set the server declares), the station AE title the query asked for when the step lists
// several (else the first), the description from the requested procedure (else its code meaning,
// else the step's). Throws DicomError (server down, refused association, timeout, a refused query,
// a date that is not YYYY-MM-DD) with what to check; runs in the caller's thread and blocks for at
// most about timeoutSeconds per exchange.
std::vector<store::ProcedureLink> queryWorklist(const DicomPeer& server, const WorklistQuery& query);

// The scheduled exams that may be this patient's: same birth date and same family name (and
// given name when the worklist has one), compared without case, accents, spaces or hyphens. Never
// shown to patients.
std::vector<store::ProcedureLink> matchPatient(const std::vector<store::ProcedureLink>& scheduled,
                                               const store::PatientIdentity& patient);

// DICOM PN "DOE^JANE" as people read it: "Doe, Jane" (all-capital components in title case,
// mixed case kept; prefix before and suffix after the given names; other script groups dropped).
std::string personNameForPeople(const std::string& dicomName);

} // namespace mrscreen::integration
