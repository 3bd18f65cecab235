// Anchors of the audit chain: the line each head is logged as, reading it back from journalctl,
// rsyslog and JSON exports, checking anchored heads against a chain (rewritten, cut short, other
// sites), and the sender: RFC 5424 frames with octet counting to a TCP listener on loopback, and a
// server that is down or never answers costs the caller nothing.
#include "store/audit_anchor.h"
#include "store/audit_anchor_sender.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

using namespace mrscreen::store;
using Catch::Matchers::Contains;

namespace {

std::vector<AuditEvent> chainOf(int n) {
    std::vector<AuditEvent> events;
    std::string prev = kGenesisHash;
    for (int i = 1; i <= n; ++i) {
        AuditEvent e{i,
                     "2026-11-25T14:01:0" + std::to_string(i % 10) + ".000Z",
                     "nina",
                     "staff.signed_in",
                     std::nullopt,
                     "{}",
                     prev,
                     ""};
        e.hash = chainHash(prev, e);
        prev = e.hash;
        events.push_back(e);
    }
    return events;
}

AnchoredHead anchorOf(const AuditEvent& e, const std::string& site = "MRI department") {
    return {{e.seq, e.hash}, site, "test line " + std::to_string(e.seq)};
}

// A TCP listener on a free loopback port: the far end of the remote path.
struct Listener {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int port = 0;
    Listener() {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(listen(fd, 4) == 0);
        socklen_t length = sizeof a;
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &length);
        port = ntohs(a.sin_port);
    }
    ~Listener() { close(fd); }
    // Everything sent on the first connection until `bytes` arrived or 5 s passed.
    std::string receive(std::size_t bytes) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 5000) != 1)
            return "";
        const int c = accept(fd, nullptr, nullptr);
        std::string got;
        char buf[4096];
        pollfd q{c, POLLIN, 0};
        while (got.size() < bytes && poll(&q, 1, 5000) == 1) {
            const auto n = recv(c, buf, sizeof buf, 0);
            if (n <= 0)
                break;
            got.append(buf, std::size_t(n));
        }
        close(c);
        return got;
    }
};

} // namespace

// [SECTION] the anchor line

TEST_CASE("an anchor line carries the marker, the row, the hash and the quoted site") {
    const AuditHead head{12, std::string(64, 'a')};
    CHECK(anchorMessage("MRI department", head) ==
          "mrscreen-audit-head seq=12 sha256=" + std::string(64, 'a') + " site=\"MRI department\"");
    CHECK_THAT(anchorMessage("St \"Mary\"\n\\x", head), Contains("site=\"St \\\"Mary\\\"?\\\\x\""));
}

TEST_CASE(
    "anchors are read back from journalctl, rsyslog and JSON exports, with their line numbers") {
    const std::string h(64, 'b');
    const std::string text =
        "Nov 25 14:01:09 kiosk1 mrscreen[812]: mrscreen-audit-head seq=3 sha256=" + h +
        " site=\"MRI department\"\n"
        "Nov 25 14:01:10 kiosk1 sshd[9]: unrelated\n"
        "2026-11-25T14:01:11+00:00 kiosk1 mrscreen[812]: mrscreen-audit-head seq=4 sha256=" +
        h +
        " site=\"Other site\"\n"
        "{\"MESSAGE\":\"mrscreen-audit-head seq=5 sha256=" +
        h +
        " site=\\\"MRI department\\\"\",\"PRIORITY\":\"5\"}\n"
        "mrscreen-audit-head seq=6 sha256=short site=\"MRI department\"\n";
    const auto anchors = readAnchors(text, "export.log");
    REQUIRE(anchors.size() == 3);
    CHECK(anchors[0].head.seq == 3);
    CHECK(anchors[0].head.hash == h);
    CHECK(anchors[0].site == "MRI department");
    CHECK(anchors[0].source == "export.log line 1");
    CHECK(anchors[1].site == "Other site");
    CHECK(anchors[2].head.seq == 5);
    CHECK(anchors[2].site == "MRI department");
}

// [SECTION] checking anchors against the chain

TEST_CASE(
    "anchored heads that are all in the chain pass, saying how many and which is the newest") {
    const auto events = chainOf(6);
    const auto check =
        checkAnchors(events, {anchorOf(events[1]), anchorOf(events[3])}, "MRI department");
    CHECK(check.intact);
    CHECK_THAT(
        check.problem,
        Contains("2 anchored head(s) of site 'MRI department' are in the trail, the newest at "
                 "row 4 (test line 4); rows 5-6 are newer than this export"));
}

