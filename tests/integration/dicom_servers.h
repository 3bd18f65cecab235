// Real DICOM servers for the tests: DCMTK's wlmscpfs serving worklist items the test writes, and
// storescp keeping what it receives. Each runs on a free 127.0.0.1 port in its own temporary
// folder, is ready (listening) when the constructor returns, and is stopped and reaped by the
// destructor. Also a port that accepts connections and never answers, for timeouts.
//
//     WorklistServer worklist({item});   queryWorklist(worklist.peer(), query)
//     StorageServer pacs;                storeToPacs(pacs.peer(), file); pacs.receivedFiles()
#pragma once

#include "integration/dicom_peer.h"

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace mrscreen::test {

// One scheduled procedure step as the worklist holds it; DICOM formats (DA, TM, PN).
struct WorklistItem {
    std::string patientName = "DOE^JANE";
    std::string patientId = "MRN-0001";
    std::string issuerOfPatientId = "HOSPITAL";
    std::string birthDate = "19510812";
    std::string sex = "F";
    std::string accessionNumber = "ACC-0001";
    std::string requestedProcedureId = "RP-0001";
    std::string procedureDescription = "MRI brain without contrast";
    std::string procedureCode = "MRBR";
    std::string codingScheme = "LOCAL";
    std::string codeMeaning = "MR brain";
    std::string studyInstanceUid = "1.2.826.0.1.3680043.10.543.1";
    std::string modality = "MR";
    std::string stationAeTitle = "MR1";
    std::string stationName = "MR ROOM 1";
    std::string startDate = "20261130";
    std::string startTime = "143000";
    std::string stepId = "SPS-0001";
    std::string characterSet = "ISO_IR 192"; // the worklist file's (0008,0005); names in UTF-8
};

// A running server process: started with its output in `logPath`, stopped (SIGTERM, then SIGKILL)
// and reaped by stop() or the destructor. It dies with the test process.
class ServerProcess {
public:
    ServerProcess() = default;
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    // Starts `argv` in `workDir` and waits until something listens on `port`; false when the
    // program exited first (its log says why, e.g. the port was taken).
    bool start(const std::vector<std::string>& argv, const std::filesystem::path& workDir,
               const std::filesystem::path& logPath, int port);
    void stop();
    bool running() const { return pid_ > 0; }

private:
    pid_t pid_ = -1;
};

// A folder under the system's temporary directory, removed with everything in it.
class TemporaryFolder {
public:
    explicit TemporaryFolder(const std::string& prefix);
    ~TemporaryFolder();
    TemporaryFolder(const TemporaryFolder&) = delete;
    TemporaryFolder& operator=(const TemporaryFolder&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

class WorklistServer {
public:
    explicit WorklistServer(const std::vector<WorklistItem>& items = {},
                            std::string aeTitle = "WORKLIST");
    int port() const { return port_; }
    const std::string& aeTitle() const { return aeTitle_; }
    // Where queryWorklist reaches it: 127.0.0.1, its port and AE title, calling AE MRSCREEN.
    integration::DicomPeer peer(int timeoutSeconds = 10) const;
    // One more item, served from the next query on.
    void add(const WorklistItem& item);

private:
    TemporaryFolder folder_{"mrscreen-wlmscpfs-"};
    std::string aeTitle_;
    int port_ = 0;
    int written_ = 0;
    ServerProcess process_;
};

class StorageServer {
public:
    explicit StorageServer(std::string aeTitle = "PACS");
    int port() const { return port_; }
    const std::string& aeTitle() const { return aeTitle_; }
    integration::DicomPeer peer(int timeoutSeconds = 10) const;
    // Every file received so far (full paths, sorted): one per arrival, also when the same
    // instance arrives twice.
    std::vector<std::string> receivedFiles() const;
    // PACS down and back: stop() closes the port; start() listens again on the same port, keeping
    // the files received before.
    void stop();
    void start();
    // A PACS that answers but cannot keep anything: its output folder is replaced by a file, so
    // storescp refuses each instance ("Refused: Out of Resources"). acceptStorage() undoes it.
    void refuseStorage();
    void acceptStorage();

private:
    TemporaryFolder folder_{"mrscreen-storescp-"};
    std::string aeTitle_;
    int port_ = 0;
    ServerProcess process_;
};

// A 127.0.0.1 port that completes TCP connections and then never says anything.
class SilentServer {
public:
    SilentServer();
    ~SilentServer();
    SilentServer(const SilentServer&) = delete;
    SilentServer& operator=(const SilentServer&) = delete;
    int port() const { return port_; }
    integration::DicomPeer peer(int timeoutSeconds) const;

private:
    int socket_ = -1;
    int port_ = 0;
};

// A 127.0.0.1 TCP port nothing listens on right now.
int freeLoopbackPort();

// The text dump2dcm reads for this worklist item (also useful to write other test files).
std::string worklistDump(const WorklistItem& item);

// Runs `dump2dcm` on a text dump, writing a DICOM file; throws std::runtime_error with its output.
void dumpToDicom(const std::string& dumpText, const std::filesystem::path& output,
                 bool fileFormat = true);

// What `dcmdump` prints for the file (its element lines), for checking attributes.
std::string dcmdumpOf(const std::filesystem::path& file);

} // namespace mrscreen::test
