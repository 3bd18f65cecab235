// `mrscreen demo`: fills an empty data directory with sample screenings in the states the store
// keeps, and four demo staff accounts, so the staff screens can be tried at once. Every change
// goes through the Store API (each one audited, signed and recorded as in real use); a database
// that already holds a screening is never touched.
#include "cli/commands.h"
#include "cli/config.h"
#include "cli/form_files.h"
#include "cli/submission.h"

#include "record/pdf_signature.h"
#include "screening/answers.h"
#include "screening/assessment.h"
#include "screening/derived.h"
#include "screening/response.h"
#include "store/audit.h"
#include "store/clock.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <map>
#include <numbers>
#include <optional>
#include <ostream>
#include <sstream>
#include <string_view>

namespace mrscreen::cli {

using namespace screening;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// [SECTION] who and what

struct DemoStaff {
    std::string username;
    std::string name;
    Role role;
    std::string pin;
};

const std::vector<DemoStaff>& demoStaff() {
    static const std::vector<DemoStaff> staff = {
        {"nina", "Nina Okoro, RN", Role::Nurse, "111111"},
        {"ned", "Ned Park, RN", Role::Nurse, "222222"},
        {"omar", "Omar Haddad, MRSO", Role::Mrso, "333333"},
        {"ada", "Ada Stein", Role::Admin, "444444"},
        {"rita", "Dr Rita Alves, radiologist", Role::Radiologist, "555555"}};
    return staff;
}

const DemoStaff& member(const std::string& username) {
    for (const auto& s : demoStaff())
        if (s.username == username)
            return s;
    throw std::logic_error("no demo staff member " + username);
}

Actor actorOf(const std::string& username) {
    return {username, member(username).role};
}

// One patient's visit: which example response it starts from and what is changed in it so every
// row of the queue is a different person.
struct DemoVisit {
    std::string example; // forms/examples/<example>.json
    std::string familyName, givenName, birthDate;
    int minutesAgo = 0;         // when the patient finished the form
    int lastPeriodDaysAgo = -1; // keeps a last-period date plausible for today; -1: not asked
    std::map<std::string, json> answers; // linkId -> replacement answer array
};

// [SECTION] editing example responses

// Replaces the answers of the item `linkId` wherever it is nested; false when it is not there.
bool replaceAnswer(json& node, const std::string& linkId, const json& answer) {
    bool found = false;
    if (node.contains("item"))
        for (auto& item : node["item"]) {
            if (item.value("linkId", "") == linkId) {
                item["answer"] = answer;
                found = true;
            }
            found = replaceAnswer(item, linkId, answer) || found;
        }
    if (node.contains("answer"))
        for (auto& a : node["answer"])
            found = replaceAnswer(a, linkId, answer) || found;
    return found;
}

void setAnswer(json& response, const std::string& source, const std::string& linkId,
               const json& answer) {
    if (!replaceAnswer(response, linkId, answer))
        throw InputError(source,
                         {"the demo expects an answer to '" + linkId + "' in this example"});
}

// "2026-11-25T14:01:09Z": the store's clock, `seconds` back, without the milliseconds.
std::string instantAgo(const std::string& now, long long seconds) {
    return store::addSeconds(now, -seconds).substr(0, 19) + "Z";
}

std::string dayAgo(const std::string& now, int days) {
    return store::addSeconds(now, -86400LL * days).substr(0, 10);
}

// [SECTION] signatures

// A cursive-looking signature in the unit square (y down): the initial, a looping line with one
// loop per letter of the name (a trochoid: the pen runs back where it turns faster than it moves
// on; tall letters loop high, descenders dip below the line) and an underline. Each person signs
// differently and always the same way.
std::string signatureStrokes(const std::string& signer) {
    std::string letters; // the name after its initial, lowercase ASCII, at most 10
    for (std::size_t i = 1; i < signer.size() && signer[i] != ',' && letters.size() < 10; ++i)
        if (std::isalpha(static_cast<unsigned char>(signer[i])))
            letters += char(std::tolower(static_cast<unsigned char>(signer[i])));
    if (letters.size() < 4)
        letters += "nmen";
    const double pi = std::numbers::pi;
    const double n = double(letters.size());
    const double left = 0.17, width = 0.66, baseline = 0.60;
    auto point = [](double x, double y) {
        return json::array({std::round(x * 1000) / 1000, std::round(y * 1000) / 1000});
    };
    auto letterHeight = [&](char c) {
        if (std::string_view("bdfhklt").find(c) != std::string_view::npos)
            return 0.30;
        if (std::string_view("gjpqy").find(c) != std::string_view::npos)
            return -0.16;
        return 0.11;
    };
    json initial = json::array(), line = json::array(), underline = json::array();
    for (int i = 0; i <= 16; ++i) {
        const double t = i / 16.0;
        initial.push_back(point(0.09 + 0.05 * std::sin(2 * pi * t) + 0.05 * t,
                                0.18 + 0.46 * t - 0.04 * std::sin(pi * t)));
    }
    const int steps = 12 * int(letters.size());
    for (int i = 0; i <= steps; ++i) {
        const double u = double(i) / steps;
        const auto letter = std::min(letters.size() - 1, std::size_t(u * n));
        const double rise = letterHeight(letters[letter]) * (0.5 - 0.5 * std::cos(2 * pi * n * u));
        const double back = 1.7 * width / (2 * pi * n) * std::sin(2 * pi * n * u);
        line.push_back(point(left + width * u - back + 0.22 * rise, baseline - rise));
    }
    for (int i = 0; i <= 16; ++i) {
        const double v = i / 16.0;
        underline.push_back(point(0.14 + 0.74 * v, 0.82 - 0.06 * std::sin(pi * v) + 0.03 * v));
    }
    return json{{"strokes", json::array({initial, line, underline})}}.dump();
}

// [SECTION] the seeding

class DemoSeeder {
public:
    DemoSeeder(store::Store& store, const KioskConfig& config, const FormFiles& files,
               std::string examplesDir, std::ostream& err)
        : store_(store), config_(config), files_(files), examplesDir_(std::move(examplesDir)),
          err_(err), now_(store::nowUtc()), catalog_(formCatalog(store, config)) {}

