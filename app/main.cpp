// mrscreen: the composition root. Parses the command line and hands over to a subcommand.
#include "cli/commands.h"

#include <CLI/CLI.hpp>

#include <sys/stat.h>

#include <iostream>

int main(int argc, char** argv) {
    using namespace mrscreen::cli;
    // Everything mrscreen writes (database, its -wal and -shm, backups, records, keys) holds patient
    // data or secrets: readable by the kiosk's own user only, whatever umask it was started with.
    umask(077);
    KioskRunOptions kiosk; // its clock starts here: "time to first frame" counts start-up
    CLI::App app{"mrscreen: MRI safety screening kiosk (no command: run the kiosk)"};
    app.require_subcommand(0, 1);
    app.fallthrough(); // --config and --data-dir may follow the subcommand

    StoreContext ctx;
    app.add_option("--config", ctx.configPath, "Configuration file (TOML; see kiosk-setup/mrscreen.example.toml)");
    app.add_option("--data-dir", ctx.dataDir, "Data directory: database, records, keys (default ./var)");
    std::string purgeOlderThan;
    bool purgeDryRun = false;
    auto* purge = app.add_subcommand("purge", "Delete record files already exported and older than N days (retention)");
    purge->add_option("--older-than", purgeOlderThan, "Age in days, e.g. 30d")->required();
    purge->add_flag("--dry-run", purgeDryRun, "Only list what would be deleted");
    std::string windowed;
    app.add_option("--windowed", windowed, "Run the kiosk in a WIDTHxHEIGHT window instead of fullscreen (development, tests)");
    app.add_option("--state-log", kiosk.stateLog, "Append the kiosk's screen changes to this file");
    app.add_option("--targets-file", kiosk.targetsFile, "Keep the kiosk's visible touch targets (id x y) in this file");
    auto* station = app.add_subcommand(
        "station", "A staff station (nurse station, control room): staff sign-in, queue, review and decision only");
    station->fallthrough(); // --windowed, --state-log and the rest also after the word


    EvaluateOptions ev;
    auto* evaluate = app.add_subcommand(
        "evaluate", "Evaluate a QuestionnaireResponse: enabled items, validation errors, derived values, flags");
    evaluate->add_option("--form", ev.form, "Form stem (forms/mri-safety) or questionnaire .json file")->required();
    evaluate->add_option("--response", ev.response, "QuestionnaireResponse JSON file")->required();
    evaluate->add_option("--creatinine", ev.creatinine, "Serum creatinine: VALUE mg/dL|umol/L")->expected(1, 2);
    evaluate->add_option("--creatinine-date", ev.creatinineDate, "Day the creatinine was taken (YYYY-MM-DD)");
    evaluate->add_option("--date", ev.date, "Screening date (default: the response's authored day, else today)");
    evaluate->add_option("--lang", ev.language, "Language of messages (default: the response's language)");
    evaluate->add_option("--contrast", ev.contrast,
                         "Is contrast planned: yes|no|unknown (default: the response's, else unknown = planned)");
    evaluate->add_flag("--json", ev.json, "Print JSON (documented in README.md)");

    EgfrOptions eg;
    auto* egfr = app.add_subcommand("egfr", "eGFR by the 2021 CKD-EPI creatinine equation (adults)");
    egfr->add_option("--creatinine", eg.creatinine, "Serum creatinine value")->required();
    egfr->add_option("--unit", eg.unit, "mg/dL or umol/L")->required();
    egfr->add_option("--age", eg.age, "Age in years (18 or older)")->required();
    egfr->add_option("--sex", eg.sex, "female or male")->required();
    egfr->add_flag("--json", eg.json, "Print JSON");

    ImportOptions im;
    auto* import = app.add_subcommand("import", "Store a completed QuestionnaireResponse as a submitted screening");
    import->add_option("--form", im.form, "Form stem or questionnaire file (default: the configured form)");
    import->add_option("--response", im.response, "QuestionnaireResponse JSON file")->required();
    import->add_flag("--json", im.json, "Print JSON");

    bool queueJson = false;
    auto* queue = app.add_subcommand("queue", "Screenings waiting for review or a decision");
    queue->add_flag("--json", queueJson, "Print JSON");

    std::int64_t showId = 0;
    bool showJson = false;
    auto* show = app.add_subcommand("show", "One screening with its flags and history");
    show->add_option("id", showId, "Screening id")->required();
    show->add_flag("--json", showJson, "Print JSON");

    StaffOptions st;
    auto* staff = app.add_subcommand("staff", "Staff accounts (PINs are read from standard input)");
    staff->require_subcommand(1);
    auto* staffAdd = staff->add_subcommand("add", "Add a staff account");
    staffAdd->add_option("--username", st.username, "Sign-in name, one word")->required();
    staffAdd->add_option("--name", st.name, "Name as it appears on records")->required();
    staffAdd->add_option("--role", st.role, "nurse, mrso, radiologist or admin")->required();
    auto* staffList = staff->add_subcommand("list", "List staff accounts");
    staffList->add_flag("--json", st.json, "Print JSON");
    auto* staffDisable = staff->add_subcommand("disable", "Disable an account");
    staffDisable->add_option("username", st.username, "Username")->required();
    auto* staffReset = staff->add_subcommand("reset-pin", "Set a new PIN and unlock the account");
    staffReset->add_option("username", st.username, "Username")->required();

    ExportOptions ex;
    auto* exportCmd = app.add_subcommand("export", "Copy out a screening's signed PDF or its FHIR R4 Bundle");
    exportCmd->add_option("id", ex.id, "Screening id")->required();
    exportCmd->add_option("--pdf", ex.pdf, "Write the latest signed record here");
    exportCmd->add_option("--fhir", ex.fhir, "Write the FHIR R4 Bundle here");

    std::string keyName;
    int keyDays = 3650;
    auto* keygen = app.add_subcommand("keygen", "Create a self-signed site key and certificate for signing records");
    keygen->add_option("--cn", keyName, "Name in the certificate (default: the site name)");
    keygen->add_option("--days", keyDays, "Validity in days (default 3650)");
    std::string pinCertificate;
    auto* pinSigner = app.add_subcommand("pin-signer", "Pin a signing certificate in the --config file, so verify trusts it");
    pinSigner->add_option("--cert", pinCertificate, "PEM certificate (default: the site's signing certificate)");

    std::int64_t recordId = 0;
    auto* recordCmd = app.add_subcommand("record", "Render, sign and file a new record version of a screening");
    recordCmd->add_option("id", recordId, "Screening id")->required();

    std::string verifyFile, verifySigner;
    auto* verify = app.add_subcommand(
        "verify", "Check a record PDF's signature and its signer (exit 0 valid, 1 not valid, 3 untrusted signer)");
    verify->add_option("file", verifyFile, "The PDF")->required();
    verify->add_option("--signer-sha256", verifySigner,
                       "Trust only the signer certificate with this SHA-256 fingerprint (instead of the config's anchors)");

    std::string backupTo;
    auto* backup = app.add_subcommand("backup", "Write a checked copy of the database");
    backup->add_option("--to", backupTo, "Backup file (default: <data-dir>/backups/mrscreen-<time>.db)");
    auto* check = app.add_subcommand("check", "Read the whole database and check it (also done after a crash and by the backup)");

    StoreMigrateOptions migrateOptions;
    auto* storeCmd = app.add_subcommand("store", "The shared PostgreSQL store");
    storeCmd->require_subcommand(1);
    auto* storeMigrate = storeCmd->add_subcommand(
        "migrate", "Bring the PostgreSQL schema up to date and set the application role's grants (as its owner)");
    storeMigrate->add_option("--url", migrateOptions.url,
                             "postgresql://mrscreen_owner@host/mrscreen (default: the config's [storage] url)");
    storeMigrate->add_option("--password-file", migrateOptions.passwordFile,
                             "File (mode 0600) holding the owner's password; default: ~/.pgpass");
    StoreCopyOptions copyOptions;
    auto* storeCopy = storeCmd->add_subcommand(
        "copy", "Copy this box's SQLite store (screenings, staff, records, audit trail) into a new, empty PostgreSQL "
                "database, as its owner, verifying the trail on both sides");
    storeCopy->add_option("--to", copyOptions.to, "postgresql://mrscreen_owner@host/mrscreen (no password in it)")
        ->required();
    storeCopy->add_option("--from", copyOptions.from, "The SQLite data directory (default: the config's data_dir)");
    storeCopy->add_option("--password-file", copyOptions.passwordFile,
                          "File (mode 0600) holding the owner's password; default: the config's [storage] "
                          "password_file, else ~/.pgpass");

    auto* demo = app.add_subcommand(
        "demo", "Seed an empty data directory with sample screenings in every state and demo staff accounts");

    AuditVerifyOptions auditOptions;
    auto* audit = app.add_subcommand("audit", "The tamper-evident audit trail");
    audit->require_subcommand(1);
    auto* auditVerify = audit->add_subcommand(
        "verify", "Check every link of the audit chain and the tables against it");
    auditVerify->add_flag("--json", auditOptions.json, "Print JSON");
    auditVerify->add_option("--anchors", auditOptions.anchors,
                            "A system log export (journalctl, rsyslog file) with the anchored heads; repeatable");
    auditVerify->add_option("--record", auditOptions.records,
                            "A signed record PDF whose audit head at signing must be in the chain; repeatable");

    std::string worklistDate;
    bool worklistJson = false;
    auto* worklist = app.add_subcommand("worklist", "The day's scheduled exams from the DICOM Modality Worklist ([worklist])");
    worklist->add_option("--date", worklistDate, "YYYY-MM-DD (default: today, with [worklist] days_before/days_after)");
    worklist->add_flag("--json", worklistJson, "Print JSON");
    std::int64_t linkId = 0;
    std::string linkAccession;
    auto* link = app.add_subcommand("link", "Link a screening to its scheduled exam on the worklist (by accession number)");
    link->add_option("id", linkId, "Screening id")->required();
    link->add_option("--accession", linkAccession, "The exam's accession number")->required();
    link->add_option("--date", worklistDate, "The day the exam is scheduled (default: today)");
    OutboxOptions outboxOptions;
    auto* outbox = app.add_subcommand("outbox", "Signed records on their way to PACS ([pacs])");
    outbox->require_subcommand(1);
    auto* outboxList = outbox->add_subcommand("list", "Every record sent or waiting, with its attempts and last error");
    outboxList->add_flag("--json", outboxOptions.json, "Print JSON");
    auto* outboxRetry = outbox->add_subcommand("retry", "Try a waiting record again now");
    outboxRetry->add_option("item", outboxOptions.item, "Outbox item (mrscreen outbox list)")->required();
    auto* outboxSend = outbox->add_subcommand("send", "Send every record that is due now (a running kiosk does this by itself)");
    SpoolOptions spoolOptions;
    auto* spool = app.add_subcommand("spool", "Submissions this kiosk holds because the database did not take them");
    spool->require_subcommand(1);
    auto* spoolList = spool->add_subcommand("list", "Every submission waiting, with its attempts and last error");
    spoolList->add_flag("--json", spoolOptions.json, "Print JSON");
    auto* spoolSend = spool->add_subcommand("send", "Deliver them now (a running kiosk does this by itself)");

    SpeakOptions sp;
    auto* speak = app.add_subcommand("speak", "Write what the kiosk reads aloud for a question's page to a WAV file");
    speak->add_option("--form", sp.form, "Form stem (forms/mri-safety) or questionnaire .json file")->required();
    speak->add_option("--item", sp.item, "linkId of a question on the page")->required();
    speak->add_option("--lang", sp.language, "Language: en, es (default: the form's)");
    speak->add_option("--wav", sp.wav, "WAV file to write")->required();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    if (evaluate->parsed()) return runEvaluate(ev, std::cout, std::cerr);
    if (egfr->parsed()) return runEgfr(eg, std::cout, std::cerr);
    if (speak->parsed()) return runSpeak(sp, std::cout, std::cerr);
    if (import->parsed()) return runImport(ctx, im, std::cout, std::cerr);
    if (queue->parsed()) return runQueue(ctx, queueJson, std::cout, std::cerr);
    if (show->parsed()) return runShow(ctx, showId, showJson, std::cout, std::cerr);
    if (staff->parsed()) {
        for (auto* sub : {staffAdd, staffList, staffDisable, staffReset})
            if (sub->parsed()) st.action = sub->get_name();
        return runStaff(ctx, st, std::cin, std::cout, std::cerr);
    }
    if (exportCmd->parsed()) return runExport(ctx, ex, std::cout, std::cerr);
    if (keygen->parsed()) return runKeygen(ctx, keyName, keyDays, std::cout, std::cerr);
    if (pinSigner->parsed()) return runPinSigner(ctx, pinCertificate, std::cout, std::cerr);
    if (recordCmd->parsed()) return runRecord(ctx, recordId, std::cout, std::cerr);
    if (verify->parsed()) return runVerify(ctx, verifyFile, std::cout, std::cerr, verifySigner);
    if (backup->parsed()) return runBackup(ctx, backupTo, std::cout, std::cerr);
    if (check->parsed()) return runCheck(ctx, std::cout, std::cerr);
    if (storeMigrate->parsed()) {
        migrateOptions.configPath = ctx.configPath;
        return runStoreMigrate(migrateOptions, std::cout, std::cerr);
    }
    if (storeCopy->parsed()) return runStoreCopy(ctx, copyOptions, std::cout, std::cerr);
    if (auditVerify->parsed()) return runAuditVerify(ctx, auditOptions, std::cout, std::cerr);
    if (demo->parsed()) return runDemo(ctx, std::cout, std::cerr);
    if (worklist->parsed()) return runWorklist(ctx, worklistDate, worklistJson, std::cout, std::cerr);
    if (link->parsed()) return runLink(ctx, linkId, linkAccession, worklistDate, std::cout, std::cerr);
    if (outbox->parsed()) {
        for (auto* sub : {outboxList, outboxRetry, outboxSend})
            if (sub->parsed()) outboxOptions.action = sub->get_name();
        return runOutbox(ctx, outboxOptions, std::cout, std::cerr);
    }
    if (spool->parsed()) {
        for (auto* sub : {spoolList, spoolSend})
            if (sub->parsed()) spoolOptions.action = sub->get_name();
        return runSpool(ctx, spoolOptions, std::cout, std::cerr);
    }
    if (purge->parsed()) return runPurge(ctx, purgeOlderThan, purgeDryRun, std::cout, std::cerr);
    if (!windowed.empty()) {
        const auto x = windowed.find('x');
        try {
            kiosk.width = std::stoi(windowed.substr(0, x));
            kiosk.height = x == std::string::npos ? 0 : std::stoi(windowed.substr(x + 1));
        } catch (const std::exception&) {
            kiosk.width = 0;
        }
        if (kiosk.width < 320 || kiosk.height < 240 || kiosk.width > 8192 || kiosk.height > 8192) {
            std::cerr << "mrscreen: --windowed takes WIDTHxHEIGHT in pixels, at least 320x240 (for example 1280x800), not '"
                      << windowed << "'\n";
            return 2;
        }
    }
    kiosk.station = station->parsed();
    return runKiosk(ctx, kiosk, std::cout, std::cerr);
}
