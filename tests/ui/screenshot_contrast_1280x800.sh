#!/usr/bin/env bash
# The contrast pairs of the issue's "Done means", measured from screenshots of the real window at
# 1280x800 (Welcome, a question page with its error, the on-screen keyboard, staff sign-in), in a
# folder holding THEME-welcome.png, THEME-question-error.png, THEME-keyboard.png, THEME-staff.png
# for THEME normal and high. The rectangles (X,Y,W,H) fit that size's layout.
# usage: tests/ui/screenshot_contrast_1280x800.sh FOLDER   (exit 1 when a pair is under its minimum)
set -euo pipefail
[[ "$#" -eq 1 && -d "$1" ]] || { echo "usage: $0 FOLDER_OF_SCREENSHOTS" >&2; exit 2; }
MEASURE="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/screenshot_contrast.py"
SCREEN="900,400,100,100" # empty screen background
status=0
for theme in normal high; do
    shots="$1/$theme"
    python3 "$MEASURE" "$shots-welcome.png" --sample "tile border / screen" 3 340,240,6,30 "$SCREEN" \
        --sample "tile border / tile" 3 340,240,6,30 360,232,60,8 --sample "muted label / screen" 7 28,180,130,28 "$SCREEN" \
        --sample "body text / screen" 7 28,78,700,30 "$SCREEN" || status=1
    python3 "$MEASURE" "$shots-question-error.png" --sample "error text / screen" 7 75,180,620,32 "$SCREEN" \
        --sample "muted progress text / screen" 7 1100,78,150,28 "$SCREEN" \
        --sample "field border / screen" 3 26,240,6,40 "$SCREEN" --sample "field border / field" 3 26,240,6,40 40,236,100,8 \
        --sample "button border / screen" 3 26,725,6,40 "$SCREEN" || status=1
    python3 "$MEASURE" "$shots-keyboard.png" --sample "key border / keyboard" 3 20,510,5,40 0,489,1280,6 \
        --sample "key border / key" 3 20,510,5,40 30,504,30,8 --sample "key label / key" 7 70,515,25,28 30,504,30,8 || status=1
    python3 "$MEASURE" "$shots-staff.png" --sample "field border / screen" 3 26,135,6,40 "$SCREEN" \
        --sample "field border / field" 3 26,135,6,40 40,126,100,8 --sample "label text / screen" 7 28,78,135,28 "$SCREEN" \
        --sample "button border / screen" 3 26,725,6,40 "$SCREEN" || status=1
done
exit "$status"
