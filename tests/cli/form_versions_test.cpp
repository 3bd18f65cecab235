// Every screening is shown, rendered, exported and re-evaluated with the form it was answered
// with: a site changes its form (wording, a removed item, a new version) while screenings wait,
// and their records, `show` and FHIR exports keep the original; a screening whose form is lost is
// refused. Also what staff add after submission: a lab raises stored flags, contrast planned is
// read from an import and shown with each flag's gate and both parts of the decision.
#include "test_support.h"

#include "cli/commands.h"
#include "cli/config.h"
#include "screening/derived.h"
#include "store/audit.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

using namespace mrscreen;
using nlohmann::json;
using Catch::Matchers::Contains;

namespace fs = std::filesystem;

namespace {

using test::capture;
using test::Run;

const screening::Actor kNurse{"nina", screening::Role::Nurse};
const screening::Actor kMrso{"omar", screening::Role::Mrso};
const std::string kV1Pacemaker = "Do you have a pacemaker for your heart?";
const std::string kV2Pacemaker = "Is a cardiac pacing device implanted in your chest?";

// A data directory and a form folder of its own, with a config file naming both. The form starts
// as the archived v1.0.0, byte for byte.
struct Site {
    fs::path root;
    cli::StoreContext ctx;
    fs::path forms;

    explicit Site(const std::string& name, bool v1Forms = true)
        : root(fs::path(MRSCREEN_TEST_OUTPUT) / "form-versions" / name) {
        fs::remove_all(root);
        forms = root / "forms";
        fs::create_directories(forms);
        std::string formStem = test::sourcePath("forms/mri-safety");
        if (v1Forms) {
            fs::copy_file(test::sourcePath("forms/archive/mri-safety-1.0.0.questionnaire.json"),
                          forms / "mri-safety.questionnaire.json");
            fs::copy_file(test::sourcePath("forms/archive/mri-safety-1.0.0.rules.json"), forms / "mri-safety.rules.json");
            formStem = (forms / "mri-safety").string();
        }
        const fs::path config = root / "mrscreen.toml";
        std::ofstream(config) << "[storage]\ndata_dir = \"" << (root / "data").string() << "\"\n[form]\npath = \""
                              << formStem << "\"\n";
        ctx.configPath = config.string();
    }

    cli::KioskConfig config() const { return cli::configFor(ctx); }

    Run import(const std::string& responsePath) const {
        cli::ImportOptions o;
        o.response = responsePath;
        o.json = true;
        return capture([&](std::ostream& out, std::ostream& err) { return cli::runImport(ctx, o, out, err); });
    }
    std::int64_t imported(const std::string& responsePath) const {
        const auto r = import(responsePath);
        INFO(r.err);
        REQUIRE(r.code == 0);
        return json::parse(r.out)["id"].get<std::int64_t>();
    }
    Run show(std::int64_t id, bool asJson = false) const {
        return capture([&](std::ostream& out, std::ostream& err) { return cli::runShow(ctx, id, asJson, out, err); });
    }
    Run record(std::int64_t id) const {
        return capture([&](std::ostream& out, std::ostream& err) { return cli::runRecord(ctx, id, out, err); });
    }
    Run exportFhir(std::int64_t id, const std::string& to) const {
        cli::ExportOptions o;
        o.id = id;
        o.fhir = to;
        return capture([&](std::ostream& out, std::ostream& err) { return cli::runExport(ctx, o, out, err); });
    }
    void keygen() const {
        REQUIRE(capture([&](std::ostream& o, std::ostream& e) { return cli::runKeygen(ctx, "Test MRI", 30, o, e); })
                    .code == 0);
    }
    std::string file(const std::string& name, const std::string& text) const {
        std::ofstream(root / name) << text;
        return (root / name).string();
    }
};

// The text of a PDF, whitespace collapsed (pdftotext breaks lines where the page does).
std::string pdfText(const std::string& pdf) {
    const std::string command = "pdftotext -enc UTF-8 '" + pdf + "' -";
    std::FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe);
    std::string text;
    char buffer[4096];
    while (const auto n = std::fread(buffer, 1, sizeof buffer, pipe)) text.append(buffer, n);
    REQUIRE(::pclose(pipe) == 0);
    std::string collapsed;
    for (const char c : text) {
        const bool space = c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f';
        if (space && (collapsed.empty() || collapsed.back() == ' ')) continue;
        collapsed += space ? ' ' : c;
    }
    return collapsed;
}

