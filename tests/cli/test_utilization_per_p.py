#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""utilization.csv's assist/stw/worker split and analysis/utilization_per_p.py on a real run.
Usage: test_utilization_per_p.py GCSIM SOURCE_ROOT"""
import csv
import json
import os
import subprocess
import sys
import tempfile

gcsim, root = sys.argv[1], sys.argv[2]
fails = []


def check(cond, what):
    if not cond:
        fails.append(what)


with tempfile.TemporaryDirectory() as d:
    cfg = {"schema_version": 1, "name": "u",
           "workload": {"kind": "ring", "params": {"slots": 65536, "object_bytes": 128, "total_objects": 2000000,
                                                   "goroutines": 4}},
           "runtime": {"gogc": 100, "gomaxprocs": 4}}
    cpath = os.path.join(d, "c.json")
    with open(cpath, "w") as f:
        json.dump(cfg, f)
    run = os.path.join(d, "run")
    subprocess.run([gcsim, "run", cpath, "--out", run, "--quiet"], check=True)
    with open(os.path.join(run, "utilization.csv")) as f:
        steps = list(csv.DictReader(f))
    check(any(float(s["stw_ps"]) == 4 for s in steps), "STW steps record stw_ps = GOMAXPROCS")
    check(any(float(s["assist_ps"]) > 0 for s in steps), "assists appear in utilization.csv")
    check(any(float(s["worker_ps"]) >= 1 for s in steps), "a dedicated worker (GOMAXPROCS=4) appears")
    for s in steps:
        parts = float(s["assist_ps"]) + float(s["stw_ps"]) + float(s["worker_ps"])
        if abs(parts - float(s["gc_ps"])) > 1e-9:
            fails.append(f"gc_ps != assist + stw + worker at t={s['t_ns']}")
            break
    subprocess.run(["/usr/bin/python3", os.path.join(root, "analysis", "utilization_per_p.py"), run],
                   check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(run, "utilization_per_p.csv")) as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == 4 * len(steps), "one row per step and P")
    states = ["mutator", "assist", "worker", "stw", "idle_worker", "idle"]
    by_t = {}
    for r in rows:
        total = sum(float(r[s]) for s in states)
        if abs(total - 1) > 1e-4:
            fails.append(f"P {r['p']} at {r['t_ns']}: shares sum to {total}")
            break
        by_t.setdefault(r["t_ns"], []).append(r)
    for s in steps:
        ps = by_t[s["t_ns"]]
        for state, col in (("mutator", "mutator_ps"), ("assist", "assist_ps"), ("worker", "worker_ps"),
                           ("stw", "stw_ps"), ("idle_worker", "idle_gc_ps")):
            if abs(sum(float(r[state]) for r in ps) - float(s[col])) > 1e-4:
                fails.append(f"per-P {state} does not add up to {col} at t={s['t_ns']}")
                break
        if float(s["worker_ps"]) >= 1 and float(s["stw_ps"]) == 0:
            top = [r for r in ps if r["p"] == "3"][0]
            if float(top["worker"]) < 0.999:
                fails.append(f"the dedicated worker is not on the top P at t={s['t_ns']}")
if fails:
    print("FAIL:\n  " + "\n  ".join(fails[:10]))
    sys.exit(1)
print(f"ok: {len(steps)} steps")
