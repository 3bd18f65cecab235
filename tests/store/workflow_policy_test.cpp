// The shared workflow layer (store/workflow_policy.h) when another station changes a screening
// between the policy's read and its write: the guarded write stores nothing and names who acted and
// when, and the change is decided again on what is there now. SQLite only: the test derives from
// the SQLite store to let the other station act at exactly that moment, with no timing.
#include "store/sqlite_store_impl.h"
#include "store_fixture.h"

#include <catch2/catch.hpp>

#include <functional>
#include <memory>
#include <string>

using Catch::Matchers::Contains;
using namespace store_fixture;

namespace {

const Flag kPacemaker = flag("pacemaker", Severity::Stop, "implant");

// A station whose every read of the facts is followed by `otherStation` (another connection to the
// same file) acting first, before this station's write.
class RacedStore final : public detail::SqliteStore {
public:
    RacedStore(const std::string& path, std::function<void()> otherStation)
        : SqliteStore(path, {}), otherStation_(std::move(otherStation)) {}
    int reads = 0;

protected:
    std::optional<mrscreen::screening::ScreeningFacts> readFacts(std::int64_t id) override {
        auto facts = SqliteStore::readFacts(id);
        ++reads;
        if (otherStation_)
            otherStation_();
        return facts;
    }

private:
    std::function<void()> otherStation_;
};

} // namespace

TEST_CASE("a review decided on facts another nurse changed meanwhile is decided again and refused with "
          "the workflow's words, storing nothing") {
    const std::string path = scratchDatabasePath("store-workflow-policy");
    const auto other = openSqliteStore(path);
    const auto id = other->submit(sampleScreening(), kPatient);
    bool acted = false;
    RacedStore station(path, [&] {
        if (!acted) {
            acted = true;
            other->transition(id, request(Action::Review, kOtherNurse));
        }
    });
    const auto auditBefore = other->auditTrail().size();

    const auto refusal = refusalOf([&] { station.transition(id, request(Action::Review, kNurse)); });

    CHECK(station.reads == 2); // read, lost the race, read again and refused
    // Word for word what a nurse acting after the other one is told.
    CHECK(refusal == refusalOf([&] { other->transition(id, request(Action::Review, kNurse)); }));
    CHECK_THAT(refusal, Contains("screening " + std::to_string(id) + ":"));
    const auto d = other->screening(id).value();
    CHECK(d.summary.state == ScreeningState::Reviewed);
    CHECK(d.summary.reviewedBy == "ned");
    CHECK(other->auditTrail().size() == auditBefore + 1); // only the other nurse's review
}

TEST_CASE("a lab entered while another nurse records a verdict is still stored once, after reading again") {
    const std::string path = scratchDatabasePath("store-workflow-policy");
    const auto other = openSqliteStore(path);
    const auto id = other->submit(sampleScreening({kPacemaker}), kPatient);
    bool acted = false;
    RacedStore station(path, [&] {
        if (!acted) {
            acted = true;
            other->setFlagVerdict(id, "pacemaker", FlagVerdict::Verified, "Card seen", kOtherNurse);
        }
    });

    station.addLab(id, LabResult{"creatinine", 1.2, "mg/dL", "2026-11-20", "", ""}, kNurse);

    CHECK(station.reads == 2);
    const auto d = other->screening(id).value();
    CHECK(d.labs.size() == 1);
    CHECK(d.flags.at(0).status == FlagVerdict::Verified);
}

TEST_CASE("a screening that keeps changing under a change is a conflict naming who changed it last and when, "
          "and nothing of the change is stored") {
    const std::string path = scratchDatabasePath("store-workflow-policy");
    const auto other = openSqliteStore(path);
    const auto id = other->submit(sampleScreening({kPacemaker}), kPatient);
    int notes = 0;
    RacedStore station(path, [&] {
        other->setFlagVerdict(id, "pacemaker", FlagVerdict::Verified, "note " + std::to_string(++notes),
                              kOtherNurse);
    });

    std::string message;
    StoreErrorKind kind = StoreErrorKind::Other;
    try {
        station.addLab(id, LabResult{"creatinine", 1.2, "mg/dL", "2026-11-20", "", ""}, kNurse);
    } catch (const StoreError& e) {
        message = e.what();
        kind = e.kind();
    }

    INFO(message);
    CHECK(kind == StoreErrorKind::Conflict);
    CHECK_THAT(message, Contains("screening " + std::to_string(id) + " kept changing"));
    CHECK_THAT(message, Contains("last by ned at " + other->auditTrail().back().at));
    CHECK_THAT(message, Contains("reload it and try again"));
    CHECK(other->screening(id).value().labs.empty());
}

TEST_CASE("the facts a guarded write compares are the state, the reviewer, the flags and the contrast part") {
    mrscreen::screening::ScreeningFacts a;
    a.state = ScreeningState::Submitted;
    a.flags.push_back({"pacemaker", Severity::Stop, FlagVerdict::Open, "", mrscreen::screening::Gate::ZoneIv});
    CHECK(sameFacts(a, a));
    auto b = a;
    b.flags[0].note = "Card seen";
    CHECK_FALSE(sameFacts(a, b));
    b = a;
    b.reviewedBy = "nina";
    CHECK_FALSE(sameFacts(a, b));
    b = a;
    b.contrastDecided = true;
    CHECK_FALSE(sameFacts(a, b));
    b = a;
    b.flags.clear();
    CHECK_FALSE(sameFacts(a, b));
}