    // The example with this visit's patient, times and answers, checked against the form as
    // submission checks it; throws naming the example when it no longer fits.
    Response response(const DemoVisit& v) const {
        const std::string source = (fs::path(examplesDir_) / (v.example + ".json")).string();
        json r = json::parse(readFile(source));
        setAnswer(r, source, "family-name", json::array({{{"valueString", v.familyName}}}));
        setAnswer(r, source, "given-name", json::array({{{"valueString", v.givenName}}}));
        setAnswer(r, source, "birth-date", json::array({{{"valueDate", v.birthDate}}}));
        if (v.lastPeriodDaysAgo >= 0)
            setAnswer(r, source, "last-period-date",
                      json::array({{{"valueDate", dayAgo(now_, v.lastPeriodDaysAgo)}}}));
        for (const auto& [linkId, answer] : v.answers)
            setAnswer(r, source, linkId, answer);
        std::string id = "demo-" + v.example + "-";
        for (const char c : v.familyName)
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
                id += char(c | 0x20); // FHIR ids are ASCII
        r["id"] = id;
        r["authored"] = instantAgo(now_, 60LL * v.minutesAgo);
        const Response response = readResponse(r.dump(), source);
        if (const auto mismatch = formMismatch(response, files_.form); !mismatch.empty())
            throw InputError(source, {mismatch});
        const Assessment a =
            assess(ScreeningAnswers(files_.form, response), rules(), inputFor(response));
        if (!a.valid()) {
            std::vector<std::string> problems;
            for (const auto& e : a.errors)
                problems.push_back("item '" + e.linkId + "': " + e.message);
            throw InputError(source, problems);
        }
        return response;
    }

    // Submitted as the kiosk's patient session would, with its first signed record.
    std::int64_t submit(const Response& response) {
        const Submission sub = submitResponse(store_, config_, files_, response, "kiosk",
                                              {"", Role::Patient}, todayIso(), err_);
        if (!sub.assessment.valid())
            throw InputError(response.id, {"was not stored: it does not fit the form"});
        return sub.id;
    }

    void verdict(std::int64_t id, const std::string& nurse, const std::string& ruleId,
                 FlagVerdict v, const std::string& note) {
        store_.setFlagVerdict(id, ruleId, v, note, actorOf(nurse));
    }

