// A signed record as a DICOM Encapsulated PDF instance and back: the PDF bytes unchanged whatever
// their length parity (DICOM pads odd lengths), the attributes of the IOD as dcmdump reads them,
// a record without a linked exam in a study of its own, and files that are not such instances.
#include "integration/encapsulated_pdf.h"

#include "integration/dicom_servers.h"
#include "integration/record_pdfs.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace mrscreen::integration;
using Catch::Matchers::Contains;
using mrscreen::store::PatientIdentity;
using mrscreen::store::ProcedureLink;
using mrscreen::test::dcmdumpOf;
using mrscreen::test::scratchFolder;
using mrscreen::test::signatureVerifies;
using mrscreen::test::signedRecordPdf;
using mrscreen::test::writeBytes;

namespace fs = std::filesystem;

namespace {

ProcedureLink scheduledExam() {
    ProcedureLink exam;
    exam.patientId = "MRN-0001";
    exam.issuerOfPatientId = "HOSPITAL";
    exam.accessionNumber = "ACC-0001";
    exam.procedureCode = "MRBR";
    exam.procedureCodingScheme = "LOCAL";
    exam.procedureDescription = "MRI brain without contrast";
    exam.studyInstanceUid = "1.2.826.0.1.3680043.10.543.1";
    exam.requestedProcedureId = "RP-0001";
    exam.stationAeTitle = "MR1";
    exam.scheduledStart = "2026-11-30T14:30";
    exam.patientName = "DOE^JANE";
    exam.patientBirthDate = "1951-08-12";
    exam.patientSex = "F";
    return exam;
}

EncapsulatedRecord recordOf(const std::string& pdf, bool linked) {
    EncapsulatedRecord record;
    record.pdfBytes = pdf;
    record.screeningId = 42;
    record.recordVersion = 3;
    record.sopInstanceUid = "2.25.1001";
    record.seriesInstanceUid = "2.25.1002";
    record.studyInstanceUid = "2.25.1003";
    if (linked)
        record.procedure = scheduledExam();
    record.patient = PatientIdentity{"Doe", "Jane", "1951-08-12", "female"};
    record.createdAtUtc = "2026-11-30T10:05:09Z";
    record.siteName = "St. Example MRI Unit";
    return record;
}

fs::path freshFile(const std::string& name) {
    const fs::path path = scratchFolder() / name;
    fs::remove(path);
    return path;
}

std::string errorReading(const fs::path& path) {
    try {
        readEncapsulatedPdf(path.string());
    } catch (const DicomError& e) {
        return e.what();
    }
    return "";
}

// The hex dump2dcm reads for an OB value: "25\50\44\46...".
std::string obHex(const std::string& bytes) {
    static const char digits[] = "0123456789abcdef";
    std::string hex;
    for (const unsigned char byte : bytes) {
        if (!hex.empty())
            hex += '\\';
        hex += digits[byte >> 4];
        hex += digits[byte & 15];
    }
    return hex;
}

} // namespace

TEST_CASE("a signed record of odd length comes back from the DICOM file byte for byte and still "
          "verifies") {
    const std::string pdf = signedRecordPdf(true);
    REQUIRE(pdf.size() % 2 == 1);
    const fs::path file = freshFile("odd.dcm");
    writeEncapsulatedPdf(recordOf(pdf, true), file.string());
    // The value on disk is one pad byte longer than the PDF.
    CHECK_THAT(dcmdumpOf(file), Contains("(0042,0015) UL " + std::to_string(pdf.size())));
    const ExtractedRecord back = readEncapsulatedPdf(file.string());
    CHECK(back.pdfBytes == pdf);
    CHECK(signatureVerifies(back.pdfBytes));
}

TEST_CASE("a signed record of even length comes back from the DICOM file byte for byte and still "
          "verifies") {
    const std::string pdf = signedRecordPdf(false);
    REQUIRE(pdf.size() % 2 == 0);
    const fs::path file = freshFile("even.dcm");
    writeEncapsulatedPdf(recordOf(pdf, true), file.string());
    const ExtractedRecord back = readEncapsulatedPdf(file.string());
    CHECK(back.pdfBytes == pdf);
    CHECK(signatureVerifies(back.pdfBytes));
}

TEST_CASE("without an Encapsulated Document Length the one pad byte after %%EOF is removed, and "
          "only that") {
    const fs::path dump = freshFile("no-length.dcm");
    auto writeWithoutLength = [&](const std::string& pdf) {
        mrscreen::test::dumpToDicom("(0008,0016) UI [1.2.840.10008.5.1.4.1.1.104.1]\n"
                                    "(0008,0018) UI [2.25.77]\n"
                                    "(0042,0012) LO [application/pdf]\n"
                                    "(0042,0011) OB " +
                                        obHex(pdf) + "\n",
                                    dump);
    };
    const std::string odd = "%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n";
    REQUIRE(odd.size() % 2 == 1);
    writeWithoutLength(odd);
    CHECK(readEncapsulatedPdf(dump.string()).pdfBytes == odd);
    const std::string even = "%PDF-1.4\n1 0 obj\n<<>>\nendobj\n\n%%EOF\n";
    REQUIRE(even.size() % 2 == 0);
    writeWithoutLength(even);
    CHECK(readEncapsulatedPdf(dump.string()).pdfBytes == even);
}

