// Whom `mrscreen verify` trusts, as an operator and an attacker meet it: keygen pins the site
// certificate in the config, a record signed by another self-signed key of the same name is an
// UNTRUSTED SIGNER with its own exit code, and the fingerprints printed are openssl's. Also the
// site settings around it, and error messages that must not carry a patient's name or answers.
#include "test_support.h"
#include "cli/cli_fixture.h"

#include "cli/commands.h"
#include "cli/config.h"
#include "ui/kiosk.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

using namespace mrscreen;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

fs::path freshDir(const std::string& name) { return test::freshOutputDir("verify-trust", name); }

std::string write(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
}

test::Run binary(const std::string& args) { return test::runMrscreen(args); }

const char* kSiteConfig = "# Our kiosk\n"
                          "[site]\n"
                          "name = \"St. Example MRI\"   # printed on records\n"
                          "\n"
                          "[kiosk]\n"
                          "idle_warning_seconds = 90\n";

// A data directory with a key (pinned in `config` when given) and one imported, signed record.
std::string signedRecordIn(const fs::path& dataDir, const std::string& config = "") {
    cli::StoreContext ctx{config, dataDir.string()};
    REQUIRE(test::capture([&](std::ostream& o, std::ostream& e) { return cli::runKeygen(ctx, "St. Example MRI", 30, o, e); })
                .code == 0);
    cli::ImportOptions im;
    im.form = test::sourcePath("forms/mri-safety");
    im.response = test::sourcePath("forms/examples/no-risk.json");
    im.json = true;
    const auto r = test::capture([&](std::ostream& o, std::ostream& e) { return cli::runImport(ctx, im, o, e); });
    INFO(r.err);
    REQUIRE(r.code == 0);
    return nlohmann::json::parse(r.out)["record"].get<std::string>();
}

} // namespace

