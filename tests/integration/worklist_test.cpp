// The Modality Worklist, queried from a real DCMTK wlmscpfs serving items the tests write: the
// identifiers a link needs, the modality, date and station filters, every way the server can fail
// (down, refusing our AE titles, silent, the wrong kind of server), and matching a patient.
#include "integration/worklist.h"

#include "integration/dicom_servers.h"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace mrscreen::integration;
using Catch::Matchers::Contains;
using mrscreen::store::PatientIdentity;
using mrscreen::store::ProcedureLink;
using mrscreen::test::SilentServer;
using mrscreen::test::StorageServer;
using mrscreen::test::WorklistItem;
using mrscreen::test::WorklistServer;

namespace {

WorklistItem ctExam() {
    WorklistItem item;
    item.patientName = "ROE^RICHARD";
    item.patientId = "MRN-0002";
    item.accessionNumber = "ACC-0002";
    item.modality = "CT";
    item.stationAeTitle = "CT1";
    item.procedureDescription = "CT chest";
    item.studyInstanceUid = "1.2.826.0.1.3680043.10.543.2";
    return item;
}

WorklistItem mrExamOn(const std::string& date, const std::string& accession) {
    WorklistItem item;
    item.startDate = date;
    item.accessionNumber = accession;
    item.studyInstanceUid = "1.2.826.0.1.3680043.10.543." + date;
    return item;
}

WorklistQuery mrOn(const std::string& from, const std::string& to) {
    WorklistQuery query;
    query.fromDate = from;
    query.toDate = to;
    return query;
}

std::vector<std::string> accessionsOf(const std::vector<ProcedureLink>& links) {
    std::vector<std::string> accessions;
    for (const auto& link : links)
        accessions.push_back(link.accessionNumber);
    std::sort(accessions.begin(), accessions.end());
    return accessions;
}

std::string errorOf(const DicomPeer& peer, const WorklistQuery& query = {}) {
    try {
        queryWorklist(peer, query);
    } catch (const DicomError& e) {
        return e.what();
    }
    return "";
}

} // namespace

// [SECTION] Queries

TEST_CASE("the worklist query returns a scheduled MR exam with every identifier a link needs") {
    WorklistServer worklist({WorklistItem{}});
    const auto links = queryWorklist(worklist.peer(), mrOn("2026-11-30", "2026-11-30"));
    REQUIRE(links.size() == 1);
    const ProcedureLink& exam = links.front();
    CHECK(exam.patientId == "MRN-0001");
    CHECK(exam.issuerOfPatientId == "HOSPITAL");
    CHECK(exam.accessionNumber == "ACC-0001");
    CHECK(exam.requestedProcedureId == "RP-0001");
    CHECK(exam.procedureCode == "MRBR");
    CHECK(exam.procedureCodingScheme == "LOCAL");
    CHECK(exam.procedureDescription == "MRI brain without contrast");
    CHECK(exam.studyInstanceUid == "1.2.826.0.1.3680043.10.543.1");
    CHECK(exam.stationAeTitle == "MR1");
    CHECK(exam.stationName == "MR ROOM 1");
    CHECK(exam.scheduledStart == "2026-11-30T14:30");
    CHECK(exam.patientName == "DOE^JANE");
    CHECK(exam.patientBirthDate == "1951-08-12");
    CHECK(exam.patientSex == "F");
    CHECK(exam.linkedBy.empty());
    CHECK(exam.linkedAt.empty());
}

TEST_CASE("a patient name in UTF-8 on the worklist comes back as written") {
    WorklistItem item;
    item.patientName = "MÜLLER-LÜDENSCHEID^JOSÉ";
    WorklistServer worklist({item});
    const auto links = queryWorklist(worklist.peer(), {});
    REQUIRE(links.size() == 1);
    CHECK(links.front().patientName == "MÜLLER-LÜDENSCHEID^JOSÉ");
    CHECK(personNameForPeople(links.front().patientName) == "Müller-Lüdenscheid, José");
}

