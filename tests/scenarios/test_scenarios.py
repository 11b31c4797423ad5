#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Meson suite `scenarios`: runs the 16 concept scenarios and asserts the direction and rough size of
each effect from gcsim's own output files (via analysis/scenarios/effects.py).

    test_scenarios.py GCSIM SOURCE_ROOT

Every band is wide enough for model recalibration but excludes "no effect" and the wrong direction.
"""
import os
import sys
import tempfile

FAILURES = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILURES.append(what)


def within(x, lo, hi):
    return lo <= x <= hi


def assert_effects(r):
    m = r["01-allocation-pipeline"]["m"]
    check(m["waste_frac_16"] < 0.01, f"01: 16 B objects fill class 16 exactly (waste {m['waste_frac_16']:.3f})")
    check(within(m["waste_frac_17"], 0.35, 0.45), f"01: 17 B objects waste 7/17 in class 24 ({m['waste_frac_17']:.3f})")
    check(m["waste_frac_17"] > m["waste_frac_16"] + 0.3, "01: 17 B wastes far more than 16 B")
    check(within(m["waste_frac_33792"], 0.15, 0.25), f"01: 33 KiB large object rounds to 5 pages ({m['waste_frac_33792']:.3f})")
    check(m["tiny_allocs_5"] > 0 and m["waste_frac_5"] < 0.15,
          f"01: 5 B noscan objects are packed by the tiny allocator (waste {m['waste_frac_5']:.3f})")
    check(m["inuse_per_live_17"] > 1.3 and m["inuse_per_live_16"] < 1.05, "01: HeapInuse per live byte 17 B vs 16 B")

    m = r["02-escape-analysis"]["m"]
    check(m["alloc_ratio"] >= 5, f"02: escaping allocates >= 5x the bytes ({m['alloc_ratio']:.1f})")
    check(m["gc_escape"] >= 5 * max(1, m["gc_stack"]), f"02: GC count drops ({m['gc_escape']} -> {m['gc_stack']})")

    m = r["03-gogc"]["m"]
    check(within(m["ratio_50_100"], 1.6, 2.4), f"03: GCs GOGC 50 / 100 in [1.6, 2.4] ({m['ratio_50_100']:.2f})")
    check(within(m["ratio_100_200"], 1.6, 2.4), f"03: GCs GOGC 100 / 200 in [1.6, 2.4] ({m['ratio_100_200']:.2f})")
    check(m["gc_off"] == 0, "03: GOGC=off never collects")
    check(m["peak_heap_50"] < m["peak_heap_100"] < m["peak_heap_200"] < m["peak_heap_off"], "03: peak heap rises with GOGC")
    for g in ["50", "100", "200"]:
        check(m[f"goal_formula_max_dev_{g}"] < 0.02, f"03: goal = marked x (1+GOGC/100) at GOGC {g}")

    m = r["04-gc-phases"]["m"]
    check(m["max_pause_ns"] < 1_000_000, f"04: every STW pause < 1 ms ({m['max_pause_ns']} ns)")
    check(m["mark_over_max_pause"] >= 10, f"04: concurrent mark >= 10x the longest pause ({m['mark_over_max_pause']:.0f})")
    check(m["median_sweep_cpu_ns"] > 0, "04: sweep time per cycle is reported")

    m = r["05-write-barrier"]["m"]
    check(m["barrier_cost_ratio"] >= 3, f"05: a store costs >= 3x during mark ({m['barrier_cost_ratio']:.1f})")
    check(0 < m["writes_during_mark_frac"] < 1, "05: stores happen both inside and outside mark")

    m = r["06-stack-growth"]["m"]
    check(m["growth_copies"] == 4 * 7, f"06: 4 goroutines x 7 doublings 2 KiB -> 256 KiB ({m['growth_copies']})")
    check(m["peak_stack_inuse"] >= 4 * 256 * 1024, "06: StackInuse reaches 4 x 256 KiB")
    check(m["final_stack_inuse"] <= 5 * 4096, f"06: stacks shrink back to ~2 KiB each ({m['final_stack_inuse']})")
    check(all(within(x, 0.45, 0.55) for x in m["shrink_ratio_first_gcs"]), "06: each GC halves the stacks")

    m = r["07-sync-pool"]["m"]
    check(m["gc_alloc"] >= 5 * m["gc_pool"], f"07: the pool cuts GCs >= 5x ({m['gc_alloc']} -> {m['gc_pool']})")
    check(m["alloc_ratio"] >= 20, f"07: the pool cuts heap allocation >= 20x ({m['alloc_ratio']:.0f})")
    check(m["dropped_at_gc1_bytes"] == 0, "07: pooled buffers survive the first idle GC (victim cache)")
    check(within(m["dropped_at_gc2_bytes"], 0.9 * 16 * 32768, 1.1 * 16 * 32768),
          f"07: the second idle GC frees the 16 pooled 32 KiB buffers ({m['dropped_at_gc2_bytes']})")
    check(m["pool_dropped"] >= 16, "07: summary counts the dropped objects")

    m = r["08-preallocation"]["m"]
    check(within(m["alloc_ratio"], 2.0, 4.5), f"08: append growth allocates 2-4.5x the bytes ({m['alloc_ratio']:.2f})")
    check(m["gc_append"] >= 2 * m["gc_prealloc"], f"08: and >= 2x the GCs ({m['gc_append']} vs {m['gc_prealloc']})")

    m = r["09-pointer-density"]["m"]
    check(within(m["marked_ratio"], 0.9, 1.2), f"09: marked heap about equal ({m['marked_ratio']:.2f})")
    check(within(m["live_ratio"], 0.98, 1.02), "09: same live bytes")
    check(m["scan_values"] < 0.01 * m["scan_pointers"], "09: value arrays need (almost) no scanning")
    check(m["mark_cpu_ratio"] >= 10, f"09: mark CPU >= 10x with pointers ({m['mark_cpu_ratio']:.0f})")

    m = r["10-subslice-pinning"]["m"]
    check(m["ratio"] >= 100, f"10: sub-slices pin >= 100x the memory of copies ({m['ratio']:.0f})")
    check(m["heap_pinned"] >= 64 * (1 << 20), "10: all 64 backing arrays stay live")

    m = r["11-slice-cap"]["m"]
    check(within(m["ratio"], 50, 150), f"11: cap 8 KiB vs len 80 B holds ~100x ({m['ratio']:.0f})")

    m = r["12-map-no-shrink"]["m"]
    check(within(m["keep_delete_ratio"], 0.95, 1.05), f"12: deleting 90 % frees nothing ({m['keep_delete_ratio']:.2f})")
    check(m["keep_final"] >= 0.95 * m["keep_full"], "12: the old map keeps its buckets")
    check(m["recreate_ratio"] <= 0.25, f"12: recreating frees the buckets ({m['recreate_ratio']:.2f})")

    m = r["13-goroutine-leak"]["m"]
    check(m["stack_leak"] >= 50 * max(m["stack_cancel"], 1), "13: leaked stacks >= 50x cancelled")
    check(m["heap_leak"] >= 10 * m["heap_cancel"], "13: leaked captured objects stay live (>= 10x heap)")
    check(m["stack_leak_quarter"] < m["stack_leak_half"] < m["stack_leak"], "13: stack memory grows while leaking")
    check(m["marked_leak_last"] > 5 * m["marked_cancel_last"], "13: the GC marks the leaked objects every cycle")
    check(m["max_stack_cancel"] < 1 << 20, "13: cancelled goroutines keep no stacks")

    m = r["14-memory-limit"]["m"]
    lim = m["limit_bytes"]
    check(m["gc_limit"] >= 1.5 * m["gc_nolimit"], f"14: the limit makes GC more frequent ({m['gc_nolimit']} -> {m['gc_limit']})")
    check(m["limit_cycles_limit"] >= 5, "14: cycles near the limit take their goal from it")
    check(m["late_gc_interval_ns_limit"] < 0.8 * m["late_gc_interval_ns_nolimit"],
          "14: near the limit GC runs more often than without it")
    check(m["peak_mapped_nolimit"] > 1.3 * lim, "14: without the limit memory goes well above it")
    check(m["peak_mapped_limit"] <= 1.05 * lim, "14: GOGC=100 + limit stays at the limit")
    # A soft limit: allocation goes on while the limit-bound cycle marks, so a few % overshoot is expected.
    check(within(m["peak_mapped_off"], 0.9 * lim, 1.1 * lim),
          f"14: GOGC=off + limit rides up to the limit ({m['peak_mapped_off'] / lim:.3f} x limit)")
    check(m["gc_off"] > 0 and m["limit_cycles_off"] == m["gc_off"], "14: GOGC=off still collects, at the limit")

    m = r["15-forced-gc"]["m"]
    mib = 1 << 20
    check(within(m["heap_before"], 31.5 * mib, 33 * mib), "15: 32 MiB allocated before runtime.GC()")
    check(within(m["heap_after_gc1"], 7.9 * mib, 8.3 * mib), "15: runtime.GC() keeps the 8 MiB still referenced")
    check(m["heap_after_gc2"] < 0.05 * mib, "15: once unreferenced, the next runtime.GC() frees them")
    check(m["num_gc"] == 2 and m["num_forced_gc"] == 2 and m["forced_in_memstats"] == 2, "15: two forced cycles, no others")

    m = r["16-monitoring"]["m"]
    check(m["snapshots"] == 40, f"16: one snapshot per 50000 allocations ({m['snapshots']})")
    check(m["num_gc_monotone"] and m["last_num_gc"] > 10, "16: NumGC grows over the snapshots")
    check(m["last_pause_ns"] == m["cycle_pause_ns"], "16: PauseNs[(NumGC+255)%256] is the last cycle's STW")
    check(m["pause_total_ns"] == m["pauses_csv_total_ns"], "16: PauseTotalNs equals pauses.csv")
    check(abs(m["next_gc"] - m["cycle_next_goal"]) <= 0.01 * m["cycle_next_goal"], "16: NextGC is the heap goal")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    gcsim, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    sys.path.insert(0, os.path.join(root, "tests", "scenarios"))
    sys.path.insert(0, os.path.join(root, "analysis", "scenarios"))
    import effects  # noqa: E402
    import run_scenarios  # noqa: E402
    with tempfile.TemporaryDirectory(prefix="gcsim-scenarios-") as out:
        run_scenarios.run_all(gcsim, root, out, jobs=2)
        assert_effects(effects.measure(out))
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        sys.exit(1)
    print("all scenario checks passed")


if __name__ == "__main__":
    main()
