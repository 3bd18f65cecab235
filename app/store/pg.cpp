#include "store/pg.h"

#include <libpq-fe.h>

#include <charconv>
#include <regex>
#include <utility>

namespace mrscreen::store::pg {

namespace {

void ignoreNotice(void*, const char*) {} // "relation already exists, skipping" and the like

// libpq's messages span lines ("...failed: No such file\n\tIs the server running..."): one line.
std::string trimmed(std::string s) {
    std::string out;
    for (const char c : s) {
        if (c == '\n' || c == '\t') {
            if (!out.empty() && out.back() != ' ')
                out += ' ';
        } else {
            out += c;
        }
    }
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    return out;
}

} // namespace

Param::Param(double v) {
    char buffer[64];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr; // shortest exact text
    text = std::string(buffer, end);
}

void Result::Clear::operator()(pg_result* r) const {
    PQclear(r);
}

int Result::rows() const {
    return PQntuples(result_.get());
}

std::string Result::text(int row, int column) const {
    return std::string(PQgetvalue(result_.get(), row, column),
                       size_t(PQgetlength(result_.get(), row, column)));
}

std::string Result::bytes(int row, int column) const {
    size_t length = 0;
    const auto raw = reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), row, column));
    unsigned char* decoded = PQunescapeBytea(raw, &length);
    if (!decoded)
        throw StoreError("out of memory reading a record's bytes from the PostgreSQL server",
                         StoreErrorKind::Full);
    std::string out(reinterpret_cast<const char*>(decoded), length);
    PQfreemem(decoded);
    return out;
}

std::optional<std::string> Result::optionalText(int row, int column) const {
    if (isNull(row, column))
        return std::nullopt;
    return text(row, column);
}

std::int64_t Result::integer(int row, int column) const {
    const std::string t = text(row, column);
    if (t == "t")
        return 1; // a boolean column
    if (t == "f" || t.empty())
        return 0;
    return std::stoll(t);
}

double Result::real(int row, int column) const {
    const std::string t = text(row, column);
    return t.empty() ? 0.0 : std::stod(t);
}

bool Result::isNull(int row, int column) const {
    return PQgetisnull(result_.get(), row, column) != 0;
}

int Result::changes() const {
    const char* n = PQcmdTuples(result_.get());
    return n && *n ? std::atoi(n) : 0;
}

StoreErrorKind errorKindOf(const std::string& s) {
    if (s.rfind("08", 0) == 0 || s == "57P01" || s == "57P02" || s == "57P03")
        return StoreErrorKind::Unreachable;
    if (s == "40001" || s == "40P01" || s == "55P03")
        return StoreErrorKind::Busy;
    if (s.rfind("53", 0) == 0)
        return StoreErrorKind::Full;
    if (s == "23505")
        return StoreErrorKind::Conflict;
    if (s == "XX001" || s == "XX002")
        return StoreErrorKind::Corrupt;
    return StoreErrorKind::Other;
}

std::string redactedUrl(const std::string& url) {
    // postgresql://user:secret@host/db -> postgresql://user:***@host/db; password=x -> password=***
    static const std::regex inUrl(R"(^(postgres(?:ql)?://[^:/@]*):[^@]*@)");
    static const std::regex inKeywords(R"(password\s*=\s*('[^']*'|\S+))");
    std::string out = std::regex_replace(url, inUrl, "$1:***@");
    return std::regex_replace(out, inKeywords, "password=***");
}

