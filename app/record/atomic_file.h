// Writing a record so that a crash or power cut leaves either the old state or the whole new file:
// temporary file in the same directory, fsync, rename, then fsync of the directory. Never
// overwrites: a record file, once written, stays as it is.
#pragma once

#include <string>

namespace mrscreen::record {

// Throws std::runtime_error naming the path and the system error (disk full, permissions, exists).
void writeFileAtomically(const std::string& path, const std::string& bytes);

} // namespace mrscreen::record
