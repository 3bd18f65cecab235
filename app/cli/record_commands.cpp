#include "cli/commands.h"
#include "cli/config.h"
#include "cli/form_files.h"

#include "record/atomic_file.h"
#include "record/pdf_signature.h"
#include "record/record_pdf.h"

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
    record::RecordInput in;
    in.siteName = config.siteName;
    in.recordId = id;
    in.version = store.nextRecordVersion(id);
    in.detail = &*detail;
    in.form = &version; // the record computes the eGFR itself, with store::assessStored
    in.staffLanguage = config.staffLanguage;
    in.scanner = config.scanner();
    in.auditHead = store.auditHead(); // the history this record vouches for
    const std::string unsignedPdf = record::renderRecordPdf(in);
    record::SignatureInfo info;
    info.name = config.siteName;
    info.reason = "MRI safety screening record " + std::to_string(id) + ", version " + std::to_string(in.version);
    const std::string signedPdf = record::signPdf(unsignedPdf, identity, info);
    const std::string path = (std::filesystem::path(config.recordsDir()) /
                              ("screening-" + std::to_string(id) + "-v" + std::to_string(in.version) + ".pdf"))
                                 .string();
    record::writeFileAtomically(path, signedPdf);
    try {
        store.addRecord(id, in.version, path, store::sha256Hex(signedPdf), actor, record::recordContentHash(in));
    } catch (...) {
        // Unregistered, the file would block this version number for good: take it back.
        std::filesystem::remove(path);
        throw;
    }
    return path;
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
        if (!ctx.dataDir.empty()) config.dataDir = ctx.dataDir;
        if (days < 1 || days > 36500) {
            err << "mrscreen keygen: --days must be 1-36500\n";
            return 2;
        }
        const std::string cn = commonName.empty() ? config.siteName : commonName;
        for (const auto& path : {config.signingKeyPath(), config.signingCertPath()})
            std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        record::writeSelfSignedIdentity(config.signingKeyPath(), config.signingCertPath(), cn, days);
        out << "Wrote the site signing key " << config.signingKeyPath() << " (mode 0600) and the self-signed "
            << "certificate " << config.signingCertPath() << " for \"" << cn << "\", valid " << days << " days.\n"
            << "Back up both; records signed with them verify only against this certificate.\n";
        return 0;
    } catch (const std::exception& e) {
        err << "mrscreen keygen: " << e.what() << "\n";
        return 2;
    }
}

// What `verify` says about the audit head a record carries (record_pdf.h, recordAuditHead).
static std::string auditHeadLine(const std::string& pdf) {
    const auto head = record::recordAuditHead(pdf);
    if (!head) return "  (no audit head: made before records carried one)\n";
    return "  audit head at signing: row " + std::to_string(head->seq) + ", sha256 " + head->hash +
           " ('mrscreen audit verify --record FILE' checks it is still in the trail)\n";
}

int runVerify(const StoreContext& ctx, const std::string& file, std::ostream& out, std::ostream& err) {
    try {
        KioskConfig config = configFor(ctx);
        const std::string bytes = readFile(file);
        const auto result = record::verifyPdf(bytes, config.trustedCa);
        if (!result.ok) {
            out << file << ": NOT VALID: " << result.reason << "\n";
            return 1;
        }
        // The record's identity and content hash, as its QR code carries them (inside the signed bytes).
        // libharu writes the Info strings as UTF-16BE hex (<FEFF...>); the identity is plain ASCII.
        std::string identity;
        if (const auto subject = bytes.find("/Subject <FEFF"); subject != std::string::npos) {
            for (std::size_t i = subject + 14; i + 3 < bytes.size() && bytes[i] != '>'; i += 4) {
                const unsigned long unit = std::strtoul(bytes.substr(i, 4).c_str(), nullptr, 16);
                if (unit == 0 || unit > 0x7E) break;
                identity += char(unit);
            }
        }
        const std::string tag = "mrscreen:record:";
        const auto at = identity.find(tag);
        std::int64_t id = 0;
        int version = 0;
        char hash[65] = {};
        if (at == std::string::npos ||
            std::sscanf(identity.c_str() + at, "mrscreen:record:%lld:v%d:sha256:%64[0-9a-f]",
                        reinterpret_cast<long long*>(&id), &version, hash) != 3 ||
            std::string(hash).size() != 64) {
            out << file << ": NOT VALID: it carries no mrscreen record identity (the QR code's text); it was not "
                << "made by mrscreen, or it was made before records carried one\n";
            return 1;
        }
        std::ostringstream report;
        report << file << ": signature valid, whole document signed\n"
            << "  record " << id << " version " << version << ", content sha256 " << hash << "\n"
            << "  signed by " << result.signerSubject << " at " << result.signedAt << "\n"
            << auditHeadLine(bytes)
            << (config.trustedCa.empty() ? "  (no trusted CA configured: the signer's identity was not checked "
                                           "against a CA)\n"
                                         : "  certificate trusted by " + config.trustedCa + "\n");
        // Against the store, when this machine has it: the file must be the one that was filed.
        if (!std::filesystem::exists(config.databasePath())) {
            out << report.str() << "  (no database at " << config.databasePath()
                << ": not compared with the filed record)\n";
            return 0;
        }
        const auto store = openStore(config);
        const auto filed = store->record(id, version);
        if (!filed) {
            out << file << ": NOT VALID: this store has no record " << id << " version " << version
                << " (a record from another site, or one that was never filed)\n";
            return 1;
        }
        if (!filed->contentSha256.empty() && filed->contentSha256 != hash) {
            out << file << ": NOT VALID: its QR content hash differs from the one filed for record " << id
                << " version " << version << "\n";
            return 1;
        }
        if (filed->sha256 != store::sha256Hex(bytes)) {
            out << file << ": NOT VALID: it is signed, but it is not the file filed as record " << id << " version "
                << version << " (sha256 " << filed->sha256 << ")\n";
            return 1;
        }
        out << report.str() << "  matches the filed record " << id << " version " << version << " (" << filed->path << ")\n";
        return 0;
    } catch (const std::exception& e) {
        err << "mrscreen verify: " << e.what() << "\n";
        return 2;
    }
}

} // namespace mrscreen::cli
