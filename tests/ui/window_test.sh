#!/usr/bin/env bash
# The real kiosk window, end to end: GLFW + OpenGL (Mesa llvmpipe) on a headless X server (Xvfb),
# tapped with xdotool by touch-target id (the kiosk's --targets-file: one "ID X Y" line per
# visible target) and checked through the state log the kiosk writes (--state-log).
#   1. windowed 1280x800, a whole patient visit in Spanish: Welcome draws, Español turns it Spanish,
#      Start opens the first question; names typed on the on-screen keyboard (one accented letter
#      from its accents layer; each name page opens the keyboard by itself), a birth date typed on
#      the number pad the page opens (the whole date moves on by itself; then a stepper used), sex,
#      weight in kg (chosen by default in Spanish) on the number pad, height in feet and inches, a pacemaker "yes" on the heart-device checklist (its details page
#      follows; its last field is reached by dragging the page), "No" or the top-most choice on every
#      other page (a required choice below the fold is scrolled to), a mark on the body map's chest,
#      Review, Sign (Submit before signing is refused; then "completed by the patient", the
#      attestation and a drawn signature), Submitted: screening 1 with a valid signed PDF record
#      and the answers typed. Then Finish, Start again and no touch: the idle warning, then the
#      reset to Welcome; the hidden staff gesture (hold the top-left corner) opens staff sign-in; and
#      a close request (WM_DELETE_WINDOW) closes the window, as windowed mode allows;
#   2. fullscreen on the same screen: the same close request is ignored (`close-request-ignored`),
#      the process stays alive and still answers a tap; SIGTERM (systemd's stop) then ends it as a
#      quit does: exit status 0 and the store's session marker removed, so the next start is quick.
# A screenshot of each screen and state stays in OUTPUT_DIR as an artifact, each checked not to
# be blank. About 110 s when well (walking 70 pages at about 0.6 s each, 35 s of idle timers).
# usage: window_test.sh MRSCREEN_BINARY SOURCE_DIR OUTPUT_DIR   (registered as CTest label ui_window)
set -euo pipefail

if [[ "$#" -ne 3 ]]; then
    echo "usage: $0 MRSCREEN_BINARY SOURCE_DIR OUTPUT_DIR" >&2
    exit 2
fi
BIN="$(readlink -f "$1")"
SOURCE_DIR="$(readlink -f "$2")"
OUT="$3"
WIDTH=1280
HEIGHT=800
TIMEOUT=20     # seconds to wait for each expected state-log line
TAP_TIMEOUT=5  # seconds for a tap to show (a new state-log line or a change of the visible targets)
IDLE_WARNING=30 # longer than any one step of the walk takes on a loaded machine (a 10 s warning once
                # covered the body map while its screenshot was measured: no tap could mark it)
IDLE_RESET=5
LANGUAGE=es

for tool in Xvfb xdotool import identify compare python3; do
    command -v "$tool" >/dev/null 2>&1 ||
        { echo "ui_window: FAIL: $tool is not installed (kiosk-setup/mrscreen test installs it)" >&2; exit 1; }
done
[[ -x "$BIN" ]] || { echo "ui_window: FAIL: no kiosk binary at $BIN" >&2; exit 1; }

rm -rf "$OUT"
mkdir -p "$OUT"
OUT="$(readlink -f "$OUT")"

XVFB_PID=""
KIOSK_PID=""
LOG=""        # state log of the running kiosk
TARGETS=""    # its visible touch targets
KIOSK_OUT=""  # its stdout + stderr
DATA=""       # its data dir

stop_pid() {
    local pid="$1"
    [[ -n "$pid" ]] || return 0
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    stop_pid "$KIOSK_PID"
    stop_pid "$XVFB_PID"
}
trap cleanup EXIT

say() { printf 'ui_window: %s\n' "$*"; }
fail() {
    printf 'ui_window: FAIL (after %d s): %s\n' "$SECONDS" "$*" >&2
    if [[ -n "$LOG" ]]; then
        printf -- '--- last lines of the state log %s:\n' "$LOG" >&2
        tail -n 15 "$LOG" >&2 2>/dev/null || echo "(no state log written)" >&2
    fi
    if [[ -n "$TARGETS" ]]; then
        printf -- '--- visible touch targets (%s):\n' "$TARGETS" >&2
        tr '\n' ';' <"$TARGETS" >&2 2>/dev/null || echo "(no targets file written)" >&2
        echo >&2
    fi
    if [[ -n "$KIOSK_OUT" && -s "$KIOSK_OUT" ]]; then
        printf -- '--- kiosk output %s:\n' "$KIOSK_OUT" >&2
        tail -n 20 "$KIOSK_OUT" >&2
    fi
    if [[ -n "$KIOSK_PID" ]] && ! has_exited "$KIOSK_PID"; then
        printf -- '--- the kiosk (pid %s) is still running; in the kernel at: %s\n' "$KIOSK_PID" \
            "$(cat "/proc/$KIOSK_PID/wchan" 2>/dev/null || echo '?')" >&2
    fi
    if [[ -n "$XVFB_PID" ]] && import -window root "$OUT/failure.png" 2>/dev/null; then
        printf -- '--- the screen at the failure: %s\n' "$OUT/failure.png" >&2
    fi
    printf -- '--- screenshots so far in %s\n' "$OUT" >&2
    exit 1
}

