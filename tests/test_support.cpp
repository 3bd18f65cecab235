#include "test_support.h"

#include "cli/form_files.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

namespace mrscreen::test {

// Built by appending: GCC 12 warns falsely (-Warray-bounds) on std::string(literal) + "/" + ...
std::string sourcePath(const std::string& relative) {
    return std::string(MRSCREEN_SOURCE_DIR).append("/").append(relative);
}
std::string dataPath(const std::string& relative) {
    return std::string(MRSCREEN_TEST_DATA).append("/").append(relative);
}
std::string slurp(const std::string& path) { return cli::readFile(path); }

void flipMiddleByte(const std::string& path) {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    REQUIRE(file);
    file.seekg(0, std::ios::end);
    const auto middle = file.tellg() / 2;
    char byte = 0;
    file.seekg(middle);
    file.get(byte);
    file.seekp(middle);
    file.put(char(byte ^ 0x20));
}

screening::Questionnaire formFromJson(const nlohmann::json& form, const std::string& source) {
    return screening::loadQuestionnaire(form.dump(), source);
}

screening::Response responseFromJson(const nlohmann::json& response) {
    return screening::readResponse(response.dump(), "test-response.json");
}

const screening::Questionnaire& mriForm() {
    static const auto form = screening::loadQuestionnaire(
        slurp(sourcePath("forms/mri-safety.questionnaire.json")), "forms/mri-safety.questionnaire.json");
    return form;
}

const screening::RuleSet& mriRules() {
    static const auto rules = screening::loadRules(slurp(sourcePath("forms/mri-safety.rules.json")),
                                                   "forms/mri-safety.rules.json", mriForm());
    return rules;
}

void keepForSchemaCheck(const std::string& name, const nlohmann::json& response) {
    const std::filesystem::path dir = std::filesystem::path(MRSCREEN_TEST_OUTPUT) / "responses";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / (name + ".json")) << response.dump(2);
}

void checkMessage(const std::string& message, const std::string& file,
                  std::initializer_list<std::string> parts) {
    INFO("message: " << message);
    REQUIRE_FALSE(message.empty());
    CHECK(message.rfind(file + ": ", 0) == 0);
    for (const auto& part : parts) {
        INFO("expected to contain: " << part);
        CHECK(message.find(part) != std::string::npos);
    }
}

} // namespace mrscreen::test
