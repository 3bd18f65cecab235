// One DICOM association with a peer (worklist server, PACS), held as an RAII object: released after
// a good exchange and aborted on every other path. Every DCMTK failure on the way becomes a
// DicomError naming the server and the setting to check. Internal to app/integration.
#pragma once

#include "integration/dicom_peer.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmnet/assoc.h>

#include <memory>
#include <string>
#include <vector>

namespace mrscreen::integration {

// How messages name the peer, where it is configured and what it was asked for.
struct PeerRole {
    std::string name;    // "The worklist server", "The PACS"
    std::string section; // "worklist": the config section whose keys a message tells staff to check
    std::string service; // "Modality Worklist queries"
};

// One abstract syntax (SOP class) proposed with the transfer syntaxes we can send it in.
struct ProposedContext {
    std::string abstractSyntax;
    std::vector<std::string> transferSyntaxes;
};

// Once per process: DCMTK's own logging is switched off (its errors come back as DicomError
// messages instead of lines on stderr). Every call checks that the DICOM data dictionary loaded.
void prepareDcmtk();

class Association {
public:
    // Connects and negotiates; throws DicomError (cannot be reached, refused, no answer in time).
    Association(const DicomPeer& peer, PeerRole role, const std::vector<ProposedContext>& contexts);
    ~Association(); // aborts the association unless release() ended it
    Association(const Association&) = delete;
    Association& operator=(const Association&) = delete;

    T_ASC_Association* handle() const { return association_.get(); }
    // The presentation context the peer accepted for this SOP class, 0 when it accepted none.
    T_ASC_PresentationContextID acceptedContext(const std::string& abstractSyntax) const;
    unsigned short nextMessageId();
    int timeoutSeconds() const { return peer_.timeoutSeconds; }

    // "The worklist server WORKLIST at ris.example:104"
    std::string peerName() const;
    // The error for a failed DIMSE exchange ("the worklist query"): no answer in time, connection
    // closed, or DCMTK's reason.
    DicomError exchangeFailure(const OFCondition& condition, const std::string& exchange) const;

    // Ends the association with A-RELEASE; a failing release is not an error (the work is done).
    void release();

private:
    struct NetworkDrop {
        void operator()(T_ASC_Network* network) const;
    };
    struct AssociationFree {
        void operator()(T_ASC_Association* association) const;
    };

    std::string connectFailure(const OFCondition& condition, T_ASC_Parameters* params) const;

    DicomPeer peer_;
    PeerRole role_;
    // Declared in this order so the association is freed before its network.
    std::unique_ptr<T_ASC_Network, NetworkDrop> network_;
    std::unique_ptr<T_ASC_Association, AssociationFree> association_;
    bool open_ = false; // negotiated and neither released nor aborted yet
};

} // namespace mrscreen::integration