// The path `mrscreen record` printed.
std::string recordPath(const Run& r) {
    const std::string tag = "Signed record written: ";
    const auto at = r.out.find(tag);
    REQUIRE(at != std::string::npos);
    return r.out.substr(at + tag.size(), r.out.find('\n', at) - at - tag.size());
}

// Calls f on every item (nested too) of a form or response.
template <typename F> void eachItem(json& items, F&& f) {
    for (auto& item : items) {
        f(item);
        if (item.contains("item")) eachItem(item["item"], f);
        if (item.contains("answer"))
            for (auto& a : item["answer"])
                if (a.contains("item")) eachItem(a["item"], f);
    }
}

void dropItem(json& items, const std::string& linkId) {
    for (auto it = items.begin(); it != items.end();) {
        if ((*it)["linkId"] == linkId) {
            it = items.erase(it);
            continue;
        }
        if (it->contains("item")) dropItem((*it)["item"], linkId);
        ++it;
    }
}

// Version 1.1.0 of the form: the pacemaker question reworded (English only), its model question
// removed.
void changeTheForm(const Site& site) {
    json form = json::parse(test::slurp(test::sourcePath("forms/archive/mri-safety-1.0.0.questionnaire.json")));
    form["version"] = "1.1.0";
    eachItem(form["item"], [](json& item) {
        if (item["linkId"] == "implant-pacemaker") item["text"] = kV2Pacemaker;
    });
    dropItem(form["item"], "implant-pacemaker-model");
    std::ofstream(site.forms / "mri-safety.questionnaire.json") << form.dump(2);
}

// A v1 response as the new form wants it: its version, without the removed item.
std::string pacemakerForV2(const Site& site) {
    json r = json::parse(test::slurp(test::dataPath("form-v1/pacemaker.json")));
    r["questionnaire"] = "http://mrscreen.org/fhir/Questionnaire/mri-safety|1.1.0";
    dropItem(r["item"], "implant-pacemaker-model");
    return site.file("pacemaker-v2.json", r.dump());
}

// Every stop and review flag verified by the nurse, the review, then the MRSO's clearance.
void reviewAndClear(store::Store& store, std::int64_t id) {
    const auto flags = store.screening(id)->flags;
    for (const auto& f : flags)
        if (f.severity != screening::Severity::Info)
            store.setFlagVerdict(id, f.ruleId, screening::FlagVerdict::Verified, "as answered", kNurse);
    store.transition(id, {screening::Action::Review, kNurse, "", ""});
    store.transition(id, {screening::Action::Clear, kMrso, "MR Conditional system, cardiology present", ""});
}

double creatinineGiving(int egfr, int age, screening::Sex sex) {
    for (double cr = 0.5; cr < 10; cr += 0.01)
        if (std::lround(screening::ckdEpi2021(cr, age, sex)) == egfr) return cr;
    FAIL("no creatinine gives eGFR " << egfr);
    return 0;
}

} // namespace

// [SECTION] form versions

