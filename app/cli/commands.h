// The subcommands. Each takes parsed options, writes to the given streams and returns the
// process exit code, so tests can run them without a shell.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace mrscreen::cli {

struct EvaluateOptions {
    std::string form;     // stem or questionnaire file
    std::string response; // QuestionnaireResponse JSON file
    std::vector<std::string> creatinine; // "1.4 mg/dL", or {"1.4", "mg/dL"}
    std::string creatinineDate;
    std::string date; // screening date override; default: the response's authored day, else today
    std::string language;
    std::string contrast; // yes | no | unknown; default: the response's contrast-planned extension, else unknown
    bool json = false;
};

// Exit 0: valid response; 1: validation errors; 2: unreadable or invalid input files.
int runEvaluate(const EvaluateOptions& options, std::ostream& out, std::ostream& err);

struct EgfrOptions {
    double creatinine = 0;
    std::string unit;
    double age = 0;
    std::string sex;
    bool json = false;
};

// Exit 0 with the eGFR; 2 when an input is out of range or unknown (the message says which).
int runEgfr(const EgfrOptions& options, std::ostream& out, std::ostream& err);

std::string todayIso(); // local date, YYYY-MM-DD

// Options every store command shares.
struct StoreContext {
    std::string configPath;
    std::string dataDir; // overrides the config's data_dir when set
};

struct ImportOptions {
    std::string form; // default: the config's form
    std::string response;
    bool json = false;
};
// Exit 0 with the new screening id; 1 when the response has validation errors (nothing stored);
// 2 on unreadable input or a store error.
int runImport(const StoreContext& ctx, const ImportOptions& options, std::ostream& out, std::ostream& err);

int runQueue(const StoreContext& ctx, bool json, std::ostream& out, std::ostream& err);
int runShow(const StoreContext& ctx, std::int64_t id, bool json, std::ostream& out, std::ostream& err);

struct StaffOptions {
    std::string action; // add, list, disable, reset-pin
    std::string username;
    std::string name;
    std::string role;
    bool json = false;
};
// PINs are read from `in` (one line), never from the command line.
int runStaff(const StoreContext& ctx, const StaffOptions& options, std::istream& in, std::ostream& out,
             std::ostream& err);

// Writes a checked copy of the database to `to` (default <data-dir>/backups/mrscreen-<UTC time>.db).
int runBackup(const StoreContext& ctx, const std::string& to, std::ostream& out, std::ostream& err);
// Reads every page of the database (quick_check): exit 0 when sound, 2 naming the damage and how
// to restore. What start-up does after an unclean shutdown, for a cron job or an administrator.
int runCheck(const StoreContext& ctx, std::ostream& out, std::ostream& err);

// `mrscreen store migrate` (pg_commands.cpp): the PostgreSQL database as its owner. The password
// comes from a file readable by its owner only (or libpq's ~/.pgpass), never the command line.
// Without --url, both come from the config's [storage] url and password_file.
struct StoreMigrateOptions {
    std::string url;          // empty: the config's [storage] url and password_file
    std::string passwordFile;
    std::string configPath;   // --config (the server's owner.toml, kiosk-setup/install.sh)
};
int runStoreMigrate(const StoreMigrateOptions& options, std::ostream& out, std::ostream& err);
// The first line of a password file (--password-file); refused unless only its owner can read it.
std::string readOwnerOnlyPasswordFile(const std::string& path);

// `mrscreen store copy` (store_copy_command.cpp): the box's SQLite store into a new, empty
// PostgreSQL database, as its owner; every id and audit event kept, both trails verified.
struct StoreCopyOptions {
    std::string to;           // postgresql://mrscreen_owner@host/mrscreen (never with a password)
    std::string from;         // the SQLite data directory; default: the config's data_dir
    std::string passwordFile; // default: the config's [storage] password_file, else ~/.pgpass
};
// Exit 0 when copied and the target's trail verifies; 1 refused (a non-empty target, a broken source
// trail, a password in the url); 2 when the source, a record file or the server cannot be used.
int runStoreCopy(const StoreContext& ctx, const StoreCopyOptions& options, std::ostream& out, std::ostream& err);

struct ExportOptions {
    std::int64_t id = 0;
    std::string pdf;  // copy the latest signed record here
    std::string fhir; // write the FHIR R4 Bundle here
};
int runExport(const StoreContext& ctx, const ExportOptions& options, std::ostream& out, std::ostream& err);

// Renders, signs and files a new record version of a screening (e.g. one imported before the site
// key existed). Exit 0 with the path; 1 without a signing key; 2 on errors.
int runRecord(const StoreContext& ctx, std::int64_t id, std::ostream& out, std::ostream& err);

