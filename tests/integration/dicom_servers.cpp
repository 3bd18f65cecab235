#include "integration/dicom_servers.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace mrscreen::test {

namespace fs = std::filesystem;

namespace {

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Whether process `pid` has a socket in LISTEN state on this TCP port (any local address): the
// socket's inode from /proc/net/tcp*, found among the process's open files. Another program that
// happens to listen on the port does not count.
bool listensOn(pid_t pid, int port) {
    char portHex[8];
    std::snprintf(portHex, sizeof portHex, ":%04X", port);
    std::vector<std::string> sockets;
    for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        std::ifstream in(table);
        std::string line;
        std::getline(in, line); // header
        while (std::getline(in, line)) {
            std::istringstream fields(line);
            std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
            fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
                timeout >> inode;
            if (state == "0A" && local.size() > 5 &&
                local.compare(local.size() - 5, 5, portHex) == 0)
                sockets.push_back("socket:[" + inode + "]");
        }
    }
    if (sockets.empty())
        return false;
    std::error_code error;
    for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", error)) {
        const auto target = fs::read_symlink(fd.path(), error);
        if (!error && std::find(sockets.begin(), sockets.end(), target.string()) != sockets.end())
            return true;
    }
    return false;
}

// A command's exit status and what it printed (standard error included).
std::pair<int, std::string> runCommand(const std::string& command) {
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr)
        throw std::runtime_error("cannot run: " + command);
    std::string output;
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe))
        output += buffer;
    const int status = pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

std::string quoted(const fs::path& path) {
    std::string text = path.string();
    text.insert(text.begin(), '\'');
    text.push_back('\'');
    return text;
}

} // namespace

// [SECTION] Processes and folders

ServerProcess::~ServerProcess() {
    stop();
}

