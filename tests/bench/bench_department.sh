#!/usr/bin/env bash
# bench_department.sh: a department on one PostgreSQL server beside the single box on SQLite, with
# --screenings N (default 100,000) screenings in each. On PostgreSQL 15 (a private server: initdb
# in a temporary folder, as nobody when run as root, listening only on a Unix socket there):
#   1. `mrscreen store migrate` as mrscreen_owner; the screenings seeded into the SQLite box by
#      direct batched SQL (below), then loaded with the real `mrscreen store copy --to` as
#      mrscreen_owner (it verifies the audit trail on both sides; its time and peak RSS, from
#      /usr/bin/time -v, go into the table). With --seed-through-store, --seeders K processes
#      (default 4) write them through the Store as mrscreen_app instead (mrscreen-bench-department
#      seed: submit, flag verdicts, signed review and decision; the newest 50 left waiting; slow:
#      about 40 screenings/s on 2 cores). The server runs with fsync off while loading only, then
#      VACUUM ANALYZE, and it restarts with its defaults (fsync on) for the timing; EXPLAIN
#      (ANALYZE) of the queue statement goes to explain-queue.txt;
#   2. start to first frame of the real `mrscreen station` (Xvfb 1280x800, Mesa llvmpipe) on
#      that database: its `first-frame ms=` state-log line, median of --starts (default 3);
#   3. at once: 2 station processes (mrscreen-bench-department station: the change feed, LISTEN/
#      NOTIFY, and queue() on each change, as the staff queue screen does) and 3 kiosk processes
#      each timing --submits N (default 300) store->submit() calls: submit p50/p99, the
#      stations' queue() p50/p99, and new submission to station (submitted_at, stamped in the
#      committing transaction, to the station reading the row after the feed fired); and the
#      real `mrscreen station` window (1280x2000, signed in, its queue searched for one name, as
#      bench_station.sh drives it): --runs imports (default 5) of a screening with that name while
#      the kiosks submit, each timed from submitted_at until its row is in the window's
#      --targets-file (written after the frame that shows it is presented).
# Then the same on SQLite (WAL, synchronous=FULL): the same screenings by direct batched SQL
# (as mrscreen-bench-store builds them), 1 kiosk and 1 station process (inotify feed), the window,
# and the station's first frame. Prints one markdown table. Both databases are in a temporary folder on
# the disk under ${TMPDIR:-/tmp}, removed at exit with the server stopped; --keep DIR keeps the
# results (every sample, the store copy report, the query plan) in DIR.
# usage: tests/bench/bench_department.sh [--screenings N] [--submits N] [--starts N] [--runs N]
#                                         [--binary PATH] [--keep DIR] [--seed-through-store]
#                                         [--seeders K]
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
BIN="$REPO_ROOT/build/mrscreen"
DRIVER="$REPO_ROOT/build/tests/bench/mrscreen-bench-department"
SCREENINGS=100000
SUBMITS=300
SEEDERS=4
STARTS=3
RUNS=5
KIOSKS=3
STATIONS=2
KEEP=""
THROUGH_STORE=0

usage() {
    echo "usage: $0 [--screenings N] [--submits N] [--starts N] [--runs N] [--binary PATH] [--keep DIR]"
    echo "          [--seed-through-store] [--seeders K]"
}
number() { [[ "$2" =~ ^[1-9][0-9]*$ ]] || { echo "$1 takes a whole number above 0, not '$2'" >&2; usage >&2; exit 2; }; }
while [[ "$#" -gt 0 ]]; do
    [[ "$1" == -h || "$1" == --help ]] && { usage; exit 0; }
    [[ "$1" == --seed-through-store ]] && { THROUGH_STORE=1; shift; continue; }
    [[ "$#" -ge 2 ]] || { usage >&2; exit 2; }
    case "$1" in
        --screenings) number "$1" "$2"; SCREENINGS="$2" ;;
        --submits) number "$1" "$2"; SUBMITS="$2" ;;
        --seeders) number "$1" "$2"; SEEDERS="$2" ;;
        --starts) number "$1" "$2"; STARTS="$2" ;;
        --runs) number "$1" "$2"; RUNS="$2" ;;
        --binary) BIN="$2" ;;
        --keep) KEEP="$2" ;;
        *) usage >&2; exit 2 ;;
    esac
    shift 2