# Whether a child process has ended (gone, or a zombie not yet waited for).
has_exited() {
    local stat state
    [[ -r "/proc/$1/stat" ]] || return 0
    read -r stat 2>/dev/null <"/proc/$1/stat" || return 0
    state="${stat##*) }"
    [[ "${state%% *}" == Z ]]
}

# The helpers below run thousands of times while the questionnaire is walked: they use no
# subprocesses (on a loaded CI machine each fork costs milliseconds). nap SECONDS: sleep as a
# builtin, a read timing out on a pipe that never delivers.
exec {NAP_FD}<> <(:)
nap() { read -r -t "$1" -u "$NAP_FD" _ || true; }

# read_log: the state log's lines, in LOG_LINES.
LOG_LINES=()
read_log() {
    LOG_LINES=()
    if [[ -f "$LOG" ]]; then mapfile -t LOG_LINES <"$LOG"; fi
}

# mark_log: FROM becomes the number of state-log lines so far; what a tap does is looked for after it.
FROM=0
mark_log() {
    read_log
    FROM="${#LOG_LINES[@]}"
}

# find_line REGEX FROM: the first state-log line after line FROM matching the extended regex, in
# FOUND (status 1 if none).
FOUND=""
find_line() {
    local i
    read_log
    for ((i = $2; i < ${#LOG_LINES[@]}; i++)); do
        if [[ "${LOG_LINES[i]}" =~ $1 ]]; then
            FOUND="${LOG_LINES[i]}"
            return 0
        fi
    done
    return 1
}

# wait_for_line REGEX WHAT [FROM]: polls the state log until a line after line FROM (default: any
# line) matches the extended regex.
wait_for_line() {
    local regex="$1" what="$2" from="${3:-0}" deadline=$((SECONDS + TIMEOUT))
    while ((SECONDS < deadline)); do
        if find_line "$regex" "$from"; then
            say "ok: $what ($FOUND)"
            return 0
        fi
        if has_exited "$KIOSK_PID"; then
            find_line "$regex" "$from" && { say "ok: $what ($FOUND)"; return 0; } # its last words
            fail "$what: the kiosk exited before logging /$regex/"
        fi
        nap 0.03
    done
    fail "$what: no state-log line /$regex/ within ${TIMEOUT}s"
}

# The screen the kiosk shows now: its last `screen=` line.
current_screen() {
    local i
    read_log
    for ((i = ${#LOG_LINES[@]} - 1; i >= 0; i--)); do
        if [[ "${LOG_LINES[i]}" == *" screen="* ]]; then
            printf '%s\n' "${LOG_LINES[i]#* }"
            return 0
        fi
    done
    echo "(none yet)"
}

# read_targets: the visible touch targets, "X Y" by id in TXY, the ids in file order in TIDS, and
# the whole file as one string in TTEXT.
declare -A TXY=()
TIDS=()
TTEXT=""
read_targets() {
    local id x y
    TXY=()
    TIDS=()
    TTEXT=""
    [[ -f "$TARGETS" ]] || return 0
    while read -r id x y; do
        [[ -n "$id" ]] || continue
        TXY["$id"]="$x $y"
        TIDS+=("$id")
        TTEXT+="$id $x $y;"
    done <"$TARGETS"
}

# target_xy ID: the centre of a visible touch target in X and Y; status 1 when it is not visible.
X=0
Y=0
target_xy() {
    read_targets
    [[ -n "${TXY["$1"]+set}" ]] || return 1
    X="${TXY["$1"]% *}"
    Y="${TXY["$1"]#* }"
}
has_target() { target_xy "$1"; }
# wait_target ID: until ID is among the visible targets (10 s): the targets file follows the state
# log by a presented frame, which takes a while on a loaded machine (the body map's first frame).
wait_target() {
    local i
    for ((i = 0; i < 100; i++)); do
        target_xy "$1" && return 0
        sleep 0.1
    done
    return 1
}

# signature: what a tap may change, the visible targets and the length of the state log, in SIG.
SIG=""
signature() {
    read_targets
    read_log
    SIG="$TTEXT|${#LOG_LINES[@]}"
}

# wait_change BEFORE WHAT: until the targets or the state log differ from BEFORE (a signature).
wait_change() {
    local deadline=$((SECONDS + TAP_TIMEOUT))
    while signature && [[ "$SIG" == "$1" ]]; do
        has_exited "$KIOSK_PID" && fail "$2: the kiosk exited"
        ((SECONDS < deadline)) || fail "$2: nothing changed on screen within ${TAP_TIMEOUT}s"
        nap 0.02
    done
}

# A tap as a finger makes it: move, press, hold briefly, release, and lift away. The kiosk reads
# the pointer once a frame, so each step gets time for a frame before the next; above all the
# release, which must be seen where it happened: should the next tap's move come within the same
# frame, the release would land on the next target and the tap be lost (a loaded CI machine can
# stretch a frame to 100 ms; no finger is that fast).
# tap X Y [PAUSE]: PAUSE (default 0.15 s) after the release; 0 when the caller waits for what the
# tap does anyway (a new state-log line or new targets show the release was seen).
tap() {
    xdotool mousemove "$1" "$2" sleep 0.04 mousedown 1 sleep 0.06 mouseup 1 sleep "${3:-0.15}"
}

# tap_id ID [PAUSE]: taps a visible target; PAUSE as for tap. The kiosk logs a new screen during
# the frame that changes it and writes that screen's targets a frame later: a target not (yet)
# listed gets a second.
tap_id() {
    local deadline=$((SECONDS + 2))
    until target_xy "$1"; do
        ((SECONDS < deadline)) || fail "no visible touch target '$1' on: $(current_screen)"
        nap 0.02
    done
    tap "$X" "$Y" "${2:-0.15}"
}

# tap_wait ID WHAT: taps a target and waits until the screen shows it (targets or log change).
tap_wait() {
    local before
    signature
    before="$SIG"
    tap_id "$1" 0
    wait_change "$before" "${2:-tapping $1}"
}

# type_keys KEY...: taps on-screen keyboard keys (key:<KEY>).
type_keys() {
    local k
    for k in "$@"; do tap_id "key:$k"; done
}

# drag_page_up: a finger drags the page content up by about 320 px (scrolls down), in the middle
# of the page area above the navigation bar. Status 1 when nothing moved (the page is at its end).
drag_page_up() {
    local before x y args=() i
    signature
    before="$SIG"
    target_xy next || fail "no navigation bar to scroll above on: $(current_screen)"
    x=$((WIDTH / 2))
    y=$((Y - 100))
    args=(mousemove "$x" "$y" sleep 0.05 mousedown 1 sleep 0.05)
    for ((i = 1; i <= 8; i++)); do args+=(mousemove "$x" $((y - i * 40)) sleep 0.03); done
    args+=(sleep 0.1 mouseup 1 sleep 0.1)
    xdotool "${args[@]}"
    local deadline=$((SECONDS + 2))
    while signature && [[ "$SIG" == "$before" ]]; do
        ((SECONDS < deadline)) || return 1
        nap 0.03
    done
    return 0
}

# scroll_to ID: drags the page until target ID is visible (at most 6 drags).
scroll_to() {
    local i
    for ((i = 0; i < 6; i++)); do
        has_target "$1" && return 0
        drag_page_up || break
        say "ok: dragged the page up to look for $1"
    done
    has_target "$1" || fail "target '$1' is not visible, not even after dragging the page up, on: $(current_screen)"
}

# settle: the targets file is written after a frame is presented; give Xvfb a moment more.
settle() { sleep 0.3; }

# screenshot NAME: the whole X screen to OUT/NAME, which must have more than 10 colours.
screenshot() {
    local file="$OUT/$1" colours
    settle
    import -window root "$file" || fail "could not take screenshot $1"
    colours="$(identify -format '%k' "$file")"
    ((colours > 10)) || fail "screenshot $1 is blank ($colours colours)"
    say "ok: screenshot $1 ($colours colours)"
}

# expect_change BEFORE AFTER MIN_PIXELS WHAT: for steps the state log does not show, the two
# screenshots must differ in at least MIN_PIXELS pixels.
expect_change() {
    local changed
    changed="$(compare -metric AE "$OUT/$1" "$OUT/$2" null: 2>&1 || true)"
    changed="${changed%% *}"
    [[ "$changed" =~ ^[0-9]+$ ]] || fail "$4: could not compare $1 with $2 ($changed)"
    ((changed >= $3)) || fail "$4: only $changed pixels differ between $1 and $2"
    say "ok: $4 ($changed pixels changed)"
}

# start_kiosk NAME ARGS...: starts the kiosk from the source dir (the form path is relative),
# with its own data dir, state log and targets file.
start_kiosk() {
    local name="$1"
    shift
    LOG="$OUT/$name.state.log"
    TARGETS="$OUT/$name.targets"
    KIOSK_OUT="$OUT/$name.out"
    DATA="$OUT/$name-data"
    (cd "$SOURCE_DIR" && exec "$BIN" "$@" --data-dir "$DATA" --state-log "$LOG" --targets-file "$TARGETS") \
        >"$KIOSK_OUT" 2>&1 {NAP_FD}<&- &
    KIOSK_PID=$!
}

# The kiosk's visible top-level window (GLFW also makes an unmapped helper window).
kiosk_window() {
    local id
    id="$(xdotool search --sync --onlyvisible --pid "$KIOSK_PID" 2>/dev/null | head -n 1)" || true
    [[ -n "$id" ]] || fail "no visible window of the kiosk (pid $KIOSK_PID)"
    printf '%s\n' "$id"
}

# Sends WM_DELETE_WINDOW, what a window manager sends when the user closes a window (xdotool's
# windowclose/windowkill destroy the window or the client instead). Plain libX11 through ctypes.
request_close() {
    python3 - "$1" <<'PY' || fail "could not send WM_DELETE_WINDOW to window $1"
import ctypes, ctypes.util, sys

x11 = ctypes.cdll.LoadLibrary(ctypes.util.find_library("X11") or "libX11.so.6")
x11.XOpenDisplay.restype = ctypes.c_void_p
x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
x11.XInternAtom.restype = ctypes.c_ulong
x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]

class XClientMessageEvent(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                ("format", ctypes.c_int), ("l", ctypes.c_long * 5)]

class XEvent(ctypes.Union):
    _fields_ = [("xclient", XClientMessageEvent), ("pad", ctypes.c_long * 24)]

x11.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.POINTER(XEvent)]
x11.XFlush.argtypes = [ctypes.c_void_p]
x11.XCloseDisplay.argtypes = [ctypes.c_void_p]

display = x11.XOpenDisplay(None)
if not display:
    sys.exit("cannot open the X display")
event = XEvent()
event.xclient.type = 33  # ClientMessage
event.xclient.window = int(sys.argv[1])
event.xclient.message_type = x11.XInternAtom(display, b"WM_PROTOCOLS", 0)
event.xclient.format = 32
event.xclient.l[0] = x11.XInternAtom(display, b"WM_DELETE_WINDOW", 0)
event.xclient.l[1] = 0  # CurrentTime
if not x11.XSendEvent(display, event.xclient.window, 0, 0, ctypes.byref(event)):
    sys.exit("XSendEvent failed")
x11.XFlush(display)
x11.XCloseDisplay(display)
PY
}

# --- the questionnaire, page by page ----------------------------------------------------------
PAGE_RE="^[0-9.]+ screen=[a-z-]+ language=$LANGUAGE( page=.*)?\$"
PAGES=0 # question pages walked

# next_page WHAT: taps Next and waits for the kiosk's answer, left in GOT: a new screen (the text
# after "screen=") or the page's errors ("errors COUNT"). A screen in another language fails.
GOT=""
next_page() {
    local from old deadline=$((SECONDS + TAP_TIMEOUT))
    mark_log
    from="$FROM"
    read_targets
    old="$TTEXT"
    tap_id next 0
    while ((SECONDS < deadline)); do
        if find_line ' page-errors ' "$from"; then
            GOT="errors ${FOUND##*count=}"
            return 0
        elif find_line ' screen=' "$from"; then
            [[ "$FOUND" =~ $PAGE_RE ]] || fail "$1: the next screen is not in language '$LANGUAGE': $FOUND"
            GOT="${FOUND#* screen=}"
            # and its targets, a frame later (two pages with the same targets would only cost 2 s)
            deadline=$((SECONDS + 2))
            while read_targets && [[ "$TTEXT" == "$old" ]] && ((SECONDS < deadline)); do nap 0.02; done
            return 0
        fi
        has_exited "$KIOSK_PID" && fail "$1: the kiosk exited"
        nap 0.02
    done
    fail "$1: Next changed nothing within ${TAP_TIMEOUT}s"
}

# next_to PAGE: taps Next and expects question page PAGE.
next_to() {
    next_page "Next to page $1"
    [[ "$GOT" == "question language=$LANGUAGE page=$1" ]] || fail "expected question page $1 after Next, got: $GOT"
    say "ok: page $1"
    PAGES=$((PAGES + 1))
}

ANSWERED=" " # choice groups answered on the current page

# choose KEY CODE: taps the tile option:KEY:CODE (scrolling to it if needed).
choose() {
    scroll_to "option:$1:$2"
    tap_id "option:$1:$2"
    ANSWERED+="$1 "
}

# choose_defaults: every choice visible on the page and not yet answered here gets "No" (code no),
# or else its top-most option.
choose_defaults() {
    local id rest key xy rank old
    local -a keys=()
    local -A code=() best=()
    read_targets
    for id in "${TIDS[@]}"; do
        [[ "$id" == option:* ]] || continue
        rest="${id#option:}"
        key="${rest%%:*}"
        [[ "$ANSWERED" == *" $key "* ]] && continue
        xy="${TXY["$id"]}"
        rank=$((${xy#* } * 100000 + ${xy% *})) # top to bottom, then left to right
        [[ "${rest#*:}" == no ]] && rank=-1
        if [[ -z "${best["$key"]+set}" ]]; then
            keys+=("$key")
        else
            old="${best["$key"]}"
            ((rank < old)) || continue
        fi
        best["$key"]="$rank"
        code["$key"]="${rest#*:}"
    done
    for key in "${keys[@]}"; do choose "$key" "${code["$key"]}"; done
}

# finish_page PAGE: Next until the page is left (the next screen in GOT). After errors (a required
# answer not yet given) drags the page up to the choices below the fold and answers them; at the
# end of the page, taps the visible choices once more (a tap may have been lost on a slow machine).
LOST_TAPS=0
finish_page() {
    local tries retried=0
    for ((tries = 0; tries < 6; tries++)); do
        next_page "Next on page $1"
        [[ "$GOT" == errors* ]] || return 0
        if drag_page_up; then
            say "page $1 reports ${GOT#errors } error(s): answering below the fold"
        elif ((!retried)); then
            say "page $1 reports ${GOT#errors } error(s) and does not scroll: tapping its choices again"
            retried=1
            LOST_TAPS=$((LOST_TAPS + 1))
            ANSWERED=" "
        else
            fail "page $1 still reports ${GOT#errors } error(s) with every visible choice answered"
        fi
        choose_defaults
    done
    fail "page $1: still errors after $tries tries"
}

# answer_rows: answers the visible rows top to bottom, dragging the page up for more, until "No to
# the rest" is offered (every stop-level row answered on its own) or the page ends.
answer_rows() {
    local i
    for ((i = 0; i < 12; i++)); do
        choose_defaults
        # A single choice alone on its page moves on by itself: never drag the next page.
        nap 0.9
        find_line ' screen=' "$page_from" && return 0
        if has_target no-to-rest; then
            tap_id no-to-rest
            return 0
        fi
        drag_page_up || return 0
    done
}

# body_map_page: one tap on the chest of the front figure, which must log a mark there.
body_map_page() {
    local cx cy box h x y
    wait_target figure:front || fail "no front figure on the body map"
    cx="$X"
    cy="$Y"
    # The target gives the figure's centre; its height comes from the drawing: the lowest ink (the
    # soles) in a band from the gap between the legs (the band's corner, taken as background) to
    # beside the right foot, from below the centre to above the navigation bar. %@ is the box
    # around what differs from that corner.
    screenshot body-map-empty.png
    # The band ends above the navigation bar when the bar lies under the figures, else at the
    # bottom of the screen (in landscape the figures take the full height, the buttons beside them).
    target_xy next || fail "no Next on the body map"
    local band_end=$((HEIGHT - 2))
    if ((X < cx + 300)); then band_end=$((Y - 50)); fi
    box="$(identify -fuzz 10% -format '%@' "$OUT/body-map-empty.png[70x$((band_end - cy - 40))+$((cx - 2))+$((cy + 40))]")"
    [[ "$box" =~ ^[0-9]+x([0-9]+)\+[0-9]+\+([0-9]+)$ ]] ||
        fail "could not find the front figure's feet in body-map-empty.png ($box)"
    h=$((2 * (40 + BASH_REMATCH[2] + BASH_REMATCH[1] - 1))) # from the centre to the soles is half of it
    ((h > 100)) || fail "the front figure is only $h px tall (centre $cx,$cy)"
    # assets/body-map.json: the chest is 0.222 of the height down, 0.05 beside the midline; on the
    # front view the patient's right is on the viewer's left.
    x=$((cx - h * 5 / 100))
    y=$((cy - h / 2 + h * 222 / 1000))
    say "front figure: centre $cx,$cy, $h px tall: tapping the chest at $x,$y"
    mark_log
    tap "$x" "$y"
    wait_for_line ' mark-added region=chest side=right$' "a tap on the chest marks it" "$FROM"
    has_target mark:0 || { nap 0.3; has_target mark:0; } || fail "the mark is not shown on the figure"
    screenshot body-map.png
    expect_change body-map-empty.png body-map.png 200 "the mark shows on the body map"
}

# --- the X server ---------------------------------------------------------------------------
# -displayfd: Xvfb takes the first free display number itself (lock files checked atomically)
# and writes it to the file, so parallel runs never collide.
Xvfb -displayfd 3 -screen 0 "${WIDTH}x${HEIGHT}x24" -nolisten tcp -noreset \
    3>"$OUT/xvfb.display" >"$OUT/xvfb.log" 2>&1 {NAP_FD}<&- &
XVFB_PID=$!
deadline=$((SECONDS + 10))
while [[ ! -s "$OUT/xvfb.display" ]]; do
    if has_exited "$XVFB_PID" || ((SECONDS >= deadline)); then
        cat "$OUT/xvfb.log" >&2
        fail "Xvfb did not start"
    fi
    sleep 0.1
done
DISPLAY=":$(tr -dc '0-9' <"$OUT/xvfb.display")"
export DISPLAY
export LIBGL_ALWAYS_SOFTWARE=1 # llvmpipe: the same pixels on every machine
say "Xvfb on $DISPLAY (${WIDTH}x${HEIGHT}x24)"

# --- 1. windowed: a whole visit -------------------------------------------------------------------
printf '[kiosk]\nidle_warning_seconds = %d\nidle_reset_seconds = %d\n' "$IDLE_WARNING" "$IDLE_RESET" \
    >"$OUT/kiosk.toml"
# keygen pins the new certificate in kiosk.toml: verify trusts records signed with it.
"$BIN" keygen --config "$OUT/kiosk.toml" --data-dir "$OUT/windowed-data" >"$OUT/keygen.out" 2>&1 ||
    { cat "$OUT/keygen.out" >&2; fail "mrscreen keygen failed"; }
start_kiosk windowed --windowed "${WIDTH}x${HEIGHT}" --config "$OUT/kiosk.toml"
wait_for_line '^[0-9.]+ screen=welcome language=en$' "Welcome is shown"
wait_for_line "^[0-9.]+ first-frame ms=[0-9]+ size=${WIDTH}x${HEIGHT}\$" "the first frame is drawn"
deadline=$((SECONDS + 5))
until has_target start; do
    ((SECONDS < deadline)) || fail "no Start button in the targets file"
    nap 0.05
done
screenshot welcome.png

tap_id "lang:$LANGUAGE" # Español: the tile shows as chosen; the targets do not move
screenshot welcome-es.png
expect_change welcome.png welcome-es.png 2000 "tapping Español turns Welcome into Spanish"
mark_log
tap_id start 0
wait_for_line "^[0-9.]+ screen=question language=$LANGUAGE page=family-name\$" \
    "Español then Start opens the first question page in Spanish" "$FROM"
PAGES=1
# A page whose only question is an empty box opens the keyboard on it by itself.
settle
has_target key:done || fail "the family name page did not open the on-screen keyboard by itself"
screenshot question-es.png
tap_wait key:done "Done with nothing typed closes the keyboard"
tap_id next 0 # nothing answered yet: the page must say so
wait_for_line '^[0-9.]+ page-errors page=family-name count=1$' "Next without a name shows an error" "$FROM"
screenshot question-error.png

# Names on the on-screen keyboard; a name starts with shift on.
tap_wait field:family-name "tapping the field opens the on-screen keyboard"
has_target key:done || fail "the keyboard opened without a Done key"
type_keys m u ñ o z # "Muñoz": ñ has its own key in Spanish layouts
screenshot keyboard.png
# The keyboard logs no state change; it shows as a large change at the bottom of the screen.
expect_change question-error.png keyboard.png 100000 "tapping the field opens the on-screen keyboard"
# Done on a page's last field is Next: it closes the keyboard and moves on.
mark_log
tap_id key:done 0
wait_for_line "^[0-9.]+ screen=question language=$LANGUAGE page=given-name\$" "Done moves on to the given name" "$FROM"
PAGES=$((PAGES + 1))
settle
has_target key:done || fail "the given name page did not open the on-screen keyboard by itself"
type_keys j o s
tap_wait key:layer:accents "the accents layer opens"
has_target key:é || fail "the accents layer has no é"
screenshot accents.png
type_keys é # "José"
mark_log
tap_id key:done 0
wait_for_line "^[0-9.]+ screen=question language=$LANGUAGE page=birth-date\$" "Done on the accents layer moves on" "$FROM"
PAGES=$((PAGES + 1))

# Birth date typed on the number pad, in the Spanish order (day, month, year): the page opens the
# pad on the day box by itself, digits only (no decimal key), each whole part moves on to the next
# box, and the whole date moves the page on by itself after the short pause. 5 March, 60 years ago;
# then Back, and a stepper, the aid, takes it a day on and back.
settle
has_target key:5 || fail "the birth date page did not open the number pad by itself"
has_target key:. && fail "the date's number pad shows a decimal key, which types nothing in a date"
type_keys 0 5 0 3
screenshot date.png
BIRTH_YEAR=$(($(date +%Y) - 60))
mark_log
type_keys "${BIRTH_YEAR:0:1}" "${BIRTH_YEAR:1:1}" "${BIRTH_YEAR:2:1}" "${BIRTH_YEAR:3:1}"
wait_for_line "^[0-9.]+ auto-advance page=birth-date\$" "a whole date moves on by itself" "$FROM"
wait_for_line "^[0-9.]+ screen=question language=$LANGUAGE page=sex\$" "the page after the birth date" "$FROM"
tap_wait back "Back to the birth date"
tap_id date:birth-date:day:plus
tap_id date:birth-date:day:minus

# Sex, weight and height are rows of one page; the number fields appear with their unit. In
# Spanish, kilograms and centimetres are chosen already (metric by default); choosing inches opens
# the number pad on the feet by itself.
next_to sex
choose sex female
scroll_to field:weight-kg # kilograms, without a tap
tap_wait field:weight-kg "the weight field opens the number pad"
if ! has_target key:7 || has_target key:q; then fail "the weight field did not open a number pad"; fi
type_keys 7 2
screenshot numberpad.png
tap_wait key:done

choose height-unit '[in_i]'
settle
has_target key:5 || fail "choosing inches did not open the number pad on the feet"
type_keys 5
tap_wait key:done
scroll_to field:height-in:inches
tap_wait field:height-in:inches "the inches field opens the number pad"
type_keys 6
screenshot feet-inches.png
mark_log
tap_id key:done 0 # the last field of the page: Done moves on
wait_for_line ' screen=' "Done on the inches moves on" "$FROM"
GOT="${FOUND#* screen=}"

# Every other page: "No" or the top-most choice, except for the implants. A single choice alone
# on its page moves on by itself after a short pause: Next only when it did not.
seen_details=0
for ((guard = 0; guard < 150; guard++)); do
    case "$GOT" in
        "review language=$LANGUAGE") break ;;
        "body-map language=$LANGUAGE page="*)
            say "ok: the body map (${GOT##*page=})"
            body_map_page
            finish_page body-map
            continue
            ;;
        "question language=$LANGUAGE page="*) page="${GOT##*page=}" ;;
        *) fail "unexpected screen while walking the questionnaire: $GOT" ;;
    esac
    PAGES=$((PAGES + 1))
    ANSWERED=" "
    mark_log
    page_from="$FROM" # answer_rows and the auto-advance check look for a new screen after it
    case "$page" in
        has-implants) choose "$page" yes ;;
        implant-devices-heart)
            # The stop-level devices are rows of one page, each answered on its own.
            choose implant-pacemaker yes
            answer_rows
            ;;
        implant-pacemaker-details)
            seen_details=1
            screenshot implant-details.png
            # The last field is below the fold: a finger drags the page up to it.
            has_target field:implant-pacemaker-model && fail "the details page fits: no scrolling to test"
            scroll_to field:implant-pacemaker-model
            screenshot implant-details-scrolled.png
            ;;
        *) answer_rows ;;
    esac
    prev="$page"
    nap 1.2
    if find_line ' screen=' "$page_from"; then
        [[ "$FOUND" =~ $PAGE_RE ]] || fail "page $page moved on to a screen not in language '$LANGUAGE': $FOUND"
        GOT="${FOUND#* screen=}"
    else
        finish_page "$page"
    fi
    case "$prev" in
        implant-devices-heart) [[ "$GOT" == *" page=implant-pacemaker-details" ]] ||
            fail "pacemaker yes did not lead to its details page: $GOT" ;;
    esac
