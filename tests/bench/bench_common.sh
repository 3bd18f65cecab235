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

# tap ID: waits (5 s) for the target to be listed in $TARGETS (the window's --targets-file) and
# taps its centre like a finger.
tap() {
    local xy="" deadline=$((SECONDS + 5))
    while ((SECONDS < deadline)); do
        xy="$(awk -v id="$1" '$1 == id { print $2, $3 }' "$TARGETS" 2>/dev/null || true)"
        [[ -n "$xy" ]] && break
        sleep 0.05
    done
    [[ -n "$xy" ]] || die "no target '$1' on the station's screen (targets: $(tr '\n' ';' <"$TARGETS" 2>/dev/null))"
    # shellcheck disable=SC2086
    xdotool mousemove $xy sleep 0.04 mousedown 1 sleep 0.06 mouseup 1 sleep 0.2
}
type_keys() {
    local text="$1" i
    for ((i = 0; i < ${#text}; i++)); do tap "key:${text:i:1}"; done
}

# sign_in_staff USER PIN: signs in on the station window writing $TARGETS and the state log $LOG
# with its on-screen keyboard, and waits (10 s) for the queue.
sign_in_staff() {
    tap field:staff:username
    type_keys "$1"
    tap field:staff:pin
    type_keys "$2"
    if grep -q '^key:done ' "$TARGETS"; then tap key:done; fi
    tap staff-sign-in
    local deadline=$((SECONDS + 10))
    until grep -q 'screen=staff-queue' "$LOG" 2>/dev/null; do
        ((SECONDS < deadline)) || die "the station did not open the queue after sign-in (log: $(tail -n 3 "$LOG"))"
        sleep 0.05
    done
}
