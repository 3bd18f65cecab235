// What the subcommands share: the operator they act as, the error handling that turns what a user
// can get wrong into a message and an exit code, and text made safe for a terminal.
#pragma once

#include "screening/questionnaire.h"
#include "screening/workflow.h"
#include "store/errors.h"
#include "store/store.h"

#include <ostream>
#include <string>

namespace mrscreen::cli {

// The person running the command on the kiosk box acts as its administrator.
screening::Actor operatorActor();

// Runs a command body, turning the errors a user can cause into messages and exit codes:
// 1 refused by the workflow or site policy, 2 bad input or a store that cannot be used.
template <typename Body>
int guarded(const char* command, std::ostream& err, Body&& body) {
    try {
        return body();
    } catch (const store::Refused& e) {
        err << "mrscreen " << command << ": " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) { // InputError, StoreError, DicomError and the rest
        err << "mrscreen " << command << ": " << e.what() << "\n";
        return 2;
    }
}

// Text a patient typed, made safe for the operator's terminal: control characters, C1 controls,
// zero-width and bidirectional formatting characters each become '?'.
std::string printable(const std::string& text);
// Pads to `width` characters (not bytes), cutting what does not fit.
std::string padded(const std::string& text, std::size_t width);
// "Family, Given", printable; "(no name)" when both are empty.
std::string patientName(const store::PatientIdentity& p);

} // namespace mrscreen::cli
