# shellcheck shell=bash disable=SC2153
# A department, sourced by install_test.sh (its SCRATCH, REPO, BIN, PG_BIN, PIN, ROOT, CONF, DATA, M,
# fail, ok): install.sh --role server, kiosk and station into scratch roots; each role's config,
# modes, pg_hba lines and certificate chain; a single kiosk moved into the department; then the
# server's own files run a real PostgreSQL 15 (as the user nobody, on a loopback port) and the
# kiosk's url, CA and password reach it with verify-full TLS, while what pg_hba refuses is refused.
# Nothing outside SCRATCH changes.

install_role() { # ROOT ARGS...: install.sh with the role options ARGS into ROOT
    local root="$1"
    shift
    printf '%s\n' "$PIN" | "$REPO/kiosk-setup/install.sh" --destdir "$root" --no-packages \
        --build-dir "$(dirname "$BIN")" "$@"
}
mode_is() { # MODE FILE
    [[ "$(stat -c %a "$2")" == "$1" ]] || fail "$2 has mode $(stat -c %a "$2"), not $1"
}
# The lines of a pg_hba.conf / config that are not comments or blank, spaces squeezed.
rules_of() { grep -v '^[[:space:]]*\(#\|$\)' "$1" | tr -s ' \t' ' '; }

# --- refusals before anything is changed ------------------------------------------------
refused() { # EXPECTED-MESSAGE ARGS...
    local expected="$1" out
    shift
    if out="$(install_role "$SCRATCH/refused" "$@" 2>&1)"; then fail "install.sh $* was not refused"; fi
    grep -qF -- "$expected" <<<"$out" || fail "install.sh $*: expected '$expected', got: $out"
    [[ ! -e "$SCRATCH/refused/etc" ]] || fail "install.sh $* changed the tree before refusing"
}
refused "--role must be server, kiosk or station" --role printer
refused "--role kiosk needs --server HOST" --role kiosk
refused "--role server needs --allow CIDR" --role server --listen 10.0.0.5
refused "--role server needs --listen ADDR" --role server --allow 10.0.0.0/24
refused "would let every address on the internet" --role server --listen '*' --allow 0.0.0.0/0
refused "the database password is never taken on the command line" --role kiosk --password hunter2
refused "--server, --ca and --password-file are for --role kiosk or station" --server db.example.org
ok "role options that do not go together are refused, and nothing is installed"

# --- the server ------------------------------------------------------------------------
SROOT="$SCRATCH/server"
install_role "$SROOT" --role server --listen 127.0.0.1 --allow 127.0.0.1/32 --allow 10.20.0.0/24 \
    --hostname db.test.example >"$SCRATCH/server.log" 2>&1 || { cat "$SCRATCH/server.log"; fail "server install"; }
SETC="$SROOT/etc/mrscreen"
PG_ETC="$SROOT/etc/postgresql/15/main"
mode_is 600 "$SETC/db-password"
mode_is 600 "$SETC/pki/site-ca.key"
mode_is 600 "$SETC/pki/db-server.key"
mode_is 644 "$SETC/db-ca.crt"
mode_is 640 "$SETC/mrscreen.toml"
mode_is 640 "$SETC/owner.toml"
mode_is 640 "$PG_ETC/pg_hba.conf"
grep -qE '^[0-9a-f]{48}$' "$SETC/db-password" || fail "the app password is not 48 random hex digits"
if grep -q "$(cat "$SETC/db-password")" "$SCRATCH/server.log"; then fail "the app password appears in the install output"; fi
openssl verify -CAfile "$SETC/db-ca.crt" "$SETC/pki/db-server.crt" >/dev/null || fail "the server certificate does not verify against db-ca.crt"
openssl x509 -noout -checkhost db.test.example -in "$SETC/pki/db-server.crt" | grep -q 'does match' ||
    fail "the server certificate does not name db.test.example"
openssl x509 -noout -ext extendedKeyUsage -in "$SETC/pki/db-server.crt" | grep -q 'TLS Web Server Authentication' ||
    fail "the server certificate is not for TLS servers"
