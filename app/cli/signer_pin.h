// Pinning the site certificate in the config file: `mrscreen keygen` writes its fingerprint as
// [site] signer_sha256, editing the file in place (every other line, comment and mode kept), so
// `mrscreen verify` trusts records signed with that key and no other self-signed key of the name.
#pragma once

#include <string>

namespace mrscreen::cli {

enum class PinOutcome { Written, AlreadyPinned, NotWritable };

struct PinResult {
    PinOutcome outcome = PinOutcome::NotWritable;
    std::string why; // for NotWritable: what stopped it
};

// The line that pins `fingerprint`, for the [site] section.
std::string signerPinLine(const std::string& fingerprint);

// Adds `fingerprint` to [site] signer_sha256 in the TOML file at `configPath` (keeping earlier
// pins, so records signed with an older key stay trusted). Writes a checked copy beside the file
// and renames it into place. Returns NotWritable, changing nothing, when the file or its folder
// cannot be written or the existing entry spans lines; throws for a file that is not valid config.
PinResult pinSignerInConfig(const std::string& configPath, const std::string& fingerprint);

} // namespace mrscreen::cli
