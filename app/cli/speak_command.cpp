// `mrscreen speak`: what the kiosk says for one question's page, written to a WAV file, so tests
// and sites can hear and check the read-aloud speech without a kiosk.
#include "cli/commands.h"
#include "cli/form_files.h"

#include "speech/voice.h"
#include "speech/wav_file.h"
#include "ui/draft.h"
#include "ui/read_aloud.h"

#include <iomanip>
#include <ostream>

namespace mrscreen::cli {

using namespace screening;

namespace {

// The page a patient sees `item` on when nothing has been answered yet; for an item shown only
// after some answer (a follow-up question), the page the kiosk would show it on: its group's
// questions (an implant's details), or the item alone. `found`: it is on a page already.
ui::Page pageOf(const Questionnaire& form, const ui::Draft& draft, int item, bool& found) {
    found = true;
    for (const ui::Page& page : draft.pages())
        for (const ui::Slot& slot : page.slots)
            if (slot.item == item || form.isAncestor(item, slot.item)) return page;
    found = false;
    auto at = [&form](int i) -> const Item& { return form.items[std::size_t(i)]; };
    int root = item;
    while (at(root).parent >= 0) root = at(root).parent;
    int shown = item; // a question inside a group (not the section) is asked on its group's page
    if (at(item).type != ItemType::Group && at(item).parent >= 0 && at(item).parent != root &&
        at(at(item).parent).type == ItemType::Group)
        shown = at(item).parent;
    ui::Page page;
    for (int g = item; g >= 0; g = at(g).parent)
        if (at(g).itemControl == "body-map") { // the body map: one page for the whole group
            shown = g;
            page.kind = ui::PageKind::BodyMap;
            page.repeatGroup = g;
        }
    page.section = root == shown ? -1 : root;
    page.key = at(shown).linkId;
    if (at(shown).type != ItemType::Group) page.slots.push_back({shown, ""});
    for (int i = shown + 1; i < at(shown).subtreeEnd; ++i)
        if (at(i).type != ItemType::Group) page.slots.push_back({i, ""});
    return page;
}

} // namespace

int runSpeak(const SpeakOptions& o, std::ostream& out, std::ostream& err) {
    try {
        const FormFiles files = loadFormFiles(o.form);
        const Questionnaire& form = files.form;
        const int item = form.indexOf(o.item);
        if (item < 0) {
            err << "mrscreen speak: " << files.questionnairePath << " has no item with linkId '" << o.item
                << "'; `mrscreen evaluate` or the form file lists the linkIds\n";
            return 2;
        }
        const std::string language = o.language.empty() ? form.language : o.language;
        if (!form.supportsLanguage(language)) {
            err << "mrscreen speak: " << files.questionnairePath << " has no translation for language '" << language
                << "'; it has:";
            for (const auto& l : form.languages) err << " " << l;
            err << "\n";
            return 2;
        }
        ui::Draft draft(form);
        draft.language = language;
        draft.refresh();
        bool onPage = false;
        const ui::Page page = pageOf(form, draft, item, onPage);
        const std::string text = ui::pageSpeech(form, draft, page, language, {}, "", onPage);
        const speech::WavSummary wav = speech::writeWav(o.wav, text, language);
        out << text << "\n"
            << o.wav << ": " << std::fixed << std::setprecision(1) << wav.seconds() << " s, voice "
            << speech::voiceFor(language) << ", " << wav.sampleRate << " Hz\n";
        return 0;
    } catch (const speech::SpeechError& e) {
        err << "mrscreen speak: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        err << "mrscreen speak: " << e.what() << "\n";
        return 2;
    }
}

} // namespace mrscreen::cli
