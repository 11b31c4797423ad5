#!/usr/bin/env python3
"""Summarize Go 1.19 gctrace (and optional gcpacertrace) output of ringcal runs.

Usage:
    python3 summarize.py [RUN.gctrace.txt ...]

With no arguments, runs/run[0-9]*.gctrace.txt next to this script are used.
The five plain runs (run1..run5) form the "GOGC=100, GOMAXPROCS=2" average;
any other file given is reported per run only. For each X.gctrace.txt the
matching X.json (program stdout) is read if present.

gctrace line format (Go 1.19):
  gc N @Ts U%: c1+c2+c3 ms clock, p1+a/b/i+p2 ms cpu,
      h0->h1->h2 MB, goal MB goal, S MB stacks, G MB globals, P P
  c1 = STW sweep termination, c2 = concurrent mark (wall), c3 = STW mark
  termination; a/b/i = assist / background (dedicated+fractional) / idle
  mark CPU; h0 = heap at GC start, h1 = heap at mark end, h2 = marked live
  heap. "MB" is bytes>>20, i.e. truncated MiB.

gcpacertrace line printed at mark termination, before the gc line:
  pacer: U% CPU (25 exp.) for H+S+G B work (E B exp.) in T B -> L B (...)
  H/S/G = heap/stack/globals scan work in bytes, T = heapLive at trigger,
  L = heapLive at mark termination (exact bytes).

Output is Markdown on stdout. Only the standard library is used.
"""

import glob
import json
import math
import os
import re
import sys

OBJ = 128          # bytes per object
MIB = 1 << 20
PTR_LIVE = 64 * MIB + 4 * MIB   # pointerful live bytes at mark start (objects + ptrs array)
LIVE_OBJS = 524288              # live objects at mark start

GC_RE = re.compile(
    r"^gc (\d+) @([\d.]+)s (\d+)%: "
    r"([\d.]+)\+([\d.]+)\+([\d.]+) ms clock, "
    r"([\d.]+)\+([\d.]+)/([\d.]+)/([\d.]+)\+([\d.]+) ms cpu, "
    r"(\d+)->(\d+)->(\d+) MB, (\d+) MB goal, (\d+) MB stacks, (\d+) MB globals, (\d+) P")
PACER_END_RE = re.compile(
    r"^pacer: (\d+)% CPU \((\d+) exp\.\) for (\d+)\+(\d+)\+(\d+) B work "
    r"\((\d+) B exp\.\) in (\d+) B -> (\d+) B")

FIELDS = ["n", "t", "util", "c1", "c2", "c3", "p1", "a", "b", "i", "p2",
          "h0", "h1", "h2", "goal", "stacks", "globals", "procs"]


def parse(path):
    cycles = []
    pending = None
    with open(path) as f:
        for line in f:
            line = line.strip()
            m = PACER_END_RE.match(line)
            if m:
                v = [int(x) for x in m.groups()]
                pending = {"util": v[0], "heap_work": v[2], "stack_work": v[3],
                           "glob_work": v[4], "exp_work": v[5],
                           "trigger_b": v[6], "live_end_b": v[7]}
                continue
            m = GC_RE.match(line)
            if m:
                g = m.groups()
                c = {}
                for k, x in zip(FIELDS, g):
                    c[k] = float(x) if ("." in x or k in ("t",)) else int(x)
                c["pacer"] = pending
                pending = None
                cycles.append(c)
    return cycles


def mean(xs):
    xs = list(xs)
    return sum(xs) / len(xs) if xs else float("nan")


