// A signed record checked, as `mrscreen verify FILE.pdf` does away from the store: byte range,
// incremental update, CMS signature, certificate.
#include "fuzz_support.h"

#include "record/pdf_signature.h"

using namespace mrscreen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        (void)record::verifyPdf(fuzz::textOf(data, size));
    } catch (const record::SignatureError&) {
    }
    return 0;
}