openssl x509 -noout -ext basicConstraints -in "$SETC/pki/db-server.crt" | grep -q 'CA:FALSE' || fail "the server certificate could sign others"
[[ "$(rules_of "$PG_ETC/pg_hba.conf")" == "local all postgres peer
local mrscreen mrscreen_owner peer map=mrscreen_owner
local mrscreen mrscreen_app scram-sha-256
hostssl mrscreen mrscreen_app 127.0.0.1/32 scram-sha-256
hostssl mrscreen mrscreen_app 10.20.0.0/24 scram-sha-256" ]] || { cat "$PG_ETC/pg_hba.conf"; fail "unexpected pg_hba.conf lines"; }
[[ "$(rules_of "$PG_ETC/pg_ident.conf")" == "mrscreen_owner root mrscreen_owner" ]] || fail "unexpected pg_ident.conf"
grep -qx "listen_addresses = '127.0.0.1'" "$PG_ETC/conf.d/mrscreen.conf" || fail "not listening on --listen"
grep -qx "ssl = on" "$PG_ETC/conf.d/mrscreen.conf" || fail "ssl is not on"
grep -qx 'url = "postgresql:///mrscreen?host=/var/run/postgresql&user=mrscreen_owner"' "$SETC/owner.toml" || fail "owner.toml url"
grep -q "would (on a real system): /usr/local/bin/mrscreen --config /etc/mrscreen/owner.toml store migrate" "$SCRATCH/server.log" ||
    fail "the server install does not migrate as the owner"
(cd "$SROOT" && find . -printf '%p %m\n' | sort && find . -type f -print0 | sort -z | xargs -0 sha256sum) >"$SCRATCH/server.before"
install_role "$SROOT" --role server --listen 127.0.0.1 --allow 127.0.0.1/32 --allow 10.20.0.0/24 \
    --hostname db.test.example >"$SCRATCH/server2.log" 2>&1 || { cat "$SCRATCH/server2.log"; fail "second server install"; }
(cd "$SROOT" && find . -printf '%p %m\n' | sort && find . -type f -print0 | sort -z | xargs -0 sha256sum) >"$SCRATCH/server.after"
diff -u "$SCRATCH/server.before" "$SCRATCH/server.after" || fail "the second server install changed the tree (CA, certificate or password made again?)"
ok "server: password, site CA and certificate chain, pg_hba (no trust, hostssl from --allow only); a second run changes nothing"

# The hospital's CA instead of a site CA: the server certificate chains to it; no site CA is made.
HCA="$SCRATCH/hospital-ca"
mkdir -p "$HCA"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$HCA/ca.key" -out "$HCA/ca.crt" \
    -days 30 -subj "/CN=Test Hospital Root CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
install_role "$SCRATCH/server-hospital" --role server --listen '*' --allow 10.20.0.0/24 --hostname db.test.example \
    --ca-cert "$HCA/ca.crt" --ca-key "$HCA/ca.key" >"$SCRATCH/server-hospital.log" 2>&1 ||
    { cat "$SCRATCH/server-hospital.log"; fail "server install with the hospital's CA"; }
HETC="$SCRATCH/server-hospital/etc/mrscreen"
cmp -s "$HCA/ca.crt" "$HETC/db-ca.crt" || fail "db-ca.crt is not the hospital's CA"
openssl verify -CAfile "$HCA/ca.crt" "$HETC/pki/db-server.crt" >/dev/null || fail "the server certificate does not chain to the hospital's CA"
[[ ! -e "$HETC/pki/site-ca.key" && ! -e "$HETC/pki/ca.key" ]] || fail "a CA key was made or copied beside the hospital's"
ok "server with --ca-cert/--ca-key: its certificate chains to the hospital's CA, whose key is not copied"

# --- a kiosk and a station ---------------------------------------------------------------
client_config_is() { # ROOT STAFF_ON_KIOSK
    local conf="$1/etc/mrscreen/mrscreen.toml"
    grep -qx 'url = "postgresql://mrscreen_app@db.test.example:5432/mrscreen?sslmode=verify-full&sslrootcert=/etc/mrscreen/db-ca.crt"' "$conf" ||
        fail "$conf: no verify-full [storage] url"
    grep -qx 'password_file = "/etc/mrscreen/db-password"' "$conf" || fail "$conf: no password_file"
    [[ "$(grep -c '^url = ' "$conf")" -eq 1 && "$(grep -c '^staff_on_kiosk = ' "$conf")" -eq 1 ]] || fail "$conf: a key set twice"
    grep -qx "staff_on_kiosk = $2" "$conf" || fail "$conf: staff_on_kiosk is not $2"
    mode_is 640 "$conf"
    mode_is 600 "$1/etc/mrscreen/db-password"
    mode_is 644 "$1/etc/mrscreen/db-ca.crt"
    cmp -s "$SETC/db-password" "$1/etc/mrscreen/db-password" || fail "the kiosk's password is not the server's"
    cmp -s "$SETC/db-ca.crt" "$1/etc/mrscreen/db-ca.crt" || fail "the kiosk's CA is not the server's"
    [[ -s "$1/var/lib/mrscreen/keys/site-key.pem" ]] || fail "$1: no site signing key"
    [[ -L "$1/etc/systemd/system/multi-user.target.wants/mrscreen-kiosk.service" ]] || fail "$1: the session is not enabled"
}
CLIENT=(--server db.test.example --ca "$SETC/db-ca.crt" --password-file "$SETC/db-password")
KROOT="$SCRATCH/kiosk"
install_role "$KROOT" --role kiosk "${CLIENT[@]}" >"$SCRATCH/kiosk.log" 2>&1 || { cat "$SCRATCH/kiosk.log"; fail "kiosk install"; }
client_config_is "$KROOT" false
[[ ! -e "$KROOT/usr/local/lib/systemd/system/mrscreen-kiosk.service.d/mrscreen-session.conf" ]] || fail "a kiosk got the station session"
grep -q "would (on a real system): runuser -u mrscreen -- /usr/local/bin/mrscreen --config /etc/mrscreen/mrscreen.toml staff list" \
    "$SCRATCH/kiosk.log" || fail "the kiosk install does not check the server is reachable"
if grep -q "added the first admin" "$SCRATCH/kiosk.log"; then fail "a department kiosk added an admin of its own"; fi
[[ ! -e "$KROOT/etc/systemd/system/timers.target.wants/mrscreen-backup.timer" ]] || fail "a department kiosk backs up a SQLite file it does not use"
ok "kiosk: verify-full url, password 0600 and CA copied, staff_on_kiosk = false, patient session, no SQLite backup"

STROOT="$SCRATCH/station"
install_role "$STROOT" --role station "${CLIENT[@]}" >"$SCRATCH/station.log" 2>&1 || { cat "$SCRATCH/station.log"; fail "station install"; }
client_config_is "$STROOT" true
DROPIN="$STROOT/usr/local/lib/systemd/system/mrscreen-kiosk.service.d/mrscreen-session.conf"
grep -qx "Environment=MRSCREEN_SESSION=station" "$DROPIN" || fail "the station's session drop-in does not choose the station"
# The session script starts what the drop-in chooses (a stand-in binary prints its arguments).
printf '#!/bin/sh\necho "$@"\n' >"$SCRATCH/fake-mrscreen"
chmod 0755 "$SCRATCH/fake-mrscreen"
session() { env DISPLAY=:99 MRSCREEN="$SCRATCH/fake-mrscreen" MRSCREEN_CONFIG=/etc/mrscreen/mrscreen.toml "$@" \
    "$STROOT/usr/local/lib/mrscreen/kiosk-session"; }
[[ "$(session MRSCREEN_SESSION=station)" == "--config /etc/mrscreen/mrscreen.toml station" ]] || fail "kiosk-session does not start mrscreen station"
[[ "$(session)" == "--config /etc/mrscreen/mrscreen.toml" ]] || fail "kiosk-session does not start the patient kiosk by default"
ok "station: the same url and files, staff_on_kiosk = true, the session runs mrscreen station"

# A station made a patient kiosk: the session and staff_on_kiosk follow, nothing is duplicated.
install_role "$STROOT" --role kiosk "${CLIENT[@]}" >"$SCRATCH/restation.log" 2>&1 || { cat "$SCRATCH/restation.log"; fail "station -> kiosk"; }
client_config_is "$STROOT" false
[[ ! -e "$DROPIN" ]] || fail "the station session stayed on a machine made a kiosk"
ok "a station installed again as a kiosk loses the station session and the staff gesture"

# The single kiosk installed above joins the department (kiosk-setup/README.md, "Moving an existing
# single kiosk"): its config keeps its settings and pin, its SQLite history stays readable.
cp "$CONF" "$SCRATCH/sqlite-archive.toml"
install_role "$ROOT" --role kiosk "${CLIENT[@]}" >"$SCRATCH/moved.log" 2>&1 || { cat "$SCRATCH/moved.log"; fail "moving the single kiosk"; }
client_config_is "$ROOT" false
grep -q '^signer_sha256 = "' "$CONF" || fail "moving the kiosk lost its signer pin"
grep -qx 'database = ""' "$CONF" || fail "moving the kiosk left a SQLite database beside the url"
sed -i "s|^path = \"/|path = \"$ROOT/|" "$SCRATCH/sqlite-archive.toml"
"$M" --config "$SCRATCH/sqlite-archive.toml" --data-dir "$DATA" audit verify >/dev/null || fail "the moved kiosk's SQLite history does not verify"
ok "a single kiosk moved into the department keeps its pin and its SQLite history, readable with the archive config"

# --- the server's files run a real PostgreSQL 15; the kiosk's url reaches it ----------------------
if [[ ! -x "$PG_BIN/postgres" ]] || ! command -v psql >/dev/null; then
    echo "note: PostgreSQL 15 is not installed ($PG_BIN): the live connection checks were not run"
    return 0
fi
chmod 0711 "$SCRATCH" # nobody reaches its own folder inside
PG="$SCRATCH/pg"
mkdir -p "$PG/sock"
cp "$SETC/pki/db-server.crt" "$SETC/pki/db-server.key" "$PG/"
chown -R nobody:nogroup "$PG"
as_nobody() { (cd "$PG" && runuser -u nobody -- "$@"); }
as_nobody "$PG_BIN/initdb" -D "$PG/data" -U nobody --auth=reject -E UTF8 --locale=C.UTF-8 >"$SCRATCH/initdb.log" 2>&1 ||
    { cat "$SCRATCH/initdb.log"; fail "initdb"; }
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# The generated settings with the scratch paths; PostgreSQL's superuser is nobody here, not postgres.
sed -e "s|/etc/mrscreen/pki/|$PG/|" -e "s|^port = .*|port = $PORT|" "$PG_ETC/conf.d/mrscreen.conf" >>"$PG/data/postgresql.conf"
printf "unix_socket_directories = '%s'\nfsync = off\n" "$PG/sock" >>"$PG/data/postgresql.conf"
sed 's/^local   all       postgres /local   all       nobody   /' "$PG_ETC/pg_hba.conf" >"$PG/data/pg_hba.conf"
cp "$PG_ETC/pg_ident.conf" "$PG/data/pg_ident.conf"
chown nobody:nogroup "$PG/data/postgresql.conf" "$PG/data/pg_hba.conf" "$PG/data/pg_ident.conf"
as_nobody "$PG_BIN/pg_ctl" start -w -D "$PG/data" -l "$PG/log" >/dev/null || { cat "$PG/log"; fail "PostgreSQL did not start with the server's settings"; }
# shellcheck disable=SC2034 # install_test.sh's cleanup stops the server while this is set
PG_RUNNING="$PG/data"
# The roles and database exactly as install.sh feeds them to psql (twice: it is safe to run again).
for _ in 1 2; do
    { printf '\\set app_password %s\n' "$(cat "$SETC/db-password")"; cat "$REPO/kiosk-setup/db-roles.sql"; } |
        as_nobody psql -X -q -h "$PG/sock" -p "$PORT" -U nobody -d postgres >/dev/null || fail "db-roles.sql"
done

# The kiosk's own url, with the test server's port and loopback address; its password file.
KURL="$(sed -n 's/^url = "\(.*\)"$/\1/p' "$KROOT/etc/mrscreen/mrscreen.toml")"
KURL="${KURL/:5432\//:$PORT/}"
KURL="${KURL//\/etc\/mrscreen\//$KROOT/etc/mrscreen/}&hostaddr=127.0.0.1"
as_kiosk() { PGPASSWORD="$(cat "$KROOT/etc/mrscreen/db-password")" psql -X -q -t -A "$@" 2>&1; }
out="$(as_kiosk "$KURL" -c "SELECT current_user, ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")" ||
    fail "the kiosk's url did not reach the server: $out"
[[ "$out" == "mrscreen_app|t" ]] || fail "the kiosk connected as '$out', expected mrscreen_app over TLS"
out="$(as_kiosk "$KURL" -c "CREATE TABLE intruder (x int)")" && fail "the app role could create a table"
grep -q "permission denied" <<<"$out" || fail "creating a table as the app role: $out"
ok "the kiosk's url, CA and password reach the server over verify-full TLS as mrscreen_app, which may not create tables"

refused_by_server() { # WHY EXPECTED URL
    local out
    if out="$(as_kiosk "$3" -c "SELECT 1")"; then fail "$1 was let in"; fi
    grep -q "$2" <<<"$out" || fail "$1: expected '$2', got: $out"
}
BASE="host=db.test.example hostaddr=127.0.0.1 port=$PORT dbname=mrscreen"
refused_by_server "a connection without TLS" "no pg_hba.conf entry" "$BASE user=mrscreen_app sslmode=disable"
refused_by_server "the owner over the network" "no pg_hba.conf entry" \
    "$BASE user=mrscreen_owner sslmode=verify-full sslrootcert=$SETC/db-ca.crt"
refused_by_server "another database" "no pg_hba.conf entry" \
    "host=db.test.example hostaddr=127.0.0.1 port=$PORT dbname=postgres user=mrscreen_app sslmode=verify-full sslrootcert=$SETC/db-ca.crt"
refused_by_server "a server name not in the certificate" "does not match host name" \
    "host=other.test.example hostaddr=127.0.0.1 port=$PORT dbname=mrscreen user=mrscreen_app sslmode=verify-full sslrootcert=$SETC/db-ca.crt"
refused_by_server "a server certificate from another CA" "certificate verify failed" \
    "$BASE user=mrscreen_app sslmode=verify-full sslrootcert=$HCA/ca.crt"
out="$(PGPASSWORD=wrong psql -X -q "$BASE user=mrscreen_app sslmode=verify-full sslrootcert=$SETC/db-ca.crt" -c "SELECT 1" 2>&1)" &&
    fail "a wrong password was let in"
grep -q "password authentication failed" <<<"$out" || fail "a wrong password: $out"
# Root on the server is the owner over the local socket, without a password (pg_ident.conf).
[[ "$(psql -X -q -t -A "host=$PG/sock port=$PORT dbname=mrscreen user=mrscreen_owner" -c "SELECT current_user" 2>&1)" == mrscreen_owner ]] ||
    fail "root is not let in as mrscreen_owner over the local socket"
out="$(as_nobody psql -X -q "host=$PG/sock port=$PORT dbname=mrscreen user=mrscreen_owner" -c "SELECT 1" 2>&1)" &&
    fail "another system user got in as mrscreen_owner"
ok "refused: no TLS, the owner over the network, another database or CA or name, a wrong password, the owner as another system user"

# mrscreen itself on that server: root migrates as the owner with owner.toml (the local socket, peer
# map), which gives mrscreen_app its table rights (db/postgresql/grants.sql; db-roles.sql grants only
# CONNECT and USAGE); then the kiosk's own config reads and writes over verify-full TLS.
sed -e "s|host=/var/run/postgresql|host=$PG/sock\\&port=$PORT|" -e "s|^data_dir = \"/|data_dir = \"$SROOT/|" \
    -e "s|^path = \"/|path = \"$SROOT/|" "$SETC/owner.toml" >"$SCRATCH/owner-live.toml"
"$M" --config "$SCRATCH/owner-live.toml" store migrate >"$SCRATCH/migrate.log" 2>&1 || { cat "$SCRATCH/migrate.log"; fail "store migrate as the owner"; }
grep -q "the grants of mrscreen_app are set" "$SCRATCH/migrate.log" || fail "store migrate: $(cat "$SCRATCH/migrate.log")"
awk -v url="$KURL" '/^url = /{print "url = \"" url "\""; next} {print}' "$KROOT/etc/mrscreen/mrscreen.toml" |
    sed -e "s|^password_file = \"/|password_file = \"$KROOT/|" -e "s|^data_dir = \"/|data_dir = \"$KROOT/|" \
        -e "s|^path = \"/|path = \"$KROOT/|" >"$SCRATCH/kiosk-live.toml"
out="$("$M" --config "$SCRATCH/kiosk-live.toml" staff list --json 2>&1)" || fail "the kiosk's config did not open the PostgreSQL store: $out"
[[ "$(tr -d '[:space:]' <<<"$out")" == "[]" ]] || fail "staff list on a new server: $out"
printf '%s\n' "$PIN" | "$M" --config "$SCRATCH/kiosk-live.toml" staff add --username lead --name "Lead Tech" --role admin \
    >"$SCRATCH/staff-add.log" 2>&1 || { cat "$SCRATCH/staff-add.log"; fail "staff add over the kiosk's connection"; }
out="$("$M" --config "$SCRATCH/kiosk-live.toml" audit verify 2>&1)" || fail "audit verify over the kiosk's connection: $out"
[[ "$(as_kiosk "$KURL" -c "SELECT count(*) FROM staff")" == 1 ]] || fail "the staff account is not on the server"
ok "store migrate as the owner (grants included); the kiosk's config adds staff and verifies the audit trail over verify-full TLS"

as_nobody "$PG_BIN/pg_ctl" stop -D "$PG/data" -m fast >/dev/null
# shellcheck disable=SC2034
PG_RUNNING=""