def pct(xs, p):
    """Percentile with linear interpolation between closest ranks."""
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p / 100.0
    lo, hi = math.floor(k), math.ceil(k)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def second_half(cycles):
    return cycles[len(cycles) // 2:]


def load_json(trace_path):
    jp = trace_path.replace(".gctrace.txt", ".json")
    if os.path.exists(jp):
        with open(jp) as f:
            txt = f.read().strip()
        if txt:
            return json.loads(txt.splitlines()[-1])
    return None


def analyze(path):
    cyc = parse(path)
    js = load_json(path)
    r = {"name": os.path.basename(path).replace(".gctrace.txt", ""),
         "cycles": cyc, "json": js, "numgc": len(cyc)}
    sh = second_half(cyc)
    r["sh"] = sh
    for k in ("goal", "h2", "h0", "c1", "c2", "c3", "a", "b", "i"):
        r["m_" + k] = mean(c[k] for c in sh)
    r["m_h1h0"] = mean(c["h1"] - c["h0"] for c in sh)
    r["m_cpu"] = mean(c["a"] + c["b"] + c["i"] for c in sh)

    # Cycles that ran during the allocation loop.
    nbefore = js["num_gc_before_loop"] if js else 0
    loop = [c for c in cyc if c["n"] > nbefore]
    r["loop"] = loop

    # Mutator cost outside mark, from wall time (whole loop, all loop cycles).
    if js and js.get("n"):
        gc_wall_ms = sum(c["c1"] + c["c2"] + c["c3"] for c in loop)
        mark_alloc_b = sum((c["h1"] - c["h0"]) * MIB for c in loop)
        n_out = js["n"] - mark_alloc_b / OBJ
        r["wall_ms"] = js["wall_ns"] / 1e6
        r["ns_per_alloc_total"] = js["ns_per_alloc"]
        r["gc_wall_ms"] = gc_wall_ms
        r["ns_per_alloc_outside"] = (js["wall_ns"] - gc_wall_ms * 1e6) / n_out if n_out > 0 else float("nan")
        r["ns_per_alloc_inside"] = (sum(c["c2"] for c in loop) * 1e6) / (mark_alloc_b / OBJ) if mark_alloc_b > 0 else float("nan")
        r["frac_alloc_in_mark"] = mark_alloc_b / (js["n"] * OBJ)

    # Steady-state allocation rate during vs outside mark (second half window),
    # using gctrace timestamps: alloc during mark k = h1-h0, alloc between mark
    # end of k and start of k+1 = h0(k+1) - h2(k).
    if len(sh) >= 2:
        in_b = out_b = in_ms = out_ms = 0.0
        for k in range(len(sh) - 1):
            c, d = sh[k], sh[k + 1]
            in_b += (c["h1"] - c["h0"]) * MIB
            in_ms += c["c2"]
            out_b += (d["h0"] - c["h2"]) * MIB
            out_ms += (d["t"] - c["t"]) * 1e3 - (c["c1"] + c["c2"] + c["c3"])
        r["rate_in_mark_MBms"] = in_b / MIB / in_ms
        r["rate_out_mark_MBms"] = out_b / MIB / out_ms
        r["ns_alloc_in_mark_ts"] = in_ms * 1e6 / (in_b / OBJ)
        r["ns_alloc_out_mark_ts"] = out_ms * 1e6 / (out_b / OBJ)
        r["per_cycle_rate_in"] = mean((c["h1"] - c["h0"]) / c["c2"] for c in sh if c["c2"] > 0)
        # Mutator-only cost during mark: mark wall minus the GC CPU that ran on
        # the mutator's P. With 1 P that is a+b+i exactly; with 2 P the idle
        # worker runs on the other P, so subtract a+b only (approximation:
        # assists always, fractional worker mostly, run on the mutator's P).
        procs = sh[0]["procs"]
        gc_on_mut = sum(c["a"] + c["b"] + (c["i"] if procs == 1 else 0.0) for c in sh[:-1])
        r["ns_alloc_in_mark_mutonly"] = (in_ms - gc_on_mut) * 1e6 / (in_b / OBJ)

    # Scan rate.
    cpu_ms = r["m_cpu"]
    r["scan_rate_ptrbytes"] = PTR_LIVE / (cpu_ms * 1e6)       # bytes/ns
    r["ns_per_live_obj"] = cpu_ms * 1e6 / LIVE_OBJS
    pz = [c for c in sh if c["pacer"]]
    if pz:
        w = mean(c["pacer"]["heap_work"] + c["pacer"]["stack_work"] + c["pacer"]["glob_work"] for c in pz)
        r["pacer_work_B"] = w
        r["pacer_heap_work_B"] = mean(c["pacer"]["heap_work"] for c in pz)
        r["scan_rate_work"] = mean(
            (c["pacer"]["heap_work"] + c["pacer"]["stack_work"] + c["pacer"]["glob_work"])
            / ((c["a"] + c["b"] + c["i"]) * 1e6) for c in pz)
        r["scan_rate_work_agg"] = w / (mean(c["a"] + c["b"] + c["i"] for c in pz) * 1e6)
        r["pacer_mark_alloc_MB"] = mean((c["pacer"]["live_end_b"] - c["pacer"]["trigger_b"]) / MIB for c in pz)
        r["pacer_rate_in_mark_MBms"] = mean((c["pacer"]["live_end_b"] - c["pacer"]["trigger_b"]) / MIB / c["c2"] for c in pz)
    return r


def f(x, d=2):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.{d}f}"


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    paths = argv[1:] or sorted(glob.glob(os.path.join(here, "runs", "run*.gctrace.txt")))
    runs = [analyze(p) for p in paths]
    runs = [r for r in runs if r["numgc"] > 0 or r["json"]]
    base = [r for r in runs if re.fullmatch(r"run\d+", r["name"])]

    out = []
    P = out.append
    P("### Per-run gctrace summary (means over the second half of cycles; MB = MiB)\n")
    P("| run | NumGC | goal MB | marked h2 MB | h0 MB | h1-h0 MB | c1 ms | c2 mark ms | c3 ms | assist a ms | bg b ms | idle i ms | a+b+i ms |")
    P("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        if r["numgc"] == 0:
            continue
        P(f"| {r['name']} | {r['numgc']} | {f(r['m_goal'],1)} | {f(r['m_h2'],1)} | {f(r['m_h0'],1)} | {f(r['m_h1h0'],1)} | "
          f"{f(r['m_c1'],3)} | {f(r['m_c2'],2)} | {f(r['m_c3'],3)} | {f(r['m_a'],2)} | {f(r['m_b'],2)} | {f(r['m_i'],2)} | {f(r['m_cpu'],2)} |")
    if base:
        def avg(k):
            return mean(r[k] for r in base if k in r)
        P(f"| **avg run1-{len(base)}** | {f(avg('numgc'),1)} | {f(avg('m_goal'),1)} | {f(avg('m_h2'),1)} | {f(avg('m_h0'),1)} | {f(avg('m_h1h0'),1)} | "
          f"{f(avg('m_c1'),3)} | {f(avg('m_c2'),2)} | {f(avg('m_c3'),3)} | {f(avg('m_a'),2)} | {f(avg('m_b'),2)} | {f(avg('m_i'),2)} | {f(avg('m_cpu'),2)} |")
    P("")

    P("### Per-run timing (JSON from the program; loop = cycles during the allocation loop)\n")
    P("| run | GOMAXPROCS | GOGC | n | wall ms | ns/alloc total | loop GCs | STW pause total ms | GCCPUFraction | frac. of bytes alloc'd during mark | ns/alloc outside GC (wall-based) | ns/alloc during mark (wall-based) |")
    P("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        j = r["json"]
        if not j:
            continue
        P(f"| {r['name']} | {j['gomaxprocs']} | {j['gogc_env']} | {j['n']} | {f(j['wall_ns']/1e6,1)} | {f(j['ns_per_alloc'],2)} | "
          f"{j['loop_num_gc']} | {f(j['loop_pause_total_ns']/1e6,3)} | {f(j['gc_cpu_fraction'],4)} | "
          f"{f(r.get('frac_alloc_in_mark'),3)} | {f(r.get('ns_per_alloc_outside'),2)} | {f(r.get('ns_per_alloc_inside'),2)} |")
    if base:
        P(f"| **avg run1-{len(base)}** | | | | {f(mean(r['wall_ms'] for r in base),1)} | {f(mean(r['ns_per_alloc_total'] for r in base),2)} | "
          f"| | | {f(mean(r['frac_alloc_in_mark'] for r in base),3)} | {f(mean(r['ns_per_alloc_outside'] for r in base),2)} | {f(mean(r['ns_per_alloc_inside'] for r in base),2)} |")
    P("")

    P("### Allocation rate during vs outside mark (second-half window, from gctrace timestamps)\n")
    P("| run | MiB/ms during mark | MiB/ms outside mark | ratio in/out | ns/alloc during mark (wall) | ns/alloc during mark, mutator-only (excl. a+b on its P) | ns/alloc outside mark |")
    P("|---|---|---|---|---|---|---|")
    for r in runs:
        if "rate_in_mark_MBms" not in r:
            continue
        P(f"| {r['name']} | {f(r['rate_in_mark_MBms'],3)} | {f(r['rate_out_mark_MBms'],3)} | {f(r['rate_in_mark_MBms']/r['rate_out_mark_MBms'],3)} | "
          f"{f(r['ns_alloc_in_mark_ts'],1)} | {f(r['ns_alloc_in_mark_mutonly'],1)} | {f(r['ns_alloc_out_mark_ts'],1)} |")
    if base:
        ri = mean(r["rate_in_mark_MBms"] for r in base)
        ro = mean(r["rate_out_mark_MBms"] for r in base)
        P(f"| **avg run1-{len(base)}** | {f(ri,3)} | {f(ro,3)} | {f(ri/ro,3)} | {f(mean(r['ns_alloc_in_mark_ts'] for r in base),1)} | {f(mean(r['ns_alloc_in_mark_mutonly'] for r in base),1)} | {f(mean(r['ns_alloc_out_mark_ts'] for r in base),1)} |")
    P("")

    P("### Mark cost / scan rate (second-half cycles)\n")
    P("| run | a+b+i ms | 68 MiB ptr-bytes / mark CPU (B/ns) | mark CPU per live obj at start (ns) | pacer scan work H+S+G (B) | of which heap H (B) | scan work / mark CPU (B/ns) |")
    P("|---|---|---|---|---|---|---|")
    for r in runs:
        if r["numgc"] == 0:
            continue
        P(f"| {r['name']} | {f(r['m_cpu'],2)} | {f(r['scan_rate_ptrbytes'],2)} | {f(r['ns_per_live_obj'],1)} | "
          f"{f(r.get('pacer_work_B'),0)} | {f(r.get('pacer_heap_work_B'),0)} | {f(r.get('scan_rate_work_agg'),3)} |")
    if base:
        P(f"| **avg run1-{len(base)}** | {f(mean(r['m_cpu'] for r in base),2)} | {f(mean(r['scan_rate_ptrbytes'] for r in base),2)} | {f(mean(r['ns_per_live_obj'] for r in base),1)} | | | |")
    P("")

    P("### STW pauses (all cycles during the loop; percentiles linear-interpolated)\n")
    P("| set | cycles | c1 median ms | c1 p99 ms | c1 max ms | c3 median ms | c3 p99 ms | c3 max ms | MemStats pause median us | pause p99 us |")
    P("|---|---|---|---|---|---|---|---|---|---|")

    def pause_row(name, rs):
        cs = [c for r in rs for c in r["loop"]]
        if not cs:
            return
        c1 = [c["c1"] for c in cs]
        c3 = [c["c3"] for c in cs]
        ps = []
        for r in rs:
            j = r["json"]
            if j:
                ps += [p / 1e3 for p in j["pause_ns"][j["num_gc_before_loop"]:]]
        P(f"| {name} | {len(cs)} | {f(pct(c1,50),3)} | {f(pct(c1,99),3)} | {f(max(c1),3)} | {f(pct(c3,50),3)} | {f(pct(c3,99),3)} | {f(max(c3),3)} | "
          f"{f(pct(ps,50),1) if ps else '-'} | {f(pct(ps,99),1) if ps else '-'} |")
    for r in runs:
        pause_row(r["name"], [r])
    if base:
        pause_row(f"**pooled run1-{len(base)}**", base)
    P("")

    pz = [r for r in runs if "pacer_work_B" in r]
    if pz:
        P("### gcpacertrace details (second-half cycles)\n")
        P("| run | mean scan work B | mean exact heap alloc during mark (MiB, L-T) | MiB/ms during mark (exact) | per-cycle scan work/mark CPU (B/ns, mean of ratios) |")
        P("|---|---|---|---|---|")
        for r in pz:
            P(f"| {r['name']} | {f(r['pacer_work_B'],0)} | {f(r['pacer_mark_alloc_MB'],2)} | {f(r['pacer_rate_in_mark_MBms'],3)} | {f(r['scan_rate_work'],3)} |")
        P("")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv)
