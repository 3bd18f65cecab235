#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/config.h"
#include "cli/form_files.h"
#include "cli/procedure_link.h"
#include "cli/submission.h"

#include "record/fhir_export.h"
#include "record/record_text.h"
#include "screening/answers.h"
#include "screening/assessment.h"
#include "screening/response.h"
#include "screening/derived.h"
#include "store/audit.h"
#include "store/atomic_file.h"
#include "store/clock.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <termios.h>
#include <unistd.h>

namespace mrscreen::cli {

using namespace screening;
using nlohmann::json;

namespace {

json summaryJson(const store::ScreeningSummary& s) {
    return {{"id", s.id},
            {"state", stateName(s.state)},
            {"patient", {{"family", s.patient.familyName}, {"given", s.patient.givenName},
                         {"birthDate", s.patient.birthDate}, {"sex", s.patient.sex}}},
            {"origin", s.origin},
            {"submittedAt", s.submittedAt},
            {"reviewedBy", s.reviewedBy},
            {"flags", {{"stop", s.stopFlags}, {"review", s.reviewFlags}, {"info", s.infoFlags}, {"open", s.openFlags}}}};
}

// Every answered question that applies, in form order, with the text of the screening's own form:
// [{"linkId", "question", "answers": [...]}].
json answersJson(const ScreeningAnswers& answers, const std::string& language) {
    const Questionnaire& form = answers.form();
    json list = json::array();
    for (int i : answers.enabledItems()) {
        const Item& item = form.items[std::size_t(i)];
        if (!isQuestion(item.type)) continue;
        json texts = json::array();
        for (const Value* v : answers.answersOf(i)) {
            const AnswerOption* option = item.option(*v);
            texts.push_back(option ? option->display.in(language) : v->toText());
        }
        if (!texts.empty())
            list.push_back({{"linkId", item.linkId}, {"question", item.text.in(language)}, {"answers", texts}});
    }
    return list;
}

std::string joined(const json& texts) {
    std::string out;
    for (const auto& t : texts)
        if (t.is_string()) out += (out.empty() ? "" : "; ") + t.get<std::string>();
    return out;
}


// Reads a PIN: without echo on a terminal, else one line from the stream.
std::string readSecret(std::istream& in, std::ostream& out, const std::string& prompt) {
    const bool tty = &in == &std::cin && isatty(STDIN_FILENO);
    termios saved{};
    if (tty) {
        out << prompt << std::flush;
        tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string secret;
    std::getline(in, secret);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        out << "\n";
    }
    if (!secret.empty() && secret.back() == '\r') secret.pop_back();
    return secret;
}

} // namespace

int runImport(const StoreContext& ctx, const ImportOptions& o, std::ostream& out, std::ostream& err) {
    return guarded("import", err, [&] {
        const KioskConfig config = configFor(ctx);
        const FormFiles f = loadFormFiles(o.form.empty() ? config.form : o.form);
        const std::string responseText = readFile(o.response);
        const Response response = readResponse(responseText, o.response);
        if (const auto mismatch = formMismatch(response, f.form); !mismatch.empty())
            throw InputError(o.response, {mismatch});
        if (response.status != "completed" && response.status != "amended")
            throw InputError(o.response, {"its status is '" + response.status +
                                          "': only a completed response can be submitted for review"});
        const auto store = openStore(config);
        const Submission sub = submitResponse(*store, config, f, response, "import", operatorActor(), todayIso(), err);
        const Assessment& a = sub.assessment;
        if (!a.valid()) {
            err << "mrscreen import: " << o.response << " was not stored: it has " << a.errors.size()
                << " validation error(s)\n";
            // linkIds and codes, never an answer (an impossible date's message quotes it): this goes to logs.
            for (const auto& e : a.errors)
                err << "  " << padded(e.linkId, 28) << padded(e.code, 22)
                    << (e.code == "invalid-date" ? validationMessage(e.code, "en", {{"value", "The date given"}})
                                                 : e.message)
                    << "\n";
            return 1;
        }
        const std::int64_t id = sub.id;
        const std::optional<std::string>& recordPath = sub.recordPath;
        if (o.json)
            out << json{{"id", id}, {"flags", a.flags.size()},
                        {"record", recordPath ? json(*recordPath) : json(nullptr)}}
                       .dump()
                << "\n";
        else
            out << "Stored screening " << id << " (" << a.flags.size() << " flag(s)), waiting for review"
                << (recordPath ? "; signed record " + *recordPath : std::string()) << ".\n";
        return 0;
    });
}

int runQueue(const StoreContext& ctx, bool asJson, std::ostream& out, std::ostream& err) {
    return guarded("queue", err, [&] {
        const auto store = openStore(configFor(ctx));
        const auto queue = store->queue();
        if (asJson) {
            json list = json::array();
            for (const auto& s : queue) list.push_back(summaryJson(s));
            out << list.dump(2) << "\n";
            return 0;
        }
        if (queue.empty()) {
            out << "No screenings are waiting for review or a decision.\n";
            return 0;
        }
        out << padded("ID", 8) << padded("SUBMITTED (UTC)", 18) << padded("PATIENT", 28) << padded("BORN", 12)
            << padded("STATE", 11) << "STOP REVIEW INFO OPEN\n";
        for (const auto& s : queue)
            out << padded(std::to_string(s.id), 8) << padded(s.submittedAt.substr(0, 16), 18)
                << padded(patientName(s.patient), 28) << padded(s.patient.birthDate, 12)
                << padded(stateName(s.state), 11) << std::setw(4) << s.stopFlags << std::setw(7) << s.reviewFlags
                << std::setw(5) << s.infoFlags << std::setw(5) << s.openFlags << "\n";
        return 0;
    });
}

// Every signed record version of a screening, oldest first. A signed PDF is never rewritten: an
// older version is marked superseded here (and by the newer one, which says what it replaces).
static std::vector<store::StoredRecord> recordVersions(store::Store& store, std::int64_t id) {
    std::vector<store::StoredRecord> versions;
    const auto latest = store.latestRecord(id);
    for (int v = 1; latest && v <= latest->version; ++v)
        if (auto r = store.record(id, v)) versions.push_back(std::move(*r));
    return versions;
}

static void printRecordVersions(std::ostream& out, const std::vector<store::StoredRecord>& versions) {
    if (versions.empty()) return;
    out << "\nRecords\n";
    for (const auto& r : versions) {
        out << "  version " << r.version << "  " << record::localTimeText(r.createdAt) << "  ";
        if (r.version < versions.back().version)
            out << record::supersededText(versions.back().version);
        else
            out << "current";
        if (!r.purgedAt.empty()) out << " (file purged " << record::localTimeText(r.purgedAt) << ")";
        out << "\n";
    }
}

int runShow(const StoreContext& ctx, std::int64_t id, bool asJson, std::ostream& out, std::ostream& err) {
    return guarded("show", err, [&] {
        const KioskConfig config = configFor(ctx);
        const auto store = openStore(config);
        const auto d = store->screening(id);
        if (!d) {
            err << "mrscreen show: there is no screening " << id << " (mrscreen queue lists the open ones)\n";
            return 2;
        }
        // Shown only with the form it was answered with; without it, refused (nothing printed).
        auto catalog = formCatalog(*store, config);
        const auto version = catalog.forScreening(*d);
        const std::string language = version->form.supportsLanguage(d->language) ? d->language : version->form.language;
        const Response response = readResponse(d->responseJson, "screening " + std::to_string(id));
        const ScreeningAnswers answers(version->form, response); // keeps a reference to both
        if (asJson) {
            json j = summaryJson(d->summary);
            j["form"] = {{"url", d->formUrl}, {"version", d->formVersion}, {"sha256", d->formSha256},
                         {"rulesSha256", d->rulesSha256}};
            j["language"] = d->language;
            j["amends"] = d->amendsId ? json(*d->amendsId) : json(nullptr);
            j["amendedBy"] = d->amendedById ? json(*d->amendedById) : json(nullptr);
            j["responseVersion"] = d->responseVersion;
            j["response"] = json::parse(d->responseJson, nullptr, false);
            j["flagList"] = json::array();
            for (const auto& f : d->flags)
                j["flagList"].push_back({{"id", f.ruleId}, {"category", f.category},
                                         {"severity", severityName(f.severity)}, {"message", f.message},
                                         {"triggers", json::parse(f.triggersJson, nullptr, false)},
                                         {"status", verdictName(f.status)}, {"statusBy", f.statusBy},
                                         {"statusAt", f.statusAt}, {"note", f.note}, {"gate", f.gate}});
            j["contrastPlanned"] = {{"planned", d->contrastPlanned}, {"by", d->contrastPlannedBy},
                                    {"at", d->contrastPlannedAt}};
            j["answers"] = answersJson(answers, language);
            j["ignoredAnswers"] = json::parse(d->ignoredAnswersJson, nullptr, false);
            if (d->decision)
                j["decision"] = {{"outcome", d->decision->outcome}, {"conditions", d->decision->conditions},
                                 {"overrideReason", d->decision->overrideReason},
                                 {"decidedBy", d->decision->decidedBy}, {"decidedAt", d->decision->decidedAt}};
            // Both parts of the decision: Zone IV ("decision", above, kept for readers of 1.x) and contrast.
            j["decisions"] = {{"zoneIv", j.contains("decision") ? j["decision"] : json(nullptr)},
                              {"contrast", d->contrastDecision
                                               ? json{{"outcome", d->contrastDecision->outcome},
                                                      {"conditions", d->contrastDecision->conditions},
                                                      {"reason", d->contrastDecision->reason},
                                                      {"decidedBy", d->contrastDecision->decidedBy},
                                                      {"decidedAt", d->contrastDecision->decidedAt}}
                                               : json(nullptr)}};
            j["procedure"] = d->procedure ? procedureJson(*d->procedure) : json(nullptr);
            j["records"] = json::array();
            const auto versions = recordVersions(*store, id);
            for (const auto& r : versions)
                j["records"].push_back({{"version", r.version},
                                        {"createdAt", r.createdAt},
                                        {"sha256", r.sha256},
                                        {"supersededBy", r.version < versions.back().version
                                                             ? json(versions.back().version)
                                                             : json(nullptr)}});
            j["outbox"] = json::array();
            for (const auto& item : store->outbox(id)) j["outbox"].push_back(outboxJson(item));
            j["history"] = json::array();
            for (const auto& e : d->history)
                j["history"].push_back({{"seq", e.seq}, {"at", e.at}, {"actor", e.actor}, {"action", e.action},
                                        {"detail", json::parse(e.detailJson, nullptr, false)}});
            out << j.dump(2) << "\n";
            return 0;
        }
        const auto& s = d->summary;
        out << "Screening " << s.id << ": " << stateName(s.state) << "\n"
            << "Patient   " << patientName(s.patient) << ", born " << printable(s.patient.birthDate) << ", "
            << printable(s.patient.sex)
            << "\n"
            << "Form      " << d->formUrl << " | " << d->formVersion << " (sha256 " << d->formSha256.substr(0, 12)
            << ")\n"
            << "Submitted " << s.submittedAt << " (" << s.origin << ")\n"
            << "Contrast  planned: " << d->contrastPlanned
            << (d->contrastPlanned == "unknown" ? " (counts as planned)" : "")
            << (d->contrastPlannedBy.empty() ? "" : ", set by " + d->contrastPlannedBy + " at " + d->contrastPlannedAt)
            << "\n";
        if (d->amendsId) out << "Corrects  screening " << *d->amendsId << "\n";
        if (d->amendedById) out << "Replaced  by screening " << *d->amendedById << "\n";
        printProcedure(out, d->procedure);
        printOutbox(out, store->outbox(id));
        printRecordVersions(out, recordVersions(*store, id));
        out << "\nFlags (" << d->flags.size() << ")\n";
        for (const auto& f : d->flags) {
            std::string severity = severityName(f.severity);
            for (auto& c : severity) c = char(std::toupper(static_cast<unsigned char>(c)));
            out << "  " << padded(severity, 8) << padded(f.ruleId, 30) << padded(f.gate, 10)
                << padded(verdictName(f.status), 10) << printable(f.message) << "\n";
            if (!f.statusBy.empty())
                out << "  " << std::string(58, ' ') << "by " << f.statusBy << " at " << f.statusAt
                    << (f.note.empty() ? "" : ": " + printable(f.note)) << "\n";
        }
        out << "\nDecision\n";
        if (d->decision)
            out << "  Zone IV   " << d->decision->outcome << " by " << d->decision->decidedBy << " at "
                << d->decision->decidedAt << (d->decision->conditions.empty() ? "" : "; conditions: " + printable(d->decision->conditions))
                << (d->decision->overrideReason.empty() ? "" : "; reason: " + printable(d->decision->overrideReason)) << "\n";
        else
            out << "  Zone IV   not decided yet\n";
        if (const auto& c = d->contrastDecision)
            out << "  Contrast  " << c->outcome << " by " << c->decidedBy << " at " << c->decidedAt
                << (c->conditions.empty() ? "" : "; conditions: " + printable(c->conditions))
                << (c->reason.empty() ? "" : "; reason: " + printable(c->reason)) << "\n";
        else
            out << "  Contrast  not decided yet\n";
        out << "\nAnswers (" << version->form.url << "|" << version->form.version << ", " << language << ")\n";
        for (const auto& a : answersJson(answers, language))
            out << "  " << printable(a["question"].get<std::string>()) << "\n    " << printable(joined(a["answers"])) << "\n";
        const json ignored = json::parse(d->ignoredAnswersJson, nullptr, false);
        if (ignored.is_array() && !ignored.empty()) {
            out << "\nAnswers to questions that did not apply (kept for staff)\n";
            for (const auto& a : ignored)
                if (a.is_object())
                    out << "  " << printable(a.value("question", a.value("linkId", ""))) << "\n    "
                        << printable(a.contains("answers") ? joined(a["answers"]) : std::string()) << "\n";
        }
        out << "\nHistory\n";
        for (const auto& e : d->history)
            out << "  " << padded(e.at.substr(0, 19), 21) << padded(e.actor, 20) << e.action << "\n";
        return 0;
    });
}

int runStaff(const StoreContext& ctx, const StaffOptions& o, std::istream& in, std::ostream& out, std::ostream& err) {
    return guarded("staff", err, [&] {
        const auto store = openStore(configFor(ctx));
        const Actor by = operatorActor();
        if (o.action == "add") {
            const auto role = parseRole(o.role);
            if (!role || *role == Role::Patient)
                throw InputError("--role", {"'" + o.role + "' is not nurse, mrso, radiologist or admin"});
            const std::string pin = readSecret(in, out, "PIN for " + o.username + ": ");
            store->addStaff(o.username, o.name, *role, pin, by);
            out << "Added " << o.name << " (" << o.username << ", " << roleName(*role) << ").\n";
        } else if (o.action == "list") {
            const auto members = store->staff();
            if (o.json) {
                json list = json::array();
                for (const auto& m : members)
                    list.push_back({{"username", m.username}, {"name", m.displayName}, {"role", roleName(m.role)},
                                    {"disabled", m.disabled}, {"lockedUntil", m.lockedUntil},
                                    {"createdAt", m.createdAt}});
                out << list.dump(2) << "\n";
            } else if (members.empty()) {
                out << "No staff accounts yet: add one with mrscreen staff add.\n";
            } else {
                for (const auto& m : members)
                    out << padded(m.username, 16) << padded(m.displayName, 28) << padded(roleName(m.role), 12)
                        << (m.disabled ? "disabled" : m.lockedUntil.empty() ? "active" : "locked until " + m.lockedUntil)
                        << "\n";
            }
        } else if (o.action == "disable") {
            store->disableStaff(o.username, by);
            out << "Disabled " << o.username << ": the account can no longer sign in.\n";
        } else if (o.action == "reset-pin") {
            const std::string pin = readSecret(in, out, "New PIN for " + o.username + ": ");
            store->resetSecret(o.username, pin, by);
            out << "New PIN set for " << o.username << "; the account is unlocked.\n";
        } else {
            throw InputError("staff", {"unknown action '" + o.action + "' (add, list, disable, reset-pin)"});
        }
        return 0;
    });
}

int runBackup(const StoreContext& ctx, const std::string& to, std::ostream& out, std::ostream& err) {
    return guarded("backup", err, [&] {
        const KioskConfig config = configFor(ctx);
        std::string target = to;
        if (target.empty()) {
            std::string stamp = store::nowUtc().substr(0, 19);
            stamp.erase(std::remove(stamp.begin(), stamp.end(), ':'), stamp.end());
            const auto dir = std::filesystem::path(config.dataDir) / "backups";
            std::filesystem::create_directories(dir);
            target = (dir / ("mrscreen-" + stamp + "Z.db")).string();
        }
        if (std::filesystem::exists(target))
            throw InputError(target, {"already exists; a backup never overwrites a file"});
        const auto store = openStore(config);
        store->backupTo(target);
        out << "Backup written and checked: " << target << "\n"
            << "To restore: stop the kiosk, copy it over " << config.databasePath()
            << " (remove the -wal and -shm files beside it), start the kiosk.\n";
        return 0;
    });
}

int runCheck(const StoreContext& ctx, std::ostream& out, std::ostream& err) {
    return guarded("check", err, [&] {
        const KioskConfig config = configFor(ctx);
        const auto store = openStore(config);
        store->checkIntegrity();
        out << "Database checked, every page sound: " << config.databasePath() << " ("
            << store->countScreenings() << " screening(s)).\n";
        return 0;
    });
}

// Patient data may leave only with an audit entry: when it cannot be written, the copy is removed.
static void auditedOrRemoved(store::Store& store, std::int64_t id, const std::string& what, const std::string& path,
                      const Actor& by) {
    try {
        store.noteExport(id, what, path, by);
    } catch (...) {
        std::filesystem::remove(path);
        throw;
    }
}

int runExport(const StoreContext& ctx, const ExportOptions& o, std::ostream& out, std::ostream& err) {
    return guarded("export", err, [&] {
        if (o.pdf.empty() == o.fhir.empty())
            throw InputError("export", {"give exactly one of --pdf OUT.pdf or --fhir OUT.json"});
        const KioskConfig config = configFor(ctx);
        const auto store = openStore(config);
        const auto detail = store->screening(o.id);
        if (!detail) throw InputError("export", {"there is no screening " + std::to_string(o.id)});
        // Exported only with the form it was answered with; without it, refused (nothing written).
        auto catalog = formCatalog(*store, config);
        catalog.forScreening(*detail);
        const auto latest = store->latestRecord(o.id);
        // Read through the store, which checks the bytes against the SHA-256 filed with them and
        // refuses a purged, missing or changed record with what to do.
        std::string pdf;
        try {
            if (latest) pdf = store->recordPdf(o.id, latest->version);
        } catch (const store::RecordUnreadable& e) {
            if (e.missing()) throw;
            // Not the bytes that were filed: tampering or damage, refused as before with what to do.
            throw store::Refused((e.where().rfind('/', 0) == 0 ? "the record file " : "the record kept in ") +
                                 e.where() + " does not match the checksum stored when it was written; it was "
                                 "changed or replaced, so version " + std::to_string(latest->version) +
                                 " of screening " + std::to_string(o.id) + " is not exported. Keep it as evidence, "
                                 "report it to the MR safety officer, and restore the record from a backup");
        }
        const Actor by = operatorActor();
        if (!o.pdf.empty()) {
            if (!latest) throw store::Refused("screening " + std::to_string(o.id) + " has no signed record yet");
            store::writeFileAtomically(o.pdf, pdf);
            auditedOrRemoved(*store, o.id, "pdf", o.pdf, by);
            out << "Wrote " << o.pdf << " (record version " << latest->version << ", the current one";
            if (latest->version > 1) out << "; versions 1-" << latest->version - 1 << " are superseded by it";
            out << ", " << pdf.size() << " bytes).\n";
        } else {
            record::FhirExportInput in{&*detail, pdf, latest ? latest->version : 0, config.siteName};
            store::writeFileAtomically(o.fhir, record::fhirBundle(in).dump(2) + "\n");
            auditedOrRemoved(*store, o.id, "fhir", o.fhir, by);
            out << "Wrote " << o.fhir << " (FHIR R4 Bundle: QuestionnaireResponse"
                << (latest ? " and DocumentReference with the signed PDF" : "; no signed record yet") << ").\n";
        }
        return 0;
    });
}

} // namespace mrscreen::cli

