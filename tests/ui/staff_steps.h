// Steps the staff-screen tests share (ui_staff, ui_staff_procedure, ui_staff_screens): the site's
// nurse and MRSO, opening a screening from the queue, a verdict on every flag, and signing on a
// staff pad. Built on the patient-side steps of kiosk_steps.h.
#pragma once

#include "kiosk_harness.h"
#include "kiosk_steps.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

namespace mrscreen::test::steps {

// Nina the nurse (PIN 111111) and Omar the MRSO (PIN 333333).
inline void addStaff(KioskHarness& h) {
    h.store().addStaff("nina", "Nina Okoro, RN", screening::Role::Nurse, "111111", kAdmin);
    h.store().addStaff("omar", "Omar Haddad, MRSO", screening::Role::Mrso, "333333", kAdmin);
}

// Signs a staff member in and opens the screening from the queue.
inline void openScreening(KioskHarness& h, const std::string& user, const std::string& pin,
                          std::int64_t id) {
    signIn(h, user, pin);
    h.tap("queue:" + std::to_string(id));
}

// The nurse gives every stop and review flag a verdict (information shown as such needs none),
// typing `note` with each when it is not empty.
inline void verdictAll(KioskHarness& h, std::int64_t id, const std::string& note = "") {
    const auto detail = h.store().screening(id);
    REQUIRE(detail);
    for (const auto& f : detail->flags) {
        if (f.severity == screening::Severity::Info || !h.has("verdict:" + f.ruleId))
            continue;
        h.tap("verdict:" + f.ruleId);
        h.tap("verdict:" + f.ruleId + ":1");
        if (!note.empty())
            typeInto(h, "work:note", note);
        h.tap("verdict-save:" + f.ruleId);
        INFO(h.state().work.message);
        REQUIRE(h.store().screening(id)->flags.size() > 0);
    }
}

// Taps a part's Sign button, which opens the signing step, draws a signature on its pad (outside
// any scrolling area) and signs.
inline void sign(KioskHarness& h, const std::string& button,
                 const std::string& pad = "staff-signature") {
    h.tap(button);
    INFO(h.state().work.message);
    REQUIRE(h.has(pad));
    CHECK(h.state().targets.at(pad).scrollArea.empty());
    h.drag(signatureStroke(h.state().targets.at(pad)));
    h.tap("signing-confirm");
}

} // namespace mrscreen::test::steps
