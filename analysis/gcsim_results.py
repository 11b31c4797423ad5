# SPDX-License-Identifier: MIT
"""Readers for gcsim's output files (plots only read these; they never re-simulate).

A run directory holds resolved_config.json, summary.json, cycles.csv, timeseries.csv, mmu.csv,
pauses.csv, utilization.csv and gctrace.txt. A sweep directory holds sweep.json, results.csv,
results.json and runs/<point>/ (one run directory per point).

pandas users: pandas.read_csv(DIR + "/results.csv") or
pandas.DataFrame(json.load(open(DIR + "/results.json"))["points"]) give one row per point.
"""
import csv
import json
import math
import os

# Goals and triggers above this are "no goal" (GOGC=off without a memory limit uses ~2^64).
NO_LIMIT_BYTES = 1 << 60


def _value(text):
    if text == "":
        return None
    try:
        v = float(text)
    except ValueError:
        return text
    return v


def read_csv(path):
    """A CSV file as a dict of column name -> list of values (floats where numeric, None if empty)."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        with open(path, newline="") as f:
            header = next(csv.reader(f), [])
        return {k: [] for k in header}
    return {key: [_value(r[key]) for r in rows] for key in rows[0].keys()}


def read_json(path):
    with open(path) as f:
        return json.load(f)


def is_run_dir(d):
    return os.path.isfile(os.path.join(d, "summary.json"))


def is_sweep_dir(d):
    return any(os.path.exists(os.path.join(d, f)) for f in ("results.json", "results.csv", "sweep.csv"))


def load_run(run_dir):
    """Every file of one run directory that exists: summary, config, cycles, timeseries, mmu, pauses."""
    run = {"dir": run_dir, "summary": read_json(os.path.join(run_dir, "summary.json"))}
    cfg = os.path.join(run_dir, "resolved_config.json")
    run["config"] = read_json(cfg) if os.path.isfile(cfg) else {}
    for name in ("cycles", "timeseries", "mmu", "pauses", "utilization"):
        path = os.path.join(run_dir, name + ".csv")
        run[name] = read_csv(path) if os.path.isfile(path) else None
    return run


def memory_limit_bytes(run):
    """runtime.memory_limit_bytes of a run (None when unset)."""
    v = run.get("config", {}).get("runtime", {}).get("memory_limit_bytes")
    return None if v is None or v >= NO_LIMIT_BYTES else v


def gogc(run):
    """runtime.gogc of a run: a number, or "off"."""
    return run.get("config", {}).get("runtime", {}).get("gogc")


def load_sweep(sweep_dir):
    """(rows, axes, runs): rows from results.json (one dict per point, in point order; sweep.csv of old
    gcsim versions is read too), the axis column names, and {point: run} for every finished point."""
    rj = os.path.join(sweep_dir, "results.json")
    if os.path.isfile(rj):
        doc = read_json(rj)
        rows, axes = doc["points"], doc["axes"]
    else:
        path = os.path.join(sweep_dir, "results.csv")
        if not os.path.isfile(path):
            path = os.path.join(sweep_dir, "sweep.csv")
        table = read_csv(path)
        n = len(next(iter(table.values()), []))
        rows = [{k: table[k][i] for k in table} for i in range(n)]
        known = {"point", "status", "seed", "error"}
        axes = [k for k in table if "." in k or k == "replica"] or [k for k in table if k not in known][:1]
        for r in rows:
            r.setdefault("status", "ok")
    runs = {}
    for r in rows:
        d = os.path.join(sweep_dir, "runs", r["point"])
        if r.get("status", "ok") == "ok" and is_run_dir(d):
            runs[r["point"]] = load_run(d)
    return rows, axes, runs


def pareto_front(xs, ys):
    """Indices of the points not dominated when minimising both x and y, sorted by x."""
    idx = [i for i in range(len(xs)) if xs[i] is not None and ys[i] is not None
           and not (math.isnan(xs[i]) or math.isnan(ys[i]))]
    front = []
    for i in idx:
        dominated = any(xs[j] <= xs[i] and ys[j] <= ys[i] and (xs[j] < xs[i] or ys[j] < ys[i]) for j in idx)
        if not dominated:
            front.append(i)
    return sorted(front, key=lambda i: (xs[i], ys[i]))
