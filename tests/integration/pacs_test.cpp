// C-STORE to a real DCMTK storescp: the record arrives with its identifiers and its PDF, which
// still verifies once taken back out; a PACS that is down, comes back, or refuses is a clear error.
#include "integration/pacs.h"

#include "integration/dicom_servers.h"
#include "integration/encapsulated_pdf.h"
#include "integration/record_pdfs.h"

#include <catch2/catch.hpp>

using namespace mrscreen::integration;
using Catch::Matchers::Contains;
using mrscreen::test::scratchFolder;
using mrscreen::test::signatureVerifies;
using mrscreen::test::signedRecordPdf;
using mrscreen::test::StorageServer;

namespace fs = std::filesystem;

namespace {

// A record version written as the outbox would: linked to a scheduled exam.
fs::path recordFile(const std::string& name, const std::string& pdf) {
    EncapsulatedRecord record;
    record.pdfBytes = pdf;
    record.screeningId = 7;
    record.recordVersion = 1;
    record.sopInstanceUid =
        uidFromSha256("a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90");
    record.seriesInstanceUid = "2.25.2002";
    mrscreen::store::ProcedureLink exam;
    exam.patientId = "MRN-0007";
    exam.accessionNumber = "ACC-0007";
    exam.studyInstanceUid = "1.2.826.0.1.3680043.10.543.7";
    exam.patientName = "ROE^RICHARD";
    exam.procedureDescription = "MRI knee";
    record.procedure = exam;
    record.createdAtUtc = "2026-11-30T11:00:00Z";
    const fs::path file = scratchFolder() / name;
    writeEncapsulatedPdf(record, file.string());
    return file;
}

std::string errorSending(const DicomPeer& pacs, const fs::path& file) {
    try {
        storeToPacs(pacs, file.string());
    } catch (const DicomError& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("a record sent to PACS arrives with the same PDF bytes and identifiers, and its "
          "signature verifies") {
    StorageServer pacs;
    const std::string pdf = signedRecordPdf(true);
    const fs::path file = recordFile("sent.dcm", pdf);
    const std::string uid = readEncapsulatedPdf(file.string()).sopInstanceUid;
    const std::string detail = storeToPacs(pacs.peer(), file.string());
    CHECK(detail == "stored as " + uid + " at PACS at 127.0.0.1:" + std::to_string(pacs.port()));

    const auto received = pacs.receivedFiles();
    REQUIRE(received.size() == 1);
    const ExtractedRecord arrived = readEncapsulatedPdf(received.front());
    CHECK(arrived.pdfBytes == pdf);
    CHECK(signatureVerifies(arrived.pdfBytes));
    CHECK(arrived.sopClassUid == "1.2.840.10008.5.1.4.1.1.104.1");
    CHECK(arrived.sopInstanceUid == uid);
    CHECK(arrived.patientId == "MRN-0007");
    CHECK(arrived.accessionNumber == "ACC-0007");
    CHECK(arrived.studyInstanceUid == "1.2.826.0.1.3680043.10.543.7");
    CHECK(arrived.patientName == "ROE^RICHARD");
}

TEST_CASE("a record of even length arrives in PACS byte for byte") {
    StorageServer pacs;
    const std::string pdf = signedRecordPdf(false);
    storeToPacs(pacs.peer(), recordFile("even-sent.dcm", pdf).string());
    REQUIRE(pacs.receivedFiles().size() == 1);
    CHECK(readEncapsulatedPdf(pacs.receivedFiles().front()).pdfBytes == pdf);
}

TEST_CASE("sending to a PACS that is not running is an error naming [pacs] host and port") {
    const int port = mrscreen::test::freeLoopbackPort();
    const std::string message = errorSending(DicomPeer{"127.0.0.1", port, "PACS"},
                                             recordFile("down.dcm", signedRecordPdf(true)));
    CHECK(
        message ==
        "The PACS PACS at 127.0.0.1:" + std::to_string(port) +
            " cannot be reached (connection refused). Check that it is running and [pacs] host and "
            "port.");
}

TEST_CASE("a PACS that was down and came back receives the record on the next try") {
    StorageServer pacs;
    const fs::path file = recordFile("retry.dcm", signedRecordPdf(true));
    pacs.stop();
    CHECK_THAT(errorSending(pacs.peer(), file), Contains("cannot be reached (connection refused)"));
    CHECK(pacs.receivedFiles().empty());
    pacs.start();
    CHECK_THAT(storeToPacs(pacs.peer(), file.string()), Contains("stored as 2.25."));
    CHECK(pacs.receivedFiles().size() == 1);
}

TEST_CASE("a PACS that never answers is given up after the timeout with a message") {
    mrscreen::test::SilentServer silent;
    const std::string message =
        errorSending(silent.peer(1), recordFile("silent.dcm", signedRecordPdf(true)));
    CHECK(message ==
          "The PACS SILENT at 127.0.0.1:" + std::to_string(silent.port()) +
              " did not answer within 1 s. Check that it is running and [pacs] host and port.");
}

TEST_CASE("a file that is not DICOM is not sent, and the error says which file") {
    StorageServer pacs;
    const fs::path file = scratchFolder() / "not-dicom.txt";
    mrscreen::test::writeBytes(file, "hello");
    CHECK_THAT(errorSending(pacs.peer(), file),
               Contains("cannot send " + file.string() + " to PACS: it is not a DICOM file"));
    CHECK(pacs.receivedFiles().empty());
}

TEST_CASE("a PACS that refuses the instance is an error naming its status and what to do") {
    StorageServer pacs;
    pacs.refuseStorage();
    const std::string message =
        errorSending(pacs.peer(), recordFile("refused.dcm", signedRecordPdf(true)));
    CHECK_THAT(message, Contains("The PACS PACS at 127.0.0.1:" + std::to_string(pacs.port()) +
                                 " refused the record 2.25."));
    CHECK_THAT(message, Contains("(status 0xA700"));
    CHECK_THAT(message,
               Contains("It is out of resources (storage space): tell the PACS administrator."));
    pacs.acceptStorage();
    storeToPacs(pacs.peer(), (scratchFolder() / "refused.dcm").string());
    CHECK(pacs.receivedFiles().size() == 1);
}

TEST_CASE(
    "a server that does not take Encapsulated PDF instances is named as the wrong kind of server") {
    // wlmscpfs refuses the whole association, with no reason, when offered only a storage service.
    mrscreen::test::WorklistServer worklist({}, "PACS");
    const std::string message =
        errorSending(worklist.peer(), recordFile("not-pacs.dcm", signedRecordPdf(true)));
    CHECK(
        message ==
        "The PACS PACS at 127.0.0.1:" + std::to_string(worklist.port()) +
            " refused the association (no reason given). It may not offer storage of "
            "EncapsulatedPDFStorage instances, or not accept this kiosk: check [pacs] host, port, "
            "called_ae and calling_ae with the server's administrator.");
}

TEST_CASE(
    "a PACS that accepts the connection but not the file's SOP class says which class it refused") {
    StorageServer pacs;
    const fs::path file = scratchFolder() / "private-class.dcm";
    mrscreen::test::dumpToDicom("(0008,0016) UI [1.2.826.0.1.3680043.10.543.999]\n"
                                "(0008,0018) UI [2.25.79]\n",
                                file);
    CHECK(errorSending(pacs.peer(), file) ==
          "The PACS PACS at 127.0.0.1:" + std::to_string(pacs.port()) +
              " does not accept 1.2.826.0.1.3680043.10.543.999 instances (it refused SOP class "
              "1.2.826.0.1.3680043.10.543.999). Ask the PACS administrator to accept them from "
              "[pacs] calling_ae 'MRSCREEN'.");
    CHECK(pacs.receivedFiles().empty());
}

TEST_CASE(
    "each C-STORE is one arrival: the same record sent twice arrives twice as the same instance") {
    // storeToPacs keeps no memory of what it sent; not sending twice is the outbox's work.
    StorageServer pacs;
    const fs::path file = recordFile("twice.dcm", signedRecordPdf(true));
    storeToPacs(pacs.peer(), file.string());
    storeToPacs(pacs.peer(), file.string());
    const auto received = pacs.receivedFiles();
    REQUIRE(received.size() == 2);
    CHECK(readEncapsulatedPdf(received[0]).sopInstanceUid ==
          readEncapsulatedPdf(received[1]).sopInstanceUid);
}
