// Signing records: a small libharu PDF is signed, then checked by poppler's pdfsig, qpdf --check
// and verifyPdf; then flipped, truncated and appended to, each of which both checkers must reject.
// Also keygen (mode 0600, never overwrites) and loading keys that are missing, wrong or mismatched.
#include "record/pdf_signature.h"
#include "record/signer_trust.h"

#include <catch2/catch.hpp>

#include <hpdf.h>
#include <openssl/asn1.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

using namespace mrscreen::record;
using Catch::Matchers::Contains;

namespace fs = std::filesystem;

namespace {

// [SECTION] scratch files and external checkers

// One directory per process: CTest runs these test cases in parallel, each with its own site key.
fs::path scratchDir() {
    const fs::path dir =
        fs::path(MRSCREEN_TEST_OUTPUT) / "record_signature" / std::to_string(::getpid());
    fs::create_directories(dir);
    return dir;
}

fs::path freshPath(const std::string& name) {
    const fs::path path = scratchDir() / name;
    fs::remove(path);
    return path;
}

void writeBytes(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
}

std::string readBytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

struct CommandResult {
    int status = -1;
    std::string output;
};

CommandResult run(const std::string& command) {
    CommandResult result;
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::array<char, 4096> buffer{};
    while (const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
        result.output.append(buffer.data(), n);
    result.status = pclose(pipe);
    return result;
}

// pdfsig exits 0 even for a bad signature, so its verdict is read from its output.
bool pdfsigAcceptsWhole(const fs::path& pdf) {
    const CommandResult result = run("pdfsig '" + pdf.string() + "'");
    INFO("pdfsig output:\n" << result.output);
    return result.output.find("Signature is Valid.") != std::string::npos &&
           result.output.find("Total document signed") != std::string::npos &&
           result.output.find("Not total document signed") == std::string::npos;
}

// [SECTION] a PDF to sign and an identity to sign with

void haruError(HPDF_STATUS error, HPDF_STATUS detail, void*) {
    throw std::runtime_error("libharu error " + std::to_string(error) + " / " +
                             std::to_string(detail));
}

std::string smallRecordPdf() {
    std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, decltype(&HPDF_Free)> doc(
        HPDF_New(haruError, nullptr), &HPDF_Free);
    HPDF_Page page = HPDF_AddPage(doc.get());
    HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    HPDF_Page_BeginText(page);
    HPDF_Page_SetFontAndSize(page, HPDF_GetFont(doc.get(), "Helvetica", nullptr), 12);
    HPDF_Page_TextOut(page, 50, 780, "MRI safety screening: Patient Example, pacemaker: no");
    HPDF_Page_EndText(page);
    HPDF_AddPage(doc.get()); // a second page, so "page 1" is a real choice
    HPDF_SaveToStream(doc.get());
    std::string bytes(HPDF_GetStreamSize(doc.get()), '\0');
    HPDF_UINT32 size = static_cast<HPDF_UINT32>(bytes.size());
    HPDF_ReadFromStream(doc.get(), reinterpret_cast<HPDF_BYTE*>(bytes.data()), &size);
    bytes.resize(size);
    return bytes;
}

struct Identity {
    fs::path key;
    fs::path cert;
};

const Identity& siteIdentity() {
    static const Identity identity = [] {
        Identity made{freshPath("site.key"), freshPath("site.crt")};
        writeSelfSignedIdentity(made.key.string(), made.cert.string(), "St. Example MRI Unit",
                                3650);
        return made;
    }();
    return identity;
}

SignatureInfo recordInfo() {
    SignatureInfo info;
    info.name = "St. Example MRI Unit";
    info.reason = "MRI safety screening record";
    info.location = "Radiología, planta 2";
    return info;
}

std::string signedRecord() {
    const SigningIdentity id =
        loadSigningIdentity(siteIdentity().key.string(), siteIdentity().cert.string());
    return signPdf(smallRecordPdf(), id, recordInfo());
}

template <typename F> std::string signatureErrorOf(F&& f) {
    try {
        f();
    } catch (const SignatureError& e) {
        return e.what();
    }
    return "";
}

} // namespace

// [SECTION] signing

TEST_CASE("a signed record keeps the original bytes and appends one incremental update") {
    const std::string original = smallRecordPdf();
    const SigningIdentity id =
        loadSigningIdentity(siteIdentity().key.string(), siteIdentity().cert.string());
    const std::string signedPdf = signPdf(original, id, recordInfo());
    REQUIRE(signedPdf.compare(0, original.size(), original) == 0);
    const std::string update = signedPdf.substr(original.size());
    CHECK_THAT(update, Contains("/SubFilter /ETSI.CAdES.detached"));
    CHECK_THAT(update, Contains("/SigFlags 3"));
    CHECK_THAT(update, Contains("/Prev "));
    CHECK(update.find("%%EOF") == update.rfind("%%EOF"));
}

TEST_CASE("pdfsig reports a signed record as valid and totally signed") {
    const fs::path pdf = freshPath("signed.pdf");
    writeBytes(pdf, signedRecord());
    CHECK(pdfsigAcceptsWhole(pdf));
}

TEST_CASE("qpdf --check passes on a signed record") {
    const fs::path pdf = freshPath("signed-qpdf.pdf");
    writeBytes(pdf, signedRecord());
    const CommandResult result = run("qpdf --check '" + pdf.string() + "'");
    INFO(result.output);
    CHECK(result.status == 0);
}

TEST_CASE("verifyPdf accepts a signed record and names the signer") {
    const VerifyResult result = verifyPdf(signedRecord());
    INFO(result.reason);
    CHECK(result.ok);
    CHECK_THAT(result.signerSubject, Contains("CN=St. Example MRI Unit"));
    CHECK(result.signedAt.size() == 20);
}

// [SECTION] the signing time and the certificate's validity

namespace {

// One of the certificate's validity bounds, as a time a SignatureInfo holds.
std::chrono::system_clock::time_point timeOf(const ASN1_TIME* bound) {
    std::tm tm{};
    REQUIRE(ASN1_TIME_to_tm(bound, &tm) == 1);
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string signedAtTime(const SigningIdentity& id, std::chrono::system_clock::time_point at) {
    SignatureInfo info = recordInfo();
    info.signedAt = at;
    return signPdf(smallRecordPdf(), id, info);
}

} // namespace

// A SignatureInfo takes its time when made, to the millisecond; the certificate's notBefore and
// the CMS signing time are whole seconds. Signed in the second before notBefore, a record used to
// be written and filed, and never verified ("not yet valid").
TEST_CASE("a record is not signed in the second before the site certificate becomes valid") {
    const SigningIdentity id =
        loadSigningIdentity(siteIdentity().key.string(), siteIdentity().cert.string());
    const auto notBefore = timeOf(X509_get0_notBefore(id.certificate.get()));
    for (const auto early : {std::chrono::milliseconds(1), std::chrono::milliseconds(999),
                             std::chrono::milliseconds(86400 * 1000)}) {
        const std::string error = signatureErrorOf([&] { signedAtTime(id, notBefore - early); });
        CHECK_THAT(error, Contains("cannot sign: the site certificate is valid only from"));
        CHECK_THAT(error, Contains("check this computer's date, time and time zone"));
    }
    const VerifyResult atStart = verifyPdf(signedAtTime(id, notBefore));
    INFO(atStart.reason);
    CHECK(atStart.ok);
    CHECK(atStart.signingTime == std::chrono::system_clock::to_time_t(notBefore));
}

// OpenSSL's comparison counts notAfter's own second as past (X509_cmp_time has no "equal").
TEST_CASE("a record is not signed with an expired site certificate, and the message says how to "
          "renew it") {
    const SigningIdentity id =
        loadSigningIdentity(siteIdentity().key.string(), siteIdentity().cert.string());
    const auto notAfter = timeOf(X509_get0_notAfter(id.certificate.get()));
    for (const auto late : {std::chrono::seconds(0), std::chrono::seconds(86400)}) {
        const std::string error = signatureErrorOf([&] { signedAtTime(id, notAfter + late); });
        CHECK_THAT(error, Contains("cannot sign: the site certificate expired on"));
        CHECK_THAT(error, Contains("mrscreen keygen"));
    }
    const VerifyResult lastSecond = verifyPdf(signedAtTime(id, notAfter - std::chrono::seconds(1)));
    INFO(lastSecond.reason);
    CHECK(lastSecond.ok);
}

// The same holds right after keygen, when notBefore is this very second: a record signed the
// moment the site key exists verifies, whichever part of the second that is.
TEST_CASE("records signed right after a new site key is made all verify") {
    for (int round = 0; round < 20; ++round) {
        const Identity made{freshPath("new-site.key"), freshPath("new-site.crt")};
        writeSelfSignedIdentity(made.key.string(), made.cert.string(), "New Site", 1);
        const SigningIdentity id = loadSigningIdentity(made.key.string(), made.cert.string());
        const VerifyResult result = verifyPdf(signPdf(smallRecordPdf(), id, recordInfo()));
        INFO("round " << round << ": " << result.reason);
        CHECK(result.ok);
    }
}

// [SECTION] whom to trust (record/signer_trust.h)

TEST_CASE("verifyPdf gives the signer certificate, whose fingerprint is the one openssl prints") {
    const VerifyResult result = verifyPdf(signedRecord());
    REQUIRE(result.ok);
    const CommandResult openssl =
        run("openssl x509 -noout -fingerprint -sha256 -in '" + siteIdentity().cert.string() + "'");
    REQUIRE(openssl.status == 0);
    const std::string expected = openssl.output.substr(openssl.output.find('=') + 1, 95);
    CHECK(certificateFingerprint(result.signerCertificateDer) == expected);
    CHECK(certificateFileFingerprint(siteIdentity().cert.string()) == expected);
}

TEST_CASE("a signer is trusted when its fingerprint is pinned, in any spelling people copy") {
    const VerifyResult result = verifyPdf(signedRecord());
    REQUIRE(result.ok);
    const std::string pin = certificateFileFingerprint(siteIdentity().cert.string());
    std::string lower;
    for (char c : pin)
        if (c != ':')
            lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const std::string& spelling : {pin, lower}) {
        const SignerTrust trust = checkSigner(result, TrustAnchors{"", {spelling}, "test"});
        CHECK(trust.trusted);
        CHECK(trust.fingerprint == pin);
    }
}

TEST_CASE("a record signed by another self-signed key with the same name is not trusted") {
    const Identity impostor{freshPath("impostor.key"), freshPath("impostor.crt")};
    writeSelfSignedIdentity(impostor.key.string(), impostor.cert.string(), "St. Example MRI Unit",
                            3650);
    const SigningIdentity id = loadSigningIdentity(impostor.key.string(), impostor.cert.string());
    const VerifyResult result = verifyPdf(signPdf(smallRecordPdf(), id, recordInfo()));
    REQUIRE(result.ok); // intact: the signature alone cannot tell
    CHECK(result.signerSubject == verifyPdf(signedRecord()).signerSubject);
    const std::string sitePin = certificateFileFingerprint(siteIdentity().cert.string());
    const SignerTrust pinned = checkSigner(result, TrustAnchors{"", {sitePin}, "the config"});
    CHECK_FALSE(pinned.trusted);
    CHECK(pinned.fingerprint == certificateFileFingerprint(impostor.cert.string()));
    CHECK_THAT(pinned.reason, Contains("not the pinned one"));
    const SignerTrust ca = checkSigner(result, TrustAnchors{siteIdentity().cert.string(), {}, ""});
    CHECK_FALSE(ca.trusted);
    CHECK_THAT(ca.reason, Contains("does not chain to the trusted CA"));
    const SignerTrust none = checkSigner(result, TrustAnchors{});
    CHECK_FALSE(none.trusted);
    CHECK_THAT(none.reason, Contains("no trust anchor is configured"));
}

TEST_CASE("a signer is trusted when it chains to the trusted CA file") {
    const VerifyResult result = verifyPdf(signedRecord());
    REQUIRE(result.ok);
    const SignerTrust trust =
        checkSigner(result, TrustAnchors{siteIdentity().cert.string(), {}, ""});
    INFO(trust.reason);
    CHECK(trust.trusted);
    CHECK_THAT(trust.anchor, Contains("trusted CA"));
}

TEST_CASE("an unreadable trusted CA file is a configuration error, not a verdict") {
    const VerifyResult result = verifyPdf(signedRecord());
    const fs::path missing = freshPath("no-such-ca.pem");
    CHECK_THAT(signatureErrorOf([&] {
                   checkSigner(result, TrustAnchors{missing.string(), {}, ""});
               }),
               Contains("cannot read the trusted CA file"));
}

TEST_CASE("only 64 hex digits make a fingerprint") {
    const auto canonical = normalizeFingerprint(std::string(64, 'a'));
    REQUIRE(canonical);
    CHECK(canonical->size() == 95);
    CHECK(canonical->substr(0, 6) == "AA:AA:");
    CHECK_FALSE(normalizeFingerprint(std::string(62, 'a')));
    CHECK_FALSE(normalizeFingerprint(std::string(66, 'a')));
    CHECK_FALSE(normalizeFingerprint(std::string(63, 'a') + "g"));
    CHECK_FALSE(normalizeFingerprint(""));
}

TEST_CASE("a PDF with a cross-reference stream is refused with a clear reason") {
    const fs::path plain = freshPath("plain.pdf");
    const fs::path compressed = freshPath("xref-stream.pdf");
    writeBytes(plain, smallRecordPdf());
    const CommandResult qpdf = run("qpdf --object-streams=generate '" + plain.string() + "' '" +
                                   compressed.string() + "'");
    REQUIRE(qpdf.status == 0);
    const SigningIdentity id =
        loadSigningIdentity(siteIdentity().key.string(), siteIdentity().cert.string());
    CHECK_THAT(signatureErrorOf([&] { signPdf(readBytes(compressed), id, recordInfo()); }),
               Contains("cross-reference stream"));
}

TEST_CASE("data that is not a PDF is refused") {
    const SigningIdentity id =
        loadSigningIdentity(siteIdentity().key.string(), siteIdentity().cert.string());
    CHECK_THAT(signatureErrorOf([&] { signPdf("hello", id, recordInfo()); }),
               Contains("not a PDF"));
    CHECK_THAT(signatureErrorOf([&] { signPdf("%PDF-1.4\nbroken", id, recordInfo()); }),
               Contains("damaged"));
}

// [SECTION] tampering

TEST_CASE("flipping one byte in the signed range makes pdfsig and verifyPdf fail") {
    std::string bytes = signedRecord();
    const std::size_t at = bytes.find("Patient Example");
    REQUIRE(at != std::string::npos);
    bytes[at] = 'Q';
    const fs::path pdf = freshPath("flipped.pdf");
    writeBytes(pdf, bytes);
    CHECK_FALSE(pdfsigAcceptsWhole(pdf));
    const VerifyResult result = verifyPdf(bytes);
    CHECK_FALSE(result.ok);
    CHECK_THAT(result.reason, Contains("altered"));
}

TEST_CASE("flipping one byte of the signature value makes pdfsig and verifyPdf fail") {
    std::string bytes = signedRecord();
    const std::size_t contents = bytes.find("/Contents <", bytes.rfind("/ByteRange")) + 10;
    const std::size_t lastDigit = bytes.find_last_not_of('0', bytes.find('>', contents) - 1);
    REQUIRE(lastDigit > contents + 200);
    char& digit = bytes[lastDigit - 4]; // inside the ECDSA signature, the last field of the CMS
    digit = digit == '0' ? '1' : '0';
    const fs::path pdf = freshPath("flipped-signature.pdf");
    writeBytes(pdf, bytes);
    CHECK_FALSE(pdfsigAcceptsWhole(pdf));
    const VerifyResult result = verifyPdf(bytes);
    CHECK_FALSE(result.ok);
    CHECK_THAT(result.reason, Contains("does not match"));
}

TEST_CASE("flipping one byte of the embedded certificate makes verifyPdf fail") {
    // pdfsig does not notice this one; the CAdES signing-certificate-v2 attribute lets us.
    std::string bytes = signedRecord();
    const std::size_t contents = bytes.find("/Contents <", bytes.rfind("/ByteRange")) + 10;
    char& digit = bytes[contents + 1 + 200];
    digit = digit == '0' ? '1' : '0';
    const VerifyResult result = verifyPdf(bytes);
    CHECK_FALSE(result.ok);
    // Where the flipped digit lands depends on the freshly generated certificate: usually the
    // signing-certificate check names it, sometimes the CMS no longer parses or verifies at all.
    INFO(result.reason);
    CHECK((result.reason.find("certificate embedded in the signature was altered") !=
               std::string::npos ||
           result.reason.find("signature") != std::string::npos));
}

TEST_CASE("a truncated signed record makes pdfsig and verifyPdf fail") {
    const std::string full = signedRecord();
    for (const std::size_t cut : {std::size_t{7}, full.size() / 3}) {
        const std::string bytes = full.substr(0, full.size() - cut);
        const fs::path pdf = freshPath("truncated.pdf");
        writeBytes(pdf, bytes);
        CHECK_FALSE(pdfsigAcceptsWhole(pdf));
        const VerifyResult result = verifyPdf(bytes);
        CHECK_FALSE(result.ok);
        CHECK((result.reason.find("truncated") != std::string::npos ||
               result.reason.find("no signature") != std::string::npos));
    }
}

TEST_CASE("bytes appended after the signature make pdfsig and verifyPdf fail") {
    const std::string bytes = signedRecord() + "% appended later\n";
    const fs::path pdf = freshPath("appended.pdf");
    writeBytes(pdf, bytes);
    CHECK_FALSE(pdfsigAcceptsWhole(pdf));
    const VerifyResult result = verifyPdf(bytes);
    CHECK_FALSE(result.ok);
    CHECK_THAT(result.reason, Contains("bytes were appended after the signature"));
}

TEST_CASE("an unsigned PDF has no signature to verify") {
    const VerifyResult result = verifyPdf(smallRecordPdf());
    CHECK_FALSE(result.ok);
    CHECK_THAT(result.reason, Contains("no signature"));
}

// [SECTION] keygen and loading identities

TEST_CASE("keygen writes a key readable only by its owner and a certificate for signing") {
    const Identity made{freshPath("keygen.key"), freshPath("keygen.crt")};
    writeSelfSignedIdentity(made.key.string(), made.cert.string(), "Keygen Site", 365);
    struct stat info {};
    REQUIRE(::stat(made.key.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    const CommandResult text = run("openssl x509 -noout -text -in '" + made.cert.string() + "'");
    CHECK_THAT(text.output, Contains("Digital Signature, Non Repudiation"));
    CHECK_THAT(text.output, Contains("Version: 3"));
    CHECK_NOTHROW(loadSigningIdentity(made.key.string(), made.cert.string()));
}

TEST_CASE("keygen refuses to overwrite an existing key or certificate") {
    const Identity made{freshPath("twice.key"), freshPath("twice.crt")};
    writeSelfSignedIdentity(made.key.string(), made.cert.string(), "Twice", 365);
    const std::string key = readBytes(made.key);
    CHECK_THAT(signatureErrorOf([&] {
                   writeSelfSignedIdentity(made.key.string(), made.cert.string(), "Twice", 365);
               }),
               Contains("refusing to overwrite"));
    const fs::path otherKey = freshPath("twice-other.key");
    CHECK_THAT(signatureErrorOf([&] {
                   writeSelfSignedIdentity(otherKey.string(), made.cert.string(), "Twice", 365);
               }),
               Contains("refusing to overwrite"));
    CHECK(readBytes(made.key) == key);
    CHECK_FALSE(fs::exists(otherKey));
}

TEST_CASE("a key that does not match the certificate is refused") {
    const Identity other{freshPath("mismatch.key"), freshPath("mismatch.crt")};
    writeSelfSignedIdentity(other.key.string(), other.cert.string(), "Mismatch", 30);
    CHECK_THAT(signatureErrorOf(
                   [&] { loadSigningIdentity(other.key.string(), siteIdentity().cert.string()); }),
               Contains("does not match certificate"));
}

TEST_CASE("a missing or malformed key file is refused with its path") {
    const fs::path missing = freshPath("missing.key");
    CHECK_THAT(signatureErrorOf(
                   [&] { loadSigningIdentity(missing.string(), siteIdentity().cert.string()); }),
               Contains(missing.string()) && Contains("does not exist"));
    const fs::path notPem = freshPath("not-pem.key");
    writeBytes(notPem, "this is not a key\n");
    CHECK_THAT(signatureErrorOf(
                   [&] { loadSigningIdentity(notPem.string(), siteIdentity().cert.string()); }),
               Contains("is not a PEM private key"));
    const fs::path encrypted = freshPath("encrypted.key");
    REQUIRE(run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes256 -pass "
                "pass:secret -out '" +
                encrypted.string() + "'")
                .status == 0);
    CHECK_THAT(signatureErrorOf(
                   [&] { loadSigningIdentity(encrypted.string(), siteIdentity().cert.string()); }),
               Contains("is encrypted"));
}