done
[[ "$GOT" == "review language=$LANGUAGE" ]] || fail "no Review after $guard pages"
((seen_details)) || fail "the pacemaker details page was never shown"
grep -Eq ' mark-added ' "$LOG" || fail "the body map was never shown"
say "ok: walked $PAGES question pages to Review ($LOST_TAPS page(s) needed a choice tapped twice)"
screenshot review.png

mark_log
tap_id review-continue 0
wait_for_line "^[0-9.]+ screen=sign language=$LANGUAGE( |\$)" "Review, then Continue opens Sign" "$FROM"
screenshot sign.png
mark_log
tap_id submit 0
wait_for_line '^[0-9.]+ submit-refused reason=' "Submit before signing is refused" "$FROM"
screenshot sign-refused.png
grep -Eq ' submitted ' "$LOG" && fail "a submission was accepted without a signature"
choose completed-by patient
tap_id confirm:attest
target_xy signature-pad || fail "no signature pad"
args=(mousemove $((X - 240)) "$Y" sleep 0.05 mousedown 1 sleep 0.05)
for ((i = 1; i <= 24; i++)); do args+=(mousemove $((X - 240 + i * 20)) $((Y + (i % 4 - 2) * 18)) sleep 0.02); done
args+=(sleep 0.1 mouseup 1 sleep 0.1)
xdotool "${args[@]}"
screenshot signed.png
expect_change sign-refused.png signed.png 1000 "the attestation is checked and the signature is drawn"
mark_log
tap_id submit 0
wait_for_line '^[0-9.]+ submitted id=1 record=' "the signed screening is submitted as screening 1" "$FROM"
wait_for_line "^[0-9.]+ screen=submitted language=$LANGUAGE\$" "the thank-you screen follows" "$FROM"
screenshot submitted.png

