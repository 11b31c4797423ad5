# SPDX-License-Identifier: MIT
"""Readers for gcsim's output files (plots only read these; they never re-simulate)."""
import csv
import json
import os


def read_csv(path):
    """A CSV file as a dict of column name -> list of floats (or strings where not numeric)."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    cols = {}
    if not rows:
        return cols
    for key in rows[0].keys():
        vals = []
        for r in rows:
            try:
                vals.append(float(r[key]))
            except ValueError:
                vals.append(r[key])
        cols[key] = vals
    return cols


def load_run(run_dir):
    """summary.json, cycles.csv and timeseries.csv of one run."""
    with open(os.path.join(run_dir, "summary.json")) as f:
        summary = json.load(f)
    return {
        "summary": summary,
        "cycles": read_csv(os.path.join(run_dir, "cycles.csv")),
        "timeseries": read_csv(os.path.join(run_dir, "timeseries.csv")),
    }


def load_sweep(sweep_dir):
    """sweep.csv plus every run under runs/, in sweep.csv order."""
    table = read_csv(os.path.join(sweep_dir, "sweep.csv"))
    runs = {p: load_run(os.path.join(sweep_dir, "runs", p)) for p in table.get("point", [])}
    return table, runs