TEST_CASE(
    "the DICOM copy of a linked record carries the worklist's patient and study identifiers") {
    const fs::path file = freshFile("linked.dcm");
    const std::string pdf = signedRecordPdf(true);
    writeEncapsulatedPdf(recordOf(pdf, true), file.string());
    const std::string dump = dcmdumpOf(file);
    for (const std::string& line : std::vector<std::string>{
             "(0002,0010) UI =LittleEndianExplicit",
             "(0008,0005) CS [ISO_IR 192]",
             "(0008,0016) UI =EncapsulatedPDFStorage",
             "(0008,0018) UI [2.25.1001]",
             "(0008,0023) DA [20261130]",
             "(0008,0033) TM [100509]",
             "(0008,002a) DT [20261130100509+0000]",
             "(0008,0050) SH [ACC-0001]",
             "(0008,0060) CS [DOC]",
             "(0008,0064) CS [WSD]",
             "(0008,0070) LO [mrscreen]",
             "(0008,0080) LO [St. Example MRI Unit]",
             "(0008,1030) LO [MRI brain without contrast]",
             "(0010,0010) PN [DOE^JANE]",
             "(0010,0020) LO [MRN-0001]",
             "(0010,0021) LO [HOSPITAL]",
             "(0010,0030) DA [19510812]",
             "(0010,0040) CS [F]",
             "(0020,000d) UI [1.2.826.0.1.3680043.10.543.1]",
             "(0020,000e) UI [2.25.1002]",
             "(0020,0013) IS [3]",
             "(0028,0301) CS [YES]",
             "(0042,0010) ST [MRI safety screening record]",
             "(0042,0012) LO [application/pdf]",
             "(0042,0015) UL " + std::to_string(pdf.size()),
         })
        CHECK_THAT(dump, Contains(line));
    const ExtractedRecord back = readEncapsulatedPdf(file.string());
    CHECK(back.sopClassUid == "1.2.840.10008.5.1.4.1.1.104.1");
    CHECK(back.sopInstanceUid == "2.25.1001");
    CHECK(back.studyInstanceUid == "1.2.826.0.1.3680043.10.543.1");
    CHECK(back.patientId == "MRN-0001");
    CHECK(back.accessionNumber == "ACC-0001");
    CHECK(back.patientName == "DOE^JANE");
}

TEST_CASE("a record without a linked exam gets its own study, labelled as not linked, under "
          "MRSCREEN-<id>") {
    const fs::path file = freshFile("unlinked.dcm");
    EncapsulatedRecord record = recordOf(signedRecordPdf(false), false);
    record.patient = PatientIdentity{"Müller", "Jörg", "1960-01-31", "male"};
    writeEncapsulatedPdf(record, file.string());
    const std::string dump = dcmdumpOf(file);
    CHECK_THAT(dump,
               Contains("(0008,1030) LO [MRI safety screening (not linked to a scheduled exam)]"));
    CHECK_THAT(dump, Contains("(0010,0020) LO [MRSCREEN-42]"));
    CHECK_THAT(dump, Contains("(0010,0030) DA [19600131]"));
    CHECK_THAT(dump, Contains("(0010,0040) CS [M]"));
    CHECK_THAT(dump, Contains("(0008,0050) SH (no value available)"));
    const ExtractedRecord back = readEncapsulatedPdf(file.string());
    CHECK(back.studyInstanceUid == "2.25.1003");
    CHECK(back.patientName == "Müller^Jörg");
    CHECK(back.accessionNumber.empty());
}

TEST_CASE("an ordinary DICOM file that is not an Encapsulated PDF is refused, naming what it is") {
    const fs::path file = freshFile("ct.dcm");
    mrscreen::test::dumpToDicom("(0008,0016) UI [1.2.840.10008.5.1.4.1.1.2]\n"
                                "(0008,0018) UI [2.25.78]\n"
                                "(0010,0010) PN [DOE^JANE]\n",
                                file);
    CHECK(errorReading(file) ==
          file.string() + " is a DICOM file but not an Encapsulated PDF: its SOP class is "
                          "1.2.840.10008.5.1.4.1.1.2 (CTImageStorage).");
}

TEST_CASE("a file that is not DICOM at all, or not there, is refused clearly") {
    const fs::path file = freshFile("record.pdf");
    writeBytes(file, signedRecordPdf(true));
    CHECK_THAT(errorReading(file),
               Contains(file.string() + " is not a DICOM file mrscreen can read"));
    const fs::path missing = freshFile("missing.dcm");
    CHECK(errorReading(missing) == "cannot read " + missing.string() + ": there is no such file.");
}

TEST_CASE("a record cannot be written without its PDF or its UIDs") {
    EncapsulatedRecord record = recordOf("", true);
    CHECK_THROWS_WITH(writeEncapsulatedPdf(record, freshFile("empty.dcm").string()),
                      Contains("the PDF is missing"));
    record = recordOf(signedRecordPdf(true), false);
    record.studyInstanceUid.clear();
    CHECK_THROWS_WITH(writeEncapsulatedPdf(record, freshFile("nostudy.dcm").string()),
                      Contains("the Study Instance UID (no linked exam gives one) is missing"));
}

TEST_CASE("writing into a folder that does not exist is an error naming the path, and leaves "
          "nothing behind") {
    const fs::path file = scratchFolder() / "no-such-folder" / "record.dcm";
    CHECK_THROWS_WITH(writeEncapsulatedPdf(recordOf(signedRecordPdf(true), true), file.string()),
                      Contains("could not be written to " + file.string()));
    CHECK_FALSE(fs::exists(file.parent_path()));
}
