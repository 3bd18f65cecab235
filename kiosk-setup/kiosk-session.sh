#!/usr/bin/env bash
# Runs inside the kiosk compositor (cage) as the mrscreen user: turns off X screen blanking on
# cage's Xwayland server, then becomes the kiosk (or the staff station). Installed as
# /usr/local/lib/mrscreen/kiosk-session and started by mrscreen-kiosk.service; when mrscreen
# exits, cage exits and systemd restarts both.
set -euo pipefail

MRSCREEN="${MRSCREEN:-/usr/local/bin/mrscreen}"
MRSCREEN_CONFIG="${MRSCREEN_CONFIG:-/etc/mrscreen/mrscreen.toml}"

# mrscreen uses GLFW's X11 backend (Debian bookworm's libglfw3), so it talks to Xwayland.
if [[ -z "${DISPLAY:-}" ]]; then
    echo "kiosk-session: DISPLAY is not set: cage started without Xwayland (install the package xwayland)" >&2
    exit 1
fi
# Xwayland has an X screen saver of its own; DPMS may be missing there, so failures are ignored.
if command -v xset >/dev/null 2>&1; then
    xset s off s noblank >/dev/null 2>&1 || true
    xset -dpms >/dev/null 2>&1 || true
fi
# The kiosk has no physical keyboard: Xlib need not read and compile the locale's compose table
# (thousands of sequences) when GLFW opens its input method. About 9 ms off every start.
export XCOMPOSEFILE=/dev/null
# A staff station (install.sh --role station sets MRSCREEN_SESSION=station in a drop-in of the unit)
# opens straight to staff sign-in; a patient kiosk opens on Welcome.
case "${MRSCREEN_SESSION:-kiosk}" in
    kiosk) exec "$MRSCREEN" --config "$MRSCREEN_CONFIG" ;;
    station) exec "$MRSCREEN" --config "$MRSCREEN_CONFIG" station ;;
    *)
        echo "kiosk-session: MRSCREEN_SESSION must be kiosk or station, not '$MRSCREEN_SESSION'" >&2
        exit 1
        ;;
esac
