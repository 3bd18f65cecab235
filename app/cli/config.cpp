#include "cli/config.h"
#include "cli/config_reader.h"
#include "cli/commands.h"
#include "cli/form_files.h"

#include "record/record_pdf.h"
#include "record/signer_trust.h"
#include "screening/questionnaire.h"
#include "store/audit_anchor_sender.h"
#include "store/pg_store.h"

#include <toml++/toml.h>

#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <set>

namespace mrscreen::cli {

std::string KioskConfig::databasePath() const {
    return database.empty() ? (std::filesystem::path(dataDir) / "mrscreen.db").string() : database;
}

std::string KioskConfig::signingKeyPath() const {
    return signingKey.empty() ? (std::filesystem::path(dataDir) / "keys" / "site-key.pem").string() : signingKey;
}

std::string KioskConfig::signingCertPath() const {
    return signingCert.empty() ? (std::filesystem::path(dataDir) / "keys" / "site-cert.pem").string() : signingCert;
}

store::StoreOptions KioskConfig::storeOptions() const {
    store::StoreOptions o;
    o.policy.signerRoles.clear();
    for (const auto& r : signerRoles) o.policy.signerRoles.push_back(*screening::parseRole(r));
    o.policy.signerMustDifferFromReviewer = signerMustDifferFromReviewer;
    o.policy.contrastSignerRoles.clear();
    for (const auto& r : contrastSignerRoles) o.policy.contrastSignerRoles.push_back(*screening::parseRole(r));
    o.lockoutAttempts = lockoutAttempts;
    o.lockoutSeconds = lockoutMinutes * 60;
    if (pacs.configured()) o.outboxDestinations.push_back("pacs");
    o.recordsDir = recordsDir(); // where the SQLite store keeps the signed PDFs
    return o;
}

namespace {

// [SECTION] [audit]: anchoring the audit chain

void readAuditSection(Reader& r, const toml::table& root, KioskConfig& c) {
    const auto* audit = r.section(root, "audit", {"syslog", "remote_syslog"});
    r.read(audit, "audit", "syslog", c.auditSyslog);
    r.read(audit, "audit", "remote_syslog", c.auditRemoteSyslog);
    const auto colon = c.auditRemoteSyslog.rfind(':');
    const std::string port = colon == std::string::npos ? "" : c.auditRemoteSyslog.substr(colon + 1);
    if (!c.auditRemoteSyslog.empty() &&
        (colon == 0 || port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
         std::stoi(port) < 1 || std::stoi(port) > 65535))
        r.problems.push_back("[audit] remote_syslog must be \"host:port\", such as \"syslog.hospital.example:514\", not \"" +
                             c.auditRemoteSyslog + "\"");
}

} // namespace

std::string absoluteDirectory(const std::string& dir) {
    auto p = std::filesystem::absolute(dir).lexically_normal();
    if (p.has_relative_path() && p.filename().empty()) p = p.parent_path();
    return p.string();
}

KioskConfig loadConfig(const std::string& path) {
    if (path.empty()) {
        KioskConfig c; // no file: every default, the data directory made absolute all the same
        c.dataDir = absoluteDirectory(c.dataDir);
        return c;
    }
    return loadConfigText(readFile(path), path);
}

KioskConfig loadConfigText(const std::string& text, const std::string& path) {
    KioskConfig c;
    toml::table root;
    try {
        root = toml::parse(text, path);
    } catch (const toml::parse_error& e) {
        const auto& where = e.source().begin;
        throw screening::InputError(path, {"line " + std::to_string(where.line) + ": " + std::string(e.description())});
    }
    Reader r{path, {}};
    for (const auto& [key, value] : root) {
        (void)value;
        static const std::set<std::string> sections = {"storage", "form", "policy", "workflow", "staff", "site",
                                                       "kiosk", "scanner", "audit", "worklist", "pacs",
                                                       "record"};
        if (!sections.count(std::string(key.str())))
            r.problems.push_back("unknown section [" + std::string(key.str()) + "]");
    }
    readStorageSection(r, root, c);
    const auto* form = r.section(root, "form", {"path"});
    r.read(form, "form", "path", c.form);
    const auto* policy = r.section(root, "policy", {"signer_roles", "signer_must_differ_from_reviewer"});
    r.read(policy, "policy", "signer_must_differ_from_reviewer", c.signerMustDifferFromReviewer);
    if (policy && policy->contains("signer_roles")) {
        c.signerRoles.clear();
        const auto* roles = (*policy)["signer_roles"].as_array();
        if (!roles) r.problems.push_back("[policy] signer_roles must be a list such as [\"mrso\"]");
        for (std::size_t i = 0; roles && i < roles->size(); ++i) {
            const auto role = (*roles)[i].value<std::string>();
            const auto parsed = role ? screening::parseRole(*role) : std::nullopt;
            if (!parsed || *parsed == screening::Role::Patient)
                r.problems.push_back("[policy] signer_roles: '" + role.value_or("?") +
                                     "' is not a staff role (nurse, mrso, radiologist, admin)");
            else
                c.signerRoles.push_back(*role);
        }
        if (c.signerRoles.empty() && roles) r.problems.push_back("[policy] signer_roles must name at least one role");
    }
    const auto* workflow = r.section(root, "workflow", {"contrast_signer_roles"});
    if (workflow && workflow->contains("contrast_signer_roles")) {
        c.contrastSignerRoles.clear();
        const auto* roles = (*workflow)["contrast_signer_roles"].as_array();
        if (!roles)
            r.problems.push_back("[workflow] contrast_signer_roles must be a list such as [\"mrso\", \"radiologist\"]");
        for (std::size_t i = 0; roles && i < roles->size(); ++i) {
            const auto role = (*roles)[i].value<std::string>();
            const auto parsed = role ? screening::parseRole(*role) : std::nullopt;
            if (!parsed || *parsed == screening::Role::Patient)
                r.problems.push_back("[workflow] contrast_signer_roles: '" + role.value_or("?") +
                                     "' is not a staff role (nurse, mrso, radiologist, admin)");
            else
                c.contrastSignerRoles.push_back(*role);
        }
        if (c.contrastSignerRoles.empty() && roles)
            r.problems.push_back("[workflow] contrast_signer_roles must name at least one role");
    }
    const auto* site = r.section(root, "site", {"name", "signing_key", "signing_cert", "trusted_ca", "staff_language",
                                                "signer_sha256", "station_name"});
    r.read(site, "site", "staff_language", c.staffLanguage);
    if (c.staffLanguage.empty() || c.staffLanguage.size() > 8 ||
        c.staffLanguage.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") != std::string::npos)
        r.problems.push_back("[site] staff_language must be a language code such as \"en\" or \"es\"");
    r.read(site, "site", "name", c.siteName);
    r.read(site, "site", "station_name", c.stationName);
    r.read(site, "site", "signing_key", c.signingKey);
    r.read(site, "site", "signing_cert", c.signingCert);
    r.read(site, "site", "trusted_ca", c.trustedCa);
    if (site && site->contains("signer_sha256")) {
        // One fingerprint, or a list of them (an old key's records stay verifiable after a new one).
        const auto& node = *site->get("signer_sha256");
        std::vector<std::string> pins;
        if (const auto one = node.value<std::string>()) pins.push_back(*one);
        if (const auto* list = node.as_array())
            for (const auto& entry : *list) pins.push_back(entry.value<std::string>().value_or("?"));
        if (pins.empty() && !node.is_array())
            r.problems.push_back("[site] signer_sha256 must be a fingerprint such as \"AB:CD:...\" or a list of them");
        for (const auto& pin : pins) {
            if (const auto canonical = record::normalizeFingerprint(pin))
                c.signerSha256.push_back(*canonical);
            else
                r.problems.push_back("[site] signer_sha256: '" + pin + "' is not a SHA-256 fingerprint (64 hex digits, "
                                     "as `openssl x509 -noout -fingerprint -sha256` or `mrscreen keygen` prints it)");
        }
    }
    const auto* staff = r.section(root, "staff", {"lockout_attempts", "lockout_minutes"});
    std::int64_t attempts = c.lockoutAttempts, minutes = c.lockoutMinutes;
    r.read(staff, "staff", "lockout_attempts", attempts);
    r.read(staff, "staff", "lockout_minutes", minutes);
    if (attempts < 1 || attempts > 100) r.problems.push_back("[staff] lockout_attempts must be 1-100");
    if (minutes < 1 || minutes > 24 * 60) r.problems.push_back("[staff] lockout_minutes must be 1-1440");
    c.lockoutAttempts = int(attempts);
    c.lockoutMinutes = int(minutes);
    const auto* kiosk = r.section(root, "kiosk", {"idle_warning_seconds", "idle_reset_seconds", "submitted_seconds",
                                                  "staff_idle_seconds", "staff_hold_seconds", "staff_on_kiosk"});
    if (kiosk && kiosk->contains("staff_on_kiosk") && !(*kiosk)["staff_on_kiosk"].is_boolean())
        r.problems.push_back("[kiosk] staff_on_kiosk must be true or false");
    r.read(kiosk, "kiosk", "staff_on_kiosk", c.staffOnKiosk);
    struct Limit {
        const char* key;
        int& value;
        int lo, hi;
    };
    for (const Limit& l : {Limit{"idle_warning_seconds", c.idleWarningSeconds, 10, 3600},
                           Limit{"idle_reset_seconds", c.idleResetSeconds, 5, 600},
                           Limit{"submitted_seconds", c.submittedSeconds, 5, 3600},
                           Limit{"staff_idle_seconds", c.staffIdleSeconds, 30, 3600},
                           Limit{"staff_hold_seconds", c.staffHoldSeconds, 1, 10}}) {
        std::int64_t v = l.value;
        r.read(kiosk, "kiosk", l.key, v);
        if (v < l.lo || v > l.hi)
            r.problems.push_back(std::string("[kiosk] ") + l.key + " must be " + std::to_string(l.lo) + "-" +
                                 std::to_string(l.hi));
        else
            l.value = int(v);
    }
    const auto* recordSection = r.section(root, "record", {"paper"});
    r.read(recordSection, "record", "paper", c.recordPaper);
    if (!record::parsePaper(c.recordPaper))
        r.problems.push_back("[record] paper must be \"a4\" or \"letter\" (US Letter), not \"" + c.recordPaper + "\"");
    readAuditSection(r, root, c);
    readScannerSection(r, root, c);
    readDicomSections(r, root, c);
    if (!r.problems.empty()) throw screening::InputError(path, r.problems);
    c.dataDir = absoluteDirectory(c.dataDir);
    return c;
}

KioskConfig configFor(const StoreContext& ctx) {
    KioskConfig c = loadConfig(ctx.configPath);
    if (!ctx.dataDir.empty()) {
        c.dataDir = absoluteDirectory(ctx.dataDir);
        c.database.clear();
    }
    return c;
}

std::string KioskConfig::formArchiveDir() const {
    const auto parent = std::filesystem::path(form).parent_path();
    return (parent.empty() ? std::filesystem::path("archive") : parent / "archive").string();
}

store::FormCatalog formCatalog(store::Store& store, const KioskConfig& config) {
    std::vector<std::string> files = store::FormCatalog::filesIn(config.formArchiveDir());
    for (const auto& path : formFilePaths(config.form)) files.push_back(path);
    return store::FormCatalog(store, std::move(files), config.formArchiveDir());
}

namespace {

// The store options with each new audit head sent to the configured anchors ([audit]).
store::StoreOptions storeOptionsWithAnchors(const KioskConfig& config) {
    store::StoreOptions options = config.storeOptions();
    if (config.auditSyslog || !config.auditRemoteSyslog.empty()) {
        auto sender = std::make_shared<store::AnchorSender>(
            store::AnchorSettings{config.siteName, config.auditSyslog, config.auditRemoteSyslog, 2000, 256, {}});
        options.anchorHead = [sender](const store::AuditHead& head) { sender->publish(head); };
    }
    return options;
}

} // namespace

std::unique_ptr<store::Store> openStore(const KioskConfig& config) {
    if (config.usesPostgres()) {
        // The password file and CA are checked first, with the fix in the message. Never falls back
        // to the SQLite file in the data directory: screenings must not end up on the kiosk's disk.
        char host[256] = {};
        ::gethostname(host, sizeof host - 1);
        const PostgresSettings server = postgresSettings(config, host, std::cerr);
        return store::openPostgresStore({server.url, server.password, server.applicationName},
                                        storeOptionsWithAnchors(config));
    }
    const std::filesystem::path db = config.databasePath();
    std::error_code ec;
    if (db.has_parent_path()) std::filesystem::create_directories(db.parent_path(), ec);
    if (ec)
        throw store::StoreError("cannot create the data directory " + db.parent_path().string() + ": " + ec.message(),
                                 store::StoreErrorKind::Unreachable);
    // Patient data is for the kiosk's own user alone, also where an older version or a copy left
    // it readable; SQLite gives the -wal and -shm files the database's mode.
    using std::filesystem::perms;
    auto tighten = [](const std::filesystem::path& p, perms mode) {
        std::error_code ignored; // a file that is not there yet is made with the 077 umask
        if (std::filesystem::exists(p, ignored)) std::filesystem::permissions(p, mode, ignored);
    };
    tighten(config.dataDir, perms::owner_all);
    for (const char* suffix : {"", "-wal", "-shm"})
        tighten(db.string() + suffix, perms::owner_read | perms::owner_write);
    return store::openSqliteStore(db.string(), storeOptionsWithAnchors(config));
}

} // namespace mrscreen::cli
