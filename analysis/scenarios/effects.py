#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Measured effects of the 16 concept scenarios (configs/scenarios/), read from gcsim's output files only.

    effects.py RESULTS_DIR            # prints the markdown table of configs/scenarios/README.md
    effects.py RESULTS_DIR --json     # the numbers as JSON

RESULTS_DIR holds one directory per scenario config, named after it (what scripts/scenarios.sh writes):
a run directory (summary.json, cycles.csv, ...) or a sweep directory (runs/<point>/...).
measure(RESULTS_DIR) returns {scenario: {"shows": str, "effect": str, "m": {metric: value}}};
tests/scenarios/test_scenarios.py asserts on the "m" values. Standard library only.
"""
import csv
import json
import os
import statistics
import sys

SCENARIOS = [
    "01-allocation-pipeline", "02-escape-analysis", "03-gogc", "04-gc-phases", "05-write-barrier",
    "06-stack-growth", "07-sync-pool", "08-preallocation", "09-pointer-density", "10-subslice-pinning",
    "11-slice-cap", "12-map-no-shrink", "13-goroutine-leak", "14-memory-limit", "15-forced-gc", "16-monitoring",
]
MIB = 1 << 20


def summary(d):
    with open(os.path.join(d, "summary.json")) as f:
        return json.load(f)


def rows(d, name):
    with open(os.path.join(d, name)) as f:
        return list(csv.DictReader(f))


def memstats(d):
    with open(os.path.join(d, "memstats.jsonl")) as f:
        return [json.loads(line) for line in f if line.strip()]


def run(base, scenario, point=None):
    d = os.path.join(base, scenario)
    return os.path.join(d, "runs", point) if point else d


def mib(b):
    return f"{b / MIB:.1f} MiB"


def s01(b):
    sc = "01-allocation-pipeline"
    m = {}
    for size, ptr in [(5, "false"), (16, "true"), (17, "true"), (24, "true"), (25, "true"), (1024, "true"),
                      (1025, "true"), (33792, "true")]:
        s = summary(run(b, sc, f"object_bytes_{size}__pointerful_{ptr}"))
        live = s["final_live_object_bytes"]
        m[f"waste_frac_{size}"] = s["final_fragmentation"]["rounding_waste_bytes"] / live
        m[f"inuse_per_live_{size}"] = s["final_heap_inuse_bytes"] / live
        m[f"tiny_allocs_{size}"] = s["tiny_allocs"]
    eff = (f"rounding waste / requested: 16 B {m['waste_frac_16']:.1%}, 17 B {m['waste_frac_17']:.1%} "
           f"(class 24), 25 B {m['waste_frac_25']:.1%}, 1025 B {m['waste_frac_1025']:.1%}, "
           f"33 KiB large {m['waste_frac_33792']:.1%} (5 pages); tiny 5 B noscan {m['waste_frac_5']:.1%}")
    return "size classes round every object up; tiny blocks pack noscan < 16 B; large objects take whole pages", eff, m


def s02(b):
    sc = "02-escape-analysis"
    e, k = summary(run(b, sc, "escape_true")), summary(run(b, sc, "escape_false"))
    m = {"alloc_ratio": e["total_alloc_bytes"] / k["total_alloc_bytes"], "gc_escape": e["num_gc"],
         "gc_stack": k["num_gc"], "mallocs_escape": e["mallocs"], "mallocs_stack": k["mallocs"]}
    eff = (f"heap allocated {mib(e['total_alloc_bytes'])} vs {mib(k['total_alloc_bytes'])} "
           f"({m['alloc_ratio']:.0f}x), GCs {e['num_gc']} vs {k['num_gc']}")
    return "escaping temporaries are heap allocations and GC work; frame-kept ones cost nothing", eff, m


def s03(b):
    sc = "03-gogc"
    m = {}
    for g in ["50", "100", "200", "off"]:
        d = run(b, sc, f"gogc_{g}")
        s = summary(d)
        m[f"gc_{g}"] = s["num_gc"]
        m[f"peak_heap_{g}"] = s["peak_heap_bytes"]
        if g != "off":
            # Go 1.19 goal: marked + (marked + stacks + globals) * GOGC/100 (no globals here).
            ratios = [int(r["next_goal_bytes"]) / (int(r["heap_marked_bytes"]) * (1 + int(g) / 100)
                                                  + int(r["stack_scan_work_bytes"]) * int(g) / 100)
                      for r in rows(d, "cycles.csv")]
            m[f"goal_formula_max_dev_{g}"] = max(abs(x - 1) for x in ratios)
    m["ratio_50_100"] = m["gc_50"] / m["gc_100"]
    m["ratio_100_200"] = m["gc_100"] / m["gc_200"]
    eff = (f"GCs {m['gc_50']} / {m['gc_100']} / {m['gc_200']} / {m['gc_off']} (ratios {m['ratio_50_100']:.2f}, "
           f"{m['ratio_100_200']:.2f}); peak heap {mib(m['peak_heap_50'])} / {mib(m['peak_heap_100'])} / "
           f"{mib(m['peak_heap_200'])} / {mib(m['peak_heap_off'])}; goal = marked x (1+GOGC/100) within "
           f"{max(m['goal_formula_max_dev_50'], m['goal_formula_max_dev_100'], m['goal_formula_max_dev_200']):.1%}")
    return "GOGC sets the heap goal; doubling it halves GC frequency and raises the peak heap", eff, m


def s04(b):
    d = run(b, "04-gc-phases")
    cyc = rows(d, "cycles.csv")[2:]  # the first cycles run on the 4 MiB minimum heap
    pauses = [int(r["duration_ns"]) for r in rows(d, "pauses.csv")]
    m = {"max_pause_ns": max(pauses), "median_mark_ns": statistics.median(int(r["mark_ns"]) for r in cyc),
         "median_sweep_cpu_ns": statistics.median(int(r["sweep_cpu_ns"]) for r in cyc),
         "median_stw_sweep_term_ns": statistics.median(int(r["stw_sweep_term_ns"]) for r in cyc),
         "median_stw_mark_term_ns": statistics.median(int(r["stw_mark_term_ns"]) for r in cyc),
         "cycles": len(cyc) + 2}
    m["mark_over_max_pause"] = m["median_mark_ns"] / m["max_pause_ns"]
    eff = (f"per cycle: STW {m['median_stw_sweep_term_ns'] / 1e3:.0f} us + {m['median_stw_mark_term_ns'] / 1e3:.0f} us, "
           f"concurrent mark {m['median_mark_ns'] / 1e6:.1f} ms ({m['mark_over_max_pause']:.0f}x the longest pause), "
           f"sweep {m['median_sweep_cpu_ns'] / 1e3:.0f} us CPU")
    return "two short stop-the-world pauses around a long concurrent mark, then concurrent sweep", eff, m


def s05(b):
    s = summary(run(b, "05-write-barrier"))
    w = s["ptr_writes"]
    out_n = w["total"] - w["during_mark"]
    m = {"ns_per_write_mark": w["cpu_during_mark_ns"] / w["during_mark"],
         "ns_per_write_outside": (w["cpu_ns"] - w["cpu_during_mark_ns"]) / out_n,
         "writes_during_mark_frac": w["during_mark"] / w["total"]}
    m["barrier_cost_ratio"] = m["ns_per_write_mark"] / m["ns_per_write_outside"]
    eff = (f"{m['ns_per_write_mark']:.1f} ns per pointer store during mark vs {m['ns_per_write_outside']:.1f} ns "
           f"outside ({m['barrier_cost_ratio']:.1f}x); {m['writes_during_mark_frac']:.0%} of stores hit the barrier")
    return "pointer stores pay the write barrier only while marking", eff, m


def s06(b):
    d = run(b, "06-stack-growth")
    cyc = rows(d, "cycles.csv")
    ts = rows(d, "timeseries.csv")
    stacks = [int(r["stacks_bytes"]) for r in cyc]
    m = {"growth_copies": sum(int(r["stack_growth_copies"]) for r in cyc),
         "copied_bytes": sum(int(r["stack_copied_bytes"]) for r in cyc),
         "peak_stack_inuse": max(int(r["stack_inuse_bytes"]) for r in ts),
         "final_stack_inuse": int(ts[-1]["stack_inuse_bytes"]),
         "shrink_ratio_first_gcs": [stacks[i + 1] / stacks[i] for i in range(3)]}
    eff = (f"{m['growth_copies']} copies (7 per goroutine: 2->4->...->256 KiB, {m['copied_bytes'] / 1024:.0f} KiB copied); "
           f"StackInuse {m['peak_stack_inuse'] / 1024:.0f} KiB, halved at each GC to {m['final_stack_inuse'] / 1024:.0f} KiB")
    return "stacks grow by doubling copies and shrink by half at GC", eff, m


def s07(b):
    sc = "07-sync-pool"
    a, p = summary(run(b, sc, "use_pool_false")), summary(run(b, sc, "use_pool_true"))
    ms_a, ms_p = memstats(run(b, sc, "use_pool_false")), memstats(run(b, sc, "use_pool_true"))
    m = {"gc_alloc": a["num_gc"], "gc_pool": p["num_gc"], "alloc_ratio": a["total_alloc_bytes"] / p["total_alloc_bytes"],
         "pool_hits": p["sync_pool"]["hits"], "pool_dropped": p["sync_pool"]["dropped"],
         # After the last request: idle runtime.GC() 1, 2, 3 (memstats lines 1..3).
         "pool_heap_after_gc": [x["heap_alloc"] for x in ms_p[1:]],
         "alloc_heap_after_gc": [x["heap_alloc"] for x in ms_a[1:]]}
    m["dropped_at_gc2_bytes"] = m["pool_heap_after_gc"][0] - m["pool_heap_after_gc"][1]
    m["dropped_at_gc1_bytes"] = ms_p[0]["heap_alloc"] - m["pool_heap_after_gc"][0]
    eff = (f"GCs {a['num_gc']} -> {p['num_gc']}, heap allocated {m['alloc_ratio']:.0f}x less; idle: the pooled "
           f"{m['dropped_at_gc2_bytes'] // 1024} KiB survive the 1st GC and are freed by the 2nd")
    return "a pool recycles buffers between GCs, but empties itself within two GCs", eff, m


def s08(b):
    sc = "08-preallocation"
    a, p = summary(run(b, sc, "preallocate_false")), summary(run(b, sc, "preallocate_true"))
    m = {"alloc_ratio": a["total_alloc_bytes"] / p["total_alloc_bytes"], "gc_append": a["num_gc"],
         "gc_prealloc": p["num_gc"], "mallocs_append": a["mallocs"], "mallocs_prealloc": p["mallocs"]}
    eff = (f"heap allocated {mib(a['total_alloc_bytes'])} vs {mib(p['total_alloc_bytes'])} ({m['alloc_ratio']:.1f}x), "
           f"allocations {a['mallocs']} vs {p['mallocs']}, GCs {a['num_gc']} vs {p['num_gc']}")
    return "append growth allocates every intermediate array; make(0, n) allocates once", eff, m


def s09(b):
    sc = "09-pointer-density"
    out = {}
    for v in ["true", "false"]:
        d = run(b, sc, f"pointers_{v}")
        cyc = rows(d, "cycles.csv")[3:]  # after the live set is built
        out[v] = {"marked": statistics.mean(int(r["heap_marked_bytes"]) for r in cyc),
                  "scan": statistics.mean(int(r["heap_scan_work_bytes"]) for r in cyc),
                  "mark_cpu": statistics.mean(float(r["assist_cpu_ns"]) + float(r["background_cpu_ns"])
                                              + float(r["idle_cpu_ns"]) for r in cyc),
                  "mark_ns": statistics.mean(int(r["mark_ns"]) for r in cyc),
                  "live": summary(d)["peak_live_object_bytes"]}
    p, v = out["true"], out["false"]
    m = {"marked_ratio": p["marked"] / v["marked"], "live_ratio": p["live"] / v["live"],
         "scan_pointers": p["scan"], "scan_values": v["scan"], "mark_cpu_ratio": p["mark_cpu"] / max(v["mark_cpu"], 1),
         "mark_cpu_pointers_ns": p["mark_cpu"], "mark_cpu_values_ns": v["mark_cpu"],
         "mark_ns_pointers": p["mark_ns"], "mark_ns_values": v["mark_ns"]}
    eff = (f"marked heap {mib(p['marked'])} vs {mib(v['marked'])}; scan work {mib(p['scan'])} vs {mib(v['scan'])}; "
           f"mark CPU {p['mark_cpu'] / 1e6:.1f} ms vs {v['mark_cpu'] / 1e6:.3f} ms per cycle")
    return "pointer-free values are marked without scanning; pointerful nodes are scanned one by one", eff, m


def _final_heap(b, sc, point):
    return memstats(run(b, sc, point))[-1]["heap_alloc"]


def s10(b):
    sc = "10-subslice-pinning"
    pin, cp = _final_heap(b, sc, "copy_out_false"), _final_heap(b, sc, "copy_out_true")
    m = {"heap_pinned": pin, "heap_copied": cp, "ratio": pin / cp}
    eff = f"HeapAlloc after runtime.GC(): {mib(pin)} with sub-slices vs {cp // 1024} KiB with copies ({m['ratio']:.0f}x)"
    return "a live sub-slice keeps its whole backing array", eff, m


def s11(b):
    sc = "11-slice-cap"
    big, exact = _final_heap(b, sc, "cap_bytes_8192"), _final_heap(b, sc, "cap_bytes_80")
    m = {"heap_cap": big, "heap_len": exact, "ratio": big / exact}
    eff = f"HeapAlloc after runtime.GC(): {mib(big)} with cap 8 KiB vs {exact // 1024} KiB with cap = len ({m['ratio']:.0f}x)"
    return "the unused capacity of a live slice is live memory", eff, m


def s12(b):
    sc = "12-map-no-shrink"
    k, r = memstats(run(b, sc, "recreate_false")), memstats(run(b, sc, "recreate_true"))
    m = {"keep_full": k[0]["heap_alloc"], "keep_after_delete": k[1]["heap_alloc"], "keep_final": k[2]["heap_alloc"],
         "recreate_final": r[2]["heap_alloc"]}
    m["keep_delete_ratio"] = m["keep_after_delete"] / m["keep_full"]
    m["recreate_ratio"] = m["recreate_final"] / m["keep_full"]
    eff = (f"HeapAlloc: full map {mib(m['keep_full'])}, after deleting 90 % {mib(m['keep_after_delete'])}; "
           f"recreated {mib(m['recreate_final'])} ({m['recreate_ratio']:.0%})")
    return "deleting map entries frees no buckets; a new map does", eff, m


def s13(b):
    sc = "13-goroutine-leak"
    lk, cn = run(b, sc, "cancel_false"), run(b, sc, "cancel_true")
    tl, tc = rows(lk, "timeseries.csv"), rows(cn, "timeseries.csv")
    ml, mc = memstats(lk)[-1], memstats(cn)[-1]
    q = len(tl) // 4
    m = {"stack_leak": ml["stack_inuse"], "stack_cancel": mc["stack_inuse"], "heap_leak": ml["heap_alloc"],
         "heap_cancel": mc["heap_alloc"],
         "stack_leak_quarter": int(tl[q]["stack_inuse_bytes"]), "stack_leak_half": int(tl[2 * q]["stack_inuse_bytes"]),
         "marked_leak_last": int(rows(lk, "cycles.csv")[-1]["heap_marked_bytes"]),
         "marked_cancel_last": int(rows(cn, "cycles.csv")[-1]["heap_marked_bytes"]),
         "max_stack_cancel": max(int(r["stack_inuse_bytes"]) for r in tc)}
    eff = (f"end of run: StackInuse {mib(ml['stack_inuse'])} leaked vs {mc['stack_inuse'] // 1024} KiB cancelled, "
           f"HeapAlloc {mib(ml['heap_alloc'])} vs {mib(mc['heap_alloc'])}, growing linearly while leaking")
    return "blocked goroutines keep their stacks and everything they reference", eff, m


def s14(b):
    sc = "14-memory-limit"
    limit = 67108864
    names = {"nolimit": "gogc_100__memory_limit_bytes_null", "limit": "gogc_100__memory_limit_bytes_67108864",
             "off": "gogc_off__memory_limit_bytes_67108864"}
    m = {}
    for k, p in names.items():
        d = run(b, sc, p)
        s = summary(d)
        cyc = rows(d, "cycles.csv")
        starts = [int(r["start_ns"]) for r in cyc]
        gaps = [b2 - a for a, b2 in zip(starts, starts[1:])]
        m[f"gc_{k}"] = s["num_gc"]
        m[f"peak_mapped_{k}"] = s["peak_mapped_ready_bytes"]
        m[f"limit_cycles_{k}"] = s["cycles_goal_from_limit"]
        # The live set is largest at the end and the no-limit intervals keep growing with it: the
        # last three compare like with like (with the limit, the marks of 17-19 ms nearly fill them).
        m[f"late_gc_interval_ns_{k}"] = statistics.median(gaps[-3:])
        m[f"max_gc_interval_ns_{k}"] = max(gaps)
    m["limit_bytes"] = limit
    eff = (f"GCs {m['gc_nolimit']} without a limit vs {m['gc_limit']} with 64 MiB ({m['limit_cycles_limit']} limit-bound; "
           f"GC every {m['late_gc_interval_ns_limit'] / 1e6:.0f} ms vs {m['late_gc_interval_ns_nolimit'] / 1e6:.0f} ms at the end); peak memory "
           f"{mib(m['peak_mapped_nolimit'])} vs {mib(m['peak_mapped_limit'])}; GOGC=off rides at "
           f"{mib(m['peak_mapped_off'])} with {m['gc_off']} GCs")
    return "near GOMEMLIMIT the goal comes from the limit: more GCs, memory held at the limit", eff, m


def s15(b):
    d = run(b, "15-forced-gc")
    ms = memstats(d)
    s = summary(d)
    m = {"heap_before": ms[0]["heap_alloc"], "heap_after_gc1": ms[1]["heap_alloc"], "heap_after_gc2": ms[2]["heap_alloc"],
         "num_gc": s["num_gc"], "num_forced_gc": s["num_forced_gc"], "forced_in_memstats": ms[2]["num_forced_gc"]}
    eff = (f"HeapAlloc {mib(m['heap_before'])} -> runtime.GC() -> {mib(m['heap_after_gc1'])} (the referenced 8 MiB stay) "
           f"-> drop them, runtime.GC() -> {m['heap_after_gc2'] // 1024} KiB; NumForcedGC {m['num_forced_gc']}")
    return "runtime.GC() frees only unreachable objects", eff, m


def s16(b):
    d = run(b, "16-monitoring")
    ms = memstats(d)
    cyc = {int(r["cycle"]): r for r in rows(d, "cycles.csv")}
    pauses = rows(d, "pauses.csv")
    last = ms[-1]
    n = last["num_gc"]
    c = cyc[n]
    m = {"snapshots": len(ms), "num_gc_monotone": all(a["num_gc"] <= b2["num_gc"] for a, b2 in zip(ms, ms[1:])),
         "last_num_gc": n,
         "last_pause_ns": last["pause_ns"][(n + 255) % 256],
         "cycle_pause_ns": int(c["stw_sweep_term_ns"]) + int(c["stw_mark_term_ns"]),
         "pause_total_ns": last["pause_total_ns"],
         "pauses_csv_total_ns": sum(int(p["duration_ns"]) for p in pauses if int(p["cycle"]) <= n),
         "next_gc": last["next_gc"], "cycle_next_goal": int(c["next_goal_bytes"]),
         "heap_alloc_range": [min(x["heap_alloc"] for x in ms), max(x["heap_alloc"] for x in ms)]}
    eff = (f"{len(ms)} snapshots; last: NumGC {n}, HeapAlloc {mib(last['heap_alloc'])}, NextGC {mib(last['next_gc'])}, "
           f"PauseNs[(NumGC+255)%256] {last['pause_ns'][(n + 255) % 256] / 1e3:.0f} us, PauseTotalNs "
           f"{last['pause_total_ns'] / 1e3:.0f} us (= pauses.csv)")
    return "ReadMemStats at any point: HeapAlloc, NumGC, PauseNs ring, NextGC", eff, m


MEASURES = [s01, s02, s03, s04, s05, s06, s07, s08, s09, s10, s11, s12, s13, s14, s15, s16]


def measure_one(base, scenario):
    """The metrics of one scenario."""
    return MEASURES[SCENARIOS.index(scenario)](base)[2]


def measure(base):
    out = {}
    for name, fn in zip(SCENARIOS, MEASURES):
        shows, effect, m = fn(base)
        out[name] = {"shows": shows, "effect": effect, "m": m}
    return out


def markdown(res):
    lines = ["| scenario | what it shows | measured effect |", "|---|---|---|"]
    for name, r in res.items():
        lines.append(f"| `{name}` | {r['shows']} | {r['effect']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    res = measure(sys.argv[1])
    if "--json" in sys.argv[2:]:
        print(json.dumps(res, indent=1))
    else:
        print(markdown(res))
