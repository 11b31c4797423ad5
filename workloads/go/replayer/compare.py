#!/usr/bin/env python3
"""Compare ring-calibration program runs with replayer runs of the ring trace.

Usage: compare.py [RUNS_DIR]   (default: runs/ next to this script)

Reads RUNS_DIR/{prog,replay,stream}K.json + .gctrace.txt and decodeK.json
(written by run_ring_comparison.sh) and prints Markdown tables: NumGC,
allocated bytes, wall time and the replayer's overhead, and second-half
gctrace means. Python 3 standard library only.
"""

import glob
import json
import os
import re
import statistics
import sys

GC_RE = re.compile(
    r"^gc (\d+) @([\d.]+)s (\d+)%: ([\d.]+)\+([\d.]+)\+([\d.]+) ms clock, "
    r"([\d.]+)\+([\d.]+)/([\d.]+)/([\d.]+)\+([\d.]+) ms cpu, "
    r"(\d+)->(\d+)->(\d+) MB, (\d+) MB goal, (\d+) MB stacks, (\d+) MB globals, (\d+) P")
KEYS = ["n", "t", "u", "c1", "c2", "c3", "p1", "a", "b", "i", "p2", "h0", "h1", "h2", "goal", "st", "gl", "p"]

SETS = [
    ("prog", "hand-written program (ring_calibration/main.go)"),
    ("replay", "replayer, preloaded trace (default)"),
    ("stream", "replayer, -preload=false (decoding while replaying)"),
]


def gctrace(path):
    out = []
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            m = GC_RE.match(line.strip())
            if m:
                out.append({k: float(v) for k, v in zip(KEYS, m.groups())})
    return out


def load(runs, prefix):
    res = []
    for jp in sorted(glob.glob(os.path.join(runs, prefix + "[0-9]*.json")),
                     key=lambda p: int(re.findall(r"(\d+)\.json$", p)[0])):
        with open(jp) as f:
            j = json.loads(f.read().strip().splitlines()[-1])
        cyc = gctrace(jp[:-5] + ".gctrace.txt")
        r = {
            "name": os.path.basename(jp)[:-5],
            "numgc": j.get("num_gc", j.get("NumGC")),
            "total_alloc": j.get("total_alloc", j.get("TotalAlloc")),
            "loop_total_alloc": j.get("loop_total_alloc"),
            "wall_ms": j["wall_ns"] / 1e6,
            "table_bytes": j.get("table_bytes", 0),
            "gccpu": j.get("gc_cpu_fraction", j.get("GCCPUFraction")),
            "preload_ms": j.get("preload_ns", 0) / 1e6,
            "json": j,
        }
        sh = cyc[len(cyc) // 2:]
        if sh:
            for k in ("goal", "h0", "h2", "c2"):
                r[k] = statistics.mean(c[k] for c in sh)
            r["h1h0"] = statistics.mean(c["h1"] - c["h0"] for c in sh)
            r["abi"] = statistics.mean(c["a"] + c["b"] + c["i"] for c in sh)
        res.append(r)
    return res


def fmt_range(xs, d=1):
    if not xs:
        return "-"
    return f"{statistics.median(xs):.{d}f} [{min(xs):.{d}f}, {max(xs):.{d}f}]"


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    runs = argv[1] if len(argv) > 1 else os.path.join(here, "runs")
    data = {p: load(runs, p) for p, _ in SETS}
    P = print
    P("### NumGC and allocated bytes (GOMAXPROCS=2, GOGC=100)\n")
    P("| set | runs | NumGC per run | NumGC mean | vs program | NumGC of the trace part (mean) | vs program | TotalAlloc B (median) | TotalAlloc − replayer table B |")
    P("|---|---|---|---|---|---|---|---|---|")
    base = None
    for p, desc in SETS:
        rs = data[p]
        if not rs:
            continue
        ng = [r["numgc"] for r in rs]
        mean = statistics.mean(ng)
        # GCs caused by the traced allocations: the program's NumGC includes the GC of its two slot
        # arrays (the trace has them too); the replayer's first GC comes from its object table,
        # allocated before the replay loop, so only its loop GCs count.
        part = [r["numgc"] - (r["json"].get("num_gc_before_loop", 0) if p != "prog" else 0) for r in rs]
        pmean = statistics.mean(part)
        if p == "prog":
            base = mean
        rel = f"{100 * (mean - base) / base:+.1f} %" if base else "-"
        prel = f"{100 * (pmean - base) / base:+.1f} %" if base else "-"
        ta = statistics.median(r["total_alloc"] for r in rs)
        # The table is one large object: rounded up to whole 8 KiB pages.
        tb = statistics.median(((r["table_bytes"] + 8191) // 8192) * 8192 for r in rs)
        P(f"| {desc} | {len(rs)} | {', '.join(str(x) for x in ng)} | {mean:.1f} | {rel} | {pmean:.1f} | {prel} | {ta:,.0f} | {ta - tb:,.0f} |")
    P("")

    P("### Wall time of the allocation loop / replay loop\n")
    P("| set | wall ms median [min, max] | ratio to program (median) | preload ms (before the loop) |")
    P("|---|---|---|---|")
    pw = statistics.median(r["wall_ms"] for r in data["prog"]) if data["prog"] else None
    for p, desc in SETS:
        rs = data[p]
        if not rs:
            continue
        w = [r["wall_ms"] for r in rs]
        ratio = f"{statistics.median(w) / pw:.2f}" if pw else "-"
        pre = fmt_range([r["preload_ms"] for r in rs], 0) if p != "prog" else "-"
        P(f"| {desc} | {fmt_range(w)} | {ratio} | {pre} |")
    dec = load(runs, "decode")
    if dec:
        w = [r["wall_ms"] for r in dec]
        ratio = f"{statistics.median(w) / pw:.2f}" if pw else "-"
        P(f"| replayer -mode decode (read + decode only, no replay) | {fmt_range(w)} | {ratio} | - |")
    P("")

    P("### Steady state (gctrace means over the second half of cycles, MB = MiB; median over runs)\n")
    P("| set | goal MB | trigger h0 MB | h1−h0 MB (alloc during mark) | marked h2 MB | mark wall c2 ms | mark CPU a+b+i ms | GCCPUFraction |")
    P("|---|---|---|---|---|---|---|---|")
    for p, desc in SETS:
        rs = [r for r in data[p] if "goal" in r]
        if not rs:
            continue
        med = lambda k: statistics.median(r[k] for r in rs)
        P(f"| {desc} | {med('goal'):.1f} | {med('h0'):.1f} | {med('h1h0'):.1f} | {med('h2'):.1f} | {med('c2'):.1f} | {med('abi'):.1f} | {med('gccpu'):.4f} |")
    P("")


if __name__ == "__main__":
    main(sys.argv)
