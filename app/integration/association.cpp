#include "integration/association.h"

#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmnet/cond.h>
#include <dcmtk/dcmnet/dcmtrans.h>
#include <dcmtk/dcmnet/dul.h>
#include <dcmtk/oflog/oflog.h>
#include <dcmtk/ofstd/ofstd.h>

#include <algorithm>
#include <cctype>
#include <mutex>

namespace mrscreen::integration {

void prepareDcmtk() {
    static std::once_flag once;
    std::call_once(once, [] { OFLog::configure(OFLogger::OFF_LOG_LEVEL); });
    if (!dcmDataDict.isDictionaryLoaded())
        throw DicomError(
            "DCMTK's DICOM data dictionary could not be loaded (" DCM_DICT_DEFAULT_PATH
            "). Reinstall the package libdcmtk17, or set DCMDICTPATH to its dicom.dic.");
}

namespace {

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// An AE title: 1 to 16 characters of the default repertoire, no backslash or control character.
void checkAeTitle(const std::string& title, const std::string& key) {
    const bool printable = std::all_of(title.begin(), title.end(),
                                       [](char c) { return c >= ' ' && c <= '~' && c != '\\'; });
    if (title.empty() || title.size() > 16 || !printable)
        throw DicomError(key + " '" + title +
                         "' is not a DICOM AE title: it needs 1 to 16 plain characters (letters, "
                         "digits, spaces, no backslash).");
}

std::string rejectReason(T_ASC_RejectParametersReason reason) {
    switch (reason) {
    case ASC_REASON_SU_APPCONTEXTNAMENOTSUPPORTED:
        return "it does not speak this DICOM application context";
    case ASC_REASON_SP_ACSE_PROTOCOLVERSIONNOTSUPPORTED:
        return "it does not support this protocol version";
    case ASC_REASON_SP_PRES_TEMPORARYCONGESTION:
        return "temporary congestion";
    case ASC_REASON_SP_PRES_LOCALLIMITEXCEEDED:
        return "too many connections at once";
    default:
        return "no reason given";
    }
}

} // namespace

void Association::NetworkDrop::operator()(T_ASC_Network* network) const {
    ASC_dropNetwork(&network);
}

void Association::AssociationFree::operator()(T_ASC_Association* association) const {
    ASC_destroyAssociation(&association);
}

std::string Association::peerName() const {
    return role_.name + " " + peer_.describe();
}

Association::Association(const DicomPeer& peer, PeerRole role,
                         const std::vector<ProposedContext>& contexts)
    : peer_(peer), role_(std::move(role)) {
    prepareDcmtk();
    const std::string section = "[" + role_.section + "] ";
    if (peer_.host.empty())
        throw DicomError(role_.name + " is not configured: " + section + "host is empty.");
    // DCMTK keeps "host:port" in a 64-byte buffer.
    if (peer_.host.size() > 50)
        throw DicomError(section + "host '" + peer_.host + "' is longer than 50 characters.");
    if (peer_.port < 1 || peer_.port > 65535)
        throw DicomError(section + "port " + std::to_string(peer_.port) +
                         " is not a TCP port (1 to 65535).");
    checkAeTitle(peer_.calledAe, section + "called_ae");
    checkAeTitle(peer_.callingAe, section + "calling_ae");
    const int timeout = std::max(1, peer_.timeoutSeconds);
    peer_.timeoutSeconds = timeout;

    // DCMTK's connect and socket timeouts are process-wide; every association sets its own before
    // connecting (a send to a stuck server then gives up too). DCMTK also ignores SIGPIPE from here
    // on, so a server closing the connection is an error, not the end of the kiosk.
    dcmConnectionTimeout.set(timeout);
    dcmSocketSendTimeout.set(timeout);
    dcmSocketReceiveTimeout.set(timeout);
    T_ASC_Network* network = nullptr;
    OFCondition condition = ASC_initializeNetwork(NET_REQUESTOR, 0, timeout, &network);
    network_.reset(network);
    if (condition.bad())
        throw DicomError(peerName() +
                         ": this computer's network could not be prepared for DICOM (" +
                         condition.text() + ").");

    T_ASC_Parameters* params = nullptr;
    condition = ASC_createAssociationParameters(&params, ASC_DEFAULTMAXPDU);
    if (condition.bad())
        throw DicomError(peerName() + ": " + condition.text());
    // The parameters belong to us until ASC_requestAssociation hands them to an association.
    struct ParamsFree {
        void operator()(T_ASC_Parameters* p) const { ASC_destroyAssociationParameters(&p); }
    };
    std::unique_ptr<T_ASC_Parameters, ParamsFree> ownedParams(params);

    ASC_setAPTitles(params, peer_.callingAe.c_str(), peer_.calledAe.c_str(), nullptr);
    const std::string address = peer_.host + ":" + std::to_string(peer_.port);
    ASC_setPresentationAddresses(params, OFStandard::getHostName().c_str(), address.c_str());
    unsigned char contextId = 1;
    for (const auto& context : contexts) {
        std::vector<const char*> syntaxes;
        for (const auto& syntax : context.transferSyntaxes)
            syntaxes.push_back(syntax.c_str());
        condition = ASC_addPresentationContext(params, contextId, context.abstractSyntax.c_str(),
                                               syntaxes.data(), static_cast<int>(syntaxes.size()));
        if (condition.bad())
            throw DicomError(peerName() + ": the request could not be prepared (" +
                             condition.text() + ").");
        contextId = static_cast<unsigned char>(contextId + 2);
    }

    T_ASC_Association* association = nullptr;
    condition = ASC_requestAssociation(network_.get(), params, &association);
    if (association != nullptr) {
        ownedParams.release();
        association_.reset(association);
    }
    if (condition.bad())
        throw DicomError(connectFailure(condition, params));
    // Whether the peer accepted the service asked for is the caller's question (acceptedContext),
    // so that its message can name the service.
    open_ = true;
}

Association::~Association() {
    if (open_)
        ASC_abortAssociation(association_.get());
}

std::string Association::connectFailure(const OFCondition& condition,
                                        T_ASC_Parameters* params) const {
    const std::string section = "[" + role_.section + "]";
    const std::string text = condition.text();
    const std::string lower = lowercase(text);
    const std::string runningHint = " Check that it is running and " + section + " host and port.";
    if (condition == DUL_ASSOCIATIONREJECTED) {
        T_ASC_RejectParameters reject{};
        ASC_getRejectParameters(params, &reject);
        if (reject.reason == ASC_REASON_SU_CALLEDAETITLENOTRECOGNIZED)
            return peerName() + " refused the association: called AE title '" + peer_.calledAe +
                   "' is not known to it. Check " + section + " called_ae.";
        if (reject.reason == ASC_REASON_SU_CALLINGAETITLENOTRECOGNIZED)
            return peerName() + " refused the association: our calling AE title '" +
                   peer_.callingAe + "' is not known to it. Check " + section +
                   " calling_ae, and ask the server's administrator to accept this kiosk.";
        if (reject.result == ASC_RESULT_REJECTEDTRANSIENT)
            return peerName() + " refused the association for now (" + rejectReason(reject.reason) +
                   "); it may be busy. Try again later.";
        // Many servers refuse with no reason when they do not offer what was asked for.
        return peerName() + " refused the association (" + rejectReason(reject.reason) +
               "). It may not offer " + role_.service + ", or not accept this kiosk: check " +
               section + " host, port, called_ae and calling_ae with the server's administrator.";
    }
    if (contains(lower, "connection refused"))
        return peerName() + " cannot be reached (connection refused)." + runningHint;
    if (contains(lower, "unknown host"))
        return peerName() + " cannot be reached: the host name '" + peer_.host +
               "' is not known. Check " + section + " host.";
    if (condition == DUL_READTIMEOUT || contains(lower, "timed out") || contains(lower, "timeout"))
        return peerName() + " did not answer within " + std::to_string(peer_.timeoutSeconds) +
               " s." + runningHint;
    if (contains(lower, "unreachable") || contains(lower, "no route"))
        return peerName() + " cannot be reached (no route to it from this computer). Check " +
               section + " host and the kiosk's network connection.";
    if (condition == DUL_PEERABORTEDASSOCIATION || condition == DUL_NETWORKCLOSED)
        return peerName() + " closed the connection without accepting the association." +
               runningHint + " They may name something that is not a DICOM server.";
    return peerName() + " cannot be reached (" + text + ")." + runningHint;
}

T_ASC_PresentationContextID Association::acceptedContext(const std::string& abstractSyntax) const {
    if (!open_)
        return 0;
    return ASC_findAcceptedPresentationContextID(association_.get(), abstractSyntax.c_str());
}

unsigned short Association::nextMessageId() {
    return association_->nextMsgID++;
}

DicomError Association::exchangeFailure(const OFCondition& condition,
                                        const std::string& exchange) const {
    const std::string section = "[" + role_.section + "]";
    if (condition == DIMSE_NODATAAVAILABLE || condition == DUL_READTIMEOUT)
        return DicomError(peerName() + " did not answer within " +
                          std::to_string(peer_.timeoutSeconds) + " s (during " + exchange +
                          "). Check that it is running and " + section + " host and port.");
    if (condition == DUL_PEERABORTEDASSOCIATION || condition == DUL_NETWORKCLOSED ||
        condition == DUL_PEERREQUESTEDRELEASE)
        return DicomError(
            peerName() + " closed the connection during " + exchange +
            ". It will be tried again; if it keeps happening, check the server's log.");
    return DicomError(peerName() + ": " + exchange + " failed (" + condition.text() + ").");
}

void Association::release() {
    if (!open_)
        return;
    open_ = false;
    if (ASC_releaseAssociation(association_.get()).bad())
        ASC_abortAssociation(association_.get());
}

} // namespace mrscreen::integration
