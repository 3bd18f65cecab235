#!/usr/bin/env bash
# bench_station.sh: how soon a staff station shows a new submission, and what it costs while idle.
# Starts the real `mrscreen station` (in a 1280x2000 window, tall enough for every new row to be in
# view on a headless X server, Xvfb + Mesa
# llvmpipe) over an empty data directory, signs Nina in with the on-screen keyboard, and measures
#   1. idle CPU: utime+stime ticks from /proc/PID/stat over --seconds (default 10) with nobody
#      touching the screen, at rest on sign-in and signed in on the queue;
#   2. new-submission-to-queue latency: `mrscreen import` (another process) stores a screening;
#      the time from its submitted_at (stamped in the committing transaction) until the station's
#      --targets-file lists the new row "queue:<id>" (written after the frame that shows it is
#      presented), --runs times (default 5); a run that does not show it within --cap seconds
#      (default 30) counts as "not shown".
# Prints a markdown table. Run it against two binaries to compare (--binary).
# usage: tests/bench/bench_station.sh [--binary PATH] [--seconds N] [--runs N] [--cap S] [--display N]
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
BIN="$REPO_ROOT/build/mrscreen"
IDLE=10
RUNS=5
CAP=30
DISPLAY_NUMBER=47

usage() { echo "usage: $0 [--binary PATH] [--seconds N] [--runs N] [--cap S] [--display N]"; }
while [[ "$#" -gt 0 ]]; do
    case "$1" in
        --binary) BIN="$2"; shift 2 ;;
        --seconds) IDLE="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --cap) CAP="$2"; shift 2 ;;
        --display) DISPLAY_NUMBER="$2"; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done

die() { printf 'bench_station: error: %s\n' "$*" >&2; exit 1; }
# shellcheck source-path=SCRIPTDIR
# shellcheck source=bench_common.sh
source "$REPO_ROOT/tests/bench/bench_common.sh"
for tool in Xvfb xdotool python3; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (kiosk-setup/mrscreen test installs it)"
done
BIN="$(readlink -f "$BIN")"
[[ -x "$BIN" ]] || die "no mrscreen binary at $BIN (build it, or pass --binary PATH)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mrscreen-bench-station.XXXXXX")"
XVFB_PID=""
STATION_PID=""
cleanup() {
    for pid in "$STATION_PID" "$XVFB_PID"; do
        [[ -n "$pid" ]] || continue
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

DATA="$WORK/data"
TARGETS="$WORK/targets"
LOG="$WORK/state.log"
CONFIG="$WORK/mrscreen.toml"
# Staff stay signed in through the whole measurement (the default signs them out after 2 min).
printf '[kiosk]\nstaff_idle_seconds = 3600\n[site]\nname = "Bench MRI"\n' >"$CONFIG"
cd "$REPO_ROOT" # the binary reads forms/ from here
# An empty queue and one nurse: each new screening's row is in view (the targets file lists only
# visible targets, and the queue shows the oldest first).
PIN=482913
echo "$PIN" | "$BIN" staff add --data-dir "$DATA" --config "$CONFIG" --username nina --name "Nina Nurse" \
    --role nurse >/dev/null

Xvfb ":$DISPLAY_NUMBER" -screen 0 1280x2000x24 -nolisten tcp >/dev/null 2>&1 &
XVFB_PID=$!
export DISPLAY=":$DISPLAY_NUMBER"
for _ in $(seq 50); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.1; done

"$BIN" station --windowed 1280x2000 --data-dir "$DATA" --config "$CONFIG" --state-log "$LOG" \
    --targets-file "$TARGETS" >"$WORK/station.out" 2>&1 &
STATION_PID=$!

ticks() { awk '{ print $14 + $15 }' "/proc/$STATION_PID/stat"; }
idle_ticks() {
    sleep 2 # whatever the last tap started settles
    local before after
    before="$(ticks)"
    sleep "$IDLE"
    after="$(ticks)"
    echo $((after - before))
}

for _ in $(seq 100); do [[ -s "$TARGETS" ]] && break; sleep 0.1; done
IDLE_SIGN_IN="$(idle_ticks)"

sign_in_staff nina "$PIN"
IDLE_QUEUE="$(idle_ticks)"

LATENCIES=()
for _ in $(seq "$RUNS"); do
    started="$(date -u +%s.%N)"
    out="$("$BIN" import --data-dir "$DATA" --config "$CONFIG" --response forms/examples/pacemaker.json --json)"
    returned="$(date -u +%s.%N)"
    [[ "$out" =~ \"id\":\ *([0-9]+) ]] || die "mrscreen import printed no id: $out"
    id="${BASH_REMATCH[1]}" # no python3 start-up between the import and the first look
    shown=""
    deadline=$((SECONDS + CAP))
    while ((SECONDS < deadline)); do
        if grep -q "^queue:$id " "$TARGETS" 2>/dev/null; then shown="$(date -u +%s.%N)"; break; fi
        sleep 0.01
    done
    # Asked only now: the query is a process of its own and takes longer than the station does.
    submitted="$("$BIN" queue --data-dir "$DATA" --config "$CONFIG" --json |
        python3 -c 'import json,sys; print(next(s["submittedAt"] for s in json.load(sys.stdin) if s["id"] == int(sys.argv[1])))' "$id")"
    if [[ -z "$shown" ]]; then
        LATENCIES+=("not shown in ${CAP} s")
    else
        LATENCIES+=("$(python3 -c 'import sys, datetime as d
t = d.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00")).timestamp()
shown, started, returned = map(float, sys.argv[2:5])
print("%.0f ms (import ran %.0f ms; shown %.0f ms after it returned)" % ((shown - t) * 1000, (returned - started) * 1000, (shown - returned) * 1000))' "$submitted" "$shown" "$started" "$returned")")
    fi
    sleep 1
done

echo "| mrscreen station ($BIN) | value |"
echo "|---|---|"
echo "| idle CPU ticks over ${IDLE} s, sign-in at rest | $IDLE_SIGN_IN |"
echo "| idle CPU ticks over ${IDLE} s, signed in on the queue | $IDLE_QUEUE |"
for i in "${!LATENCIES[@]}"; do
    echo "| new submission to queue, run $((i + 1)) | ${LATENCIES[$i]} |"
done
