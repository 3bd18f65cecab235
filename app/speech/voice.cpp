// [SECTION] espeak-ng in synchronous mode: espeak_Synth returns when the text is spoken, and the
// samples arrive through the synth callback on the calling thread.
#include "speech/voice.h"

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>

namespace mrscreen::speech {

namespace {

std::mutex engineMutex; // guards everything espeak-ng holds: it is one global engine

struct Engine {
    bool started = false;
    std::string problem; // why it could not start (kept: espeak-ng cannot be started twice)
    int rate = 0;
    std::string voice; // the voice set last
};
Engine engine;

std::string statusText(espeak_ng_STATUS status) {
    char buffer[512];
    espeak_ng_GetStatusCodeMessage(status, buffer, sizeof buffer);
    return buffer;
}

std::string dataPlace() {
    const char* env = std::getenv("ESPEAK_DATA_PATH");
    return env && *env ? std::string(env) + " (ESPEAK_DATA_PATH)" : "the espeak-ng data folder";
}

// Called with the mutex held.
void start() {
    if (engine.started) return;
    if (!engine.problem.empty()) throw SpeechError(engine.problem);
    // espeak-ng quietly falls back to its own folder when ESPEAK_DATA_PATH holds no data: a site
    // that set it must hear that it is wrong.
    if (const char* env = std::getenv("ESPEAK_DATA_PATH"); env && *env) {
        std::error_code ec;
        const std::filesystem::path dir(env);
        if (!std::filesystem::exists(dir / "phontab", ec) &&
            !std::filesystem::exists(dir / "espeak-ng-data" / "phontab", ec)) {
            engine.problem = "read aloud: espeak-ng cannot start: " + dataPlace() +
                             " holds no espeak-ng data (no phontab); unset it, or install the Debian packages "
                             "espeak-ng-data and libespeak-ng1";
            throw SpeechError(engine.problem);
        }
    }
    espeak_ng_InitializePath(nullptr); // ESPEAK_DATA_PATH, else the Debian package's folder
    espeak_ng_ERROR_CONTEXT context = nullptr;
    const espeak_ng_STATUS status = espeak_ng_Initialize(&context);
    espeak_ng_ClearErrorContext(&context);
    if (status != ENS_OK) {
        engine.problem = "read aloud: espeak-ng cannot start (" + statusText(status) + ") from " + dataPlace() +
                         "; install the Debian packages espeak-ng-data and libespeak-ng1";
        throw SpeechError(engine.problem);
    }
    const espeak_ng_STATUS output = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, nullptr);
    if (output != ENS_OK) {
        engine.problem = "read aloud: espeak-ng cannot synthesise (" + statusText(output) + ")";
        throw SpeechError(engine.problem);
    }
    engine.rate = espeak_ng_GetSampleRate();
    espeak_ng_SetParameter(espeakRATE, kWordsPerMinute, 0);
    engine.started = true;
}

struct Call {
    const PcmSink* sink;
    bool stopped = false;
};
// The utterance being synthesised (set with the mutex held): a chunk's events do not always carry
// the user data, so the callback finds its call here.
Call* current = nullptr;

int onSamples(short* wav, int count, espeak_EVENT*) {
    Call* call = current;
    if (!call) return 0;
    if (call->stopped) return 1;
    if (wav && count > 0 && !(*call->sink)(std::span<const std::int16_t>(wav, std::size_t(count)))) {
        call->stopped = true;
        return 1; // espeak-ng stops this utterance
    }
    return 0;
}

} // namespace

std::string voiceFor(const std::string& language) {
    if (language == "en") return "en-us";
    if (language == "es") return "es-419"; // Latin American Spanish, as most US patients speak it
    return language;
}

int sampleRate() {
    std::lock_guard lock(engineMutex);
    start();
    return engine.rate;
}

bool synthesize(const std::string& text, const std::string& language, const PcmSink& sink) {
    std::lock_guard lock(engineMutex);
    start();
    const std::string voice = voiceFor(language);
    if (voice != engine.voice) {
        espeak_ng_STATUS status = espeak_ng_SetVoiceByName(voice.c_str());
        if (status != ENS_OK) status = espeak_ng_SetVoiceByName(language.c_str());
        if (status != ENS_OK)
            throw SpeechError("read aloud: espeak-ng has no voice for language '" + language + "' (" +
                              statusText(status) + "); install the Debian package espeak-ng-data");
        espeak_ng_SetParameter(espeakRATE, kWordsPerMinute, 0);
        engine.voice = voice;
    }
    Call call{&sink};
    current = &call;
    espeak_SetSynthCallback(onSamples);
    const espeak_ng_STATUS status = espeak_ng_Synthesize(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0,
                                                         espeakCHARS_UTF8, nullptr, &call);
    current = nullptr;
    if (status != ENS_OK && !call.stopped)
        throw SpeechError("read aloud: espeak-ng could not speak the text (" + statusText(status) + ")");
    return !call.stopped;
}

} // namespace mrscreen::speech
