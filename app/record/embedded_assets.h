// The files of assets/ (body-map figure, UI strings, keyboard layouts), compiled into the program
// by CMake so the kiosk never depends on finding them at run time.
#pragma once

#include <string_view>

namespace mrscreen::record {

// The content of assets/<name>; throws std::runtime_error when there is no such asset.
std::string_view embeddedAsset(std::string_view name);

} // namespace mrscreen::record
