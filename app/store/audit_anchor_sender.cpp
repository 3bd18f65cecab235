#include "store/audit_anchor_sender.h"

#include "store/audit_anchor.h"
#include "store/clock.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

namespace mrscreen::store {

namespace {

// authpriv: the head is security evidence. Debian's rsyslog files it in /var/log/auth.log (root and
// adm only), journald keeps it with the facility, and sites forwarding security logs to their SIEM
// already forward this facility.
constexpr int kFacility = LOG_AUTHPRIV;
constexpr int kPriority = LOG_AUTHPRIV | LOG_NOTICE;

std::string hostName() {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0 || !*name)
        return "-";
    std::string host = name;
    for (char& c : host)
        if (c <= ' ' || c > '~')
            c = '-';
    return host;
}

} // namespace

std::string rfc5424Frame(int priority, const std::string& timestamp, const std::string& host,
                         long pid, const std::string& message) {
    std::string msg = "<";
    msg.append(std::to_string(priority)).append(">1 ").append(timestamp).append(" ").append(host);
    msg.append(" mrscreen ").append(std::to_string(pid)).append(" audit-head - ").append(message);
    std::string frame = std::to_string(msg.size());
    return frame.append(" ").append(msg);
}

AnchorSender::AnchorSender(AnchorSettings settings) : settings_(std::move(settings)) {
    if (!settings_.warn)
        settings_.warn = [](const std::string& m) { std::cerr << "mrscreen: " << m << "\n"; };
    if (settings_.syslog)
        openlog("mrscreen", LOG_PID | LOG_NDELAY, kFacility);
    thread_ = std::thread([this] { run(); });
}

AnchorSender::~AnchorSender() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
    closeRemote();
}

void AnchorSender::publish(const AuditHead& head) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (queue_.size() >= settings_.queueSize)
            queue_.pop_front();
        queue_.push_back(head);
    }
    wake_.notify_one();
}

void AnchorSender::run() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        const bool waitingRetry = remotePending_.has_value();
        auto ready = [&] { return stopping_ || !queue_.empty(); };
        if (waitingRetry)
            wake_.wait_until(lock, retryAt_, ready);
        else
            wake_.wait(lock, ready);
        std::deque<AuditHead> batch;
        batch.swap(queue_);
        const bool stopping = stopping_;
        lock.unlock();
        for (const auto& head : batch) {
            sendLocal(head);
            if (!settings_.remote.empty())
                remotePending_ = head; // the newest covers the ones before
        }
        if (remotePending_)
            tryRemote(stopping);
        lock.lock();
        if (stopping && queue_.empty())
            return;
    }
}

void AnchorSender::sendLocal(const AuditHead& head) {
    if (settings_.syslog)
        syslog(LOG_NOTICE, "%s", anchorMessage(settings_.site, head).c_str());
}

void AnchorSender::tryRemote(bool finalAttempt) {
    // Leaving: one more try even while backing off, so a short-lived command's head gets out;
    // not to a server already known to be down, so a stop never waits for its timeouts again.
    if (finalAttempt && remoteDown_) {
        remotePending_.reset();
        return;
    }
    if (!finalAttempt && std::chrono::steady_clock::now() < retryAt_)
        return;
    std::string problem;
    if (sendRemote(*remotePending_, problem)) {
        remotePending_.reset();
        backoff_ = std::chrono::seconds(0);
        if (remoteDown_)
            settings_.warn("the remote syslog server " + settings_.remote +
                           " takes audit heads again");
        remoteDown_ = false;
        return;
    }
    closeRemote();
    backoff_ = std::min(std::chrono::seconds(60), std::max(std::chrono::seconds(5), backoff_ * 2));
    retryAt_ = std::chrono::steady_clock::now() + backoff_;
    if (!remoteDown_)
        settings_.warn(
            "the audit head could not be sent to the remote syslog server " + settings_.remote +
            " (" + problem +
            "); screenings go on, the local system log still gets every head, and the next "
            "head sent covers this one");
    remoteDown_ = true;
    if (finalAttempt)
        remotePending_.reset();
}

bool AnchorSender::connectRemote(std::string& problem) {
    const auto colon = settings_.remote.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        problem = "'" + settings_.remote + "' is not host:port";
        return false;
    }
    std::string host = settings_.remote.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    const std::string port = settings_.remote.substr(colon + 1);
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (const int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
        problem = "cannot resolve it: " + std::string(gai_strerror(rc));
        return false;
    }
    problem = "no address to connect to";
    for (addrinfo* a = found; a; a = a->ai_next) {
        const int fd =
            socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
        if (fd < 0)
            continue;
        int rc = connect(fd, a->ai_addr, a->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            pollfd p{fd, POLLOUT, 0};
            rc = poll(&p, 1, settings_.timeoutMs);
            int error = 0;
            socklen_t length = sizeof error;
            if (rc == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0)
                rc = 0;
            else
                errno = rc == 0 ? ETIMEDOUT : error;
            rc = rc == 0 ? 0 : -1;
        }
        if (rc == 0) {
            socket_ = fd;
            freeaddrinfo(found);
            return true;
        }
        problem = std::strerror(errno);
        close(fd);
    }
    freeaddrinfo(found);
    return false;
}

bool AnchorSender::sendRemote(const AuditHead& head, std::string& problem) {
    if (socket_ >= 0) { // a server that restarted closed our connection: notice before writing
        pollfd p{socket_, POLLIN, 0};
        char byte = 0;
        if (poll(&p, 1, 0) == 1 && recv(socket_, &byte, 1, MSG_DONTWAIT) <= 0)
            closeRemote();
    }
    if (socket_ < 0 && !connectRemote(problem))
        return false;
    const std::string frame = rfc5424Frame(kPriority, nowUtc(), hostName(), long(getpid()),
                                           anchorMessage(settings_.site, head));
    std::size_t sent = 0;
    while (sent < frame.size()) {
        pollfd p{socket_, POLLOUT, 0};
        if (poll(&p, 1, settings_.timeoutMs) != 1) {
            problem = "sending timed out";
            return false;
        }
        const ssize_t n = send(socket_, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            problem = std::strerror(errno);
            return false;
        }
        sent += std::size_t(n);
    }
    return true;
}

void AnchorSender::closeRemote() {
    if (socket_ >= 0)
        close(socket_);
    socket_ = -1;
}

} // namespace mrscreen::store
