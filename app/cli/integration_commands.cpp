// The hospital's systems from the command line: today's scheduled exams (`worklist`), linking a
// screening to one (`link`), and the outbox of records for PACS (`outbox list|retry|send`).
#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/procedure_link.h"

#include "integration/outbox.h"
#include "integration/worklist.h"

#include <nlohmann/json.hpp>

#include <ostream>

namespace mrscreen::cli {

using nlohmann::json;

namespace {

void requireWorklist(const KioskConfig& config) {
    if (!config.worklist.configured())
        throw screening::InputError("", {"no worklist server is configured: set [worklist] host, port and called_ae "
                                         "in the --config file (see kiosk-setup/mrscreen.example.toml)"});
}

// "v2" (built by appending: GCC 12 warns falsely, -Wrestrict, on a literal plus a temporary).
std::string versionLabel(int version) {
    std::string label(1, 'v');
    label += std::to_string(version);
    return label;
}

std::string isoDay(const std::string& date) {
    return date.empty() ? todayIso() : date;
}

} // namespace

json procedureJson(const store::ProcedureLink& p) {
    return {{"patientId", p.patientId},
            {"issuerOfPatientId", p.issuerOfPatientId},
            {"patientName", p.patientName},
            {"patientBirthDate", p.patientBirthDate},
            {"patientSex", p.patientSex},
            {"accessionNumber", p.accessionNumber},
            {"requestedProcedureId", p.requestedProcedureId},
            {"procedureCode", p.procedureCode},
            {"procedureCodingScheme", p.procedureCodingScheme},
            {"procedureDescription", p.procedureDescription},
            {"studyInstanceUid", p.studyInstanceUid},
            {"stationAeTitle", p.stationAeTitle},
            {"stationName", p.stationName},
            {"scheduledStart", p.scheduledStart},
            {"linkedBy", p.linkedBy},
            {"linkedAt", p.linkedAt}};
}

json outboxJson(const store::OutboxItem& i) {
    return {{"id", i.id},           {"screening", i.screeningId}, {"recordVersion", i.recordVersion},
            {"destination", i.destination}, {"status", i.status}, {"attempts", i.attempts},
            {"nextAttemptAt", i.nextAttemptAt}, {"lastError", i.lastError}, {"createdAt", i.createdAt},
            {"sentAt", i.sentAt}, {"sopInstanceUid", i.sopInstanceUid}};
}

void printProcedure(std::ostream& out, const std::optional<store::ProcedureLink>& p) {
    if (!p) {
        out << "Exam      not linked to a scheduled exam\n";
        return;
    }
    out << "Exam      accession " << printable(p->accessionNumber) << ", patient ID " << printable(p->patientId)
        << ", " << printable(p->procedureDescription)
        << (p->procedureCode.empty() ? "" : " [" + printable(p->procedureCode) + "]") << "\n"
        << "          scheduled " << printable(p->scheduledStart) << " on " << printable(p->stationAeTitle)
        << ", study " << printable(p->studyInstanceUid) << "; linked by " << p->linkedBy << " at " << p->linkedAt
        << "\n";
}

void printOutbox(std::ostream& out, const std::vector<store::OutboxItem>& items) {
    for (const auto& i : items) {
        out << "PACS      record v" << i.recordVersion << ": ";
        if (i.status == "sent")
            out << "sent " << i.sentAt << "\n";
        else
            out << "waiting (" << i.attempts << " attempt(s)" << (i.lastError.empty() ? "" : "; last error: " + i.lastError)
                << ")\n";
    }
}

int runWorklist(const StoreContext& ctx, const std::string& date, bool asJson, std::ostream& out, std::ostream& err) {
    return guarded("worklist", err, [&] {
        const KioskConfig config = configFor(ctx);
        requireWorklist(config);
        const auto scheduled = integration::queryWorklist(config.worklist, worklistQuery(config, isoDay(date)));
        if (asJson) {
            json list = json::array();
            for (const auto& p : scheduled) list.push_back(procedureJson(p));
            out << list.dump(2) << "\n";
            return 0;
        }
        if (scheduled.empty()) {
            out << "No " << config.worklistModality << " exams are scheduled for " << isoDay(date) << ".\n";
            return 0;
        }
        out << padded("SCHEDULED", 18) << padded("ACCESSION", 14) << padded("PATIENT ID", 14) << padded("PATIENT", 26)
            << padded("BORN", 12) << padded("SCANNER", 12) << "PROCEDURE\n";
        for (const auto& p : scheduled)
            out << padded(p.scheduledStart, 18) << padded(p.accessionNumber, 14) << padded(p.patientId, 14)
                << padded(integration::personNameForPeople(p.patientName), 26) << padded(p.patientBirthDate, 12)
                << padded(p.stationAeTitle, 12) << printable(p.procedureDescription) << "\n";
        return 0;
    });
}

int runLink(const StoreContext& ctx, std::int64_t id, const std::string& accession, const std::string& date,
            std::ostream& out, std::ostream& err) {
    return guarded("link", err, [&] {
        const KioskConfig config = configFor(ctx);
        requireWorklist(config);
        const auto store = openStore(config);
        if (!store->screening(id)) {
            err << "mrscreen link: there is no screening " << id << " (mrscreen queue lists the open ones)\n";
            return 2;
        }
        const auto scheduled = integration::queryWorklist(config.worklist, worklistQuery(config, isoDay(date)));
        std::vector<store::ProcedureLink> found;
        for (const auto& p : scheduled)
            if (p.accessionNumber == accession) found.push_back(p);
        if (found.empty()) {
            err << "mrscreen link: no " << config.worklistModality << " exam with accession number '" << accession
                << "' is on the worklist for " << isoDay(date) << " (mrscreen worklist lists them; --date picks "
                << "another day)\n";
            return 1;
        }
        if (found.size() > 1) {
            err << "mrscreen link: accession number '" << accession << "' has " << found.size()
                << " scheduled steps on the worklist; link from the staff screen, where each is shown\n";
            return 1;
        }
        // The same check as on the staff screen: the exam must be this patient's.
        const auto patient = store->screening(id)->summary.patient;
        if (integration::matchPatient(found, patient).empty()) {
            err << "mrscreen link: accession '" << accession << "' is scheduled for "
                << printable(integration::personNameForPeople(found.front().patientName)) << ", born "
                << found.front().patientBirthDate << ", not for screening " << id << "'s patient "
                << patientName(patient) << ", born " << printable(patient.birthDate)
                << " (family name and birth date must match); nothing was linked\n";
            return 1;
        }
        auto catalog = formCatalog(*store, config);
        out << linkScheduledExam(*store, catalog, config, id, found.front(), operatorActor())
            << " The next record version carries the identifiers (mrscreen record " << id << ").\n";
        return 0;
    });
}

int runOutbox(const StoreContext& ctx, const OutboxOptions& options, std::ostream& out, std::ostream& err) {
    return guarded("outbox", err, [&] {
        const KioskConfig config = configFor(ctx);
        const auto store = openStore(config);
        if (options.action == "retry") {
            store->retryOutboxItem(options.item, operatorActor());
            out << "Outbox item " << options.item << " will be sent at the next attempt (now, with `mrscreen outbox send`, "
                << "or within a minute by a running kiosk).\n";
            return 0;
        }
        if (options.action == "send") {
            if (!config.pacs.configured())
                throw screening::InputError("", {"no PACS is configured: set [pacs] host, port and called_ae in the "
                                                 "--config file"});
            const auto pass = integration::sendDueRecords(*store, outboxSettings(config));
            for (const auto& p : pass.problems) err << "mrscreen outbox: " << p << "\n";
            out << pass.sent << " record(s) sent, " << pass.failed << " not sent.\n";
            return pass.failed ? 1 : 0;
        }
        const auto items = store->outbox();
        if (options.json) {
            json list = json::array();
            for (const auto& i : items) list.push_back(outboxJson(i));
            out << list.dump(2) << "\n";
            return 0;
        }
        if (items.empty()) {
            out << (config.pacs.configured() ? "The outbox is empty.\n"
                                             : "The outbox is empty (no [pacs] is configured, so nothing is queued).\n");
            return 0;
        }
        out << padded("ITEM", 6) << padded("SCREENING", 10) << padded("RECORD", 7) << padded("TO", 6)
            << padded("STATUS", 9) << padded("TRIES", 6) << padded("NEXT TRY / SENT (UTC)", 22) << "LAST ERROR\n";
        for (const auto& i : items)
            out << padded(std::to_string(i.id), 6) << padded(std::to_string(i.screeningId), 10)
                << padded(versionLabel(i.recordVersion), 7) << padded(i.destination, 6) << padded(i.status, 9)
                << padded(std::to_string(i.attempts), 6)
                << padded(i.status == "sent" ? i.sentAt : i.nextAttemptAt, 22) << printable(i.lastError) << "\n";
        return 0;
    });
}

integration::OutboxSettings outboxSettings(const KioskConfig& config) {
    integration::OutboxSettings s;
    s.pacs = config.pacs;
    s.siteName = config.siteName;
    s.workDir = config.dataDir + "/outbox";
    s.retrySeconds = config.pacsRetrySeconds;
    s.retryMaxSeconds = config.pacsRetryMaxSeconds;
    return s;
}

} // namespace mrscreen::cli
