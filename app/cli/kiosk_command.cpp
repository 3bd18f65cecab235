// `mrscreen` with no subcommand: the touchscreen kiosk over the configured store and form.
#include "cli/commands.h"
#include "cli/config.h"
#include "cli/form_files.h"
#include "cli/kiosk_services.h"
#include "cli/procedure_link.h"

#include "speech/speaker.h"
#include "store/stations.h"
#include "ui/platform.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iomanip>
#include <iostream>

namespace mrscreen::cli {

int runKiosk(const StoreContext& ctx, const KioskRunOptions& o, std::ostream& out, std::ostream& err) {
    try {
        KioskConfig config = configFor(ctx);
        const FormFiles files = loadFormFiles(config.form);
        const auto store = openStore(config);
        std::ofstream stateLog;
        if (!o.stateLog.empty()) {
            stateLog.open(o.stateLog, std::ios::app);
            if (!stateLog) throw std::runtime_error("cannot write the state log " + o.stateLog);
        }
        const auto start = o.processStart;
        auto log = [&stateLog, start](const std::string& line) {
            if (!stateLog.is_open()) return;
            const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            stateLog << std::fixed << std::setprecision(3) << t << " " << line << std::endl;
        };
        ui::WindowOptions w;
        w.fullscreen = o.width == 0;
        w.width = o.width;
        w.height = o.height;
        w.processStart = o.processStart;
        w.targetsFile = o.targetsFile;
        w.shownText = [&files] { // the texts with their \u escapes decoded, while the atlas is built
            std::string text = nlohmann::json::parse(files.questionnaireText).dump();
            if (!files.rulesText.empty()) text += nlohmann::json::parse(files.rulesText).dump();
            return text;
        };
        w.title = std::string(o.station ? "mrscreen station: " : "mrscreen: ") + config.siteName;
        // Records leave for PACS from a thread of their own with its own store connection, so a
        // PACS that is down or slow never holds up a screen; a new record wakes it at once.
        std::unique_ptr<integration::OutboxWorker> outbox;
        if (config.pacs.configured())
            outbox = std::make_unique<integration::OutboxWorker>(
                [&config] { return openStore(config); }, outboxSettings(config), 60,
                [&err](const std::string& line) { err << "mrscreen: " << line << "\n"; });
        // A submission the store cannot take now (busy, server down) waits in the kiosk's spool and
        // is delivered, with its signed record, from the forwarder's thread when the store answers.
        // A station takes no submissions. Made after the outbox, so it stops first.
        std::unique_ptr<KioskSpool> spool;
        if (!o.station)
            spool = openKioskSpool(
                config, files,
                [&err](const std::string& line) {
                    std::string message = "mrscreen: ";
                    message += line;
                    if (message.back() != '\n') message += "\n";
                    err << message << std::flush; // one write: the forwarder's thread shares the stream
                },
                [worker = outbox.get()](std::int64_t) {
                    if (worker) worker->wake();
                });
        ui::KioskServices services = kioskServices(*store, config, files, log, err, spool.get());
        if (outbox) {
            auto wakeAfter = [worker = outbox.get()](auto produce) {
                return [worker, produce](auto&&... args) {
                    auto result = produce(std::forward<decltype(args)>(args)...);
                    worker->wake();
                    return result;
                };
            };
            services.submit = wakeAfter(services.submit);
            services.produceRecord = wakeAfter(services.produceRecord);
        }
        // Read aloud: espeak-ng on the Speaker's own thread, played through the default audio
        // output; without one (or without espeak-ng data) it says why once and the kiosk goes on.
        // The thread and the device are held only while read aloud is on.
        speech::Speaker speaker([&err](const std::string& line) {
            std::string message = "mrscreen: ";
            message += line;
            message += "\n";
            err << message << std::flush; // one write: the Speaker's thread shares the stream
        });
        services.speak = [&speaker, log](const std::string& text, const std::string& lang) {
            speaker.say(text, lang);
            std::string line = text.empty() ? "speech stop" : "speech language=";
            if (!text.empty()) line += lang;
            log(line);
        };
        services.releaseSpeech = [&speaker, log] {
            speaker.release();
            log("speech released");
        };
        // Staff stations list this one with when it was last seen: written at start and every
        // minute from a thread of its own with its own store connection, never the frame thread.
        const bool station = o.station;
        store::PresenceHeartbeat presence(
            [&config] { return openStore(config); },
            [&config, station, &spool] {
                store::StationPresence p;
                p.name = config.stationName.empty() ? store::hostName() : config.stationName;
                p.kind = station ? "station" : "kiosk";
                p.version = MRSCREEN_VERSION;
                // Submissions this kiosk holds for the store (the spool locks itself: any thread).
                p.spoolBacklog = spool && spool->spool ? spool->spool->backlog().count : 0;
                return p;
            },
            std::chrono::seconds(60),
            [&err](const std::string& line) {
                std::string message = "mrscreen: ";
                message += line;
                message += "\n";
                err << message << std::flush; // one write: other threads share the stream
            });
        ui::runKioskWindow(
            w,
            [&](ui::Fonts fonts) {
                ui::KioskOptions options = kioskOptions(config);
                options.station = o.station;
                return std::make_unique<ui::Kiosk>(files.form, files.rules ? &*files.rules : nullptr, services,
                                                   options, fonts);
            },
            log);
        log("exit");
        (void)out;
        return 0;
    } catch (const screening::InputError& e) {
        err << "mrscreen: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        err << "mrscreen: " << e.what() << "\n";
        return 2;
    }
}

} // namespace mrscreen::cli
