// PDFs for the DICOM tests: a small one signed as the kiosk signs its records, of the length parity
// asked for (DICOM pads odd lengths), and what verifies it afterwards.
#pragma once

#include <filesystem>
#include <string>

namespace mrscreen::test {

// A two-line PDF with one signature (a test site's self-signed key), odd or even in length.
std::string signedRecordPdf(bool oddLength);

// Whether the record module's own check accepts the signature of these bytes.
bool signatureVerifies(const std::string& pdfBytes);

// A scratch folder for this process under MRSCREEN_TEST_OUTPUT/integration_dicom.
std::filesystem::path scratchFolder();

std::string readBytes(const std::filesystem::path& path);
void writeBytes(const std::filesystem::path& path, const std::string& bytes);

} // namespace mrscreen::test
