// DICOM peers and UIDs: how a server is named in messages, and UIDs under 2.25 made from SHA-256
// digests (the same record version always gives the same SOP Instance UID).
#include "integration/dicom_peer.h"

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace mrscreen::integration;

TEST_CASE("a DICOM peer is described by its AE title, host and port") {
    DicomPeer peer;
    peer.host = "ris.example";
    peer.port = 104;
    peer.calledAe = "WORKLIST";
    CHECK(peer.describe() == "WORKLIST at ris.example:104");
    CHECK(peer.configured());
    CHECK_FALSE(DicomPeer{}.configured());
}

TEST_CASE("a UID from a SHA-256 digest is 2.25 followed by the first 128 bits in decimal") {
    const std::string rest(32, '0');
    CHECK(uidFromSha256(std::string(32, '0') + rest) == "2.25.0");
    CHECK(uidFromSha256(std::string(31, '0').append("1").append(rest)) == "2.25.1");
    CHECK(uidFromSha256(std::string(30, '0').append("ff").append(rest)) == "2.25.255");
    // 2^128 - 1: the longest possible, well inside DICOM's 64 characters.
    const std::string largest = uidFromSha256(std::string(32, 'f') + rest);
    CHECK(largest == "2.25.340282366920938463463374607431768211455");
    CHECK(largest.size() <= 64);
    // Only the first 16 bytes count, and upper case is the same digest.
    CHECK(uidFromSha256("0123456789abcdef0123456789abcdef" + rest) ==
          uidFromSha256("0123456789ABCDEF0123456789ABCDEF" + std::string(32, '7')));
}

TEST_CASE("a UID from a SHA-256 digest has no leading zero after 2.25") {
    const std::string uid =
        uidFromSha256("000000000000000000000000000000a1" + std::string(32, '0'));
    CHECK(uid == "2.25.161");
    const std::string realistic =
        uidFromSha256("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    REQUIRE(realistic.rfind("2.25.", 0) == 0);
    CHECK(realistic[5] != '0');
    CHECK(realistic.find_first_not_of("0123456789", 5) == std::string::npos);
    CHECK(realistic ==
          uidFromSha256("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
}

TEST_CASE("a UID is refused for text that is not a SHA-256 digest") {
    CHECK_THROWS_AS(uidFromSha256("e3b0c442"), std::invalid_argument);
    CHECK_THROWS_AS(uidFromSha256("zz" + std::string(62, '0')), std::invalid_argument);
    CHECK_THROWS_AS(uidFromSha256("1g" + std::string(62, '0')), std::invalid_argument);
}
