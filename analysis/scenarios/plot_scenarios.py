#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""One figure per concept scenario, drawn from gcsim's output files only.

    /usr/bin/python3 analysis/scenarios/plot_scenarios.py RESULTS_DIR

RESULTS_DIR is what scripts/scenarios.sh writes (one directory per configs/scenarios/*.json). Figures go
to RESULTS_DIR/<scenario>/plot.png (and .pdf); RESULTS_DIR/effects.md gets the measured-effects table.
"""
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import effects as fx  # noqa: E402

MIB = float(1 << 20)


def series(d, *cols):
    rs = fx.rows(d, "timeseries.csv")
    t = [int(r["t_ns"]) / 1e6 for r in rs]
    return t, [[int(r[c]) / MIB for r in rs] for c in cols]


def shade_gcs(ax, d):
    for r in fx.rows(d, "cycles.csv"):
        ax.axvspan(int(r["start_ns"]) / 1e6, int(r["end_ns"]) / 1e6, color="0.85", lw=0)


def bars(ax, labels, values, ylabel, fmt="{:.1f}"):
    b = ax.bar(labels, values, color=["tab:red", "tab:green", "tab:blue", "tab:orange", "tab:purple",
                                       "tab:brown", "tab:pink", "tab:gray", "tab:olive"][:len(values)])
    for rect, v in zip(b, values):
        ax.annotate(fmt.format(v), (rect.get_x() + rect.get_width() / 2, rect.get_height()), ha="center",
                    va="bottom", fontsize=8)
    ax.set_ylabel(ylabel)


def heap_over_time(ax, d, label, cols=("heap_live_bytes",), with_goal=False):
    t, ys = series(d, *cols, *(["heap_goal_bytes"] if with_goal else []))
    for c, y in zip(cols, ys):
        ax.plot(t, y, label=f"{label} {c}")
    if with_goal:
        ax.plot(t, ys[-1], "--", label=f"{label} heap goal")
    ax.set_xlabel("simulated time (ms)")
    ax.set_ylabel("MiB")


def p01(b, axs):
    sc = "01-allocation-pipeline"
    pts = [(5, "false", "5 B tiny"), (16, "true", "16"), (17, "true", "17"), (24, "true", "24"), (25, "true", "25"),
           (1024, "true", "1024"), (1025, "true", "1025"), (33792, "true", "33 KiB")]
    m = fx.measure_one(b, sc)
    bars(axs[0], [p[2] for p in pts], [100 * m[f"waste_frac_{p[0]}"] for p in pts], "rounding waste (% of requested)")
    axs[0].set_xlabel("object size")
    bars(axs[1], [p[2] for p in pts], [m[f"inuse_per_live_{p[0]}"] for p in pts], "HeapInuse / live bytes", "{:.2f}")


def pair_timeseries(b, sc, points, axs, cols=("heap_live_bytes",)):
    for p in points:
        d = fx.run(b, sc, p)
        heap_over_time(axs[0], d, p, cols)
    axs[0].legend(fontsize=7)


def p02(b, axs):
    sc = "02-escape-analysis"
    pair_timeseries(b, sc, ["escape_true", "escape_false"], axs)
    m = fx.measure_one(b, sc)
    bars(axs[1], ["escape: GCs", "stack: GCs"], [m["gc_escape"], m["gc_stack"]], "GC cycles", "{:.0f}")


def p03(b, axs):
    sc = "03-gogc"
    for g in ["50", "100", "200"]:
        d = fx.run(b, sc, f"gogc_{g}")
        t, (live, goal) = series(d, "heap_live_bytes", "heap_goal_bytes")
        line, = axs[0].plot(t, live, label=f"GOGC={g} heapLive")
        axs[0].plot(t, goal, "--", color=line.get_color(), label=f"GOGC={g} goal")
    axs[0].set_xlabel("simulated time (ms)")
    axs[0].set_ylabel("MiB")
    axs[0].legend(fontsize=7)
    m = fx.measure_one(b, sc)
    bars(axs[1], ["50", "100", "200", "off"], [m["gc_50"], m["gc_100"], m["gc_200"], m["gc_off"]], "GC cycles", "{:.0f}")
    axs[1].set_xlabel("GOGC")


def p04(b, axs):
    d = fx.run(b, "04-gc-phases")
    cyc = fx.rows(d, "cycles.csv")
    x = [int(r["cycle"]) for r in cyc]
    for col, lab in [("stw_sweep_term_ns", "STW sweep termination"), ("mark_ns", "concurrent mark"),
                     ("stw_mark_term_ns", "STW mark termination"), ("sweep_cpu_ns", "sweep (CPU)")]:
        axs[0].plot(x, [int(r[col]) / 1e3 for r in cyc], "o-", label=lab)
    axs[0].set_yscale("log")
    axs[0].axhline(1000, color="k", lw=0.5, ls=":")
    axs[0].set_xlabel("GC cycle")
    axs[0].set_ylabel("us (log)")
    axs[0].legend(fontsize=7)
    heap_over_time(axs[1], d, "", ("heap_live_bytes",), with_goal=True)
    shade_gcs(axs[1], d)


def p05(b, axs):
    m = fx.measure_one(b, "05-write-barrier")
    bars(axs[0], ["barrier off", "barrier on (mark)"], [m["ns_per_write_outside"], m["ns_per_write_mark"]],
         "mutator ns per pointer store")
    d = fx.run(b, "05-write-barrier")
    cyc = fx.rows(d, "cycles.csv")
    axs[1].bar([int(r["cycle"]) for r in cyc], [int(r["barrier_writes"]) for r in cyc])
    axs[1].set_xlabel("GC cycle")
    axs[1].set_ylabel("stores with the barrier on")


def p06(b, axs):
    d = fx.run(b, "06-stack-growth")
    t, (st,) = series(d, "stack_inuse_bytes")
    axs[0].step(t, [y * 1024 for y in st], where="post")
    shade_gcs(axs[0], d)
    axs[0].set_xlabel("simulated time (ms) (GC cycles shaded)")
    axs[0].set_ylabel("StackInuse (KiB)")
    axs[0].set_yscale("log")
    cyc = fx.rows(d, "cycles.csv")
    axs[1].plot([int(r["cycle"]) for r in cyc], [int(r["stacks_bytes"]) / 1024 for r in cyc], "o-")
    axs[1].set_yscale("log")
    axs[1].set_xlabel("GC cycle")
    axs[1].set_ylabel("stacks at mark termination (KiB)")


def p07(b, axs):
    sc = "07-sync-pool"
    m = fx.measure_one(b, sc)
    bars(axs[0], ["alloc: GCs", "pool: GCs"], [m["gc_alloc"], m["gc_pool"]], "GC cycles", "{:.0f}")
    for p, lab in [("use_pool_false", "allocated"), ("use_pool_true", "pooled")]:
        ms = fx.memstats(fx.run(b, sc, p))
        axs[1].plot(range(len(ms)), [x["heap_alloc"] / MIB for x in ms], "o-", label=lab)
    axs[1].set_xticks(range(4), ["end of load", "GC 1", "GC 2", "GC 3"])
    axs[1].set_ylabel("HeapAlloc (MiB) after idle runtime.GC()")
    axs[1].legend(fontsize=7)


def p08(b, axs):
    m = fx.measure_one(b, "08-preallocation")
    bars(axs[0], ["append: GCs", "make(0,n): GCs"], [m["gc_append"], m["gc_prealloc"]], "GC cycles", "{:.0f}")
    bars(axs[1], ["append", "make(0,n)"], [m["mallocs_append"], m["mallocs_prealloc"]], "heap allocations", "{:.0f}")


def p09(b, axs):
    sc = "09-pointer-density"
    for p, lab in [("pointers_true", "pointerful nodes"), ("pointers_false", "value arrays")]:
        cyc = fx.rows(fx.run(b, sc, p), "cycles.csv")
        x = [int(r["cycle"]) for r in cyc]
        axs[0].plot(x, [int(r["heap_marked_bytes"]) / MIB for r in cyc], "o-", label=f"{lab}: marked MiB")
        axs[1].plot(x, [(float(r["assist_cpu_ns"]) + float(r["background_cpu_ns"]) + float(r["idle_cpu_ns"])) / 1e6
                        for r in cyc], "o-", label=f"{lab}")
    axs[0].set_xlabel("GC cycle")
    axs[0].legend(fontsize=7)
    axs[1].set_xlabel("GC cycle")
    axs[1].set_ylabel("mark CPU per cycle (ms)")
    axs[1].legend(fontsize=7)


def final_heap_pair(b, sc, pts, labels, axs, title):
    vals = [fx.memstats(fx.run(b, sc, p))[-1]["heap_alloc"] / MIB for p in pts]
    bars(axs[1], labels, vals, "HeapAlloc after runtime.GC() (MiB)", "{:.2f}")
    axs[1].set_yscale("log")
    pair_timeseries(b, sc, pts, axs)
    axs[0].set_title(title, fontsize=8)


def p10(b, axs):
    final_heap_pair(b, "10-subslice-pinning", ["copy_out_false", "copy_out_true"], ["b[i:j] kept", "copy kept"], axs,
                    "64 x 1 MiB messages")


def p11(b, axs):
    final_heap_pair(b, "11-slice-cap", ["cap_bytes_8192", "cap_bytes_80"], ["cap 8 KiB", "cap = len"], axs,
                    "2000 slices, len 80 B")


def p12(b, axs):
    sc = "12-map-no-shrink"
    for p, lab in [("recreate_false", "keep map"), ("recreate_true", "recreate map")]:
        ms = fx.memstats(fx.run(b, sc, p))
        axs[1].plot(range(3), [x["heap_alloc"] / MIB for x in ms], "o-", label=lab)
    axs[1].set_xticks(range(3), ["filled", "90 % deleted", "recreated?"])
    axs[1].set_ylabel("HeapAlloc after runtime.GC() (MiB)")
    axs[1].legend(fontsize=7)
    pair_timeseries(b, sc, ["recreate_false", "recreate_true"], axs)


def p13(b, axs):
    pair_timeseries(b, "13-goroutine-leak", ["cancel_false", "cancel_true"], axs,
                    ("heap_live_bytes", "stack_inuse_bytes"))


def p14(b, axs):
    sc = "14-memory-limit"
    for p, lab in [("gogc_100__memory_limit_bytes_null", "GOGC=100"),
                   ("gogc_100__memory_limit_bytes_67108864", "GOGC=100, 64 MiB limit"),
                   ("gogc_off__memory_limit_bytes_67108864", "GOGC=off, 64 MiB limit")]:
        d = fx.run(b, sc, p)
        t, (mr,) = series(d, "mapped_ready_bytes")
        axs[0].plot(t, mr, label=lab)
        cyc = fx.rows(d, "cycles.csv")
        starts = [int(r["start_ns"]) / 1e6 for r in cyc]
        axs[1].plot(starts[1:], [b2 - a for a, b2 in zip(starts, starts[1:])], "o-", ms=3, label=lab)
    axs[0].axhline(64, color="k", ls=":", lw=1)
    axs[0].set_xlabel("simulated time (ms)")
    axs[0].set_ylabel("memory (Sys - HeapReleased), MiB")
    axs[0].legend(fontsize=7)
    axs[1].set_xlabel("simulated time (ms)")
    axs[1].set_ylabel("time since previous GC (ms)")
    axs[1].set_yscale("log")


def p15(b, axs):
    ms = fx.memstats(fx.run(b, "15-forced-gc"))
    bars(axs[0], ["before", "runtime.GC()", "drop + runtime.GC()"], [x["heap_alloc"] / MIB for x in ms],
         "HeapAlloc (MiB)")
    bars(axs[1], ["before", "after GC 1", "after GC 2"], [x["num_forced_gc"] for x in ms], "NumForcedGC", "{:.0f}")


def p16(b, axs):
    ms = fx.memstats(fx.run(b, "16-monitoring"))
    t = [x["t_ns"] / 1e6 for x in ms]
    axs[0].plot(t, [x["heap_alloc"] / MIB for x in ms], "o-", label="HeapAlloc")
    axs[0].plot(t, [x["next_gc"] / MIB for x in ms], "s--", label="NextGC")
    axs[0].set_xlabel("simulated time (ms)")
    axs[0].set_ylabel("MiB")
    axs[0].legend(fontsize=7)
    axs[1].plot(t, [x["num_gc"] for x in ms], "o-", label="NumGC")
    ax2 = axs[1].twinx()
    ax2.plot(t, [x["pause_ns"][(x["num_gc"] + 255) % 256] / 1e3 for x in ms], "r.", label="last PauseNs (us)")
    axs[1].set_xlabel("simulated time (ms)")
    axs[1].set_ylabel("NumGC")
    ax2.set_ylabel("PauseNs[(NumGC+255)%256] (us)")


PLOTS = [p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15, p16]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    b = sys.argv[1]
    res = fx.measure(b)
    for name, fn in zip(fx.SCENARIOS, PLOTS):
        fig, axs = plt.subplots(1, 2, figsize=(11, 4))
        fn(b, axs)
        fig.suptitle(f"{name}: {res[name]['shows']}\n{res[name]['effect']}", fontsize=8)
        fig.tight_layout()
        for ext in ("png", "pdf"):
            fig.savefig(os.path.join(b, name, f"plot.{ext}"), dpi=110)
        plt.close(fig)
    with open(os.path.join(b, "effects.md"), "w") as f:
        f.write(fx.markdown(res) + "\n")
    print(f"{len(PLOTS)} figures: {b}/<scenario>/plot.png; table: {b}/effects.md")


if __name__ == "__main__":
    main()
