// What the libFuzzer harnesses share: the shipped form, loaded once, and the input as text.
// A harness lets through only the exceptions its entry point documents for bad input
// (InputError, SignatureError); anything else escaping is a crash libFuzzer reports.
#pragma once

#include "cli/form_files.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace mrscreen::fuzz {

// forms/mri-safety: the questionnaire and rules patients are screened with.
inline const cli::FormFiles& shippedForm() {
    static const cli::FormFiles files = cli::loadFormFiles(MRSCREEN_SOURCE_DIR "/forms/mri-safety");
    return files;
}

inline std::string textOf(const std::uint8_t* data, std::size_t size) {
    return std::string(reinterpret_cast<const char*>(data), size);
}

} // namespace mrscreen::fuzz
