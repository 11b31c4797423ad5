#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The idealised per-cycle mode and the event-driven mode side by side, per redesign scenario.

usage: compare_modes.py DIR [--ideal runtime|model] [--out PLOT_DIR] [--formats png[,pdf]]

DIR is the --out directory of `gcsim pacer-scenarios --event-driven` (summary.csv,
<group>/<scenario>/<pacer>.csv with group = runtime/model and event-driven). Writes into DIR:

  compare_modes.csv   one row per (scenario, pacer): steady-state (last 20 cycles) overshoot,
                      GC CPU utilization during mark, GC cycles per simulated second and mean heap
                      goal, idealised and event-driven side by side (copied from summary.csv)
  compare_modes.md    the same as a Markdown table
  plots/compare-modes/<scenario>.png
                      2x2, every pacer in both modes (solid: idealised, dashed: event-driven):
                      heap goal and peak (MiB); overshoot peak/goal - 1 (%); GC CPU utilization during
                      mark; heap scan work per cycle (MiB, the live heap reachable at mark start)
                      with the scenario's L_n per nominal cycle (event-driven/<scenario>/nominal_cycles.csv)
The script only reads files; it never simulates.
"""
import argparse
import csv
import math
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

MIB = float(1 << 20)
ORDER = ["steady", "jitter-alloc", "step-alloc", "heavy-step-alloc", "high-GOGC", "osc-alloc", "big-stacks",
         "big-globals", "heavy-jitter-alloc"]
LABELS = {"go1.5-legacy": "old (go1.5-legacy)", "go1.19": "new (go1.19)"}
EV = "event-driven"


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def col(rows, key, scale=1.0):
    return [float(r[key]) * scale if r.get(key, "") not in ("", None) else math.nan for r in rows]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--ideal", default="runtime", choices=["runtime", "model"],
                    help="per-cycle semantics to compare with (default runtime: the simulator's goal rule)")
    ap.add_argument("--out", help="plot directory (default DIR/plots/compare-modes)")
    ap.add_argument("--formats", default="png")
    a = ap.parse_args()
    summary = read_rows(os.path.join(a.dir, "summary.csv"))
    by = {(s["semantics"], s["scenario"], s["pacer"]): s for s in summary}
    scenarios = [sc for sc in ORDER if any(k[1] == sc for k in by)]
    scenarios += sorted({k[1] for k in by if k[1] not in ORDER})
    pacers = list(dict.fromkeys(s["pacer"] for s in summary if s["semantics"] == EV))
    if not pacers:
        raise SystemExit(f"compare_modes.py: {a.dir}/summary.csv has no event-driven rows "
                         "(run gcsim pacer-scenarios with --event-driven)")
    fields = ["scenario", "pacer", "overshoot_pct_ideal", "overshoot_pct_event", "utilization_ideal",
              "utilization_event", "gc_per_second_ideal", "gc_per_second_event", "goal_mib_ideal", "goal_mib_event",
              "cycles_ideal", "cycles_event"]
    table = []
    for sc in scenarios:
        for p in pacers:
            i, e = by.get((a.ideal, sc, p)), by.get((EV, sc, p))
            if i is None or e is None:
                continue
            table.append({
                "scenario": sc, "pacer": p,
                "overshoot_pct_ideal": float(i["mean_overshoot"]) * 100,
                "overshoot_pct_event": float(e["mean_overshoot"]) * 100,
                "utilization_ideal": float(i["mean_utilization"]), "utilization_event": float(e["mean_utilization"]),
                "gc_per_second_ideal": float(i["gc_per_second"]), "gc_per_second_event": float(e["gc_per_second"]),
                "goal_mib_ideal": float(i["mean_goal_bytes"]) / MIB, "goal_mib_event": float(e["mean_goal_bytes"]) / MIB,
                "cycles_ideal": int(i["cycles"]), "cycles_event": int(e["cycles"]),
            })
    with open(os.path.join(a.dir, "compare_modes.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        for r in table:
            w.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in r.items()})
    lines = [f"Steady state = last 20 cycles. Idealised = per-cycle mode, {a.ideal} semantics; event-driven = "
             "the full simulator on the pacer-scenario generator. Utilization = GC CPU during mark.", "",
             "| scenario | pacer | overshoot ideal / event | utilization ideal / event | GC/s ideal / event | "
             "goal MiB ideal / event |", "|---|---|---|---|---|---|"]
    for r in table:
        lines.append(f"| {r['scenario']} | {r['pacer']} | {r['overshoot_pct_ideal']:+.2f} % / "
                     f"{r['overshoot_pct_event']:+.2f} % | {r['utilization_ideal']:.3f} / "
                     f"{r['utilization_event']:.3f} | {r['gc_per_second_ideal']:.2f} / {r['gc_per_second_event']:.2f}"
                     f" | {r['goal_mib_ideal']:.1f} / {r['goal_mib_event']:.1f} |")
    with open(os.path.join(a.dir, "compare_modes.md"), "w") as f:
        f.write("\n".join(lines) + "\n")

    out = a.out or os.path.join(a.dir, "plots", "compare-modes")
    os.makedirs(out, exist_ok=True)
    written = 0
    for sc in scenarios:
        fig, axs = plt.subplots(2, 2, figsize=(11, 6.6), sharex=True)
        (ax_b, ax_u), (ax_o, ax_w) = axs
        drawn = False
        for k, p in enumerate(pacers):
            for group, ls, tag in ((a.ideal, "-", "idealised"), (EV, "--", "event-driven")):
                path = os.path.join(a.dir, group, sc, p + ".csv")
                if not os.path.exists(path):
                    continue
                rows = read_rows(path)
                if not rows:
                    continue
                drawn = True
                x = col(rows, "cycle")
                lab = f"{LABELS.get(p, p)}, {tag}"
                ax_b.plot(x, col(rows, "goal_bytes", 1 / MIB), ls, color=f"C{2 * k}", lw=1.1, label=f"goal: {lab}")
                ax_b.plot(x, col(rows, "peak_bytes", 1 / MIB), ls, color=f"C{2 * k + 1}", lw=0.9,
                          label=f"peak: {lab}")
                ax_o.plot(x, col(rows, "overshoot", 100), ls, color=f"C{2 * k}", lw=1.1, label=lab)
                ax_u.plot(x, col(rows, "utilization"), ls, color=f"C{2 * k}", lw=1.1, label=lab)
                heap_work = [w - s - g for w, s, g in zip(col(rows, "scan_work_bytes"), col(rows, "stack_bytes"),
                                                          col(rows, "globals_bytes"))]
                ax_w.plot(x, [v / MIB for v in heap_work], ls, color=f"C{2 * k}", lw=1.1, label=lab)
        nominal = os.path.join(a.dir, EV, sc, "nominal_cycles.csv")
        if drawn and os.path.exists(nominal):
            rows = read_rows(nominal)
            ax_w.plot(col(rows, "nominal_cycle"), col(rows, "live_bytes", 1 / MIB), ":", color="k", lw=1,
                      label="scenario L_n (nominal cycle n)")
            ax_w.legend(fontsize=6, loc="best")
        if not drawn:
            plt.close(fig)
            continue
        ax_b.set_ylabel("MiB")
        ax_b.set_title("heap goal and peak heap")
        ax_o.set_ylabel("overshoot (%)")
        ax_o.axhline(0, color="k", lw=0.6)
        ax_o.set_title("heap overshoot, peak/goal - 1")
        ax_u.set_ylabel("utilization")
        ax_u.axhline(0.25, color="k", lw=0.6, ls=":")
        ax_u.axhline(0.30, color="grey", lw=0.6, ls=":")
        ax_u.set_title("GC CPU utilization during mark")
        ax_w.set_ylabel("MiB")
        ax_w.set_title("heap scan work (live heap at mark start)")
        for ax in (ax_o, ax_w):
            ax.set_xlabel("GC cycle")
        for ax in axs.flat:
            ax.grid(True, alpha=0.3)
        ax_b.legend(fontsize=6, loc="best")
        ax_u.legend(fontsize=6, loc="best")
        fig.suptitle(f"{sc}: idealised ({a.ideal} semantics, solid) vs event-driven (dashed)")
        fig.tight_layout()
        for fmt in a.formats.split(","):
            fig.savefig(os.path.join(out, f"{sc}.{fmt}"), dpi=100)
        plt.close(fig)
        written += 1
    print(f"compare_modes: {len(table)} rows in {a.dir}/compare_modes.md, {written} plots in {out}")


if __name__ == "__main__":
    main()