TEST_CASE("after the form changes, waiting and reviewed screenings keep their own wording in records, show and FHIR") {
    Site site("changed-form");
    site.keygen();
    const auto waiting = site.imported(test::dataPath("form-v1/pacemaker.json"));
    const auto reviewed = site.imported(test::dataPath("form-v1/pacemaker.json"));
    {
        const auto store = cli::openStore(site.config());
        reviewAndClear(*store, reviewed);
    }
    changeTheForm(site);

    for (const auto id : {waiting, reviewed}) {
        CAPTURE(id);
        const auto r = site.record(id);
        INFO(r.err);
        REQUIRE(r.code == 0);
        const std::string text = pdfText(recordPath(r));
        CHECK_THAT(text, Contains(kV1Pacemaker));
        CHECK_THAT(text, Contains("Medtronic Azure")); // the removed item's answer is still there
        CHECK_THAT(text, !Contains("cardiac pacing device"));
        CHECK_THAT(text, Contains("1.0.0"));

        const auto shown = site.show(id);
        REQUIRE(shown.code == 0);
        CHECK_THAT(shown.out, Contains(kV1Pacemaker) && Contains("Medtronic Azure") && Contains("|1.0.0"));
        CHECK_THAT(shown.out, !Contains("cardiac pacing device"));

        const std::string bundlePath = (site.root / ("bundle-" + std::to_string(id) + ".json")).string();
        REQUIRE(site.exportFhir(id, bundlePath).code == 0);
        const std::string bundle = test::slurp(bundlePath);
        CHECK_THAT(bundle, Contains(kV1Pacemaker) && Contains("Medtronic Azure"));
        CHECK_THAT(bundle, !Contains("cardiac pacing device"));
    }

    // A new screening is answered with, and shown with, the new form.
    const auto fresh = site.imported(pacemakerForV2(site));
    const auto shown = site.show(fresh, true);
    REQUIRE(shown.code == 0);
    const json j = json::parse(shown.out);
    CHECK(j["form"]["version"] == "1.1.0");
    bool reworded = false;
    for (const auto& a : j["answers"])
        if (a["linkId"] == "implant-pacemaker") reworded = a["question"] == kV2Pacemaker;
    CHECK(reworded);
    const auto store = cli::openStore(site.config());
    CHECK(store->screening(fresh)->formSha256 != store->screening(waiting)->formSha256);
    CHECK(store->formDocument(store->screening(waiting)->formSha256).has_value());
}

TEST_CASE("a screening whose form is in neither the database nor the archive is refused, and nothing is rendered") {
    Site site("lost-form");
    site.keygen();
    std::int64_t id = 0;
    const std::string lostForm = R"({"resourceType":"Questionnaire","url":"http://mrscreen.org/fhir/Questionnaire/mri-safety","version":"0.9.0"})";
    {
        const auto store = cli::openStore(site.config());
        store::NewScreening s;
        s.formUrl = "http://mrscreen.org/fhir/Questionnaire/mri-safety";
        s.formVersion = "0.9.0";
        s.formSha256 = store::sha256Hex(lostForm); // its text was never kept
        s.responseJson = test::slurp(test::dataPath("form-v1/pacemaker.json"));
        s.patient = {"Lindqvist", "Margaret", "1951-07-22", "female"};
        id = store->submit(s, {"cli:test", screening::Role::Admin});
    }
    const std::string expected = "screening " + std::to_string(id) +
                                 " was answered with form http://mrscreen.org/fhir/Questionnaire/mri-safety|0.9.0 "
                                 "(sha256 " + store::sha256Hex(lostForm).substr(0, 8);
    for (const bool asJson : {false, true}) {
        const auto shown = site.show(id, asJson);
        CHECK(shown.code == 2);
        CHECK(shown.out.empty());
        CHECK_THAT(shown.err, Contains(expected) && Contains("which is neither in the database nor in") &&
                                  Contains("restore that file and retry") &&
                                  Contains("mrscreen never shows a screening with another form"));
    }
    const auto recorded = site.record(id);
    CHECK(recorded.code == 2);
    CHECK_THAT(recorded.err, Contains(expected));
    const bool noRecordFiles = !fs::exists(site.config().recordsDir()) || fs::is_empty(site.config().recordsDir());
    CHECK(noRecordFiles);
    const std::string bundlePath = (site.root / "lost.json").string();
    const auto exported = site.exportFhir(id, bundlePath);
    CHECK(exported.code == 2);
    CHECK_THAT(exported.err, Contains(expected));
    CHECK_FALSE(fs::exists(bundlePath));
}

