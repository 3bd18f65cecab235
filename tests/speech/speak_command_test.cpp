// `mrscreen speak`: a question's page as a WAV file, and the clear errors for an unknown linkId or
// language, a file that cannot be written, and no espeak-ng data.
#include "test_support.h"

#include "cli/commands.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace mrscreen;
using Catch::Matchers::Contains;
using test::capture;

namespace {

namespace fs = std::filesystem;

std::string scratch(const std::string& name) {
    const fs::path dir = fs::path(MRSCREEN_TEST_OUTPUT) / "speech" / "cli";
    fs::create_directories(dir);
    return (dir / name).string();
}

test::Run speak(const cli::SpeakOptions& o) {
    return capture([&](std::ostream& out, std::ostream& err) { return cli::runSpeak(o, out, err); });
}

cli::SpeakOptions options(const std::string& item, const std::string& wav, const std::string& language = "") {
    cli::SpeakOptions o;
    o.form = test::sourcePath("forms/mri-safety");
    o.item = item;
    o.language = language;
    o.wav = wav;
    return o;
}

} // namespace

TEST_CASE("speak writes a question's page as a WAV file and prints what it says and how long") {
    const std::string wav = scratch("pacemaker-es.wav");
    fs::remove(wav);
    const auto r = speak(options("implant-pacemaker", wav, "es"));
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Contains("marcapasos"));
    CHECK_THAT(r.out, Contains("voice es-419, 22050 Hz"));
    REQUIRE(fs::file_size(wav) > 22050);
    std::ifstream in(wav, std::ios::binary);
    char riff[4];
    in.read(riff, 4);
    CHECK(std::string(riff, 4) == "RIFF");
}

TEST_CASE("speak says a follow-up question's page even though no answer has opened it yet") {
    const auto r = speak(options("implant-pacemaker-device", scratch("pacemaker-device.wav")));
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Contains("Implants and medical devices. More about: pacemaker. What is it?"));
    CHECK_THAT(r.out, Contains("When was it put in?"));
}

TEST_CASE("speak names an unknown linkId and where the linkIds are") {
    const auto r = speak(options("pacemaker", scratch("x.wav")));
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("has no item with linkId 'pacemaker'"));
}

TEST_CASE("speak names a language the form has no translation for and the ones it has") {
    const auto r = speak(options("implant-pacemaker", scratch("x.wav"), "fr"));
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("no translation for language 'fr'"));
    CHECK_THAT(r.err, Contains(" en es"));
}

TEST_CASE("speak says which WAV file it cannot write and what to do") {
    const auto r = speak(options("implant-pacemaker", "/nonexistent-folder/out.wav"));
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("cannot write the WAV file /nonexistent-folder/out.wav"));
    CHECK_THAT(r.err, Contains("choose a folder that exists"));
}

TEST_CASE("speak without espeak-ng data says what to install and writes nothing") {
    const std::string wav = scratch("no-data.wav");
    fs::remove(wav);
    const std::string command = "ESPEAK_DATA_PATH=/nonexistent-espeak-data '" + std::string(MRSCREEN_BINARY) +
                                "' speak --form '" + test::sourcePath("forms/mri-safety") +
                                "' --item implant-pacemaker --wav '" + wav + "' 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe);
    std::string text;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe)) text += buffer;
    const int status = pclose(pipe);
    INFO(text);
    CHECK(WEXITSTATUS(status) == 2);
    CHECK_THAT(text, Contains("espeak-ng cannot start"));
    CHECK_THAT(text, Contains("holds no espeak-ng data"));
    CHECK_THAT(text, Contains("/nonexistent-espeak-data (ESPEAK_DATA_PATH)"));
    CHECK_THAT(text, Contains("install the Debian packages espeak-ng-data and libespeak-ng1"));
    CHECK_FALSE(fs::exists(wav));
}
