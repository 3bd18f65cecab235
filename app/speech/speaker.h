// Speaks on a thread of its own, never the UI thread: say() hands over the text and returns at
// once; a new say() (the page changed) or stop() cuts off what is being said. Samples go to an
// AudioOutput, the default ALSA device unless told otherwise. Without espeak-ng data or an audio
// device it logs one clear line and stays silent; the kiosk goes on.
//
// Why synthesis to PCM played through libasound, not espeak-ng's own AUDIO_OUTPUT_PLAYBACK: one
// synthesis path serves the kiosk, `mrscreen speak`'s WAV files and the tests, so what is tested
// is what is played; a cut-off takes effect at the next 60 ms chunk on our thread instead of
// racing espeak-ng's internal playback thread; the first chunk can be timed (the benchmark); and
// espeak-ng's playback goes through pcaudiolib, which tries PulseAudio first and then ALSA, while
// the kiosk session (cage) runs no sound server: ALSA's "default" device is the headphone jack.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>

namespace mrscreen::speech {

// Where synthesised samples are played. Used from the Speaker's thread only.
class AudioOutput {
public:
    virtual ~AudioOutput() = default;
    // Opens the device for 16-bit mono at `rate`; false with the reason in `problem`.
    virtual bool open(int rate, std::string& problem) = 0;
    // Queues samples, waiting while the device's buffer is full; false when the device failed.
    virtual bool write(std::span<const std::int16_t> samples, std::string& problem) = 0;
    // Lets what is queued play out, returning early (and dropping the rest) once `cancelled`.
    virtual void finish(const std::function<bool()>& cancelled) = 0;
    // Drops what is queued at once.
    virtual void drop() = 0;
    // Lets go of the device until the next open (read aloud switched off).
    virtual void close() {}
};

// The default ALSA device ("default": PulseAudio/PipeWire when running, else the first card, e.g.
// the headphone jack). `device` overrides it ("hw:0,0", "plughw:1").
std::unique_ptr<AudioOutput> alsaOutput(const std::string& device = "default");

// Holds nothing until the first say(): its thread and the audio device come with the first text
// and go with release() (read aloud switched off, the next patient). espeak-ng's engine, once
// started, stays: espeak-ng 1.51 hangs when terminated a second time.
class Speaker {
public:
    using Log = std::function<void(const std::string&)>;
    // `log` is called from the Speaker's thread.
    explicit Speaker(Log log, std::unique_ptr<AudioOutput> output = alsaOutput());
    ~Speaker();
    Speaker(const Speaker&) = delete;
    Speaker& operator=(const Speaker&) = delete;

    // Starts saying `text` in `language` ("en", "es"), cutting off anything still being said. An
    // empty text only stops.
    void say(const std::string& text, const std::string& language);
    void stop() { say("", ""); }
    // Stops, and lets go of the thread and the audio device until the next say(). Returns at once:
    // the thread closes the device and ends on its own.
    void release();

    // Whether the thread (and so perhaps the audio device) is held. For tests.
    bool holding();
    // Waits until release() has let go of the thread and the device. For tests.
    void waitUntilReleased();

    // Waits until nothing is being said or waiting to be said. For tests and the benchmark.
    void waitUntilQuiet();
    // Utterances started and cut off so far (a cut-off one counts in both).
    int started() const { return started_; }
    int cutOff() const { return cutOff_; }

private:
    Log log_;
    std::unique_ptr<AudioOutput> output_;
    std::mutex mutex_;
    std::condition_variable wake_, quiet_;
    std::string text_, language_;
    bool pending_ = false, busy_ = false, quit_ = false;
    bool running_ = false;   // the thread is started and has not ended (it may still be joinable after)
    bool releasing_ = false; // release() asked the thread to let go and end
    std::atomic<std::uint64_t> generation_{0};
    std::atomic<int> started_{0}, cutOff_{0};
    bool outputOpen_ = false;
    std::string lastProblem_; // logged once, until something else happens
    std::thread thread_;

    void run();
    void letGo();
    void speakOne(const std::string& text, const std::string& language, std::uint64_t generation);
    void problem(const std::string& line);
};

} // namespace mrscreen::speech