TEST_CASE("a v1 screening stored before forms were kept finds its form in forms/archive and keeps it") {
    Site site("archive-fallback", false); // the configured form is the repository's, its archive beside it
    const std::string v1 = test::slurp(test::sourcePath("forms/archive/mri-safety-1.0.0.questionnaire.json"));
    const std::string v1Rules = test::slurp(test::sourcePath("forms/archive/mri-safety-1.0.0.rules.json"));
    std::int64_t id = 0;
    {
        const auto store = cli::openStore(site.config());
        store::NewScreening s; // as a database from before migration 0008 holds it: no form text
        s.formUrl = "http://mrscreen.org/fhir/Questionnaire/mri-safety";
        s.formVersion = "1.0.0";
        s.formSha256 = store::sha256Hex(v1);
        s.rulesSha256 = store::sha256Hex(v1Rules);
        s.responseJson = test::slurp(test::dataPath("form-v1/pacemaker.json"));
        s.patient = {"Lindqvist", "Margaret", "1951-07-22", "female"};
        id = store->submit(s, {"cli:test", screening::Role::Admin});
        CHECK_FALSE(store->formDocument(s.formSha256));
    }
    const auto shown = site.show(id);
    INFO(shown.err);
    REQUIRE(shown.code == 0);
    CHECK_THAT(shown.out, Contains(kV1Pacemaker) && Contains("Medtronic Azure"));
    const auto store = cli::openStore(site.config());
    CHECK(store->formDocument(store::sha256Hex(v1)) == v1);
    CHECK(store->formDocument(store::sha256Hex(v1Rules)) == v1Rules);
}

// [SECTION] labs raise flags

TEST_CASE("a creatinine giving eGFR 39 stores a renal review flag that needs a verdict before review and shows in show") {
    Site site("lab-egfr-39");
    const auto id = site.imported(test::dataPath("form-v1/no-risk.json"));
    const auto config = site.config();
    const auto store = cli::openStore(config);
    auto catalog = cli::formCatalog(*store, config);
    store::LabResult lab;
    lab.value = creatinineGiving(39, screening::ageInYears("1984-03-09", cli::todayIso()), screening::Sex::Male);
    lab.unit = "mg/dL";
    lab.takenOn = cli::todayIso();
    store->addLab(id, lab, kNurse);
    cli::reassess(*store, catalog, config, id, kNurse);
    const auto d = store->screening(id).value();
    const store::StoredFlag* reduced = nullptr;
    for (const auto& f : d.flags)
        if (f.ruleId == "renal-egfr-reduced") reduced = &f;
    REQUIRE(reduced);
    CHECK(reduced->severity == screening::Severity::Review);
    CHECK(reduced->status == screening::FlagVerdict::Open);
    const json triggers = json::parse(reduced->triggersJson);
    REQUIRE(triggers.size() >= 1);
    CHECK(std::lround(triggers.back()["value"].get<double>()) == 39);
    CHECK(d.history.back().action == "flags.raised");
    CHECK_THROWS_WITH(store->transition(id, {screening::Action::Review, kNurse, "", ""}),
                      Contains("renal-egfr-reduced"));
    const auto shown = site.show(id);
    CHECK_THAT(shown.out, Contains("REVIEW") && Contains("renal-egfr-reduced") && Contains("open"));
}

TEST_CASE("a creatinine giving eGFR below 30 stores a stop flag, and a normal one raises none") {
    Site site("lab-egfr-low");
    const auto low = site.imported(test::dataPath("form-v1/no-risk.json"));
    const auto normal = site.imported(test::dataPath("form-v1/no-risk.json"));
    const auto config = site.config();
    const auto store = cli::openStore(config);
    auto catalog = cli::formCatalog(*store, config);
    const int age = screening::ageInYears("1984-03-09", cli::todayIso());
    for (const auto& [id, egfr] : {std::pair<std::int64_t, int>{low, 24}, {normal, 95}}) {
        store::LabResult lab;
        lab.value = creatinineGiving(egfr, age, screening::Sex::Male);
        lab.unit = "mg/dL";
        lab.takenOn = cli::todayIso();
        store->addLab(id, lab, kNurse);
        cli::reassess(*store, catalog, config, id, kNurse);
    }
    const auto lowFlags = store->screening(low)->flags;
    REQUIRE_FALSE(lowFlags.empty());
    CHECK(lowFlags.front().ruleId == "renal-egfr-low");
    CHECK(lowFlags.front().severity == screening::Severity::Stop);
    const auto normalFlags = store->screening(normal)->flags;
    for (const auto& f : normalFlags) CHECK_THAT(f.ruleId, !Contains("renal-egfr"));
}

