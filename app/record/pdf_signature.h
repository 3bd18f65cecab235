// Signing a rendered record: one incremental update appended to the PDF (signature field and
// widget in an AcroForm, a /Sig dictionary, a CMS detached SHA-256 CAdES signature over the
// /ByteRange), checking such a signature without poppler, and making a self-signed site identity.
#pragma once

#include <chrono>
#include <ctime>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

struct evp_pkey_st;
struct x509_st;

namespace mrscreen::record {

// Every failure to load, sign or create keys; the message names the file and what to do.
class SignatureError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct PrivateKeyFree {
    void operator()(evp_pkey_st* key) const;
};
struct CertificateFree {
    void operator()(x509_st* cert) const;
};

// The site's key and certificate, plus any intermediate certificates that followed it in the
// certificate file (they are embedded in the signature).
struct SigningIdentity {
    std::unique_ptr<evp_pkey_st, PrivateKeyFree> key;
    std::unique_ptr<x509_st, CertificateFree> certificate;
    std::vector<std::unique_ptr<x509_st, CertificateFree>> chain;
};

// Unencrypted PEM key and PEM certificate; throws when a file is missing or unreadable, the key is
// encrypted or not PEM, or the key does not belong to the certificate.
SigningIdentity loadSigningIdentity(const std::string& keyPath, const std::string& certPath);

struct SignatureInfo {
    std::string name;     // /Name: who signed, e.g. the reviewing radiographer or the site
    std::string reason;   // /Reason, e.g. "MRI safety screening record"
    std::string location; // /Location; left out when empty
    std::chrono::system_clock::time_point signedAt = std::chrono::system_clock::now();
};

// Returns pdfBytes unchanged followed by one incremental update carrying the signature. Throws
// SignatureError for a PDF it cannot extend (cross-reference streams, a form already present,
// damaged trailer).
std::string signPdf(const std::string& pdfBytes, const SigningIdentity& id,
                    const SignatureInfo& info);

struct VerifyResult {
    bool ok = false;
    std::string reason;        // why it failed, or "signature valid" when ok
    std::string signerSubject; // RFC 2253 subject of the signing certificate, when it was found
    std::string signedAt;      // ISO 8601 UTC, from the CMS signing time (else /M)
    std::time_t signingTime = 0;
    std::string signerCertificateDer;  // the certificate the signature names, when it was found
    std::vector<std::string> chainDer; // the other certificates embedded in the signature (DER)
};

// Checks the last signature: its byte range covers the whole file except its own /Contents, the
// CMS signature matches those bytes, and the certificate was valid when signing. Whether the signer
// is one to trust is record/signer_trust.h's question, not this one's.
VerifyResult verifyPdf(const std::string& bytes);

// For `mrscreen keygen`: an EC P-256 key (file mode 0600) and a self-signed X.509 v3 certificate
// for digital signatures, valid for `days`. Refuses to overwrite either file.
void writeSelfSignedIdentity(const std::string& keyPath, const std::string& certPath,
                             const std::string& commonName, int days);

} // namespace mrscreen::record
