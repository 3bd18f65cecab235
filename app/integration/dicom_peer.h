// A DICOM application entity mrscreen talks to (the Modality Worklist server, PACS), and the one
// error every DICOM exchange throws: a message a nurse can act on ("the worklist server at
// ris.example:104 did not answer within 10 s; check that it runs and [worklist] host/port").
#pragma once

#include <stdexcept>
#include <string>

namespace mrscreen::integration {

struct DicomPeer {
    std::string host;
    int port = 104;
    std::string calledAe;               // the server's AE title
    std::string callingAe = "MRSCREEN"; // ours
    int timeoutSeconds = 10;            // connect, association and each reply
    bool configured() const { return !host.empty(); }
    std::string describe() const;       // "WORKLIST at ris.example:104"
};

class DicomError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A DICOM UID under 2.25 (ISO/IEC 9834-8, a UUID as one integer) made from the first 16 bytes of a
// SHA-256 hex digest, so the same input always gives the same UID (a resent record is the same
// instance to PACS). At most 44 characters, no leading zeros; std::invalid_argument when the text
// does not start with 32 hexadecimal digits.
std::string uidFromSha256(const std::string& sha256Hex);

} // namespace mrscreen::integration