mark_log
tap_id finish 0
wait_for_line '^[0-9.]+ screen=welcome language=en$' "Finish returns to Welcome, in English again" "$FROM"
mark_log
tap_id start 0
wait_for_line '^[0-9.]+ screen=question language=en page=family-name$' "Start again, and no more touches" "$FROM"

# While the kiosk waits untouched: what was submitted.
record="$(grep -E -m 1 ' submitted id=1 record=' "$LOG")"
record="${record#* record=}"
[[ -s "$record" ]] || fail "the record $record does not exist"
[[ "$(head -c 5 "$record")" == "%PDF-" ]] || fail "the record $record is not a PDF"
"$BIN" --config "$OUT/kiosk.toml" --data-dir "$DATA" verify "$record" >"$OUT/verify.out" 2>&1 ||
    { cat "$OUT/verify.out" >&2; fail "the record does not verify (mrscreen verify, against this data dir)"; }
grep -q 'signature valid' "$OUT/verify.out" || fail "the record's signature is not valid: $(cat "$OUT/verify.out")"
say "ok: the record $record is a PDF with a valid signature"
"$BIN" --data-dir "$DATA" show 1 --json >"$OUT/screening-1.json" 2>"$OUT/show.err" ||
    fail "mrscreen show 1 failed: $(cat "$OUT/show.err")"
