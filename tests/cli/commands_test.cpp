// The evaluate and egfr commands: output other programs read, exit codes, and clear errors.
#include "test_support.h"

#include "cli/commands.h"
#include "cli/config.h"
#include "store/store.h"

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace mrscreen;
using nlohmann::json;
using Catch::Matchers::Contains;

namespace {

using test::Run;

Run evaluate(cli::EvaluateOptions o) {
    return test::capture([&](std::ostream& out, std::ostream& err) { return cli::runEvaluate(o, out, err); });
}

cli::EvaluateOptions example(const std::string& name) {
    cli::EvaluateOptions o;
    o.form = test::sourcePath("forms/mri-safety");
    o.response = test::sourcePath("forms/examples/" + name + ".json");
    return o;
}

std::string scratch(const std::string& name, const std::string& text) {
    const auto dir = std::filesystem::path(MRSCREEN_TEST_OUTPUT) / "cli";
    std::filesystem::create_directories(dir);
    const auto path = dir / name;
    std::ofstream(path) << text;
    return path.string();
}

// Runs the real binary through the shell; returns exit code and stdout+stderr.
Run shell(const std::string& args) {
    Run r;
    const std::string cmd = std::string(MRSCREEN_BINARY) + " " + args + " 2>&1";
    FILE* pipe = popen(cmd.c_str(), "r");
    REQUIRE(pipe);
    std::array<char, 4096> buf{};
    while (std::fgets(buf.data(), int(buf.size()), pipe)) r.out += buf.data();
    const int status = pclose(pipe);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

} // namespace

TEST_CASE("evaluate prints a readable table with the flags and exits 0 for a valid response") {
    const auto r = evaluate(example("pacemaker"));
    CHECK(r.code == 0);
    CHECK(r.err.empty());
    CHECK_THAT(r.out, Contains("Validation: the response is complete and valid"));
    CHECK_THAT(r.out, Contains("STOP") && Contains("implant-pacemaker"));
    CHECK_THAT(r.out, Contains("because implant-pacemaker = yes"));
}

TEST_CASE("evaluate --json gives the documented document") {
    auto o = example("renal-dialysis");
    o.json = true;
    o.creatinine = {"1.4", "mg/dL"};
    o.creatinineDate = "2026-11-01";
    const auto r = evaluate(o);
    REQUIRE(r.code == 0);
    const json j = json::parse(r.out);
    for (const char* key : {"form", "response", "language", "screeningDate", "valid", "enabledItems", "errors",
                            "ignoredAnswers", "warnings", "derived", "derivedProblems", "flags", "summary"})
        CHECK(j.contains(key));
    CHECK(j["valid"] == true);
    CHECK(j["form"]["url"] == "http://mrscreen.org/fhir/Questionnaire/mri-safety");
    CHECK(j["derived"]["creatinine_mg_dl"] == 1.4);
    CHECK(j["derived"]["lab_age_days"].is_number_integer());
    bool dialysis = false;
    for (const auto& f : j["flags"]) {
        CHECK(f.contains("id"));
        CHECK(f.contains("triggers"));
        if (f["id"] == "renal-dialysis-or-aki") {
            dialysis = true;
            CHECK(f["severity"] == "stop");
            CHECK(f["category"] == "renal");
        }
    }
    CHECK(dialysis);
    CHECK(j["summary"]["stop"].get<int>() >= 1);
}

TEST_CASE("evaluate exits 1 and lists the errors when the response is incomplete") {
    json resp = json::parse(test::slurp(test::sourcePath("forms/examples/no-risk.json")));
    // Drop the attestation section: the required confirmation is now missing.
    json kept = json::array();
    for (const auto& item : resp["item"])
        if (item["linkId"] != "attestation") kept.push_back(item);
    resp["item"] = kept;
    auto o = example("no-risk");
    o.response = scratch("no-attestation.json", resp.dump());
    o.json = true;
    const auto r = evaluate(o);
    CHECK(r.code == 1);
    const json j = json::parse(r.out);
    CHECK(j["valid"] == false);
    bool attest = false;
    for (const auto& e : j["errors"]) attest = attest || (e["linkId"] == "attest" && e["code"] == "required");
    CHECK(attest);
}

TEST_CASE("evaluate --lang es gives patient errors and staff messages in Spanish") {
    auto o = example("pacemaker");
    o.language = "es";
    o.json = true;
    const json j = json::parse(evaluate(o).out);
    CHECK(j["language"] == "es");
    REQUIRE_FALSE(j["flags"].empty());
    CHECK_THAT(j["flags"][0]["message"].get<std::string>(), Contains("Marcapasos"));
}

TEST_CASE("evaluate refuses a language the form is not offered in, naming the ones it is") {
    auto o = example("pacemaker");
    o.language = "fr";
    const auto r = evaluate(o);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("not offered in 'fr'") && Contains("en, es"));
}