    // The nurse's verbal review: any stop or review flag the visit did not note explicitly (the
    // rules may have grown since the demo was written) is verified with a generic note.
    void review(std::int64_t id, const std::string& nurse) {
        const auto detail = store_.screening(id);
        for (const auto& f : detail->flags)
            if (f.severity != Severity::Info && f.status == FlagVerdict::Open)
                verdict(id, nurse, f.ruleId, FlagVerdict::Verified,
                        "Gone through with the patient; as answered.");
        store_.transitionSigned(id, {Action::Review, actorOf(nurse), "", ""},
                                signature("review", nurse));
    }

    // The signer's decision, then the record that carries it.
    void decide(std::int64_t id, const std::string& signer, Action action,
                const std::string& conditions, const std::string& reason) {
        store_.transitionSigned(id, {action, actorOf(signer), reason, conditions},
                                signature("decision", signer));
        record(id, signer);
    }

    // The contrast part of the decision, signed by the radiologist.
    void decideContrast(std::int64_t id, const std::string& signer, const std::string& outcome,
                        const std::string& conditions, const std::string& reason) {
        store_.decideContrast(id, {outcome, conditions, reason, "", ""}, signature("contrast", signer),
                              actorOf(signer));
    }

    void record(std::int64_t id, const std::string& by) {
        produceRecord(store_, config_, *catalog_.forScreening(*store_.screening(id)), id,
                      actorOf(by), err_);
    }

    // A creatinine drawn `daysAgo`, with the eGFR it gives this patient for the verdict's note.
    std::string addCreatinine(std::int64_t id, const std::string& nurse, double mgPerDl,
                              int daysAgo) {
        store::LabResult lab;
        lab.value = mgPerDl;
        lab.unit = "mg/dL";
        lab.takenOn = dayAgo(now_, daysAgo);
        store_.addLab(id, lab, actorOf(nurse));
        reassess(store_, catalog_, config_, id, actorOf(nurse)); // what the lab raises is a flag
        const store::PatientIdentity patient = store_.screening(id)->summary.patient;
        const double egfr = ckdEpi2021(mgPerDl, ageInYears(patient.birthDate, dayAgo(now_, 0)),
                                       patient.sex == "female" ? Sex::Female : Sex::Male);
        std::ostringstream note;
        note << "Creatinine " << std::fixed << std::setprecision(1) << mgPerDl << " mg/dL drawn "
             << lab.takenOn << ": eGFR " << std::setprecision(0) << egfr
             << " mL/min/1.73 m², no contrast restriction.";
        return note.str();
    }

    void addImplant(std::int64_t id, const std::string& nurse, store::ImplantRecord implant) {
        implant.checkResult =
            checkMrConditional(implant.mrStatus, implant.conditions, config_.scanner()).summary;
        store_.saveImplant(id, implant, actorOf(nurse));
    }

    // A correction after the decision: the original stays as decided and becomes amended; the
    // corrected response is a new submitted screening, checked and recorded like any other.
    std::int64_t amend(std::int64_t id, const Response& corrected, const std::string& by) {
        const ScreeningAnswers answers(files_.form, corrected);
        const AssessmentInput in = inputFor(corrected);
        const Assessment a = assess(answers, rules(), in);
        store::NewScreening s;
        s.formUrl = files_.form.url;
        s.formVersion = files_.form.version;
        s.formJson = files_.questionnaireText;
        s.rulesJson = files_.rulesText;
        s.formSha256 = store::sha256Hex(s.formJson);
        s.rulesSha256 = s.rulesJson.empty() ? "" : store::sha256Hex(s.rulesJson);
        s.contrastPlanned = contrastPlanName(in.contrast);
        s.ignoredAnswersJson = ignoredAnswersToJson(answers, in.language).dump();
        s.language = in.language;
        s.responseJson = responseToJson(corrected, &files_.form, &answers).dump();
        s.flags = a.flags;
        s.patient =
            store_.screening(id)->summary.patient; // the correction does not change who it is
        const std::int64_t newId = store_.amend(id, s, actorOf(by));
        record(newId, by);
        return newId;
    }

private:
    const RuleSet* rules() const { return files_.rules ? &*files_.rules : nullptr; }

