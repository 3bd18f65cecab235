// Whether the certificate that signed a record is one the site trusts. A signature that verifies
// proves only that the bytes are what its key signed; anyone can make a self-signed key with the
// site's name. Trust comes from an anchor outside the record: a CA bundle (`trusted_ca`) or the
// SHA-256 fingerprint of the site's own certificate, pinned in the config (`signer_sha256`).
#pragma once

#include "record/pdf_signature.h"

#include <optional>
#include <string>
#include <vector>

namespace mrscreen::record {

// What a verifier may trust. Empty: nothing, and every signer is untrusted.
struct TrustAnchors {
    std::string trustedCaPath;             // PEM bundle; the signer must chain to it
    std::vector<std::string> pinnedSha256; // fingerprints (any spelling fingerprintOf accepts)
    std::string pinnedFrom;                // where the pins came from, for messages
    bool empty() const { return trustedCaPath.empty() && pinnedSha256.empty(); }
};

struct SignerTrust {
    bool trusted = false;
    std::string
        fingerprint;    // SHA-256 of the signer certificate, "AB:CD:..." (as openssl prints it)
    std::string anchor; // when trusted: which anchor vouched for it
    std::string reason; // when not: why
};

// "AB:CD:..." uppercase with colons, the spelling of `openssl x509 -fingerprint -sha256`.
std::string certificateFingerprint(const std::string& der);

// The fingerprint of the first certificate in a PEM file; throws SignatureError naming the file.
std::string certificateFileFingerprint(const std::string& pemPath);

// A fingerprint as people copy it (colons, spaces, either case) in the canonical spelling;
// nullopt unless it is exactly 32 bytes of hex.
std::optional<std::string> normalizeFingerprint(const std::string& text);

// Checks the signer of an intact signature against the anchors: a pinned fingerprint, or a chain
// to the CA bundle valid at the signing time (records outlive certificates). Throws
// SignatureError when the CA bundle cannot be read (a configuration fault, not a verdict).
SignerTrust checkSigner(const VerifyResult& signature, const TrustAnchors& anchors);

} // namespace mrscreen::record