python3 - "$OUT/screening-1.json" <<'PY' || fail "the stored answers are not what was tapped (see above)"
import datetime, json, sys

doc = json.load(open(sys.argv[1], encoding="utf-8"))
answers = {}  # linkId: every answer given to it, in order (a repeated group repeats its items)
def walk(items):
    for item in items:
        for answer in item.get("answer", []):
            for key, value in answer.items():
                if key.startswith("value"):
                    answers.setdefault(item["linkId"], []).append(value["code"] if isinstance(value, dict) else value)
            walk(answer.get("item", []))
        walk(item.get("item", []))
walk(doc["response"]["item"])
first = {k: v[0] for k, v in answers.items()}
year = datetime.date.today().year - 60
expected = {"family-name": "Muñoz", "given-name": "José", "sex": "female", "weight-unit": "kg", "weight-kg": 72,
            "height-unit": "[in_i]", "height-in": 66, "has-implants": "no", "implant-pacemaker": "yes",
            "completed-by": "patient", "attest": True}
wrong = [f"{k}: {first.get(k)!r}, expected {v!r}" for k, v in expected.items() if first.get(k) != v]
birth = str(first.get("birth-date", ""))
if not (birth.endswith("-03-05") and abs(int(birth[:4] or 0) - year) <= 1):
    wrong.append(f"birth-date: {birth!r}, expected about {year}-03-05")