TEST_CASE("evaluate exits 2 with the file name when an input file is missing or broken") {
    auto missing = example("pacemaker");
    missing.response = "/nonexistent/response.json";
    auto r = evaluate(missing);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("/nonexistent/response.json: cannot be read"));

    auto broken = example("pacemaker");
    broken.form = scratch("broken.questionnaire.json", R"({"resourceType":"Questionnaire","status":"active","item":[{"linkId":"a","type":"attachment"}]})");
    r = evaluate(broken);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("broken.questionnaire.json") && Contains("item 'a'") && Contains("attachment"));

    auto noForm = example("pacemaker");
    noForm.form = "/nonexistent/form";
    r = evaluate(noForm);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("expected /nonexistent/form.questionnaire.json"));
}

TEST_CASE("evaluate refuses a creatinine without a unit or with an unknown one") {
    auto o = example("renal-dialysis");
    o.creatinine = {"1.4"};
    auto r = evaluate(o);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("mg/dL or umol/L"));
    o.creatinine = {"1.4", "mmol/L"};
    CHECK_THAT(evaluate(o).err, Contains("'mmol/L' is not mg/dL or umol/L"));
    o.creatinine = {"1.4 mg/dL"};
    o.creatinineDate = "2026-13-01";
    CHECK_THAT(evaluate(o).err, Contains("--creatinine-date"));
}

TEST_CASE("an implausible creatinine is reported as a derived problem, not turned into an eGFR") {
    auto o = example("renal-dialysis");
    o.creatinine = {"140", "mg/dL"}; // a umol/L value typed as mg/dL
    o.json = true;
    const json j = json::parse(evaluate(o).out);
    CHECK(j["derived"]["egfr"].is_null());
    REQUIRE_FALSE(j["derivedProblems"].empty());
    CHECK_THAT(j["derivedProblems"][0]["message"].get<std::string>(), Contains("plausible range"));
}

TEST_CASE("any FHIR questionnaire without a rules file evaluates and raises no flags") {
    cli::EvaluateOptions o;
    o.form = test::dataPath("fhir-examples/q-3-level-deep.json");
    o.response = scratch("deep-response.json", R"({"resourceType":"QuestionnaireResponse","status":"completed",
        "item":[{"linkId":"level1","answer":[{"valueString":"a","item":[{"linkId":"level2","answer":[{"valueString":"b"}]}]}]}]})");
    const auto r = evaluate(o);
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Contains("this form has no rules file"));
}

TEST_CASE("egfr prints the published value for 1.4 mg/dL, 60 years, male") {
    std::ostringstream out, err;
    cli::EgfrOptions o{1.4, "mg/dL", 60, "male", true};
    REQUIRE(cli::runEgfr(o, out, err) == 0);
    const json j = json::parse(out.str());
    CHECK(j["egfr"] == 57.5);
    CHECK(j["category"] == "G3a");
}

TEST_CASE("egfr accepts umol/L and refuses an unknown sex, a child, or a bad unit with the reason") {
    std::ostringstream out, err;
    CHECK(cli::runEgfr({88.4, "umol/L", 50, "female", false}, out, err) == 0);
    CHECK_THAT(out.str(), Contains("eGFR 68.6"));
    CHECK(cli::runEgfr({1.0, "mg/dL", 50, "x", false}, out, err) == 2);
    CHECK_THAT(err.str(), Contains("female or male"));
    CHECK(cli::runEgfr({1.0, "mg/dL", 12, "male", false}, out, err) == 2);
    CHECK_THAT(err.str(), Contains("adults"));
    CHECK(cli::runEgfr({1.0, "g/L", 50, "male", false}, out, err) == 2);
    CHECK_THAT(err.str(), Contains("'g/L'"));
}

TEST_CASE("the mrscreen binary returns the documented exit codes") {
    const std::string form = test::sourcePath("forms/mri-safety");
    CHECK(shell("evaluate --form " + form + " --response " + test::sourcePath("forms/examples/no-risk.json")).code == 0);
    CHECK(shell("egfr --creatinine 1.4 --unit mg/dL --age 60 --sex male").out.find("57.5") != std::string::npos);
    const auto bad = shell("evaluate --form " + form);
    CHECK(bad.code == 2);
    CHECK_THAT(bad.out, Contains("--response"));
    CHECK(shell("frobnicate").code == 2);
}