Connection::Connection(const PostgresConnection& where) : describe_(redactedUrl(where.url)) {
    std::vector<const char*> keys, values;
    // A server that vanished from the network (a cable, a switch, a powered-off host) answers
    // nothing: without these a statement would wait for the kernel's TCP timeout (about 15
    // minutes) while a patient waits at Submit. Connecting gives up after 10 s; data the server
    // has not acknowledged after 15 s, or an idle connection whose keepalives go unanswered for
    // about 25 s, ends the connection, so the kiosk spools and the station says it cannot reach
    // the server. A slow statement on a live server is not affected (its packets are acknowledged).
    // Before the url, so a site's url can set them otherwise.
    for (const auto& [key, value] :
         {std::pair{"connect_timeout", "10"}, std::pair{"tcp_user_timeout", "15000"},
          std::pair{"keepalives", "1"}, std::pair{"keepalives_idle", "10"},
          std::pair{"keepalives_interval", "5"}, std::pair{"keepalives_count", "3"}}) {
        keys.push_back(key);
        values.push_back(value);
    }
    keys.push_back("dbname");
    values.push_back(where.url.c_str());
    if (!where.password.empty()) {
        keys.push_back("password");
        values.push_back(where.password.c_str());
    }
    if (!where.applicationName.empty()) {
        keys.push_back("application_name");
        values.push_back(where.applicationName.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    conn_ = PQconnectdbParams(keys.data(), values.data(), 1);
    if (!conn_)
        throw StoreError("cannot reach the PostgreSQL server at " + describe_ + ": out of memory",
                         StoreErrorKind::Unreachable);
    if (PQstatus(conn_) != CONNECTION_OK) {
        const std::string why = trimmed(PQerrorMessage(conn_));
        PQfinish(conn_);
        conn_ = nullptr;
        std::string message =
            "cannot reach the PostgreSQL server at " + describe_ + " (" + why + "). ";
        message +=
            "Check that the server is running and reachable from this station, that [storage] url "
            "in "
            "the configuration names it, and that the password file or ~/.pgpass holds this role's "
            "password; until then this station cannot read or save screenings";
        throw StoreError(message, StoreErrorKind::Unreachable);
    }
    PQsetNoticeProcessor(conn_, ignoreNotice, nullptr);
}

Connection::~Connection() {
    if (conn_)
        PQfinish(conn_);
}

std::string Connection::user() const {
    return PQuser(conn_);
}

Result Connection::exec(const std::string& sql, std::initializer_list<Param> params) {
    return exec(sql, std::vector<Param>(params));
}

void Connection::reconnectIfLost() {
    if (PQstatus(conn_) != CONNECTION_BAD || inTransaction_)
        return;
    if (std::chrono::steady_clock::now() - lastReconnect_ < std::chrono::seconds(2))
        return;
    PQreset(conn_); // when the server is still down, the statement fails as unreachable
    lastReconnect_ = std::chrono::steady_clock::now();
}

Result Connection::exec(const std::string& sql, const std::vector<Param>& params) {
    reconnectIfLost();
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
    for (const auto& p : params) {
        values.push_back(p.text ? p.text->c_str() : nullptr);
        lengths.push_back(p.text ? int(p.text->size()) : 0);
        formats.push_back(p.binary ? 1 : 0);
    }
    return check(PQexecParams(conn_, sql.c_str(), int(values.size()), nullptr, values.data(),
                              lengths.data(), formats.data(), 0),
                 sql);
}

void Connection::script(const std::string& sql) {
    reconnectIfLost();
    check(PQexec(conn_, sql.c_str()), sql);
}

Result Connection::check(pg_result* raw, const std::string& sql) {
    Result result(raw);
    const auto status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
        return result;
    const char* state = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
    StoreErrorKind kind = errorKindOf(state ? state : "");
    // A connection the server closed (an immediate stop, a crash) fails its next statement with
    // libpq's own error, no SQLSTATE, before libpq marks it bad: reading from it once more tells.
    if (!state && PQstatus(conn_) != CONNECTION_BAD)
        PQconsumeInput(conn_);
    if (PQstatus(conn_) == CONNECTION_BAD)
        kind = StoreErrorKind::Unreachable; // the server went away
    std::string message = trimmed(raw ? PQresultErrorMessage(raw) : PQerrorMessage(conn_));
    if (message.empty())
        message = trimmed(PQerrorMessage(conn_));
    std::string text = "the PostgreSQL server at " + describe_ + " refused \"" + sql.substr(0, 80) +
                       (sql.size() > 80 ? "…" : "") + "\": " + message;
    if (kind == StoreErrorKind::Unreachable)
        text +=
            " (the connection to the server was lost: check that it is running, then try again)";
    else if (kind == StoreErrorKind::Full)
        text += " (the server is out of disk space or memory: nothing was written; call IT)";
    else if (kind == StoreErrorKind::Busy)
        text += " (another station held the same rows; try again)";
    else if (kind == StoreErrorKind::Corrupt)
        text += " (the server found damaged data: stop the stations and restore the server's "
                "latest backup)";
    throw StoreError(text, kind);
}

Transaction::Transaction(Connection& db) : db_(db) {
    db_.exec("BEGIN");
    db_.inTransaction_ = true;
}

Transaction::~Transaction() {
    if (done_)
        return;
    try {
        db_.exec("ROLLBACK");
    } catch (...) {
    }
    db_.inTransaction_ = false;
    db_.transactionEnded(false);
}

void Transaction::commit() {
    db_.exec("COMMIT");
    done_ = true;
    db_.inTransaction_ = false;
    db_.transactionEnded(true);
}

} // namespace mrscreen::store::pg
