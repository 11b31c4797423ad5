#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Plots of `gcsim pacer-scenarios` output, laid out like the pacer redesign document's figures.

usage: plot_scenarios.py DIR [--out PLOT_DIR] [--formats png[,pdf]]

DIR is the --out directory of `gcsim pacer-scenarios` (manifest.json, summary.csv,
<group>/<scenario>/<pacer>.csv). Writes, under DIR/plots/ unless --out is given:

  <group>/<scenario>__<pacer>.png   2x2 per run: (top-left) heap goal, trigger, peak, live heap, stacks
                                    and globals in MiB; (bottom-left) heap overshoot peak/goal - 1 in %;
                                    (top-right) actual vs target GC CPU utilization; (bottom-right) the
                                    R value vs the alloc/scan ratio a(1-u_t)/(s u_t)
  <group>/<scenario>.png            the same four panels with every pacer overlaid
  <group>/overview.png              steady-state overshoot and utilization per scenario and pacer
  summary.md                        the summary table (steady state = last 20 cycles)

R is the strategy's runway ratio when it keeps a cons/mark estimate (c(1-u_g)/u_g, the value the
cycle was planned with), else the planned assist slope (goal - trigger)/expected work, which is how
the design document backs R out for the old pacer. The script only reads files; it never simulates.
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
plt.rcParams.update({
    "font.size": 8.5, "axes.titlesize": 9, "axes.labelsize": 8.5, "legend.fontsize": 7, "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5, "axes.grid": True, "grid.alpha": 0.3, "savefig.bbox": "tight", "figure.dpi": 100,
})

TITLES = {
    "steady": "Perfectly steady heap size",
    "jitter-alloc": "Jittery heap size and alloc/scan ratio",
    "step-alloc": "Small step in alloc/scan ratio",
    "heavy-step-alloc": "Large step in alloc/scan ratio",
    "high-GOGC": "Large step in heap size with a high GOGC",
    "osc-alloc": "Oscillating alloc/scan ratio",
    "big-stacks": "Large amount of goroutine stacks",
    "big-globals": "Large amount of global variables",
    "heavy-jitter-alloc": "High alloc/scan ratio",
}
PACER_LABELS = {"go1.5-legacy": "old (go1.5-legacy)", "go1.19": "new (go1.19)", "go1.18": "new (go1.18)",
                "redesign-model": "study's new (redesign-model)"}


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    cols = {}
    for k in rows[0].keys():
        vals = []
        for r in rows:
            v = r[k]
            vals.append(float(v) if v not in ("", None) else math.nan)
        cols[k] = np.array(vals)
    return cols


def r_value(c):
    """The strategy's own R if it has one, else the planned slope (old pacer)."""
    est = c["r_estimate"]
    return np.where(np.isnan(est), c["r_planned"], est), bool(np.all(np.isnan(est)))


def panels(axs, c, label=None, color=None, single=True):
    x = c["cycle"]
    (ax_b, ax_u), (ax_o, ax_r) = axs
    if single:
        ax_b.plot(x, c["goal_bytes"] / MIB, label="heap goal", color="C0")
        ax_b.plot(x, c["trigger_bytes"] / MIB, label="GC trigger", color="C1")
        ax_b.plot(x, c["peak_bytes"] / MIB, label="peak heap", color="C2")
        ax_b.plot(x, c["live_bytes"] / MIB, label="live heap", color="C4", lw=0.9)
        ax_b.plot(x, c["stack_bytes"] / MIB, label="stacks", color="C3", lw=0.9)
        if np.nanmax(c["globals_bytes"]) > MIB:
            ax_b.plot(x, c["globals_bytes"] / MIB, label="globals", color="C5", lw=0.9, ls="--")
        ax_o.plot(x, c["overshoot"] * 100, color="C0")
        ax_u.plot(x, c["utilization"], label="actual GC CPU", color="C0")
        ax_u.plot(x, c["goal_utilization"], label="target GC CPU", color="C1", ls="--")
        r, backed_out = r_value(c)
        ax_r.plot(x, r, label="R (backed out)" if backed_out else "R value", color="C0")
        ax_r.plot(x, c["alloc_scan_ratio"], label="alloc/scan ratio", color="C1", ls="--")
    else:
        ax_b.plot(x, c["goal_bytes"] / MIB, color=color, label=label)
        ax_b.plot(x, c["peak_bytes"] / MIB, color=color, ls=":", lw=0.9)
        ax_o.plot(x, c["overshoot"] * 100, color=color, label=label)
        ax_u.plot(x, c["utilization"], color=color, label=label)
        r, _ = r_value(c)
        ax_r.plot(x, r, color=color, label=label)


def clip_r(ax_r, series):
    """Keep a first-cycle spike of R (the old pacer's, from its faked heapMarked) from flattening the rest."""
    vals = np.concatenate([v[np.isfinite(v)] for v in series if len(v)])
    if len(vals):
        top = 1.5 * max(np.percentile(vals, 95), 1e-3)
        if np.max(vals) > top:
            ax_r.set_ylim(0, top)


