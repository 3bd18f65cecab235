// Read aloud on the kiosk, driven headlessly: what the kiosk hands to its speak service (the
// Speaker in the real window) when the patient turns Read aloud on, opens pages, meets a problem,
// goes idle or taps Read again; and that nothing is spoken while it is off.
#include "kiosk_harness.h"
#include "kiosk_steps.h"
#include "test_support.h"

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

using namespace mrscreen;
using mrscreen::test::KioskHarness;
using namespace mrscreen::test::steps;
using Catch::Matchers::Contains;

namespace {

struct Said {
    std::string text, language;
};

// A harness whose kiosk can speak; everything it says lands in `said`.
struct SpeakingKiosk {
    std::shared_ptr<std::vector<Said>> said = std::make_shared<std::vector<Said>>();
    std::shared_ptr<int> releases = std::make_shared<int>(0); // the speaker let go of its thread and device
    std::unique_ptr<KioskHarness> h;
    explicit SpeakingKiosk(test::HarnessOptions o = {}) {
        auto sink = said;
        auto released = releases;
        o.services = [sink, released](ui::KioskServices& s) {
            s.speak = [sink](const std::string& text, const std::string& lang) { sink->push_back({text, lang}); };
            s.releaseSpeech = [released] { ++*released; };
        };
        h = std::make_unique<KioskHarness>(o);
    }
    // What was said (not the silences) since `from`.
    std::vector<Said> spokenSince(std::size_t from) const {
        std::vector<Said> out;
        for (std::size_t i = from; i < said->size(); ++i)
            if (!(*said)[i].text.empty()) out.push_back((*said)[i]);
        return out;
    }
};

} // namespace

TEST_CASE("with Read aloud on, each page is spoken when it opens and Read again speaks it again") {
    SpeakingKiosk k;
    KioskHarness& h = *k.h;
    REQUIRE(h.has("read-aloud"));
    h.tap("read-aloud");
    CHECK(h.state().readAloud.on);
    auto said = k.spokenSince(0);
    REQUIRE(said.size() == 1);
    CHECK_THAT(said[0].text, Contains("Read aloud is on. MRI safety questions."));
    h.tap("start");
    REQUIRE(h.page() == "family-name");
    said = k.spokenSince(1);
    REQUIRE(said.size() == 1);
    CHECK_THAT(said[0].text, Contains("About you. Last name (family name)."));
    CHECK(said[0].language == "en");
    h.frames(10); // the page stays: nothing more is said
    CHECK(k.spokenSince(2).empty());
    h.tap("read-again");
    said = k.spokenSince(2);
    REQUIRE(said.size() == 1);
    CHECK(said[0].text == k.spokenSince(1)[0].text);
    CHECK(h.logged("read-aloud again"));

    typeInto(h, "family-name", "Okafor");
    const std::size_t before = k.said->size();
    h.tap("next");
    REQUIRE(h.page() == "given-name");
    said = k.spokenSince(before);
    REQUIRE(said.size() == 1);
    CHECK_THAT(said[0].text, Contains("First name."));
    CHECK(said[0].text.find("Last name") == std::string::npos);
}

TEST_CASE("with Read aloud on, a problem is spoken when it appears on the page") {
    SpeakingKiosk k;
    KioskHarness& h = *k.h;
    h.tap("read-aloud");
    h.tap("start");
    const std::size_t before = k.said->size();
    h.tap("next"); // no answer
    REQUIRE(h.state().pageErrors.count("family-name"));
    const auto said = k.spokenSince(before);
    REQUIRE(said.size() == 1);
    CHECK(said[0].text == "Last name (family name). This question needs an answer.");
}

TEST_CASE("with Read aloud on, the idle warning is spoken when it appears and silenced when the patient answers it") {
    test::HarnessOptions o;
    o.kiosk.idleWarningSeconds = 60;
    o.kiosk.idleResetSeconds = 20;
    SpeakingKiosk k(o);
    KioskHarness& h = *k.h;
    h.tap("read-aloud");
    h.tap("start");
    const std::size_t before = k.said->size();
    h.wait(61);
    REQUIRE(h.state().idleWarning);
    const auto said = k.spokenSince(before);
    REQUIRE(said.size() == 1);
    CHECK_THAT(said[0].text, Contains("Are you still there? For your privacy, your answers will be cleared in"));
    CHECK_THAT(said[0].text, Contains("I am still here."));
    h.tap("still-here");
    REQUIRE_FALSE(h.state().idleWarning);
    CHECK(k.said->back().text.empty()); // stopped
}