    AssessmentInput inputFor(const Response& r) const {
        AssessmentInput in;
        in.language = files_.form.supportsLanguage(r.language) ? r.language : files_.form.language;
        in.screeningDate = screeningDateOf(r, todayIso());
        in.staffLanguage = config_.staffLanguage;
        in.contrast = contrastPlannedOf(r);
        return in;
    }

    store::StaffSignature signature(const std::string& purpose, const std::string& username) const {
        const DemoStaff& s = member(username);
        return {purpose, s.name, s.role, signatureStrokes(s.name), store::nowUtc()};
    }

    store::Store& store_;
    const KioskConfig& config_;
    const FormFiles& files_;
    std::string examplesDir_;
    std::ostream& err_;
    std::string now_;
    store::FormCatalog catalog_;
};

json text(const std::string& s) {
    return json::array({{{"valueString", s}}});
}

// The patients, oldest visit first. The correction of Priya Raman's weight is a visit of its own.
struct DemoVisits {
    DemoVisit okafor{"no-risk", "Okafor", "Daniel", "1984-03-09", 330, -1, {}};
    DemoVisit brooks{"pacemaker",
                     "Brooks",
                     "Evelyn",
                     "1947-04-09",
                     290,
                     -1,
                     {{"implant-pacemaker-model", text("Veltra DR, the card is in my purse")}}};
    DemoVisit brennan{"eye-metal", "Brennan", "Thomas", "1974-11-02", 250, -1, {}};
    DemoVisit raman{"gadolinium-reaction", "Raman", "Priya", "1988-01-17", 210, 18, {}};
    DemoVisit ramanCorrected{"gadolinium-reaction",
                             "Raman",
                             "Priya",
                             "1988-01-17",
                             30,
                             18,
                             {{"weight-kg", json::array({{{"valueDecimal", 67.0}}})}}};
    DemoVisit nakamura{"knee-replacement", "Nakamura", "Dorothy", "1958-02-11", 95, -1, {}};
    DemoVisit jennings{"renal-dialysis", "Jennings", "Harold", "1959-05-02", 50, -1, {}};
    DemoVisit lindqvist{"pacemaker", "Lindqvist", "Margaret", "1951-07-22", 35, -1, {}};
    DemoVisit hernandez{"possible-pregnancy", "Hernández Mora", "Lucía", "1997-06-15", 20, 44, {}};
    DemoVisit bell{"weight-over-limit", "Bell", "Marcus", "1970-08-30", 8, -1, {}};

