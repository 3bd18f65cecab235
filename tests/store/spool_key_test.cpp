// The submission key, part of the store contract (run for every backend in store_backends.h): a
// submission sent again with a key already stored writes nothing and answers with the screening
// stored the first time, so the kiosk's spool delivers each submission exactly once.
#include "store/store.h"
#include "store_backends.h"
#include "store_fixture.h"

#include <catch2/catch.hpp>

#include <string>

using namespace store_fixture;

namespace {

const std::string kKey = "6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e";

NewScreening keyed(const std::string& key, const std::string& familyName = "Okafor") {
    NewScreening s = sampleScreening({flag("pacemaker", Severity::Stop, "implant")}, familyName);
    s.submissionKey = key;
    return s;
}

} // namespace

TEST_CASE("a submission made twice with the same key stores one screening and one audit event") {
    ContractStoreBase s("spool-key");
    const auto first = s.store->submit(keyed(kKey), kPatient);
    const auto rows = s.auditRows();
    const auto second = s.store->submit(keyed(kKey), kPatient);
    CHECK(second == first);
    CHECK(s.store->countScreenings() == 1);
    CHECK(s.auditRows() == rows);
    CHECK(s.auditEvents("screening.submitted") == 1);
    CHECK(s.store->queue().size() == 1);
    CHECK(s.store->verifyAudit().intact);
}

TEST_CASE("a resent submission is answered with the first one's id after the store is opened again") {
    ContractStoreBase s("spool-key");
    s.store->submit(sampleScreening(), kPatient);
    const auto first = s.store->submit(keyed(kKey), kPatient);
    s.reopen();
    // The resend may differ (e.g. a later signature time): the key alone says it is the same one.
    CHECK(s.store->submit(keyed(kKey, "Someone else"), kPatient) == first);
    CHECK(s.store->countScreenings() == 2);
    CHECK(s.store->screening(first)->summary.patient.familyName == "Okafor");
}

TEST_CASE("submissions without a key are each stored, as imports always were") {
    ContractStoreBase s("spool-key");
    s.store->submit(sampleScreening(), kPatient);
    s.store->submit(sampleScreening(), kPatient);
    CHECK(s.store->countScreenings() == 2);
    CHECK(s.auditEvents("screening.submitted") == 2);
}

TEST_CASE("two submissions with different keys are two screenings") {
    ContractStoreBase s("spool-key");
    const auto a = s.store->submit(keyed(kKey), kPatient);
    const auto b = s.store->submit(keyed("0b9e8d7c-6f5a-4e3d-9c2b-1a0f9e8d7c6b"), kPatient);
    CHECK(a != b);
    CHECK(s.store->countScreenings() == 2);
}

TEST_CASE("a resent submission keeps the screening as staff left it: nothing is reset") {
    ContractStoreBase s("spool-key");
    const auto id = s.store->submit(keyed(kKey), kPatient);
    s.store->setFlagVerdict(id, "pacemaker", FlagVerdict::Verified, "pacemaker confirmed", kNurse);
    CHECK(s.store->submit(keyed(kKey), kPatient) == id);
    const auto detail = s.store->screening(id);
    REQUIRE(detail);
    CHECK(detail->flags.front().status == FlagVerdict::Verified);
    CHECK(detail->summary.state == ScreeningState::Submitted);
}
