#!/usr/bin/env bash
# bench_kiosk.sh: what the running kiosk costs the machine it sits on. Starts the real kiosk
# (fullscreen, as deployed) on a headless X server (Xvfb 1280x800x24, Mesa llvmpipe) and measures
#   1. idle CPU: utime+stime from /proc/PID/stat over --seconds (default 60) with nobody touching
#      the screen, on Welcome and then on the first question page; % of one core, target < 1 %;
#   2. resident memory: VmRSS and VmHWM from /proc/PID/status after each idle window, target < 80 MiB,
#      each with the kiosk's private share beside it (Private_Clean + Private_Dirty from
#      /proc/PID/smaps_rollup): RSS also counts the pages of shared libraries, above all Mesa's
#      libLLVM, which are shared with every other process using them and can be dropped and read
#      again from disk under memory pressure;
#      and its anonymous memory (Anonymous: in smaps_rollup: heap, stacks and the renderer's
#      buffers and textures, the part the kiosk itself can make smaller), target < 30 MiB;
#   3. start to first frame: the `first-frame ms=` state-log line, median of 5 starts, for information.
# Prints a markdown table. Needs Xvfb and xdotool (kiosk-setup/mrscreen test installs them).
# usage: tests/bench/bench_kiosk.sh [--seconds N] [--binary PATH]   (default binary: build/mrscreen)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
BIN="$REPO_ROOT/build/mrscreen"
SECONDS_IDLE=60
STARTS=5
WIDTH=1280
HEIGHT=800
CPU_TARGET=1  # % of one core
RSS_TARGET=80 # MiB
ANON_TARGET=30 # MiB

usage() { echo "usage: $0 [--seconds N] [--binary PATH]   (N > 0, default 60)"; }
while [[ "$#" -gt 0 ]]; do
    case "$1" in
        --seconds)
            [[ "$#" -ge 2 && "$2" =~ ^[0-9]+$ && "$2" -gt 0 ]] || { usage >&2; exit 2; }
            SECONDS_IDLE="$2"
            shift 2
            ;;
        --binary)
            [[ "$#" -ge 2 ]] || { usage >&2; exit 2; }
            BIN="$2"
            shift 2
            ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done

die() { printf 'bench_kiosk: error: %s\n' "$*" >&2; exit 1; }
# shellcheck source-path=SCRIPTDIR
# shellcheck source=bench_common.sh
source "$REPO_ROOT/tests/bench/bench_common.sh"
for tool in Xvfb xdotool; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (kiosk-setup/mrscreen test installs it)"
done
BIN="$(readlink -f "$BIN")"
[[ -x "$BIN" ]] || die "no kiosk binary at $BIN (build it, or pass --binary PATH)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mrscreen-bench-kiosk.XXXXXX")"
XVFB_PID=""
KIOSK_PID=""
LOG=""
cleanup() {
    stop_pid "$KIOSK_PID"
    stop_pid "$XVFB_PID"
    rm -rf "$WORK"
}
trap cleanup EXIT

# wait_for_line REGEX: polls the running kiosk's state log (20 s at most).
wait_for_line() { wait_for_log "$KIOSK_PID" "$LOG" "$1"; }

# start_kiosk N: a fullscreen kiosk with state log N; the data dir is shared, so only the first
# start creates the store.
start_kiosk() {
    LOG="$WORK/state-$1.log"
    # As kiosk-setup/kiosk-session.sh starts it: no compose table for a keyboard it does not have.
    (cd "$REPO_ROOT" && XCOMPOSEFILE=/dev/null exec "$BIN" --config "$WORK/bench.toml" --data-dir "$WORK/data" --state-log "$LOG") \
        >"$LOG.out" 2>&1 &
    KIOSK_PID=$!
}

# CPU seconds (user + system, all threads) the process has used so far, in clock ticks.
cpu_ticks() {
    local stat rest
    stat="$(cat "/proc/$1/stat")"
    rest="${stat##*) }" # fields from 3 (state) on; comm may hold spaces
    read -r -a f <<<"$rest"
    echo $((f[11] + f[12])) # utime (14), stime (15)
}

status_kb() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }

# memory_kb PID FIELD...: the sum of the FIELDs (kB) over all the process's mappings: from
# smaps_rollup (Linux 4.14+), else summed over smaps.
memory_kb() {
    local file="/proc/$1/smaps_rollup"
    shift
    [[ -r "$file" ]] || file="${file%_rollup}"
    awk -v fields=" $* " '$1 ~ /:$/ && index(fields, " " substr($1, 1, length($1) - 1) " ") { kb += $2 } END { print kb + 0 }' "$file"
}
private_kb() { memory_kb "$1" Private_Clean Private_Dirty; }

# idle_cpu: "PERCENT TICKS": % of one core over SECONDS_IDLE seconds with nobody touching the
# screen, and the clock ticks (1/CLK_TCK s) it is made of.
idle_cpu() {
    local before after
    before="$(cpu_ticks "$KIOSK_PID")"
    sleep "$SECONDS_IDLE"
    after="$(cpu_ticks "$KIOSK_PID")"
    awk -v d="$((after - before))" -v hz="$(getconf CLK_TCK)" -v s="$SECONDS_IDLE" \
        'BEGIN { printf "%.2f %d\n", d / hz / s * 100, d }'
}

mib() { awk -v kb="$1" 'BEGIN { printf "%.1f", kb / 1024 }'; }
status_of() { awk -v x="$1" -v limit="$2" 'BEGIN { print (x < limit ? "PASS" : "MISS") }'; }