def finish(fig, axs, title, single, target_u=None, asr=None, x=None):
    (ax_b, ax_u), (ax_o, ax_r) = axs
    clip_r(ax_r, [ln.get_ydata() for ln in ax_r.get_lines()] + ([np.asarray(asr)] if asr is not None else []))
    ax_b.set_ylabel("MiB")
    ax_b.set_title("heap" if single else "heap goal (solid) and peak (dotted)")
    ax_o.set_ylabel("heap overshoot (%)")
    ax_o.set_xlabel("GC cycle")
    ax_o.axhline(0, color="k", lw=0.6)
    ax_u.set_ylabel("GC CPU utilization")
    ax_u.set_title("actual vs target GC CPU utilization")
    ax_r.set_xlabel("GC cycle")
    ax_r.set_title("R value vs alloc/scan ratio")
    if not single and x is not None:
        ax_u.plot(x, target_u, color="k", ls="--", lw=0.8, label="target (new)")
        ax_r.plot(x, asr, color="k", ls="--", lw=0.8, label="alloc/scan ratio")
    for ax in (ax_b, ax_u, ax_r, ax_o):
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="best")
    fig.suptitle(title)
    fig.tight_layout()


def save(fig, base, formats):
    os.makedirs(os.path.dirname(base), exist_ok=True)
    for ext in formats:
        fig.savefig(base + "." + ext, dpi=110)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--out")
    ap.add_argument("--formats", default="png")
    a = ap.parse_args()
    out = a.out or os.path.join(a.dir, "plots")
    formats = [f for f in a.formats.split(",") if f]
    with open(os.path.join(a.dir, "manifest.json")) as f:
        manifest = json.load(f)
    runs = manifest["runs"]
    groups = {}
    for r in runs:
        groups.setdefault((r["group"], r["scenario"]), []).append(r)
    written = 0
    for (group, scenario), rs in groups.items():
        title = TITLES.get(scenario, scenario)
        data = {}
        for r in rs:
            c = read_csv(os.path.join(a.dir, r["csv"]))
            data[r["pacer"]] = c
            fig, axs = plt.subplots(2, 2, figsize=(10, 6.4), sharex=True)
            panels(axs, c)
            finish(fig, axs, f"{title} — {PACER_LABELS.get(r['pacer'], r['pacer'])}, GOGC={r['gogc']}, "
                   f"{r['semantics']} semantics", True)
            save(fig, os.path.join(out, group, f"{scenario}__{r['pacer']}"), formats)
            written += 1
        fig, axs = plt.subplots(2, 2, figsize=(10, 6.4), sharex=True)
        first = None
        for i, (pacer, c) in enumerate(data.items()):
            panels(axs, c, label=PACER_LABELS.get(pacer, pacer), color=f"C{i}", single=False)
            first = first or c
        finish(fig, axs, f"{title} — all pacers, {rs[0]['semantics']} semantics", False,
               target_u=np.full(len(first["cycle"]), 0.25), asr=first["alloc_scan_ratio"] *
               (first["goal_utilization"] / (1 - first["goal_utilization"])) * 3, x=first["cycle"])
        save(fig, os.path.join(out, group, scenario), formats)
        written += 1
    # Overview and table from summary.csv.
    with open(os.path.join(a.dir, "summary.csv"), newline="") as f:
        summary = list(csv.DictReader(f))
    by_group = {}
    for s in summary:
        by_group.setdefault(s["semantics"], []).append(s)
    lines = ["| group | scenario | pacer | steady overshoot (mean / max) | max overshoot (all cycles) | "
             "GC CPU utilization (target) | mean goal MiB |", "|---|---|---|---|---|---|---|"]
    for group, ss in by_group.items():
        scen = list(dict.fromkeys(s["scenario"] for s in ss))
        pacers = list(dict.fromkeys(s["pacer"] for s in ss))
        fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(max(8, 0.9 * len(scen) * max(1, len(pacers) / 2)), 6),
                                       sharex=True)
        w = 0.8 / len(pacers)
        xs = np.arange(len(scen))
        for i, p in enumerate(pacers):
            ov = [next((float(s["mean_overshoot"]) * 100 for s in ss if s["scenario"] == sc and s["pacer"] == p),
                       math.nan) for sc in scen]
            ut = [next((float(s["mean_utilization"]) for s in ss if s["scenario"] == sc and s["pacer"] == p),
                       math.nan) for sc in scen]
            ax1.bar(xs + (i - (len(pacers) - 1) / 2) * w, ov, w, label=PACER_LABELS.get(p, p), color=f"C{i}")
            ax2.bar(xs + (i - (len(pacers) - 1) / 2) * w, ut, w, label=PACER_LABELS.get(p, p), color=f"C{i}")
        ax1.set_ylabel("steady-state overshoot (%)")
        ax1.axhline(0, color="k", lw=0.6)
        ax2.set_ylabel("steady-state GC CPU utilization")
        ax2.axhline(0.25, color="k", lw=0.6, ls="--")
        ax2.axhline(0.30, color="grey", lw=0.6, ls=":")
        ax2.set_xticks(xs)
        ax2.set_xticklabels(scen, rotation=30, ha="right")
        ax1.legend(loc="best")
        fig.suptitle(f"Steady state (last 20 cycles), {group}")
        fig.tight_layout()
        save(fig, os.path.join(out, group, "overview"), formats)
        written += 1
        for s in ss:
            lines.append(f"| {group} | {s['scenario']} | {s['pacer']} | "
                         f"{float(s['mean_overshoot']) * 100:+.2f} % / {float(s['max_overshoot']) * 100:+.2f} % | "
                         f"{float(s['max_overshoot_all']) * 100:+.2f} % | {float(s['mean_utilization']):.3f} "
                         f"({float(s['goal_utilization']):.2f}) | {float(s['mean_goal_bytes']) / MIB:.1f} |")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"plot_scenarios: {written} figures and summary.md in {out}")


if __name__ == "__main__":
    main()
