// mrscreen-fuzz-seeds DIR: writes the signed PDFs the verifier harness starts from (a one-page
// record signed with a fresh self-signed key, the same unsigned, and one with a changed byte), so
// no PDF or key is kept in the repository.
#include "record/pdf_signature.h"

#include <hpdf.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <type_traits>

namespace {

void haruError(HPDF_STATUS error, HPDF_STATUS detail, void*) {
    std::cerr << "mrscreen-fuzz-seeds: libharu error " << error << " (" << detail << ")\n";
    std::exit(1);
}

std::string onePagePdf() {
    std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, decltype(&HPDF_Free)> doc(HPDF_New(haruError, nullptr),
                                                                                  &HPDF_Free);
    HPDF_Page page = HPDF_AddPage(doc.get());
    HPDF_Page_BeginText(page);
    HPDF_Page_SetFontAndSize(page, HPDF_GetFont(doc.get(), "Helvetica", nullptr), 12);
    HPDF_Page_TextOut(page, 50, 780, "MRI safety screening: fuzz seed");
    HPDF_Page_EndText(page);
    HPDF_SaveToStream(doc.get());
    std::string bytes(HPDF_GetStreamSize(doc.get()), '\0');
    auto size = static_cast<HPDF_UINT32>(bytes.size());
    HPDF_ReadFromStream(doc.get(), reinterpret_cast<HPDF_BYTE*>(bytes.data()), &size);
    return bytes;
}

void write(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
    if (!out) {
        std::cerr << "mrscreen-fuzz-seeds: cannot write " << path.string() << "\n";
        std::exit(1);
    }
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: mrscreen-fuzz-seeds DIR\n";
        return 2;
    }
    namespace fs = std::filesystem;
    const fs::path dir = argv[1];
    fs::create_directories(dir);
    const fs::path key = dir / "seed-key.pem", cert = dir / "seed-cert.pem";
    fs::remove(key);
    fs::remove(cert);
    mrscreen::record::writeSelfSignedIdentity(key.string(), cert.string(), "mrscreen fuzz seed", 30);
    const auto identity = mrscreen::record::loadSigningIdentity(key.string(), cert.string());
    fs::remove(key); // the seeds are the PDFs alone
    fs::remove(cert);
    const std::string unsignedPdf = onePagePdf();
    std::string signedPdf = mrscreen::record::signPdf(unsignedPdf, identity, {"Fuzz Seed", "MRI safety screening record", "", std::chrono::system_clock::now()});
    write(dir / "unsigned.pdf", unsignedPdf);
    write(dir / "signed.pdf", signedPdf);
    signedPdf[signedPdf.size() / 3] ^= 1;
    write(dir / "signed-changed.pdf", signedPdf);
    return 0;
}