// [SECTION] contrast

TEST_CASE("import reads contrast planned from the response, and an unknown code is refused") {
    Site site("contrast-import");
    json r = json::parse(test::slurp(test::dataPath("form-v1/no-risk.json")));
    r["extension"] = json::array(
        {{{"url", "http://mrscreen.org/fhir/StructureDefinition/contrast-planned"}, {"valueCode", "no"}}});
    const auto id = site.imported(site.file("no-contrast.json", r.dump()));
    const auto shown = site.show(id, true);
    REQUIRE(shown.code == 0);
    CHECK(json::parse(shown.out)["contrastPlanned"]["planned"] == "no");
    CHECK(json::parse(site.show(site.imported(test::dataPath("form-v1/no-risk.json")), true).out)["contrastPlanned"]
              ["planned"] == "unknown");
    r["extension"][0]["valueCode"] = "perhaps";
    const auto refused = site.import(site.file("odd-contrast.json", r.dump()));
    CHECK(refused.code == 2);
    CHECK_THAT(refused.err, Contains("contrast-planned extension says 'perhaps'"));
}

TEST_CASE("show prints contrast planned, each flag's gate and both parts of the decision") {
    Site site("contrast-show");
    const auto id = site.imported(test::dataPath("form-v1/pacemaker.json"));
    const auto store = cli::openStore(site.config());
    store->setContrastPlanned(id, "yes", kNurse);
    reviewAndClear(*store, id);
    store->decideContrast(id, {"cleared_with_conditions", "group II agent only", "", "", ""},
                          {"contrast", "Omar Officer", screening::Role::Mrso, R"({"strokes":[[[0,0],[1,1]]]})", ""},
                          kMrso);
    const auto text = site.show(id);
    REQUIRE(text.code == 0);
    CHECK_THAT(text.out, Contains("Contrast  planned: yes, set by nina"));
    CHECK_THAT(text.out, Contains("zone-iv"));
    CHECK_THAT(text.out, Contains("Zone IV   cleared by omar"));
    CHECK_THAT(text.out, Contains("Contrast  cleared_with_conditions by omar") && Contains("group II agent only"));
    const json j = json::parse(site.show(id, true).out);
    CHECK(j["contrastPlanned"]["planned"] == "yes");
    CHECK(j["flagList"][0]["gate"] == "zone-iv");
    CHECK(j["decisions"]["zoneIv"]["outcome"] == "cleared");
    CHECK(j["decisions"]["contrast"]["outcome"] == "cleared_with_conditions");
    CHECK(j["decisions"]["contrast"]["conditions"] == "group II agent only");
}

TEST_CASE("a screening not yet decided shows both parts as not decided") {
    Site site("contrast-undecided");
    const auto id = site.imported(test::dataPath("form-v1/no-risk.json"));
    const auto text = site.show(id);
    CHECK_THAT(text.out, Contains("Zone IV   not decided yet") && Contains("Contrast  not decided yet"));
    const json j = json::parse(site.show(id, true).out);
    CHECK(j["decisions"]["zoneIv"].is_null());
    CHECK(j["decisions"]["contrast"].is_null());
}

// [SECTION] configuration and staff