done
((SCREENINGS >= 100)) || { echo "--screenings must be at least 100" >&2; exit 2; }

die() { printf 'bench_department: error: %s\n' "$*" >&2; exit 1; }
say() { printf 'bench_department: %s\n' "$*" >&2; }
# shellcheck source-path=SCRIPTDIR
# shellcheck source=bench_common.sh
source "$REPO_ROOT/tests/bench/bench_common.sh"

PG_BIN="$(pg_config --bindir 2>/dev/null || true)"
[[ -x "$PG_BIN/initdb" ]] || die "the PostgreSQL 15 server programs (initdb, pg_ctl) are not installed: install the Debian package postgresql (kiosk-setup/mrscreen test installs it)"
[[ -x /usr/bin/time ]] || die "/usr/bin/time is not installed (it measures store copy's peak memory): install the Debian package time"
for tool in Xvfb xdotool psql python3; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (kiosk-setup/mrscreen test installs it)"
done
BIN="$(readlink -f "$BIN")"
[[ -x "$BIN" ]] || die "no mrscreen binary at $BIN (build it, or pass --binary PATH)"
[[ -x "$DRIVER" ]] || die "no $DRIVER: build it (cmake --build build --target mrscreen-bench-department)"

# Short: the server's socket path must stay under 107 bytes.
WORK="$(mktemp -d "${TMPDIR:-/tmp}/mrs-dept.XXXXXX")"
PG="$WORK/pg"
XVFB_PID=""
WINDOW_PID=""
PIDS=()
server() { # runs a server program as the server's owner (PostgreSQL refuses to run as root)
    if [[ "$(id -u)" -eq 0 ]]; then runuser -u nobody -- "$@"; else "$@"; fi
}
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
    stop_pid "$WINDOW_PID"
    stop_pid "$XVFB_PID"
    [[ -f "$PG/data/postmaster.pid" ]] && server "$PG_BIN/pg_ctl" -D "$PG/data" -m immediate -w stop >/dev/null 2>&1
    if [[ -n "$KEEP" ]]; then
        mkdir -p "$KEEP" && cp -r "$WORK/results-pg" "$WORK/results-sqlite" "$KEEP/" &&
            say "results kept in $KEEP"
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$PG" "$WORK/results-pg" "$WORK/results-sqlite" "$WORK/sqlite"
if [[ "$(id -u)" -eq 0 ]]; then
    chmod 711 "$WORK" # nobody passes through to its own folder, and sees nothing else
    chown nobody "$PG"
fi
chmod 700 "$PG"
APP_URL="postgresql:///mrscreen?host=$PG&user=mrscreen_app"
OWNER_URL="postgresql:///mrscreen?host=$PG&user=mrscreen_owner"
pg_start() { # pg_start [SERVER OPTIONS]
    server "$PG_BIN/pg_ctl" -D "$PG/data" -l "$PG/server.log" -w -t 60 ${1:+-o "$1"} start >/dev/null ||
        die "the PostgreSQL server did not start; its log says: $(tail -n 5 "$PG/server.log")"
}
superuser() { psql -h "$PG" -U postgres -d "${2:-postgres}" -v ON_ERROR_STOP=1 -qc "$1" >/dev/null; } # SQL [DATABASE]

say "$(nproc) cores ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), load average" \
    "$(cut -d' ' -f1-3 /proc/loadavg) at the start; databases on $(stat -f -c %T "$WORK") in $WORK"

