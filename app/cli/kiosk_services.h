// What the kiosk window needs from the rest of the program, made from the config: its options and
// the services (submit through the same path as `mrscreen import`, staff sign-in, clock, log).
// Kept apart from the window so headless UI tests drive the kiosk over the real store.
#pragma once

#include "cli/config.h"
#include "cli/form_files.h"
#include "store/spool.h"
#include "store/spool_forwarder.h"
#include "ui/kiosk.h"

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

namespace mrscreen::cli {

// The kiosk's spool (<dataDir>/spool.db) and its forwarder. A spool that cannot be opened leaves
// `spool` empty with the reason in `problem`: the kiosk still runs, and a submission the store
// cannot take is then refused with that reason (the patient is asked to get staff).
struct KioskSpool {
    std::shared_ptr<store::Spool> spool;
    std::unique_ptr<store::SpoolForwarder> forwarder;
    std::string problem;
};

std::string spoolPath(const KioskConfig& config);

// Opens the spool and starts its forwarder over a store connection of its own (openStore). Each
// delivered submission gets its signed record, as at Submit; then `delivered(id)` (the kiosk
// wakes its PACS outbox). `log` and `delivered` are called from the forwarder's thread.
// `config` and `files` must outlive it.
std::unique_ptr<KioskSpool> openKioskSpool(const KioskConfig& config, const FormFiles& files,
                                           std::function<void(const std::string&)> log,
                                           std::function<void(std::int64_t id)> delivered = {},
                                           store::ForwarderTiming timing = {});

ui::KioskOptions kioskOptions(const KioskConfig& config);
// `store`, `config`, `files`, `err` and `spool` must outlive the services. With a spool, a
// submission the store cannot take now (busy, unreachable) is kept there and the patient thanked.
ui::KioskServices kioskServices(store::Store& store, const KioskConfig& config, const FormFiles& files,
                                std::function<void(const std::string&)> log, std::ostream& err,
                                KioskSpool* spool = nullptr);

} // namespace mrscreen::cli
