#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Figures from gcsim output, as PNG and PDF.

usage: plot.py DIR [--out PLOT_DIR] [--formats png,pdf] [--per-run]

DIR is a run directory (has summary.json; from `gcsim run`) or a sweep directory (has
results.json; from `gcsim sweep`). Figures go to DIR/plots/ unless --out is given.

run directory:   heap (heapLive, goal, trigger, HeapSys over time, GC cycles shaded, memory limit),
                 pause_cdf, mmu (MMU, BMU, p99/p99.9 MU), pacer (per-cycle goal/trigger/peak/marked,
                 overshoot, cons/mark, GC utilisation)
sweep directory: tradeoff (GC CPU vs peak memory, Pareto front; and against GOGC), mmu, pause_cdf,
                 heap_over_time, pacer (per-cycle panels per point), memory_limit (runs with a
                 limit), pauses_and_cycles; --per-run adds the run figures of every point under
                 PLOT_DIR/runs/<point>/.

The script only reads gcsim's files; it never simulates.
"""
import argparse
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gcsim_results as gr  # noqa: E402

MIB = float(1 << 20)
plt.rcParams.update({
    "font.size": 9, "axes.titlesize": 9.5, "axes.labelsize": 9, "legend.fontsize": 7.5, "xtick.labelsize": 8,
    "ytick.labelsize": 8, "axes.grid": True, "grid.alpha": 0.3, "savefig.bbox": "tight", "figure.dpi": 100,
    "pdf.fonttype": 42,
})

AXIS_NAMES = {"runtime.gogc": "GOGC", "runtime.memory_limit_bytes": "limit", "runtime.gomaxprocs": "P",
              "runtime.ncpu": "CPUs", "pacer.kind": "pacer", "workload": "workload", "workload.kind": "workload",
              "seed": "seed", "replica": "rep"}


# ---------------------------------------------------------------------------------------------
# Helpers

def arr(col):
    """A CSV column as a float array (None -> nan)."""
    return np.array([np.nan if v is None or isinstance(v, str) else v for v in col], dtype=float)


def no_goal(a):
    """Goal/trigger values meaning "none" (GOGC=off without a limit) become nan."""
    a = a.copy()
    a[a >= gr.NO_LIMIT_BYTES] = np.nan
    return a


def fmt_value(axis, v):
    if v is None:
        return "none"
    if isinstance(v, dict):
        return str(v.get("kind", "obj"))
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if axis.endswith("_bytes") and isinstance(v, (int, float)):
        return "%g MiB" % (v / MIB)
    return str(v)


def axis_name(axis):
    return AXIS_NAMES.get(axis, axis.split(".")[-1])


def point_label(row, axes, skip=("replica",)):
    parts = []
    for a in axes:
        if a in skip:
            continue
        if a == "runtime.memory_limit_bytes" and row.get(a) is None:
            continue
        parts.append("%s=%s" % (axis_name(a), fmt_value(a, row.get(a))))
    return ", ".join(parts) if parts else row["point"]


def save(fig, out_dir, name, formats, written):
    os.makedirs(out_dir, exist_ok=True)
    for ext in formats:
        path = os.path.join(out_dir, "%s.%s" % (name, ext))
        fig.savefig(path, dpi=150)
        written.append(path)
    plt.close(fig)


def colors(n):
    if n <= 10:
        return ["C%d" % i for i in range(n)]
    cmap = plt.get_cmap("viridis")
    return [cmap(0.9 * i / max(1, n - 1)) for i in range(n)]


def clip_overshoot(ax, cycles_and_values):
    """Overshoot of the first cycles (tiny heaps, 4 MiB minimum goal) can be huge: scale to the rest."""
    vals = [v for c, v in cycles_and_values if c > 2 and np.isfinite(v)]
    if vals:
        lo, hi = min(vals), max(vals)
        pad = max(2.0, 0.1 * (hi - lo))
        ax.set_ylim(min(lo - pad, -5), max(hi + pad, 5))


# ---------------------------------------------------------------------------------------------
# Panels drawn from one run

def draw_heap(ax, run, title=None, legend=True, show_sys=True):
    ts, cyc = run["timeseries"], run["cycles"]
    t = arr(ts["t_ns"]) / 1e9
    for s, e in zip(arr(cyc["start_ns"]) if cyc else [], arr(cyc["end_ns"]) if cyc else []):
        ax.axvspan(s / 1e9, e / 1e9, color="0.88", lw=0, zorder=0)
    ax.plot(t, arr(ts["heap_live_bytes"]) / MIB, lw=0.9, color="C0", label="heapLive")
    ax.plot(t, no_goal(arr(ts["heap_goal_bytes"])) / MIB, lw=0.9, color="C1", label="heap goal")
    ax.plot(t, no_goal(arr(ts["trigger_bytes"])) / MIB, lw=0.8, ls="--", color="C2", label="trigger")
    ax.plot(t, arr(ts["live_object_bytes"]) / MIB, lw=0.7, color="C4", label="live objects")
    top = np.nanmax(arr(ts["heap_live_bytes"])) / MIB
    if show_sys:
        # Total memory as GOMEMLIMIT counts it (Sys - HeapReleased) when the run has it, else HeapSys.
        if "mapped_ready_bytes" in ts:
            sys_b, name = arr(ts["mapped_ready_bytes"]) / MIB, "Sys - HeapReleased"
        else:
            sys_b, name = arr(ts["heap_sys_bytes"]) / MIB, "HeapSys"
        ax.plot(t, sys_b, lw=0.8, ls=":", color="0.3", label=name)
        top = max(top, np.nanmax(sys_b))
    limit = gr.memory_limit_bytes(run)
    if limit is not None:
        ax.axhline(limit / MIB, color="C3", lw=1.1, ls="-.", label="memory limit")
        top = max(top, limit / MIB)
    ax.set_ylim(0, top * 1.15 + 1)
    ax.set_xlim(0, t[-1] if len(t) else 1)
    ax.set_xlabel("simulated time (s)")
    ax.set_ylabel("MiB")
    if title:
        ax.set_title(title)
    if legend:
        handles, labels = ax.get_legend_handles_labels()
        handles.append(plt.Rectangle((0, 0), 1, 1, color="0.88"))
        labels.append("GC cycle")
        ax.legend(handles, labels, ncol=len(labels), loc="lower center", bbox_to_anchor=(0.5, 1.08), frameon=False,
                  handlelength=1.6, columnspacing=1.0)


def pause_durations_us(run):
    p = run.get("pauses")
    if p is not None:
        return np.sort(arr(p["duration_ns"])) / 1e3, p
    cyc = run["cycles"]  # older runs: both pauses of each cycle from cycles.csv
    d = np.concatenate([arr(cyc["stw_sweep_term_ns"]), arr(cyc["stw_mark_term_ns"])]) if cyc else np.array([])
    return np.sort(d) / 1e3, None


def pause_axis(ax, all_us):
    """Log x when pauses span more than a decade; plain microsecond tick labels either way."""
    all_us = [v for v in all_us if v > 0]
    if all_us and max(all_us) / min(all_us) > 10:
        ax.set_xscale("log")
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: "%g" % v))
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xlabel("STW pause (us)")
    ax.set_ylabel("fraction of pauses <= x")
    ax.set_ylim(0, 1.02)


def draw_pause_cdf(ax, d_us, label, color=None, **kw):
    if len(d_us) == 0:
        return
    y = np.arange(1, len(d_us) + 1) / len(d_us)
    ax.step(np.concatenate([[d_us[0]], d_us]), np.concatenate([[0], y]), where="post", label=label, color=color, **kw)


def mmu_arrays(run):
    m = run.get("mmu")
    if m is None or not m["window_ns"]:
        return None
    return {k: arr(v) for k, v in m.items()}


def draw_pacer(axs, cyc, label=None, color=None, full=True):
    """Per-cycle panels: bytes (goal, trigger, peak, marked), overshoot %, cons/mark, GC utilisation."""
    c = arr(cyc["cycle"])
    goal, peak = no_goal(arr(cyc["heap_goal_bytes"])), arr(cyc["heap_peak_bytes"])
    a0, a1, a2, a3 = axs
    if full:
        a0.plot(c, goal / MIB, "-o", ms=2.5, lw=1, color="C1", label="goal")
        a0.plot(c, no_goal(arr(cyc["trigger_bytes"])) / MIB, "--", lw=1, color="C2", label="trigger")
        a0.plot(c, peak / MIB, "-s", ms=2.5, lw=1, color="C0", label="peak (heap1)")
        a0.plot(c, arr(cyc["heap_marked_bytes"]) / MIB, "-^", ms=2.5, lw=1, color="C4", label="marked (heap2)")
        a0.legend(ncol=2)
        a2.plot(c, arr(cyc["cons_mark"]), "-", lw=1, color="C0", label="smoothed (next cycle)")
        a2.plot(c, arr(cyc["measured_cons_mark"]), ":", lw=1, color="C1", label="measured")
        a2.legend()
        a3.plot(c, arr(cyc["utilization"]), "-o", ms=2.5, lw=1, color="C0", label="u_n = 0.25 + assist")
        a3.axhline(0.25, color="0.4", lw=0.8, ls="--", label="background 0.25")
        a3.axhline(0.30, color="C3", lw=0.8, ls=":", label="goal 0.30")
        a3.legend()
        a1.plot(c, (peak / goal - 1) * 100, "-o", ms=2.5, lw=1, color="C3")
    else:
        a0.plot(c, goal / MIB, lw=1, color=color, label=label)
        a1.plot(c, (peak / goal - 1) * 100, lw=1, color=color, label=label)
        a2.plot(c, arr(cyc["cons_mark"]), lw=1, color=color, label=label)
        a3.plot(c, arr(cyc["utilization"]), lw=1, color=color, label=label)
    a1.axhline(0, color="0.4", lw=0.8)
    seen = getattr(a1, "_gcsim_overshoot", [])
    seen += list(zip(c, (peak / goal - 1) * 100))
    a1._gcsim_overshoot = seen
    clip_overshoot(a1, seen)
    a0.set_ylabel("heap (MiB)")
    a0.set_title("heap goal" + (", trigger, peak, marked" if full else ""))
    a1.set_ylabel("overshoot (%)")
    a1.set_title("goal overshoot: (peak / goal - 1) x 100 (cycles > 2 in scale)")
    a2.set_ylabel("cons/mark")
    a2.set_title("cons/mark estimate")
    a3.set_ylabel("GC utilisation")
    a3.set_title("GC CPU utilisation during mark")
    for a in axs:
        a.set_xlabel("GC cycle")


# ---------------------------------------------------------------------------------------------
# A run directory

def plot_run(run, out, formats, written, title=""):
    prefix = (title + ": ") if title else ""
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    draw_heap(ax, run, title=prefix + "heap over time")
    save(fig, out, "heap", formats, written)

    d_us, p = pause_durations_us(run)
    fig, ax = plt.subplots(figsize=(5, 3.4))
    if p is not None and len(d_us):
        kinds = np.array(p["kind"])
        dur = arr(p["duration_ns"]) / 1e3
        for kind, name, col in (("sweep_term", "sweep termination", "C0"), ("mark_term", "mark termination", "C1")):
            draw_pause_cdf(ax, np.sort(dur[kinds == kind]), name, color=col, lw=1)
    draw_pause_cdf(ax, d_us, "all STW pauses", color="k", lw=1.4)
    pause_axis(ax, list(d_us))
    ax.set_title(prefix + "pause CDF (%d pauses)" % len(d_us))
    ax.legend(loc="lower right")
    save(fig, out, "pause_cdf", formats, written)

    m = mmu_arrays(run)
    if m is not None:
        fig, ax = plt.subplots(figsize=(5.5, 3.6))
        w = m["window_ns"] / 1e9
        ax.plot(w, m["mmu"], color="C0", lw=1.5, label="MMU")
        ax.plot(w, m["bmu"], color="C0", lw=1, ls="--", label="BMU")
        ax.plot(w, m["mu_p99"], color="C1", lw=1, label="p99 MU (1 % of windows lower)")
        ax.plot(w, m["mu_p999"], color="C2", lw=1, label="p99.9 MU")
        ax.plot(w, m["mmu_idle_as_gc"], color="0.4", lw=1, ls=":", label="MMU, idle workers count as GC")
        ax.set_xscale("log")
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("window (s)")
        ax.set_ylabel("mutator utilisation")
        ax.set_title(prefix + "minimum mutator utilisation")
        ax.legend(loc="lower right")
        save(fig, out, "mmu", formats, written)

    cyc = run["cycles"]
    if cyc and cyc["cycle"]:
        fig, axs = plt.subplots(2, 2, figsize=(8.5, 5.6))
        draw_pacer(axs.flatten(), cyc)
        fig.suptitle(prefix + "pacer, per GC cycle")
        fig.tight_layout()
        save(fig, out, "pacer", formats, written)


# ---------------------------------------------------------------------------------------------
# A sweep directory

def group_rows(rows, axes):
    """Rows grouped over replicas: [(representative row, [rows])], in point order."""
    key_axes = [a for a in axes if a not in ("replica", "seed")]
    groups, order = {}, []
    for r in rows:
        k = tuple(repr(r.get(a)) for a in key_axes)
        if k not in groups:
            groups[k] = []
            order.append(k)
        groups[k].append(r)
    return [(groups[k][0], groups[k]) for k in order]


def gogc_number(v):
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    return None


def plot_tradeoff(rows, axes, out, formats, written):
    ok = [r for r in rows if r.get("status") == "ok"]
    if not ok:
        return
    groups = group_rows(ok, axes)
    series_axes = [a for a in axes if a not in ("runtime.gogc", "runtime.memory_limit_bytes", "replica", "seed")]
    xs, ys, labels, series = [], [], [], []
    xerr, yerr = [], []
    mem_key = "peak_mapped_ready_bytes" if all(r.get("peak_mapped_ready_bytes") is not None for r in ok) \
        else "peak_heap_sys_bytes"
    mem_name = "Sys - HeapReleased" if mem_key == "peak_mapped_ready_bytes" else "HeapSys"
    for rep, members in groups:
        x = np.array([m[mem_key] for m in members], dtype=float) / MIB
        y = np.array([m["gc_cpu_fraction"] for m in members], dtype=float) * 100
        xs.append(x.mean())
        ys.append(y.mean())
        xerr.append(x.std() if len(x) > 1 else 0)
        yerr.append(y.std() if len(y) > 1 else 0)
        g = rep.get("runtime.gogc")
        lab = "GOGC=%s" % fmt_value("runtime.gogc", g) if "runtime.gogc" in axes else point_label(rep, axes)
        if rep.get("runtime.memory_limit_bytes") is not None:
            lab += ", limit %s" % fmt_value("runtime.memory_limit_bytes", rep["runtime.memory_limit_bytes"])
        labels.append(lab)
        series.append(tuple(fmt_value(a, rep.get(a)) for a in series_axes))
    front = gr.pareto_front(xs, ys)
    has_gogc = "runtime.gogc" in axes
    fig, axs = plt.subplots(1, 2 if has_gogc else 1, figsize=(10.5 if has_gogc else 6, 4.2), squeeze=False)
    ax = axs[0][0]
    skeys = sorted(set(series), key=series.index)
    cols = {k: "C%d" % i for i, k in enumerate(skeys)}
    for k in skeys:
        idx = [i for i in range(len(xs)) if series[i] == k]
        num = sorted([i for i in idx if gogc_number(groups[i][0].get("runtime.gogc")) is not None],
                     key=lambda i: gogc_number(groups[i][0].get("runtime.gogc")))
        other = [i for i in idx if i not in num]
        name = ", ".join("%s=%s" % (axis_name(a), v) for a, v in zip(series_axes, k))
        if num:
            ax.errorbar([xs[i] for i in num], [ys[i] for i in num], xerr=[xerr[i] for i in num],
                        yerr=[yerr[i] for i in num], fmt="o-", ms=4, lw=1, color=cols[k], capsize=2,
                        label=("GOGC sweep" + (" (%s)" % name if name else "")))
        if other:
            limited = any(groups[i][0].get("runtime.memory_limit_bytes") is not None for i in other)
            ax.errorbar([xs[i] for i in other], [ys[i] for i in other], xerr=[xerr[i] for i in other],
                        yerr=[yerr[i] for i in other], fmt="s", ms=5, color=cols[k], mfc="white", capsize=2,
                        label=("GOGC=off + memory limit" if limited else "GOGC=off") + (" (%s)" % name if name else ""))
        for i in idx:
            ax.annotate(labels[i].replace("GOGC=", ""), (xs[i], ys[i]), textcoords="offset points", xytext=(5, 4),
                        fontsize=7)
    if front:
        fx, fy = [xs[i] for i in front], [ys[i] for i in front]
        ax.step(fx, fy, where="post", color="C3", lw=1, ls="--", alpha=0.8)
        ax.scatter(fx, fy, s=90, facecolors="none", edgecolors="C3", lw=1.2, label="Pareto front", zorder=5)
    ax.set_xlabel("peak memory, %s (MiB)" % mem_name)
    ax.set_ylabel("GC CPU (% of GOMAXPROCS x time)")
    ax.set_title("memory vs GC CPU trade-off")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper right")
    if has_gogc:
        ax2 = axs[0][1]
        ax3 = ax2.twinx()
        num = [i for i in range(len(xs)) if gogc_number(groups[i][0].get("runtime.gogc")) is not None]
        styles = ["-", "--", ":", "-."]
        for n_series, k in enumerate(skeys):
            idx = sorted([i for i in num if series[i] == k], key=lambda i: gogc_number(groups[i][0]["runtime.gogc"]))
            if not idx:
                continue
            g = [gogc_number(groups[i][0]["runtime.gogc"]) for i in idx]
            ls = styles[n_series % len(styles)]
            ax2.plot(g, [ys[i] for i in idx], "o", ls=ls, ms=4, lw=1, color="C0")
            ax3.plot(g, [xs[i] for i in idx], "s", ls=ls, ms=4, lw=1, color="C1")
            if len(skeys) > 1:
                ax2.plot([], [], ls=ls, color="0.3", label=", ".join("%s=%s" % (axis_name(a), v)
                                                                       for a, v in zip(series_axes, k)))
        ticks = sorted({gogc_number(groups[i][0]["runtime.gogc"]) for i in num})
        ax2.set_xscale("log", base=2)
        ax2.set_xticks(ticks)
        ax2.set_xticklabels(["%g" % t for t in ticks])
        ax2.minorticks_off()
        ax2.set_xlabel("GOGC (log scale)")
        ax2.set_ylabel("GC CPU (%, circles)", color="C0")
        ax2.set_ylim(bottom=0)
        ax3.set_ylabel("peak memory, %s (MiB, squares)" % mem_name, color="C1")
        ax3.grid(False)
        ax3.set_ylim(bottom=0)
        if len(skeys) > 1:
            ax2.legend(loc="upper center")
        ax2.set_title("GC CPU and peak memory against GOGC")
    fig.tight_layout()
    save(fig, out, "tradeoff", formats, written)


def representative_runs(rows, axes, runs):
    """(label, run) for the first replica of each configuration that finished."""
    out = []
    for rep, members in group_rows(rows, axes):
        for m in members:
            if m["point"] in runs:
                out.append((point_label(rep, axes), runs[m["point"]]))
                break
    return out


def plot_sweep_curves(rows, axes, runs, out, formats, written):
    reps = representative_runs(rows, axes, runs)
    if not reps:
        return
    cols = colors(len(reps))

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10.5, 3.8), sharey=True)
    for (label, run), col in zip(reps, cols):
        m = mmu_arrays(run)
        if m is None:
            continue
        w = m["window_ns"] / 1e9
        a1.plot(w, m["mmu"], lw=1.2, color=col, label=label)
        a2.plot(w, m["mu_p99"], lw=1.2, color=col, label=label)
    for a, t in ((a1, "MMU"), (a2, "p99 mutator utilisation (MUD quantile 0.01)")):
        a.set_xscale("log")
        a.set_xlabel("window (s)")
        a.set_title(t)
        a.set_ylim(0, 1.02)
    a1.set_ylabel("mutator utilisation")
    a1.legend(loc="lower right", ncol=1 if len(reps) < 7 else 2)
    fig.tight_layout()
    save(fig, out, "mmu", formats, written)

    fig, ax = plt.subplots(figsize=(6, 3.8))
    all_us = []
    for (label, run), col in zip(reps, cols):
        d_us, _ = pause_durations_us(run)
        draw_pause_cdf(ax, d_us, label, color=col, lw=1.1)
        all_us += list(d_us)
    pause_axis(ax, all_us)
    ax.set_title("STW pause CDF")
    ax.legend(loc="lower right", ncol=1 if len(reps) < 7 else 2)
    save(fig, out, "pause_cdf", formats, written)

    heap_grid(reps[:12], "heap over time", out, "heap_over_time", formats, written)

    fig, axs = plt.subplots(2, 2, figsize=(10, 6.2))
    for (label, run), col in zip(reps, cols):
        if run["cycles"] and run["cycles"]["cycle"]:
            draw_pacer(axs.flatten(), run["cycles"], label=label, color=col, full=False)
    axs[0][0].legend(ncol=1 if len(reps) < 7 else 2)
    fig.suptitle("pacer per GC cycle, one line per configuration")
    fig.tight_layout()
    save(fig, out, "pacer", formats, written)

    limited = [(label, run) for label, run in reps if gr.memory_limit_bytes(run) is not None]
    if limited:
        heap_grid(limited[:12], "runs with a memory limit (GOMEMLIMIT)", out, "memory_limit", formats, written)


def heap_grid(shown, title, out, name, formats, written):
    """Heap-over-time panels, one per (label, run), with one legend for the figure."""
    ncol = 2 if len(shown) > 3 else 1
    nrow = math.ceil(len(shown) / ncol)
    height = 2.3 * nrow + 0.7
    fig, axs = plt.subplots(nrow, ncol, figsize=(5.2 * ncol if ncol > 1 else 7.5, height), squeeze=False)
    legend = {}
    for i, (label, run) in enumerate(shown):
        ax = axs[i // ncol][i % ncol]
        draw_heap(ax, run, title=label, legend=False, show_sys=True)
        for h, lab in zip(*ax.get_legend_handles_labels()):
            legend.setdefault(lab, h)
    for j in range(len(shown), nrow * ncol):
        axs[j // ncol][j % ncol].set_visible(False)
    legend["GC cycle"] = plt.Rectangle((0, 0), 1, 1, color="0.88")
    fig.suptitle(title, y=1 - 0.08 / height)
    fig.legend(list(legend.values()), list(legend.keys()), loc="upper center", ncol=len(legend), frameon=False,
               bbox_to_anchor=(0.5, 1 - 0.22 / height))
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.42 / height))
    save(fig, out, name, formats, written)


def plot_sweep_bars(rows, axes, out, formats, written):
    ok = [r for r in rows if r.get("status") == "ok"]
    if not ok:
        return
    labels = [point_label(r, axes, skip=()) for r in ok]
    pos = np.arange(len(ok))
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10.5, 3.8))
    for key, mk, name in (("pause_p50_ns", "o", "p50"), ("pause_p99_ns", "s", "p99"), ("pause_max_ns", "^", "max")):
        a1.plot(pos, [r[key] / 1e3 for r in ok], mk + "-", ms=4, lw=1, label=name)
    a1.set_ylabel("STW pause (us)")
    a1.set_title("STW pauses")
    a1.legend()
    a2.bar(pos, [r["num_gc"] for r in ok], color="C0")
    a2.set_ylabel("GC cycles")
    a2.set_title("number of GC cycles")
    for a in (a1, a2):
        a.set_xticks(pos)
        a.set_xticklabels(labels, rotation=40, ha="right", fontsize=7)
    fig.tight_layout()
    save(fig, out, "pauses_and_cycles", formats, written)


# ---------------------------------------------------------------------------------------------

def main(argv):
    ap = argparse.ArgumentParser(description="Draw figures from a gcsim run or sweep directory.")
    ap.add_argument("dir", help="run directory (summary.json) or sweep directory (results.json)")
    ap.add_argument("--out", help="where figures go (default DIR/plots)")
    ap.add_argument("--formats", default="png,pdf", help="comma-separated file formats (default png,pdf)")
    ap.add_argument("--per-run", action="store_true", help="sweeps: also draw every point's run figures")
    args = ap.parse_args(argv[1:])
    formats = [f for f in args.formats.split(",") if f]
    out = args.out or os.path.join(args.dir, "plots")
    written = []
    if gr.is_run_dir(args.dir):
        run = gr.load_run(args.dir)
        plot_run(run, out, formats, written, title=run["summary"].get("name", ""))
    elif gr.is_sweep_dir(args.dir):
        rows, axes, runs = gr.load_sweep(args.dir)
        plot_tradeoff(rows, axes, out, formats, written)
        plot_sweep_curves(rows, axes, runs, out, formats, written)
        plot_sweep_bars(rows, axes, out, formats, written)
        if args.per_run:
            for point, run in runs.items():
                plot_run(run, os.path.join(out, "runs", point), formats, written, title=point)
        bad = [r["point"] for r in rows if r.get("status") != "ok"]
        if bad:
            sys.stderr.write("plot.py: %d point(s) without results skipped: %s\n" % (len(bad), ", ".join(bad)))
    else:
        sys.stderr.write("plot.py: %s: neither a run directory (summary.json) nor a sweep directory "
                         "(results.json)\n" % args.dir)
        return 2
    print("plot.py: %d files in %s" % (len(written), out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
