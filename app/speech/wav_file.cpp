// [SECTION] a RIFF/WAVE file: the header is written once the length is known.
#include "speech/wav_file.h"

#include "speech/voice.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

namespace mrscreen::speech {

namespace {

void put16(std::vector<char>& out, std::uint16_t v) {
    out.push_back(char(v & 0xff));
    out.push_back(char(v >> 8));
}

// The 44-byte header of a 16-bit mono PCM file of `dataBytes`.
std::array<char, 44> header(int rate, std::uint32_t dataBytes) {
    std::array<char, 44> h{};
    std::size_t at = 0;
    auto tag = [&](const char (&s)[5]) {
        for (int i = 0; i < 4; ++i) h[at++] = s[i];
    };
    auto u32 = [&](std::uint32_t v) {
        for (int i = 0; i < 4; ++i) h[at++] = char((v >> (8 * i)) & 0xff);
    };
    auto u16 = [&](std::uint16_t v) {
        h[at++] = char(v & 0xff);
        h[at++] = char(v >> 8);
    };
    tag("RIFF");
    u32(36 + dataBytes);
    tag("WAVE");
    tag("fmt ");
    u32(16);
    u16(1); // PCM
    u16(1); // mono
    u32(std::uint32_t(rate));
    u32(std::uint32_t(rate) * 2); // bytes per second
    u16(2);                        // bytes per frame
    u16(16);                       // bits per sample
    tag("data");
    u32(dataBytes);
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
    auto head = header(summary.sampleRate, 0);
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