TEST_CASE("evaluate refuses a response nested 100,000 levels deep with exit 2 instead of crashing") {
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    const auto path = scratch("deep-response.json", R"({"resourceType":"QuestionnaireResponse","status":"completed",)"
                                                    R"("item":[{"linkId":"x","answer":[{"valueString":)" +
                                                        deep + "}]}]}");
    const auto r = shell("evaluate --form " + test::sourcePath("forms/mri-safety") + " --response " + path);
    CHECK(r.code == 2);
    CHECK_THAT(r.out, Contains("deep-response.json") && Contains("nested more than 64 levels deep"));
}

TEST_CASE("evaluate lists the first 50 validation errors of a response and says how many more there are") {
    json items = json::array();
    for (int i = 0; i < 500; ++i)
        items.push_back({{"linkId", "unknown-" + std::to_string(i)}, {"answer", {{{"valueString", "x"}}}}});
    const json response = {{"resourceType", "QuestionnaireResponse"}, {"status", "completed"}, {"item", items}};
    auto o = example("pacemaker");
    o.response = scratch("many-errors.json", response.dump());
    const auto r = evaluate(o);
    CHECK(r.code == 1);
    CHECK_THAT(r.out, Contains("unknown-0 ") && Contains("unknown-49 "));
    CHECK_THAT(r.out, !Contains("unknown-450 "));
    CHECK_THAT(r.out, Contains("more\n"));
    o.json = true;
    CHECK(json::parse(evaluate(o).out)["errors"].size() > 500);
}

namespace {

// Runs the real binary from a shell with the common umask 022, which would leave new files 0644.
Run underUmask022(const std::string& args) {
    Run r;
    const std::string cmd = "umask 022 && " + std::string(MRSCREEN_BINARY) + " " + args + " 2>&1";
    FILE* pipe = popen(cmd.c_str(), "r");
    REQUIRE(pipe);
    std::array<char, 4096> buf{};
    while (std::fgets(buf.data(), int(buf.size()), pipe)) r.out += buf.data();
    const int status = pclose(pipe);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

bool ownerOnly(const std::filesystem::path& p) {
    using std::filesystem::perms;
    const perms mode = std::filesystem::status(p).permissions();
    const perms others = perms::group_all | perms::others_all;
    const perms wanted = std::filesystem::is_directory(p) ? perms::owner_all : perms::owner_read | perms::owner_write;
    return (mode & others) == perms::none && (mode & perms::owner_all) == wanted;
}

} // namespace

TEST_CASE("under umask 022 the data directory, database, keys, records and backups are its user's alone") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(MRSCREEN_TEST_OUTPUT) / "cli" / "file-modes";
    fs::remove_all(dir);
    const std::string dataDir = " --data-dir " + dir.string();
    auto r = underUmask022("keygen" + dataDir);
    REQUIRE(r.code == 0);
    r = underUmask022("import --form " + test::sourcePath("forms/mri-safety") + " --response " +
                      test::sourcePath("forms/examples/pacemaker.json") + dataDir);
    INFO(r.out);
    REQUIRE(r.code == 0);
    REQUIRE(underUmask022("backup" + dataDir).code == 0);

    int files = 0, records = 0, backups = 0;
    CHECK(ownerOnly(dir));
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        INFO(entry.path().string());
        if (entry.path().filename() == "site-cert.pem") continue; // public by design (0644), behind a 0700 directory
        CHECK(ownerOnly(entry.path()));
        if (!entry.is_regular_file()) continue;
        ++files;
        records += entry.path().extension() == ".pdf";
        backups += entry.path().parent_path().filename() == "backups";
    }
    CHECK(records >= 1);
    CHECK(backups == 1);
    CHECK(files >= 4); // database, backup, key, record

    // The -wal and -shm files SQLite makes beside the database while it is open.
    cli::KioskConfig config;
    config.dataDir = dir.string();
    {
        const auto store = cli::openStore(config);
        store->countScreenings();
        for (const char* suffix : {"-wal", "-shm"}) {
            const fs::path p = config.databasePath() + suffix;
            INFO(p.string());
            REQUIRE(fs::exists(p));
            CHECK(ownerOnly(p));
        }
    }

    // A database and directory an older version left readable are closed up when next opened.
    fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                             fs::perms::others_read | fs::perms::others_exec);
    fs::permissions(config.databasePath(), fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                               fs::perms::others_read);
    REQUIRE(underUmask022("queue" + dataDir).code == 0);
    CHECK(ownerOnly(dir));
    CHECK(ownerOnly(config.databasePath()));
}
