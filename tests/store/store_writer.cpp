// store-writer: a separate process that submits screenings to the SQLite store in a loop, for the
// fault tests (tests/store/fault_test.cpp), which kill it, starve it of disk, or run two at once.
//
//   store-writer DB N [--label L]
//
// Opens (creating when needed) the store at DB, then submits N small, realistic screenings: a
// completed QuestionnaireResponse of about 2 KB and three flags (stop, review, info). After each
// submit has committed it prints "committed <id>" and flushes, so the parent knows exactly what
// the store promised to keep. The label (default "writer") is written into every response, so
// the parent can tell two writers' screenings apart. Exit 0 when all N are in; on a StoreError
// (or any other failure) the message goes to stderr and the exit status is 3; 2 for bad usage.

#include "store/sqlite.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

using namespace mrscreen;
using nlohmann::json;

namespace {

json answerItem(const std::string& linkId, json answer) {
    return json{{"linkId", linkId}, {"answer", json::array({std::move(answer)})}};
}

json coding(const std::string& system, const std::string& code, const std::string& display) {
    return json{{"valueCoding", {{"system", system}, {"code", code}, {"display", display}}}};
}

json yesNo(const std::string& linkId, bool yes) {
    return answerItem(linkId, coding("http://terminology.hl7.org/CodeSystem/v2-0136", yes ? "Y" : "N",
                                     yes ? "Yes" : "No"));
}

// A completed MRI safety QuestionnaireResponse, compact, about 2 KB: identity, weight, a cardiac
// pacemaker (the stop flag), recent surgery (review), and a known allergy (info).
std::string responseJson(const std::string& label, int n) {
    const std::string tag = label + "-" + std::to_string(n);
    json identity = {
        {"linkId", "identity"},
        {"item",
         json::array({answerItem("family-name", {{"valueString", "Fault-" + label}}),
                      answerItem("given-name", {{"valueString", "Test " + std::to_string(n)}}),
                      answerItem("birth-date", {{"valueDate", "1951-07-22"}}),
                      answerItem("sex", coding("http://hl7.org/fhir/administrative-gender", "female", "Female")),
                      answerItem("weight-unit", coding("http://unitsofmeasure.org", "kg", "kilograms")),
                      answerItem("weight-kg", {{"valueDecimal", 68.0}})})}};
    json implants = {
        {"linkId", "implants"},
        {"item", json::array({yesNo("pacemaker", true),
                              answerItem("pacemaker-details",
                                         {{"valueString", "Dual-chamber pacemaker fitted 2019, left chest; "
                                                          "the patient carries the device card"}}),
                              yesNo("defibrillator", false), yesNo("neurostimulator", false),
                              yesNo("cochlear-implant", false), yesNo("aneurysm-clip", false),
                              yesNo("heart-valve", false), yesNo("metal-fragments-eye", false),
                              yesNo("shrapnel", false), yesNo("joint-replacement", false)})}};
    json history = {
        {"linkId", "history"},
        {"item", json::array({yesNo("surgery-last-6-weeks", true),
                              answerItem("surgery-details", {{"valueString", "Laparoscopic appendectomy, "
                                                                             "three weeks ago"}}),
                              yesNo("kidney-disease", false), yesNo("diabetes", false),
                              yesNo("contrast-reaction", false), yesNo("allergies", true),
                              answerItem("allergy-details", {{"valueString", "Penicillin (rash)"}}),
                              yesNo("claustrophobia", false), yesNo("pregnant", false),
                              yesNo("breastfeeding", false)})}};
    json response = {{"resourceType", "QuestionnaireResponse"},
                     {"id", "fault-" + tag},
                     {"language", "en"},
                     {"questionnaire", "http://mrscreen.org/fhir/Questionnaire/mri-safety|1.0.0"},
                     {"status", "completed"},
                     {"authored", "2026-11-20T09:30:00Z"},
                     {"item", json::array({identity, implants, history})}};
    return response.dump();
}

screening::Flag flag(const std::string& id, const std::string& category, screening::Severity severity,
                     const std::string& message, const std::string& linkId) {
    screening::Flag f;
    f.id = id;
    f.category = category;
    f.severity = severity;
    f.message = message;
    f.triggers.push_back(screening::Trigger{linkId, {"Y"}, "", std::nullopt});
    return f;
}

store::NewScreening newScreening(const std::string& label, int n) {
    store::NewScreening s;
    s.formUrl = "http://mrscreen.org/fhir/Questionnaire/mri-safety";
    s.formVersion = "1.0.0";
    s.formSha256 = std::string(64, 'a');
    s.rulesSha256 = std::string(64, 'b');
    s.responseJson = responseJson(label, n);
    s.flags = {flag("pacemaker", "implant", screening::Severity::Stop,
                    "Cardiac pacemaker: MR Unsafe unless the device and leads are MR Conditional", "pacemaker"),
               flag("recent-surgery", "history", screening::Severity::Review,
                    "Surgery in the last 6 weeks: ask what was implanted", "surgery-last-6-weeks"),
               flag("allergy", "history", screening::Severity::Info, "Known allergy: note it for the team",
                    "allergies")};
    s.patient = {"Fault-" + label, "Test " + std::to_string(n), "1951-07-22", "female"};
    return s;
}

} // namespace

int main(int argc, char** argv) {
    std::string label = "writer";
    if (argc != 3 && !(argc == 5 && std::string(argv[3]) == "--label")) {
        std::cerr << "usage: store-writer DB N [--label L]\n";
        return 2;
    }
    if (argc == 5) label = argv[4];
    const std::string path = argv[1];
    const int count = std::atoi(argv[2]);
    if (count < 0) {
        std::cerr << "store-writer: N must be 0 or more\n";
        return 2;
    }
    try {
        const auto db = store::openSqliteStore(path);
        const screening::Actor patient{"", screening::Role::Patient};
        for (int n = 1; n <= count; ++n) {
            const std::int64_t id = db->submit(newScreening(label, n), patient);
            std::printf("committed %lld\n", static_cast<long long>(id));
            std::fflush(stdout);
        }
    } catch (const store::StoreError& e) {
        std::cerr << "store-writer: [" << store::storeErrorKindName(e.kind()) << "] " << e.what() << "\n";
        return 3;
    } catch (const std::exception& e) {
        std::cerr << "store-writer: " << e.what() << "\n";
        return 3;
    }
    return 0;
}
