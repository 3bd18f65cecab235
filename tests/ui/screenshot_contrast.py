#!/usr/bin/env python3
"""WCAG 2.1 contrast ratios measured from a screenshot of the real kiosk window (a PNG from
ImageMagick's `import`), not computed from the theme's colours: what the patient sees after
blending, anti-aliasing and the renderer.

Each sample names two rectangles of the screenshot: the background's colour is the one most of its
pixels have; the foreground's (a border, a text's strokes) is the colour in its rectangle that
stands out most from that background, among colours at least 3 pixels have (so one stray pixel
does not count). Prints a markdown table; exits 1 when a pair is under its minimum.

usage: screenshot_contrast.py SHOT.png --sample LABEL MIN FG BG [--sample ...]
         (FG, BG: rectangles X,Y,W,H in pixels; MIN: 3 for borders, 7 for body, muted and error text)
       screenshot_contrast.py --self-test
Needs only Python 3's standard library (8-bit RGB or RGBA PNGs, not interlaced).
"""
import argparse
import collections
import os
import struct
import sys
import tempfile
import zlib


def read_png(path):
    """(width, height, rows): rows[y][x] is an (r, g, b) tuple."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG file")
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace:
                raise ValueError(f"{path}: only 8-bit RGB or RGBA PNGs that are not interlaced are read "
                                 f"(this one: depth {depth}, colour type {colour}, interlace {interlace}); "
                                 "convert it with: convert IN.png -depth 8 -interlace none PNG24:OUT.png")
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    if not width:
        raise ValueError(f"{path}: no IHDR chunk")
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous, i = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = previous[x]
            c = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + a) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + b) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, channels)])
        previous = line
    return width, height, rows


def write_png(path, rows):
    """Writes rows of (r, g, b) as an 8-bit RGB PNG (for the self-test)."""
    height, width = len(rows), len(rows[0])
    raw = b"".join(b"\x00" + bytes(v for px in row for v in px) for row in rows)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def luminance(rgb):
    def channel(v):
        c = v / 255.0
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def rectangle(text):
    try:
        x, y, w, h = (int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a rectangle X,Y,W,H in pixels")
    if w <= 0 or h <= 0:
        raise argparse.ArgumentTypeError(f"'{text}': width and height must be above 0")
    return x, y, w, h


def pixels(rows, rect, path):
    x, y, w, h = rect
    if y + h > len(rows) or x + w > len(rows[0]) or x < 0 or y < 0:
        raise ValueError(f"{path}: rectangle {x},{y},{w},{h} is outside the {len(rows[0])}x{len(rows)} image")
    return collections.Counter(rows[j][i] for j in range(y, y + h) for i in range(x, x + w))


def measure(rows, fg_rect, bg_rect, path="image"):
    """(foreground, background, ratio) for one sample."""
    background = pixels(rows, bg_rect, path).most_common(1)[0][0]
    counts = pixels(rows, fg_rect, path)
    candidates = [c for c, n in counts.items() if n >= 3] or list(counts)
    foreground = max(candidates, key=lambda c: contrast(c, background))
    return foreground, background, contrast(foreground, background)


def hex_colour(rgb):
    return "#%02x%02x%02x" % rgb


def self_test():
    """WCAG's own example (#767676 on white is 4.54:1) and a 1-pixel border found in its rectangle."""
    white, grey, dark = (255, 255, 255), (118, 118, 118), (23, 28, 38)
    rows = [[white] * 20 for _ in range(10)]
    for x in range(20):
        rows[4][x] = grey                    # a 1-pixel border across the image
    rows[8][3] = rows[8][4] = dark           # two stray pixels: too few to count
    rows[8][5] = rows[8][6] = rows[8][7] = (200, 200, 200)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "sample.png")
        write_png(path, rows)
        _, _, read = read_png(path)
    failures = []
    fg, bg, ratio = measure(read, (0, 2, 20, 5), (0, 0, 20, 2))
    if (fg, bg) != (grey, white) or abs(ratio - 4.54) > 0.01:
        failures.append(f"border: got {hex_colour(fg)} on {hex_colour(bg)} at {ratio:.2f}, expected #767676 on "
                        "#ffffff at 4.54")
    fg, _, _ = measure(read, (0, 7, 20, 3), (0, 0, 20, 2))
    if fg != (200, 200, 200):
        failures.append(f"took {hex_colour(fg)}, expected #c8c8c8 (two stray darker pixels must not count)")
    if abs(contrast((0, 0, 0), white) - 21.0) > 1e-9:
        failures.append("black on white is not 21:1")
    for f in failures:
        print("screenshot_contrast self-test: FAIL:", f, file=sys.stderr)
    if not failures:
        print("screenshot_contrast self-test: ok")
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("png", nargs="?")
    parser.add_argument("--sample", nargs=4, action="append", metavar=("LABEL", "MIN", "FG", "BG"), default=[])
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    if not args.png or not args.sample:
        parser.error("give a PNG and at least one --sample LABEL MIN X,Y,W,H X,Y,W,H")
    try:
        _, _, rows = read_png(args.png)
        print(f"| {os.path.basename(args.png)}: pair | foreground | background | ratio | minimum | status |")
        print("| --- | --- | --- | --- | --- | --- |")
        worst = 0
        for label, minimum, fg_text, bg_text in args.sample:
            try:
                need, fg_rect, bg_rect = float(minimum), rectangle(fg_text), rectangle(bg_text)
            except (ValueError, argparse.ArgumentTypeError) as e:
                parser.error(f"sample '{label}': {e}")
            fg, bg, ratio = measure(rows, fg_rect, bg_rect, args.png)
            ok = ratio >= need
            worst |= 0 if ok else 1
            print(f"| {label} | {hex_colour(fg)} | {hex_colour(bg)} | {ratio:.2f}:1 | {need:g}:1 | "
                  f"{'PASS' if ok else 'FAIL'} |")
        return worst
    except (OSError, ValueError, zlib.error) as e:
        print(f"screenshot_contrast: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