# [1] The server, its schema and the screenings.
server "$PG_BIN/initdb" -D "$PG/data" -U postgres -A trust -E UTF8 --locale=C >"$PG/initdb.log" 2>&1 ||
    die "initdb failed: $(tail -n 5 "$PG/initdb.log")"
printf "\nlisten_addresses = ''\nunix_socket_directories = '%s'\nmax_connections = 50\nshared_buffers = 128MB\n" \
    "$PG" >>"$PG/data/postgresql.conf"
pg_start "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
superuser "CREATE ROLE mrscreen_owner LOGIN"
superuser "CREATE ROLE mrscreen_app LOGIN"
superuser "CREATE DATABASE mrscreen OWNER mrscreen_owner"
(cd "$REPO_ROOT" && "$BIN" store migrate --url "$OWNER_URL") >&2 || die "mrscreen store migrate failed"

# seconds_since START: wall-clock seconds since START (date +%s.%N), one decimal.
seconds_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

say "seeding ${SCREENINGS} screenings into SQLite"
sqlite_started="$(date +%s.%N)"
SQLITE_DB="$WORK/sqlite/data/mrscreen.db"
mkdir -p "$WORK/sqlite/data"
seed_sqlite="$("$DRIVER" seed --sqlite "$SQLITE_DB" --screenings "$SCREENINGS")" || die "seeding SQLite failed"
echo "$SCREENINGS" >"$WORK/results-sqlite/screenings.txt"
echo "$seed_sqlite s (direct batched SQL, 10,000 a transaction, as mrscreen-bench-store)" >"$WORK/results-sqlite/seed.txt"
printf '[audit]\nsyslog = false\n[kiosk]\nstaff_idle_seconds = 3600\n' >"$WORK/sqlite.toml"

started="$(date +%s.%N)"
if ((THROUGH_STORE)); then
    say "seeding ${SCREENINGS} screenings through the Store with ${SEEDERS} processes"
    for ((i = 0; i < SEEDERS; i++)); do
        "$DRIVER" seed --url "$APP_URL" --screenings "$SCREENINGS" --part "$i/$SEEDERS" >/dev/null 2>"$WORK/seed-$i.err" &
        PIDS+=($!) # stopped at exit when the script is interrupted
    done
    for i in "${!PIDS[@]}"; do
        wait "${PIDS[$i]}" || die "seeder $i failed: $(cat "$WORK/seed-$i.err")"
    done
    PIDS=()
    how="${SEEDERS} processes, each submit, verdict, review, decision a transaction"
else
    # The same screenings as the SQLite box (before its run), moved as a department would move a box.
    say "loading them into PostgreSQL with mrscreen store copy"
    (cd "$REPO_ROOT" && /usr/bin/time -v -o "$WORK/store-copy.time" "$BIN" store copy --config "$WORK/sqlite.toml" \
        --from "$WORK/sqlite/data" --to "$OWNER_URL") >"$WORK/results-pg/store-copy.log" 2>&1 ||
        die "mrscreen store copy failed: $(tail -n 5 "$WORK/results-pg/store-copy.log")"
    cp "$WORK/store-copy.time" "$WORK/results-pg/store-copy.time"
    copy_seconds="$(seconds_since "$started")"
    peak_mb="$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$WORK/store-copy.time")"
    echo "$copy_seconds s, peak RSS $peak_mb MB" >"$WORK/results-pg/store-copy.txt"
    how="SQLite by SQL $seed_sqlite s, then mrscreen store copy $copy_seconds s"
    started="$sqlite_started" # the SQLite seed is part of it
