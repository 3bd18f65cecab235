# shellcheck shell=bash
# bench_common.sh: what the window benchmarks share (sourced by bench_kiosk.sh and
# bench_department.sh): stopping a process, a headless X server, and the first frame.
# Callers set -euo pipefail, define die() and a WORK directory.

stop_pid() {
    [[ -n "$1" ]] || return 0
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

has_exited() {
    local stat state
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 0
    state="${stat##*) }"
    [[ "${state%% *}" == Z ]]
}

# start_xvfb WIDTHxHEIGHT: a headless X server (Mesa llvmpipe) on a free display; sets XVFB_PID and
# exports DISPLAY.
start_xvfb() {
    Xvfb -displayfd 3 -screen 0 "$1x24" -nolisten tcp -noreset 3>"$WORK/display" >"$WORK/xvfb.log" 2>&1 &
    XVFB_PID=$!
    local deadline=$((SECONDS + 10))
    until [[ -s "$WORK/display" ]]; do
        if has_exited "$XVFB_PID" || ((SECONDS >= deadline)); then
            cat "$WORK/xvfb.log" >&2
            die "Xvfb did not start"
        fi
        sleep 0.1
    done
    DISPLAY=":$(tr -dc '0-9' <"$WORK/display")"
    export DISPLAY
}

# wait_for_log PID LOG REGEX: polls a running window's state log (20 s at most).
wait_for_log() {
    local deadline=$((SECONDS + 20))
    until grep -Eq -- "$3" "$2" 2>/dev/null; do
        if has_exited "$1" || ((SECONDS >= deadline)); then
            cat "$2" "$2.out" >&2 2>/dev/null || true
            die "the window did not log /$3/"
        fi
        sleep 0.05
    done
}

# first_frame_ms LOG: the `first-frame ms=` value the window logged.
first_frame_ms() { sed -n 's/.* first-frame ms=\([0-9]*\).*/\1/p' "$1" | head -n 1; }

# median_of N...: "MEDIAN ms (min MIN, max MAX; COUNT starts)"
median_of() {
    local -a sorted
    mapfile -t sorted < <(printf '%s\n' "$@" | sort -n)
    echo "${sorted[$(($# / 2))]} ms (min ${sorted[0]}, max ${sorted[$(($# - 1))]}; $# starts)"
}
