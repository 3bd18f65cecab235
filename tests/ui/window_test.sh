#!/usr/bin/env bash
# The real kiosk window, end to end: GLFW + OpenGL (Mesa llvmpipe) on a headless X server (Xvfb),
# tapped with xdotool and checked through the state log the kiosk writes (--state-log).
#   1. windowed 1280x800: Welcome draws, Español turns it Spanish, Start opens the first question
#      page in Spanish, tapping the field opens the on-screen keyboard, and a close request (WM_DELETE_WINDOW)
#      closes it, as windowed mode allows;
#   2. fullscreen on the same screen: the same close request is ignored (`close-request-ignored`),
#      the process stays alive and still answers a tap.
# Screenshots of each screen stay in OUTPUT_DIR as artifacts, each checked not to be blank.
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
TIMEOUT=20 # seconds to wait for each expected state-log line

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
KIOSK_OUT=""  # its stdout + stderr

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
    printf 'ui_window: FAIL: %s\n' "$*" >&2
    if [[ -n "$LOG" ]]; then
        printf -- '--- state log %s:\n' "$LOG" >&2
        cat "$LOG" >&2 2>/dev/null || echo "(no state log written)" >&2
    fi
    if [[ -n "$KIOSK_OUT" && -s "$KIOSK_OUT" ]]; then
        printf -- '--- kiosk output %s:\n' "$KIOSK_OUT" >&2
        cat "$KIOSK_OUT" >&2
    fi
    printf -- '--- screenshots so far in %s\n' "$OUT" >&2
    exit 1
}

# Whether a child process has ended (gone, or a zombie not yet waited for).
has_exited() {
    local stat state
    [[ -r "/proc/$1/stat" ]] || return 0
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 0
    state="${stat##*) }"
    [[ "${state%% *}" == Z ]]
}

# wait_for_line REGEX WHAT: polls the state log until a line matches (extended regex).
wait_for_line() {
    local regex="$1" what="$2" deadline=$((SECONDS + TIMEOUT))
    while ((SECONDS < deadline)); do
        if grep -Eq -- "$regex" "$LOG" 2>/dev/null; then
            say "ok: $what ($(grep -E -- "$regex" "$LOG" | head -n 1))"
            return 0
        fi
        has_exited "$KIOSK_PID" && fail "$what: the kiosk exited before logging /$regex/"
        sleep 0.1
    done
    fail "$what: no state-log line /$regex/ within ${TIMEOUT}s"
}

# A tap as a finger makes it: move, press, hold briefly, release.
tap() {
    xdotool mousemove "$1" "$2" sleep 0.1 mousedown 1 sleep 0.1 mouseup 1
}

# The kiosk redraws a few frames after each input; give it time to present them.
settle() { sleep 0.6; }

# screenshot NAME: the whole X screen to OUT/NAME, which must have more than 10 colours.
screenshot() {
    local file="$OUT/$1" colours
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
# with its own data dir and state log.
start_kiosk() {
    local name="$1"
    shift
    LOG="$OUT/$name.state.log"
    KIOSK_OUT="$OUT/$name.out"
    (cd "$SOURCE_DIR" && exec "$BIN" "$@" --data-dir "$OUT/$name-data" --state-log "$LOG") >"$KIOSK_OUT" 2>&1 &
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

# --- the X server ---------------------------------------------------------------------------
# -displayfd: Xvfb takes the first free display number itself (lock files checked atomically)
# and writes it to the file, so parallel runs never collide.
Xvfb -displayfd 3 -screen 0 "${WIDTH}x${HEIGHT}x24" -nolisten tcp -noreset \
    3>"$OUT/xvfb.display" >"$OUT/xvfb.log" 2>&1 &
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

# --- 1. windowed --------------------------------------------------------------------------------
start_kiosk windowed --windowed "${WIDTH}x${HEIGHT}"
wait_for_line '^[0-9.]+ screen=welcome language=en$' "Welcome is shown"
wait_for_line "^[0-9.]+ first-frame ms=[0-9]+ size=${WIDTH}x${HEIGHT}\$" "the first frame is drawn"
settle
screenshot welcome.png

tap 492 255 # Español
settle
screenshot welcome-es.png
expect_change welcome.png welcome-es.png 2000 "tapping Español turns Welcome into Spanish"
tap 1040 735 # Start
wait_for_line '^[0-9.]+ screen=question language=es page=family-name$' \
    "Español then Start opens the first question page in Spanish"
settle
screenshot question-es.png

tap 640 205 # the "Last name" field
settle
screenshot keyboard.png
# The keyboard logs no state change; it shows as a large change at the bottom of the screen.
expect_change question-es.png keyboard.png 100000 "tapping the field opens the on-screen keyboard"

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
settle
screenshot fullscreen.png
request_close "$(kiosk_window)"
wait_for_line '^[0-9.]+ close-request-ignored$' "fullscreen mode ignores a close request"
sleep 1
has_exited "$KIOSK_PID" && fail "the fullscreen kiosk ended after a close request"
grep -Eq '^[0-9.]+ exit$' "$LOG" && fail "the fullscreen kiosk logged exit after a close request"
tap 1040 735 # Start, to show it still responds
wait_for_line '^[0-9.]+ screen=question language=en page=family-name$' \
    "after the ignored close request the kiosk still answers a tap"
say "ok: the fullscreen kiosk is still running (pid $KIOSK_PID); stopping it"
stop_pid "$KIOSK_PID"
KIOSK_PID=""

say "PASS; screenshots in $OUT"