regions = answers.get("body-mark-region", [])
if regions != ["chest"]:
    wrong.append(f"body marks: {regions}, expected one on the chest")
if doc.get("language") != "es":
    wrong.append(f"language: {doc.get('language')!r}")
for w in wrong:
    print("ui_window: wrong answer:", w, file=sys.stderr)
sys.exit(1 if wrong else 0)
PY
say "ok: screening 1 holds the names, birth date, weight, height, implants, body mark and attestation tapped"

TIMEOUT=$((IDLE_WARNING + 10))
wait_for_line '^[0-9.]+ idle-warning$' "untouched, the question page warns after ${IDLE_WARNING}s" "$FROM"
deadline=$((SECONDS + 5))
until has_target still-here; do
    ((SECONDS < deadline)) || fail "the idle warning shows no \"still here\" button"
    nap 0.05
done
screenshot idle.png
deadline=$((SECONDS + IDLE_RESET + 5))
until find_line '^[0-9.]+ reset reason=idle$' "$FROM"; do
    ((SECONDS < deadline)) ||
        fail "no reset ${IDLE_RESET}s after the idle warning: the answers would stay on screen until touched." \
            "(A kiosk waiting in poll, below, with no timeout computed a negative deadline.)"
    nap 0.05
done
say "ok: then resets after ${IDLE_RESET}s more ($FOUND)"
TIMEOUT=20
wait_for_line '^[0-9.]+ screen=welcome language=en$' "the idle reset returns to Welcome" "$FROM"
grep -Eq ' submitted id=2' "$LOG" && fail "the idle reset submitted something"

