// [storage]: where the data lives. Without url, the SQLite database in the data directory (a single
// box, as always). With url, the department's PostgreSQL server: the url is checked when the file is
// loaded (no password in it, verify-full TLS to another host, the CA named), the password file and
// the CA file when a connection is made, so commands that never open the store (pin-signer as root)
// are not refused for files that belong to the kiosk's user.
#include "cli/config.h"
#include "cli/config_reader.h"

#include <sys/stat.h>
#include <unistd.h>
#include <pwd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>

namespace mrscreen::cli {

namespace {

const char* const kExampleUrl =
    "postgresql://mrscreen_app@db.example.org:5432/mrscreen?sslmode=verify-full&sslrootcert=/etc/mrscreen/db-ca.crt";

// [SECTION] the url, as libpq reads a connection URI

std::string percentDecoded(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) && std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += char(std::stoi(s.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

// postgresql://[user[:password]@][host[:port][,...]][/dbname][?key=value&...]
struct PostgresUrl {
    bool passwordInUserInfo = false;
    std::vector<std::string> hosts; // empty: libpq's default Unix socket
    std::map<std::string, std::string> params;
};

std::optional<PostgresUrl> parseUrl(const std::string& url) {
    std::string rest;
    for (const char* scheme : {"postgresql://", "postgres://"})
        if (url.rfind(scheme, 0) == 0) rest = url.substr(std::strlen(scheme));
    if (rest.empty() && url != "postgresql://" && url != "postgres://") return std::nullopt;
    PostgresUrl u;
    std::string query;
    if (const auto q = rest.find('?'); q != std::string::npos) {
        query = rest.substr(q + 1);
        rest.resize(q);
    }
    std::string authority = rest.substr(0, rest.find('/'));
    if (const auto at = authority.rfind('@'); at != std::string::npos) {
        u.passwordInUserInfo = authority.substr(0, at).find(':') != std::string::npos;
        authority = authority.substr(at + 1);
    }
    std::stringstream hosts(authority);
    for (std::string entry; std::getline(hosts, entry, ',');) {
        std::string host = entry.substr(0, entry.find(':'));
        if (!entry.empty() && entry.front() == '[') host = entry.substr(1, entry.find(']') - 1); // [::1]:5432
        u.hosts.push_back(percentDecoded(host));
    }
    std::stringstream params(query);
    for (std::string pair; std::getline(params, pair, '&');) {
        const auto eq = pair.find('=');
        u.params[percentDecoded(pair.substr(0, eq))] = eq == std::string::npos ? "" : percentDecoded(pair.substr(eq + 1));
    }
    if (u.params.count("host")) { // a host=... parameter is what libpq connects to
        u.hosts.clear();
        std::stringstream list(u.params["host"]);
        for (std::string host; std::getline(list, host, ',');) u.hosts.push_back(host);
    }
    return u;
}

// This machine: a Unix socket (a directory, or the default when no host is named) or loopback.
bool isLocal(const std::string& host) {
    return host.empty() || host.front() == '/' || host.front() == '@' || host == "localhost" || host == "127.0.0.1" ||
           host == "::1";
}

void checkUrl(Reader& r, const KioskConfig& c) {
    const auto url = parseUrl(c.storageUrl);
    if (!url) {
        r.problems.push_back("[storage] url must be a PostgreSQL connection URI starting with postgresql:// or "
                             "postgres://, such as \"" + std::string(kExampleUrl) +
                             "\"; leave url out for the SQLite database in data_dir");
        return;
    }
    if (url->passwordInUserInfo || url->params.count("password"))
        r.problems.push_back("[storage] url contains a password: take it out (anyone who can read the config or "
                             "`ps` would see it) and put it in a file of mode 0600 named by [storage] password_file, "
                             "or in the user's ~/.pgpass");
    const std::string sslmode = url->params.count("sslmode") ? url->params.at("sslmode") : "prefer";
    std::string remote;
    for (const auto& host : url->hosts)
        if (!isLocal(host)) remote = host;
    if (!remote.empty() && sslmode != "verify-full") {
        if (!c.allowInsecureTls)
            r.problems.push_back("[storage] url: the server " + remote + " is reached with sslmode=" + sslmode +
                                 ", which does not prove it is the department's server; add sslmode=verify-full and "
                                 "sslrootcert=FILE (the CA that signed the server's certificate) to the url");
    }
    if ((sslmode == "verify-full" || sslmode == "verify-ca") && !url->params.count("sslrootcert"))
        r.problems.push_back("[storage] url: sslmode=" + sslmode + " needs the CA to check the server against: add "
                             "sslrootcert=/etc/mrscreen/db-ca.crt (the file install.sh --role kiosk copies) to the url");
    if (url->params.count("sslrootcert") && url->params.at("sslrootcert").empty())
        r.problems.push_back("[storage] url: sslrootcert is empty; name the CA certificate file (PEM)");
}

// [SECTION] files checked at connecting

std::string userName(uid_t uid) {
    if (const passwd* pw = getpwuid(uid)) return pw->pw_name;
    return "uid " + std::to_string(uid);
}

std::string readPasswordFile(const std::string& path) {
    auto refuse = [&](const std::string& problem) -> std::string {
        throw screening::InputError(path, {problem + " ([storage] password_file)"});
    };
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0)
        refuse(std::string("cannot read the database password file: ") + std::strerror(errno) +
               "; copy it here (install.sh --role kiosk --password-file FILE does) or remove password_file to use "
               "~/.pgpass");
    if (!S_ISREG(st.st_mode)) refuse("the database password file is not a regular file");
    if (st.st_uid != ::geteuid())
        refuse("the database password file belongs to " + userName(st.st_uid) + ", not to " + userName(::geteuid()) +
               ", the user running mrscreen: chown " + userName(::geteuid()) + " " + path +
               " (or run mrscreen as its owner, such as: runuser -u " + userName(st.st_uid) + " -- mrscreen ...)");
    if (const auto bits = st.st_mode & 07777; bits != 0600 && bits != 0400) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", unsigned(st.st_mode & 07777));
        refuse(std::string("the database password file has mode ") + mode +
               ": it must be readable by its owner alone (0600 or 0400): chmod 600 " + path);
    }
    std::ifstream in(path, std::ios::binary);
    std::string password;
    if (!in || !std::getline(in, password)) password.clear();
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (password.empty())
        refuse("the database password file is empty: its first line must be the password of the url's user "
               "(install.sh --role server writes it)");
    return password;
}

void checkCaFile(const std::string& path) {
    auto refuse = [&](const std::string& problem) {
        throw screening::InputError(path, {problem + " ([storage] url, sslrootcert)"});
    };
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        refuse("the CA certificate to check the database server against is missing: copy the department's CA "
               "certificate here (install.sh --role kiosk --ca FILE does)");
    if (!std::filesystem::is_regular_file(path, ec))
        refuse("the CA certificate to check the database server against is not a file");
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in || ::access(path.c_str(), R_OK) != 0)
        refuse("cannot read the CA certificate: make it readable by " + userName(::geteuid()) + " (chmod 644)");
    if (text.str().find("-----BEGIN CERTIFICATE-----") == std::string::npos)
        refuse("is not a PEM certificate (-----BEGIN CERTIFICATE-----): copy the CA certificate that signed the "
               "database server's certificate");
}

} // namespace