TEST_CASE("keygen pins its certificate's fingerprint in the config file and keeps every other line") {
    const fs::path dir = freshDir("keygen-pins");
    const std::string config = write(dir / "site.toml", kSiteConfig);
    ::chmod(config.c_str(), 0640);
    cli::StoreContext ctx{config, (dir / "data").string()};
    const auto r = test::capture([&](std::ostream& o, std::ostream& e) { return cli::runKeygen(ctx, "", 30, o, e); });
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    const std::string fingerprint = test::fingerprintOf((dir / "data" / "keys" / "site-cert.pem").string());
    CHECK_THAT(r.out, Contains("Certificate SHA-256 fingerprint: " + fingerprint));
    CHECK_THAT(r.out, Contains("Pinned it in " + config));
    const std::string text = test::slurp(config);
    CHECK_THAT(text, Contains("signer_sha256 = \"" + fingerprint + "\""));
    // Every line that was there is still there, in order, and the pin sits in [site].
    CHECK(text.find("# Our kiosk\n[site]\nname = \"St. Example MRI\"   # printed on records\n") == 0);
    CHECK(text.find("signer_sha256") < text.find("[kiosk]"));
    CHECK_THAT(text, Contains("[kiosk]\nidle_warning_seconds = 90\n"));
    struct stat st {};
    REQUIRE(::stat(config.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0640);
    CHECK(cli::loadConfig(config).signerSha256 == std::vector<std::string>{fingerprint});

    // A second key (a new data directory, the same config) keeps the first pin: its records stay trusted.
    ctx.dataDir = (dir / "data2").string();
    REQUIRE(test::capture([&](std::ostream& o, std::ostream& e) { return cli::runKeygen(ctx, "", 30, o, e); }).code == 0);
    const std::string second = test::fingerprintOf((dir / "data2" / "keys" / "site-cert.pem").string());
    CHECK(cli::loadConfig(config).signerSha256 == std::vector<std::string>{fingerprint, second});
}

TEST_CASE("keygen adds a [site] section to a config file without one") {
    const fs::path dir = freshDir("keygen-no-site");
    const std::string config = write(dir / "site.toml", "[kiosk]\nstaff_idle_seconds = 60\n");
    cli::StoreContext ctx{config, (dir / "data").string()};
    REQUIRE(test::capture([&](std::ostream& o, std::ostream& e) { return cli::runKeygen(ctx, "", 30, o, e); }).code == 0);
    const auto loaded = cli::loadConfig(config);
    CHECK(loaded.staffIdleSeconds == 60);
    CHECK(loaded.signerSha256 ==
          std::vector<std::string>{test::fingerprintOf((dir / "data" / "keys" / "site-cert.pem").string())});
}

TEST_CASE("keygen without a config file prints the exact line that pins the key and how to use it") {
    const fs::path dir = freshDir("keygen-no-config");
    cli::StoreContext ctx{"", (dir / "data").string()};
    const auto r = test::capture([&](std::ostream& o, std::ostream& e) { return cli::runKeygen(ctx, "", 30, o, e); });
    REQUIRE(r.code == 0);
    const std::string fingerprint = test::fingerprintOf((dir / "data" / "keys" / "site-cert.pem").string());
    CHECK_THAT(r.out, Contains("Not pinned"));
    CHECK_THAT(r.out, Contains("    signer_sha256 = \"" + fingerprint + "\"\n"));
    CHECK_THAT(r.out, Contains("[site] section"));
    CHECK_THAT(r.out, Contains("--signer-sha256 " + fingerprint));
}

TEST_CASE("pin-signer pins the site certificate that keygen made as another user, once; without a config it "
          "says what to give") {
    const fs::path dir = freshDir("pin-signer");
    const std::string record = signedRecordIn(dir / "data"); // keygen without a config: not pinned
    const std::string config = write(dir / "site.toml", kSiteConfig);
    const std::string data = (dir / "data").string();
    CHECK(binary("--config " + config + " --data-dir " + data + " verify " + record).code == 3);

    const auto pinned = binary("--config " + config + " --data-dir " + data + " pin-signer");
    INFO(pinned.out << pinned.err);
    CHECK(pinned.code == 0);
    const std::string fingerprint = test::fingerprintOf(data + "/keys/site-cert.pem");
    CHECK_THAT(pinned.out, Contains("Pinned "));
    CHECK_THAT(test::slurp(config), Contains("signer_sha256 = \"" + fingerprint + "\""));
    CHECK_THAT(test::slurp(config), Contains("# printed on records")); // the rest kept
    CHECK(binary("--config " + config + " --data-dir " + data + " verify " + record).code == 0);

    const std::string before = test::slurp(config);
    const auto again = binary("--config " + config + " --data-dir " + data + " pin-signer");
    CHECK(again.code == 0);
    CHECK_THAT(again.out, Contains("Already pinned"));
    CHECK(test::slurp(config) == before);

    const auto noConfig = binary("--data-dir " + data + " pin-signer");
    CHECK(noConfig.code == 2);
    CHECK_THAT(noConfig.err, Contains("--config FILE"));
    const auto noCertificate = binary("--config " + config + " pin-signer --cert " + (dir / "none.pem").string());
    CHECK(noCertificate.code == 2);
    CHECK_THAT(noCertificate.err, Contains("none.pem"));
}

TEST_CASE("verify reports a record signed by another self-signed key with the same name as UNTRUSTED SIGNER, "
          "exit 3; the pinned key's record passes") {
    const fs::path dir = freshDir("impostor");
    const std::string config = write(dir / "site.toml", kSiteConfig);
    const std::string ours = signedRecordIn(dir / "site-data", config);
    const std::string theirs = signedRecordIn(dir / "impostor-data"); // same CN, its own key, no pin
    // Away from the store, as a receiving hospital checks a record: only the config.
    const std::string away = "--config '" + config + "' --data-dir '" + (dir / "nowhere").string() + "' verify ";

    auto r = binary(away + "'" + ours + "'");
    INFO(r.out);
    CHECK(r.code == 0);
    const std::string ourPin = test::fingerprintOf((dir / "site-data" / "keys" / "site-cert.pem").string());
    CHECK_THAT(r.out, Contains("signer certificate SHA-256 " + ourPin));
    CHECK_THAT(r.out, Contains("trusted: its fingerprint is pinned"));

    r = binary(away + "'" + theirs + "'");
    INFO(r.out);
    CHECK(r.code == cli::kExitUntrustedSigner);
    CHECK(r.code == 3);
    CHECK_THAT(r.out, Contains("UNTRUSTED SIGNER"));
    CHECK_THAT(r.out, Contains("CN=St. Example MRI"));
    const std::string theirPin = test::fingerprintOf((dir / "impostor-data" / "keys" / "site-cert.pem").string());
    CHECK_THAT(r.out, Contains("signer certificate SHA-256 " + theirPin));
    CHECK(theirPin != ourPin);

    // Someone who holds only the fingerprint: --signer-sha256 alone decides, in any spelling.
    std::string bare;
    for (char c : ourPin)
        if (c != ':') bare += char(std::tolower(static_cast<unsigned char>(c)));
    const std::string noConfig = "--data-dir '" + (dir / "nowhere").string() + "' verify ";
    CHECK(binary(noConfig + "--signer-sha256 " + bare + " '" + ours + "'").code == 0);
    CHECK(binary(noConfig + "--signer-sha256 " + ourPin + " '" + theirs + "'").code == 3);
    // No anchor at all: untrusted, whoever signed.
    r = binary(noConfig + "'" + ours + "'");
    CHECK(r.code == 3);
    CHECK_THAT(r.out, Contains("no trust anchor is configured"));

    // Distinct from a broken signature (1) and from a usage error (2).
    std::string bytes = test::slurp(ours);
    bytes[bytes.size() / 3] = char(bytes[bytes.size() / 3] ^ 0x20);
    const std::string altered = write(dir / "altered.pdf", bytes);
    CHECK(binary(away + "'" + altered + "'").code == 1);
    r = binary(noConfig + "--signer-sha256 12:34 '" + ours + "'");
    CHECK(r.code == 2);
    CHECK_THAT(r.out, Contains("is not a SHA-256 fingerprint"));
    CHECK(binary("verify").code == 2);
}

TEST_CASE("on the kiosk, the site certificate in the data directory is no trust anchor by itself") {
    const fs::path dir = freshDir("data-dir-cert");
    const fs::path data = dir / "data";
    const std::string record = signedRecordIn(data);
    cli::StoreContext ctx{"", data.string()};
    const auto r = test::capture([&](std::ostream& o, std::ostream& e) { return cli::runVerify(ctx, record, o, e); });
    CHECK(r.code == cli::kExitUntrustedSigner);
    CHECK_THAT(r.out, Contains("is no anchor by itself"));
}

TEST_CASE("a pinned fingerprint that is not one is refused in the config, naming the key") {
    const fs::path dir = freshDir("bad-pin");
    const std::string one = write(dir / "one.toml", "[site]\nsigner_sha256 = \"AB:CD\"\n");
    CHECK_THAT(test::inputErrorOf([&] { cli::loadConfig(one); }), Contains("[site] signer_sha256: 'AB:CD'"));
    const std::string list = write(dir / "list.toml", "[site]\nsigner_sha256 = [\"" + std::string(64, 'a') + "\", 7]\n");
    CHECK_THAT(test::inputErrorOf([&] { cli::loadConfig(list); }), Contains("is not a SHA-256 fingerprint"));
    const std::string good = write(dir / "good.toml", "[site]\nsigner_sha256 = \"" + std::string(64, 'b') + "\"\n");
    CHECK(cli::loadConfig(good).signerSha256.at(0).substr(0, 6) == "BB:BB:");
}

TEST_CASE("staff are signed out after 120 s by default, a site setting the example config shows") {
    CHECK(cli::loadConfig("").staffIdleSeconds == 120);
    CHECK(ui::KioskOptions{}.staffIdleSeconds == 120);
    CHECK(cli::loadConfig(test::sourcePath("kiosk-setup/mrscreen.example.toml")).staffIdleSeconds == 120);
}

TEST_CASE("import and evaluate name the line and column of a JSON error, never the patient's name there") {
    const fs::path dir = freshDir("private-errors");
    // The syntax error sits right after the patient's name: nlohmann's message would quote it.
    const std::string broken = write(dir / "broken.json",
                                     "{\"resourceType\": \"QuestionnaireResponse\", \"status\": \"completed\",\n"
                                     " \"item\": [{\"linkId\": \"family-name\", \"answer\": [{\"valueString\": "
                                     "\"Zyxwvutsson\"x}]}]}");
    cli::StoreContext ctx{"", (dir / "data").string()};
    cli::ImportOptions im;
    im.form = test::sourcePath("forms/mri-safety");
    im.response = broken;
    auto r = test::capture([&](std::ostream& o, std::ostream& e) { return cli::runImport(ctx, im, o, e); });
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("is not valid JSON"));
    CHECK_THAT(r.err, Contains("line 2, column"));
    CHECK(r.err.find("Zyxwvut") == std::string::npos);
    cli::EvaluateOptions ev;
    ev.form = im.form;
    ev.response = broken;
    r = test::capture([&](std::ostream& o, std::ostream& e) { return cli::runEvaluate(ev, o, e); });
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("line 2, column"));
    CHECK((r.out + r.err).find("Zyxwvut") == std::string::npos);
}