# The idle warning must not start inside the question-page window: keep it past the window.
cat >"$WORK/bench.toml" <<TOML
[kiosk]
idle_warning_seconds = $((SECONDS_IDLE + 60 > 90 ? SECONDS_IDLE + 60 : 90))
TOML

start_xvfb "${WIDTH}x${HEIGHT}"

echo "bench_kiosk: $BIN fullscreen on Xvfb ${WIDTH}x${HEIGHT}x24 (Mesa llvmpipe, no GPU), idle windows of" \
    "${SECONDS_IDLE} s; $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" >&2

# 1 + 2: idle on Welcome, then on the first question page.
start_kiosk idle
wait_for_line ' first-frame ms='
sleep 2 # let the first frames and start-up work finish
echo "bench_kiosk: idle on Welcome for ${SECONDS_IDLE} s" >&2
read -r cpu_welcome ticks_welcome < <(idle_cpu)
rss_welcome="$(status_kb "$KIOSK_PID" VmRSS)"
private_welcome="$(private_kb "$KIOSK_PID")"
anon_welcome="$(memory_kb "$KIOSK_PID" Anonymous)"
xdotool mousemove 1040 735 sleep 0.1 mousedown 1 sleep 0.1 mouseup 1 # Start
wait_for_line ' screen=question .*page=family-name$'
sleep 2
echo "bench_kiosk: idle on the first question page for ${SECONDS_IDLE} s" >&2
read -r cpu_question ticks_question < <(idle_cpu)
rss_question="$(status_kb "$KIOSK_PID" VmRSS)"
private_question="$(private_kb "$KIOSK_PID")"
anon_question="$(memory_kb "$KIOSK_PID" Anonymous)"
pss_question="$(memory_kb "$KIOSK_PID" Pss)"
hwm="$(status_kb "$KIOSK_PID" VmHWM)"
rss_anon="$(status_kb "$KIOSK_PID" RssAnon)"
rss_file="$(status_kb "$KIOSK_PID" RssFile)"
# How much of it is the software OpenGL driver (Mesa llvmpipe: libLLVM and the DRI driver, called
# libgallium-*.so from Mesa 24.2): all its resident pages, and those private to the kiosk (the
# relocated data of the libraries).
read -r rss_mesa private_mesa < <(awk '
    /^[0-9a-f]+-[0-9a-f]+ / { mesa = ($6 ~ /libLLVM|_dri\.so|libgallium/) }
    mesa && $1 == "Rss:" { rss += $2 }
    mesa && ($1 == "Private_Clean:" || $1 == "Private_Dirty:") { private += $2 }
    END { print rss + 0, private + 0 }' "/proc/$KIOSK_PID/smaps")
stop_pid "$KIOSK_PID"
KIOSK_PID=""

# 3: start to first frame.
echo "bench_kiosk: ${STARTS} starts to the first frame" >&2
first_frames=()
for i in $(seq 1 "$STARTS"); do
    start_kiosk "start-$i"
    wait_for_line ' first-frame ms='
    first_frames+=("$(first_frame_ms "$LOG")")
    stop_pid "$KIOSK_PID"
    KIOSK_PID=""
done
mapfile -t sorted < <(printf '%s\n' "${first_frames[@]}" | sort -n)
median="${sorted[$((STARTS / 2))]}"

echo
echo "| Measure | Result | Target | Status |"
echo "| --- | --- | --- | --- |"
echo "| Idle CPU on Welcome (${SECONDS_IDLE} s) | ${cpu_welcome} % of a core (${ticks_welcome} ticks) | < ${CPU_TARGET} % | $(status_of "$cpu_welcome" "$CPU_TARGET") |"
echo "| Idle CPU on the first question page (${SECONDS_IDLE} s) | ${cpu_question} % of a core (${ticks_question} ticks) | < ${CPU_TARGET} % | $(status_of "$cpu_question" "$CPU_TARGET") |"
echo "| VmRSS on Welcome (private to the kiosk) | $(mib "$rss_welcome") MiB ($(mib "$private_welcome") MiB) | < ${RSS_TARGET} MiB | $(status_of "$(mib "$rss_welcome")" "$RSS_TARGET") |"
echo "| VmRSS on the question page (private to the kiosk) | $(mib "$rss_question") MiB ($(mib "$private_question") MiB) | < ${RSS_TARGET} MiB | $(status_of "$(mib "$rss_question")" "$RSS_TARGET") |"
echo "| Anonymous memory on Welcome | $(mib "$anon_welcome") MiB | < ${ANON_TARGET} MiB | $(status_of "$(mib "$anon_welcome")" "$ANON_TARGET") |"
echo "| Anonymous memory on the question page | $(mib "$anon_question") MiB | < ${ANON_TARGET} MiB | $(status_of "$(mib "$anon_question")" "$ANON_TARGET") |"
echo "| VmHWM (peak RSS) | $(mib "$hwm") MiB | < ${RSS_TARGET} MiB | $(status_of "$(mib "$hwm")" "$RSS_TARGET") |"
echo "| RSS on the question page: anonymous / file-backed | $(mib "$rss_anon") / $(mib "$rss_file") MiB | - | info |"
echo "| RSS in Mesa's code (libLLVM, DRI driver): all / private | $(mib "$rss_mesa") / $(mib "$private_mesa") MiB | - | info |"
echo "| PSS on the question page (shared pages divided among their users) | $(mib "$pss_question") MiB | - | info |"
echo "| Start to first frame (median of ${STARTS}) | ${median} ms (min ${sorted[0]}, max ${sorted[$((STARTS - 1))]}) | - | info |"
