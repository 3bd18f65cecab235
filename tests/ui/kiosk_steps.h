// The steps a patient or a staff member takes, for the headless UI tests: typing into a field,
// answering a page harmlessly (or as a test says), walking to a screen, signing a pad, signing in.
#pragma once

#include "kiosk_harness.h"

#include "cli/form_files.h"
#include "cli/submission.h"
#include "screening/response.h"
#include "test_support.h"
#include "ui/draft.h"
#include "ui/ui_context.h"

#include <catch2/catch.hpp>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace mrscreen::test::steps {

inline const screening::Actor kAdmin{"test-admin", screening::Role::Admin};

// Stores an example response (forms/examples/NAME) as a submitted screening, the way the kiosk's
// Submit does; returns its id.
inline std::int64_t submitExample(KioskHarness& h, const std::string& example) {
    const auto files = cli::loadFormFiles(h.config().form);
    const auto response = screening::readResponse(test::slurp(test::sourcePath("forms/examples/" + example)), example);
    std::ostringstream err;
    const auto sub = cli::submitResponse(h.store(), h.config(), files, response, "import", kAdmin, "2026-11-25", err);
    REQUIRE(sub.id > 0);
    return sub.id;
}

using Overrides = std::map<std::string, std::string>; // answer key -> answer ("code", text or number)

inline const screening::Item& itemOf(KioskHarness& h, int index) {
    return h.kiosk().draft().form().items[std::size_t(index)];
}

// Types into a field with the keyboard, then taps Done. A box the page opened by itself is not
// tapped again (a patient just types).
inline void typeInto(KioskHarness& h, const std::string& field, const std::string& text) {
    h.frames(1);
    if (!h.state().editing || h.state().editing->key != field) h.tap("field:" + field);
    REQUIRE(h.state().editing);
    h.type(text);
    const std::string page = h.page();
    h.tap("key:done");
    // Closed; or "Next" moved on and the next page opened its own box.
    REQUIRE((!h.state().editing || h.page() != page));
}

// Types a date ("1951-08-12", "2021-10", "2021") on the number pad as a patient would: taps the first
// box of the patient's order, types each known part (a whole part moves on by itself; an empty box is
// tapped past), then Done (Next when the date is the page's last question).
inline void typeDate(KioskHarness& h, const std::string& key, const std::string& date) {
    const std::map<std::string, std::string> parts = {
        {"year", date.substr(0, 4)}, {"month", date.size() >= 7 ? date.substr(5, 2) : ""},
        {"day", date.size() >= 10 ? date.substr(8, 2) : ""}};
    h.frames(1);
    std::vector<std::string> order = {"day", "month", "year"}; // left to right, as the patient reads them
    std::sort(order.begin(), order.end(), [&](const std::string& a, const std::string& b) {
        return h.state().targets.at("field:" + key + ":" + a).x0 < h.state().targets.at("field:" + key + ":" + b).x0;
    });
    for (const auto& part : order) {
        const std::string& digits = parts.at(part);
        if (digits.empty()) continue;
        if (!h.state().editing || h.state().editing->key != key + ":" + part) h.tap("field:" + key + ":" + part);
        for (const char c : digits) h.tap(std::string("key:") + c);
    }
    // A whole date moving on by itself keeps its pad open through the pause: nothing to close.
    if (h.state().editing && h.state().advancePage.empty()) h.tap("key:done");
}

// Whether the answer at `key` is already `answer` (a code, or the text or number as written).
inline bool answeredAs(KioskHarness& h, const std::string& key, const std::string& answer) {
    const auto& a = h.kiosk().draft().answers(key);
    if (a.size() != 1) return false;
    const auto& v = a.front();
    if (v.type == screening::ValueType::Coding) return v.coding.code == answer;
    if (v.type == screening::ValueType::Boolean) return (v.boolean ? "yes" : "no") == answer;
    return v.toText() == answer;
}

// Whether a test's walk answers this question now: what the test says when it is not already so,
// else a question left unanswered that is a choice or required.
inline bool toAnswer(KioskHarness& h, const ui::Slot& slot, const Overrides& overrides) {
    const auto& item = itemOf(h, slot.item);
    if (!screening::isQuestion(item.type) || !h.kiosk().draft().enabled(slot)) return false;
    const std::string key = slot.key(h.kiosk().draft().form());
    if (const auto o = overrides.find(key); o != overrides.end()) return !answeredAs(h, key, o->second);
    if (h.kiosk().draft().answered(key)) return false;
    switch (item.type) {
    case screening::ItemType::Choice:
    case screening::ItemType::Boolean: return true;
    case screening::ItemType::String:
    case screening::ItemType::Text:
    case screening::ItemType::Decimal:
    case screening::ItemType::Integer:
    case screening::ItemType::Date: return item.required;
    default: return false;
    }
}

