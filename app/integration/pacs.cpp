#include "integration/pacs.h"

#include "integration/association.h"
#include "integration/dicom_values.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/dimse.h>
#include <dcmtk/dcmnet/diutil.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

namespace mrscreen::integration {

namespace {

std::string statusHex(unsigned short status) {
    char text[8];
    std::snprintf(text, sizeof text, "0x%04X", status);
    return text;
}

// What staff can do about a refusal, by the status class PS3.4 gives it.
std::string adviceFor(unsigned short status) {
    if ((status & 0xFF00) == STATUS_STORE_Refused_OutOfResources)
        return "It is out of resources (storage space): tell the PACS administrator.";
    if (status == STATUS_STORE_Refused_SOPClassNotSupported)
        return "Ask the PACS administrator to accept Encapsulated PDF Storage.";
    if (status == STATUS_STORE_Refused_NotAuthorized)
        return "Ask the PACS administrator to allow storage from [pacs] calling_ae.";
    return "Tell the PACS administrator what it said.";
}

} // namespace

std::string storeToPacs(const DicomPeer& pacs, const std::string& path) {
    prepareDcmtk();
    std::error_code missing;
    if (!std::filesystem::is_regular_file(path, missing))
        throw DicomError("cannot send " + path + " to PACS: there is no such file.");
    DcmFileFormat file;
    const OFCondition loaded = file.loadFile(path.c_str());
    if (loaded.bad())
        throw DicomError("cannot send " + path + " to PACS: it is not a DICOM file (" +
                         loaded.text() + ").");
    DcmDataset& dataset = *file.getDataset();
    const std::string sopClass = textOf(dataset, DCM_SOPClassUID);
    const std::string sopInstance = textOf(dataset, DCM_SOPInstanceUID);
    if (sopClass.empty() || sopInstance.empty())
        throw DicomError("cannot send " + path +
                         " to PACS: it has no SOP Class or SOP Instance UID.");

    const char* sopClassName = dcmFindNameOfUID(sopClass.c_str(), sopClass.c_str());
    const PeerRole pacsRole{"The PACS", "pacs",
                            std::string("storage of ") + sopClassName + " instances"};
    Association association(
        pacs, pacsRole,
        {{sopClass,
          {UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax}}});
    const T_ASC_PresentationContextID context = association.acceptedContext(sopClass);
    if (context == 0) {
        throw DicomError(association.peerName() + " does not accept " + sopClassName +
                         " instances (it refused SOP class " + sopClass +
                         "). Ask the PACS administrator to accept them from [pacs] calling_ae '" +
                         pacs.callingAe + "'.");
    }

    T_DIMSE_C_StoreRQ request{};
    request.MessageID = association.nextMessageId();
    std::strncpy(request.AffectedSOPClassUID, sopClass.c_str(),
                 sizeof request.AffectedSOPClassUID - 1);
    std::strncpy(request.AffectedSOPInstanceUID, sopInstance.c_str(),
                 sizeof request.AffectedSOPInstanceUID - 1);
    request.Priority = DIMSE_PRIORITY_MEDIUM;
    request.DataSetType = DIMSE_DATASET_PRESENT;

    T_DIMSE_C_StoreRSP response{};
    DcmDataset* detail = nullptr;
    // The dataset is sent from memory, encoded in whichever of the two transfer syntaxes was
    // accepted.
    const OFCondition condition = DIMSE_storeUser(association.handle(), context, &request, nullptr,
                                                  &dataset, nullptr, nullptr, DIMSE_NONBLOCKING,
                                                  association.timeoutSeconds(), &response, &detail);
    const std::unique_ptr<DcmDataset> statusDetail(detail);
    if (condition.bad())
        throw association.exchangeFailure(condition, "the sending of " + sopInstance);

    const unsigned short status = response.DimseStatus;
    std::string comment;
    if (statusDetail)
        comment = textOf(*statusDetail, DCM_ErrorComment);
    const std::string said = std::string(DU_cstoreStatusString(status)) + " (status " +
                             statusHex(status) + (comment.empty() ? "" : ", \"" + comment + "\"") +
                             ")";
    if (status != STATUS_Success && !DICOM_WARNING_STATUS(status))
        throw DicomError(association.peerName() + " refused the record " + sopInstance + ": " +
                         said + ". " + adviceFor(status));
    association.release();
    std::string stored = "stored as " + sopInstance + " at " + pacs.describe();
    if (status != STATUS_Success)
        stored += " with a warning: " + said;
    return stored;
}

} // namespace mrscreen::integration