TEST_CASE("a CT exam on the same worklist is not returned to an MR query") {
    WorklistServer worklist({WorklistItem{}, ctExam()});
    const auto mr = queryWorklist(worklist.peer(), {});
    CHECK(accessionsOf(mr) == std::vector<std::string>{"ACC-0001"});
    WorklistQuery anyModality;
    anyModality.modality = "";
    CHECK(accessionsOf(queryWorklist(worklist.peer(), anyModality)) ==
          std::vector<std::string>{"ACC-0001", "ACC-0002"});
}

TEST_CASE("the date window leaves out exams scheduled before or after it") {
    WorklistServer worklist({mrExamOn("20261129", "ACC-29"), mrExamOn("20261130", "ACC-30"),
                             mrExamOn("20261201", "ACC-01")});
    CHECK(accessionsOf(queryWorklist(worklist.peer(), mrOn("2026-11-30", "2026-11-30"))) ==
          std::vector<std::string>{"ACC-30"});
    CHECK(accessionsOf(queryWorklist(worklist.peer(), mrOn("2026-11-30", "2026-12-01"))) ==
          std::vector<std::string>{"ACC-01", "ACC-30"});
    CHECK(accessionsOf(queryWorklist(worklist.peer(), mrOn("2026-11-30", ""))) ==
          std::vector<std::string>{"ACC-01", "ACC-30"});
    CHECK(queryWorklist(worklist.peer(), mrOn("2026-12-02", "2026-12-31")).empty());
}

TEST_CASE("a station filter returns only the exams scheduled on that scanner") {
    WorklistItem second = mrExamOn("20261130", "ACC-MR2");
    second.stationAeTitle = "MR2";
    WorklistServer worklist({WorklistItem{}, second});
    WorklistQuery query;
    query.stationAeTitle = "MR2";
    const auto links = queryWorklist(worklist.peer(), query);
    REQUIRE(links.size() == 1);
    CHECK(links.front().accessionNumber == "ACC-MR2");
    CHECK(links.front().stationAeTitle == "MR2");
}

TEST_CASE("an item added while the worklist server runs is returned by the next query") {
    WorklistServer worklist;
    CHECK(queryWorklist(worklist.peer(), {}).empty());
    worklist.add(WorklistItem{});
    CHECK(queryWorklist(worklist.peer(), {}).size() == 1);
}

TEST_CASE("a date in the query window that is not YYYY-MM-DD is refused before anything is sent") {
    const std::string message =
        errorOf(DicomPeer{"127.0.0.1", 1, "WORKLIST"}, mrOn("30.11.2026", ""));
    CHECK_THAT(message, Contains("'30.11.2026' is not a date (YYYY-MM-DD)"));
}

// [SECTION] Failures

TEST_CASE("a worklist server that is not running is reported as unreachable, naming the settings "
          "to check") {
    const int port = mrscreen::test::freeLoopbackPort();
    const std::string message = errorOf(DicomPeer{"127.0.0.1", port, "WORKLIST"});
    CHECK(
        message ==
        "The worklist server WORKLIST at 127.0.0.1:" + std::to_string(port) +
            " cannot be reached (connection refused). Check that it is running and [worklist] host "
            "and port.");
}

TEST_CASE(
    "a called AE title the worklist server does not know is refused, naming [worklist] called_ae") {
    WorklistServer worklist({WorklistItem{}}, "WORKLIST");
    DicomPeer peer = worklist.peer();
    peer.calledAe = "NOSUCHAE";
    CHECK(errorOf(peer) ==
          "The worklist server NOSUCHAE at 127.0.0.1:" + std::to_string(worklist.port()) +
              " refused the association: called AE title 'NOSUCHAE' is not known to it. Check "
              "[worklist] called_ae.");
}

TEST_CASE("a worklist server that accepts the connection but never answers is given up after the "
          "timeout") {
    SilentServer silent;
    const std::string message = errorOf(silent.peer(1));
    CHECK(message ==
          "The worklist server SILENT at 127.0.0.1:" + std::to_string(silent.port()) +
              " did not answer within 1 s. Check that it is running and [worklist] host and port.");
}

