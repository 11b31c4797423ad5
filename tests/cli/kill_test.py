#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""SIGKILL `gcsim run` at 20 seeded random moments; a killed run must never leave a summary.json
that parses but is wrong. Every summary.json left anywhere (final or staging directory) must be
byte-identical to an uninterrupted run's, and a final directory must be complete. A rerun into
the same --out succeeds and removes the staging directories killed runs left.

usage: kill_test.py GCSIM SOURCE_ROOT
"""
import glob
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

GCSIM, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
CFG = os.path.join(SRC, "configs/experiments/mixed_small.json")
ARGS = ["--set", "workload.params.total_objects=300000", "--quiet"]
KILLS = 20


def run(out):
    return subprocess.run([GCSIM, "run", CFG, "--out", out] + ARGS, capture_output=True, text=True)


def main():
    tmp = tempfile.mkdtemp(prefix="gcsim-kill-")
    failures = []
    try:
        t0 = time.monotonic()
        r = run(os.path.join(tmp, "ref"))
        ref_secs = time.monotonic() - t0
        if r.returncode != 0:
            print("FAIL: reference run failed:", r.stderr)
            return 1
        ref_files = {f: open(os.path.join(tmp, "ref", f), "rb").read() for f in os.listdir(os.path.join(tmp, "ref"))}
        json.loads(ref_files["summary.json"])
        rng = random.Random(20261126)
        killed_running = 0
        for i in range(KILLS):
            out = os.path.join(tmp, f"k{i}")
            delay = rng.uniform(0, 1.2 * ref_secs)
            p = subprocess.Popen([GCSIM, "run", CFG, "--out", out] + ARGS, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            time.sleep(delay)
            p.kill()
            rc = p.wait()
            if rc == -9:
                killed_running += 1
            # Every summary.json anywhere (final dir, staging dir, temporary file names).
            for path in glob.glob(out + "*/**", recursive=True):
                if os.path.basename(path).startswith("summary.json") and os.path.isfile(path):
                    data = open(path, "rb").read()
                    try:
                        json.loads(data)
                    except ValueError:
                        if os.path.basename(path) == "summary.json":
                            failures.append(f"kill {i}: {path} exists but is not valid JSON")
                        continue  # a torn temporary file, which nothing reads as a result
                    if data != ref_files["summary.json"]:
                        failures.append(f"kill {i} after {delay:.3f}s: {path} parses but differs from the reference")
            if os.path.isdir(out):  # a final directory must be complete and right
                for f, want in ref_files.items():
                    fp = os.path.join(out, f)
                    if not os.path.isfile(fp) or open(fp, "rb").read() != want:
                        failures.append(f"kill {i}: final directory has a missing or different {f}")
        # Runs killed mid-way left staging directories; a rerun cleans them and completes.
        partial = glob.glob(os.path.join(tmp, "k*.partial-*"))
        victim = next((os.path.join(tmp, f"k{i}") for i in range(KILLS) if not os.path.isdir(os.path.join(tmp, f"k{i}"))), None)
        if victim:
            r = run(victim)
            if r.returncode != 0 or open(os.path.join(victim, "summary.json"), "rb").read() != ref_files["summary.json"]:
                failures.append(f"rerun into {victim} failed or differs: {r.stderr}")
            if glob.glob(victim + ".partial-*"):
                failures.append(f"rerun into {victim} left its stale staging directories")
        if killed_running < KILLS // 4:
            failures.append(f"only {killed_running} of {KILLS} kills hit a running process; the test proves little")
        for f in failures:
            print("FAIL:", f)
        print(f"{KILLS} kills ({killed_running} mid-run, reference run {ref_secs:.2f} s, "
              f"{len(partial)} staging directories left), {len(failures)} failures")
        return 1 if failures else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
