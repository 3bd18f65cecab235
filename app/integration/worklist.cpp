// [SECTION] The C-FIND query of the Modality Worklist. Matching a patient is in
// worklist_matching.cpp.
#include "integration/worklist.h"

#include "integration/association.h"
#include "integration/dicom_values.h"

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/dimse.h>
#include <dcmtk/dcmnet/diutil.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>

namespace mrscreen::integration {

namespace {

const PeerRole worklistRole{"The worklist server", "worklist", "Modality Worklist queries"};

// "2026-11-30" -> "20261130", or a DicomError naming the bad value.
std::string queryDate(const std::string& iso, const std::string& which) {
    if (iso.empty())
        return "";
    const std::string da = daFromIsoDate(iso);
    if (da.empty() || iso.size() != 10)
        throw DicomError("the worklist query's " + which + " date '" + iso +
                         "' is not a date (YYYY-MM-DD).");
    return da;
}

void put(DcmItem& item, const DcmTagKey& tag, const std::string& value) {
    if (item.putAndInsertString(tag, value.c_str()).bad())
        throw DicomError("the worklist query could not be built: bad value '" + value + "' for " +
                         DcmTag(tag).getTagName());
}

// The identifier of the C-FIND request: the matching keys carry the filter, the empty ones ask
// for values.
DcmDataset worklistKeys(const WorklistQuery& query) {
    const std::string from = queryDate(query.fromDate, "first");
    const std::string to = queryDate(query.toDate, "last");
    DcmDataset keys;
    for (const auto& tag :
         {DCM_PatientName, DCM_PatientID, DCM_IssuerOfPatientID, DCM_PatientBirthDate,
          DCM_PatientSex, DCM_AccessionNumber, DCM_RequestedProcedureID,
          DCM_RequestedProcedureDescription, DCM_StudyInstanceUID})
        put(keys, tag, "");

    DcmItem* code = nullptr;
    keys.findOrCreateSequenceItem(DCM_RequestedProcedureCodeSequence, code);
    for (const auto& tag : {DCM_CodeValue, DCM_CodingSchemeDesignator, DCM_CodeMeaning})
        put(*code, tag, "");

    DcmItem* step = nullptr;
    keys.findOrCreateSequenceItem(DCM_ScheduledProcedureStepSequence, step);
    put(*step, DCM_Modality, query.modality);
    put(*step, DCM_ScheduledStationAETitle, query.stationAeTitle);
    put(*step, DCM_ScheduledProcedureStepStartDate,
        from.empty() && to.empty() ? "" : from + "-" + to);
    for (const auto& tag : {DCM_ScheduledProcedureStepStartTime, DCM_ScheduledStationName,
                            DCM_ScheduledProcedureStepDescription, DCM_ScheduledProcedureStepID})
        put(*step, tag, "");
    return keys;
}

// The station the exam runs on: the one asked for when the worklist lists several, else the first.
std::string stationOf(DcmItem& step, const std::string& wanted) {
    const std::string all = textOf(step, DCM_ScheduledStationAETitle);
    if (!wanted.empty() && ("\\" + all + "\\").find("\\" + wanted + "\\") != std::string::npos)
        return wanted;
    return firstValueOf(step, DCM_ScheduledStationAETitle);
}

store::ProcedureLink procedureFrom(DcmDataset& found, const WorklistQuery& query) {
    convertToUtf8(found);
    store::ProcedureLink link;
    link.patientId = textOf(found, DCM_PatientID);
    link.issuerOfPatientId = textOf(found, DCM_IssuerOfPatientID);
    link.accessionNumber = textOf(found, DCM_AccessionNumber);
    link.requestedProcedureId = textOf(found, DCM_RequestedProcedureID);
    link.procedureDescription = textOf(found, DCM_RequestedProcedureDescription);
    link.studyInstanceUid = textOf(found, DCM_StudyInstanceUID);
    // Only the alphabetic group of a PN ("DOE^JANE=..." keeps "DOE^JANE").
    const std::string name = textOf(found, DCM_PatientName);
    link.patientName = name.substr(0, name.find('='));
    link.patientBirthDate = isoDateFromDa(textOf(found, DCM_PatientBirthDate));
    link.patientSex = textOf(found, DCM_PatientSex);

    DcmItem* code = nullptr;
    if (found.findAndGetSequenceItem(DCM_RequestedProcedureCodeSequence, code, 0).good() &&
        code != nullptr) {
        link.procedureCode = textOf(*code, DCM_CodeValue);
        if (link.procedureCode.empty())
            link.procedureCode = textOf(*code, DCM_LongCodeValue);
        link.procedureCodingScheme = textOf(*code, DCM_CodingSchemeDesignator);
        if (link.procedureDescription.empty())
            link.procedureDescription = textOf(*code, DCM_CodeMeaning);
    }

    DcmItem* step = nullptr;
    if (found.findAndGetSequenceItem(DCM_ScheduledProcedureStepSequence, step, 0).good() &&
        step != nullptr) {
        link.stationAeTitle = stationOf(*step, query.stationAeTitle);
        link.stationName = textOf(*step, DCM_ScheduledStationName);
        if (link.procedureDescription.empty())
            link.procedureDescription = textOf(*step, DCM_ScheduledProcedureStepDescription);
        const std::string date = isoDateFromDa(textOf(*step, DCM_ScheduledProcedureStepStartDate));
        const std::string time = hhmmFromTm(textOf(*step, DCM_ScheduledProcedureStepStartTime));
        link.scheduledStart = time.empty() || date.empty() ? date : date + "T" + time;
    }
    return link;
}

struct FindResults {
    const WorklistQuery* query = nullptr;
    std::vector<store::ProcedureLink> links;
    std::string error; // what went wrong reading a response
};

// DIMSE_findUser calls this for every pending response. Nothing may be thrown through DCMTK's
// C-style loop, so a failure is kept and thrown after it.
void onFindResponse(void* data, T_DIMSE_C_FindRQ*, int, T_DIMSE_C_FindRSP*,
                    DcmDataset* identifiers) {
    auto& results = *static_cast<FindResults*>(data);
    try {
        if (identifiers != nullptr)
            results.links.push_back(procedureFrom(*identifiers, *results.query));
    } catch (const std::exception& e) {
        results.error = e.what();
    }
}

std::string statusHex(unsigned short status) {
    char text[8];
    std::snprintf(text, sizeof text, "0x%04X", status);
    return text;
}

} // namespace

std::vector<store::ProcedureLink> queryWorklist(const DicomPeer& server,
                                                const WorklistQuery& query) {
    DcmDataset keys = worklistKeys(query);
    Association association(
        server, worklistRole,
        {{UID_FINDModalityWorklistInformationModel,
          {UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax}}});
    const T_ASC_PresentationContextID context =
        association.acceptedContext(UID_FINDModalityWorklistInformationModel);
    if (context == 0)
        throw DicomError(
            association.peerName() +
            " does not offer the Modality Worklist (it refused the query service). Check "
            "[worklist] host, port and called_ae: they may name a PACS or another kind of DICOM "
            "server.");

    T_DIMSE_C_FindRQ request{};
    request.MessageID = association.nextMessageId();
    std::strcpy(request.AffectedSOPClassUID, UID_FINDModalityWorklistInformationModel);
    request.Priority = DIMSE_PRIORITY_MEDIUM;
    request.DataSetType = DIMSE_DATASET_PRESENT;

    FindResults results;
    results.query = &query;
    T_DIMSE_C_FindRSP response{};
    DcmDataset* detail = nullptr;
    int responses = 0;
    const OFCondition condition = DIMSE_findUser(
        association.handle(), context, &request, &keys, responses, onFindResponse, &results,
        DIMSE_NONBLOCKING, association.timeoutSeconds(), &response, &detail);
    const std::unique_ptr<DcmDataset> statusDetail(detail);
    if (condition.bad())
        throw association.exchangeFailure(condition, "the worklist query");
    if (!results.error.empty())
        throw DicomError(association.peerName() + ": a worklist answer could not be read (" +
                         results.error + ").");
    if (response.DimseStatus != STATUS_Success) {
        std::string comment;
        if (statusDetail)
            comment = textOf(*statusDetail, DCM_ErrorComment);
        throw DicomError(association.peerName() + " refused the worklist query: " +
                         DU_cfindStatusString(response.DimseStatus) + " (status " +
                         statusHex(response.DimseStatus) +
                         (comment.empty() ? "" : ", \"" + comment + "\"") +
                         "). Check the [worklist] settings with the server's administrator.");
    }
    association.release();
    return results.links;
}

} // namespace mrscreen::integration