    std::vector<const DemoVisit*> all() const {
        return {&okafor,   &brooks,   &brennan,   &raman,     &ramanCorrected,
                &nakamura, &jennings, &lindqvist, &hernandez, &bell};
    }
};

// Each visit brought to its state as staff would on the kiosk. Returns every screening's id.
std::vector<std::int64_t> seed(DemoSeeder& d, const DemoVisits& v) {
    std::vector<std::int64_t> ids;
    using V = FlagVerdict;

    // Cleared: nothing to flag.
    auto id = d.submit(d.response(v.okafor));
    d.review(id, "ned");
    d.decide(id, "omar", Action::Clear, "", "");
    ids.push_back(id);

    // Cleared with conditions: an MR Conditional pacing system, checked against its label.
    id = d.submit(d.response(v.brooks));
    d.verdict(id, "nina", "implant-pacemaker", V::Verified,
              "Device card seen: Veltra DR generator with two MR Conditional leads, implanted "
              "2019-03; no abandoned leads. Cardiology informed.");
    d.verdict(id, "nina", "surgery-implant", V::Verified,
              "The pacemaker; the cataract lens is not metallic.");
    d.verdict(id, "nina", "renal-egfr-needed", V::Resolved, d.addCreatinine(id, "nina", 0.9, 5));
    store::ImplantRecord pacer;
    pacer.type = "pacemaker system (generator and two leads)";
    pacer.manufacturer = "Demo Cardiac Systems";
    pacer.model = "Veltra DR MRI-ready";
    pacer.location = "left upper chest";
    pacer.implantedOn = "2019-03-14";
    pacer.mrStatus = MrStatus::Conditional;
    pacer.conditions.fieldStrengthsT = {1.5};
    pacer.conditions.maxSpatialGradientTPerM = 20;
    pacer.conditions.maxWholeBodySarWPerKg = 2.0;
    pacer.conditions.operatingMode = OperatingMode::Normal;
    pacer.conditions.other =
        "Program MRI mode before the scan and restore it after; ECG and SpO2 monitoring.";
    d.addImplant(id, "nina", pacer);
    d.review(id, "nina");
    d.decide(id, "omar", Action::ClearWithConditions,
             "Normal Operating Mode only; 1.5 T only; cardiology programs MRI mode before the scan "
             "and restores it after; ECG and SpO2 monitoring throughout",
             "MR Conditional pacing system confirmed from the device card; scanned within its "
             "labelled conditions.");
    ids.push_back(id);

    // Not cleared: metal in the eye not ruled out.
    id = d.submit(d.response(v.brennan));
    d.verdict(id, "ned", "eye-metal-not-cleared", V::Verified,
              "Grinding chip in the right eye in 2009, removed in the emergency department; no eye "
              "exam or orbit X-ray since.");
    d.verdict(id, "ned", "metal-work", V::Verified, "Welder and grinder for 25 years.");
    d.review(id, "ned");
    d.decide(id, "omar", Action::NotClear, "",
             "Metal in the orbits not ruled out: orbit X-ray first, then rebook the MRI.");
    ids.push_back(id);

    // Amended: cleared for a non-contrast scan, then corrected (the weight was wrong).
    id = d.submit(d.response(v.raman));
    d.verdict(id, "ned", "gadolinium-reaction", V::Verified,
              "Throat swelling and wheezing after gadolinium in 2023, treated with epinephrine.");
    d.verdict(id, "ned", "gadolinium-reaction-severe", V::Verified,
              "Radiologist consulted: non-contrast protocol, no gadolinium.");
    d.verdict(id, "ned", "previous-mri-problem", V::Verified,
              "The problem was the contrast reaction above.");
    d.review(id, "ned");
    d.decideContrast(id, "rita", "not_cleared", "",
                     "Severe reaction to gadolinium in 2023: no gadolinium; non-contrast protocol.");
    d.decide(id, "omar", Action::Clear, "", ""); // no Zone IV hazard: the contrast part holds the reason
    Response corrected = d.response(v.ramanCorrected);
    corrected.status = "amended";
    ids.push_back(id);
    ids.push_back(d.amend(id, corrected, "nina"));

    // Reviewed, waiting for the signer: labs, a Conditional implant and the nurse's
    // countersignature.
    id = d.submit(d.response(v.nakamura));
    d.verdict(id, "nina", "implant-joint-replacement", V::Verified,
              "Right total knee 2020, identified from the hospital's implant log (patient's card "
              "at home).");
    d.verdict(id, "nina", "surgery-implant", V::Verified,
              "The knee replacement; no other surgery.");
    d.verdict(id, "nina", "renal-egfr-needed", V::Resolved, d.addCreatinine(id, "nina", 0.8, 2));
    store::ImplantRecord knee;
    knee.type = "total knee replacement";
    knee.manufacturer = "Demo Orthopaedics";
    knee.model = "Arcus total knee system";
    knee.location = "right knee";
    knee.implantedOn = "2020-06-18";
    knee.mrStatus = MrStatus::Conditional;
    knee.conditions.fieldStrengthsT = {1.5, 3.0};
    knee.conditions.maxSpatialGradientTPerM = gaussPerCmToTeslaPerM(3000);
    knee.conditions.maxWholeBodySarWPerKg = 2.0;
    knee.conditions.operatingMode = OperatingMode::Normal;
    d.addImplant(id, "nina", knee);
    d.review(id, "nina");
    ids.push_back(id);

    // Submitted, waiting for review.
    for (const DemoVisit* waiting : {&v.jennings, &v.lindqvist, &v.hernandez, &v.bell})
        ids.push_back(d.submit(d.response(*waiting)));
    return ids;
}

std::string padded(const std::string& s, std::size_t width) {
    return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

// Where the screenings are: the SQLite file, or the PostgreSQL database of [storage] url (which
// holds no password: the config refuses one).
std::string storeName(const KioskConfig& config) {
    return config.usesPostgres() ? "the PostgreSQL database " + config.storageUrl
                                 : config.databasePath();
}

std::string emptyStoreAdvice(const KioskConfig& config) {
    return config.usesPostgres()
               ? "; demo data goes only into an empty database: create one, run mrscreen store "
                 "migrate on it and name it in [storage] url\n"
               : "; demo data goes only into an empty data directory, e.g. --data-dir ./demo\n";
}

} // namespace

int runDemo(const StoreContext& ctx, std::ostream& out, std::ostream& err) {
    KioskConfig config;
    FormFiles files;
    std::string examplesDir;
    std::unique_ptr<store::Store> store;
    std::optional<DemoSeeder> seeder;
    const DemoVisits visits;
    try {
        config = configFor(ctx);
        files = loadFormFiles(config.form);
        examplesDir = (fs::path(files.questionnairePath).parent_path() / "examples").string();
        if (!fs::is_directory(examplesDir))
            throw InputError(examplesDir,
                             {"the demo builds its screenings from the example responses that ship "
                              "with the form (forms/examples); they are not here"});
        store = openStore(config);
        if (const auto n = store->countScreenings(); n > 0) {
            err << "mrscreen demo: " << storeName(config) << " already holds " << n
                << (n == 1 ? " screening" : " screenings") << emptyStoreAdvice(config);
            return 2;
        }
        // Staff without screenings is a kiosk being set up: demo PINs must never reach it.
        if (const auto n = store->staff().size(); n > 0) {
            err << "mrscreen demo: " << storeName(config) << " already has " << n
                << (n == 1 ? " staff account" : " staff accounts") << emptyStoreAdvice(config);
            return 2;
        }
        // Every example is read and checked before anything is written.
        seeder.emplace(*store, config, files, examplesDir, err);
        for (const DemoVisit* v : visits.all())
            seeder->response(*v);
    } catch (const std::exception& e) {
        err << "mrscreen demo: " << e.what() << "\n";
        return 2;
    }

    std::vector<std::int64_t> ids;
    bool createdKey = false;
    try {
        if (!fs::exists(config.signingKeyPath()) && !fs::exists(config.signingCertPath())) {
            for (const auto& path : {config.signingKeyPath(), config.signingCertPath()})
                fs::create_directories(fs::path(path).parent_path());
            record::writeSelfSignedIdentity(config.signingKeyPath(), config.signingCertPath(),
                                            config.siteName, 3650);
            createdKey = true;
        }
        for (const auto& s : demoStaff())
            store->addStaff(s.username, s.name, s.role, s.pin, {"demo", Role::Admin});
        ids = seed(*seeder, visits);
    } catch (const std::exception& e) {
        err << "mrscreen demo: " << e.what() << "\n"
            << "mrscreen demo: stopped part-way, so " << config.dataDir
            << " holds incomplete demo data; remove that directory and run mrscreen demo again.\n";
        return 2;
    }

    std::map<ScreeningState, int> perState;
    for (const auto id : ids)
        ++perState[store->screening(id)->summary.state];
    out << "Demo data written to " << storeName(config) << "; signed records in "
        << (config.usesPostgres() ? "that database" : config.recordsDir())
        << (createdKey ? ", signed with a new self-signed site key in " + config.signingKeyPath()
                       : std::string())
        << ".\n\nScreenings:\n";
    for (const auto& [state, n] : perState)
        out << "  " << padded(stateName(state), 26) << n << "\n";
    out << "\nStaff accounts (these PINs are for demonstration only: never use them on a real "
           "kiosk):\n"
        << "  " << padded("USERNAME", 10) << padded("NAME", 28) << padded("ROLE", 12) << "PIN\n";
    for (const auto& s : demoStaff())
        out << "  " << padded(s.username, 10) << padded(s.name, 28) << padded(roleName(s.role), 12)
            << s.pin << "\n";
    std::string where = " --data-dir " + config.dataDir;
    if (!ctx.configPath.empty())
        where += " --config " + ctx.configPath;
    out << "\nTry it:\n"
        << "  mrscreen queue" << where << "\n"
        << "  mrscreen --windowed 1280x800" << where << "\n"
        << "then hold the top-left corner " << config.staffHoldSeconds
        << " s, sign in as nina (review) or omar (decide) and open the queue.\n";
    return 0;
}

} // namespace mrscreen::cli