void readStorageSection(Reader& r, const toml::table& root, KioskConfig& c) {
    const auto* storage =
        r.section(root, "storage", {"data_dir", "database", "url", "password_file", "allow_insecure_tls"});
    r.read(storage, "storage", "data_dir", c.dataDir);
    if (c.dataDir.empty()) r.problems.push_back("[storage] data_dir must name a folder, such as \"/var/lib/mrscreen\"");
    r.read(storage, "storage", "database", c.database);
    r.read(storage, "storage", "url", c.storageUrl);
    r.read(storage, "storage", "password_file", c.storagePasswordFile);
    r.read(storage, "storage", "allow_insecure_tls", c.allowInsecureTls);
    if (c.storageUrl.empty()) {
        // A key that would do nothing is a mistake worth reporting, as an unknown key is.
        if (!c.storagePasswordFile.empty())
            r.problems.push_back("[storage] password_file is for a PostgreSQL server: set url too, or remove it");
        if (c.allowInsecureTls)
            r.problems.push_back("[storage] allow_insecure_tls is for a PostgreSQL server: set url too, or remove it");
        return;
    }
    if (!c.database.empty())
        r.problems.push_back("[storage] database (a SQLite file) and url (a PostgreSQL server) are both set: keep one");
    checkUrl(r, c);
}

PostgresSettings postgresSettings(const KioskConfig& config, const std::string& station, std::ostream& warnings) {
    const auto url = parseUrl(config.storageUrl);
    if (!url) throw screening::InputError("[storage] url", {"is not a postgresql:// url"});
    PostgresSettings s;
    s.url = config.storageUrl;
    if (url->params.count("sslrootcert")) checkCaFile(url->params.at("sslrootcert"));
    if (!config.storagePasswordFile.empty()) s.password = readPasswordFile(config.storagePasswordFile);
    s.applicationName = "mrscreen kiosk " + station;
    const std::string sslmode = url->params.count("sslmode") ? url->params.at("sslmode") : "prefer";
    for (const auto& host : url->hosts)
        if (!isLocal(host) && sslmode != "verify-full") {
            warnings << "warning: [storage] allow_insecure_tls = true: the database server " << host
                     << " is not verified (sslmode=" << sslmode << "); anyone on the network path could read or "
                     << "change screenings. For a lab only: use sslmode=verify-full in a department.\n";
            break;
        }
    return s;
}

} // namespace mrscreen::cli
