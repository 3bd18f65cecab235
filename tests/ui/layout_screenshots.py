#!/usr/bin/env python3
"""Screenshots of every patient screen on the real kiosk window, for looking at the layout.

Usage: tests/ui/layout_screenshots.py BINARY OUT_DIR WIDTHxHEIGHT [--larger] [--display :42] [--language es]

Starts Xvfb at the size, runs the kiosk windowed from the repository root, and walks one visit
with xdotool through the kiosk's targets file: Welcome, each question page (harmless answers, a
pacemaker so the implant details and the body map appear), Review, Sign (before and after a
refused Submit, then signed), Submitted, and the idle warning. Each screen is saved once, as
OUT_DIR/<size>[-larger]-<nn>-<screen>.png. Not a test: it fails loudly when the walk gets stuck.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Kiosk:
    def __init__(self, args):
        self.args = args
        self.work = tempfile.mkdtemp(prefix="layout-shots-")
        self.log = os.path.join(self.work, "state.log")
        self.targets_file = os.path.join(self.work, "targets")
        self.env = dict(os.environ, DISPLAY=args.display)
        self.shots = 0
        self.seen = set()
        w, h = args.size.split("x")
        self.xvfb = subprocess.Popen(["Xvfb", args.display, "-screen", "0", f"{w}x{h}x24", "-nolisten", "tcp"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)
        config = os.path.join(self.work, "kiosk.toml")
        with open(config, "w") as f:
            f.write("[kiosk]\nidle_warning_seconds = 10\nidle_reset_seconds = 30\n")
        data = os.path.join(self.work, "data")
        subprocess.run([args.binary, "keygen", "--config", config, "--data-dir", data], cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        self.kiosk = subprocess.Popen([args.binary, "--windowed", args.size, "--config", config, "--data-dir", data,
                                       "--state-log", self.log, "--targets-file", self.targets_file],
                                      cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,
                                      stderr=open(os.path.join(args.out, "kiosk-stderr.log"), "w"))

    def close(self):
        for p in (self.kiosk, self.xvfb):
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(self.work, ignore_errors=True)

    def lines(self):
        try:
            with open(self.log) as f:
                return f.read().splitlines()
        except FileNotFoundError:
            return []

    def screen(self):
        for line in reversed(self.lines()):
            m = re.search(r" screen=(\S+)(?: language=\S+)?(?: page=(\S+))?", line)
            if m:
                return m.group(1), m.group(2) or ""
        return "", ""

    def targets(self):
        out = {}
        try:
            with open(self.targets_file) as f:
                for line in f:
                    parts = line.split()
                    if len(parts) == 3:
                        out[parts[0]] = (int(parts[1]), int(parts[2]))
        except FileNotFoundError:
            pass
        return out

    def xdo(self, *args):
        subprocess.run(["xdotool", *map(str, args)], env=self.env, check=True)

    def tap(self, target, pause=0.25):
        deadline = time.time() + 3
        while target not in self.targets():
            if self.kiosk.poll() is not None:
                raise RuntimeError(f"the kiosk exited with {self.kiosk.returncode} on {self.screen()}")
            if time.time() > deadline:
                raise RuntimeError(f"no target {target} on {self.screen()}: {sorted(self.targets())}")
            time.sleep(0.05)
        x, y = self.targets()[target]
        self.xdo("mousemove", x, y, "sleep", 0.04, "mousedown", 1, "sleep", 0.06, "mouseup", 1, "sleep", pause)

    def drag(self, points):
        args = ["mousemove", points[0][0], points[0][1], "sleep", 0.05, "mousedown", 1, "sleep", 0.05]
        for x, y in points[1:]:
            args += ["mousemove", x, y, "sleep", 0.03]
        args += ["sleep", 0.1, "mouseup", 1, "sleep", 0.2]
        self.xdo(*args)

    def shot(self, name):
        time.sleep(0.5)
        self.shots += 1
        tag = self.args.size + ("-larger" if self.args.larger else "") + (f"-{self.args.language}" if self.args.language != "en" else "")
        path = os.path.join(self.args.out, f"{tag}-{self.shots:02d}-{name}.png")
        subprocess.run(["import", "-window", "root", path], env=self.env, check=True)
        print(path, flush=True)

    def wait_screen(self, name, timeout=10):
        deadline = time.time() + timeout
        while self.screen()[0] != name:
            if time.time() > deadline:
                raise RuntimeError(f"waited for {name}, on {self.screen()}")
            time.sleep(0.05)

    def type_keys(self, text):
        for c in text:
            self.tap("key:" + c, 0.1)


PREFERRED = {"has-implants": "yes", "implant-pacemaker": "yes", "sex": "female", "weight-unit": "kg",
             "height-unit": "cm", "completed-by": "patient"}


def answer_visible(k, answered, where):
    """Answers each question whose tiles or fields are visible now; returns whether it did anything."""
    did = False
    t = k.targets()
    groups = {}
    for tid in t:
        m = re.match(r"option:(.+):([^:]+)$", tid)
        if m:
            groups.setdefault(m.group(1), []).append(m.group(2))
    for key, codes in sorted(groups.items(), key=lambda kv: t[f"option:{kv[0]}:{kv[1][0]}"][1]):
        if key in answered:
            continue
        base = key.split("@")[0]
        code = PREFERRED.get(base) if PREFERRED.get(base) in codes else ("no" if "no" in codes else codes[0])
        if k.screen() != where or f"option:{key}:{code}" not in k.targets():
            return did  # the page moved on by itself
        k.tap(f"option:{key}:{code}")
        answered.add(key)
        did = True
    for tid in sorted(t, key=lambda i: t[i][1]):
        if k.screen() != where:
            return did
        if not tid.startswith("field:") or tid in answered or tid not in k.targets():
            continue
        answered.add(tid)
        if "birth-date" in tid:
            if tid.endswith(":year"):
                continue
            order = [p for p in ("month", "day", "year") if f"field:birth-date:{p}" in t]
            order.sort(key=lambda p: t[f"field:birth-date:{p}"][0])
            k.tap(f"field:birth-date:{order[0]}")  # the leftmost box; each whole part moves on
            digits = {"day": "12", "month": "08", "year": "1951"}
            for part in order:
                k.type_keys(digits[part])
            answered.update(f"field:birth-date:{p}" for p in order)
            if "key:done" in k.targets():
                k.tap("key:done")
            did = True
            continue
        if any(s in tid for s in ("weight", "height")) or "model" in tid or "implant" in tid:
            if not any(s in tid for s in ("weight-kg", "height-cm")):
                continue
            k.tap(tid)
            for _ in range(4):  # a second pass types over what is there, not after it
                if "key:delete" in k.targets():
                    k.tap("key:delete", 0.05)
            k.type_keys("70" if "weight" in tid else "170")
        elif tid in ("field:family-name", "field:given-name"):
            k.tap(tid)
            k.type_keys("test")
        else:
            continue
        if "key:done" in k.targets():
            k.tap("key:done")
        did = True
    return did


def walk(k, args):
    k.wait_screen("welcome", 15)
    if args.language != "en":
        k.tap("lang:" + args.language)
    if args.larger:
        k.tap("larger-text")
    k.shot("welcome")
    k.tap("start")
    k.wait_screen("question")
    pages = 0
    while True:
        screen, page = k.screen()
        if screen == "review":
            break
        pages += 1
        if pages > 80:
            raise RuntimeError("more than 80 pages")
        kind = re.sub(r"@.*", "", page)
        if screen == "body-map":
            if "body-map" not in k.seen:
                k.seen.add("body-map")
                k.shot("body-map")
                fig = k.targets().get("figure:front")
                if fig:
                    k.tap("figure:front")
                    k.shot("body-map-marked")
            k.tap("next")
            time.sleep(0.8)
            continue
        if kind not in k.seen:
            k.seen.add(kind)
            k.shot("page-" + kind)
        answered = set()
        drags = 0
        for _ in range(150):  # a long page of rows takes many drags at Larger text
            did = answer_visible(k, answered, (screen, page))
            if "no-to-rest" in k.targets() and k.screen() == (screen, page):
                k.tap("no-to-rest")
            time.sleep(1.0)  # a single choice moves on by itself
            if k.screen() != (screen, page):
                break
            if did:
                continue
            before = len(k.lines())
            if "next" not in k.targets() and "key:done" in k.targets():
                k.tap("key:done", 0.6)  # a name or date page opened its keyboard by itself
                if k.screen() != (screen, page):
                    break
            k.tap("next", 0.6)
            if k.screen() != (screen, page):
                break
            if len(k.lines()) > before and "page-errors" in k.lines()[-1]:
                # Something below the fold, or a tap lost: fill the fields that show again, after a drag
                # (not the choices: tapping a chosen unit again would clear it and hide its field).
                answered = {a for a in answered if not a.startswith("field:")}
                answer_visible(k, answered, (screen, page))
                if "key:done" in k.targets():
                    k.tap("key:done")
                    continue
                if "next" not in k.targets():
                    continue
                x, y = k.targets()["next"]
                w = int(args.size.split("x")[0])
                # Inside the page, well above the buttons; up to see what is below, and every third
                # time down, to reach a field above that lost its answer.
                drags += 1
                step = 25 if drags % 3 == 0 else -25
                k.drag([(w // 2, y * 2 // 3 - 100 + i * step) for i in range(9)] if step > 0
                       else [(w // 2, y * 2 // 3 + i * step) for i in range(9)])
        else:
            k.shot("stuck")
            raise RuntimeError(f"stuck on page {page}: {k.lines()[-3:]} {sorted(k.targets())}")
    k.shot("review")
    k.tap("review-continue")
    k.wait_screen("sign")
    k.shot("sign")
    k.tap("submit", 0.6)
    k.shot("sign-refused")
    if "read-statement" in k.targets():
        k.tap("read-statement")
        k.shot("sign-statement")
        k.tap("statement-close")
    k.tap("option:completed-by:representative")
    k.shot("sign-representative")
    k.tap("option:completed-by:patient")
    k.tap("confirm:attest")
    x, y = k.targets()["signature-pad"]
    k.drag([(x - 100 + i * 10, y + (i % 4 - 2) * 12) for i in range(21)])
    k.shot("sign-signed")
    k.tap("submit", 1.0)
    k.wait_screen("submitted", 20)
    k.shot("submitted")
    k.tap("finish")
    k.wait_screen("welcome")
    if args.larger:
        k.tap("larger-text")  # the next patient starts with normal text
    k.tap("start")
    k.wait_screen("question")
    deadline = time.time() + 20
    while not any("idle-warning" in line for line in k.lines()):
        if time.time() > deadline:
            raise RuntimeError("no idle warning")
        time.sleep(0.2)
    k.shot("idle-warning")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("binary")
    p.add_argument("out")
    p.add_argument("size")
    p.add_argument("--larger", action="store_true")
    p.add_argument("--display", default=":42")
    p.add_argument("--language", default="en")
    args = p.parse_args()
    args.binary = os.path.abspath(args.binary)
    os.makedirs(args.out, exist_ok=True)
    k = Kiosk(args)
    try:
        walk(k, args)
    finally:
        k.close()


if __name__ == "__main__":
    sys.exit(main())