fi
seed_seconds="$(seconds_since "$started")"
superuser "VACUUM ANALYZE" mrscreen # as autovacuum would have by the time a department has this many
echo "$seed_seconds s ($how; fsync off); with VACUUM ANALYZE $(seconds_since "$started") s" >"$WORK/results-pg/seed.txt"
server "$PG_BIN/pg_ctl" -D "$PG/data" -m fast -w stop >/dev/null
pg_start # its defaults from here on: fsync on, synchronous_commit on
echo "$SCREENINGS" >"$WORK/results-pg/screenings.txt"
say "seeded in $seed_seconds s"
"$DRIVER" explain --url "$APP_URL" --out "$WORK/results-pg/explain-queue.txt" ||
    die "EXPLAIN of the queue statement failed"

# [2] Start to first frame of the real station window. Staff stay signed in through the whole run.
start_xvfb 1280x2000
printf '[storage]\nurl = "%s"\n[audit]\nsyslog = false\n[kiosk]\nstaff_idle_seconds = 3600\n' "$APP_URL" >"$WORK/pg.toml"
first_frames() { # first_frames NAME ARGS...: STARTS starts of `mrscreen station ARGS`, the median
    local name="$1" i pid log
    shift
    local -a ms=()
    for ((i = 1; i <= STARTS; i++)); do
        log="$WORK/station-$name-$i.log"
        (cd "$REPO_ROOT" && exec "$BIN" station --windowed 1280x800 "$@" --state-log "$log") >"$log.out" 2>&1 &
        pid=$!
        wait_for_log "$pid" "$log" ' first-frame ms='
        ms+=("$(first_frame_ms "$log")")
        stop_pid "$pid"
    done
    median_of "${ms[@]}"
}
say "starting mrscreen station ${STARTS} times on each"
first_frames pg --config "$WORK/pg.toml" --data-dir "$WORK/station-data" >"$WORK/results-pg/first-frame.txt"
first_frames sqlite --config "$WORK/sqlite.toml" --data-dir "$WORK/sqlite/data" >"$WORK/results-sqlite/first-frame.txt"

# [3] The window: one patient's name that no seeded or kiosk screening has, to search for.
PIN=482913
WINDOW_NAME=Benchwindow
python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
def rename(items):
    for item in items:
        if item["linkId"] == "family-name":
            item["answer"] = [{"valueString": sys.argv[2]}]
        rename(item.get("item", []))
rename(r["item"])
json.dump(r, open(sys.argv[3], "w"))' "$REPO_ROOT/forms/examples/pacemaker.json" "$WINDOW_NAME" "$WORK/window-response.json"

# open_window NAME CONFIG DATA-DIR: the station window, Nina signed in, the queue searched for
# WINDOW_NAME; sets WINDOW_PID, TARGETS and LOG.
open_window() {
    TARGETS="$WORK/targets-$1"
    LOG="$WORK/window-$1.log"
    echo "$PIN" | "$BIN" staff add --config "$2" --data-dir "$3" --username nina --name "Nina Nurse" --role nurse \
        >/dev/null || die "mrscreen staff add failed on $1"
    (cd "$REPO_ROOT" && exec "$BIN" station --windowed 1280x2000 --config "$2" --data-dir "$3" --state-log "$LOG" \
        --targets-file "$TARGETS") >"$LOG.out" 2>&1 &
    WINDOW_PID=$!
    wait_for_log "$WINDOW_PID" "$LOG" ' first-frame ms='
    sign_in_staff nina "$PIN"
    tap field:work:search
    type_keys "${WINDOW_NAME,,}"
    if grep -q '^key:done ' "$TARGETS"; then tap key:done; fi
}

