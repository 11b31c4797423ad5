#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Summary table and plot of the pacer-strategy comparison sweep (configs/pacers/compare_strategies.json).

usage: compare_strategies.py DIR [--out OUT_DIR]

DIR is the sweep's output directory (results.csv and runs/<point>/cycles.csv, from
`gcsim sweep configs/pacers/compare_strategies.json --out DIR`). Writes into OUT_DIR (default DIR):

  pacer_comparison.csv / .md   one row per (workload, strategy): GC cycles, GC CPU fraction, peak heap,
                               second-half mean heap goal, heap overshoot over the goal (mean and max
                               over the second half of the cycles), mean GC utilization during mark,
                               assist share of the mark CPU, MMU at 10 ms, pause p99
  pacer_comparison.png         per workload: GC CPU fraction against peak heap (the memory/CPU trade
                               -off, lower-left is better) and the second-half overshoot per strategy

The script only reads gcsim's files; it never simulates.
"""
import argparse
import csv
import json
import math
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

MIB = float(1 << 20)
ORDER = ["go1.5-legacy", "go1.19", "go1.20", "go1.21", "redesign-model", "membalancer", "kalman", "go"]
MARKERS = "osD^v<>PX*"


def f(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


def workload_name(cell):
    try:
        w = json.loads(cell)
        return w.get("kind", cell) if isinstance(w, dict) else str(w)
    except (TypeError, ValueError):
        return cell


def cycle_stats(path):
    """Second-half overshoot (mean, max), mean utilization and assist share from cycles.csv."""
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    half = rows[len(rows) // 2:] or rows
    ov = [f(r["heap_peak_bytes"]) / f(r["heap_goal_bytes"]) - 1 for r in half if f(r["heap_goal_bytes"]) > 0]
    util = [f(r["utilization"]) for r in half]
    assist = sum(f(r["assist_cpu_ns"]) for r in rows)
    background = sum(f(r["background_cpu_ns"]) for r in rows)
    return {
        "mean_overshoot": float(np.mean(ov)) if ov else math.nan,
        "max_overshoot": float(np.max(ov)) if ov else math.nan,
        "mean_utilization": float(np.mean(util)) if util else math.nan,
        "assist_share": assist / (assist + background) if assist + background > 0 else math.nan,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--out")
    a = ap.parse_args()
    out = a.out or a.dir
    with open(os.path.join(a.dir, "results.csv"), newline="") as fh:
        results = [r for r in csv.DictReader(fh) if r.get("status", "ok") == "ok"]
    table = []
    for r in results:
        row = {
            "workload": workload_name(r["workload"]),
            "pacer": r["pacer.kind"],
            "num_gc": int(f(r["num_gc"])),
            "gc_cpu_fraction": f(r["gc_cpu_fraction"]),
            "peak_heap_mib": f(r["peak_heap_bytes"]) / MIB,
            "mean_goal_mib": f(r["second_half_mean_heap_goal_bytes"]) / MIB,
            "mmu_10ms": f(r.get("mmu_10ms")),
            "pause_p99_us": f(r["pause_p99_ns"]) / 1e3,
        }
        row.update(cycle_stats(os.path.join(a.dir, "runs", r["point"], "cycles.csv")))
        table.append(row)
    rank = {p: i for i, p in enumerate(ORDER)}
    table.sort(key=lambda x: (x["workload"], rank.get(x["pacer"], 99), x["pacer"]))
    cols = ["workload", "pacer", "num_gc", "gc_cpu_fraction", "peak_heap_mib", "mean_goal_mib", "mean_overshoot",
            "max_overshoot", "mean_utilization", "assist_share", "mmu_10ms", "pause_p99_us"]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "pacer_comparison.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        for row in table:
            w.writerow({k: row[k] for k in cols})
    md = ["| workload | pacer | GCs | GC CPU | peak heap MiB | mean goal MiB | overshoot mean / max | "
          "mark utilization | assist share | MMU 10 ms |", "|---|---|---|---|---|---|---|---|---|---|"]
    for row in table:
        md.append(f"| {row['workload']} | {row['pacer']} | {row['num_gc']} | {row['gc_cpu_fraction'] * 100:.2f} % | "
                  f"{row['peak_heap_mib']:.1f} | {row['mean_goal_mib']:.1f} | "
                  f"{row['mean_overshoot'] * 100:+.2f} % / {row['max_overshoot'] * 100:+.2f} % | "
                  f"{row['mean_utilization']:.3f} | {row['assist_share'] * 100:.1f} % | {row['mmu_10ms']:.3f} |")
    with open(os.path.join(out, "pacer_comparison.md"), "w") as fh:
        fh.write("\n".join(md) + "\n")

    workloads = list(dict.fromkeys(r["workload"] for r in table))
    pacers = [p for p in ORDER if any(r["pacer"] == p for r in table)]
    pacers += sorted({r["pacer"] for r in table} - set(pacers))
    fig, axs = plt.subplots(2, len(workloads), figsize=(4.2 * len(workloads), 7), squeeze=False)
    for j, wl in enumerate(workloads):
        ax, bx = axs[0][j], axs[1][j]
        rows = {r["pacer"]: r for r in table if r["workload"] == wl}
        for i, p in enumerate(pacers):
            if p not in rows:
                continue
            r = rows[p]
            ax.scatter(r["peak_heap_mib"], r["gc_cpu_fraction"] * 100, marker=MARKERS[i % len(MARKERS)], s=45,
                       color=f"C{i}", label=p)
        ax.set_title(f"{wl}: GC CPU vs peak heap")
        ax.set_xlabel("peak heap (MiB)")
        ax.set_ylabel("GC CPU fraction (%)")
        ax.grid(True, alpha=0.3)
        xs = np.arange(len(pacers))
        ov = [rows[p]["mean_overshoot"] * 100 if p in rows else math.nan for p in pacers]
        mx = [rows[p]["max_overshoot"] * 100 if p in rows else math.nan for p in pacers]
        bx.bar(xs - 0.2, ov, 0.4, color=[f"C{i}" for i in range(len(pacers))], label="mean")
        bx.bar(xs + 0.2, mx, 0.4, color=[f"C{i}" for i in range(len(pacers))], alpha=0.45, label="max")
        bx.axhline(0, color="k", lw=0.6)
        bx.set_xticks(xs)
        bx.set_xticklabels(pacers, rotation=35, ha="right", fontsize=8)
        bx.set_ylabel("heap overshoot over goal (%)")
        bx.set_title(f"{wl}: overshoot, 2nd half (mean, max light)")
        bx.grid(True, axis="y", alpha=0.3)
    axs[0][0].legend(fontsize=7, loc="best")
    fig.suptitle("Pacer strategies on three workloads (GOGC=100, GOMAXPROCS=2)")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "pacer_comparison.png"), dpi=110)
    print(f"compare_strategies: {len(table)} runs -> {os.path.join(out, 'pacer_comparison.md')}, "
          f"{os.path.join(out, 'pacer_comparison.png')}")


if __name__ == "__main__":
    main()
