// What the store tests share: scratch databases under MRSCREEN_TEST_OUTPUT, the people who act on
// them, a sample submission and its flags, and a store on a fresh file with a second connection's
// view of what it wrote. Each test file names its own subdirectory.
#pragma once

#include "store/sqlite.h"
#include "store/store.h"

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace store_fixture {

using namespace mrscreen::store;
using mrscreen::screening::Action;
using mrscreen::screening::Flag;
using mrscreen::screening::Trigger;

// <output>/<subdir>/<prefix><pid>-<n>/mrscreen.db, emptied first: unique per test, also across
// ctest's processes.
inline std::string scratchDatabasePath(const std::string& subdir, const std::string& prefix = "") {
    namespace fs = std::filesystem;
    static int counter = 0;
    const fs::path dir = fs::path(MRSCREEN_TEST_OUTPUT) / subdir /
                         (prefix + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return (dir / "mrscreen.db").string();
}

inline const Actor kPatient{"", Role::Patient};
inline const Actor kNurse{"nina", Role::Nurse};
inline const Actor kOtherNurse{"ned", Role::Nurse};
inline const Actor kMrso{"omar", Role::Mrso};
inline const Actor kOtherMrso{"olga", Role::Mrso};
inline const Actor kRadiologist{"rita", Role::Radiologist};
inline const Actor kAdmin{"ada", Role::Admin};

inline const std::string kPin = "482913";

// A flag raised by answering "true" to has-<id>.
inline Flag flag(const std::string& id, Severity severity,
                                      const std::string& category) {
    Flag f;
    f.id = id;
    f.category = category;
    f.severity = severity;
    f.message = "Check " + id + " with the patient";
    f.triggers = {Trigger{"has-" + id, {"true"}, "", std::nullopt}};
    return f;
}

inline NewScreening sampleScreening(std::vector<Flag> flags = {},
                                    const std::string& familyName = "Okafor") {
    NewScreening s;
    s.formUrl = "http://example.org/fhir/Questionnaire/mri-safety";
    s.formVersion = "1.2.0";
    s.formSha256 = std::string(64, 'a');
    s.rulesSha256 = std::string(64, 'b');
    s.responseJson = R"({"resourceType":"QuestionnaireResponse","status":"completed",)"
                     R"("item":[{"linkId":"has-pacemaker","answer":[{"valueBoolean":true}]}]})";
    s.flags = std::move(flags);
    s.patient = {familyName, "Ada", "1970-03-14", "female"};
    return s;
}

inline TransitionRequest request(Action action, const Actor& actor,
                                 const std::string& overrideReason = "",
                                 const std::string& conditions = "") {
    return TransitionRequest{action, actor, overrideReason, conditions};
}

// The message of the `Error` that `f` throws, or "" when it throws none.
template <typename Error, typename F> std::string messageThrownBy(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

// The Refused message `f` throws, or "" when it throws none.
template <typename F> std::string refusalOf(F&& f) { return messageThrownBy<Refused>(f); }

// A store on the file at `path`, plus a second connection's view of what it wrote.
struct ScratchStoreBase {
    std::string path;
    std::unique_ptr<Store> store;

    explicit ScratchStoreBase(std::string databasePath, const StoreOptions& options = {})
        : path(std::move(databasePath)), store(openSqliteStore(path, options)) {}

    std::int64_t count(const std::string& sql) {
        Database db(path);
        auto st = db.prepare(sql);
        st.step();
        return st.integer(0);
    }
    std::int64_t auditRows() { return count("SELECT COUNT(*) FROM audit"); }

    std::string newestAuditAction() {
        Database db(path);
        auto st = db.prepare("SELECT action FROM audit ORDER BY seq DESC LIMIT 1");
        return st.step() ? st.text(0) : "";
    }

    ScreeningState stateOf(std::int64_t id) { return store->screening(id).value().summary.state; }
};

} // namespace store_fixture
