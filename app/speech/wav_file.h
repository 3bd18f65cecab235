// What the kiosk would say, written to a WAV file (16-bit mono PCM at espeak-ng's rate), so tests
// and sites can hear and check it without a loudspeaker.
#pragma once

#include <string>

namespace mrscreen::speech {

struct WavSummary {
    int sampleRate = 0;
    long long samples = 0;
    double seconds() const { return sampleRate ? double(samples) / sampleRate : 0; }
};

// Throws SpeechError when espeak-ng cannot speak, or when `path` cannot be written (the message
// names the file).
WavSummary writeWav(const std::string& path, const std::string& text, const std::string& language);

} // namespace mrscreen::speech
