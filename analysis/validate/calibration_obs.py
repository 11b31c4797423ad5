#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Observations for `gcsim calibrate` from a validation run: the real runtime's mark CPU and STW
pauses per cycle against gcsim's mark work and GOMAXPROCS for the same scenarios.

Usage:
    calibration_obs.py VALIDATION_DIR [--scenarios a,b,...] [--anchor-ring] [--no-stw]
                      [--mutator] [--mutator-scenarios a,b,...] --out OBS.json

VALIDATION_DIR is the --out directory of a validate.py run made WITH real runs (it holds
NAME/real/runK.gctrace.txt and NAME/sim/cycles.csv). For each scenario one observation:

    target_ns = median over the real runs of the mean gctrace mark CPU (assist + background + idle,
                the a/b/i of "ms cpu") over the second half of the replay loop's cycles
    features  = gcsim's mean over the second half of its cycles of
                scan_ns_per_byte:   heap + stack + globals scan work bytes
                mark_ns_per_object: marked_objects
                scan_ns_per_object: marked_scan_objects

Unless --no-stw, per scenario also (median over runs of the median over the loop's cycles):
    group stw_sweep_term: target c1 (ms clock), features stw_sweep_term_ns: 1, stw_sweep_term_ns_per_p: P-1
    group stw_mark_term:  target c3,            features stw_mark_term_ns: 1,  stw_mark_term_ns_per_p: P-1
(gcsim's pause model is base + per-other-P wall time, models/cost_model.hpp stw_pause_ns; scenarios at
GOMAXPROCS 1 and 2 separate the two). Pause observations are weighted to fit absolute error.

With --mutator, per scenario also one observation of the replay loop's mutator time:

    group mutator: target_ns = median over the real runs of
                     loop wall − Σ STW clock (c1 + c3) − Σ assist CPU (a) [− Σ background CPU (b) at
                     GOMAXPROCS=1, where the workers share the mutator's only P]
                   minus what gcsim charges through the parameters that are not fitted here
                   (trace work, mark_alloc_ns, sweep_ns_per_span, pointer writes, goroutines, stacks,
                   pools, allocation-path scavenging: summary.json mutator_cost_quantities x the
                   values the simulation used)
                   features = gcsim's quantities for alloc_ns, alloc_zero_ns_per_byte,
                   alloc_scan_ns, span_refill_ns, large_alloc_ns, page_fault_ns_per_byte
The replayer's own per-event cost (decoding, its object table) is part of the real loop and so of the
fitted alloc_ns; it is measured in workloads/go/replayer/RESULTS.md.

--anchor-ring adds the hand-written ring calibration program's measurement (12.96 ms of mark CPU per
cycle for 524,290 pointerful objects and 68 MiB of pointerful bytes: workloads/go/ring_calibration/
SUMMARY.md). Python 3 standard library only.
"""

import argparse
import csv
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import validate  # noqa: E402  (parse_gctrace, GC_RE)


def die(msg):
    print(f"calibration_obs.py: {msg}", file=sys.stderr)
    sys.exit(2)


def second_half(rows):
    return rows[len(rows) // 2:]


def real_runs(sdir):
    """Each recorded real run of the scenario: (its run JSON, its gctrace cycles during the loop)."""
    real = os.path.join(sdir, "real")
    k = 1
    while os.path.exists(os.path.join(real, f"run{k}.json")):
        with open(os.path.join(real, f"run{k}.json")) as f:
            j = json.load(f)
        cyc = [c for c in validate.parse_gctrace(os.path.join(real, f"run{k}.gctrace.txt"))
               if j["num_gc_before_loop"] < c["n"] <= j["NumGC"]]
        yield j, cyc
        k += 1


def real_pauses_ns(sdir):
    """Median over runs of the median c1 and c3 (ms -> ns) over the loop's cycles, and GOMAXPROCS."""
    c1s, c3s, procs = [], [], None
    for j, cyc in real_runs(sdir):
        procs = j.get("gomaxprocs", procs)
        if cyc:
            c1s.append(statistics.median(c["c1"] for c in cyc) * 1e6)
            c3s.append(statistics.median(c["c3"] for c in cyc) * 1e6)
    if not c1s:
        return None
    return statistics.median(c1s), statistics.median(c3s), procs


def real_mark_cpu_ns(sdir):
    """Median over runs of the mean a+b+i (ms → ns) over the second half of the loop's cycles."""
    means = []
    for _, cyc in real_runs(sdir):
        sh = second_half(cyc)
        if sh:
            means.append(statistics.mean((c["a"] + c["b"] + c["i"]) * 1e6 for c in sh))
    return statistics.median(means) if means else None, len(means)


FITTED_MUTATOR = ("alloc_ns", "alloc_zero_ns_per_byte", "alloc_scan_ns", "span_refill_ns", "large_alloc_ns",
                  "page_fault_ns_per_byte", "replayer_alloc_ns")


def real_mutator_ns(sdir):
    """Median over runs of the loop's wall time minus STW, assist (and, at P=1, background) time."""
    vals = []
    for j, cyc in real_runs(sdir):
        gc_ms = sum(c["c1"] + c["c3"] + c["a"] for c in cyc)
        if j.get("gomaxprocs") == 1:
            gc_ms += sum(c["b"] for c in cyc)
        vals.append(j["wall_ns"] - gc_ms * 1e6 - j.get("work_ns_requested", 0))
    return (statistics.median(vals) if vals else None), len(vals)


def sim_mutator(sdir, fitted=FITTED_MUTATOR):
    """(fitted features, ns charged through the other parameters at the values the simulation used)
    from gcsim's cost ledger."""
    with open(os.path.join(sdir, "sim", "summary.json")) as f:
        summary = json.load(f)
    q = summary.get("mutator_cost_quantities")
    if q is None:
        die(f"{sdir}/sim/summary.json: no mutator_cost_quantities (re-run validate.py with this gcsim)")
    with open(os.path.join(sdir, "sim", "resolved_config.json")) as f:
        cost = json.load(f)["cost_model"]
    feats = {k: q.get(k, 0) for k in fitted}
    other = q.get("scavenge_cpu_ns", 0)
    for k, v in q.items():
        if k in cost and k not in fitted:
            other += cost[k] * v
    return feats, other


def sim_features(sdir):
    path = os.path.join(sdir, "sim", "cycles.csv")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if rows and "marked_scan_objects" not in rows[0]:
        die(f"{path}: no marked_scan_objects column (re-run validate.py with this gcsim)")
    with open(os.path.join(sdir, "sim", "summary.json")) as f:
        summary = json.load(f)
    # Leave out a cycle that the replayer's object table alone triggered (as validate.py does).
    table = int(summary.get("replayer_table_bytes", 0))
    if table and rows and int(rows[0]["heap_live_at_trigger_bytes"]) <= table + (1 << 20):
        rows = rows[1:]
    sh = second_half(rows)
    if not sh:
        return None
    scan = statistics.mean(int(r["heap_scan_work_bytes"]) + int(r["stack_scan_work_bytes"]) +
                           int(r["globals_scan_work_bytes"]) for r in sh)
    return {"scan_ns_per_byte": scan,
            "mark_ns_per_object": statistics.mean(int(r["marked_objects"]) for r in sh),
            "scan_ns_per_object": statistics.mean(int(r["marked_scan_objects"]) for r in sh),
            "mark_ns_per_object_byte": statistics.mean(int(r.get("marked_scan_object_bytes", 0)) for r in sh),
            "mark_ns_per_scattered_object": statistics.mean(int(r.get("marked_scattered_objects", 0)) for r in sh)}


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("validation_dir")
    ap.add_argument("--scenarios", help="comma-separated scenario names (default: every one in the directory)")
    ap.add_argument("--anchor-ring", action="store_true", help="add the hand-written ring program's measurement")
    ap.add_argument("--anchor-weight", type=float, default=3.0,
                    help="weight of the ring program's observations (default 3: it is the one program "
                         "without the replayer's overhead)")
    ap.add_argument("--no-stw", action="store_true", help="mark CPU observations only")
    ap.add_argument("--mark-scenarios", help="comma-separated scenarios for the mark CPU observations (default: all selected)")
    ap.add_argument("--mutator", action="store_true", help="add mutator-time observations (alloc costs)")
    ap.add_argument("--mutator-params", help="comma-separated mutator parameters to fit (default: "
                    + ",".join(FITTED_MUTATOR) + "); the others are charged at the simulation's values")
    ap.add_argument("--mutator-scenarios", help="comma-separated scenarios for --mutator (default: all selected)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv[1:])
    vpath = os.path.join(args.validation_dir, "validation.json")
    try:
        with open(vpath) as f:
            names = [s["scenario"] for s in json.load(f)["scenarios"]]
    except (OSError, ValueError, KeyError) as e:
        die(f"{vpath}: not a validation.json ({e})")
    if args.scenarios:
        wanted = [s.strip() for s in args.scenarios.split(",") if s.strip()]
        unknown = set(wanted) - set(names)
        if unknown:
            die(f"--scenarios: not in {vpath}: {', '.join(sorted(unknown))}")
        names = wanted
    def subset(opt, flag):
        if not opt:
            return names
        sub = [s.strip() for s in opt.split(",") if s.strip()]
        unknown = set(sub) - set(names)
        if unknown:
            die(f"{flag}: not among the scenarios: {', '.join(sorted(unknown))}")
        return sub

    mark_names = subset(args.mark_scenarios, "--mark-scenarios")
    obs = []
    for name in names:
        sdir = os.path.join(args.validation_dir, name)
        target, runs = real_mark_cpu_ns(sdir)
        feats = sim_features(sdir)
        if target is None or feats is None:
            print(f"skip {name}: no cycles", file=sys.stderr)
            continue
        if name in mark_names:
            obs.append({"group": "mark_cpu", "target_ns": target, "features": feats,
                        "note": f"{name}: median over {runs} real runs of mean a+b+i per cycle, 2nd half"})
        pauses = None if args.no_stw else real_pauses_ns(sdir)
        if pauses and pauses[2]:
            c1, c3, procs = pauses
            # Weighted so that the pause fit minimises absolute (µs), not relative, error: a few
            # 4 µs medians (a P=2 run whose other P was idle at the stop) would otherwise outweigh
            # every ~40 µs one. weight/target = 1e-4 for each.
            obs.append({"group": "stw_sweep_term", "target_ns": c1, "weight": c1 / 1e4,
                        "features": {"stw_sweep_term_ns": 1, "stw_sweep_term_ns_per_p": procs - 1},
                        "note": f"{name}: median c1, GOMAXPROCS={procs}"})
            obs.append({"group": "stw_mark_term", "target_ns": c3, "weight": c3 / 1e4,
                        "features": {"stw_mark_term_ns": 1, "stw_mark_term_ns_per_p": procs - 1},
                        "note": f"{name}: median c3, GOMAXPROCS={procs}"})
    fitted = FITTED_MUTATOR
    if args.mutator_params:
        fitted = tuple(k.strip() for k in args.mutator_params.split(",") if k.strip())
        unknown = set(fitted) - set(FITTED_MUTATOR)
        if unknown or not fitted:
            die(f"--mutator-params: unknown {', '.join(sorted(unknown)) or '(none given)'}; allowed: {', '.join(FITTED_MUTATOR)}")
    if args.mutator:
        for name in subset(args.mutator_scenarios, "--mutator-scenarios"):
            sdir = os.path.join(args.validation_dir, name)
            target, runs = real_mutator_ns(sdir)
            if target is None:
                continue
            feats, other = sim_mutator(sdir, fitted)
            if target - other <= 0:
                print(f"skip {name}: mutator target not positive after the fixed parameters", file=sys.stderr)
                continue
            obs.append({"group": "mutator", "target_ns": target - other, "features": feats,
                        "note": f"{name}: median over {runs} real runs of loop wall - STW - assists, "
                                f"minus {other / 1e6:.1f} ms charged by fixed parameters"})
    if args.anchor_ring:
        obs.append({"group": "mark_cpu", "target_ns": 12.96e6, "weight": args.anchor_weight,
                    "features": {"scan_ns_per_byte": 8 * 524290 + 4 * 2**20, "mark_ns_per_object_byte": 128 * 524290 + 4 * 2**20,
                                 "mark_ns_per_object": 524290,
                                 # FIFO ring: spans die whole and are refilled empty, nothing scattered
                                 "mark_ns_per_scattered_object": 0,
                                 "scan_ns_per_object": 524290},
                    "note": "hand-written ring program (workloads/go/ring_calibration/SUMMARY.md)"})
        if args.mutator and set(fitted) == set(FITTED_MUTATOR):  # its other costs are not in a ledger
            # Its allocation loop outside GC: ~45 ns per `ptrs[i%slots] = new(obj)` (SUMMARY.md §2),
            # less the modelled 1 ns store; 16 Mi allocations of 128 B, 64 per span.
            n = 16777216
            obs.append({"group": "mutator", "target_ns": n * 44.0, "weight": args.anchor_weight,
                        "features": {"alloc_ns": n, "alloc_zero_ns_per_byte": 128 * n, "alloc_scan_ns": n,
                                     "span_refill_ns": n // 64, "large_alloc_ns": 0,
                                     "page_fault_ns_per_byte": 0, "replayer_alloc_ns": 0},
                        "note": "hand-written ring program: 45 ns per allocation + store outside GC (SUMMARY.md)"})
    if not obs:
        die("no observations")
    doc = {"schema_version": 1,
           "source": f"mark CPU and STW pauses per cycle, real Go 1.19 replays in "
                     f"{os.path.abspath(args.validation_dir)} vs gcsim's mark work and GOMAXPROCS "
                     f"(analysis/validate/calibration_obs.py)",
           "observations": obs}
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1)
    for o in obs:
        fe = o["features"]
        if o["group"] == "mutator":
            print(f"{o['note'].split(':')[0]:<18} mutator target {o['target_ns'] / 1e6:8.1f} ms  "
                  + "  ".join(f"{k} {v:.4g}" for k, v in fe.items()))
            continue
        if o["group"] != "mark_cpu":
            print(f"{o['note']:<40} {o['group']:<15} target {o['target_ns'] / 1e3:8.1f} us")
            continue
        print(f"{o['note'].split(':')[0]:<18} target {o['target_ns'] / 1e6:8.2f} ms  scan {fe['scan_ns_per_byte'] / 2**20:8.1f} MiB"
              f"  objects {fe['mark_ns_per_object']:>10.0f}  scan objects {fe['scan_ns_per_object']:>10.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