// Creates the site's self-signed signing key (0600) and certificate where the config says; never
// overwrites. Prints the certificate's SHA-256 fingerprint and pins it in the --config file
// ([site] signer_sha256), or says which line to add when there is none or it cannot be written.
// Exit 0, or 2 with the reason.
int runKeygen(const StoreContext& ctx, const std::string& commonName, int days, std::ostream& out, std::ostream& err);
// Pins a certificate (default: the site's signing certificate) in the --config file's [site]
// signer_sha256, as keygen does when it may write the config: for an installer that runs keygen as
// the kiosk user and pins as root. Exit 0 when pinned or already pinned, 2 when it cannot.
int runPinSigner(const StoreContext& ctx, const std::string& certificate, std::ostream& out, std::ostream& err);

// Checks a record PDF's signature, its byte-range coverage, its certificate and whether the signer
// is trusted: pinned ([site] signer_sha256, or `signerSha256` alone when given) or issued under
// [site] trusted_ca. Always prints the signer certificate's SHA-256 fingerprint. Exit 0 when valid
// and trusted; 1 when altered, truncated, appended to or not the filed record; kExitUntrustedSigner
// when intact but signed by a certificate no anchor vouches for; 2 when unreadable or misconfigured.
inline constexpr int kExitUntrustedSigner = 3;
int runVerify(const StoreContext& ctx, const std::string& file, std::ostream& out, std::ostream& err,
              const std::string& signerSha256 = "");

struct AuditVerifyOptions {
    bool json = false;
    std::vector<std::string> anchors; // system log exports holding "mrscreen-audit-head" lines
    std::vector<std::string> records; // record PDFs whose audit head at signing must be in the chain
};
// Exit 0 when the audit chain is intact, its rows agree with the tables, and every anchor and
// record head given is in it; 1 naming the first altered, removed or moved row, the first table
// row that disagrees with its events, or the first anchored head no longer in the chain; 2 when a
// file cannot be read.
int runAuditVerify(const StoreContext& ctx, const AuditVerifyOptions& options, std::ostream& out, std::ostream& err);
int runAuditVerify(const StoreContext& ctx, bool json, std::ostream& out, std::ostream& err);

// Retention: deletes record files written more than `olderThan` ("30d") ago that have been exported
// since, marking each in the store and the audit trail. A file that is not there is reported
// "missing" and marked nothing. Exit 0; 1 when a file was kept (tampered or not deletable) or
// missing; 2 on bad input.
int runPurge(const StoreContext& ctx, const std::string& olderThan, bool dryRun, std::ostream& out, std::ostream& err);

struct KioskRunOptions {
    int width = 0, height = 0; // --windowed WxH; 0: fullscreen on the primary monitor
    std::string stateLog;      // append one line per screen change here (tests, diagnostics)
    std::string targetsFile;   // keep the visible touch targets here (scripts driving the window)
    bool station = false;      // `mrscreen station`: staff screens only
    std::chrono::steady_clock::time_point processStart = std::chrono::steady_clock::now();
};
// Runs the touchscreen kiosk until staff close it. Exit 0, or 2 with the reason it cannot start.
int runKiosk(const StoreContext& ctx, const KioskRunOptions& options, std::ostream& out, std::ostream& err);

// Seeds an empty data directory with sample screenings in every state the store keeps, demo staff
// accounts and (when missing) a site signing key. Exit 0; 2 when the database already holds a
// screening or a staff account (it is then left untouched), or seeding fails.
int runDemo(const StoreContext& ctx, std::ostream& out, std::ostream& err);

// Today's scheduled exams from the DICOM worklist ([worklist]); `date` YYYY-MM-DD, empty: today.
// Exit 0; 2 when no worklist is configured or it cannot be reached (the message says why).
int runWorklist(const StoreContext& ctx, const std::string& date, bool json, std::ostream& out, std::ostream& err);
// Links screening `id` to the worklist exam with this accession number; its next record version
// carries the identifiers. Exit 1 when no (or more than one) exam has it or the store refuses.
int runLink(const StoreContext& ctx, std::int64_t id, const std::string& accession, const std::string& date,
            std::ostream& out, std::ostream& err);

struct OutboxOptions {
    std::string action = "list"; // list, retry, send
    std::int64_t item = 0;       // retry: the item
    bool json = false;
};
// The records on their way to PACS: list them, ask for one to be tried now, or send what is due.
int runOutbox(const StoreContext& ctx, const OutboxOptions& options, std::ostream& out, std::ostream& err);

struct SpoolOptions {
    std::string action = "list"; // list, send
    bool json = false;
};
// The submissions this kiosk holds because the database did not take them (<data-dir>/spool.db):
// list them, or deliver them now. Exit 1 when some are still waiting after `send`.
int runSpool(const StoreContext& ctx, const SpoolOptions& options, std::ostream& out, std::ostream& err);

struct SpeakOptions {
    std::string form;     // stem or questionnaire file
    std::string item;     // linkId of a question (or group) on the page to speak
    std::string language; // default: the form's language
    std::string wav;      // where to write the speech
};
// Writes what the kiosk says for the page showing `item` (read aloud) to a WAV file, and prints the
// text and the length. Exit 0; 2 for an unknown linkId or language, an unwritable file, or no
// espeak-ng data (the message says what to install).
int runSpeak(const SpeakOptions& options, std::ostream& out, std::ostream& err);

} // namespace mrscreen::cli
