// Implants on the record, each a card with its MR status, its labelled conditions and the MR
// Conditional check against the planned scanner.
#include "record/record_pdf_layout.h"

#include "screening/mr_conditional.h"

#include <cmath>

namespace mrscreen::record::layout {

namespace {

const char* mrStatusTitle(MrStatus status) {
    switch (status) {
    case MrStatus::Safe:
        return "MR Safe";
    case MrStatus::Conditional:
        return "MR Conditional";
    case MrStatus::Unsafe:
        return "MR Unsafe";
    case MrStatus::Unknown:
        break;
    }
    return "Unknown";
}

Color mrStatusColor(MrStatus status) {
    return status == MrStatus::Safe          ? kGood
           : status == MrStatus::Conditional ? kReview
           : status == MrStatus::Unsafe      ? kStop
                                             : kGrey;
}

const char* outcomeChip(CheckOutcome outcome) {
    return outcome == CheckOutcome::Pass   ? "PASS"
           : outcome == CheckOutcome::Fail ? "FAIL"
                                           : "UNKNOWN";
}

Color outcomeColor(CheckOutcome outcome) {
    return outcome == CheckOutcome::Pass ? kGood : outcome == CheckOutcome::Fail ? kStop : kReview;
}

const char* modeTitle(OperatingMode mode) {
    return mode == OperatingMode::Normal       ? "Normal Operating Mode"
           : mode == OperatingMode::FirstLevel ? "First Level Controlled Mode"
                                               : "not known";
}

// A labelled or planned value as written on a label: 1.5, 3, 0.45 (no trailing zeros).
std::string quantity(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// The label's conditions, one a line, as staff read them off the implant card.
std::string labelledConditions(const MrConditions& c) {
    std::string out;
    const auto add = [&](const std::string& line) { out += (out.empty() ? "" : "\n") + line; };
    if (!c.fieldStrengthsT.empty()) {
        std::string fields;
        for (double t : c.fieldStrengthsT)
            fields += (fields.empty() ? "" : ", ") + quantity(t) + " T";
        add("Static field strength: " + fields + " only");
    }
    if (c.maxSpatialGradientTPerM)
        add("Maximum spatial field gradient: " + quantity(*c.maxSpatialGradientTPerM) + " T/m (" +
            quantity(*c.maxSpatialGradientTPerM * 100) + " G/cm)");
    if (c.operatingMode == OperatingMode::Normal)
        add("Operating mode: Normal Operating Mode only");
    if (c.operatingMode == OperatingMode::FirstLevel)
        add("Operating mode: up to First Level Controlled Mode");
    if (c.maxWholeBodySarWPerKg)
        add("Whole-body SAR: at most " + quantity(*c.maxWholeBodySarWPerKg) + " W/kg");
    if (c.maxHeadSarWPerKg)
        add("Head SAR: at most " + quantity(*c.maxHeadSarWPerKg) + " W/kg");
    if (c.maxB1rmsMicroTesla)
        add("B1+rms: at most " + quantity(*c.maxB1rmsMicroTesla) + " µT");
    if (!c.other.empty())
        add("Other: " + c.other);
    return out;
}

std::string scannerName(const ScannerSetup& s) {
    return s.name.empty() ? "(scanner not named)" : s.name;
}

// The planned scanner and scan as the check saw them; what the site config leaves out says so.
std::string scannerText(const ScannerSetup& s) {
    const auto known = [](const std::optional<double>& v, const char* unit) {
        return v ? quantity(*v) + " " + unit : std::string("not known");
    };
    return scannerName(s) + "\nStatic field " +
           (s.fieldStrengthT > 0 ? quantity(s.fieldStrengthT) + " T"
                                 : std::string("not configured")) +
           "  ·  spatial field gradient at the implant " + known(s.spatialGradientTPerM, "T/m") +
           "\nPlanned operating mode: " + modeTitle(s.sarMode) + "\nPlanned SAR: whole-body " +
           known(s.wholeBodySarWPerKg, "W/kg") + "  ·  head " + known(s.headSarWPerKg, "W/kg") +
           "  ·  B1+rms " + known(s.b1rmsMicroTesla, "µT");
}

// An implant as a shaded card with its MR status colour down the left edge. Every line is a row
// that paints its own part of the card, so a card taller than a page breaks between lines.
class ImplantCard {
public:
    ImplantCard(const Ctx& x, Color bar) : x_(x), bar_(bar) { row(kPad); }

    // The implant's name, wrapped, with its MR status as a chip on the right of the first line.
    void title(const std::string& text, const std::string& chip, Color chipColor) {
        const Style ts{x_.c.bold, 10.5f, kInk};
        const Style cs{x_.c.bold, 7, kWhite};
        const float chipW = x_.c.width(chip, cs) + 12;
        const auto lines = x_.c.wrap(text, ts, kRight - chipW - 8 - kLabelX);
        for (std::size_t i = 0; i < lines.size(); ++i)
            row(ts.leading() + (i + 1 == lines.size() ? 4 : 0),
                [=, line = lines[i]](Canvas& c, float top) {
                    c.text(kLabelX, top, line, ts);
                    if (i > 0)
                        return;
                    c.fillRect(kRight - chipW, top, chipW, 12, chipColor);
                    c.text(kRight - chipW + 6, top - 2.2f, chip, cs);
                });
    }

    // "Label   value", the value wrapped in its column.
    void field(const std::string& label, const std::string& value, const Style& vs) {
        const Style ls = x_.f.smallBold;
        const auto labelLines = x_.c.wrap(label, ls, kLabelW - 6);
        const auto valueLines = x_.c.wrap(value.empty() ? "—" : value, vs, kValueW);
        const std::size_t n = std::max(labelLines.size(), valueLines.size());
        for (std::size_t i = 0; i < n; ++i) {
            const std::string l = i < labelLines.size() ? labelLines[i] : "";
            const std::string v = i < valueLines.size() ? valueLines[i] : "";
            const float h =
                (i < valueLines.size() ? vs.leading() : ls.leading()) + (i + 1 == n ? 2 : 0);
            row(h, [=](Canvas& c, float top) {
                c.text(kLabelX, top - 1.5f, l, ls);
                c.text(kValueX, top, v, vs);
            });
        }
    }

    // A PASS / FAIL / UNKNOWN chip at the end of the label column, then `lead` in bold and `rest`
    // after it, wrapped in the value column.
    void check(CheckOutcome outcome, const std::string& lead, const std::string& rest) {
        constexpr float chipW = 46, chipH = 10.5f;
        const Style body = x_.f.body, bold = x_.f.bodyBold;
        const Style cs{x_.c.bold, 6.5f, kWhite};
        const std::string chip = outcomeChip(outcome);
        const Color color = outcomeColor(outcome);
        const std::string text = lead.empty() ? rest : lead + " " + rest;
        // The lead is bold: when that pushes the first line past the column, wrap all in the wider
        // face.
        auto lines = x_.c.wrap(text, body, kValueW);
        if (!lead.empty() && lines[0].rfind(lead, 0) == 0 &&
            x_.c.width(lead, bold) + x_.c.width(lines[0].substr(lead.size()), body) > kValueW)
            lines = x_.c.wrap(text, bold, kValueW);
        const float chipX = kValueX - chipW - 8;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            const float h = (i == 0 ? std::max(body.leading(), chipH + 1) : body.leading()) +
                            (i + 1 == lines.size() ? 2.5f : 0);
            const bool boldLead = i == 0 && !lead.empty() && lines[0].rfind(lead, 0) == 0;
            row(h, [=, line = lines[i]](Canvas& c, float top) {
                if (boldLead) {
                    c.text(kValueX, top, lead, bold);
                    c.text(kValueX + c.width(lead, bold), top, line.substr(lead.size()), body);
                } else {
                    c.text(kValueX, top, line, body);
                }
                if (i > 0)
                    return;
                c.fillRect(chipX, top + 0.5f, chipW, chipH, color);
                c.text(chipX + (chipW - c.width(chip, cs)) / 2, top - 1.6f, chip, cs);
            });
        }
    }

    void space(float h) { row(h); }

    Block done() {
        row(kPad - 2);
        Block b = std::move(block_);
        b.rows.push_back(gap(6));
        return b;
    }

private:
    static constexpr float kPad = 6;
    static constexpr float kLabelX = kMargin + 10;
    static constexpr float kLabelW = 108; // values line up with labelled() outside the card
    static constexpr float kValueX = kLabelX + kLabelW;
    static constexpr float kRight = kMargin + kContentW - 8;
    static constexpr float kValueW = kRight - kValueX;

    const Ctx& x_;
    Color bar_;
    Block block_;

    // One line of the card, with its shading and bar.
    void row(float h, std::function<void(Canvas&, float)> draw = {}) {
        block_.rows.push_back(Row{h, [h, bar = bar_, draw = std::move(draw)](Canvas& c, float top) {
                                      c.fillRect(kMargin, top, kContentW, h, kShade);
                                      c.fillRect(kMargin, top, 3, h, bar);
                                      if (draw)
                                          draw(c, top);
                                  }});
    }
};

} // namespace

void implants(const Ctx& x, std::vector<Block>& out) {
    out.push_back(heading(x.c, x.f, "Implants (" + std::to_string(x.d.implants.size()) + ")", ""));
    if (x.in.scanner) {
        out.push_back(labelled(x.c, x.f, "Planned scanner", scannerText(*x.in.scanner)));
        out.back().keepWithNext = true; // the scanner the checks name stays with the first of them
    }
    if (x.d.implants.empty()) {
        out.push_back(paragraph(x.c, x.f.body, "No implants were recorded at the review."));
        return;
    }
    int number = 0;
    for (const store::ImplantRecord& im : x.d.implants) {
        const Color statusColor = mrStatusColor(im.mrStatus);
        ImplantCard card(x, statusColor);
        card.title(std::to_string(++number) + ".  " +
                       (im.type.empty() ? "(type not recorded)" : im.type),
                   mrStatusTitle(im.mrStatus), statusColor);
        card.field("Manufacturer", im.manufacturer, x.f.body);
        card.field("Model", im.model, x.f.body);
        card.field("Location", im.location, x.f.body);
        card.field("Date implanted", im.implantedOn, x.f.body);
        Style statusStyle = x.f.bodyBold;
        statusStyle.color = statusColor;
        card.field("MR status", mrStatusTitle(im.mrStatus), statusStyle);
        const std::string conditions = labelledConditions(im.conditions);
        if (im.mrStatus == MrStatus::Conditional || !conditions.empty())
            card.field("Labelled conditions", conditions.empty() ? "None entered" : conditions,
                       x.f.body);
        if (x.in.scanner) {
            const MrCheck check = checkMrConditional(im.mrStatus, im.conditions, *x.in.scanner);
            card.field("Checked against", scannerName(*x.in.scanner), x.f.bodyBold);
            for (const ConditionCheck& cc : check.conditions)
                card.check(cc.outcome, cc.condition + ":", cc.detail);
            card.space(3);
            card.check(check.overall, "Overall:", check.summary);
            // A check saved at entry that reads differently (another scanner or plan) stays
            // visible.
            if (!im.checkResult.empty() && im.checkResult != check.summary)
                card.field("Check when entered", im.checkResult, x.f.small);
        } else {
            card.field("Check result",
                       im.checkResult.empty() ? "Not checked against a scanner"
                                              : im.checkResult + " (as saved with the implant)",
                       x.f.body);
        }
        card.field("Entered by", x.byAt(im.enteredBy, im.enteredAt), x.f.body);
        out.push_back(card.done());
    }
}

} // namespace mrscreen::record::layout