TEST_CASE("an answer of the wrong type is named by its linkId and type, never its value") {
    const fs::path dir = freshDir("private-values");
    auto response = nlohmann::json::parse(test::slurp(test::sourcePath("forms/examples/no-risk.json")));
    // A name typed where a number belongs, and one where a date belongs.
    std::function<void(nlohmann::json&)> plant = [&](nlohmann::json& items) {
        for (auto& item : items) {
            if (item.contains("answer") && item["answer"].is_array() && !item["answer"].empty()) {
                auto& a = item["answer"][0];
                if (a.contains("valueDecimal") || a.contains("valueInteger")) a = {{"valueInteger", "Zyxwvutsson"}};
                if (a.contains("valueDate")) a = {{"valueDate", "Zyxwvutsson"}};
            }
            if (item.contains("item")) plant(item["item"]);
            if (item.contains("answer"))
                for (auto& a : item["answer"])
                    if (a.contains("item")) plant(a["item"]);
        }
    };
    plant(response["item"]);
    const std::string file = write(dir / "typed.json", response.dump());
    cli::StoreContext ctx{"", (dir / "data").string()};
    cli::ImportOptions im;
    im.form = test::sourcePath("forms/mri-safety");
    im.response = file;
    const auto r = test::capture([&](std::ostream& o, std::ostream& e) { return cli::runImport(ctx, im, o, e); });
    INFO(r.err);
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Contains("invalid-"));
    CHECK(r.err.find("Zyxwvut") == std::string::npos);
}
