// Sends each new audit head out of the box as the store commits it: to the system log through
// syslog(3) (journald on Debian keeps it where the kiosk's user can add but not rewrite) and, when
// configured, to the hospital's syslog server as RFC 5424 over TCP with octet-counting framing
// (RFC 6587). Best effort by design: a background thread with a bounded queue does the sending, so
// a screening never waits for it or fails because of it; short timeouts; a server that is down is
// reported once and retried later, and the next head sent covers every head it missed.
#pragma once

#include "store/audit.h"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace mrscreen::store {

struct AnchorSettings {
    std::string site;     // [site] name, in every anchor line
    bool syslog = true;   // [audit] syslog
    std::string remote;   // [audit] remote_syslog, "host:port"; empty: none
    int timeoutMs = 2000; // connecting to and sending to the remote server
    std::size_t queueSize = 256;
    // A problem worth an administrator's attention, said once per outage (stderr by default).
    std::function<void(const std::string&)> warn;
};

// "<PRI>1 TIME HOST mrscreen PID audit-head - MSG" prefixed by its length (octet counting).
std::string rfc5424Frame(int priority, const std::string& timestamp, const std::string& host,
                         long pid, const std::string& message);

class AnchorSender {
public:
    explicit AnchorSender(AnchorSettings settings);
    // Sends what is still queued (bounded by the timeouts), then stops.
    ~AnchorSender();
    AnchorSender(const AnchorSender&) = delete;
    AnchorSender& operator=(const AnchorSender&) = delete;

    // Queues the head and returns at once; when the queue is full the oldest is dropped (a later
    // head covers it).
    void publish(const AuditHead& head);

private:
    AnchorSettings settings_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<AuditHead> queue_;
    bool stopping_ = false;
    // The remote side, used by the sending thread only.
    int socket_ = -1;
    std::optional<AuditHead> remotePending_; // the newest head the server has not taken yet
    std::chrono::steady_clock::time_point retryAt_{};
    std::chrono::seconds backoff_{0};
    bool remoteDown_ = false;
    std::thread thread_; // last: started once everything above is ready

    void run();
    void sendLocal(const AuditHead& head);
    bool sendRemote(const AuditHead& head, std::string& problem);
    void tryRemote(bool finalAttempt);
    bool connectRemote(std::string& problem);
    void closeRemote();
};

} // namespace mrscreen::store
