// [SECTION] a RIFF/WAVE file: the header is written once the length is known.
#include "speech/wav_file.h"

#include "speech/voice.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

namespace mrscreen::speech {

namespace {

void put32(std::vector<char>& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(char((v >> (8 * i)) & 0xff));
}
void put16(std::vector<char>& out, std::uint16_t v) {
    out.push_back(char(v & 0xff));
    out.push_back(char(v >> 8));
}

std::vector<char> header(int rate, std::uint32_t dataBytes) {
    std::vector<char> h;
    auto tag = [&h](const char* s) { h.insert(h.end(), s, s + 4); };
    tag("RIFF");
    put32(h, 36 + dataBytes);
    tag("WAVE");
    tag("fmt ");
    put32(h, 16);
    put16(h, 1); // PCM
    put16(h, 1); // mono
    put32(h, std::uint32_t(rate));
    put32(h, std::uint32_t(rate) * 2);
    put16(h, 2);
    put16(h, 16);
    tag("data");
    put32(h, dataBytes);
    return h;
}

} // namespace

WavSummary writeWav(const std::string& path, const std::string& text, const std::string& language) {
    WavSummary summary;
    summary.sampleRate = sampleRate(); // espeak-ng's problems first: they matter more than the file
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) {
        std::string reason = "cannot write the WAV file " + path;
        reason += " (";
        reason += std::strerror(errno);
        reason += "); choose a folder that exists and that you may write to";
        throw SpeechError(reason);
    }
    std::vector<char> head = header(summary.sampleRate, 0);
    out.write(head.data(), std::streamsize(head.size()));
    synthesize(text, language, [&](std::span<const std::int16_t> pcm) {
        std::vector<char> bytes;
        bytes.reserve(pcm.size() * 2);
        for (std::int16_t s : pcm) put16(bytes, std::uint16_t(s));
        out.write(bytes.data(), std::streamsize(bytes.size()));
        summary.samples += static_cast<long long>(pcm.size());
        return bool(out);
    });
    head = header(summary.sampleRate, std::uint32_t(summary.samples * 2));
    out.seekp(0);
    out.write(head.data(), std::streamsize(head.size()));
    out.close();
    if (!out) throw SpeechError("could not finish writing the WAV file " + path + " (is the disk full?)");
    return summary;
}

} // namespace mrscreen::speech
