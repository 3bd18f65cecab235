// The durable outbox: every signed record version the store queued for PACS (Store::outbox) is
// sent as a DICOM Encapsulated PDF instance, retried with a doubling back-off while PACS is down,
// each attempt audited. The instance UID is fixed in the store before the first attempt and made
// from the record's own SHA-256, so a send repeated after a restart mid-send is the same instance
// to PACS (it replaces, never duplicates), and a record is never lost: its item stays pending until
// PACS accepted it.
#pragma once

#include "integration/dicom_peer.h"
#include "store/store.h"

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mrscreen::integration {

struct OutboxSettings {
    DicomPeer pacs;
    std::string siteName;
    std::string workDir;             // where the DICOM file is written before it is sent (then removed)
    int retrySeconds = 30;           // the first retry; doubles after each failure
    int retryMaxSeconds = 3600;      // up to this
    std::function<std::string()> nowUtc; // "2026-11-30T10:00:00Z"; empty: the system clock
};

struct OutboxPass {
    int sent = 0;
    int failed = 0;
    std::vector<std::string> problems; // one line per failed item, for the log and the command line
};

// Sends every item due now, oldest first, each once, reading each record through the store
// (Store::recordPdf). Store errors propagate; DICOM errors and a record whose bytes the store
// refuses (missing or changed) are recorded on the item (outboxFailed) and in the result.
OutboxPass sendDueRecords(store::Store& store, const OutboxSettings& settings);

// The next attempt after `attempts` failures: retrySeconds * 2^(attempts-1), at most retryMaxSeconds.
int retryDelaySeconds(const OutboxSettings& settings, int attempts);

// The kiosk's sender: a thread with its own store connection that sends what is due every
// `pollSeconds` (and at once after wake()), so a slow or absent PACS never delays a screen.
class OutboxWorker {
public:
    using OpenStore = std::function<std::unique_ptr<store::Store>()>;
    OutboxWorker(OpenStore open, OutboxSettings settings, int pollSeconds,
                 std::function<void(const std::string&)> log);
    ~OutboxWorker(); // finishes the send in progress, then stops
    OutboxWorker(const OutboxWorker&) = delete;
    OutboxWorker& operator=(const OutboxWorker&) = delete;
    void wake(); // a new record was filed

private:
    OpenStore open_;
    OutboxSettings settings_;
    int pollSeconds_;
    std::function<void(const std::string&)> log_;
    std::mutex mutex_;
    std::condition_variable changed_;
    bool stopping_ = false, woken_ = false;
    std::thread thread_;
    void run();
};

} // namespace mrscreen::integration
