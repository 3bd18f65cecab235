#include "store/form_catalog.h"

#include "screening/answers.h"
#include "screening/response.h"
#include "store/audit.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mrscreen::store {

namespace fs = std::filesystem;

namespace {

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::optional<std::string> readWhole(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
        return std::nullopt;
    return text.str();
}

std::string shortSha(const std::string& sha256) {
    return sha256.substr(0, 8) + "…";
}

} // namespace

FormCatalog::FormCatalog(Store& store, std::vector<std::string> files, std::string archiveDir)
    : store_(store), files_(std::move(files)), archiveDir_(std::move(archiveDir)) {}

std::vector<std::string> FormCatalog::filesIn(const std::string& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string path = it->path().string();
        if (endsWith(path, ".questionnaire.json") || endsWith(path, ".rules.json"))
            out.push_back(path);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::optional<std::string> FormCatalog::text(const std::string& sha256, const std::string& kind) {
    if (auto stored = store_.formDocument(sha256))
        return stored;
    for (const auto& path : files_) {
        if (endsWith(path, ".rules.json") != (kind == "rules"))
            continue;
        auto known = fileSha256_.find(path);
        std::optional<std::string> content;
        if (known == fileSha256_.end()) {
            content = readWhole(path);
            if (!content)
                continue; // a fallback that cannot be read is simply not there
            known = fileSha256_.emplace(path, sha256Hex(*content)).first;
        }
        if (known->second != sha256)
            continue;
        if (!content)
            content = readWhole(path);
        if (!content || sha256Hex(*content) != sha256)
            continue; // changed on disk since
        store_.keepFormDocument(sha256, kind, *content);
        return content;
    }
    return std::nullopt;
}

std::shared_ptr<const FormVersion> FormCatalog::forScreening(const ScreeningDetail& d) {
    const std::string key = d.formSha256 + "/" + d.rulesSha256;
    if (auto hit = cache_.find(key); hit != cache_.end())
        return hit->second;
    const std::string form = d.formUrl + "|" + d.formVersion;
    auto missing = [&](const std::string& what, const std::string& sha256) {
        return FormMissing("screening " + std::to_string(d.summary.id) + " was answered with " +
                           what + " " + form + " (sha256 " + shortSha(sha256) +
                           "), which is neither in the database nor in " + archiveDir_ +
                           "; restore that file and retry. mrscreen never shows a screening with "
                           "another form.");
    };
    const auto formText = text(d.formSha256, "questionnaire");
    if (!formText)
        throw missing("form", d.formSha256);
    auto version = std::make_shared<FormVersion>();
    version->formSha256 = d.formSha256;
    version->rulesSha256 = d.rulesSha256;
    const std::string source = "form " + form + " (sha256 " + shortSha(d.formSha256) + ")";
    version->form = screening::loadQuestionnaire(*formText, source);
    if (!d.rulesSha256.empty()) {
        const auto rulesText = text(d.rulesSha256, "rules");
        if (!rulesText)
            throw missing("the rules file of form", d.rulesSha256);
        version->rules = screening::loadRules(*rulesText, "rules of " + source, version->form);
    }
    cache_.emplace(key, version);
    return version;
}

screening::Assessment assessStored(const FormVersion& version, const ScreeningDetail& d,
                                   const std::string& staffLanguage) {
    const screening::Response response =
        screening::readResponse(d.responseJson, "screening " + std::to_string(d.summary.id));
    screening::AssessmentInput in;
    in.language = version.form.supportsLanguage(d.language) ? d.language : version.form.language;
    in.staffLanguage = staffLanguage;
    in.screeningDate = d.summary.submittedAt.substr(0, 10);
    for (auto lab = d.labs.rbegin(); lab != d.labs.rend(); ++lab) {
        if (lab->kind != "creatinine")
            continue;
        in.creatinine =
            screening::Creatinine{lab->value,
                                  lab->unit == "umol/L" ? screening::CreatinineUnit::UmolPerL
                                                        : screening::CreatinineUnit::MgPerDl,
                                  lab->takenOn};
        break;
    }
    in.contrast =
        screening::parseContrastPlan(d.contrastPlanned).value_or(screening::ContrastPlan::Unknown);
    const screening::ScreeningAnswers answers(version.form, response);
    return screening::assess(answers, version.rules ? &*version.rules : nullptr, in);
}

} // namespace mrscreen::store
