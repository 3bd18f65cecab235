#!/usr/bin/env bash
# Install mrscreen as a locked-down, self-restarting kiosk on Debian 12 / Raspberry Pi OS.
#
#   sudo kiosk-setup/install.sh                  # packages, build, install, enable, first admin
#   echo 123456 | sudo kiosk-setup/install.sh    # the first admin's PIN from stdin
#
# Safe to run again (upgrades): the binary, forms, units and helper scripts are replaced when
# they differ; the config, backup settings, signing key and database are never overwritten.
# See kiosk-setup/README.md, "Deploying a kiosk".
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

DESTDIR="/"
BUILD_DIR=""
INSTALL_PACKAGES=1
ADMIN_USER="admin"
ADMIN_NAME="Administrator"
SERVICE_USER="mrscreen"

export DEBIAN_FRONTEND=noninteractive

say() { printf 'install: %s\n' "$*"; }
die() { printf 'install: error: %s\n' "$*" >&2; exit 1; }

usage() {
    cat <<USAGE
usage: kiosk-setup/install.sh [OPTIONS]   (as root; the first admin's PIN on stdin or asked for)

  --destdir DIR       install into DIR instead of / (a scratch tree: no user is created, no
                      service is started, what would be done on a real system is printed)
  --build-dir DIR     install DIR/mrscreen, already built, instead of building
  --no-packages       do not install Debian packages (they must be present already)
  --admin-user NAME   username of the first admin (default: $ADMIN_USER); only used when
                      there are no staff accounts yet
  --admin-name NAME   display name of the first admin (default: $ADMIN_NAME)
  -h, --help          show this help
USAGE
}

ORIG_ARGS="$*"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --destdir) [[ $# -ge 2 ]] || die "--destdir needs a directory"; DESTDIR="$2"; shift 2 ;;
        --build-dir) [[ $# -ge 2 ]] || die "--build-dir needs a directory"; BUILD_DIR="$2"; shift 2 ;;
        --no-packages) INSTALL_PACKAGES=0; shift ;;
        --admin-user) [[ $# -ge 2 ]] || die "--admin-user needs a name"; ADMIN_USER="$2"; shift 2 ;;
        --admin-name) [[ $# -ge 2 ]] || die "--admin-name needs a name"; ADMIN_NAME="$2"; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        --pin | --admin-pin) die "the PIN is never taken on the command line (it would show in ps and the shell history); give it on stdin" ;;
        *) usage >&2; die "unknown option '$1'" ;;
    esac
done

[[ "$(id -u)" -eq 0 ]] || die "run this as root, for example: sudo $0 $ORIG_ARGS"
[[ "$ADMIN_USER" =~ ^[a-z][a-z0-9._-]{0,31}$ ]] || die "--admin-user '$ADMIN_USER' is not a valid username (lower-case letters, digits, . _ -)"

mkdir -p "$DESTDIR"
DESTDIR="$(cd "$DESTDIR" && pwd)"
if [[ "$DESTDIR" == "/" ]]; then
    ROOT=""
    REAL=1
else
    ROOT="$DESTDIR"
    REAL=0
fi

# Installed layout (paths as seen on the running system; prefix with $ROOT to write them).
BIN=/usr/local/bin/mrscreen
SHARE=/usr/local/share/mrscreen
LIBEXEC=/usr/local/lib/mrscreen
UNIT_DIR=/usr/local/lib/systemd/system
ETC=/etc/mrscreen
CONFIG=$ETC/mrscreen.toml
BACKUP_ENV=$ETC/backup.env
DATA=/var/lib/mrscreen
BACKUPS=/var/backups/mrscreen
FORM_STEM=$SHARE/forms/mri-safety

# Only in a scratch tree: what a real install would also do.
would() { say "would (on a real system): $*"; }

# --- packages ----------------------------------------------------------------

# Package names from a list file: one per line, '#' comments; with "build", only the lines
# before the "# [test]" marker.
read_list() {
    local file="$1" which="$2" line
    [[ -r "$file" ]] || die "cannot read package list $file"
    while IFS= read -r line || [[ -n "$line" ]]; do
        [[ "$line" =~ ^[[:space:]]*#[[:space:]]*\[test\] ]] && [[ "$which" == build ]] && break
        line="${line%%#*}"
        line="${line//[[:space:]]/}"
        [[ -n "$line" ]] && printf '%s\n' "$line"
    done <"$file"
    return 0
}

is_installed() {
    local status
    status="$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" || return 1
    [[ "$status" == *" ok installed" ]]
}

install_packages() {
    local -a wanted=() missing=()
    local p
    mapfile -t wanted < <(read_list "$SCRIPT_DIR/runtime-packages.txt" all)
    if [[ -z "$BUILD_DIR" ]]; then
        mapfile -t -O "${#wanted[@]}" wanted < <(read_list "$SCRIPT_DIR/debian-packages.txt" build)
    fi
    for p in "${wanted[@]}"; do
        is_installed "$p" || missing+=("$p")
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        say "Debian packages: all ${#wanted[@]} present"
        return
    fi
    say "installing Debian packages: ${missing[*]}"
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# --- files ---------------------------------------------------------------------

# install_file MODE SRC DST: copy SRC to $ROOT/DST when missing or different (atomic rename, so a
# running binary is replaced safely); an identical file is left alone, mtime included.
install_file() {
    local mode="$1" src="$2" dst="$ROOT$3"
    [[ -f "$src" ]] || die "missing $src"
    if [[ -f "$dst" ]] && cmp -s "$src" "$dst"; then
        [[ "$(stat -c %a "$dst")" == "${mode#0}" ]] || chmod "$mode" "$dst"
        return 0
    fi
    mkdir -p "$(dirname "$dst")"
    install -m "$mode" "$src" "$dst.new.$$"
    mv -f "$dst.new.$$" "$dst"
    say "installed $3"
}

# install_once MODE SRC DST: copy only when DST does not exist (files the site edits).
install_once() {
    local mode="$1" src="$2" dst="$ROOT$3"
    if [[ -e "$dst" ]]; then
        say "kept existing $3"
        return 0
    fi
    mkdir -p "$(dirname "$dst")"
    install -m "$mode" "$src" "$dst"
    say "created $3"
}

# make_dir MODE OWNER DIR: create if missing; fix mode (and owner on a real system).
make_dir() {
    local mode="$1" owner="$2" dir="$ROOT$3"
    [[ -d "$dir" ]] || { mkdir -p "$dir"; say "created $3"; }
    [[ "$(stat -c %a "$dir")" == "${mode#0}" ]] || chmod "$mode" "$dir"
    if [[ $REAL -eq 1 ]]; then
        [[ "$(stat -c %U:%G "$dir")" == "$owner" ]] || chown "$owner" "$dir"
    fi
}

build_binary() {
    if [[ -n "$BUILD_DIR" ]]; then
        BUILT="$(cd "$BUILD_DIR" && pwd)/mrscreen"
        [[ -x "$BUILT" ]] || die "--build-dir $BUILD_DIR has no executable mrscreen"
        return
    fi
    local dir="$REPO_ROOT/build-kiosk"
    say "building mrscreen (Release) in $dir"
    cmake -S "$REPO_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
    cmake --build "$dir" -j"$(nproc)" --target mrscreen
    BUILT="$dir/mrscreen"
}

create_user() {
    if getent passwd "$SERVICE_USER" >/dev/null; then
        say "system user $SERVICE_USER exists"
        return
    fi
    if [[ $REAL -eq 0 ]]; then
        would "useradd --system --user-group --home-dir $DATA --no-create-home --shell /usr/sbin/nologin $SERVICE_USER"
        return
    fi
    useradd --system --user-group --home-dir "$DATA" --no-create-home --shell /usr/sbin/nologin \
        --comment "mrscreen kiosk" "$SERVICE_USER"
    say "created system user $SERVICE_USER (no login shell)"
}

# The kiosk user reaches the screen and touchscreen through its logind session; the groups are a
# fallback for boards whose DRM/input devices logind does not hand over.
add_device_groups() {
    local g
    [[ $REAL -eq 1 ]] || { would "usermod -a -G video,render,input $SERVICE_USER"; return; }
    for g in video render input; do
        getent group "$g" >/dev/null || continue
        id -nG "$SERVICE_USER" | tr ' ' '\n' | grep -qx "$g" || usermod -a -G "$g" "$SERVICE_USER"
    done
}

write_config() {
    local dst="$ROOT$CONFIG" tmp
    if [[ -e "$dst" ]]; then
        say "kept existing $CONFIG"
        return
    fi
    mkdir -p "$(dirname "$dst")"
    tmp="$dst.new.$$"
    sed -e "s|^data_dir = .*|data_dir = \"$DATA\"|" \
        -e "s|^path = \"forms/mri-safety\"|path = \"$FORM_STEM\"|" \
        "$SCRIPT_DIR/mrscreen.example.toml" >"$tmp"
    if ! grep -q "^data_dir = \"$DATA\"" "$tmp" || ! grep -q "^path = \"$FORM_STEM\"" "$tmp"; then
        rm -f "$tmp"
        die "could not set data_dir and form path in the example config (has its format changed?)"
    fi
    chmod 0640 "$tmp"
    [[ $REAL -eq 1 ]] && chown "root:$SERVICE_USER" "$tmp"
    mv "$tmp" "$dst"
    say "created $CONFIG"
}

# Run the installed binary against the installed config and data, as the kiosk user on a real
# system (files it creates must belong to it).
run_mrscreen() {
    if [[ $REAL -eq 1 ]]; then
        runuser -u "$SERVICE_USER" -- "$BIN" --config "$CONFIG" "$@"
    else
        "$ROOT$BIN" --config "$ROOT$CONFIG" --data-dir "$ROOT$DATA" "$@"
    fi
}

# The configured [site] signing_key (empty: mrscreen's default under the data dir).
configured_key() {
    sed -n 's/^signing_key = "\(.*\)"[[:space:]]*$/\1/p' "$ROOT$CONFIG" | head -n 1
}

# The kiosk user may not write the config; root pins the site certificate there, so `mrscreen
# verify` trusts records signed with it and no other key of the same name.
pin_signer() {
    if [[ $REAL -eq 1 ]]; then
        "$BIN" --config "$CONFIG" pin-signer
    else
        "$ROOT$BIN" --config "$ROOT$CONFIG" --data-dir "$ROOT$DATA" pin-signer
    fi
}

ensure_key() {
    local key
    key="$(configured_key)"
    if [[ -n "$key" ]]; then
        [[ -e "$ROOT$key" ]] || say "warning: [site] signing_key $key does not exist yet: records cannot be signed until it does"
        say "site key: configured ($key), not generating one"
        return
    fi
    if [[ -e "$ROOT$DATA/keys/site-key.pem" ]]; then
        say "site key: kept existing $DATA/keys/site-key.pem"
    else
        run_mrscreen keygen
    fi
    pin_signer || die "could not pin the site certificate in $CONFIG (see above)"
}

# Reads the first admin's PIN: from stdin when it is not a terminal, else asked twice.
read_pin() {
    local pin again
    if [[ -t 0 ]]; then
        read -r -s -p "PIN for the first admin '$ADMIN_USER': " pin; echo >&2
        read -r -s -p "The same PIN again: " again; echo >&2
        [[ "$pin" == "$again" ]] || die "the two PINs differ; nothing was added, run install.sh again"
    else
        IFS= read -r pin || true
    fi
    [[ -n "$pin" ]] || die "no PIN for the first admin on stdin (for example: echo 123456 | $0 ...)"
    PIN="$pin"
}

ensure_admin() {
    local list
    list="$(run_mrscreen staff list --json)" || die "cannot list staff (is the database readable?)"
    if [[ "$(tr -d '[:space:]' <<<"$list")" != "[]" ]]; then
        say "staff accounts exist; no admin added"
        return
    fi
    read_pin
    printf '%s\n' "$PIN" | run_mrscreen staff add --username "$ADMIN_USER" --name "$ADMIN_NAME" --role admin
    PIN=""
    say "added the first admin '$ADMIN_USER'"
}

install_units() {
    local u
    for u in mrscreen-kiosk.service mrscreen-backup.service mrscreen-backup.timer; do
        install_file 0644 "$SCRIPT_DIR/systemd/$u" "$UNIT_DIR/$u"
    done
    install_file 0755 "$SCRIPT_DIR/kiosk-session.sh" "$LIBEXEC/kiosk-session"
    install_file 0755 "$SCRIPT_DIR/backup.sh" "$LIBEXEC/mrscreen-backup"
    install_file 0644 "$SCRIPT_DIR/systemd/pam-mrscreen-kiosk" /etc/pam.d/mrscreen-kiosk
    # No spare text consoles to switch to: Ctrl+Alt+Fn leads nowhere.
    install_once 0644 "$SCRIPT_DIR/systemd/logind-mrscreen.conf" /etc/systemd/logind.conf.d/mrscreen-kiosk.conf
    install_once 0640 "$SCRIPT_DIR/backup.env" "$BACKUP_ENV"
}

enable_units() {
    local -a units=(mrscreen-kiosk.service mrscreen-backup.timer)
    if [[ $REAL -eq 1 ]]; then
        systemctl daemon-reload
        systemctl enable "${units[@]}" 2>&1 | sed 's/^/install: /'
        systemctl mask getty@tty1.service >/dev/null 2>&1 || true
    else
        # Links inside the scratch tree only; nothing on this machine changes.
        systemctl --root="$ROOT" enable "${units[@]}" >/dev/null 2>&1 ||
            would "systemctl enable ${units[*]}"
        would "systemctl daemon-reload; systemctl mask getty@tty1.service"
    fi
}

# --- main --------------------------------------------------------------------

[[ $INSTALL_PACKAGES -eq 1 ]] && install_packages
build_binary
create_user
[[ $REAL -eq 1 ]] && add_device_groups

install_file 0755 "$BUILT" "$BIN"
for f in "$REPO_ROOT"/forms/*.json; do
    install_file 0644 "$f" "$SHARE/forms/$(basename "$f")"
done
# Earlier form versions: screenings answered with them are always shown with them.
for f in "$REPO_ROOT"/forms/archive/*.json; do
    install_file 0644 "$f" "$SHARE/forms/archive/$(basename "$f")"
done
install_file 0644 "$SCRIPT_DIR/mrscreen.example.toml" "$SHARE/mrscreen.example.toml"
install_file 0644 "$SCRIPT_DIR/README.md" "$SHARE/README.md"

make_dir 0755 root:root "$ETC"
write_config
make_dir 0700 "$SERVICE_USER:$SERVICE_USER" "$DATA"
make_dir 0700 "$SERVICE_USER:$SERVICE_USER" "$BACKUPS"
install_units

ensure_key
ensure_admin
run_mrscreen audit verify >/dev/null || die "the audit chain of $DATA does not verify; see: $BIN --config $CONFIG audit verify"
enable_units

if [[ $REAL -eq 1 ]]; then
    say "done. Reboot (or: systemctl start mrscreen-kiosk) to start the kiosk on the screen."
else
    say "done: installed into $DESTDIR"
fi
