// `mrscreen spool list|send` as an administrator uses them on a kiosk whose spool holds
// submissions the database did not take: listed with their attempts and error, then delivered
// once, each with the record Submit would have made.
#include "test_support.h"

#include "cli/commands.h"
#include "cli/config.h"
#include "cli/kiosk_services.h"
#include "cli/submission.h"
#include "store/spool.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace mrscreen;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

// A data directory and a config file naming the form by its full path (tests run from anywhere).
cli::StoreContext freshKiosk(const std::string& name) {
    const auto dir = std::filesystem::path(MRSCREEN_TEST_OUTPUT) / "spool-cli" / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    cli::StoreContext ctx;
    ctx.dataDir = (dir / "data").string();
    ctx.configPath = (dir / "mrscreen.toml").string();
    std::ofstream(ctx.configPath) << "[form]\npath = \"" << test::sourcePath("forms/mri-safety") << "\"\n";
    return ctx;
}

// The example response as the kiosk would have spooled it.
void spoolExample(const cli::StoreContext& ctx, const std::string& example) {
    const cli::KioskConfig config = cli::configFor(ctx);
    const cli::FormFiles files = cli::loadFormFiles(config.form);
    const auto response =
        screening::readResponse(test::slurp(test::sourcePath("forms/examples/" + example + ".json")), example);
    const auto prepared = cli::prepareSubmission(config, files, response, "kiosk", "2026-11-25", store::newSubmissionKey());
    REQUIRE(prepared.assessment.valid());
    store::Spool spool(cli::spoolPath(config));
    spool.add(prepared.screening, {"kiosk", screening::Role::Patient}, "the database server did not answer");
}

test::Run spoolCommand(const cli::StoreContext& ctx, const std::string& action, bool asJson = false) {
    cli::SpoolOptions o;
    o.action = action;
    o.json = asJson;
    return test::capture([&](std::ostream& out, std::ostream& err) { return cli::runSpool(ctx, o, out, err); });
}

} // namespace

TEST_CASE("spool list on a kiosk that never spooled says the spool is empty") {
    const auto ctx = freshKiosk("never");
    const auto run = spoolCommand(ctx, "list");
    CHECK(run.code == 0);
    CHECK_THAT(run.out, Contains("empty"));
}

TEST_CASE("spool list shows each waiting submission with its attempts and last error, without the patient's name") {
    const auto ctx = freshKiosk("list");
    spoolExample(ctx, "no-risk");
    spoolExample(ctx, "pacemaker");
    const auto run = spoolCommand(ctx, "list");
    CHECK(run.code == 0);
    CHECK_THAT(run.out, Contains("LAST ERROR"));
    CHECK_THAT(run.out, Contains("the database server did not answer"));
    const auto listed = json::parse(spoolCommand(ctx, "list", true).out);
    REQUIRE(listed.size() == 2);
    CHECK(listed[0]["attempts"] == 0);
    CHECK(listed[0]["submissionKey"].get<std::string>().size() == 36);
}

TEST_CASE("spool send delivers every waiting submission once and empties the spool") {
    const auto ctx = freshKiosk("send");
    spoolExample(ctx, "no-risk");
    spoolExample(ctx, "pacemaker");
    const auto run = spoolCommand(ctx, "send");
    INFO(run.err);
    CHECK(run.code == 0);
    CHECK_THAT(run.out, Contains("2 submission(s) delivered, 0 still waiting"));
    const auto store = cli::openStore(cli::configFor(ctx));
    CHECK(store->countScreenings() == 2);
    CHECK(store->queue().size() == 2);
    // Sent again: nothing left, nothing doubled.
    CHECK(spoolCommand(ctx, "send").code == 0);
    CHECK(store->countScreenings() == 2);
    CHECK_THAT(spoolCommand(ctx, "list").out, Contains("empty"));
}

TEST_CASE("spool list on a damaged spool says so and what to do") {
    const auto ctx = freshKiosk("damaged");
    std::filesystem::create_directories(cli::configFor(ctx).dataDir);
    std::ofstream(cli::spoolPath(cli::configFor(ctx))) << std::string(8192, 'x');
    const auto run = spoolCommand(ctx, "list");
    CHECK(run.code != 0);
    CHECK_THAT(run.err, Contains("damaged"));
    CHECK_THAT(run.err, Contains("move it aside"));
}
