#include "cli/submission.h"

#include "screening/derived.h"
#include "store/audit.h"

#include <ostream>

namespace mrscreen::cli {

using namespace screening;

namespace {

std::string firstAnswerText(const ScreeningAnswers& a, const std::string& system, const std::string& code) {
    for (int i : a.form().itemsWithCode(system, code)) {
        std::string text;
        a.anyAnswer(i, [&](const Value& v) {
            text = v.toText();
            return true;
        });
        if (!text.empty()) return text;
    }
    return "";
}

} // namespace

ContrastPlan contrastPlannedOf(const Response& response) {
    for (const auto& e : response.extension) {
        if (!e.is_object() || e.value("url", "") != kContrastPlannedExtension) continue;
        const auto code = e.contains("valueCode") && e["valueCode"].is_string() ? e["valueCode"].get<std::string>() : "";
        if (const auto plan = parseContrastPlan(code)) return *plan;
        throw InputError("the response", {"its contrast-planned extension says '" + code +
                                          "'; it must be 'yes', 'no' or 'unknown'"});
    }
    return ContrastPlan::Unknown;
}

PreparedSubmission prepareSubmission(const KioskConfig& config, const FormFiles& f, const Response& response,
                                     const std::string& origin, const std::string& today,
                                     const std::string& submissionKey) {
    if (const auto mismatch = formMismatch(response, f.form); !mismatch.empty())
        throw InputError("the response", {mismatch});
    if (response.status != "completed" && response.status != "amended")
        throw InputError("the response", {"its status is '" + response.status +
                                          "': only a completed response can be submitted for review"});
    PreparedSubmission out;
    AssessmentInput in;
    in.language = f.form.supportsLanguage(response.language) ? response.language : f.form.language;
    in.screeningDate = screeningDateOf(response, today);
    in.staffLanguage = config.staffLanguage;
    in.contrast = contrastPlannedOf(response);
    const ScreeningAnswers answers(f.form, response);
    out.assessment = assess(answers, f.rules ? &*f.rules : nullptr, in);
    if (!out.assessment.valid()) return out;
    store::NewScreening& s = out.screening;
    s.formUrl = f.form.url;
    s.formVersion = f.form.version;
    // The exact texts go into the store with the screening: it is always shown with this version.
    s.formJson = f.questionnaireText.empty() ? readFile(f.questionnairePath) : f.questionnaireText;
    s.rulesJson = f.rulesPath.empty() ? "" : f.rulesText.empty() ? readFile(f.rulesPath) : f.rulesText;
    s.formSha256 = store::sha256Hex(s.formJson);
    s.rulesSha256 = s.rulesJson.empty() ? "" : store::sha256Hex(s.rulesJson);
    s.contrastPlanned = contrastPlanName(in.contrast);
    s.ignoredAnswersJson = ignoredAnswersToJson(answers, in.language).dump();
    s.language = in.language;
    s.origin = origin;
    s.responseJson = responseToJson(response, &f.form, &answers).dump();
    s.flags = out.assessment.flags;
    s.patient.familyName = firstAnswerText(answers, loinc::kSystem, "45394-4");
    s.patient.givenName = firstAnswerText(answers, loinc::kSystem, "45392-8");
    s.patient.birthDate = firstAnswerText(answers, loinc::kSystem, loinc::kBirthDate);
    s.patient.sex = firstAnswerText(answers, loinc::kSystem, loinc::kSex);
    s.submissionKey = submissionKey;
    return out;
}

std::optional<std::string> recordSubmission(store::Store& store, const KioskConfig& config, const FormFiles& f,
                                            const store::NewScreening& s, std::int64_t id, const Actor& actor,
                                            std::ostream& err) {
    // The screening is safe in the store; a failure to make its PDF is reported, not fatal.
    try {
        if (const auto done = store.latestRecord(id)) return done->path; // a resend: signed already
        const std::string formText = f.questionnaireText.empty() ? readFile(f.questionnairePath) : f.questionnaireText;
        const std::string rulesText = f.rulesPath.empty() ? "" : f.rulesText.empty() ? readFile(f.rulesPath) : f.rulesText;
        if (s.formSha256 == store::sha256Hex(formText) &&
            s.rulesSha256 == (rulesText.empty() ? "" : store::sha256Hex(rulesText))) {
            store::FormVersion version{f.form, f.rules, s.formSha256, s.rulesSha256};
            return produceRecord(store, config, version, id, actor, err);
        }
        // Answered with another form version (the form changed while it waited in the spool).
        auto catalog = formCatalog(store, config);
        const auto detail = store.screening(id);
        if (!detail) throw store::Refused("there is no screening " + std::to_string(id));
        return produceRecord(store, config, *catalog.forScreening(*detail), id, actor, err);
    } catch (const store::StoreError& e) {
        if (e.transient()) throw; // the spool tries again
        err << "mrscreen: screening " << id << " is stored, but its signed record failed: " << e.what() << "\n";
    } catch (const std::exception& e) {
        err << "mrscreen: screening " << id << " is stored, but its signed record failed: " << e.what() << "\n";
    }
    return std::nullopt;
}

Submission submitResponse(store::Store& store, const KioskConfig& config, const FormFiles& f, const Response& response,
                          const std::string& origin, const Actor& actor, const std::string& today, std::ostream& err,
                          const std::string& submissionKey) {
    PreparedSubmission prepared = prepareSubmission(config, f, response, origin, today, submissionKey);
    Submission out;
    out.assessment = std::move(prepared.assessment);
    if (!out.assessment.valid()) return out;
    out.id = store.submit(prepared.screening, actor);
    try {
        out.recordPath = recordSubmission(store, config, f, prepared.screening, out.id, actor, err);
    } catch (const std::exception& e) { // the store went away after it took the screening
        err << "mrscreen: screening " << out.id << " is stored, but its signed record failed: " << e.what() << "\n";
    }
    return out;
}

} // namespace mrscreen::cli
