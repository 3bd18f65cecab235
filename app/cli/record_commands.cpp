#include "cli/commands.h"
#include "cli/config.h"
#include "cli/form_files.h"

#include "record/pdf_signature.h"

#include <filesystem>
#include <ostream>

namespace mrscreen::cli {

int runKeygen(const StoreContext& ctx, const std::string& commonName, int days, std::ostream& out, std::ostream& err) {
    try {
        KioskConfig config = loadConfig(ctx.configPath);
        if (!ctx.dataDir.empty()) config.dataDir = ctx.dataDir;
        if (days < 1 || days > 36500) {
            err << "mrscreen keygen: --days must be 1-36500\n";
            return 2;
        }
        const std::string cn = commonName.empty() ? config.siteName : commonName;
        for (const auto& path : {config.signingKeyPath(), config.signingCertPath()})
            std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        record::writeSelfSignedIdentity(config.signingKeyPath(), config.signingCertPath(), cn, days);
        out << "Wrote the site signing key " << config.signingKeyPath() << " (mode 0600) and the self-signed "
            << "certificate " << config.signingCertPath() << " for \"" << cn << "\", valid " << days << " days.\n"
            << "Back up both; records signed with them verify only against this certificate.\n";
        return 0;
    } catch (const std::exception& e) {
        err << "mrscreen keygen: " << e.what() << "\n";
        return 2;
    }
}

int runVerify(const StoreContext& ctx, const std::string& file, std::ostream& out, std::ostream& err) {
    try {
        KioskConfig config = loadConfig(ctx.configPath);
        const auto result = record::verifyPdf(readFile(file), config.trustedCa);
        if (!result.ok) {
            out << file << ": NOT VALID: " << result.reason << "\n";
            return 1;
        }
        out << file << ": signature valid, whole document signed\n"
            << "  signed by " << result.signerSubject << " at " << result.signedAt << "\n"
            << (config.trustedCa.empty() ? "  (no trusted CA configured: the signer's identity was not checked "
                                           "against a CA)\n"
                                         : "  certificate trusted by " + config.trustedCa + "\n");
        return 0;
    } catch (const std::exception& e) {
        err << "mrscreen verify: " << e.what() << "\n";
        return 2;
    }
}

} // namespace mrscreen::cli