# The hidden staff gesture: a finger held on the top-left corner.
mark_log
xdotool mousemove 5 5 sleep 0.05 mousedown 1 sleep 3.5 mouseup 1 sleep 0.1
wait_for_line '^[0-9.]+ staff-gesture$' "holding the top-left corner is the staff gesture" "$FROM"
wait_for_line '^[0-9.]+ screen=staff-sign-in language=en$' "it opens staff sign-in" "$FROM"
deadline=$((SECONDS + 5))
until has_target staff-cancel; do
    ((SECONDS < deadline)) || fail "staff sign-in shows no Cancel button"
    nap 0.05
done
screenshot staff-sign-in.png
mark_log
tap_id staff-cancel 0
wait_for_line '^[0-9.]+ screen=welcome language=en$' "Cancel on staff sign-in returns to Welcome" "$FROM"

# A windowed kiosk (staff testing) closes on request; this also proves the request is delivered.
request_close "$(kiosk_window)"
wait_for_line '^[0-9.]+ exit$' "windowed mode closes on a close request"
deadline=$((SECONDS + 10))
until has_exited "$KIOSK_PID"; do
    ((SECONDS < deadline)) || fail "the windowed kiosk logged exit but did not end"
    sleep 0.1
done
wait "$KIOSK_PID" || fail "the windowed kiosk exited with status $?"
KIOSK_PID=""

