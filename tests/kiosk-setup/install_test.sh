#!/usr/bin/env bash
# End-to-end test of kiosk-setup/install.sh in a scratch tree (DESTDIR): nothing on this machine
# outside a temporary directory changes. Needs root (install.sh refuses otherwise): exits 77
# (CTest: skipped) when not root.
#
#   tests/kiosk-setup/install_test.sh BUILD/mrscreen
#
# Installs with an admin PIN on stdin, runs the installed binary's migrations, `audit verify` and
# `queue`; takes a backup with the installed nightly backup script while a writer imports
# screenings; restores it into another directory and verifies both databases and audit chains;
# checks retention; runs install.sh again and checks that nothing in the tree changed.
# Then a department (tests/kiosk-setup/department_test.sh): --role server, kiosk and station.
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 PATH/TO/mrscreen" >&2; exit 2; }
BIN="$(readlink -f "$1")"
[[ -x "$BIN" && "$(basename "$BIN")" == mrscreen ]] || { echo "not an executable named mrscreen: $1" >&2; exit 2; }
REPO="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
if [[ "$(id -u)" -ne 0 ]]; then
    # sudo only when it needs no password (a test never waits for one).
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then exec sudo -n bash "$0" "$@"; fi
    echo "SKIP: install.sh needs root (run this test as root, e.g. in the CI container)"
    exit 77
fi

SCRATCH="$(mktemp -d /tmp/mrscreen-install-test.XXXXXX)"
PG_BIN=/usr/lib/postgresql/15/bin
WRITER=""
PG_RUNNING="" # the data folder of the test's PostgreSQL server while it runs (department_test.sh)
cleanup() {
    if [[ -n "$PG_RUNNING" ]]; then (cd / && runuser -u nobody -- "$PG_BIN/pg_ctl" stop -D "$PG_RUNNING" -m immediate >/dev/null 2>&1) || true; fi
    if [[ -n "$WRITER" ]] && kill -0 "$WRITER" 2>/dev/null; then kill "$WRITER" 2>/dev/null || true; fi
    rm -rf "$SCRATCH"
}
trap cleanup EXIT

ROOT="$SCRATCH/root"
PIN=482615
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
ok() { printf 'ok: %s\n' "$*"; }

install_once() {
    printf '%s\n' "$PIN" | "$REPO/kiosk-setup/install.sh" --destdir "$ROOT" --no-packages \
        --build-dir "$(dirname "$BIN")" --admin-user admin --admin-name "Test Admin"
}

# Everything in the tree: path, type, mode, owner, link target, and content checksum of files.
snapshot() {
    (cd "$ROOT" && find . -printf '%p %y %m %U:%G %l\n' | sort &&
        find . -type f -print0 | sort -z | xargs -0 sha256sum)
}

# --- first install -------------------------------------------------------------
install_once >"$SCRATCH/install1.log" 2>&1 || { cat "$SCRATCH/install1.log"; fail "first install"; }
ok "installed into $ROOT"

M="$ROOT/usr/local/bin/mrscreen"
CONF="$ROOT/etc/mrscreen/mrscreen.toml"
DATA="$ROOT/var/lib/mrscreen"
[[ -x "$M" ]] || fail "no installed binary"
cmp -s "$BIN" "$M" || fail "installed binary differs from $BIN"
[[ -f "$ROOT/usr/local/share/mrscreen/forms/mri-safety.questionnaire.json" ]] || fail "forms not installed"
[[ -f "$ROOT/usr/local/share/mrscreen/forms/mri-safety.rules.json" ]] || fail "rules not installed"
[[ -f "$ROOT/usr/local/share/mrscreen/forms/archive/mri-safety-1.0.0.questionnaire.json" ]] || fail "archived form versions not installed"
[[ "$(stat -c %a "$DATA")" == 700 ]] || fail "data dir mode is $(stat -c %a "$DATA"), not 700"
[[ "$(stat -c %a "$CONF")" == 640 ]] || fail "config mode is $(stat -c %a "$CONF"), not 640"
grep -qx 'data_dir = "/var/lib/mrscreen"' "$CONF" || fail "config data_dir not set for the installed layout"
grep -qx 'path = "/usr/local/share/mrscreen/forms/mri-safety"' "$CONF" || fail "config form path not set"
[[ -s "$DATA/keys/site-key.pem" && -s "$DATA/keys/site-cert.pem" ]] || fail "no site key and certificate"
[[ "$(stat -c %a "$DATA/keys/site-key.pem")" == 600 ]] || fail "site key is not 0600"
grep -q '^signer_sha256 = "' "$CONF" || fail "the site certificate is not pinned in the config ([site] signer_sha256)"
[[ "$(stat -c %a "$CONF")" == 640 ]] || fail "pinning changed the config mode to $(stat -c %a "$CONF")"
[[ -s "$DATA/mrscreen.db" ]] || fail "no database"
for f in usr/local/lib/systemd/system/mrscreen-kiosk.service usr/local/lib/systemd/system/mrscreen-backup.service \
    usr/local/lib/systemd/system/mrscreen-backup.timer usr/local/lib/mrscreen/kiosk-session \
    usr/local/lib/mrscreen/mrscreen-backup etc/pam.d/mrscreen-kiosk etc/mrscreen/backup.env; do
    [[ -f "$ROOT/$f" ]] || fail "missing /$f"