// Answers one question: the override when there is one, else a harmless answer ("No" where there is
// one, the first option otherwise, some text, a date).
inline void answerSlot(KioskHarness& h, const ui::Slot& slot, const Overrides& overrides) {
    const auto& item = itemOf(h, slot.item);
    const std::string key = slot.key(h.kiosk().draft().form());
    const auto o = overrides.find(key);
    switch (item.type) {
    case screening::ItemType::Choice: {
        std::string code = o != overrides.end() ? o->second : "";
        if (code.empty()) {
            code = item.options.front().value.coding.code;
            for (const auto& opt : item.options)
                if (opt.value.coding.code == "no") code = "no";
        }
        h.tap("option:" + key + ":" + code);
        break;
    }
    case screening::ItemType::Boolean:
        if (h.has("confirm:" + key)) h.tap("confirm:" + key);
        else h.tap("option:" + key + ":" + (o != overrides.end() ? o->second : "no"));
        break;
    case screening::ItemType::String:
    case screening::ItemType::Text:
        if (o != overrides.end()) typeInto(h, key, o->second);
        else if (item.required) typeInto(h, key, "Test");
        break;
    case screening::ItemType::Decimal:
    case screening::ItemType::Integer:
        if (o != overrides.end()) typeInto(h, key, o->second);
        else if (item.required) typeInto(h, key, item.minValue ? item.minValue->toText() : "1");
        break;
    case screening::ItemType::Date:
        if (o != overrides.end() && !o->second.empty()) typeDate(h, key, o->second);
        else if (o != overrides.end() || item.required) {
            if (h.state().editing) h.tap("key:done"); // the steppers instead of the pad the page opened
            h.tap("date:" + key + ":year:minus");
        }
        break;
    default: break;
    }
}

// Answers every question on the current page from the top, as toAnswer and answerSlot say.
inline void answerPage(KioskHarness& h, const Overrides& overrides = {}) {
    const ui::Page* page = nullptr;
    for (const auto& p : h.kiosk().draft().pages())
        if (p.key == h.page()) page = &p;
    REQUIRE(page != nullptr);
    const ui::Page copy = *page;
    for (const auto& slot : copy.slots)
        if (h.page() == copy.key && toAnswer(h, slot, overrides)) answerSlot(h, slot, overrides);
}

// Answers pages until the questionnaire reaches Review, with the body map left alone unless a
// test handles it first. Returns the number of pages answered.
inline int answerUntil(KioskHarness& h, const std::string& stopAtScreen, const Overrides& overrides = {},
                const std::string& stopAtPage = "") {
    int pages = 0;
    while ((h.screen() == "question" || h.screen() == "body-map") && h.screen() != stopAtScreen &&
           (stopAtPage.empty() || h.page() != stopAtPage)) {
        const std::string before = h.page();
        if (h.screen() == "question") answerPage(h, overrides);
        // The keyboard's Done is Next on a page's last field: the page may have moved on already.
        if (h.page() == before && h.state().editing && h.state().advancePage.empty()) h.tap("key:done");
        if (h.page() == before && !h.state().advancePage.empty()) h.wait(ui::kAutoAdvanceSeconds + 0.1);
        if (h.page() == before && (h.screen() == "question" || h.screen() == "body-map")) h.tap("next");
        INFO("page " << before << " errors: " << h.state().pageErrors.size());
        REQUIRE((h.page() != before || h.screen() == "review"));
        REQUIRE(++pages < 200);
    }
    return pages;
}

// A signature as a finger would write it: a few joined loops across the pad.
inline std::vector<ImVec2> signatureStroke(const ui::Target& pad) {
    std::vector<ImVec2> pts;
    const float w = pad.x1 - pad.x0, hgt = pad.y1 - pad.y0;
    for (int i = 0; i <= 40; ++i) {
        const float t = float(i) / 40.0f;
        pts.push_back(ImVec2(pad.x0 + w * (0.1f + 0.7f * t), pad.y0 + hgt * (0.5f + 0.25f * std::sin(t * 18.0f))));
    }
    return pts;
}

