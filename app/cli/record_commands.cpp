#include "cli/commands.h"
#include "cli/config.h"
#include "cli/form_files.h"
#include "cli/signer_pin.h"

#include "record/pdf_signature.h"
#include "record/record_pdf.h"
#include "record/record_text.h"
#include "record/signer_trust.h"
#include "store/atomic_file.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <sstream>

namespace mrscreen::cli {

std::optional<std::string> produceRecord(store::Store& store, const KioskConfig& config,
                                         const store::FormVersion& version, std::int64_t id,
                                         const screening::Actor& actor, std::ostream& err) {
    if (!std::filesystem::exists(config.signingKeyPath()) || !std::filesystem::exists(config.signingCertPath())) {
        err << "mrscreen: screening " << id << " is stored, but no signed PDF record was made: there is no site "
            << "signing key at " << config.signingKeyPath() << ". Run 'mrscreen keygen' (or set [site] "
            << "signing_key and signing_cert to the hospital's), then run 'mrscreen record " << id << "'.\n";
        return std::nullopt;
    }
    const auto identity = record::loadSigningIdentity(config.signingKeyPath(), config.signingCertPath());
    const auto detail = store.screening(id);
    if (!detail) throw store::Refused("there is no screening " + std::to_string(id));
    if (detail->formSha256 != version.formSha256 || detail->rulesSha256 != version.rulesSha256)
        throw store::FormMissing("screening " + std::to_string(id) + " was answered with form " + detail->formUrl +
                                 "|" + detail->formVersion + " (sha256 " + detail->formSha256.substr(0, 8) +
                                 "…), not the form version given for its record; mrscreen never renders a "
                                 "screening with another form.");
    // One writer at a time on this machine picks the next version (printed in the PDF) and files
    // it; the store refuses a version filed meanwhile elsewhere (Conflict).
    const store::DirectoryLock lock(config.recordsDir());
    record::RecordInput in;
    in.siteName = config.siteName;
    in.recordId = id;
    in.version = store.nextRecordVersion(id);
    in.detail = &*detail;
    in.form = &version; // the record computes the eGFR itself, with store::assessStored
    in.staffLanguage = config.staffLanguage;
    in.scanner = config.scannerFor(detail->procedure); // the linked exam's scanner, else the default
    in.auditHead = store.auditHead(); // the history this record vouches for
    in.paper = record::parsePaper(config.recordPaper).value_or(record::Paper::A4);
    in.staff = store.staff(); // names and roles for the usernames the screening stores
    if (in.version > 1) in.replaces = store.record(id, in.version - 1);
    const std::string unsignedPdf = record::renderRecordPdf(in);
    record::SignatureInfo info;
    info.name = config.siteName;
    info.reason = "MRI safety screening record " + std::to_string(id) + ", version " + std::to_string(in.version);
    const std::string signedPdf = record::signPdf(unsignedPdf, identity, info);
    // The store keeps the bytes (SQLite: records/screening-<id>-v<version>.pdf) and says when it had
    // to move aside a file an interrupted earlier attempt left at that name.
    const store::FiledRecord filed =
        store.addRecordPdf(id, in.version, signedPdf, actor, record::recordContentHash(in));
    if (!filed.setAside.empty())
        err << "mrscreen: " << filed.record.path << " was never registered in the store (an earlier attempt for "
            << "screening " << id << " stopped between writing and registering it); moved it to " << filed.setAside
            << " (it holds patient data: delete it once the interruption is understood) and filed version "
            << in.version << " afresh\n";
    return filed.record.path.empty() ? "record " + std::to_string(id) + " version " + std::to_string(in.version)
                                     : filed.record.path;
}

void reassess(store::Store& store, store::FormCatalog& catalog, const KioskConfig& config, std::int64_t id,
              const screening::Actor& actor) {
    const auto detail = store.screening(id);
    if (!detail) throw store::Refused("there is no screening " + std::to_string(id));
    const auto version = catalog.forScreening(*detail);
    const auto assessment = store::assessStored(*version, *detail, config.staffLanguage);
    store.refreshFlags(id, assessment.flags, actor);
}

int runRecord(const StoreContext& ctx, std::int64_t id, std::ostream& out, std::ostream& err) {
    try {
        KioskConfig config = configFor(ctx);
        const auto store = openStore(config);
        const auto detail = store->screening(id);
        if (!detail) {
            err << "mrscreen record: there is no screening " << id << "\n";
            return 2;
        }
        auto catalog = formCatalog(*store, config);
        const auto version = catalog.forScreening(*detail); // its own form, or a refusal
        const char* user = std::getenv("USER");
        const screening::Actor actor{std::string("cli:") + (user && *user ? user : "operator"), screening::Role::Admin};
        const auto path = produceRecord(*store, config, *version, id, actor, err);
        if (!path) return 1;
        out << "Signed record written: " << *path << "\n";
        return 0;
    } catch (const std::exception& e) {
        err << "mrscreen record: " << e.what() << "\n";
        return 2;
    }
}

int runKeygen(const StoreContext& ctx, const std::string& commonName, int days, std::ostream& out, std::ostream& err) {
    try {
        KioskConfig config = loadConfig(ctx.configPath);
        if (!ctx.dataDir.empty()) config.dataDir = absoluteDirectory(ctx.dataDir);
        if (days < 1 || days > 36500) {
            err << "mrscreen keygen: --days must be 1-36500\n";
            return 2;
        }
        const std::string cn = commonName.empty() ? config.siteName : commonName;
        for (const auto& path : {config.signingKeyPath(), config.signingCertPath()})
            std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        record::writeSelfSignedIdentity(config.signingKeyPath(), config.signingCertPath(), cn, days);
        const std::string fingerprint = record::certificateFileFingerprint(config.signingCertPath());
        out << "Wrote the site signing key " << config.signingKeyPath() << " (mode 0600) and the self-signed "
            << "certificate " << config.signingCertPath() << " for \"" << cn << "\", valid " << days << " days.\n"
            << "Certificate SHA-256 fingerprint: " << fingerprint << "\n"
            << "Back up both; records signed with them verify only against this certificate.\n";
        // `verify` trusts a signer only through an anchor; the config is one the kiosk cannot rewrite.
        const PinResult pin = ctx.configPath.empty() ? PinResult{PinOutcome::NotWritable, "no --config file was given"}
                                                     : pinSignerInConfig(ctx.configPath, fingerprint);
        if (pin.outcome == PinOutcome::Written)
            out << "Pinned it in " << ctx.configPath << ": [site] " << signerPinLine(fingerprint)
                << "\n'mrscreen verify' trusts records signed with this key, and no other key of the same name.\n";
        else if (pin.outcome == PinOutcome::AlreadyPinned)
            out << "It is already pinned in " << ctx.configPath << " ([site] signer_sha256).\n";
        else
            out << "Not pinned (" << pin.why << "). Until it is, 'mrscreen verify' reports records signed with it as "
                << "UNTRUSTED SIGNER. Pin it: add this line to the [site] section of the config file the kiosk runs "
                << "with (e.g. /etc/mrscreen/mrscreen.toml, as root):\n    " << signerPinLine(fingerprint)
                << "\nor give it to whoever checks records away from the kiosk: mrscreen verify --signer-sha256 "
                << fingerprint << " FILE.pdf\n";
        return 0;
    } catch (const std::exception& e) {
        err << "mrscreen keygen: " << e.what() << "\n";
        return 2;
    }
}

int runPinSigner(const StoreContext& ctx, const std::string& certificate, std::ostream& out, std::ostream& err) {
    try {
        if (ctx.configPath.empty()) {
            err << "mrscreen pin-signer: give the config file to pin the certificate in: --config FILE\n";
            return 2;
        }
        KioskConfig config = loadConfig(ctx.configPath);
        if (!ctx.dataDir.empty()) config.dataDir = absoluteDirectory(ctx.dataDir);
        const std::string path = certificate.empty() ? config.signingCertPath() : certificate;
        const std::string fingerprint = record::certificateFileFingerprint(path);
        const PinResult pin = pinSignerInConfig(ctx.configPath, fingerprint);
        if (pin.outcome == PinOutcome::NotWritable) {
            err << "mrscreen pin-signer: cannot write " << ctx.configPath << " (" << pin.why
                << "); run it as the config file's owner (root on an installed kiosk), or add this line to [site] "
                << "by hand:\n    " << signerPinLine(fingerprint) << "\n";
            return 2;
        }
        out << (pin.outcome == PinOutcome::Written ? "Pinned " : "Already pinned: ") << path << " (SHA-256 "
            << fingerprint << ") in " << ctx.configPath << " [site] signer_sha256.\n";
        return 0;
    } catch (const std::exception& e) {
        err << "mrscreen pin-signer: " << e.what() << "\n";
        return 2;
    }
}

namespace {

// The record identity its QR code carries, from the PDF's /Subject (inside the signed bytes).
// libharu writes the Info strings as UTF-16BE hex (<FEFF...>); the identity is plain ASCII.
struct RecordIdentity {
    std::int64_t id = 0;
    int version = 0;
    std::string contentSha256;
};

std::optional<RecordIdentity> recordIdentityOf(const std::string& bytes) {
    std::string identity;
    if (const auto subject = bytes.find("/Subject <FEFF"); subject != std::string::npos) {
        for (std::size_t i = subject + 14; i + 3 < bytes.size() && bytes[i] != '>'; i += 4) {
            const unsigned long unit = std::strtoul(bytes.substr(i, 4).c_str(), nullptr, 16);
            if (unit == 0 || unit > 0x7E) break;
            identity += char(unit);
        }
    }
    const auto at = identity.find("mrscreen:record:");
    RecordIdentity r;
    char hash[65] = {};
    if (at == std::string::npos ||
        std::sscanf(identity.c_str() + at, "mrscreen:record:%lld:v%d:sha256:%64[0-9a-f]",
                    reinterpret_cast<long long*>(&r.id), &r.version, hash) != 3 ||
        std::string(hash).size() != 64)
        return std::nullopt;
    r.contentSha256 = hash;
    return r;
}

// The anchors `verify` trusts: --signer-sha256 alone when given, else the config's.
record::TrustAnchors anchorsFor(const StoreContext& ctx, const KioskConfig& config, const std::string& signerSha256) {
    record::TrustAnchors anchors;
    if (!signerSha256.empty()) {
        const auto pin = record::normalizeFingerprint(signerSha256);
        if (!pin)
            throw screening::InputError("--signer-sha256", {"'" + signerSha256 + "' is not a SHA-256 fingerprint (64 "
                                                            "hex digits, colons optional, as mrscreen keygen prints it)"});
        anchors.pinnedSha256 = {*pin};
        anchors.pinnedFrom = "--signer-sha256";
        return anchors;
    }
    anchors.trustedCaPath = config.trustedCa;
    anchors.pinnedSha256 = config.signerSha256;
    anchors.pinnedFrom = "[site] signer_sha256 in " + ctx.configPath;
    return anchors;
}

// What `verify` says about the audit head a record carries (record_pdf.h, recordAuditHead).
std::string auditHeadLine(const std::string& pdf) {
    const auto head = record::recordAuditHead(pdf);
    if (!head) return "  (no audit head: made before records carried one)\n";
    return "  audit head at signing: row " + std::to_string(head->seq) + ", sha256 " + head->hash +
           " ('mrscreen audit verify --record FILE' checks it is still in the trail)\n";
}

} // namespace

int runVerify(const StoreContext& ctx, const std::string& file, std::ostream& out, std::ostream& err,
              const std::string& signerSha256) {
    try {
        KioskConfig config = configFor(ctx);
        const record::TrustAnchors anchors = anchorsFor(ctx, config, signerSha256);
        const std::string bytes = readFile(file);
        const auto result = record::verifyPdf(bytes);
        const std::string fingerprint =
            result.signerCertificateDer.empty() ? "" : record::certificateFingerprint(result.signerCertificateDer);
        const std::string fingerprintLine = fingerprint.empty() ? "" : "  signer certificate SHA-256 " + fingerprint + "\n";
        if (!result.ok) {
            out << file << ": NOT VALID: " << result.reason << "\n" << fingerprintLine;
            return 1;
        }
        const auto identity = recordIdentityOf(bytes);
        if (!identity) {
            out << file << ": NOT VALID: it carries no mrscreen record identity (the QR code's text); it was not "
                << "made by mrscreen, or it was made before records carried one\n" << fingerprintLine;
            return 1;
        }
        const std::string about = "  record " + std::to_string(identity->id) + " version " +
                                  std::to_string(identity->version) + ", content sha256 " + identity->contentSha256 +
                                  "\n  signed by " + result.signerSubject + " at " + result.signedAt + "\n" +
                                  fingerprintLine + auditHeadLine(bytes);
        const record::SignerTrust trust = record::checkSigner(result, anchors);
        if (!trust.trusted) {
            out << file << ": UNTRUSTED SIGNER: the signature is intact, but the signer is not one this site trusts: "
                << trust.reason << "\n" << about;
            std::error_code ec;
            if (std::filesystem::exists(config.signingCertPath(), ec) &&
                record::certificateFileFingerprint(config.signingCertPath()) == fingerprint)
                out << "  It is the certificate in " << config.signingCertPath() << ", which is no anchor by itself: "
                    << "whoever can write the data directory can replace it.\n";
            out << "  Compare the fingerprint with the one the site published (mrscreen keygen printed it). Only if "
                << "they are the same: pin it with [site] " << signerPinLine(fingerprint)
                << " or pass --signer-sha256.\n";
            return kExitUntrustedSigner;
        }
        std::ostringstream report;
        report << file << ": signature valid, whole document signed\n" << about << "  trusted: " << trust.anchor << "\n";
        // Against the store, when this machine has it: the file must be the one that was filed.
        if (!std::filesystem::exists(config.databasePath())) {
            out << report.str() << "  (no database at " << config.databasePath()
                << ": not compared with the filed record)\n";
            return 0;
        }
        const std::int64_t id = identity->id;
        const int version = identity->version;
        const auto store = openStore(config);
        const auto filed = store->record(id, version);
        if (!filed) {
            out << file << ": NOT VALID: this store has no record " << id << " version " << version
                << " (a record from another site, or one that was never filed)\n";
            return 1;
        }
        if (!filed->contentSha256.empty() && filed->contentSha256 != identity->contentSha256) {
            out << file << ": NOT VALID: its QR content hash differs from the one filed for record " << id
                << " version " << version << "\n";
            return 1;
        }
        if (filed->sha256 != store::sha256Hex(bytes)) {
            out << file << ": NOT VALID: it is signed, but it is not the file filed as record " << id << " version "
                << version << " (sha256 " << filed->sha256 << ")\n";
            return 1;
        }
        out << report.str() << "  matches the filed record " << id << " version " << version
            << (filed->path.empty() ? std::string() : " (" + filed->path + ")") << "\n";
        if (const auto latest = store->latestRecord(id); latest && latest->version > version)
            out << "  " << record::supersededText(latest->version) << " (filed "
                << record::localTimeText(latest->createdAt) << "): read that version\n";
        return 0;
    } catch (const std::exception& e) {
        err << "mrscreen verify: " << e.what() << "\n";
        return 2;
    }
}

} // namespace mrscreen::cli