# --- 2. fullscreen: a patient cannot close it --------------------------------------------------
start_kiosk fullscreen
wait_for_line "^[0-9.]+ first-frame ms=[0-9]+ size=${WIDTH}x${HEIGHT}\$" "the fullscreen kiosk fills the screen"
screenshot fullscreen.png
request_close "$(kiosk_window)"
wait_for_line '^[0-9.]+ close-request-ignored$' "fullscreen mode ignores a close request"
sleep 1
has_exited "$KIOSK_PID" && fail "the fullscreen kiosk ended after a close request"
grep -Eq '^[0-9.]+ exit$' "$LOG" && fail "the fullscreen kiosk logged exit after a close request"
tap_id start 0 # to show it still responds
wait_for_line '^[0-9.]+ screen=question language=en page=family-name$' \
    "after the ignored close request the kiosk still answers a tap"
say "ok: the fullscreen kiosk is still running (pid $KIOSK_PID); stopping it as systemd does (SIGTERM)"
[[ -n "$(find "$DATA" -name '*.open' 2>/dev/null)" ]] || fail "the running kiosk left no store session marker in $DATA"
kill -TERM "$KIOSK_PID"
wait_for_line '^[0-9.]+ stop-signal TERM$' "SIGTERM ends the kiosk's window loop"
wait_for_line '^[0-9.]+ exit$' "after SIGTERM the kiosk closes as a staff quit does"
wait "$KIOSK_PID" || fail "after SIGTERM the kiosk exited with status $?"
KIOSK_PID=""
left="$(find "$DATA" -name '*.open' 2>/dev/null)"
[[ -z "$left" ]] || fail "after SIGTERM the store's session marker was left ($left): the next start would take the stop for a crash and read the whole database"

say "PASS in ${SECONDS}s; screenshots in $OUT"