// From Review to a Sign page ready for Submit: the patient completes the form themself, confirms and
// signs with a finger.
inline void signFromReview(KioskHarness& h) {
    REQUIRE(h.screen() == "review");
    h.tap("review-continue");
    h.tap("option:completed-by:patient");
    h.tap("confirm:attest");
    h.drag(signatureStroke(h.state().targets.at("signature-pad")));
}

// A patient with nothing to report answers everything from Welcome, signs, and is ready to tap
// Submit.
inline void walkToSubmit(KioskHarness& h) {
    h.tap("start");
    answerUntil(h, "review", {{"has-implants", "no"}});
    signFromReview(h);
}

// [SECTION] a whole visit as a patient walks it: pages answered from the top, a single choice or a
// last checklist row left to move on by itself, the screens seen counted on the way.

// Counts the screens a patient sees: every change of screen or questionnaire page is one.
struct ScreenCounter {
    KioskHarness& h;
    std::string last;
    int screens = 0;
    void look() {
        const std::string now = h.screen() + "|" + (h.screen() == "question" || h.screen() == "body-map" ? h.page() : "");
        if (now != last) ++screens, last = now;
    }
};

inline const ui::Page& pageNow(KioskHarness& h) {
    for (const auto& p : h.kiosk().draft().pages())
        if (p.key == h.page()) return p;
    FAIL("no page " << h.page());
    throw;
}

// A checklist page as a patient answers it: from the top, row by row, until "No to the rest" is
// offered (once every stop-level row has its own answer) and nothing the test says is left below.
inline void answerChecklist(KioskHarness& h, const Overrides& overrides) {
    const ui::Page page = pageNow(h);
    for (int guard = 0; guard < 60 && h.page() == page.key && h.state().advancePage.empty(); ++guard) {
        h.frames(1);
        const ui::Slot* next = nullptr;
        bool said = false; // an answer the test gives is still to come
        for (const auto& slot : pageNow(h).slots) {
            if (!toAnswer(h, slot, overrides)) continue;
            if (!next) next = &slot;
            said = said || overrides.count(slot.key(h.kiosk().draft().form()));
        }
        if (!next) return;
        if (h.has("no-to-rest") && !said) return h.tap("no-to-rest");
        const ui::Slot slot = *next;
        answerSlot(h, slot, overrides);
    }
}

// Answers page after page as answerUntil does, but lets a page that moves on by itself do so (the
// patient just waits) instead of tapping Next, and counts the screens on the way.
inline void walkToReview(KioskHarness& h, ScreenCounter& seen, const Overrides& overrides) {
    int pages = 0;
    while (h.screen() == "question" || h.screen() == "body-map") {
        seen.look();
        const std::string before = h.page();
        if (h.screen() == "question" && pageNow(h).checklist) answerChecklist(h, overrides);
        else if (h.screen() == "question") answerPage(h, overrides);
        if (h.page() == before && h.state().advancePage.empty() && h.state().editing) h.tap("key:done");
        if (h.page() == before && h.state().advancePage.empty()) h.tap("next");
        else if (h.page() == before) h.wait(1);
        INFO("page " << before << " errors: " << h.state().pageErrors.size());
        REQUIRE((h.page() != before || h.screen() == "review"));
        REQUIRE(++pages < 200);
    }
    seen.look();
}

// The taps and screens of a visit from Welcome to Submitted.
struct Visit {
    int taps = 0, screens = 0;
    std::vector<std::string> tapped; // the harness's tap log
};

inline Visit visit(const Overrides& overrides, const std::string& language = "en") {
    KioskHarness h;
    ScreenCounter seen{h, "", 0};
    seen.look();
    if (language != "en") h.tap("lang:" + language);
    h.tap("start");
    walkToReview(h, seen, overrides);
    REQUIRE(h.screen() == "review");
    signFromReview(h);
    seen.look();
    h.tap("submit");
    REQUIRE(h.screen() == "submitted");
    seen.look();
    return {h.taps(), seen.screens, h.tapLog()};
}

// Holds the top-left corner, then signs in with the on-screen keyboard.
inline void signIn(KioskHarness& h, const std::string& user, const std::string& pin) {
    h.hold(10, 10, 3.2);
    REQUIRE(h.screen() == "staff-sign-in");
    typeInto(h, "staff:username", user);
    typeInto(h, "staff:pin", pin);
    h.tap("staff-sign-in");
}

} // namespace mrscreen::test::steps