bool ServerProcess::start(const std::vector<std::string>& argv, const fs::path& workDir,
                          const fs::path& logPath, int port) {
    stop();
    const pid_t child = ::fork();
    if (child < 0)
        throw std::runtime_error("cannot start " + argv.front() + ": fork failed");
    if (child == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL); // never outlive the test
        const int log = ::open(logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        const int none = ::open("/dev/null", O_RDONLY);
        if (log < 0 || none < 0 || ::chdir(workDir.c_str()) != 0)
            ::_exit(126);
        ::dup2(none, 0);
        ::dup2(log, 1);
        ::dup2(log, 2);
        std::vector<char*> args;
        for (const auto& arg : argv)
            args.push_back(const_cast<char*>(arg.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    pid_ = child;
    // Ready when its port is listening; a start that takes 30 s is a broken machine, not a slow
    // one.
    const auto giveUp = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < giveUp) {
        if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
            pid_ = -1;
            return false;
        }
        if (listensOn(pid_, port))
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop();
    throw std::runtime_error(argv.front() + " did not listen on port " + std::to_string(port) +
                             " within 30 s: " + readFile(logPath));
}

void ServerProcess::stop() {
    if (pid_ <= 0)
        return;
    ::kill(pid_, SIGTERM);
    const auto giveUp = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < giveUp) {
        if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
            pid_ = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

TemporaryFolder::TemporaryFolder(const std::string& prefix) {
    std::string pattern = (fs::temp_directory_path() / (prefix + "XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr)
        throw std::runtime_error("cannot make a temporary folder " + pattern);
    path_ = pattern;
}

TemporaryFolder::~TemporaryFolder() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
}

int freeLoopbackPort() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    if (s < 0 || ::bind(s, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(s, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        if (s >= 0)
            ::close(s);
        throw std::runtime_error("cannot find a free port on 127.0.0.1");
    }
    ::close(s);
    return ntohs(address.sin_port);
}

// [SECTION] DCMTK's command-line tools

void dumpToDicom(const std::string& dumpText, const fs::path& output, bool fileFormat) {
    const fs::path dump = output.string() + ".dump";
    std::ofstream(dump, std::ios::binary) << dumpText;
    const auto [code, printed] = runCommand("dump2dcm +te " + std::string(fileFormat ? "" : "-F ") +
                                            quoted(dump) + " " + quoted(output));
    fs::remove(dump);
    if (code != 0)
        throw std::runtime_error("dump2dcm could not write " + output.string() + ": " + printed);
}

std::string dcmdumpOf(const fs::path& file) {
    const auto [code, printed] = runCommand("dcmdump " + quoted(file));
    if (code != 0)
        throw std::runtime_error("dcmdump could not read " + file.string() + ": " + printed);
    return printed;
}

std::string worklistDump(const WorklistItem& item) {
    std::ostringstream dump;
    auto line = [&](const char* tag, const char* vr, const std::string& value) {
        dump << tag << ' ' << vr << " [" << value << "]\n";
    };
    if (!item.characterSet.empty())
        line("(0008,0005)", "CS", item.characterSet);
    line("(0008,0050)", "SH", item.accessionNumber);
    line("(0010,0010)", "PN", item.patientName);
    line("(0010,0020)", "LO", item.patientId);
    line("(0010,0021)", "LO", item.issuerOfPatientId);
    line("(0010,0030)", "DA", item.birthDate);
    line("(0010,0040)", "CS", item.sex);
    line("(0020,000d)", "UI", item.studyInstanceUid);
    line("(0032,1060)", "LO", item.procedureDescription);
    dump << "(0032,1064) SQ\n(fffe,e000) -\n";
    line("(0008,0100)", "SH", item.procedureCode);
    line("(0008,0102)", "SH", item.codingScheme);
    line("(0008,0104)", "LO", item.codeMeaning);
    dump << "(fffe,e00d) -\n(fffe,e0dd) -\n";
    dump << "(0040,0100) SQ\n(fffe,e000) -\n";
    line("(0008,0060)", "CS", item.modality);
    line("(0040,0001)", "AE", item.stationAeTitle);
    line("(0040,0002)", "DA", item.startDate);
    line("(0040,0003)", "TM", item.startTime);
    line("(0040,0007)", "LO", item.procedureDescription);
    line("(0040,0009)", "SH", item.stepId);
    line("(0040,0010)", "SH", item.stationName);
    dump << "(fffe,e00d) -\n(fffe,e0dd) -\n";
    line("(0040,1001)", "SH", item.requestedProcedureId);
    return dump.str();
}

// [SECTION] The servers

WorklistServer::WorklistServer(const std::vector<WorklistItem>& items, std::string aeTitle)
    : aeTitle_(std::move(aeTitle)) {
    // wlmscpfs serves <data files path>/<called AE title>/*.wl, guarded by a lockfile there.
    const fs::path database = folder_.path() / "worklist" / aeTitle_;
    fs::create_directories(database);
    std::ofstream(database / "lockfile");
    for (const auto& item : items)
        add(item);
    const fs::path log = folder_.path() / "wlmscpfs.log";
    for (int attempt = 0; attempt < 5; ++attempt) {
        port_ = freeLoopbackPort();
        const std::vector<std::string> argv = {"wlmscpfs",
                                               "--single-process",
                                               "--keep-char-set",
                                               "--data-files-path",
                                               (folder_.path() / "worklist").string(),
                                               std::to_string(port_)};
        if (process_.start(argv, folder_.path(), log, port_))
            return;
    }
    throw std::runtime_error("wlmscpfs did not start: " + readFile(log));
}

void WorklistServer::add(const WorklistItem& item) {
    const fs::path file =
        folder_.path() / "worklist" / aeTitle_ / ("item" + std::to_string(++written_) + ".wl");
    dumpToDicom(worklistDump(item), file);
}

integration::DicomPeer WorklistServer::peer(int timeoutSeconds) const {
    integration::DicomPeer peer;
    peer.host = "127.0.0.1";
    peer.port = port_;
    peer.calledAe = aeTitle_;
    peer.callingAe = "MRSCREEN";
    peer.timeoutSeconds = timeoutSeconds;
    return peer;
}

StorageServer::StorageServer(std::string aeTitle) : aeTitle_(std::move(aeTitle)) {
    fs::create_directories(folder_.path() / "received");
    for (int attempt = 0; attempt < 5 && !process_.running(); ++attempt) {
        port_ = freeLoopbackPort();
        start();
    }
    if (!process_.running())
        throw std::runtime_error("storescp did not start: " +
                                 readFile(folder_.path() / "storescp.log"));
}

void StorageServer::start() {
    // --accept-all: every transfer syntax it knows. --unique-filenames: an instance received twice
    // is two files, so a test can count arrivals.
    const std::vector<std::string> argv = {"storescp",
                                           "--aetitle",
                                           aeTitle_,
                                           "--output-directory",
                                           (folder_.path() / "received").string(),
                                           "--accept-all",
                                           "--unique-filenames",
                                           std::to_string(port_)};
    process_.start(argv, folder_.path(), folder_.path() / "storescp.log", port_);
}

void StorageServer::stop() {
    process_.stop();
}

void StorageServer::refuseStorage() {
    const fs::path received = folder_.path() / "received";
    fs::remove_all(received);
    std::ofstream(received) << "not a folder\n";
}

void StorageServer::acceptStorage() {
    const fs::path received = folder_.path() / "received";
    fs::remove(received);
    fs::create_directories(received);
}

std::vector<std::string> StorageServer::receivedFiles() const {
    std::vector<std::string> files;
    if (!fs::is_directory(folder_.path() / "received"))
        return files;
    for (const auto& entry : fs::directory_iterator(folder_.path() / "received"))
        if (entry.is_regular_file())
            files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

integration::DicomPeer StorageServer::peer(int timeoutSeconds) const {
    integration::DicomPeer peer;
    peer.host = "127.0.0.1";
    peer.port = port_;
    peer.calledAe = aeTitle_;
    peer.callingAe = "MRSCREEN";
    peer.timeoutSeconds = timeoutSeconds;
    return peer;
}

SilentServer::SilentServer() {
    socket_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (socket_ < 0 ||
        ::bind(socket_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(socket_, 8) != 0 ||
        ::getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        throw std::runtime_error("cannot listen on 127.0.0.1 for the silent server");
    port_ = ntohs(address.sin_port);
}

SilentServer::~SilentServer() {
    if (socket_ >= 0)
        ::close(socket_);
}

integration::DicomPeer SilentServer::peer(int timeoutSeconds) const {
    integration::DicomPeer peer;
    peer.host = "127.0.0.1";
    peer.port = port_;
    peer.calledAe = "SILENT";
    peer.callingAe = "MRSCREEN";
    peer.timeoutSeconds = timeoutSeconds;
    return peer;
}

} // namespace mrscreen::test