TEST_CASE("a PACS configured as the worklist server is named as the wrong kind of server") {
    StorageServer pacs("WORKLIST");
    const std::string message = errorOf(pacs.peer());
    CHECK_THAT(message, Contains("does not offer the Modality Worklist"));
    CHECK_THAT(message, Contains("[worklist] host, port and called_ae"));
}

TEST_CASE("an AE title longer than DICOM allows is refused naming the setting") {
    DicomPeer peer{"127.0.0.1", 104, "A-VERY-LONG-AE-TITLE"};
    CHECK_THAT(errorOf(peer),
               Contains("[worklist] called_ae 'A-VERY-LONG-AE-TITLE' is not a DICOM AE title"));
    peer.calledAe = "WORKLIST";
    peer.callingAe = "";
    CHECK_THAT(errorOf(peer), Contains("[worklist] calling_ae '' is not a DICOM AE title"));
}

// [SECTION] Matching a patient

namespace {

ProcedureLink scheduled(const std::string& name, const std::string& birthDate,
                        const std::string& accession) {
    ProcedureLink link;
    link.patientName = name;
    link.patientBirthDate = birthDate;
    link.accessionNumber = accession;
    return link;
}

const std::vector<ProcedureLink> today = {
    scheduled("DOE^JANE", "1951-08-12", "A1"),
    scheduled("DOE^JANE", "1980-02-29", "A2"), // another Jane Doe
    scheduled("DUPONT-MOREAU^JOSÉ", "1962-03-04", "A3"),
    scheduled("O'BRIEN^MARY ANN", "1970-01-01", "A4"),
    scheduled("SMITH", "1990-05-05", "A5"), // no given name on the worklist
};

std::vector<std::string> matchedFor(const std::string& family, const std::string& given,
                                    const std::string& born) {
    return accessionsOf(matchPatient(today, PatientIdentity{family, given, born, ""}));
}

} // namespace

TEST_CASE("matching a patient ignores case, accents, spaces and hyphens in the names") {
    CHECK(matchedFor("doe", "JANE", "1951-08-12") == std::vector<std::string>{"A1"});
    CHECK(matchedFor("Dupont Moreau", "Jose", "1962-03-04") == std::vector<std::string>{"A3"});
    CHECK(matchedFor("DUPONTMOREAU", "josé", "1962-03-04") == std::vector<std::string>{"A3"});
    CHECK(matchedFor("O’Brien", "Mary-Ann", "1970-01-01") == std::vector<std::string>{"A4"});
}

TEST_CASE("a different patient with the same name but another birth date is not a match") {
    CHECK(matchedFor("Doe", "Jane", "1980-02-29") == std::vector<std::string>{"A2"});
    CHECK(matchedFor("Doe", "Jane", "1951-08-13").empty());
}

TEST_CASE("a different given name is not a match, but the first of several given names is") {
    CHECK(matchedFor("Doe", "John", "1951-08-12").empty());
    CHECK(matchedFor("O'Brien", "Mary", "1970-01-01") == std::vector<std::string>{"A4"});
    // The worklist has no given name: family name and birth date decide.
    CHECK(matchedFor("Smith", "Anna", "1990-05-05") == std::vector<std::string>{"A5"});
}

TEST_CASE("without a birth date or a family name nothing matches") {
    CHECK(matchedFor("Doe", "Jane", "").empty());
    CHECK(matchedFor("", "Jane", "1951-08-12").empty());
}

TEST_CASE("a DICOM person name reads as people write it") {
    CHECK(personNameForPeople("DOE^JANE") == "Doe, Jane");
    CHECK(personNameForPeople("O'BRIEN-SMITH^MARY ANN") == "O'Brien-Smith, Mary Ann");
    CHECK(personNameForPeople("MÜLLER^JÖRG") == "Müller, Jörg");
    CHECK(personNameForPeople("McDonald^Ian") == "McDonald, Ian");
    CHECK(personNameForPeople("DOE") == "Doe");
    CHECK(personNameForPeople("DOE^JANE^MARIE^DR^JR") == "Doe, Dr Jane Marie, Jr");
    CHECK(personNameForPeople("YAMADA^TARO=山田^太郎") == "Yamada, Taro");
    CHECK(personNameForPeople("") == "");
}