TEST_CASE("the config sets who signs contrast and the staff language, and refuses what is not a role") {
    Site site("contrast-config");
    std::ofstream(site.ctx.configPath, std::ios::app)
        << "[site]\nstaff_language = \"es\"\n[workflow]\ncontrast_signer_roles = [\"radiologist\"]\n";
    const auto config = site.config();
    CHECK(config.staffLanguage == "es");
    CHECK(config.storeOptions().policy.contrastSignerRoles == std::vector<screening::Role>{screening::Role::Radiologist});
    CHECK(cli::KioskConfig{}.storeOptions().policy.contrastSignerRoles ==
          std::vector<screening::Role>{screening::Role::Mrso, screening::Role::Radiologist});
    CHECK(cli::KioskConfig{}.staffLanguage == "en");
    const auto bad = site.file("bad.toml", "[workflow]\ncontrast_signer_roles = [\"surgeon\"]\n[site]\nstaff_language = \"\"\n");
    std::string problems;
    for (const auto& p : test::problemsOf([&] { cli::loadConfig(bad); })) problems += p + "\n";
    CHECK_THAT(problems, Contains("contrast_signer_roles: 'surgeon' is not a staff role (nurse, mrso, radiologist, admin)"));
    CHECK_THAT(problems, Contains("[site] staff_language must be a language code"));
}

TEST_CASE("flags are stored in the staff language, whatever language the patient answered in") {
    Site site("staff-language");
    std::ofstream(site.ctx.configPath, std::ios::app) << "[site]\nstaff_language = \"en\"\n";
    json r = json::parse(test::slurp(test::dataPath("form-v1/pacemaker.json")));
    r["language"] = "es";
    const auto id = site.imported(site.file("pacemaker-es.json", r.dump()));
    const auto store = cli::openStore(site.config());
    const auto d = store->screening(id).value();
    CHECK(d.language == "es");
    const auto rules = json::parse(test::slurp(test::sourcePath("forms/archive/mri-safety-1.0.0.rules.json")));
    for (const auto& rule : rules["rules"])
        if (rule["id"] == "implant-pacemaker")
            for (const auto& f : d.flags)
                if (f.ruleId == "implant-pacemaker") CHECK(f.message == rule["message"]["en"]);
}

TEST_CASE("staff add takes the radiologist role") {
    Site site("radiologist");
    std::istringstream pin("482913\n");
    cli::StaffOptions add{"add", "rita", "Rita Radiologist", "radiologist", false};
    const auto r = capture([&](std::ostream& out, std::ostream& err) { return cli::runStaff(site.ctx, add, pin, out, err); });
    INFO(r.err);
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Contains("rita, radiologist"));
}

// [SECTION] contrast with the current form

namespace {

std::string dialysisWithContrast(const Site& site, const std::string& planned) {
    json r = json::parse(test::slurp(test::sourcePath("forms/examples/renal-dialysis.json")));
    r["extension"] = json::array(
        {{{"url", "http://mrscreen.org/fhir/StructureDefinition/contrast-planned"}, {"valueCode", planned}}});
    return site.file("dialysis-" + planned + ".json", r.dump());
}

std::optional<store::StoredFlag> flagOf(store::Store& store, std::int64_t id, const std::string& ruleId) {
    const auto flags = store.screening(id)->flags;
    for (const auto& f : flags)
        if (f.ruleId == ruleId) return f;
    return std::nullopt;
}

void verifyAllAndReview(store::Store& store, std::int64_t id) {
    const auto flags = store.screening(id)->flags;
    for (const auto& f : flags)
        if (f.severity != screening::Severity::Info && f.status == screening::FlagVerdict::Open)
            store.setFlagVerdict(id, f.ruleId, screening::FlagVerdict::Verified, "as answered", kNurse);
    store.transition(id, {screening::Action::Review, kNurse, "", ""});
}

} // namespace

TEST_CASE("a dialysis patient's non-contrast exam is not held at the Zone IV door") {
    Site site("dialysis-no-contrast", false);
    const auto id = site.imported(dialysisWithContrast(site, "no"));
    const auto store = cli::openStore(site.config());
    const auto renal = flagOf(*store, id, "renal-dialysis-or-aki");
    REQUIRE(renal);
    CHECK(renal->gate == "contrast");
    CHECK(renal->severity == screening::Severity::Info);
    verifyAllAndReview(*store, id);
    CHECK(store->transition(id, {screening::Action::Clear, kMrso, "", ""}) == screening::ScreeningState::Cleared);
}

