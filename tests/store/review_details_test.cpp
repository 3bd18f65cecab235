// What the reviewing nurse adds to a screening, part of the store contract (store_backends.h): a creatinine result, implants
// with their MR Conditional labelling, and the drawn signatures of a review and a decision. Each
// test has its own database.
#include "store/store.h"
#include "store_backends.h"
#include "store_fixture.h"

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

using Catch::Matchers::Contains;
using namespace store_fixture;

namespace {

const Flag kPacemaker = flag("pacemaker", Severity::Stop, "implant");

struct ScratchStore : store_fixture::ContractStoreBase {
    ScratchStore() : ContractStoreBase("store-review-details") {}
};

} // namespace

TEST_CASE("a nurse's creatinine result is kept with who entered it, and a bad one is refused with nothing stored") {
    ScratchStore s;
    const auto id = s.store->submit(sampleScreening({kPacemaker}), kPatient);
    s.store->addLab(id, LabResult{"creatinine", 1.4, "mg/dL", "2026-11-20", "", ""}, kNurse);
    const auto before = s.auditRows();
    CHECK(refusalOf([&] { s.store->addLab(id, LabResult{"creatinine", -1, "mg/dL", "2026-11-20", "", ""}, kNurse); })
              .find("positive") != std::string::npos);
    CHECK(refusalOf([&] { s.store->addLab(id, LabResult{"creatinine", 1.1, "mmol", "2026-11-20", "", ""}, kNurse); })
              .find("mg/dL or umol/L") != std::string::npos);
    CHECK(refusalOf([&] { s.store->addLab(id, LabResult{"creatinine", 1.1, "mg/dL", "2026-02-30", "", ""}, kNurse); })
              .find("real date") != std::string::npos);
    CHECK(refusalOf([&] { s.store->addLab(id, LabResult{"creatinine", 1.1, "mg/dL", "", "", ""}, kMrso); })
              .find("nurse") != std::string::npos);
    CHECK(s.auditRows() == before);
    const auto d = s.store->screening(id).value();
    REQUIRE(d.labs.size() == 1);
    CHECK(d.labs[0].value == Approx(1.4));
    CHECK(d.labs[0].enteredBy == "nina");
    CHECK(s.newestAuditAction() == "lab.added");
}

TEST_CASE("an implant with its MR Conditional labelling is saved, changed in place, and read back whole") {
    ScratchStore s;
    const auto id = s.store->submit(sampleScreening({kPacemaker}), kPatient);
    ImplantRecord r;
    r.type = "pacemaker";
    r.manufacturer = "Medtronic";
    r.model = "Azure XT DR MRI";
    r.location = "left chest";
    r.implantedOn = "2019-04";
    r.mrStatus = mrscreen::screening::MrStatus::Conditional;
    r.conditions.fieldStrengthsT = {1.5, 3};
    r.conditions.maxSpatialGradientTPerM = 20;
    r.conditions.operatingMode = mrscreen::screening::OperatingMode::Normal;
    r.conditions.other = "Programme MRI SureScan mode before the scan";
    const auto implantId = s.store->saveImplant(id, r, kNurse);
    r.id = implantId;
    r.conditions.maxWholeBodySarWPerKg = 2.0;
    CHECK(s.store->saveImplant(id, r, kNurse) == implantId);
    const auto d = s.store->screening(id).value();
    REQUIRE(d.implants.size() == 1);
    const auto& back = d.implants[0];
    CHECK(back.model == "Azure XT DR MRI");
    CHECK(back.mrStatus == mrscreen::screening::MrStatus::Conditional);
    CHECK(back.conditions.fieldStrengthsT == std::vector<double>{1.5, 3});
    CHECK(back.conditions.maxWholeBodySarWPerKg.value() == Approx(2.0));
    CHECK(back.conditions.operatingMode == mrscreen::screening::OperatingMode::Normal);
    CHECK(back.conditions.other == "Programme MRI SureScan mode before the scan");
    CHECK(s.newestAuditAction() == "implant.changed");
    ImplantRecord bad = r;
    bad.id = 0;
    bad.implantedOn = "last spring";
    CHECK(refusalOf([&] { s.store->saveImplant(id, bad, kNurse); }).find("year") != std::string::npos);
    CHECK(s.store->screening(id).value().implants.size() == 1);
}

TEST_CASE("a countersigned review and a signed decision keep their signatures, and an unsigned one changes nothing") {
    ScratchStore s;
    const auto id = s.store->submit(sampleScreening({kPacemaker}), kPatient);
    s.store->setFlagVerdict(id, "pacemaker", FlagVerdict::Verified, "Card seen", kNurse, "Yes: pacemaker, left chest");
    const StaffSignature unsigned_{"review", "Nina Nurse", Role::Nurse, "", ""};
    CHECK(refusalOf([&] { s.store->transitionSigned(id, request(Action::Review, kNurse), unsigned_); })
              .find("signed") != std::string::npos);
    CHECK(s.stateOf(id) == ScreeningState::Submitted);
    const std::string strokes = R"({"strokes":[[[0.1,0.5],[0.9,0.6]]]})";
    s.store->transitionSigned(id, request(Action::Review, kNurse), {"review", "Nina Nurse", Role::Nurse, strokes, ""});
    // A refused decision leaves no signature behind.
    CHECK_FALSE(refusalOf([&] {
                    s.store->transitionSigned(id, request(Action::Clear, kNurse),
                                              {"decision", "Nina Nurse", Role::Nurse, strokes, ""});
                }).empty());
    s.store->transitionSigned(id, request(Action::ClearWithConditions, kMrso, "Implant checked", "Normal Operating Mode only"),
                              {"decision", "Omar Officer", Role::Mrso, strokes, ""});
    const auto d = s.store->screening(id).value();
    REQUIRE(d.signatures.size() == 2);
    CHECK(d.signatures[0].purpose == "review");
    CHECK(d.signatures[1].purpose == "decision");
    CHECK(d.signatures[1].signerRole == Role::Mrso);
    CHECK(d.flags[0].correctedAnswer == "Yes: pacemaker, left chest");
    CHECK(d.decision->conditions == "Normal Operating Mode only");
    CHECK(s.store->verifyAudit().intact);
}
