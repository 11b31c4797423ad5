#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Draws a sweep's figures from its output directory: trade-off curve, pauses, heap over time.

usage: plot_sweep.py SWEEP_DIR   (writes SWEEP_DIR/plots/*.png)
"""
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gcsim_results import load_sweep  # noqa: E402

MIB = 1 << 20


def axis_column(table):
    fixed = {"point", "num_gc", "gc_cpu_fraction", "peak_heap_bytes", "peak_heap_inuse_bytes", "peak_heap_sys_bytes",
             "second_half_mean_heap_goal_bytes", "pause_p50_ns", "pause_p99_ns", "pause_max_ns", "simulated_ns",
             "total_alloc_bytes"}
    axes = [k for k in table.keys() if k not in fixed]
    return axes[0] if axes else "point"


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    sweep_dir = argv[1]
    if not os.path.isfile(os.path.join(sweep_dir, "sweep.csv")):
        sys.stderr.write("plot_sweep.py: %s: no sweep.csv (not a gcsim sweep directory)\n" % sweep_dir)
        return 2
    table, runs = load_sweep(sweep_dir)
    out = os.path.join(sweep_dir, "plots")
    os.makedirs(out, exist_ok=True)
    axis = axis_column(table)
    labels = [str(v) if not isinstance(v, float) or not v.is_integer() else str(int(v)) for v in table[axis]]
    short_axis = axis.split(".")[-1].upper()

    # 1. Memory vs GC CPU trade-off.
    fig, ax = plt.subplots(figsize=(6, 4.5))
    x = [v / MIB for v in table["peak_heap_bytes"]]
    y = [100 * v for v in table["gc_cpu_fraction"]]
    ax.plot(x, y, "o-")
    for xi, yi, lab in zip(x, y, labels):
        ax.annotate("%s=%s" % (short_axis, lab), (xi, yi), textcoords="offset points", xytext=(5, 5), fontsize=8)
    ax.set_xlabel("peak heap (heapLive), MiB")
    ax.set_ylabel("GC CPU fraction, % (Go 1.19 GCCPUFraction)")
    ax.set_title("Memory vs GC CPU")
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "tradeoff.png"), dpi=120)
    plt.close(fig)

    # 2. Pauses and GC count per setting.
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
    pos = range(len(labels))
    a1.plot(pos, [v / 1000 for v in table["pause_p50_ns"]], "o-", label="p50")
    a1.plot(pos, [v / 1000 for v in table["pause_p99_ns"]], "s-", label="p99")
    a1.plot(pos, [v / 1000 for v in table["pause_max_ns"]], "^-", label="max")
    a1.set_xticks(list(pos), labels)
    a1.set_xlabel(short_axis)
    a1.set_ylabel("STW pause, µs")
    a1.legend()
    a1.grid(True, alpha=0.3)
    a2.bar(list(pos), table["num_gc"])
    a2.set_xticks(list(pos), labels)
    a2.set_xlabel(short_axis)
    a2.set_ylabel("GC cycles")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "pauses_and_cycles.png"), dpi=120)
    plt.close(fig)

    # 3. Heap, goal and trigger over time, one panel per point.
    n = len(labels)
    fig, axs = plt.subplots(n, 1, figsize=(9, 2.2 * n), sharex=True, squeeze=False)
    for i, point in enumerate(table["point"]):
        ts = runs[point]["timeseries"]
        t = [v / 1e9 for v in ts["t_ns"]]
        ax = axs[i][0]
        ax.plot(t, [v / MIB for v in ts["heap_live_bytes"]], lw=0.8, label="heapLive")
        ax.plot(t, [min(v, 1 << 62) / MIB for v in ts["heap_goal_bytes"]], lw=0.8, label="goal")
        ax.plot(t, [min(v, 1 << 62) / MIB for v in ts["trigger_bytes"]], lw=0.8, ls="--", label="trigger")
        ax.plot(t, [v / MIB for v in ts["live_object_bytes"]], lw=0.8, label="live objects")
        top = max(ts["heap_live_bytes"]) / MIB * 1.3 + 1
        ax.set_ylim(0, top)
        ax.set_ylabel("MiB")
        ax.set_title("%s=%s" % (short_axis, labels[i]), fontsize=9)
        if i == 0:
            ax.legend(fontsize=7, ncol=4, loc="upper right")
    axs[-1][0].set_xlabel("simulated time, s")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "heap_over_time.png"), dpi=110)
    plt.close(fig)
    print("plots: " + ", ".join(sorted(os.listdir(out))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
