// What each page of the MRI safety form says, and the speech itself: every page synthesised to a
// WAV file in English and Spanish, measured with sox, of a length that fits its words.
#include "test_support.h"

#include "speech/page_script.h"
#include "speech/voice.h"
#include "speech/wav_file.h"
#include "ui/draft.h"
#include "ui/read_aloud.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

using namespace mrscreen;
using Catch::Matchers::Contains;

namespace {

namespace fs = std::filesystem;

fs::path outputDir(const std::string& name) {
    const fs::path dir = fs::path(MRSCREEN_TEST_OUTPUT) / "speech" / name;
    fs::create_directories(dir);
    return dir;
}

// What sox's soxi says about a file ("-D": seconds, "-r": sample rate).
std::string soxi(const std::string& flag, const std::string& path) {
    const std::string command = "soxi " + flag + " '" + path + "' 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string text;
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, pipe)) text += buffer;
    const int status = pclose(pipe);
    INFO("soxi " << flag << " " << path << ": " << text << " (sox is in kiosk-setup's test packages)");
    REQUIRE(status == 0);
    return text;
}

int wordsIn(const std::string& text) {
    std::istringstream in(text);
    int n = 0;
    for (std::string w; in >> w;) ++n;
    return n;
}

// The pages a patient meets with nothing answered, and those that open once every question with
// a "yes" is answered yes (follow-ups, implant details, a surgery), each once.
std::vector<ui::Page> everyPage(ui::Draft& draft) {
    std::vector<ui::Page> pages;
    std::set<std::string> seen;
    auto collect = [&] {
        for (const auto& p : draft.pages())
            if (seen.insert(p.key).second) pages.push_back(p);
    };
    draft.refresh();
    collect();
    const auto& form = draft.form();
    for (int pass = 0; pass < 3; ++pass) { // answers open pages with more questions
        for (const auto& p : draft.pages())
            for (const auto& slot : p.slots) {
                const auto& item = form.items[std::size_t(slot.item)];
                for (const auto& o : item.options)
                    if (o.value.type == screening::ValueType::Coding && o.value.coding.code == "yes")
                        draft.setAnswer(slot.key(form), o.value);
            }
        draft.refresh();
        collect();
    }
    return pages;
}

void everyPageIsSpoken(const std::string& language) {
    const auto& form = test::mriForm();
    ui::Draft draft(form);
    draft.language = language;
    const auto pages = everyPage(draft);
    REQUIRE(pages.size() > 20);
    const fs::path dir = outputDir(language);
    for (const auto& page : pages) {
        const std::string text = ui::pageSpeech(form, draft, page, language);
        INFO("page " << page.key << " (" << language << "): " << text);
        REQUIRE_FALSE(text.empty());
        const std::string path = (dir / (page.key + ".wav")).string();
        const auto wav = speech::writeWav(path, text, language);
        REQUIRE(fs::file_size(path) > 44 + 2 * 22050 / 2); // more than half a second after the header
        REQUIRE(std::stoi(soxi("-r", path)) == wav.sampleRate);
        const double seconds = std::stod(soxi("-D", path));
        const int words = wordsIn(text);
        INFO(words << " words in " << seconds << " s");
        // 150 words a minute is 2.5 a second; pauses at full stops and longer Spanish words only
        // lengthen it; no page takes a second a word.
        CHECK(seconds >= words / 3.5);
        CHECK(seconds <= words / 1.0);
        CHECK(std::abs(seconds - wav.seconds()) < 0.05);
    }
}

const ui::Page& pageWith(const ui::Draft& draft, const std::string& linkId) {
    const int item = draft.form().indexOf(linkId);
    for (const auto& p : draft.pages())
        for (const auto& s : p.slots)
            if (s.item == item) return p;
    FAIL("no page shows " << linkId);
    throw;
}

} // namespace

TEST_CASE("every page of the MRI safety form is spoken in English as a WAV file as long as its words need") {
    everyPageIsSpoken("en");
}

TEST_CASE("every page of the MRI safety form is spoken in Spanish as a WAV file as long as its words need") {
    everyPageIsSpoken("es");
}

TEST_CASE("a Yes / No / Not sure question is spoken with its section title and then its choices in order") {
    const auto& form = test::mriForm();
    ui::Draft draft(form);
    draft.refresh();
    const std::string en = ui::pageSpeech(form, draft, pageWith(draft, "eye-metal-injury"), "en");
    CHECK_THAT(en, Contains("Metal from injuries or work. "));
    CHECK_THAT(en, Contains("Have you ever hurt an eye with metal"));
    CHECK_THAT(en, Contains("Yes. No. Not sure."));
    CHECK(en.find("Metal from injuries") < en.find("hurt an eye"));
    CHECK(en.find("hurt an eye") < en.find("Yes. No. Not sure."));
    const std::string es = ui::pageSpeech(form, draft, pageWith(draft, "eye-metal-injury"), "es");
    CHECK_THAT(es, Contains("Sí. No. No estoy seguro o segura."));
    CHECK(es.find("Have you") == std::string::npos);
}

TEST_CASE("a problem shown under a question is spoken with it, without the screen's square mark") {
    const auto& form = test::mriForm();
    ui::Draft draft(form);
    draft.refresh();
    const std::string text = ui::pageSpeech(form, draft, pageWith(draft, "eye-metal-injury"), "en",
                                            {{"eye-metal-injury", "This question needs an answer"}});
    CHECK_THAT(text, Contains("into your eye? This question needs an answer. Yes."));
    CHECK(text.find("\xE2\x96\xA0") == std::string::npos);
}

TEST_CASE("a follow-up question is spoken only once the answer that opens it is given") {
    const auto& form = test::mriForm();
    ui::Draft draft(form);
    draft.refresh();
    const auto* follow = form.find("previous-mri-problem");
    REQUIRE(follow);
    const std::string before = ui::pageSpeech(form, draft, pageWith(draft, "previous-mri"), "en");
    CHECK(before.find(follow->text.in("en")) == std::string::npos);
    for (const auto& o : form.find("previous-mri")->options)
        if (o.value.coding.code == "yes") draft.setAnswer("previous-mri", o.value);
    draft.refresh();
    bool spoken = false;
    for (const auto& p : draft.pages())
        spoken = spoken || ui::pageSpeech(form, draft, p, "en").find(follow->text.in("en")) != std::string::npos;
    CHECK(spoken);
}

TEST_CASE("a sentence gets a full stop for its pause, keeps its own question mark and drops empty text") {
    speech::Script s;
    s.say("  Are you still there?  ").say("").say("\xE2\x96\xA0 Yes").say("No.");
    CHECK(s.text() == "Are you still there? Yes. No.");
}

TEST_CASE("the body map page is spoken as its title and help, not as the fields of a mark") {
    const auto& form = test::mriForm();
    ui::Draft draft(form);
    draft.language = "en";
    const ui::Page* map = nullptr;
    const auto pages = everyPage(draft);
    for (const auto& p : pages)
        if (p.kind == ui::PageKind::BodyMap) map = &p;
    REQUIRE(map);
    const std::string text = ui::pageSpeech(form, draft, *map, "en");
    INFO(text);
    CHECK(text.find(form.items[std::size_t(map->section)].text.in("en")) == 0);
    CHECK(wordsIn(text) < 60);
    CHECK(text.find("Yes. No.") == std::string::npos);
}
