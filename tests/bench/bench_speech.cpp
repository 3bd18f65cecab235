// mrscreen-bench-speech: time to first audio for read aloud. For a question page (the eye-metal
// question: section title, question, Yes / No / Not sure) in English and Spanish: from the call
// to the first PCM chunk espeak-ng hands over, straight through the engine and through the
// Speaker's thread (say() to the first chunk reaching the audio device; a device that plays at
// once, so the sound card's own buffer is not counted). Also the engine's cold start and how much
// faster than real time the whole page is synthesised. Wall-clock, median and maximum of N runs.
// Run: kiosk-setup/mrscreen bench (or build/tests/bench/mrscreen-bench-speech [--runs N]).
// Exit 0, or 2 when espeak-ng or the form cannot be loaded.

#include "cli/form_files.h"
#include "speech/speaker.h"
#include "speech/voice.h"
#include "ui/draft.h"
#include "ui/read_aloud.h"

#include "bench_table.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <mutex>
#include <string>
#include <vector>

using namespace mrscreen;
using bench::fixed;
using bench::printTable;
using bench::Row;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Stats {
    double median = 0, max = 0;
};
Stats stats(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return {v[v.size() / 2], v.back()};
}

// A device that takes every chunk at once and notes when the first arrived.
struct TimingOutput : speech::AudioOutput {
    std::mutex mutex;
    std::condition_variable arrived;
    bool first = false;
    Clock::time_point at;
    bool open(int, std::string&) override { return true; }
    bool write(std::span<const std::int16_t>, std::string&) override {
        std::lock_guard lock(mutex);
        if (!first) {
            first = true;
            at = Clock::now();
            arrived.notify_all();
        }
        return true;
    }
    void finish(const std::function<bool()>&) override {}
    void drop() override {}
};

} // namespace

int main(int argc, char** argv) {
    int runs = 15;
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], "--runs") == 0) runs = std::max(1, std::atoi(argv[i + 1]));
    try {
        const auto files = cli::loadFormFiles(std::string(MRSCREEN_SOURCE_DIR) + "/forms/mri-safety");
        ui::Draft draft(files.form);
        draft.refresh();
        const int item = files.form.indexOf("eye-metal-injury");
        const ui::Page* page = nullptr;
        for (const auto& p : draft.pages())
            for (const auto& s : p.slots)
                if (s.item == item) page = &p;
        if (!page) throw std::runtime_error("forms/mri-safety has no page with eye-metal-injury");

        const auto coldStart = Clock::now();
        const int rate = speech::sampleRate();
        const double coldMs = ms(Clock::now() - coldStart);

        std::vector<Row> rows = {{"language", "voice", "words", "audio s", "engine: first chunk ms (median / max)",
                                  "speaker: say() to first chunk ms (median / max)", "synthesis x real time"}};
        for (const std::string language : {"en", "es"}) {
            const std::string text = ui::pageSpeech(files.form, draft, *page, language);
            std::vector<double> first, viaSpeaker, speed;
            long long samples = 0;
            for (int r = 0; r <= runs; ++r) { // run 0 warms the voice up and is not counted
                samples = 0;
                const auto start = Clock::now();
                Clock::time_point firstAt{};
                speech::synthesize(text, language, [&](std::span<const std::int16_t> pcm) {
                    if (samples == 0) firstAt = Clock::now();
                    samples += static_cast<long long>(pcm.size());
                    return true;
                });
                const double total = ms(Clock::now() - start);
                if (r == 0) continue;
                first.push_back(ms(firstAt - start));
                speed.push_back(double(samples) / rate * 1000 / total);
            }
            for (int r = 0; r < runs; ++r) {
                auto output = std::make_unique<TimingOutput>();
                TimingOutput* device = output.get();
                speech::Speaker speaker(nullptr, std::move(output));
                const auto start = Clock::now();
                speaker.say(text, language);
                {
                    std::unique_lock lock(device->mutex);
                    device->arrived.wait(lock, [device] { return device->first; });
                }
                viaSpeaker.push_back(ms(device->at - start));
                speaker.stop();
                speaker.waitUntilQuiet();
            }
            const Stats f = stats(first), s = stats(viaSpeaker), x = stats(speed);
            int words = 0;
            for (std::size_t i = 0; i < text.size(); ++i)
                words += text[i] != ' ' && (i == 0 || text[i - 1] == ' ');
            rows.push_back({language, speech::voiceFor(language), std::to_string(words),
                            fixed(double(samples) / rate, 1), fixed(f.median, 1) + " / " + fixed(f.max, 1),
                            fixed(s.median, 1) + " / " + fixed(s.max, 1), fixed(x.median, 0)});
        }
        std::cout << "Read aloud, question page 'eye-metal-injury', " << runs << " runs, espeak-ng at " << rate
                  << " Hz, " << speech::kWordsPerMinute << " words/min; engine cold start " << fixed(coldMs, 1)
                  << " ms\n";
        printTable(rows);
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "mrscreen-bench-speech: " << e.what() << "\n";
        return 2;
    }
}
