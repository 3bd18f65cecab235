#include "cli/commands.h"
#include "cli/form_files.h"

#include "screening/assessment.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <iomanip>
#include <ostream>
#include <sstream>

namespace mrscreen::cli {

using namespace screening;
using nlohmann::json;

std::string todayIso() {
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &local);
    return buf;
}

namespace {

std::optional<Creatinine> parseCreatinine(const EvaluateOptions& o) {
    if (o.creatinine.empty()) {
        if (!o.creatinineDate.empty())
            throw InputError("--creatinine-date", {"give the creatinine value too (--creatinine VALUE UNIT)"});
        return std::nullopt;
    }
    std::string text;
    for (const auto& part : o.creatinine) text += part + " ";
    std::istringstream in(text);
    double value = 0;
    std::string unit;
    if (!(in >> value)) throw InputError("--creatinine", {"'" + text + "' does not start with a number"});
    in >> unit;
    if (!unit.empty() && unit[0] == ',')
        throw InputError("--creatinine", {"write the value with a decimal point, e.g. 1.4 mg/dL"});
    if (unit.empty()) throw InputError("--creatinine", {"give the unit too: mg/dL or umol/L"});
    const auto u = parseCreatinineUnit(unit);
    if (!u) throw InputError("--creatinine", {"unit '" + unit + "' is not mg/dL or umol/L"});
    Creatinine c{value, *u, o.creatinineDate};
    if (!o.creatinineDate.empty() && !isFullDate(o.creatinineDate))
        throw InputError("--creatinine-date", {"'" + o.creatinineDate + "' is not a date (YYYY-MM-DD)"});
    return c;
}

json derivedJson(const DerivedValues& d) {
    json j = json::object();
    for (const auto& name : DerivedValues::names()) {
        const auto v = d.get(name);
        if (!v)
            j[name] = nullptr;
        else if (name == "age" || name == "lab_age_days")
            j[name] = std::int64_t(std::floor(*v)); // whole years and days
        else
            j[name] = std::round(*v * 100) / 100; // two decimals: 29.96 must not read as 30
    }
    return j;
}

json triggerJson(const Trigger& t) {
    if (!t.linkId.empty()) return {{"linkId", t.linkId}, {"answers", t.answers}};
    json value = nullptr;
    if (t.value)
        value = t.derived == "age" || t.derived == "lab_age_days" ? json(std::int64_t(std::floor(*t.value)))
                                                                   : json(std::round(*t.value * 100) / 100);
    return {{"derived", t.derived}, {"value", value}};
}

json toJson(const FormFiles& f, const Response& r, const std::string& responsePath,
            const ScreeningAnswers& answers, const Assessment& a, const AssessmentInput& in) {
    json j;
    j["form"] = {{"url", f.form.url},
                 {"version", f.form.version},
                 {"title", f.form.title.in(in.language)},
                 {"questionnaire", f.questionnairePath},
                 {"rules", f.rulesPath.empty() ? json(nullptr) : json(f.rulesPath)}};
    j["response"] = {{"file", responsePath}, {"id", r.id}, {"status", r.status}, {"authored", r.authored}};
    j["language"] = in.language;
    j["screeningDate"] = in.screeningDate;
    j["valid"] = a.valid();
    json enabled = json::array();
    for (int i : a.enabledItems) enabled.push_back(answers.form().items[std::size_t(i)].linkId);
    j["enabledItems"] = enabled;
    j["errors"] = json::array();
    for (const auto& e : a.errors)
    {
        json error = {{"linkId", e.linkId}, {"code", e.code}, {"message", e.message}};
        if (!e.detail.empty()) error["detail"] = e.detail;
        j["errors"].push_back(error);
    }
    j["ignoredAnswers"] = a.ignoredAnswers;
    j["ignoredAnswerDetails"] = ignoredAnswersToJson(answers, in.language);
    j["warnings"] = f.form.warnings;
    j["derived"] = derivedJson(a.derived);
    j["egfrMethod"] = a.derived.egfrMethod.empty() ? json(nullptr) : json(a.derived.egfrMethod);
    j["derivedProblems"] = json::array();
    for (const auto& p : a.derived.problems)
        j["derivedProblems"].push_back({{"value", p.value}, {"message", p.message}});
    j["flags"] = json::array();
    int counts[3] = {0, 0, 0};
    int parts[2][3] = {{0, 0, 0}, {0, 0, 0}};
    for (const auto& fl : a.flags) {
        json triggers = json::array();
        for (const auto& t : fl.triggers) triggers.push_back(triggerJson(t));
        j["flags"].push_back({{"id", fl.id},
                              {"category", fl.category},
                              {"severity", severityName(fl.severity)},
                              {"gate", gateName(fl.gate)},
                              {"message", fl.message},
                              {"triggers", triggers}});
        ++counts[int(fl.severity)];
        ++parts[int(fl.gate)][int(fl.severity)];
    }
    j["summary"] = {{"stop", counts[0]}, {"review", counts[1]}, {"info", counts[2]}};
    j["contrastPlanned"] = contrastPlanName(in.contrast);
    // The decision's two parts: Zone IV entry, and the contrast agent (the radiologist's).
    j["decisionParts"] = {
        {"zoneIv", {{"stop", parts[0][0]}, {"review", parts[0][1]}, {"info", parts[0][2]}}},
        {"contrast", {{"planned", contrastPlanName(in.contrast)}, {"stop", parts[1][0]}, {"review", parts[1][1]},
                      {"info", parts[1][2]}}}};
    return j;
}

std::string upper(std::string s) {
    for (auto& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::string pad(const std::string& s, std::size_t width) {
    return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

void printTable(const json& j, std::ostream& out) {
    out << "Form      " << j["form"]["title"].get<std::string>() << " (" << j["form"]["url"].get<std::string>();
    if (!j["form"]["version"].get<std::string>().empty()) out << " | " << j["form"]["version"].get<std::string>();
    out << ")\n";
    out << "Response  " << j["response"]["file"].get<std::string>() << ", " << j["response"]["status"].get<std::string>()
        << ", screening date " << j["screeningDate"].get<std::string>() << ", language "
        << j["language"].get<std::string>() << "\n";
    for (const auto& w : j["warnings"]) out << "Warning   " << w.get<std::string>() << "\n";

    out << "\nEnabled items (" << j["enabledItems"].size() << ")\n ";
    std::size_t column = 1;
    for (const auto& id : j["enabledItems"]) {
        const std::string s = id.get<std::string>();
        if (column + s.size() + 1 > 100) {
            out << "\n ";
            column = 1;
        }
        out << " " << s;
        column += s.size() + 1;
    }
    out << "\n\nDerived values\n";
    static const std::pair<const char*, const char*> labels[] = {
        {"age", "years"}, {"weight_kg", "kg"}, {"height_cm", "cm"}, {"bmi", "kg/m2"},
        {"creatinine_mg_dl", "mg/dL"}, {"egfr", "mL/min/1.73m2"}, {"lab_age_days", "days"}};
    for (const auto& [name, unit] : labels) {
        const auto& v = j["derived"][name];
        out << "  " << pad(name, 18) << (v.is_null() ? std::string("-") : v.dump() + " " + unit) << "\n";
    }
    for (const auto& p : j["derivedProblems"])
        out << "  ! " << p["value"].get<std::string>() << ": " << p["message"].get<std::string>() << "\n";

    out << "\nValidation: ";
    if (j["errors"].empty())
        out << "the response is complete and valid\n";
    else {
        out << j["errors"].size() << " error(s)\n";
        // The first ones say what is wrong; --json has every one.
        const std::size_t shown = std::min(j["errors"].size(), screening::kMaxProblemsShown);
        for (std::size_t i = 0; i < shown; ++i) {
            const auto& e = j["errors"][i];
            out << "  " << pad(e["linkId"].get<std::string>(), 28) << pad(e["code"].get<std::string>(), 22)
                << e["message"].get<std::string>()
                << (e.contains("detail") ? " (" + e["detail"].get<std::string>() + ")" : "") << "\n";
        }
        if (shown < j["errors"].size()) out << "  ... and " << j["errors"].size() - shown << " more\n";
    }
    if (!j["ignoredAnswers"].empty()) {
        out << "Ignored (answered, but the question does not apply):";
        const std::size_t shown = std::min(j["ignoredAnswers"].size(), screening::kMaxProblemsShown);
        for (std::size_t i = 0; i < shown; ++i) out << " " << j["ignoredAnswers"][i].get<std::string>();
        if (shown < j["ignoredAnswers"].size()) out << " ... and " << j["ignoredAnswers"].size() - shown << " more";
        out << "\n";
    }

    if (!j["egfrMethod"].is_null()) out << "  eGFR by " << j["egfrMethod"].get<std::string>() << "\n";
    const auto& s = j["summary"];
    out << "\nFlags: " << j["flags"].size() << " (" << s["stop"] << " stop, " << s["review"]
        << " review, " << s["info"] << " info); contrast planned: " << j["contrastPlanned"].get<std::string>()
        << (j["contrastPlanned"] == "unknown" ? " (counted as planned)" : "") << "\n";
    if (j["form"]["rules"].is_null()) out << "  (this form has no rules file, so it raises no flags)\n";
    for (const auto& f : j["flags"]) {
        out << "  " << pad(upper(f["severity"].get<std::string>()), 8)
            << pad(f["gate"] == "contrast" ? "contrast" : "zone IV", 10) << pad(f["category"].get<std::string>(), 14)
            << pad(f["id"].get<std::string>(), 30) << f["message"].get<std::string>() << "\n";
        std::string because;
        for (const auto& t : f["triggers"]) {
            if (!because.empty()) because += "; ";
            if (t.contains("linkId")) {
                because += t["linkId"].get<std::string>();
                std::string answers;
                for (const auto& a : t["answers"]) answers += (answers.empty() ? "" : ", ") + a.get<std::string>();
                if (!answers.empty()) because += " = " + answers;
            } else {
                because += t["derived"].get<std::string>() +
                           (t["value"].is_null() ? " not available" : " = " + t["value"].dump());
            }
        }
        if (!because.empty()) out << "  " << std::string(52, ' ') << "because " << because << "\n";
    }
}

} // namespace

int runEvaluate(const EvaluateOptions& o, std::ostream& out, std::ostream& err) {
    try {
        const FormFiles f = loadFormFiles(o.form);
        const Response response = readResponse(readFile(o.response), o.response);
        if (const auto mismatch = formMismatch(response, f.form); !mismatch.empty())
            throw InputError(o.response, {mismatch});
        AssessmentInput in;
        in.language = !o.language.empty() ? o.language
                      : !response.language.empty() && f.form.supportsLanguage(response.language)
                          ? response.language
                          : f.form.language;
        if (!f.form.supportsLanguage(in.language)) {
            std::string offered;
            for (const auto& l : f.form.languages) offered += (offered.empty() ? "" : ", ") + l;
            throw InputError("--lang", {"the form is not offered in '" + in.language +
                                        "' (it is offered in " + offered + ")"});
        }
        if (!o.date.empty() && !isFullDate(o.date))
            throw InputError("--date", {"'" + o.date + "' is not a date (YYYY-MM-DD)"});
        in.screeningDate = !o.date.empty() ? o.date : screeningDateOf(response, todayIso());
        in.creatinine = parseCreatinine(o);
        if (!o.contrast.empty()) {
            const auto plan = parseContrastPlan(o.contrast);
            if (!plan) throw InputError("--contrast", {"'" + o.contrast + "' is not one of yes, no, unknown"});
            in.contrast = *plan;
        } else {
            in.contrast = contrastPlanOf(response);
        }
        const ScreeningAnswers answers(f.form, response);
        const Assessment a = assess(answers, f.rules ? &*f.rules : nullptr, in);
        const json j = toJson(f, response, o.response, answers, a, in);
        if (o.json)
            out << j.dump(2) << "\n";
        else
            printTable(j, out);
        return a.valid() ? 0 : 1;
    } catch (const InputError& e) {
        err << "mrscreen evaluate: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        err << "mrscreen evaluate: " << e.what() << "\n";
        return 2;
    }
}

} // namespace mrscreen::cli
