#!/usr/bin/env bash
# Nightly mrscreen backup: a checked copy of the database (SQLite online backup through
# `mrscreen backup`, safe while the kiosk writes) to $BACKUP_DIR/mrscreen-<date>.db, then deletes
# backups older than $KEEP_DAYS days. Installed as /usr/local/lib/mrscreen/mrscreen-backup and run by
# mrscreen-backup.service; settings in /etc/mrscreen/backup.env. Output goes to the journal.
set -euo pipefail

BACKUP_DIR="${BACKUP_DIR:-/var/backups/mrscreen}"
KEEP_DAYS="${KEEP_DAYS:-14}"
MRSCREEN="${MRSCREEN:-/usr/local/bin/mrscreen}"
MRSCREEN_CONFIG="${MRSCREEN_CONFIG:-/etc/mrscreen/mrscreen.toml}"
# Only for tests: a data directory other than the config's.
MRSCREEN_DATA_DIR="${MRSCREEN_DATA_DIR:-}"

say() { printf 'mrscreen-backup: %s\n' "$*"; }
die() { printf 'mrscreen-backup: error: %s\n' "$*" >&2; exit 1; }

[[ "$KEEP_DAYS" =~ ^[1-9][0-9]*$ ]] || die "KEEP_DAYS must be a whole number of days, at least 1 (not '$KEEP_DAYS')"
mkdir -p "$BACKUP_DIR" || die "cannot create $BACKUP_DIR"
[[ -w "$BACKUP_DIR" ]] || die "$BACKUP_DIR is not writable by $(id -un)"

args=(--config "$MRSCREEN_CONFIG")
[[ -n "$MRSCREEN_DATA_DIR" ]] && args+=(--data-dir "$MRSCREEN_DATA_DIR")

# One backup a day by name; a second run the same day (by hand) gets the time as well, because
# `mrscreen backup` never overwrites a file.
target="$BACKUP_DIR/mrscreen-$(date +%F).db"
[[ -e "$target" ]] && target="$BACKUP_DIR/mrscreen-$(date +%F-%H%M%S).db"
"$MRSCREEN" "${args[@]}" backup --to "$target" || die "backup to $target failed; older backups are kept"
say "wrote $target ($(stat -c %s "$target") bytes)"

# Retention, only after a good backup, and never the one just written.
deleted=0
while IFS= read -r -d '' old; do
    [[ "$old" == "$target" ]] && continue
    rm -f -- "$old"
    say "deleted $old (older than $KEEP_DAYS days)"
    deleted=$((deleted + 1))
done < <(find "$BACKUP_DIR" -maxdepth 1 -type f -name 'mrscreen-*.db' -mtime +"$((KEEP_DAYS - 1))" -print0)
say "kept backups of the last $KEEP_DAYS days; deleted $deleted"

# Record retention (optional): after a good backup, delete record PDFs that were exported to the
# hospital and are older than $PURGE_RECORDS_DAYS days. The audit trail keeps an event for each.
if [[ -n "${PURGE_RECORDS_DAYS:-}" ]]; then
    [[ "$PURGE_RECORDS_DAYS" =~ ^[0-9]+$ ]] || die "PURGE_RECORDS_DAYS must be a whole number of days (not '$PURGE_RECORDS_DAYS')"
    "$MRSCREEN" "${args[@]}" purge --older-than "${PURGE_RECORDS_DAYS}d" || die "record purge reported a problem (see above)"
fi
