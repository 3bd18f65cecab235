// What the kiosk window needs from the rest of the program, made from the config: its options and
// the services (submit through the same path as `mrscreen import`, staff sign-in, clock, log).
// Kept apart from the window so headless UI tests drive the kiosk over the real store.
#pragma once

#include "cli/config.h"
#include "cli/form_files.h"
#include "ui/kiosk.h"

#include <functional>
#include <iosfwd>
#include <string>

namespace mrscreen::cli {

ui::KioskOptions kioskOptions(const KioskConfig& config);
// `store`, `config`, `files` and `err` must outlive the services.
ui::KioskServices kioskServices(store::Store& store, const KioskConfig& config, const FormFiles& files,
                                std::function<void(const std::string&)> log, std::ostream& err);

} // namespace mrscreen::cli
