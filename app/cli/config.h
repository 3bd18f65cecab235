// KioskConfig: every setting the program reads, each with a default, filled from one TOML file
// (kiosk-setup/mrscreen.example.toml documents them all). With no file the program runs as is,
// keeping its data under ./var. An unknown key is an error, so a typo never silently does nothing.
#pragma once

#include "integration/dicom_peer.h"
#include "screening/mr_conditional.h"
#include "screening/questionnaire.h"
#include "store/form_catalog.h"
#include "store/store.h"

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace mrscreen::cli {

struct KioskConfig {
    std::string dataDir = "./var"; // made absolute when loaded: stored record paths must not depend on the cwd
    std::string database; // empty: <dataDir>/mrscreen.db
    // [storage] url: the department's PostgreSQL server shared by kiosks and stations, such as
    // "postgresql://mrscreen_app@db.example.org:5432/mrscreen?sslmode=verify-full&sslrootcert=/etc/mrscreen/db-ca.crt";
    // empty: the SQLite database above, as on a single box. Checked when loaded (config_storage.cpp):
    // no password in it, verify-full TLS to any host but this one, the CA named.
    std::string storageUrl;
    // [storage] password_file: the database password, in a file of mode 0600/0400 owned by the user
    // running mrscreen; empty: libpq's own (PGPASSFILE, ~/.pgpass, a service file). Never in the url.
    std::string storagePasswordFile;
    bool allowInsecureTls = false; // [storage] allow_insecure_tls: a lab server without verify-full, warned at connecting
    bool usesPostgres() const { return !storageUrl.empty(); }
    std::string form = "forms/mri-safety";
    std::vector<std::string> signerRoles = {"mrso"};
    std::vector<std::string> contrastSignerRoles = {"mrso", "radiologist"}; // [workflow]
    std::string staffLanguage = "en"; // [site]: the language staff read flags in
    bool signerMustDifferFromReviewer = true;
    int lockoutAttempts = 5;
    int lockoutMinutes = 15;
    std::string siteName = "MRI department";
    std::string stationName; // [site] station_name: how staff stations list this kiosk; empty: the host name
    std::string recordPaper = "a4"; // [record] paper: "a4" or "letter", the signed PDF record's page size
    std::string signingKey;  // PEM; empty: <dataDir>/keys/site-key.pem
    std::string signingCert; // PEM; empty: <dataDir>/keys/site-cert.pem
    std::string trustedCa;   // PEM bundle to check record signatures against; empty: none
    // [site] signer_sha256: the site certificate's SHA-256 fingerprint(s) that `verify` trusts
    // ("AB:CD:..."), written by `mrscreen keygen`; a list keeps old keys' records verifiable.
    std::vector<std::string> signerSha256;
    int idleWarningSeconds = 90; // [kiosk]: untouched patient screen -> "Are you still there?"
    int idleResetSeconds = 30;   // then the unsubmitted answers are discarded
    int submittedSeconds = 120;  // the thank-you screen returns to Welcome
    int staffIdleSeconds = 120;  // staff are signed out (a site setting: [kiosk] staff_idle_seconds)
    int staffHoldSeconds = 3;    // long press in the top-left corner for staff sign-in
    bool staffOnKiosk = true;    // false: no staff gesture on patient kiosks (staff use a station)
    // [scanner], or several as [[scanner]]: the magnets patients are booked on, for the MR
    // Conditional check. The first (or the one marked default) is checked against when a screening
    // is not linked to a scheduled exam; a linked exam's Scheduled Station AE Title picks its own.
    struct Scanner {
        std::string aeTitle; // the scanner's DICOM AE title, as the worklist names it; may be empty
        std::string name = "MR scanner";
        double fieldStrengthT = 1.5;
        double spatialGradientTPerM = 0; // 0: not configured (every gradient condition is unknown)
        std::string sarMode = "normal";  // normal or first-level
        screening::ScannerSetup setup() const;
    };
    std::vector<Scanner> scanners = {Scanner{}}; // never empty; [0] is the default
    screening::ScannerSetup scanner() const { return scanners.front().setup(); }
    // The linked exam's scanner (by its Scheduled Station AE Title), else the default.
    screening::ScannerSetup scannerFor(const std::optional<store::ProcedureLink>& procedure) const;

    // [worklist]: the DICOM Modality Worklist server; no host: not configured. The day's window is
    // today - days_before to today + days_after (local dates).
    integration::DicomPeer worklist;
    std::string worklistModality = "MR";
    int worklistDaysBefore = 0, worklistDaysAfter = 0;
    std::string worklistStation; // only this scanner's exams (AE title); empty: any
    // Requested procedure codes that plan contrast (or plan none): linking such an exam sets
    // whether contrast is planned, which feeds the contrast decision. Other codes leave it.
    std::vector<std::string> contrastProcedureCodes, noContrastProcedureCodes;
    std::optional<std::string> contrastPlannedFor(const store::ProcedureLink& procedure) const; // "yes"/"no"
    // [pacs]: where each signed record version is sent (DICOM Encapsulated PDF); no host: not sent.
    integration::DicomPeer pacs;
    int pacsRetrySeconds = 30;       // the first retry after a failed send; doubles each time
    int pacsRetryMaxSeconds = 3600;  // up to this

    std::string signingKeyPath() const;
    std::string signingCertPath() const;
    std::string recordsDir() const { return dataDir + "/records"; }
    // Where earlier versions of the form are kept: <the form's folder>/archive.
    std::string formArchiveDir() const;

    std::string databasePath() const;
    store::StoreOptions storeOptions() const;

    // [audit]: where each new head of the audit chain is anchored (store/audit_anchor_sender.h).
    bool auditSyslog = true;      // the system log, through syslog(3)
    std::string auditRemoteSyslog; // "host:port" of the hospital's syslog server (RFC 5424 over TCP)
};

// How to reach the PostgreSQL server of [storage] url (store/pg_store.h's PostgresConnection takes
// the same three fields).
struct PostgresSettings {
    std::string url;
    std::string password;        // from password_file; empty: libpq finds it (~/.pgpass, service file)
    std::string applicationName; // "mrscreen kiosk <station>": what the server's pg_stat_activity shows
};

// The connection for config.storageUrl, checked against the files as they are now: password_file
// owned by this user, mode 0600 or 0400, not empty; sslrootcert a readable PEM certificate. Throws
// screening::InputError naming the file and what to do. `station` names this box (its host name);
// allow_insecure_tls writes its warning to `warnings` at every call.
PostgresSettings postgresSettings(const KioskConfig& config, const std::string& station, std::ostream& warnings);

// Reads the file when `path` is not empty; throws screening::InputError naming the file and key.
// The data directory comes back absolute (relative to the current directory).
KioskConfig loadConfig(const std::string& path);
// The same from the file's text; `path` names it in messages.
KioskConfig loadConfigText(const std::string& text, const std::string& path);

// `dir` made absolute against the current directory, without a trailing separator.
std::string absoluteDirectory(const std::string& dir);

struct StoreContext;
// The config a command runs with: the file from --config, with --data-dir (when given) in place of
// its data directory and database.
KioskConfig configFor(const StoreContext& ctx);

// The form versions screenings were answered with: the store's, else the archive folder's and the
// configured form files' (when their sha256 matches). `store` must outlive it.
store::FormCatalog formCatalog(store::Store& store, const KioskConfig& config);

// Renders, signs and files the next record version of a screening (the store keeps its bytes:
// Store::addRecordPdf) with `version`, the form and rules the screening was answered with. Returns
// where it is kept (the file, or "record <id> version <n>" when a database keeps it). Without a site
// signing key it stores nothing, says so on `err` and returns nullopt.
std::optional<std::string> produceRecord(store::Store& store, const KioskConfig& config,
                                         const store::FormVersion& version, std::int64_t id,
                                         const screening::Actor& actor, std::ostream& err);

// Re-evaluates a stored screening's rules with its own form version (after staff add a lab or set
// whether contrast is planned) and stores the flags it raises now (Store::refreshFlags).
void reassess(store::Store& store, store::FormCatalog& catalog, const KioskConfig& config, std::int64_t id,
              const screening::Actor& actor);

// Opens the store the config names, creating the data directory when needed.
std::unique_ptr<store::Store> openStore(const KioskConfig& config);

} // namespace mrscreen::cli