TEST_CASE("a rewritten chain is named at the first anchored head that is no longer in it") {
    auto events = chainOf(6);
    const auto anchors =
        std::vector<AnchoredHead>{anchorOf(events[4]), anchorOf(events[1]), anchorOf(events[5])};
    events[2].actor = "someone-else"; // rewritten from row 3 on, every hash recomputed
    for (std::size_t i = 2; i < events.size(); ++i) {
        events[i].prevHash = events[i - 1].hash;
        events[i].hash = chainHash(events[i].prevHash, events[i]);
    }
    REQUIRE(verifyChain(events, 6, events.back().hash).intact); // the local check cannot see it
    const auto check = checkAnchors(events, anchors, "MRI department");
    CHECK_FALSE(check.intact);
    CHECK(check.firstBadSeq == 5);
    CHECK_THAT(check.problem,
               Contains("the head anchored at row 5 (sha256 " + anchors[0].head.hash.substr(0, 16) +
                        "…, test line 5) is no longer in the trail: row 5 now has sha256"));
}

TEST_CASE("an anchored head beyond the chain's end shows the trail was cut short") {
    const auto events = chainOf(6);
    const std::vector<AuditEvent> cut(events.begin(), events.begin() + 4);
    const auto check =
        checkAnchors(cut, {anchorOf(events[2]), anchorOf(events[5])}, "MRI department");
    CHECK_FALSE(check.intact);
    CHECK(check.firstBadSeq == 6);
    CHECK_THAT(
        check.problem,
        Contains("is beyond the end of the trail (its newest row is 4): the trail was cut short"));
}

TEST_CASE("anchors of other sites are ignored, and an export without ours vouches for nothing") {
    auto events = chainOf(3);
    const auto other = anchorOf(events[2], "Other site");
    events[2].hash = std::string(64, 'f');
    CHECK_THAT(checkAnchors(events, {other}, "MRI department").problem,
               Contains("no audit head of site 'MRI department' was found (1 of other sites)"));
    CHECK_FALSE(checkAnchors(events, {}, "MRI department").intact);
}

// [SECTION] sending

TEST_CASE(
    "an RFC 5424 frame is counted in octets and carries priority, host, app, pid and message") {
    CHECK(rfc5424Frame(85, "2026-11-25T14:01:09.123Z", "kiosk1", 812, "hello") ==
          "69 <85>1 2026-11-25T14:01:09.123Z kiosk1 mrscreen 812 audit-head - hello");
}

TEST_CASE(
    "heads reach a TCP syslog listener as octet-counted RFC 5424 frames before the sender stops") {
    Listener server;
    std::string got;
    {
        AnchorSender sender(
            {"MRI department", false, "127.0.0.1:" + std::to_string(server.port), 2000, 256, {}});
        sender.publish({1, std::string(64, 'a')});
        sender.publish({2, std::string(64, 'b')});
        got = server.receive(100);
    }
    REQUIRE_FALSE(got.empty());
    const auto space = got.find(' ');
    const auto length = std::stoul(got.substr(0, space));
    CHECK(got.substr(space + 1, 9) == "<85>1 202");
    CHECK(got.size() >= space + 1 + length);
    CHECK_THAT(got, Contains("mrscreen-audit-head seq="));
    CHECK_THAT(got, Contains("site=\"MRI department\""));
}

TEST_CASE("a remote syslog server that is down never blocks publishing and is reported once") {
    int port = 0;
    {
        Listener closed; // a port that was free a moment ago: nothing listens there now
        port = closed.port;
    }
    std::vector<std::string> warnings;
    const auto start = std::chrono::steady_clock::now();
    {
        AnchorSender sender({"MRI department", false, "127.0.0.1:" + std::to_string(port), 300, 4,
                             [&](const std::string& m) { warnings.push_back(m); }});
        for (int i = 1; i <= 50; ++i)
            sender.publish({i, std::string(64, 'c')});
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(100));
    }
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0], Contains("could not be sent to the remote syslog server 127.0.0.1:" +
                                     std::to_string(port)));
    CHECK_THAT(warnings[0], Contains("screenings go on"));
}

TEST_CASE("a remote syslog server that never answers costs the publisher nothing and the sender "
          "its timeout") {
    // A loopback listener whose accept queue is full: further connections wait, unanswered.
    Listener stuck;
    listen(stuck.fd, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(std::uint16_t(stuck.port));
    std::vector<int> fillers;
    for (int i = 0; i < 4; ++i) {
        fillers.push_back(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
        connect(fillers.back(), reinterpret_cast<sockaddr*>(&a), sizeof a);
    }
    std::vector<std::string> warnings;
    const auto start = std::chrono::steady_clock::now();
    {
        AnchorSender sender({"MRI department", false, "127.0.0.1:" + std::to_string(stuck.port),
                             300, 4, [&](const std::string& m) { warnings.push_back(m); }});
        sender.publish({1, std::string(64, 'd')});
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(50));
    }
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    CHECK(warnings.size() <= 1);
    for (int fd : fillers)
        close(fd);
}
