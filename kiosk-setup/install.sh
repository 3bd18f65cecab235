#!/usr/bin/env bash
# Install mrscreen as a locked-down, self-restarting kiosk on Debian 12 / Raspberry Pi OS.
#
#   sudo kiosk-setup/install.sh                  # packages, build, install, enable, first admin
#   echo 123456 | sudo kiosk-setup/install.sh    # the first admin's PIN from stdin
#
# A department (kiosk-setup/README.md, "A department"): one database server, kiosks and stations.
#   sudo kiosk-setup/install.sh --role server --listen 10.20.0.5 --allow 10.20.0.0/24 --hostname db.mri.example
#   sudo kiosk-setup/install.sh --role kiosk   --server db.mri.example --ca db-ca.crt --password-file db-password
#   sudo kiosk-setup/install.sh --role station --server db.mri.example --ca db-ca.crt --password-file db-password
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
ROLE="single"
DB_SERVER=""
DB_CA=""
DB_PASSWORD_FILE=""
LISTEN=""
ALLOW=()
SERVER_NAMES=()
CA_CERT=""
CA_KEY=""

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
  --role ROLE         what this machine is (default: a single kiosk with its own SQLite database):
                        server   the department's PostgreSQL 15 database server
                        kiosk    a patient kiosk of a department (staff use a station)
                        station  a staff station (nurse station, control room): staff screens only
  -h, --help          show this help

  --role server:
  --listen ADDR       the address PostgreSQL listens on (this machine's address on the
                      department's network, or '*'); port 5432, TLS only
  --allow CIDR        the network kiosks and stations connect from, such as 10.20.0.0/24
                      (repeat for several); nobody else may connect over the network
  --hostname NAME     the name kiosks reach the server by, in its TLS certificate (repeat for
                      several; default: $(hostname -f 2>/dev/null || hostname))
  --ca-cert FILE      sign the server's certificate with the hospital's CA (PEM) ...
  --ca-key FILE       ... and its key; without them a site CA is made in /etc/mrscreen/pki

  --role kiosk / station:
  --server HOST       the database server's name, as in its certificate (--hostname above)
  --ca FILE           the CA certificate that signed it (the server's /etc/mrscreen/db-ca.crt)
  --password-file FILE  the database password (the server's /etc/mrscreen/db-password)
USAGE
}

HOST_RE='^[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?$'
# Options that belong together, checked before anything is changed.
check_role_options() {
    local a n
    case "$ROLE" in
        single | server | kiosk | station) ;;
        *) die "--role must be server, kiosk or station (or left out for a single kiosk), not '$ROLE'" ;;
    esac
    if [[ "$ROLE" != server ]]; then
        [[ -z "$LISTEN$CA_CERT$CA_KEY" && ${#ALLOW[@]} -eq 0 && ${#SERVER_NAMES[@]} -eq 0 ]] ||
            die "--listen, --allow, --hostname, --ca-cert and --ca-key are for --role server"
    fi
    if [[ "$ROLE" == single || "$ROLE" == server ]]; then
        [[ -z "$DB_SERVER$DB_CA$DB_PASSWORD_FILE" ]] || die "--server, --ca and --password-file are for --role kiosk or station"
    fi
    case "$ROLE" in
        server)
            [[ -n "$LISTEN" ]] || die "--role server needs --listen ADDR: this machine's address on the department's network (or '*' for every address)"
            [[ "$LISTEN" == "*" || "$LISTEN" =~ ^[0-9A-Fa-f.:]+$ || "$LISTEN" =~ $HOST_RE ]] || die "--listen '$LISTEN' is not an address"
            [[ ${#ALLOW[@]} -gt 0 ]] || die "--role server needs --allow CIDR: the network the kiosks and stations are on, such as 10.20.0.0/24"
            for a in "${ALLOW[@]}"; do
                [[ "$a" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}/[0-9]{1,2}$ || "$a" =~ ^[0-9A-Fa-f:]+/[0-9]{1,3}$ ]] ||
                    die "--allow '$a' is not a network such as 10.20.0.0/24 (address/prefix length)"
                [[ "${a#*/}" -ne 0 ]] || die "--allow '$a' would let every address on the internet try to sign in; name the department's network"
            done
            [[ ${#SERVER_NAMES[@]} -gt 0 ]] || SERVER_NAMES=("$(hostname -f 2>/dev/null || hostname)")
            for n in "${SERVER_NAMES[@]}"; do
                [[ "$n" =~ $HOST_RE ]] || die "--hostname '$n' is not a host name"
            done
            [[ -z "$CA_CERT" && -z "$CA_KEY" || -n "$CA_CERT" && -n "$CA_KEY" ]] || die "--ca-cert and --ca-key go together (the hospital CA's certificate and key)"
            [[ -z "$CA_CERT" || -r "$CA_CERT" ]] || die "cannot read --ca-cert $CA_CERT"
            [[ -z "$CA_KEY" || -r "$CA_KEY" ]] || die "cannot read --ca-key $CA_KEY"
            ;;
        kiosk | station)
            [[ -n "$DB_SERVER" ]] || die "--role $ROLE needs --server HOST: the database server's name, as in its certificate"
            [[ "$DB_SERVER" =~ $HOST_RE ]] || die "--server '$DB_SERVER' is not a host name"
            [[ -n "$DB_CA" && -r "$DB_CA" ]] || die "--role $ROLE needs --ca FILE, readable: the CA certificate from the server (/etc/mrscreen/db-ca.crt there)"
            grep -q -- "-----BEGIN CERTIFICATE-----" "$DB_CA" || die "--ca $DB_CA is not a PEM certificate"
            [[ -n "$DB_PASSWORD_FILE" && -r "$DB_PASSWORD_FILE" ]] || die "--role $ROLE needs --password-file FILE, readable: the server's /etc/mrscreen/db-password"
            [[ -n "$(head -n 1 "$DB_PASSWORD_FILE")" ]] || die "--password-file $DB_PASSWORD_FILE is empty"
            ;;
    esac
}

ORIG_ARGS="$*"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --destdir) [[ $# -ge 2 ]] || die "--destdir needs a directory"; DESTDIR="$2"; shift 2 ;;
        --build-dir) [[ $# -ge 2 ]] || die "--build-dir needs a directory"; BUILD_DIR="$2"; shift 2 ;;
        --no-packages) INSTALL_PACKAGES=0; shift ;;
        --admin-user) [[ $# -ge 2 ]] || die "--admin-user needs a name"; ADMIN_USER="$2"; shift 2 ;;
        --admin-name) [[ $# -ge 2 ]] || die "--admin-name needs a name"; ADMIN_NAME="$2"; shift 2 ;;
        --role) [[ $# -ge 2 ]] || die "--role needs server, kiosk or station"; ROLE="$2"; shift 2 ;;
        --listen) [[ $# -ge 2 ]] || die "--listen needs an address"; LISTEN="$2"; shift 2 ;;
        --allow) [[ $# -ge 2 ]] || die "--allow needs a network such as 10.20.0.0/24"; ALLOW+=("$2"); shift 2 ;;
        --hostname) [[ $# -ge 2 ]] || die "--hostname needs a name"; SERVER_NAMES+=("$2"); shift 2 ;;
        --ca-cert) [[ $# -ge 2 ]] || die "--ca-cert needs a file"; CA_CERT="$2"; shift 2 ;;
        --ca-key) [[ $# -ge 2 ]] || die "--ca-key needs a file"; CA_KEY="$2"; shift 2 ;;
        --server) [[ $# -ge 2 ]] || die "--server needs a host name"; DB_SERVER="$2"; shift 2 ;;
        --ca) [[ $# -ge 2 ]] || die "--ca needs a file"; DB_CA="$2"; shift 2 ;;
        --password-file) [[ $# -ge 2 ]] || die "--password-file needs a file"; DB_PASSWORD_FILE="$2"; shift 2 ;;
        --password) die "the database password is never taken on the command line (it would show in ps and the shell history); give --password-file FILE" ;;
        -h | --help) usage; exit 0 ;;
        --pin | --admin-pin) die "the PIN is never taken on the command line (it would show in ps and the shell history); give it on stdin" ;;
        *) usage >&2; die "unknown option '$1'" ;;
    esac
done

[[ "$(id -u)" -eq 0 ]] || die "run this as root, for example: sudo $0 $ORIG_ARGS"
[[ "$ADMIN_USER" =~ ^[a-z][a-z0-9._-]{0,31}$ ]] || die "--admin-user '$ADMIN_USER' is not a valid username (lower-case letters, digits, . _ -)"
check_role_options

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
# A department's database (--role): the CA certificate kiosks check the server against and the
# app role's password (on the server: the files to copy to kiosks); the server's own files.
DB_CA_FILE=$ETC/db-ca.crt
DB_PASSWORD=$ETC/db-password
DB_PORT=5432
PKI=$ETC/pki
OWNER_CONFIG=$ETC/owner.toml
PG_ETC=/etc/postgresql/15/main
PG_SOCKET=/var/run/postgresql
SESSION_DROPIN=$UNIT_DIR/mrscreen-kiosk.service.d/mrscreen-session.conf

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
    # The database server: Debian 12's PostgreSQL 15 (its files are under /etc/postgresql/15/main).
    [[ "$ROLE" == server ]] && wanted+=(postgresql-15 postgresql-client-15 openssl)
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
    # The kiosk user reads it; a database server has no kiosk user: root's alone there.
    if [[ $REAL -eq 1 ]]; then
        if [[ "$ROLE" == server ]]; then chown root:root "$tmp"; else chown "root:$SERVICE_USER" "$tmp"; fi
    fi
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

# Run the installed binary with the department server's config (the server role; no data directory).
# shellcheck disable=SC2317 # called through ensure_admin's first argument
run_on_server() { "$BIN" --config "$CONFIG" "$@"; }

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

# Adds the first admin when there are no staff yet. $1: the function that runs mrscreen against
# the store (run_mrscreen on a box, run_on_server on the department's server); $2: what to check
# when staff cannot be listed.
ensure_admin() {
    local run="${1:-run_mrscreen}" hint="${2:-is the database readable?}" list
    list="$("$run" staff list --json)" || die "cannot list staff ($hint)"
    if [[ "$(tr -d '[:space:]' <<<"$list")" != "[]" ]]; then
        say "staff accounts exist; no admin added"
        return
    fi
    read_pin
    printf '%s\n' "$PIN" | "$run" staff add --username "$ADMIN_USER" --name "$ADMIN_NAME" --role admin
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
    # In a department the data is on the server (backed up there); the nightly SQLite backup has
    # nothing to copy on a kiosk or station.
    [[ "$ROLE" == single ]] || units=(mrscreen-kiosk.service)
    if [[ $REAL -eq 1 ]]; then
        systemctl daemon-reload
        systemctl enable "${units[@]}" 2>&1 | sed 's/^/install: /'
        if [[ "$ROLE" != single ]] && systemctl is-enabled --quiet mrscreen-backup.timer 2>/dev/null; then
            systemctl disable mrscreen-backup.timer 2>&1 | sed 's/^/install: /'
        fi
        systemctl mask getty@tty1.service >/dev/null 2>&1 || true
    else
        # Links inside the scratch tree only; nothing on this machine changes.
        systemctl --root="$ROOT" enable "${units[@]}" >/dev/null 2>&1 ||
            would "systemctl enable ${units[*]}"
        would "systemctl daemon-reload; systemctl mask getty@tty1.service"
    fi
}

# --- a department: kiosks and stations ---------------------------------------------

# set_config_key SECTION KEY VALUE: KEY = VALUE (VALUE as TOML writes it) in the config's
# [SECTION], replacing the key's line or adding it under the section's header; the file is
# rewritten only when it changes, keeping its mode and owner.
set_config_key() {
    local section="$1" key="$2" value="$3" dst="$ROOT$CONFIG" tmp
    tmp="$dst.new.$$"
    awk -v section="[$section]" -v key="$key" -v line="$key = $value" '
        { lines[NR] = $0 }
        END {
            found = 0; cur = ""
            for (i = 1; i <= NR; i++) {
                if (lines[i] ~ /^[[:space:]]*\[/) cur = lines[i]
                else if (cur == section && lines[i] ~ ("^" key "[[:space:]]*=")) { found = i; break }
            }
            header = 0
            for (i = 1; i <= NR; i++) {
                if (i == found) { print line; continue }
                print lines[i]
                if (lines[i] == section) { header = 1; if (!found) print line }
            }
            if (!header) { print ""; print section; print line }
        }' "$dst" >"$tmp"
    if cmp -s "$tmp" "$dst"; then
        rm -f "$tmp"
        return 0
    fi
    chmod --reference="$dst" "$tmp"
    [[ $REAL -eq 1 ]] && chown --reference="$dst" "$tmp"
    mv "$tmp" "$dst"
    say "set [$section] $key in $CONFIG"
}

# install_secret SRC DST OWNER: a copy of SRC readable by OWNER alone (0600), replaced when different.
install_secret() {
    local src="$1" dst="$ROOT$2" owner="$3"
    if ! [[ -f "$dst" ]] || ! cmp -s "$src" "$dst"; then
        mkdir -p "$(dirname "$dst")"
        install -m 0600 "$src" "$dst.new.$$"
        mv -f "$dst.new.$$" "$dst"
        say "installed $2 (0600, $owner)"
    fi
    chmod 0600 "$dst"
    if [[ $REAL -eq 1 ]]; then
        [[ "$(stat -c %U:%G "$dst")" == "$owner:$owner" ]] || chown "$owner:$owner" "$dst"
    fi
}

# A kiosk or station: its config points at the department's server (TLS verify-full against the
# department's CA, the password in a file only the kiosk user reads).
department_client() {
    install_file 0644 "$DB_CA" "$DB_CA_FILE"
    install_secret "$DB_PASSWORD_FILE" "$DB_PASSWORD" "$SERVICE_USER"
    # A box moved from its own SQLite file: mrscreen refuses a database file beside a url.
    set_config_key storage database '""'
    set_config_key storage password_file "\"$DB_PASSWORD\""
    set_config_key storage url "\"postgresql://mrscreen_app@$DB_SERVER:$DB_PORT/mrscreen?sslmode=verify-full&sslrootcert=$DB_CA_FILE\""
    # Patient kiosks in the waiting room never show the queue (patients' names); stations are for staff.
    if [[ "$ROLE" == kiosk ]]; then
        set_config_key kiosk staff_on_kiosk false
    else
        set_config_key kiosk staff_on_kiosk true
    fi
}

# A station runs `mrscreen station` (staff sign-in, queue, review, decision) in the same locked-down
# session a kiosk has; kiosk-session reads MRSCREEN_SESSION from this drop-in.
session_dropin() {
    local tmp
    if [[ "$ROLE" == station ]]; then
        tmp="$(mktemp)"
        printf '%s\n' "# Written by kiosk-setup/install.sh --role station: staff screens only, no patient kiosk." \
            "[Service]" "Environment=MRSCREEN_SESSION=station" >"$tmp"
        install_file 0644 "$tmp" "$SESSION_DROPIN"
        rm -f "$tmp"
    elif [[ -e "$ROOT$SESSION_DROPIN" ]]; then
        rm -f "$ROOT$SESSION_DROPIN"
        say "removed $SESSION_DROPIN (this machine is a patient kiosk now)"
    fi
}

# --- a department: the database server -----------------------------------------------

# The TLS certificate kiosks check: signed by the hospital's CA (--ca-cert/--ca-key) or by a site
# CA made here (its key 0600 root, never copied anywhere). Kept while it still verifies against the
# CA and names every --hostname; made again otherwise.
server_pki() {
    local ca_cert ca_key key="$ROOT$PKI/db-server.key" crt="$ROOT$PKI/db-server.crt" tmp n ext
    make_dir 0755 root:root "$PKI"
    if [[ -n "$CA_CERT" ]]; then
        ca_cert="$CA_CERT"
        ca_key="$CA_KEY"
    else
        ca_cert="$ROOT$PKI/site-ca.crt"
        ca_key="$ROOT$PKI/site-ca.key"
        if [[ ! -s "$ca_key" ]]; then
            (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$ca_key" 2>/dev/null) ||
                die "openssl could not make the site CA's key"
            openssl req -new -x509 -key "$ca_key" -out "$ca_cert" -days 7300 -sha256 \
                -subj "/O=mrscreen/CN=mrscreen database CA ${SERVER_NAMES[0]}" \
                -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
                -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null || die "openssl could not make the site CA"
            chmod 0644 "$ca_cert"
            say "created a site CA: $PKI/site-ca.crt (its key $PKI/site-ca.key, 0600 root: keep it off the network)"
        fi
        chmod 0600 "$ca_key"
    fi
    install_file 0644 "$ca_cert" "$DB_CA_FILE"

    if [[ -s "$crt" && -s "$key" ]] && openssl verify -CAfile "$ca_cert" "$crt" >/dev/null 2>&1 && server_names_match "$crt"; then
        say "kept the server certificate $PKI/db-server.crt"
    else
        tmp="$(mktemp -d)"
        ext="subjectAltName="
        for n in "${SERVER_NAMES[@]}"; do
            if [[ "$n" =~ ^[0-9.]+$ ]]; then ext+="IP:$n,"; else ext+="DNS:$n,"; fi
        done
        if [[ "$LISTEN" != "*" && "$LISTEN" =~ ^[0-9.]+$ && ! " ${SERVER_NAMES[*]} " =~ \ $LISTEN\  ]]; then ext+="IP:$LISTEN,"; fi
        printf '%s\n' "${ext%,}" "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
            "extendedKeyUsage=serverAuth" "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" >"$tmp/ext"
        (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/key" 2>/dev/null) ||
            die "openssl could not make the server's key"
        openssl req -new -key "$tmp/key" -subj "/O=mrscreen/CN=${SERVER_NAMES[0]}" -out "$tmp/csr" 2>/dev/null ||
            die "openssl could not make the server's certificate request"
        # The hospital CA's key may ask for its passphrase: openssl's prompts stay on the terminal.
        openssl x509 -req -in "$tmp/csr" -CA "$ca_cert" -CAkey "$ca_key" -set_serial "0x$(openssl rand -hex 16)" \
            -days 825 -sha256 -extfile "$tmp/ext" -out "$tmp/crt" 2>"$tmp/err" ||
            { cat "$tmp/err" >&2; false; } ||
            die "openssl could not sign the server's certificate with $ca_cert (is --ca-key the key of --ca-cert?)"
        openssl verify -CAfile "$ca_cert" "$tmp/crt" >/dev/null || die "the new server certificate does not verify against $ca_cert"
        install -m 0600 "$tmp/key" "$key"
        install -m 0644 "$tmp/crt" "$crt"
        rm -rf "$tmp"
        say "created the server certificate $PKI/db-server.crt for ${SERVER_NAMES[*]}, signed by $(openssl x509 -noout -subject -in "$ca_cert" | sed 's/^subject=//')"
    fi
    # PostgreSQL reads its key as its own user and refuses a key that others may read.
    if [[ $REAL -eq 1 ]]; then chown postgres:postgres "$key"; else would "chown postgres:postgres $PKI/db-server.key"; fi
}

# Whether CERT names every --hostname (and --listen, when that is an address).
server_names_match() {
    local n
    for n in "${SERVER_NAMES[@]}"; do
        if [[ "$n" =~ ^[0-9.]+$ ]]; then
            openssl x509 -noout -checkip "$n" -in "$1" | grep -q 'does match' || return 1
        else
            openssl x509 -noout -checkhost "$n" -in "$1" | grep -q 'does match' || return 1
        fi
    done
    return 0
}

# The app role's password: random, made once, 0600 root; the admin copies it to each kiosk.
server_password() {
    local dst="$ROOT$DB_PASSWORD"
    if [[ -s "$dst" ]]; then
        say "kept the database password $DB_PASSWORD"
    else
        (umask 077 && openssl rand -hex 24 >"$dst.new.$$") && mv "$dst.new.$$" "$dst"
        say "created the database password $DB_PASSWORD (0600 root): copy it to each kiosk and station"
    fi
    chmod 0600 "$dst"
}

# write_generated MODE OWNER DST: stdin to DST when it differs (keeping the file PostgreSQL's
# package installed there, once, as DST.before-mrscreen).
write_generated() {
    local mode="$1" owner="$2" dst="$ROOT$3" tmp
    tmp="$(mktemp)"
    cat >"$tmp"
    if [[ -f "$dst" && ! -e "$dst.before-mrscreen" ]] && ! grep -q "kiosk-setup/install.sh" "$dst"; then
        cp -p "$dst" "$dst.before-mrscreen"
        say "kept the original $3 as $3.before-mrscreen"
    fi
    install_file "$mode" "$tmp" "$3"
    rm -f "$tmp"
    [[ $REAL -eq 1 ]] && chown "$owner" "$dst"
    return 0
}

# PostgreSQL: listen on --listen, TLS with the certificate above, SCRAM passwords; pg_hba lets the
# app role in over TLS from --allow only, the owner over the local socket as root (peer), nothing else.
server_postgres_config() {
    local a
    write_generated 0644 postgres:postgres "$PG_ETC/conf.d/mrscreen.conf" <<CONF
# mrscreen's settings (written by kiosk-setup/install.sh --role server; read after postgresql.conf).
listen_addresses = '$LISTEN'
port = $DB_PORT
ssl = on
ssl_cert_file = '$PKI/db-server.crt'
ssl_key_file = '$PKI/db-server.key'
ssl_min_protocol_version = 'TLSv1.2'
password_encryption = 'scram-sha-256'
CONF
    {
        cat <<HBA
# Who may connect (written by kiosk-setup/install.sh --role server). The first matching line
# decides; a connection no line matches is refused. No trust lines: over the network only the
# app role, only over TLS, only from the department's network, only with its password (SCRAM).
# TYPE  DATABASE  USER            ADDRESS             METHOD
local   all       postgres                            peer
local   mrscreen  mrscreen_owner                      peer map=mrscreen_owner
local   mrscreen  mrscreen_app                        scram-sha-256
HBA
        for a in "${ALLOW[@]}"; do
            printf 'hostssl mrscreen  mrscreen_app    %-19s scram-sha-256\n' "$a"
        done
    } | write_generated 0640 postgres:postgres "$PG_ETC/pg_hba.conf"
    write_generated 0640 postgres:postgres "$PG_ETC/pg_ident.conf" <<IDENT
# Which system users may be which database role over the local socket (kiosk-setup/install.sh
# --role server): root runs \`mrscreen store migrate\` as the schema's owner, without a password.
# MAPNAME        SYSTEM-USERNAME  PG-USERNAME
mrscreen_owner   root             mrscreen_owner
IDENT
}

# The server's own config for the schema's owner (migrations, as root over the local socket).
write_owner_config() {
    local tmp
    tmp="$(mktemp)"
    cat >"$tmp" <<TOML
# mrscreen as the database schema's owner, for root on the server only:
#   mrscreen --config $OWNER_CONFIG store migrate
# Peer authentication on the local socket (pg_ident.conf maps root to mrscreen_owner): this role
# has no password. Kiosks and stations use the app role (mrscreen_app) instead.
[storage]
data_dir = "$DATA"
url = "postgresql:///mrscreen?host=$PG_SOCKET&user=mrscreen_owner"

[form]
path = "$FORM_STEM"
TOML
    install_file 0640 "$tmp" "$OWNER_CONFIG"
    rm -f "$tmp"
}

# The roles and the database (db-roles.sql), as PostgreSQL's superuser: the password goes to psql
# on stdin as the variable app_password, never on a command line.
roles_sql() {
    local password
    password="$(head -n 1 "$ROOT$DB_PASSWORD")"
    [[ "$password" =~ ^[A-Za-z0-9._~-]+$ ]] || die "$DB_PASSWORD: use letters, digits and . _ ~ - only (or delete it: install.sh makes a new one)"
    printf '\\set app_password %s\n' "$password"
    cat "$SCRIPT_DIR/db-roles.sql"
}

server_database() {
    if [[ $REAL -eq 0 ]]; then
        would "systemctl enable postgresql; systemctl restart postgresql@15-main (listen, TLS, pg_hba)"
        would "runuser -u postgres -- psql < kiosk-setup/db-roles.sql: roles mrscreen_owner, mrscreen_app, database mrscreen"
        would "$BIN --config $OWNER_CONFIG store migrate (as mrscreen_owner)"
        would "add the first admin '$ADMIN_USER' with $BIN --config $CONFIG staff add (if there are no staff)"
        return
    fi
    systemctl enable postgresql 2>&1 | sed 's/^/install: /'
    systemctl restart postgresql@15-main || die "PostgreSQL did not start with the new settings: journalctl -u postgresql@15-main"
    roles_sql | runuser -u postgres -- psql -X -q -d postgres >/dev/null || die "could not create the database roles (see above)"
    say "database mrscreen and roles mrscreen_owner (owner, local only) and mrscreen_app (kiosks and stations) are there"
    "$BIN" --config "$OWNER_CONFIG" store migrate || die "could not migrate the database schema (see above): $BIN --config $OWNER_CONFIG store migrate"
    ensure_admin run_on_server "as mrscreen_app, see above"
}

# --- main --------------------------------------------------------------------

[[ $INSTALL_PACKAGES -eq 1 ]] && install_packages
build_binary

install_program() {
    local f
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
}

if [[ "$ROLE" == server ]]; then
    install_program
    make_dir 0755 root:root "$ETC"
    write_config
    set_config_key storage password_file "\"$DB_PASSWORD\""
    set_config_key storage url "\"postgresql:///mrscreen?host=$PG_SOCKET&user=mrscreen_app\""
    make_dir 0700 root:root "$DATA"
    server_pki
    server_password
    server_postgres_config
    write_owner_config
    server_database
    if [[ $REAL -eq 1 ]]; then
        say "done. Copy $DB_CA_FILE and $DB_PASSWORD (keep it secret) to each kiosk and station, then there:"
    else
        say "done: installed into $DESTDIR. On each kiosk and station, with copies of $DB_CA_FILE and $DB_PASSWORD:"
    fi
    say "  sudo kiosk-setup/install.sh --role kiosk --server ${SERVER_NAMES[0]} --ca db-ca.crt --password-file db-password"
    exit 0
fi

create_user
[[ $REAL -eq 1 ]] && add_device_groups
install_program

make_dir 0755 root:root "$ETC"
write_config
[[ "$ROLE" == single ]] || department_client
make_dir 0700 "$SERVICE_USER:$SERVICE_USER" "$DATA"
make_dir 0700 "$SERVICE_USER:$SERVICE_USER" "$BACKUPS"
install_units
session_dropin

ensure_key
if [[ "$ROLE" == single ]]; then
    ensure_admin
    run_mrscreen audit verify >/dev/null || die "the audit chain of $DATA does not verify; see: $BIN --config $CONFIG audit verify"
fi
enable_units

if [[ "$ROLE" != single ]]; then
    # Staff accounts and the audit trail are on the server: this proves the url, CA and password work.
    if [[ $REAL -eq 1 ]]; then
        run_mrscreen staff list --json >/dev/null ||
            die "installed, but mrscreen cannot use the database on $DB_SERVER (see above): check that the server is up, that this machine is in its --allow network, and that --ca and --password-file are the server's $DB_CA_FILE and $DB_PASSWORD; then: runuser -u $SERVICE_USER -- $BIN --config $CONFIG staff list"
    else
        would "runuser -u $SERVICE_USER -- $BIN --config $CONFIG staff list (reaching the database on $DB_SERVER)"
    fi
fi

if [[ $REAL -eq 1 ]]; then
    say "done. Reboot (or: systemctl start mrscreen-kiosk) to start the ${ROLE/single/kiosk} on the screen."
else
    say "done: installed into $DESTDIR"
fi
