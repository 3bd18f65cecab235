// [SECTION] the Speaker's thread: one utterance at a time, synthesised by espeak-ng in chunks that
// go straight to the audio device, so the first sound comes after the first chunk, not the whole
// text; every chunk checks whether the utterance was cut off.
#include "speech/speaker.h"

#include "speech/voice.h"

#include <alsa/asoundlib.h>
#include <malloc.h>

#include <chrono>

namespace mrscreen::speech {

namespace {

void quietAlsa(const char*, int, const char*, int, const char*, ...) {}

class AlsaOutput : public AudioOutput {
public:
    explicit AlsaOutput(std::string device) : device_(std::move(device)) {}
    ~AlsaOutput() override { close(); }

    bool open(int rate, std::string& problem) override {
        if (pcm_) return true;
        snd_lib_error_set_handler(quietAlsa); // our one line says it better than ALSA's eight
        int rc = snd_pcm_open(&pcm_, device_.c_str(), SND_PCM_STREAM_PLAYBACK, 0);
        if (rc >= 0)
            // 150 ms of buffer: short enough that a cut-off stops at once, long enough not to stutter.
            rc = snd_pcm_set_params(pcm_, SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_RW_INTERLEAVED, 1, unsigned(rate), 1,
                                    150000);
        if (rc < 0) {
            problem = "read aloud: no audio output (ALSA device '" + device_ + "': " + snd_strerror(rc) +
                      "); the kiosk goes on without speech. Connect headphones or a speaker and check `aplay -l`";
            if (pcm_) snd_pcm_close(pcm_);
            pcm_ = nullptr;
            return false;
        }
        return true;
    }

    bool write(std::span<const std::int16_t> samples, std::string& problem) override {
        const std::int16_t* p = samples.data();
        snd_pcm_uframes_t left = samples.size();
        while (left > 0) {
            snd_pcm_sframes_t n = snd_pcm_writei(pcm_, p, left);
            if (n < 0) n = snd_pcm_recover(pcm_, int(n), 1); // an underrun between chunks is normal
            if (n < 0) {
                problem = std::string("read aloud: the audio output failed (") + snd_strerror(int(n)) + ")";
                return false;
            }
            p += n;
            left -= snd_pcm_uframes_t(n);
        }
        return true;
    }

    void finish(const std::function<bool()>& cancelled) override {
        while (!cancelled()) {
            snd_pcm_sframes_t delay = 0;
            if (snd_pcm_delay(pcm_, &delay) < 0 || delay <= 0) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        drop();
    }

    void drop() override {
        snd_pcm_drop(pcm_);
        snd_pcm_prepare(pcm_);
    }

    void close() override {
        if (!pcm_) return;
        snd_pcm_close(pcm_);
        pcm_ = nullptr;
        snd_config_update_free_global(); // the parsed ALSA configuration, read again by the next open
    }

private:
    std::string device_;
    snd_pcm_t* pcm_ = nullptr;
};

} // namespace

std::unique_ptr<AudioOutput> alsaOutput(const std::string& device) { return std::make_unique<AlsaOutput>(device); }

Speaker::Speaker(Log log, std::unique_ptr<AudioOutput> output) : log_(std::move(log)), output_(std::move(output)) {}

Speaker::~Speaker() {
    {
        std::lock_guard lock(mutex_);
        quit_ = true;
        ++generation_;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void Speaker::say(const std::string& text, const std::string& language) {
    std::lock_guard lock(mutex_);
    ++generation_; // cuts off the utterance being spoken at its next chunk
    text_ = text;
    language_ = language;
    pending_ = !text.empty();
    if (pending_) {
        releasing_ = false;
        if (!running_) {
            // A released thread set running_ false as its last act under the mutex: it has ended
            // or is returning, so the join does not wait on it.
            if (thread_.joinable()) thread_.join();
            running_ = true;
            thread_ = std::thread([this] { run(); });
        }
    }
    wake_.notify_all();
}

void Speaker::release() {
    std::lock_guard lock(mutex_);
    ++generation_;
    text_.clear();
    pending_ = false;
    if (running_) releasing_ = true;
    wake_.notify_all();
}

bool Speaker::holding() {
    std::lock_guard lock(mutex_);
    return running_;
}

void Speaker::waitUntilQuiet() {
    std::unique_lock lock(mutex_);
    quiet_.wait(lock, [this] { return !pending_ && !busy_; });
}

void Speaker::waitUntilReleased() {
    std::unique_lock lock(mutex_);
    quiet_.wait(lock, [this] { return !running_; });
}

void Speaker::problem(const std::string& line) {
    if (line == lastProblem_) return;
    lastProblem_ = line;
    if (log_) log_(line);
}

// Called on the Speaker's thread with the mutex not held.
void Speaker::letGo() {
    output_->close();
    outputOpen_ = false;
    lastProblem_.clear(); // a device still missing is said again when read aloud is next on
    malloc_trim(0);       // hand back what the utterances and ALSA's configuration freed
}

void Speaker::run() {
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait(lock, [this] { return pending_ || quit_ || releasing_; });
        if (quit_) break;
        if (pending_) {
            const std::string text = text_, language = language_;
            const std::uint64_t generation = generation_;
            pending_ = false;
            busy_ = true;
            lock.unlock();
            speakOne(text, language, generation);
            lock.lock();
            busy_ = false;
            if (!pending_) quiet_.notify_all();
            continue;
        }
        releasing_ = false;
        lock.unlock();
        letGo();
        lock.lock();
        if (!pending_ && !quit_) break; // a say() while letting go keeps the thread
    }
    busy_ = false;
    running_ = false;
    quiet_.notify_all();
}

void Speaker::speakOne(const std::string& text, const std::string& language, std::uint64_t generation) {
    auto cancelled = [this, generation] { return generation_ != generation; };
    try {
        const int rate = sampleRate();
        if (!outputOpen_) {
            std::string why;
            if (!output_->open(rate, why)) return problem(why); // tried again with the next utterance
            outputOpen_ = true;
            if (!lastProblem_.empty() && log_) log_("read aloud: audio output ready");
            lastProblem_.clear();
        }
        ++started_;
        std::string why;
        const bool whole = synthesize(text, language, [&](std::span<const std::int16_t> pcm) {
            return !cancelled() && output_->write(pcm, why);
        });
        if (!why.empty()) {
            output_->drop();
            return problem(why);
        }
        if (!whole || cancelled()) {
            ++cutOff_;
            output_->drop();
            return;
        }
        output_->finish(cancelled);
        if (cancelled()) ++cutOff_;
    } catch (const SpeechError& e) {
        problem(e.what());
    }
}

} // namespace mrscreen::speech
