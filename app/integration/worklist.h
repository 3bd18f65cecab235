// The scheduled exams from the hospital's DICOM Modality Worklist (C-FIND, Modality Worklist
// Information Model - FIND, 1.2.840.10008.5.1.4.31), and which of them may be a given patient's.
#pragma once

#include "integration/dicom_peer.h"
#include "store/store.h"

#include <string>
#include <vector>

namespace mrscreen::integration {

struct WorklistQuery {
    std::string modality = "MR";
    std::string fromDate; // YYYY-MM-DD, scheduled procedure step start date range
    std::string toDate;   // YYYY-MM-DD (inclusive)
    std::string stationAeTitle; // empty: any scanner
};

// Every scheduled procedure step the server returns, one ProcedureLink each (linkedBy/At empty).
// Throws DicomError (server down, refused association, timeout, bad reply) with what to check.
std::vector<store::ProcedureLink> queryWorklist(const DicomPeer& server, const WorklistQuery& query);

// The scheduled exams that may be this patient's: same birth date and same family name (and
// given name when the worklist has one), compared without case, accents, spaces or hyphens. Never
// shown to patients.
std::vector<store::ProcedureLink> matchPatient(const std::vector<store::ProcedureLink>& scheduled,
                                               const store::PatientIdentity& patient);

// DICOM PN "DOE^JANE" as people read it: "Doe, Jane"; DA "19510812" <-> "1951-08-12".
std::string personNameForPeople(const std::string& dicomName);

} // namespace mrscreen::integration