done
grep -q "useradd --system" "$SCRATCH/install1.log" || fail "install.sh did not say what useradd it would run"
if grep -q "$PIN" "$SCRATCH/install1.log"; then fail "the PIN appears in the install output"; fi
ok "layout, modes, config, key, database"

# The installed config names installed paths (/usr/local/share/...); for this scratch tree, a copy
# that points at the scratch forms.
TCONF="$SCRATCH/test.toml"
sed "s|^path = \"/|path = \"$ROOT/|" "$CONF" >"$TCONF"
run() { "$M" --config "$TCONF" --data-dir "$DATA" "$@"; }

run staff list --json | grep -q '"username": "admin"' || fail "first admin not added"
run audit verify || fail "audit verify on the installed data"
run queue >/dev/null || fail "queue on the installed data"
ok "installed binary: staff, audit verify, queue"

# --- backup while a writer runs ---------------------------------------------------
(
    for _ in $(seq 1 40); do
        run import --response "$REPO/forms/examples/no-risk.json" >/dev/null
    done
) &
WRITER=$!
# Let the writer get going, so the backup overlaps with writes.
for _ in $(seq 1 100); do
    [[ "$(run queue --json | grep -c '"id"' || true)" -ge 2 ]] && break
    sleep 0.1
done
BACKUPS="$SCRATCH/backups"
mkdir -p "$BACKUPS"
touch -d '40 days ago' "$BACKUPS/mrscreen-2000-01-01.db"
touch -d '2 days ago' "$BACKUPS/mrscreen-recent.db"
BACKUP_DIR="$BACKUPS" KEEP_DAYS=14 MRSCREEN="$M" MRSCREEN_CONFIG="$TCONF" MRSCREEN_DATA_DIR="$DATA" \
    "$ROOT/usr/local/lib/mrscreen/mrscreen-backup" >"$SCRATCH/backup.log" 2>&1 || { cat "$SCRATCH/backup.log"; fail "backup script"; }
if kill -0 "$WRITER" 2>/dev/null; then overlap="while the writer was still running"; else overlap="(writer had already finished)"; fi
wait "$WRITER" || fail "the writer failed (imports must not fail during a backup)"
WRITER=""
cat "$SCRATCH/backup.log"
TAKEN="$BACKUPS/mrscreen-$(date +%F).db"
[[ -s "$TAKEN" ]] || fail "no backup $TAKEN"
[[ ! -e "$BACKUPS/mrscreen-2000-01-01.db" ]] || fail "retention kept a 40-day-old backup"
[[ -e "$BACKUPS/mrscreen-recent.db" ]] || fail "retention deleted a 2-day-old backup"
ok "backup taken $overlap; retention deleted the old one, kept the recent one"

# --- restore elsewhere, verify both ---------------------------------------------
RESTORED="$SCRATCH/restored"
mkdir -m 0700 "$RESTORED"
cp -a "$DATA/keys" "$RESTORED/keys"
cp "$TAKEN" "$RESTORED/mrscreen.db"
"$M" --config "$TCONF" --data-dir "$RESTORED" audit verify || fail "audit verify on the restored backup"
run audit verify || fail "audit verify on the live database after the writer"
live=$(run queue --json | grep -c '"id"' || true)
restored=$("$M" --config "$TCONF" --data-dir "$RESTORED" queue --json | grep -c '"id"' || true)
[[ "$live" -ge 40 ]] || fail "live database has $live screenings in the queue, expected 40"
[[ "$restored" -ge 1 && "$restored" -le "$live" ]] || fail "restored database has $restored screenings (live: $live)"
ok "restored backup and live database both verify ($restored and $live screenings)"

# --- second install changes nothing -------------------------------------------
snapshot >"$SCRATCH/before"
install_once >"$SCRATCH/install2.log" 2>&1 || { cat "$SCRATCH/install2.log"; fail "second install"; }
snapshot >"$SCRATCH/after"
if ! diff -u "$SCRATCH/before" "$SCRATCH/after"; then fail "the second install changed the tree"; fi
grep -q "kept existing /etc/mrscreen/mrscreen.toml" "$SCRATCH/install2.log" || fail "second install did not keep the config"
grep -q "staff accounts exist" "$SCRATCH/install2.log" || fail "second install did not skip the admin"
ok "second install changed nothing ($(wc -l <"$SCRATCH/after") paths and checksums identical)"

# --- a department -------------------------------------------------------------------
# shellcheck source-path=SCRIPTDIR source=department_test.sh
source "$REPO/tests/kiosk-setup/department_test.sh"
echo "PASS"
