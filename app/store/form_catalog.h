// The form and rules each screening was answered with. Every questionnaire and rules file a
// screening used is kept in the store, content-addressed by sha256; a stored screening is always
// evaluated, shown, rendered and exported with its own version, never with the form loaded now.
#pragma once

#include "screening/assessment.h"
#include "screening/questionnaire.h"
#include "screening/rules.h"
#include "store/store.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mrscreen::store {

struct FormVersion {
    screening::Questionnaire form;
    std::optional<screening::RuleSet> rules;
    std::string formSha256, rulesSha256;
};

// Finds a screening's form version: in the store (form_documents), else in the files given (the
// archive folder and the configured form), when a file's sha256 matches; a version found in a
// file is then kept in the store. Parsed versions are cached by sha256. `store` must outlive it.
class FormCatalog {
public:
    // `files`: questionnaire and rules files to fall back on (read when needed, never trusted by
    // name: only a matching sha256 counts). `archiveDir`: where old versions are kept, for
    // messages.
    FormCatalog(Store& store, std::vector<std::string> files,
                std::string archiveDir = "forms/archive");

    // The form and rules screening `detail` was answered with. Throws FormMissing (a StoreError)
    // naming the form, its version and sha256 when neither the store nor the files hold it.
    std::shared_ptr<const FormVersion> forScreening(const ScreeningDetail& detail);

    // Every *.questionnaire.json and *.rules.json in `dir` (empty when it does not exist).
    static std::vector<std::string> filesIn(const std::string& dir);

private:
    Store& store_;
    std::vector<std::string> files_;
    std::string archiveDir_;
    std::map<std::string, std::string> fileSha256_; // path -> sha256 of its text, read once
    std::map<std::string, std::shared_ptr<const FormVersion>>
        cache_; // formSha256 + "/" + rulesSha256

    std::optional<std::string> text(const std::string& sha256, const std::string& kind);
};

// A screening's form version cannot be found: it is refused, never shown with another form.
class FormMissing : public StoreError {
public:
    using StoreError::StoreError;
};

// The one assessment of a stored screening: its response with its own form and rules, the latest
// creatinine, whether contrast is planned, flags in `staffLanguage`, the screening date the day
// it was submitted. Used by the staff screens, the record and re-evaluation so they all agree.
screening::Assessment assessStored(const FormVersion& version, const ScreeningDetail& detail,
                                   const std::string& staffLanguage);

} // namespace mrscreen::store
