// The kiosk's voice: espeak-ng, offline, turning text in a language ("en", "es") into 16-bit mono
// PCM handed to a callback chunk by chunk. espeak-ng is one engine per process and not
// thread-safe: every call here is serialised, so the Speaker's thread and a WAV being written
// never use it at the same time.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>

namespace mrscreen::speech {

// Synthesis cannot run (no espeak-ng data, no voice for the language); the message says what to
// install or set.
class SpeechError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A chunk of samples; return false to stop the utterance (a page changed, the file failed).
using PcmSink = std::function<bool(std::span<const std::int16_t> samples)>;

// The samples per second espeak-ng produces (22050); starts the engine. Throws SpeechError.
int sampleRate();

// Speaks `text` in `language` into `sink`, returning once it is all synthesised or the sink
// stopped it. Returns false when stopped. Throws SpeechError.
bool synthesize(const std::string& text, const std::string& language, const PcmSink& sink);

// The espeak-ng voice used for a kiosk language: "en" -> "en-us", "es" -> "es-419".
std::string voiceFor(const std::string& language);

// Words per minute: a little slower than espeak-ng's 175, for patients who are old, anxious or
// listening in a second language.
inline constexpr int kWordsPerMinute = 150;

} // namespace mrscreen::speech
