#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Per-P utilisation intervals from a run's utilization.csv.

Usage:
    utilization_per_p.py RUN_DIR [--out FILE]      (default RUN_DIR/utilization_per_p.csv)

gcsim records utilisation as a step function in Ps' worth (utilization.csv: from t_ns on,
mutator_ps Ps run mutator code, assist_ps Ps run mark assists, worker_ps Ps run dedicated or
fractional mark workers, stw_ps Ps are stopped, idle_gc_ps Ps run idle-priority mark workers; the
rest is idle). This script lays those Ps' worth onto the individual Ps with the scheduler's
placement rule (models/sched/scheduler.hpp): goroutines run on the lowest-numbered Ps (assists on
the Ps of the goroutines that assist), dedicated and fractional workers take Ps from the highest
number down, idle workers fill what is left from the bottom. A non-integer amount shares one P.

Output (long format, one row per step and P, fractions of that P summing to 1):
    t_ns,end_ns,p,mutator,assist,worker,stw,idle_worker,idle
Python 3 standard library only.
"""

import argparse
import csv
import os
import sys

STATES = ["mutator", "assist", "worker", "stw", "idle_worker", "idle"]


def die(msg):
    print(f"utilization_per_p.py: {msg}", file=sys.stderr)
    sys.exit(2)


def fill(shares, order, state, amount):
    """Pour `amount` Ps' worth of `state` into the Ps in `order`, up to 1 per P."""
    for p in order:
        if amount <= 1e-12:
            break
        free = 1.0 - sum(shares[p].values())
        take = min(free, amount)
        if take > 0:
            shares[p][state] = shares[p].get(state, 0.0) + take
            amount -= take
    return amount


def place(step, procs):
    shares = [dict() for _ in range(procs)]
    up = list(range(procs))
    down = list(reversed(up))
    stw = float(step["stw_ps"])
    if stw > 0:
        fill(shares, up, "stw", stw)
    else:
        fill(shares, up, "mutator", float(step["mutator_ps"]))
        fill(shares, up, "assist", float(step["assist_ps"]))
        fill(shares, down, "worker", float(step["worker_ps"]))
        fill(shares, up, "idle_worker", float(step["idle_gc_ps"]))
    for p in range(procs):
        shares[p]["idle"] = max(0.0, 1.0 - sum(shares[p].values()))
    return shares


def main(argv):
    ap = argparse.ArgumentParser(description="Per-P utilisation intervals from utilization.csv")
    ap.add_argument("run_dir")
    ap.add_argument("--out")
    args = ap.parse_args(argv[1:])
    src = os.path.join(args.run_dir, "utilization.csv")
    try:
        with open(src, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        die(f"{src}: {e.strerror}")
    if not rows:
        die(f"{src}: no steps")
    for col in ("t_ns", "mutator_ps", "idle_gc_ps", "gomaxprocs", "assist_ps", "stw_ps", "worker_ps"):
        if col not in rows[0]:
            die(f"{src}: missing column '{col}' (written by an older gcsim?)")
    summary_path = os.path.join(args.run_dir, "summary.json")
    end_ns = None
    if os.path.exists(summary_path):
        import json
        with open(summary_path) as f:
            end_ns = json.load(f).get("simulated_ns")
    out = args.out or os.path.join(args.run_dir, "utilization_per_p.csv")
    tmp = out + ".tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["t_ns", "end_ns", "p"] + STATES)
        for i, step in enumerate(rows):
            procs = int(step["gomaxprocs"])
            t = int(step["t_ns"])
            end = int(rows[i + 1]["t_ns"]) if i + 1 < len(rows) else (end_ns if end_ns is not None else t)
            for p, sh in enumerate(place(step, procs)):
                w.writerow([t, end, p] + [f"{sh.get(s, 0.0):.6g}" for s in STATES])
    os.replace(tmp, out)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
