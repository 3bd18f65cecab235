#include "cli/form_files.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mrscreen::cli {

namespace fs = std::filesystem;

std::string readFile(const std::string& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) throw screening::InputError(path, {"is a directory, not a file"});
    std::ifstream in(path, std::ios::binary);
    if (!in) throw screening::InputError(path, {std::string("cannot be read: ") + std::strerror(errno)});
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Whether a regular file is there; an unreadable or absurd path is simply "not there".
static bool isFile(const std::string& path) {
    std::error_code ec;
    return fs::is_regular_file(path, ec);
}

static bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

FormFiles loadFormFiles(const std::string& pathOrStem) {
    FormFiles f;
    const std::string qSuffix = ".questionnaire.json";
    if (endsWith(pathOrStem, qSuffix)) {
        f.questionnairePath = pathOrStem;
        const std::string rules = pathOrStem.substr(0, pathOrStem.size() - qSuffix.size()) + ".rules.json";
        if (isFile(rules)) f.rulesPath = rules;
    } else if (endsWith(pathOrStem, ".json")) {
        f.questionnairePath = pathOrStem;
    } else {
        f.questionnairePath = pathOrStem + qSuffix;
        if (!isFile(f.questionnairePath))
            throw screening::InputError(pathOrStem, {"no form here: expected " + f.questionnairePath});
        if (isFile(pathOrStem + ".rules.json")) f.rulesPath = pathOrStem + ".rules.json";
    }
    f.questionnaireText = readFile(f.questionnairePath);
    f.form = screening::loadQuestionnaire(f.questionnaireText, f.questionnairePath);
    if (!f.rulesPath.empty()) {
        f.rulesText = readFile(f.rulesPath);
        f.rules = screening::loadRules(f.rulesText, f.rulesPath, f.form);
    }
    return f;
}

std::vector<std::string> formFilePaths(const std::string& pathOrStem) {
    const std::string qSuffix = ".questionnaire.json";
    if (endsWith(pathOrStem, qSuffix))
        return {pathOrStem, pathOrStem.substr(0, pathOrStem.size() - qSuffix.size()) + ".rules.json"};
    if (endsWith(pathOrStem, ".json")) return {pathOrStem};
    return {pathOrStem + qSuffix, pathOrStem + ".rules.json"};
}

} // namespace mrscreen::cli
