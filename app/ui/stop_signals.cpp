#include "ui/stop_signals.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace mrscreen::ui {

namespace {

constexpr int kSignals[] = {SIGTERM, SIGINT, SIGHUP};
constexpr unsigned char kClosing = 0; // no signal has number 0: the destructor's wake-up

volatile sig_atomic_t writeEnd = -1;

void onSignal(int signal) {
    const int saved = errno;
    const unsigned char byte = static_cast<unsigned char>(signal);
    if (writeEnd >= 0) {
        const ssize_t written = write(writeEnd, &byte, 1); // nothing to do if it fails
        (void)written;
    }
    errno = saved;
}

} // namespace

StopSignals::StopSignals(std::function<void(int)> onStop) {
    if (pipe2(pipe_, O_CLOEXEC) != 0)
        throw std::runtime_error(std::string("cannot watch for stop signals: ") +
                                 std::strerror(errno));
    writeEnd = pipe_[1];
    watcher_ = std::thread([fd = pipe_[0], onStop = std::move(onStop)] {
        unsigned char byte = 0;
        for (;;) {
            const ssize_t n = read(fd, &byte, 1);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0 || byte == kClosing)
                return;
            onStop(byte);
        }
    });
    struct sigaction action {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (const int signal : kSignals)
        sigaction(signal, &action, nullptr);
}

StopSignals::~StopSignals() {
    // The process is closing (the store, spool and outbox close after the window): a second stop
    // signal now must not kill it half-way and leave the store looking crashed, so the signals are
    // ignored from here on. The pipe stays open: a handler running on another thread at this moment
    // may still write to it (two descriptors, until the process ends).
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    for (const int signal : kSignals)
        sigaction(signal, &ignore, nullptr);
    [[maybe_unused]] const ssize_t written = write(pipe_[1], &kClosing, 1);
    watcher_.join();
}

const char* StopSignals::name(int signal) {
    switch (signal) {
    case SIGTERM:
        return "TERM";
    case SIGINT:
        return "INT";
    case SIGHUP:
        return "HUP";
    default:
        return "other";
    }
}

} // namespace mrscreen::ui
