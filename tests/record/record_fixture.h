// What the PDF record tests (record_pdf, record_readable) share: screenings stored the way
// `mrscreen import` or the kiosk stores them and read back, the shipped form as the store keeps it,
// and PDFs written under <test output>/records/ for looking at, read back with poppler's tools.
#pragma once

#include "test_support.h"

#include "record/record_pdf.h"
#include "screening/assessment.h"
#include "screening/derived.h"
#include "store/audit.h"
#include "store/form_catalog.h"
#include "store/store.h"

#include <catch2/catch.hpp>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace mrscreen::test::records {

// Where the tests leave their stores and PDFs.
inline std::filesystem::path outputDir() {
    return std::filesystem::path(MRSCREEN_TEST_OUTPUT) / "records";
}

// The text of the first answer to the item coded `code` (LOINC), or "".
inline std::string firstAnswerText(const screening::ScreeningAnswers& a, const std::string& code) {
    for (int i : a.form().itemsWithCode(screening::loinc::kSystem, code))
        for (const screening::Value* v : a.answersOf(i))
            return v->toText();
    return "";
}

// The shipped form and rules as the store keeps them for the screenings these tests import.
inline const store::FormVersion& mriVersion() {
    static const store::FormVersion v{
        mriForm(), mriRules(),
        store::sha256Hex(slurp(sourcePath("forms/mri-safety.questionnaire.json"))),
        store::sha256Hex(slurp(sourcePath("forms/mri-safety.rules.json")))};
    return v;
}

// Stores the response as `mrscreen import` does, marked as coming from `origin` ("import",
// "kiosk"), in a store of its own, and reads the screening back.
inline store::ScreeningDetail importResponse(const std::string& responseText,
                                             const std::string& name,
                                             const std::string& origin = "import") {
    using namespace screening;
    const Questionnaire& form = mriForm();
    const Response response = readResponse(responseText, name);
    AssessmentInput in;
    in.language = form.supportsLanguage(response.language) ? response.language : form.language;
    in.screeningDate = screeningDateOf(response, "2026-11-20");
    const ScreeningAnswers answers(form, response);
    const Assessment a = assess(answers, &mriRules(), in);
    REQUIRE(a.valid());
    store::NewScreening s;
    s.formUrl = form.url;
    s.formVersion = form.version;
    s.formSha256 = mriVersion().formSha256;
    s.rulesSha256 = mriVersion().rulesSha256;
    s.language = in.language;
    s.origin = origin;
    s.responseJson = responseToJson(response, &form, &answers).dump();
    s.flags = a.flags;
    s.patient = {firstAnswerText(answers, "45394-4"), firstAnswerText(answers, "45392-8"),
                 firstAnswerText(answers, loinc::kBirthDate),
                 firstAnswerText(answers, loinc::kSex)};
    std::filesystem::create_directories(outputDir());
    const auto db = outputDir() / (origin + "-" + name + "-" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(db);
    const auto st = store::openSqliteStore(db.string());
    const auto id = st->submit(s, {"cli:test", Role::Admin});
    auto detail = st->screening(id);
    REQUIRE(detail);
    return *detail;
}

// forms/examples/EXAMPLE.json, stored and read back as importResponse does.
inline store::ScreeningDetail importExample(const std::string& example,
                                            const std::string& origin = "import") {
    return importResponse(slurp(sourcePath("forms/examples/" + example + ".json")), example,
                          origin);
}

// Writes the PDF bytes as <output>/records/NAME.pdf; returns its path.
inline std::string writePdf(const std::string& name, const std::string& bytes) {
    std::filesystem::create_directories(outputDir());
    const auto path = outputDir() / (name + ".pdf");
    std::ofstream(path, std::ios::binary) << bytes;
    return path.string();
}

// The standard output of a shell command that must succeed (pdftotext, pdfinfo).
inline std::string run(const std::string& command) {
    std::string out;
    FILE* p = ::popen(command.c_str(), "r");
    REQUIRE(p);
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    REQUIRE(::pclose(p) == 0);
    return out;
}

// Every word pdftotext finds in the PDF at `path` lies on a `width` x `height` pt page, at least
// `side` pt from its left and right edges and `top` pt from its top and bottom.
inline void checkWordsInsidePage(const std::string& path, double width, double height, double side,
                                 double top) {
    const std::string html = run("pdftotext -bbox '" + path + "' -");
    std::size_t pos = 0, seen = 0;
    while ((pos = html.find("<word xMin=\"", pos)) != std::string::npos) {
        double xMin = 0, yMin = 0, xMax = 0, yMax = 0;
        REQUIRE(std::sscanf(html.c_str() + pos,
                            "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"", &xMin,
                            &yMin, &xMax, &yMax) == 4);
        INFO(html.substr(pos, html.find("</word>", pos) - pos));
        CHECK(xMin >= side);
        CHECK(xMax <= width - side);
        CHECK(yMin >= top);
        CHECK(yMax <= height - top);
        ++pos;
        ++seen;
    }
    CHECK(seen > 100);
}

} // namespace mrscreen::test::records
