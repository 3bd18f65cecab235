#include "integration/record_pdfs.h"

#include "record/pdf_signature.h"

#include <hpdf.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <type_traits>

namespace mrscreen::test {

namespace fs = std::filesystem;

fs::path scratchFolder() {
    const fs::path folder =
        fs::path(MRSCREEN_TEST_OUTPUT) / "integration_dicom" / std::to_string(::getpid());
    fs::create_directories(folder);
    return folder;
}

std::string readBytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeBytes(const fs::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

namespace {

void onHaruError(HPDF_STATUS error, HPDF_STATUS detail, void*) {
    throw std::runtime_error("libharu: error " + std::to_string(error) + ", detail " +
                             std::to_string(detail));
}

std::string unsignedPdf() {
    const std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, decltype(&HPDF_Free)> pdf(
        HPDF_New(onHaruError, nullptr), &HPDF_Free);
    HPDF_Page page = HPDF_AddPage(pdf.get());
    HPDF_Page_BeginText(page);
    HPDF_Page_SetFontAndSize(page, HPDF_GetFont(pdf.get(), "Helvetica", nullptr), 11);
    HPDF_Page_TextOut(page, 40, 760, "MRI safety screening record (test)");
    HPDF_Page_TextOut(page, 40, 740, "Cardiac pacemaker: no. Aneurysm clip: no.");
    HPDF_Page_EndText(page);
    HPDF_SaveToStream(pdf.get());
    std::string bytes(HPDF_GetStreamSize(pdf.get()), '\0');
    auto size = static_cast<HPDF_UINT32>(bytes.size());
    HPDF_ReadFromStream(pdf.get(), reinterpret_cast<HPDF_BYTE*>(bytes.data()), &size);
    bytes.resize(size);
    return bytes;
}

const record::SigningIdentity& testSite() {
    static const record::SigningIdentity site = [] {
        const fs::path key = scratchFolder() / "site.key",
                       certificate = scratchFolder() / "site.crt";
        fs::remove(key);
        fs::remove(certificate);
        record::writeSelfSignedIdentity(key.string(), certificate.string(), "DICOM test MRI unit",
                                        30);
        return record::loadSigningIdentity(key.string(), certificate.string());
    }();
    return site;
}

} // namespace

std::string signedRecordPdf(bool oddLength) {
    static const std::string unsignedBytes = unsignedPdf();
    // The site first, the signing time after: a SignatureInfo takes the time when it is made, and
    // one made before the certificate (its notBefore in whole seconds) could fall in the second
    // before it, a record the certificate was not yet valid for.
    const record::SigningIdentity& site = testSite();
    // The signer's name changes the length one byte at a time; two tries give either parity.
    for (std::string name = "Nurse A"; name.size() < 12; name += "A") {
        record::SignatureInfo info;
        info.name = name;
        info.reason = "MRI safety screening record";
        std::string signedBytes = record::signPdf(unsignedBytes, site, info);
        if ((signedBytes.size() % 2 == 1) == oddLength)
            return signedBytes;
    }
    throw std::logic_error("no signed PDF of the asked parity");
}

bool signatureVerifies(const std::string& pdfBytes) {
    return record::verifyPdf(pdfBytes).ok;
}

} // namespace mrscreen::test
