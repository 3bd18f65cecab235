// The kiosk's TOML configuration read and checked, as at every start.
#include "fuzz_support.h"

#include "cli/config.h"

using namespace mrscreen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto config = cli::loadConfigText(fuzz::textOf(data, size), "fuzz.toml");
        (void)config.storeOptions();
        (void)config.scanner();
        (void)config.formArchiveDir();
    } catch (const screening::InputError&) {
    }
    return 0;
}
