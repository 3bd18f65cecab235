// Turning a completed QuestionnaireResponse into a submitted screening: the one path shared by
// `mrscreen import` and the kiosk's Submit button, so both check, store and record alike.
#pragma once

#include "cli/config.h"
#include "cli/form_files.h"
#include "screening/assessment.h"

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace mrscreen::cli {

struct Submission {
    std::int64_t id = 0;                   // 0 when nothing was stored
    screening::Assessment assessment;      // its errors say why nothing was stored
    std::optional<std::string> recordPath; // the signed PDF, when one was made
};

// A response checked against the form and turned into what the store keeps (when valid).
struct PreparedSubmission {
    screening::Assessment assessment; // its errors say why it cannot be stored
    store::NewScreening screening;    // complete when assessment.valid()
};

// Checks the response against the form (form, version, status, validation) and, when it is valid,
// stores it with its flags and produces its signed record. A record that cannot be made is
// reported on `err` and does not undo the stored screening. Throws InputError for a response that
// belongs to another form or is not completed.
// The contrast-planned extension of a QuestionnaireResponse (an order or a portal may carry it):
// {"url": kContrastPlannedExtension, "valueCode": "yes" | "no" | "unknown"}; without it, unknown.
inline constexpr const char* kContrastPlannedExtension = "http://mrscreen.org/fhir/StructureDefinition/contrast-planned";
screening::ContrastPlan contrastPlannedOf(const screening::Response& response);

// `submissionKey`: the kiosk's idempotency key (NewScreening::submissionKey); empty for imports.
Submission submitResponse(store::Store& store, const KioskConfig& config, const FormFiles& files,
                          const screening::Response& response, const std::string& origin,
                          const screening::Actor& actor, const std::string& today, std::ostream& err,
                          const std::string& submissionKey = "");

// The two halves of submitResponse, for the kiosk's spool: check and prepare (throws InputError
// as above)...
PreparedSubmission prepareSubmission(const KioskConfig& config, const FormFiles& files,
                                     const screening::Response& response, const std::string& origin,
                                     const std::string& today, const std::string& submissionKey = "");
// ...and what follows a stored submission: its signed record, unless it has one already (a
// submission resent after a crash). Returns the record's path; failures are reported on `err`.
std::optional<std::string> recordSubmission(store::Store& store, const KioskConfig& config, const FormFiles& files,
                                            const store::NewScreening& screening, std::int64_t id,
                                            const screening::Actor& actor, std::ostream& err);

} // namespace mrscreen::cli