namespace mrscreen::cli {

int runPurge(const StoreContext& ctx, const std::string& olderThan, bool dryRun, std::ostream& out, std::ostream& err) {
    return guarded("purge", err, [&] {
        // "30d": whole days; 0d purges every record file already exported.
        int days = -1;
        if (olderThan.size() >= 2 && olderThan.back() == 'd' &&
            olderThan.find_first_not_of("0123456789") == olderThan.size() - 1)
            days = std::stoi(olderThan.substr(0, olderThan.size() - 1));
        if (days < 0 || days > 36500)
            throw InputError("purge", {"--older-than takes a number of days such as 30d, not '" + olderThan + "'"});
        const KioskConfig config = configFor(ctx);
        const auto store = openStore(config);
        const std::string before = store::addSeconds(store::nowUtc(), -static_cast<long long>(days) * 86400);
        const auto candidates = store->purgeCandidates(before);
        int purged = 0, kept = 0, missing = 0;
        for (const auto& c : candidates) {
            // Where the bytes are kept, for the messages (the file, for the SQLite store).
            const std::string where = c.path.empty() ? "record " + std::to_string(c.id) + " version " +
                                                           std::to_string(c.version)
                                                     : c.path;
            try {
                if (dryRun) {
                    store->recordPdf(c.id, c.version); // the same check a real run makes first
                    out << "would purge " << where << " (screening " << c.id << ", version " << c.version
                        << ", written " << c.createdAt << ")\n";
                    continue;
                }
                store->purgeRecord(c.id, c.version, operatorActor());
                out << "purged " << where << " (screening " << c.id << ", version " << c.version << ")\n";
                ++purged;
            } catch (const store::RecordUnreadable& e) {
                // Not there: nothing is deleted, so nothing is marked purged. It stays a candidate and
                // is reported on every run until someone finds out where it went.
                if (e.missing()) {
                    err << "mrscreen purge: missing " << e.where() << " (screening " << c.id << ", version "
                        << c.version << "): it is not there, so it was not purged and stays on the list; find out "
                        << "who moved or deleted it (the data directory is " << config.dataDir << ")\n";
                    ++missing;
                } else { // not the one filed: evidence of tampering, never deleted
                    err << "mrscreen purge: kept " << e.where() << ": it does not match the checksum filed for "
                        << "screening " << c.id << " version " << c.version << "; keep it as evidence and report it\n";
                    ++kept;
                }
            } catch (const store::StoreError& e) { // could not be deleted: nothing was marked
                err << "mrscreen purge: " << e.what() << "\n";
                ++kept;
            }
        }
        if (!dryRun)
            out << "Purged " << purged << " exported record file(s) older than " << days << " day(s)"
                << (kept ? "; kept " + std::to_string(kept) + " (see above)" : std::string())
                << (missing ? "; " + std::to_string(missing) + " missing, not purged (see above)" : std::string())
                << ". The audit trail records each one purged; 'mrscreen audit verify' still checks every link.\n";
        return kept || missing ? 1 : 0;
    });
}

} // namespace mrscreen::cli