# window_runs RESULTS CONFIG DATA-DIR: RUNS imports of WINDOW_NAME's screening, each timed to its
# row in the window (from its submitted_at, asked of the store afterwards), into window.ms.
window_runs() {
    local results="$1" config="$2" data="$3" i out id shown deadline
    local -a ids=() seen=()
    for ((i = 1; i <= RUNS; i++)); do
        # Without a site signing key it says, each time, that no signed record was made: not timed here.
        out="$(cd "$REPO_ROOT" && "$BIN" import --config "$config" --data-dir "$data" \
            --response "$WORK/window-response.json" --json 2>"$WORK/import.err")" ||
            die "mrscreen import failed: $(cat "$WORK/import.err")"
        [[ "$out" =~ \"id\":\ *([0-9]+) ]] || die "mrscreen import printed no id: $out"
        id="${BASH_REMATCH[1]}"
        shown=""
        deadline=$((SECONDS + 30))
        while ((SECONDS < deadline)); do
            if grep -q "^queue:$id " "$TARGETS" 2>/dev/null; then shown="$(date +%s.%N)"; break; fi
            sleep 0.01
        done
        ids+=("$id")
        seen+=("${shown:-none}")
        sleep 1
    done
    (cd "$REPO_ROOT" && "$BIN" queue --config "$config" --data-dir "$data" --json) | python3 -c 'import json, sys, datetime as d
at = {s["id"]: d.datetime.fromisoformat(s["submittedAt"].replace("Z", "+00:00")).timestamp() for s in json.load(sys.stdin)}
for id, shown in zip(sys.argv[1].split(), sys.argv[2].split()):
    if shown == "none": print("not shown in 30 s", file=sys.stderr)
    else: print("%.1f" % ((float(shown) - at[int(id)]) * 1000))' "${ids[*]}" "${seen[*]}" >"$results/window.ms"
}

# [4] Kiosks submitting while stations and the window watch.
# run_department RESULTS KIOSKS STATIONS CONFIG DATA-DIR STORE-ARGS...
run_department() {
    local results="$1" kiosks="$2" stations="$3" config="$4" data="$5" i deadline
    shift 5
    open_window "$(basename "$results")" "$config" "$data"
    PIDS=()
    for ((i = 1; i <= stations; i++)); do
        "$DRIVER" station "$@" --expect $((kiosks * SUBMITS + RUNS)) --out-dir "$results" --name "station-$i" \
            --seconds 900 2>"$results/station-$i.err" &
        PIDS+=($!)
    done
    deadline=$((SECONDS + 60))
    for ((i = 1; i <= stations; i++)); do
        until [[ -f "$results/ready-station-$i" ]]; do
            ((SECONDS < deadline)) || die "station $i did not start: $(cat "$results/station-$i.err")"
            sleep 0.1
        done
    done
    for ((i = 1; i <= kiosks; i++)); do
        "$DRIVER" kiosk "$@" --submits "$SUBMITS" --name "kiosk-$i" --out "$results/submit-kiosk-$i.ms" \
            2>"$results/kiosk-$i.err" &
        PIDS+=($!)
    done
    window_runs "$results" "$config" "$data"
    for i in "${!PIDS[@]}"; do
        wait "${PIDS[$i]}" || die "a kiosk or station process failed: $(cat "$results"/*.err)"
    done
    PIDS=()
    stop_pid "$WINDOW_PID"
    WINDOW_PID=""
    cat "$results"/*.err >&2
}
say "PostgreSQL: ${KIOSKS} kiosks x ${SUBMITS} submits, ${STATIONS} stations watching"
run_department "$WORK/results-pg" "$KIOSKS" "$STATIONS" "$WORK/pg.toml" "$WORK/station-data" --url "$APP_URL"
say "SQLite: 1 kiosk x ${SUBMITS} submits, 1 station watching"
run_department "$WORK/results-sqlite" 1 1 "$WORK/sqlite.toml" "$WORK/sqlite/data" --sqlite "$SQLITE_DB"

echo
echo "mrscreen department benchmark: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end;" \
    "databases on $(stat -f -c %T "$WORK"); PostgreSQL $("$PG_BIN/postgres" --version | awk '{ print $3 }')" \
    "on a Unix socket; p50 / p99 (samples)"
echo
"$DRIVER" table --pg "$WORK/results-pg" --sqlite-dir "$WORK/results-sqlite"
