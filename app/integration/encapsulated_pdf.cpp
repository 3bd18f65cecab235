#include "integration/encapsulated_pdf.h"

#include "integration/association.h"
#include "integration/dicom_values.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <cctype>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <system_error>

namespace mrscreen::integration {

namespace {

constexpr const char* unlinkedStudyDescription =
    "MRI safety screening (not linked to a scheduled exam)";

struct Moment {
    std::string date; // DA "20261130"
    std::string time; // TM "100000"
};

// "2026-11-30T10:00:00Z" (UTC) as DICOM date and time; the current time when it cannot be read.
Moment momentOf(const std::string& iso) {
    Moment moment;
    if (iso.size() >= 19 && iso[10] == 'T') {
        moment.date = daFromIsoDate(iso.substr(0, 10));
        std::string time = iso.substr(11, 2) + iso.substr(14, 2) + iso.substr(17, 2);
        const bool digits = time.find_first_not_of("0123456789") == std::string::npos;
        moment.time = digits && !hhmmFromTm(time).empty() ? time : "";
    }
    if (moment.date.empty() || moment.time.empty()) {
        const std::time_t now =
            std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
        std::tm utc{};
        gmtime_r(&now, &utc);
        char date[16], time[16];
        std::strftime(date, sizeof date, "%Y%m%d", &utc);
        std::strftime(time, sizeof time, "%H%M%S", &utc);
        moment = {date, time};
    }
    return moment;
}

// The kiosk's sex codes (FHIR administrative gender) as DICOM's M, F, O; "" when unknown.
std::string dicomSex(const std::string& sex) {
    if (sex == "female" || sex == "F")
        return "F";
    if (sex == "male" || sex == "M")
        return "M";
    if (sex == "other" || sex == "O")
        return "O";
    return "";
}

// FAMILY^GIVEN from what the patient typed (a caret in a name would shift its components).
std::string personName(const store::PatientIdentity& patient) {
    auto component = [](std::string part) {
        for (auto& c : part)
            if (c == '^' || c == '=' || c == '\\')
                c = ' ';
        return part;
    };
    std::string name = component(patient.familyName);
    if (!patient.givenName.empty())
        name += "^" + component(patient.givenName);
    return name;
}

class DatasetWriter {
public:
    explicit DatasetWriter(DcmDataset& dataset) : dataset_(dataset) {}
    void text(const DcmTagKey& tag, const std::string& value) {
        check(dataset_.putAndInsertString(tag, value.c_str()), tag);
    }
    void empty(const DcmTagKey& tag) { check(dataset_.insertEmptyElement(tag), tag); }
    void bytes(const DcmTagKey& tag, const std::string& value) {
        check(dataset_.putAndInsertUint8Array(tag, reinterpret_cast<const Uint8*>(value.data()),
                                              value.size()),
              tag);
    }
    void number(const DcmTagKey& tag, Uint32 value) {
        check(dataset_.putAndInsertUint32(tag, value), tag);
    }

private:
    void check(const OFCondition& condition, const DcmTagKey& tag) {
        if (condition.bad())
            throw DicomError(std::string("the DICOM copy of the record could not be made: ") +
                             DcmTag(tag).getTagName() + ": " + condition.text());
    }
    DcmDataset& dataset_;
};

void require(const std::string& value, const std::string& what) {
    if (value.empty())
        throw DicomError("the DICOM copy of the record could not be made: " + what +
                         " is missing.");
}

} // namespace

void writeEncapsulatedPdf(const EncapsulatedRecord& record, const std::string& path) {
    prepareDcmtk();
    require(record.pdfBytes, "the PDF");
    require(record.sopInstanceUid, "the SOP Instance UID");
    require(record.seriesInstanceUid, "the Series Instance UID");
    const auto& procedure = record.procedure;
    const std::string studyUid = procedure && !procedure->studyInstanceUid.empty()
                                     ? procedure->studyInstanceUid
                                     : record.studyInstanceUid;
    require(studyUid, "the Study Instance UID (no linked exam gives one)");
    const Moment created = momentOf(record.createdAtUtc);

    DcmFileFormat file;
    DcmDataset& dataset = *file.getDataset();
    DatasetWriter put(dataset);
    // SOP Common
    put.text(DCM_SpecificCharacterSet, "ISO_IR 192");
    put.text(DCM_SOPClassUID, UID_EncapsulatedPDFStorage);
    put.text(DCM_SOPInstanceUID, record.sopInstanceUid);
    put.text(DCM_InstanceCreationDate, created.date);
    put.text(DCM_InstanceCreationTime, created.time);
    put.text(DCM_TimezoneOffsetFromUTC, "+0000");

    // Patient: the worklist's identifiers when linked, else what the patient typed.
    const bool linked = procedure.has_value();
    put.text(DCM_PatientName, linked && !procedure->patientName.empty()
                                  ? procedure->patientName
                                  : personName(record.patient));
    put.text(DCM_PatientID, linked && !procedure->patientId.empty()
                                ? procedure->patientId
                                : "MRSCREEN-" + std::to_string(record.screeningId));
    if (linked && !procedure->issuerOfPatientId.empty())
        put.text(DCM_IssuerOfPatientID, procedure->issuerOfPatientId);
    put.text(DCM_PatientBirthDate, daFromIsoDate(linked && !procedure->patientBirthDate.empty()
                                                     ? procedure->patientBirthDate
                                                     : record.patient.birthDate));
    put.text(DCM_PatientSex,
             dicomSex(linked && !procedure->patientSex.empty() ? procedure->patientSex
                                                               : record.patient.sex));

    // General Study
    put.text(DCM_StudyInstanceUID, studyUid);
    put.text(DCM_StudyDate, created.date);
    put.text(DCM_StudyTime, created.time);
    put.empty(DCM_ReferringPhysicianName);
    put.text(DCM_StudyID, linked ? procedure->requestedProcedureId.substr(0, 16) : "");
    put.text(DCM_AccessionNumber, linked ? procedure->accessionNumber : "");
    put.text(DCM_StudyDescription, linked && !procedure->procedureDescription.empty()
                                       ? procedure->procedureDescription
                                       : std::string(unlinkedStudyDescription));

    // Encapsulated Document Series, General Equipment, SC Equipment
    put.text(DCM_Modality, "DOC");
    put.text(DCM_SeriesInstanceUID, record.seriesInstanceUid);
    put.text(DCM_SeriesNumber, "1");
    put.text(DCM_SeriesDescription, "MRI safety screening");
    put.text(DCM_Manufacturer, "mrscreen");
    if (!record.siteName.empty())
        put.text(DCM_InstitutionName, record.siteName);
    put.text(DCM_ConversionType, "WSD");

    // Encapsulated Document
    put.text(DCM_InstanceNumber, std::to_string(record.recordVersion));
    put.text(DCM_ContentDate, created.date);
    put.text(DCM_ContentTime, created.time);
    put.text(DCM_AcquisitionDateTime, created.date + created.time + "+0000");
    put.text(DCM_BurnedInAnnotation, "YES");
    put.empty(DCM_ConceptNameCodeSequence);
    put.text(DCM_DocumentTitle, record.documentTitle);
    put.text(DCM_MIMETypeOfEncapsulatedDocument, "application/pdf");
    put.bytes(DCM_EncapsulatedDocument, record.pdfBytes);
    // DICOM pads an odd-length value with one byte: this says how many bytes are the PDF.
    put.number(DCM_EncapsulatedDocumentLength, static_cast<Uint32>(record.pdfBytes.size()));

    // Written beside the target and renamed, so a reader never sees half a file.
    const std::string partial = path + ".partial";
    const OFCondition saved = file.saveFile(partial.c_str(), EXS_LittleEndianExplicit);
    std::error_code error;
    if (saved.good())
        std::filesystem::rename(partial, path, error);
    if (saved.bad() || error) {
        std::filesystem::remove(partial, error);
        throw DicomError("the DICOM copy of the record could not be written to " + path + " (" +
                         (saved.bad() ? std::string(saved.text()) : error.message()) +
                         "). Check that the folder exists and has free space.");
    }
}

namespace {

// Without an Encapsulated Document Length: the value minus DICOM's one pad byte, recognised as a
// 0 after the PDF's final %%EOF (and its end of line).
unsigned long pdfLengthWithoutPad(const Uint8* data, unsigned long length) {
    if (length == 0 || data[length - 1] != 0)
        return length;
    const std::string tail(reinterpret_cast<const char*>(data) + (length > 16 ? length - 16 : 0),
                           reinterpret_cast<const char*>(data) + length - 1);
    for (const char* ending : {"%%EOF", "%%EOF\n", "%%EOF\r\n", "%%EOF\r"}) {
        const std::string end = ending;
        if (tail.size() >= end.size() &&
            tail.compare(tail.size() - end.size(), end.size(), end) == 0)
            return length - 1;
    }
    return length;
}

} // namespace

ExtractedRecord readEncapsulatedPdf(const std::string& path) {
    prepareDcmtk();
    std::error_code missing;
    if (!std::filesystem::is_regular_file(path, missing))
        throw DicomError("cannot read " + path + ": there is no such file.");
    DcmFileFormat file;
    const OFCondition loaded = file.loadFile(path.c_str());
    if (loaded.bad())
        throw DicomError(path + " is not a DICOM file mrscreen can read (" + loaded.text() + ").");
    DcmDataset& dataset = *file.getDataset();
    convertToUtf8(dataset);

    ExtractedRecord extracted;
    extracted.sopClassUid = textOf(dataset, DCM_SOPClassUID);
    if (extracted.sopClassUid != UID_EncapsulatedPDFStorage) {
        const char* name = dcmFindNameOfUID(extracted.sopClassUid.c_str(), nullptr);
        throw DicomError(
            path + " is a DICOM file but not an Encapsulated PDF: its SOP class is " +
            (extracted.sopClassUid.empty()
                 ? std::string("missing")
                 : extracted.sopClassUid + (name ? " (" + std::string(name) + ")" : "")) +
            ".");
    }
    const std::string mimeType = textOf(dataset, DCM_MIMETypeOfEncapsulatedDocument);
    if (!mimeType.empty() && mimeType != "application/pdf")
        throw DicomError(path + " encapsulates a " + mimeType + " document, not a PDF.");

    const Uint8* data = nullptr;
    unsigned long length = 0;
    if (dataset.findAndGetUint8Array(DCM_EncapsulatedDocument, data, &length).bad() ||
        data == nullptr || length == 0)
        throw DicomError(
            path + " is an Encapsulated PDF instance without its document (0042,0011 is empty).");
    Uint32 declared = 0;
    if (dataset.findAndGetUint32(DCM_EncapsulatedDocumentLength, declared).good() && declared > 0 &&
        declared <= length)
        length = declared;
    else
        length = pdfLengthWithoutPad(data, length);
    extracted.pdfBytes.assign(reinterpret_cast<const char*>(data), length);
    if (extracted.pdfBytes.rfind("%PDF-", 0) != 0)
        throw DicomError(path + ": the encapsulated document does not start like a PDF (%PDF-).");

    extracted.sopInstanceUid = textOf(dataset, DCM_SOPInstanceUID);
    extracted.studyInstanceUid = textOf(dataset, DCM_StudyInstanceUID);
    extracted.patientId = textOf(dataset, DCM_PatientID);
    extracted.accessionNumber = textOf(dataset, DCM_AccessionNumber);
    extracted.patientName = textOf(dataset, DCM_PatientName);
    return extracted;
}

} // namespace mrscreen::integration
