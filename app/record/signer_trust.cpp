#include "record/signer_trust.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <cstdio>
#include <memory>

namespace mrscreen::record {

namespace {

template <typename T, void (*Free)(T*)> struct Freer {
    void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)> using Owned = std::unique_ptr<T, Freer<T, Free>>;
using CertPtr = Owned<X509, X509_free>;
using StorePtr = Owned<X509_STORE, X509_STORE_free>;
using StoreCtxPtr = Owned<X509_STORE_CTX, X509_STORE_CTX_free>;
void freeFile(FILE* f) {
    std::fclose(f);
}
using FilePtr = Owned<FILE, freeFile>;
void freeCertificates(STACK_OF(X509) * certs) {
    sk_X509_pop_free(certs, X509_free);
}
using CertStackPtr = Owned<STACK_OF(X509), freeCertificates>;

CertPtr certificateFromDer(const std::string& der) {
    const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
    return CertPtr(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
}

// Why the signer does not chain to the CA bundle (the whole chain, at the signing time); nullopt
// when it does.
std::optional<std::string> caRefusal(const VerifyResult& signature, const std::string& caPath) {
    StorePtr store(X509_STORE_new());
    if (!store || !X509_STORE_load_file(store.get(), caPath.c_str())) {
        ERR_clear_error();
        throw SignatureError("cannot read the trusted CA file " + caPath +
                             " ([site] trusted_ca): it must be a PEM bundle of CA certificates");
    }
    const CertPtr signer = certificateFromDer(signature.signerCertificateDer);
    CertStackPtr chain(sk_X509_new_null());
    if (!signer || !chain)
        return "the signer certificate cannot be read";
    for (const auto& der : signature.chainDer)
        if (CertPtr cert = certificateFromDer(der);
            cert && sk_X509_push(chain.get(), cert.get()) > 0)
            cert.release();
    StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!ctx || !X509_STORE_CTX_init(ctx.get(), store.get(), signer.get(), chain.get())) {
        ERR_clear_error();
        return "out of memory checking the certificate chain";
    }
    X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_ANY);
    X509_STORE_CTX_set_time(ctx.get(), 0, signature.signingTime); // records outlive certificates
    const int chained = X509_verify_cert(ctx.get());
    const int error = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    if (chained == 1)
        return std::nullopt;
    return std::string("it does not chain to the trusted CA ") + caPath + " (" +
           X509_verify_cert_error_string(error) + ")";
}

} // namespace

std::string certificateFingerprint(const std::string& der) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (!EVP_Digest(der.data(), der.size(), digest, &size, EVP_sha256(), nullptr))
        throw SignatureError("cannot compute a SHA-256 fingerprint (OpenSSL failed)");
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned int i = 0; i < size; ++i) {
        if (i)
            out += ':';
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

std::string certificateFileFingerprint(const std::string& pemPath) {
    FilePtr file(std::fopen(pemPath.c_str(), "rb"));
    if (!file)
        throw SignatureError("cannot read the certificate " + pemPath);
    CertPtr cert(PEM_read_X509(file.get(), nullptr, nullptr, nullptr));
    ERR_clear_error();
    if (!cert)
        throw SignatureError(pemPath + " holds no PEM certificate");
    unsigned char* der = nullptr;
    const int size = i2d_X509(cert.get(), &der);
    if (size <= 0)
        throw SignatureError("cannot encode the certificate " + pemPath);
    const std::string bytes(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
    OPENSSL_free(der);
    return certificateFingerprint(bytes);
}

std::optional<std::string> normalizeFingerprint(const std::string& text) {
    std::string hex;
    for (const char c : text) {
        if (c == ':' || c == ' ' || c == '\t')
            continue;
        if (!std::isxdigit(static_cast<unsigned char>(c)))
            return std::nullopt;
        hex += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (hex.size() != 64)
        return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        if (i)
            out += ':';
        out.append(hex, i, 2);
    }
    return out;
}

SignerTrust checkSigner(const VerifyResult& signature, const TrustAnchors& anchors) {
    SignerTrust t;
    if (signature.signerCertificateDer.empty()) {
        t.reason = "the signature names no certificate to check";
        return t;
    }
    t.fingerprint = certificateFingerprint(signature.signerCertificateDer);
    for (const auto& pin : anchors.pinnedSha256) {
        if (normalizeFingerprint(pin) == t.fingerprint) {
            t.trusted = true;
            t.anchor = "its fingerprint is pinned (" + anchors.pinnedFrom + ")";
            return t;
        }
    }
    std::optional<std::string> caProblem;
    if (!anchors.trustedCaPath.empty()) {
        caProblem = caRefusal(signature, anchors.trustedCaPath);
        if (!caProblem) {
            t.trusted = true;
            t.anchor = "its certificate chains to the trusted CA " + anchors.trustedCaPath;
            return t;
        }
    }
    if (anchors.empty())
        t.reason = "no trust anchor is configured (neither [site] signer_sha256 nor [site] "
                   "trusted_ca), so "
                   "any key with any name could have made this signature";
    else if (anchors.pinnedSha256.empty())
        t.reason = *caProblem;
    else
        t.reason = "its fingerprint is not the pinned one (" + anchors.pinnedFrom + ")" +
                   (caProblem ? " and " + *caProblem : std::string());
    return t;
}

} // namespace mrscreen::record