TEST_CASE("a Spanish-speaking patient hears the pages in Spanish") {
    SpeakingKiosk k;
    KioskHarness& h = *k.h;
    h.tap("lang:es");
    h.tap("read-aloud");
    auto said = k.spokenSince(0);
    REQUIRE(said.size() == 1);
    CHECK(said[0].language == "es");
    CHECK_THAT(said[0].text, Contains("La lectura en voz alta está activada."));
    h.tap("start");
    said = k.spokenSince(1);
    REQUIRE(said.size() == 1);
    CHECK(said[0].language == "es");
    REQUIRE(h.has("read-again"));
}

TEST_CASE("with Read aloud off nothing is spoken and there is no Read again button") {
    SpeakingKiosk k;
    KioskHarness& h = *k.h;
    REQUIRE_FALSE(h.state().readAloud.on);
    h.tap("start");
    h.tap("key:done"); // the keyboard a name page opens by itself when nothing is read aloud
    h.tap("next");
    typeInto(h, "family-name", "Okafor");
    h.tap("key:done");
    h.tap("next");
    CHECK_FALSE(h.has("read-again"));
    CHECK(k.said->empty());
}

TEST_CASE("turning Read aloud off silences it, and the next patient starts with it off") {
    SpeakingKiosk k;
    KioskHarness& h = *k.h;
    h.tap("read-aloud");
    h.tap("read-aloud");
    CHECK_FALSE(h.state().readAloud.on);
    REQUIRE(k.said->size() == 2);
    CHECK(k.said->back().text.empty());
    h.tap("read-aloud");
    h.tap("start");
    h.tap("start-over");
    h.tap("start-over-yes"); // the same patient starts again: still on
    CHECK(h.state().readAloud.on);
    CHECK(h.screen() == "welcome");
    h.wait(200); // gone: the next patient
    CHECK_FALSE(h.state().readAloud.on);
    CHECK(k.said->back().text.empty());
}

TEST_CASE("turning Read aloud off, or the next patient, lets the speaker go until it is turned on again") {
    SpeakingKiosk k;
    KioskHarness& h = *k.h;
    h.tap("start");
    h.tap("key:done"); // the name page opened its keyboard by itself
    h.tap("start-over");
    h.tap("start-over-yes");
    h.wait(200); // never on: nothing to let go of
    CHECK(*k.releases == 0);
    h.tap("read-aloud");
    CHECK(*k.releases == 0);
    h.tap("read-aloud");
    CHECK(*k.releases == 1);
    h.tap("read-aloud");
    h.tap("start");
    h.tap("start-over");
    h.tap("start-over-yes");
    h.wait(200); // the next patient
    CHECK(*k.releases == 2);
    h.wait(200);
    CHECK(*k.releases == 2); // once, not every frame
}

TEST_CASE("a kiosk that cannot speak shows no Read aloud switch") {
    KioskHarness h;
    CHECK(h.has("larger-text"));
    CHECK_FALSE(h.has("read-aloud"));
}

TEST_CASE("with Read aloud on, every page to Review, then Sign and the thank-you screen are spoken as they open") {
    SpeakingKiosk k;
    KioskHarness& h = *k.h;
    h.tap("read-aloud");
    std::size_t before = k.said->size();
    walkToSubmit(h); // Welcome to Review to Sign, a page at a time
    const auto said = k.spokenSince(before);
    int pageOpenings = 0, reviews = 0, signs = 0;
    for (const auto& s : said) {
        pageOpenings += s.text.find("Check your answers") == std::string::npos;
        reviews += s.text.find("Check your answers. Tap an answer to change it.") != std::string::npos;
        signs += s.text.rfind("Confirm and sign.", 0) == 0;
    }
    CHECK(pageOpenings > 10); // pages of rows: a no-risk adult walks about 14 of them
    CHECK(reviews == 1);
    CHECK(signs == 1);
    before = k.said->size();
    h.tap("submit");
    REQUIRE(h.screen() == "submitted");
    const auto thanks = k.spokenSince(before);
    REQUIRE(thanks.size() == 1);
    CHECK_THAT(thanks[0].text, Contains("Thank you. Your answers have been saved."));
}
