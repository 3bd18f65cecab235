// The Speaker: it speaks on its own thread, a new page cuts off the old one, and without an audio
// device or espeak-ng data it says why once while the kiosk goes on.
#include "test_support.h"

#include "speech/speaker.h"

#include <catch2/catch.hpp>

#include <condition_variable>
#include <mutex>
#include <vector>

using namespace mrscreen;
using Catch::Matchers::Contains;

namespace {

// An audio device that holds the first chunk until the test lets it through.
struct HeldOutput : speech::AudioOutput {
    struct Shared {
        std::mutex mutex;
        std::condition_variable changed;
        bool released = false;
        int chunks = 0;
        long long samples = 0;
        int drops = 0;
        int opens = 0, closes = 0;
    };
    std::shared_ptr<Shared> shared = std::make_shared<Shared>();

    bool open(int, std::string&) override {
        std::lock_guard lock(shared->mutex);
        ++shared->opens;
        return true;
    }
    void close() override {
        std::lock_guard lock(shared->mutex);
        ++shared->closes;
    }
    bool write(std::span<const std::int16_t> pcm, std::string&) override {
        std::unique_lock lock(shared->mutex);
        ++shared->chunks;
        shared->samples += static_cast<long long>(pcm.size());
        shared->changed.notify_all();
        shared->changed.wait(lock, [this] { return shared->released; });
        return true;
    }
    void finish(const std::function<bool()>&) override {}
    void drop() override {
        std::lock_guard lock(shared->mutex);
        ++shared->drops;
    }

    void waitForChunk() {
        std::unique_lock lock(shared->mutex);
        shared->changed.wait(lock, [this] { return shared->chunks > 0; });
    }
    void release() {
        std::lock_guard lock(shared->mutex);
        shared->released = true;
        shared->changed.notify_all();
    }
};

} // namespace

TEST_CASE("the speaker returns from say at once while the audio device is still busy with the speech") {
    auto output = std::make_unique<HeldOutput>();
    HeldOutput* device = output.get();
    std::vector<std::string> log;
    speech::Speaker speaker([&log](const std::string& l) { log.push_back(l); }, std::move(output));
    speaker.say("Have you ever hurt an eye with metal? Yes. No. Not sure.", "en");
    device->waitForChunk(); // the device holds the first chunk: say() has long returned
    CHECK(speaker.started() == 1);
    device->release();
    speaker.waitUntilQuiet();
    CHECK(device->shared->samples > 22050); // more than a second of speech
    CHECK(speaker.cutOff() == 0);
    CHECK(log.empty());
}

TEST_CASE("a new page cuts off what the speaker is still saying and says the new page") {
    auto output = std::make_unique<HeldOutput>();
    HeldOutput* device = output.get();
    speech::Speaker speaker(nullptr, std::move(output));
    speaker.say("First page. Do you have a pacemaker for your heart? Yes. No. Not sure.", "en");
    device->waitForChunk();
    speaker.say("Second page.", "en");
    device->release();
    speaker.waitUntilQuiet();
    CHECK(speaker.started() == 2);
    CHECK(speaker.cutOff() == 1);
    CHECK(device->shared->drops >= 1);
}

TEST_CASE("stop or release silences the speaker in mid-sentence, and release also closes the audio device") {
    auto output = std::make_unique<HeldOutput>();
    HeldOutput* device = output.get();
    speech::Speaker speaker(nullptr, std::move(output));
    speaker.say("Do you have a pacemaker for your heart?", "en");
    device->waitForChunk();
    SECTION("stop: an empty text says nothing") {
        speaker.stop();
        device->release();
        speaker.waitUntilQuiet();
        CHECK(device->shared->closes == 0);
    }
    SECTION("release") {
        speaker.release();
        device->release();
        speaker.waitUntilReleased();
        CHECK_FALSE(speaker.holding());
        CHECK(device->shared->closes == 1);
    }
    CHECK(speaker.started() == 1);
    CHECK(speaker.cutOff() == 1);
}

TEST_CASE("without an audio device the speaker logs one clear line, says nothing and keeps working") {
    std::vector<std::string> log;
    speech::Speaker speaker([&log](const std::string& l) { log.push_back(l); },
                            speech::alsaOutput("mrscreen-no-such-device"));
    speaker.say("Are you still there?", "en");
    speaker.waitUntilQuiet();
    speaker.say("Are you still there?", "es");
    speaker.waitUntilQuiet();
    REQUIRE(log.size() == 1);
    CHECK_THAT(log[0], Contains("read aloud: no audio output"));
    CHECK_THAT(log[0], Contains("mrscreen-no-such-device"));
    CHECK_THAT(log[0], Contains("the kiosk goes on without speech"));
    CHECK(speaker.started() == 0);
}

TEST_CASE("the speaker plays through a real ALSA device to the end, and again after it let go of it (ALSA's null "
          "device, no sound card needed)") {
    std::vector<std::string> log;
    speech::Speaker speaker([&log](const std::string& l) { log.push_back(l); }, speech::alsaOutput("null"));
    speaker.say("Yes. No. Not sure.", "en");
    speaker.waitUntilQuiet();
    speaker.release(); // closes the device and frees ALSA's configuration
    speaker.waitUntilReleased();
    speaker.say("Sí.", "es"); // opened again
    speaker.waitUntilQuiet();
    INFO((log.empty() ? "" : log[0]));
    CHECK(log.empty());
    CHECK(speaker.started() == 2);
    CHECK(speaker.cutOff() == 0);
}

TEST_CASE("a speaker holds no thread and no audio device until it has something to say, and lets go of both when "
          "released") {
    auto output = std::make_unique<HeldOutput>();
    HeldOutput* device = output.get();
    device->release(); // every chunk plays at once
    speech::Speaker speaker(nullptr, std::move(output));
    speaker.stop();
    CHECK_FALSE(speaker.holding());
    speaker.say("Yes.", "en");
    CHECK(speaker.holding());
    speaker.waitUntilQuiet();
    CHECK(device->shared->opens == 1);
    speaker.release();
    speaker.waitUntilReleased();
    CHECK_FALSE(speaker.holding());
    CHECK(device->shared->closes == 1);
    speaker.say("No.", "en"); // read aloud on again: a new thread opens the device again
    CHECK(speaker.holding());
    speaker.waitUntilQuiet();
    CHECK(device->shared->opens == 2);
    CHECK(speaker.started() == 2);
    CHECK(speaker.cutOff() == 0);
}