TEST_CASE("when contrast becomes planned, re-evaluation raises the renal stop again for a verdict") {
    Site site("dialysis-contrast-later", false);
    const auto id = site.imported(dialysisWithContrast(site, "no"));
    const auto config = site.config();
    const auto store = cli::openStore(config);
    auto catalog = cli::formCatalog(*store, config);
    store->setContrastPlanned(id, "yes", kNurse);
    cli::reassess(*store, catalog, config, id, kNurse);
    const auto renal = flagOf(*store, id, "renal-dialysis-or-aki");
    REQUIRE(renal);
    CHECK(renal->severity == screening::Severity::Stop);
    CHECK(renal->status == screening::FlagVerdict::Open);
    CHECK_THROWS_WITH(store->transition(id, {screening::Action::Review, kNurse, "", ""}),
                      Contains("renal-dialysis-or-aki"));
}

TEST_CASE("with contrast unknown, Zone IV clears without an override but contrast needs a reason over the renal stop") {
    Site site("dialysis-contrast-unknown", false);
    const auto id = site.imported(test::sourcePath("forms/examples/renal-dialysis.json"));
    const auto store = cli::openStore(site.config());
    REQUIRE(flagOf(*store, id, "renal-dialysis-or-aki")->severity == screening::Severity::Stop);
    verifyAllAndReview(*store, id);
    CHECK(store->transition(id, {screening::Action::Clear, kMrso, "", ""}) == screening::ScreeningState::Cleared);
    const store::StaffSignature signature{"contrast", "Omar Officer", screening::Role::Mrso,
                                          R"({"strokes":[[[0,0],[1,1]]]})", ""};
    CHECK_THROWS_WITH(store->decideContrast(id, {"cleared", "", "", "", ""}, signature, kMrso),
                      Contains("renal-dialysis-or-aki") && Contains("clearing contrast needs a reason"));
    store->decideContrast(id, {"not_cleared", "", "on dialysis: no gadolinium", "", ""}, signature, kMrso);
    CHECK_THAT(site.show(id).out, Contains("Contrast  not_cleared by omar"));
}

TEST_CASE("an import that says No to implants and Yes to a pacemaker keeps the ignored answer and shows it") {
    Site site("contradictory-import", false);
    const auto id = site.imported(test::sourcePath("forms/examples/contradictory-import.json"));
    const json j = json::parse(site.show(id, true).out);
    REQUIRE(j["ignoredAnswers"].is_array());
    REQUIRE_FALSE(j["ignoredAnswers"].empty());
    bool contradiction = false;
    for (const auto& f : j["flagList"])
        contradiction = contradiction || f["id"].get<std::string>().rfind("answers-contradict-", 0) == 0;
    CHECK(contradiction);
    const auto text = site.show(id);
    CHECK_THAT(text.out, Contains("Answers to questions that did not apply (kept for staff)"));
    CHECK_THAT(text.out, Contains(j["ignoredAnswers"][0]["question"].get<std::string>()));
}

TEST_CASE("contrast planned survives a FHIR export and a new import of its response") {
    Site site("contrast-round-trip", false);
    json r = json::parse(test::slurp(test::sourcePath("forms/examples/no-risk.json")));
    r["extension"] = json::array(
        {{{"url", "http://mrscreen.org/fhir/StructureDefinition/contrast-planned"}, {"valueCode", "no"}}});
    const auto id = site.imported(site.file("no-risk-no-contrast.json", r.dump()));
    const std::string bundlePath = (site.root / "bundle.json").string();
    REQUIRE(site.exportFhir(id, bundlePath).code == 0);
    const json response = json::parse(test::slurp(bundlePath))["entry"][0]["resource"];
    REQUIRE(response["resourceType"] == "QuestionnaireResponse");
    const auto again = site.imported(site.file("exported-response.json", response.dump()));
    CHECK(json::parse(site.show(again, true).out)["contrastPlanned"]["planned"] == "no");
}
