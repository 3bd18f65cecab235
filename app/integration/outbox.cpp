#include "integration/outbox.h"

#include "integration/encapsulated_pdf.h"
#include "integration/pacs.h"
#include "store/audit.h"
#include "store/clock.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iomanip>
#include <sstream>

namespace mrscreen::integration {

namespace {

const screening::Actor kOutboxActor{"outbox", screening::Role::Admin};

std::string now(const OutboxSettings& s) {
    return s.nowUtc ? s.nowUtc() : store::nowUtc();
}

// "2026-11-30T10:00:00Z" plus `seconds`, in the same form.
std::string laterUtc(const std::string& iso, int seconds) {
    std::tm tm{};
    std::istringstream in(iso.substr(0, 19));
    in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
    if (in.fail()) return iso;
    const std::time_t t = timegm(&tm) + seconds;
    std::tm out{};
    gmtime_r(&t, &out);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &out);
    return text;
}

// One item: the record read back and checked against its registered SHA-256, wrapped and sent.
std::string sendItem(store::Store& store, const OutboxSettings& settings, const store::OutboxItem& item) {
    const auto record = store.record(item.screeningId, item.recordVersion);
    if (!record)
        throw DicomError("record version " + std::to_string(item.recordVersion) + " of screening " +
                         std::to_string(item.screeningId) + " is not in the store");
    if (!record->purgedAt.empty())
        throw DicomError("the record file was deleted under the retention policy before it reached PACS");
    // Read through the store, checked against the SHA-256 it was filed with: missing or changed
    // bytes are never sent. This item alone fails (tried again later, once they are restored); the
    // pass goes on with the others, as it stops only for a store that cannot be used at all.
    std::string pdf;
    try {
        pdf = store.recordPdf(item.screeningId, item.recordVersion);
    } catch (const store::RecordUnreadable& e) {
        throw DicomError(std::string(e.what()) + "; it is not sent");
    }
    const auto detail = store.screening(item.screeningId);
    if (!detail) throw DicomError("screening " + std::to_string(item.screeningId) + " is not in the store");
    const std::string site = settings.siteName + "/" + std::to_string(item.screeningId);
    EncapsulatedRecord er;
    er.sopInstanceUid = store.claimOutboxItem(item.id, uidFromSha256(record->sha256));
    // The exam as linked when the record was filed (a later relink applies to later versions).
    er.procedure = item.procedure;
    er.studyInstanceUid = uidFromSha256(store::sha256Hex("mrscreen-study:" + site));
    const std::string study = er.procedure ? er.procedure->studyInstanceUid : er.studyInstanceUid;
    er.seriesInstanceUid = uidFromSha256(store::sha256Hex("mrscreen-series:" + site + ":" + study)); // one per study
    er.pdfBytes = std::move(pdf);
    er.screeningId = item.screeningId;
    er.recordVersion = item.recordVersion;
    er.patient = detail->summary.patient;
    er.createdAtUtc = record->createdAt;
    er.siteName = settings.siteName;
    std::filesystem::create_directories(settings.workDir);
    const std::string path = (std::filesystem::path(settings.workDir) /
                              ("outbox-" + std::to_string(item.id) + ".dcm")).string();
    writeEncapsulatedPdf(er, path);
    struct Remove {
        std::string path;
        ~Remove() {
            std::error_code ignored;
            std::filesystem::remove(path, ignored);
        }
    } remove{path};
    return storeToPacs(settings.pacs, path);
}

} // namespace

int retryDelaySeconds(const OutboxSettings& settings, int attempts) {
    long long delay = settings.retrySeconds;
    for (int i = 1; i < attempts && delay < settings.retryMaxSeconds; ++i) delay *= 2;
    return int(std::min<long long>(delay, settings.retryMaxSeconds));
}

OutboxPass sendDueRecords(store::Store& store, const OutboxSettings& settings) {
    OutboxPass pass;
    std::vector<std::int64_t> tried; // each item once per pass, even when its retry is due at once
    while (const auto item = store.nextDueOutboxItem(now(settings))) {
        if (std::find(tried.begin(), tried.end(), item->id) != tried.end()) break;
        tried.push_back(item->id);
        if (item->destination != "pacs" || !settings.pacs.configured()) {
            const std::string problem = "outbox item " + std::to_string(item->id) + ": no [pacs] server is configured "
                                        "for destination '" + item->destination + "'";
            store.outboxFailed(item->id, problem, laterUtc(now(settings), settings.retryMaxSeconds), kOutboxActor);
            pass.problems.push_back(problem);
            ++pass.failed;
            continue;
        }
        std::string detail;
        try {
            detail = sendItem(store, settings, *item);
        } catch (const store::StoreError&) {
            throw; // the store itself: the caller reports it and tries again later
        } catch (const std::exception& e) { // DicomError, a record file that cannot be read, ...
            const int delay = retryDelaySeconds(settings, item->attempts + 1);
            store.outboxFailed(item->id, e.what(), laterUtc(now(settings), delay), kOutboxActor);
            pass.problems.push_back("record v" + std::to_string(item->recordVersion) + " of screening " +
                                    std::to_string(item->screeningId) + " not sent: " + e.what() +
                                    " (next try in " + std::to_string(delay) + " s)");
            ++pass.failed;
            continue;
        }
        try {
            store.outboxSent(item->id, detail, kOutboxActor);
            ++pass.sent;
        } catch (const store::Refused& e) { // another sender recorded it first: the same instance
            pass.problems.push_back(e.what());
        }
    }
    return pass;
}

OutboxWorker::OutboxWorker(OpenStore open, OutboxSettings settings, int pollSeconds,
                           std::function<void(const std::string&)> log)
    : open_(std::move(open)), settings_(std::move(settings)), pollSeconds_(pollSeconds), log_(std::move(log)) {
    thread_ = std::thread([this] { run(); });
}

OutboxWorker::~OutboxWorker() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
}

void OutboxWorker::wake() {
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    changed_.notify_all();
}

void OutboxWorker::run() {
    std::unique_ptr<store::Store> store;
    std::string lastProblem; // said once, not at every poll while PACS stays down
    while (true) {
        try {
            if (!store) store = open_();
            const auto pass = sendDueRecords(*store, settings_);
            if (pass.sent && log_) log_("outbox: " + std::to_string(pass.sent) + " record(s) sent to PACS");
            const std::string problem = pass.problems.empty() ? "" : pass.problems.front();
            if (!problem.empty() && problem != lastProblem && log_) log_("outbox: " + problem);
            lastProblem = problem;
        } catch (const std::exception& e) {
            if (log_ && lastProblem != e.what()) log_(std::string("outbox: ") + e.what());
            lastProblem = e.what();
            store.reset(); // opened again at the next poll
        }
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, std::chrono::seconds(pollSeconds_), [this] { return stopping_ || woken_; });
        if (stopping_) return;
        woken_ = false;
    }
}

} // namespace mrscreen::integration
