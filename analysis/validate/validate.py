#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Validate gcsim against the real Go runtime, scenario by scenario.

Usage:
    validate.py SCENARIO.json... [--repeats N] [--out DIR] [--gcsim PATH] [--go PATH]
                [--replayer PATH] [--layout first|all] [--idle-wait S] [--check]

For each scenario (a gcsim experiment config whose workload is a generator kind
or a trace):

 1. the binary trace: `gcsim trace gen KIND --seed SEED --set k=v ...` from the
    config's workload params and seed, or the config's trace file (a text trace
    is converted with `gcsim trace convert`);
 2. the real runtime: the replayer (workloads/go/replayer) runs the trace N
    times with GOGC / GOMAXPROCS / GOMEMLIMIT from the config's runtime section
    (gogc "off" -> GOGC=off, memory_limit_bytes n -> GOMEMLIMIT=nB; gcsim's
    defaults when absent: GOGC=100, GOMAXPROCS=8, no limit) and
    GODEBUG=gctrace=1;
 3. the simulation: `gcsim run CONFIG --out DIR/NAME/sim`;
 4. the same metrics from both sides (METRICS below): the real side's median and
    [min, max] over the N runs, the simulated value and the relative error
    (sim - real median) / real median.

Writes DIR/NAME/{trace.gctb, real/runK.json, real/runK.gctrace.txt, sim/...},
DIR/validation.json and DIR/validation.md, and prints one table per scenario.
With --check the exit status is 1 if any metric with a target misses it.
Python 3 standard library only.
"""

import argparse
import json
import math
import os
import re
import shutil
import statistics
import resource
import subprocess
import sys
import time

# ---------------------------------------------------------------------------
# Accuracy targets: relative error |sim - real| / real. "each" is checked
# against every real run, "median" against the median of the real runs.
TARGETS = {
    #  metric        check      limit
    "num_gc":      {"each": 0.15, "median": 0.05},
    "goal_mib":    {"median": 0.10},
    "peak_mib":    {"median": 0.15},
    "gc_cpu_pct":  {"median": 0.25},
}

# Metrics, in table order: key, label, unit, how it is computed (same definition on both sides).
METRICS = [
    ("num_gc", "NumGC", "", "real: GCs during the replay loop (MemStats.NumGC growth; the replayer's own setup may cause one GC before it); sim: summary.json num_gc"),
    ("goal_mib", "heap goal, mean 2nd half", "MiB", "mean gctrace 'goal' over cycles N//2..N-1"),
    ("marked_mib", "marked heap h2, mean 2nd half", "MiB", "mean gctrace h2 (h0->h1->h2) over cycles N//2..N-1"),
    ("peak_mib", "peak heap (max h1)", "MiB", "max gctrace h1 over all cycles"),
    ("gc_cpu_pct", "GC CPU", "%", "100 * sum over cycles of gctrace CPU p1+a+b+p2 (STW x procs, assist, dedicated+fractional; no idle) "
     "/ (duration x GOMAXPROCS); duration = real: replay loop wall time, sim: simulated_ns (= Go's GCCPUFraction over the trace; "
     "sim: summary.json gc_cpu_fraction)"),
    ("pause_p50_ms", "STW pause per cycle p50", "ms", "real: c1+c3 of each gctrace line; sim: cycles.csv stw_sweep_term_ns+stw_mark_term_ns (median)"),
    ("pause_max_ms", "STW pause per cycle max", "ms", "as p50"),
    ("total_alloc_mib", "total allocated", "MiB", "real: TotalAlloc growth during the replay loop (no object table, no setup); sim: summary.json total_alloc_bytes"),
]

MIB = 1 << 20
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
REPLAYER_SRC = os.path.join(ROOT, "workloads", "go", "replayer")

# Go 1.19 gctrace line (runtime/mgc.go); "MB" is bytes>>20.
GC_RE = re.compile(
    r"^gc (\d+) @([\d.]+)s (\d+)%: ([\d.]+)\+([\d.]+)\+([\d.]+) ms clock, "
    r"([\d.]+)\+([\d.]+)/([\d.]+)/([\d.]+)\+([\d.]+) ms cpu, "
    r"(\d+)->(\d+)->(\d+) MB, (\d+) MB goal, (\d+) MB stacks, (\d+) MB globals, (\d+) P")
GC_KEYS = ["n", "t", "u", "c1", "c2", "c3", "p1", "a", "b", "i", "p2",
           "h0", "h1", "h2", "goal", "stacks", "globals", "procs"]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def die(msg):
    log(f"validate.py: {msg}")
    sys.exit(2)


def parse_gctrace(path):
    cycles = []
    with open(path, errors="replace") as f:
        for line in f:
            m = GC_RE.match(line.strip())
            if m:
                cycles.append({k: float(v) for k, v in zip(GC_KEYS, m.groups())})
    return cycles


def read_csv(path):
    import csv
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def gctrace_metrics(cycles, duration_ns, procs):
    """Metrics that come from gctrace lines, identical for real and simulated runs."""
    cpu_ms = sum(c["p1"] + c["a"] + c["b"] + c["p2"] for c in cycles)
    out = {"gc_cpu_pct": 100.0 * cpu_ms * 1e6 / (duration_ns * procs) if duration_ns > 0 else None}
    if not cycles:
        out.update({"goal_mib": None, "marked_mib": None, "peak_mib": None})
        return out
    sh = cycles[len(cycles) // 2:]
    out["goal_mib"] = statistics.mean(c["goal"] for c in sh)
    out["marked_mib"] = statistics.mean(c["h2"] for c in sh)
    out["peak_mib"] = max(c["h1"] for c in cycles)
    return out


def pause_metrics(pauses_ms):
    if not pauses_ms:
        return {"pause_p50_ms": None, "pause_max_ms": None}
    return {"pause_p50_ms": statistics.median(pauses_ms), "pause_max_ms": max(pauses_ms)}


def cpu_snapshot():
    """(busy, total, steal) jiffies of all CPUs from /proc/stat (None where it is unreadable)."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return None
    steal = v[7] if len(v) > 7 else 0
    busy = v[0] + v[1] + v[2] + v[5] + v[6] + steal
    return busy, busy + v[3] + v[4], steal


def machine_conditions(before, after, child_cpu_s):
    """What else used the machine during one real run: others_busy_pct = CPU busy on all CPUs minus
    the replayer's own CPU time, as a % of all CPU time; steal_pct = time the hypervisor gave to
    other guests (KVM steal). Both inflate the real run's times (its marks and mutator run slower)."""
    if before is None or after is None:
        return {}
    hz = os.sysconf("SC_CLK_TCK")
    d_busy, d_total, d_steal = (a - b for a, b in zip(after, before))
    if d_total <= 0:
        return {}
    others = max(0.0, d_busy - d_steal - child_cpu_s * hz)
    out = {"others_busy_pct": round(100 * others / d_total, 2), "steal_pct": round(100 * d_steal / d_total, 2)}
    try:
        with open("/proc/loadavg") as f:
            out["load1_after"] = float(f.read().split()[0])
    except OSError:
        pass
    return out


def idle_wait(limit_s):
    """Wait until the machine is idle (< 10 % CPU busy over 1 s), at most limit_s seconds."""
    if limit_s <= 0:
        return

    def snap():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        busy = v[0] + v[1] + v[2] + v[5] + v[6] + (v[7] if len(v) > 7 else 0)
        return busy, busy + v[3] + v[4]

    t0 = time.time()
    while time.time() - t0 < limit_s:
        b1, t1 = snap()
        time.sleep(1)
        b2, t2 = snap()
        if t2 > t1 and 100 * (b2 - b1) / (t2 - t1) < 10:
            return
    log("  warning: machine still busy, running anyway")


def run(cmd, **kw):
    p = subprocess.run(cmd, **kw)
    if p.returncode != 0:
        err = p.stderr.decode(errors="replace") if isinstance(p.stderr, bytes) else (p.stderr or "")
        die(f"command failed ({p.returncode}): {' '.join(cmd)}\n{err[-2000:]}")
    return p


# ---------------------------------------------------------------------------
# Scenario steps

def runtime_env(cfg):
    """GOGC / GOMAXPROCS / GOMEMLIMIT from the config's runtime section (gcsim's defaults when absent)."""
    rt = cfg.get("runtime", {}) or {}
    gogc = rt.get("gogc", 100)
    gomaxprocs = int(rt.get("gomaxprocs", 8))
    limit = rt.get("memory_limit_bytes")
    env = {"GOGC": "off" if gogc == "off" else str(int(gogc)), "GOMAXPROCS": str(gomaxprocs)}
    if limit is not None:
        env["GOMEMLIMIT"] = f"{int(limit)}B"
    return env


def make_trace(cfg, cfg_path, sdir, gcsim):
    wl = cfg.get("workload") or die(f"{cfg_path}: no workload")
    kind = wl.get("kind")
    params = wl.get("params", {}) or {}
    out = os.path.join(sdir, "trace.gctb")
    if kind == "trace":
        src = params.get("path") or die(f"{cfg_path}: workload.params.path missing")
        if not os.path.isabs(src):
            src = os.path.join(os.path.dirname(os.path.abspath(cfg_path)), src)
        with open(src, "rb") as f:
            binary = f.read(8) == b"GCSIMTRC"
        if binary:
            return src, {"source": src}
        run([gcsim, "trace", "convert", src, out], capture_output=True)
        return out, {"source": src, "converted": out}
    seed = int(cfg.get("seed", 1))
    cmd = [gcsim, "trace", "gen", kind, "--out", out, "--seed", str(seed)]
    for k, v in params.items():
        cmd += ["--set", f"{k}={json.dumps(v)}"]
    run(cmd, capture_output=True)
    return out, {"generator": kind, "seed": seed, "command": cmd}


def run_real(trace, env_rt, sdir, replayer, repeats, layout, idle_s):
    rdir = os.path.join(sdir, "real")
    os.makedirs(rdir, exist_ok=True)
    runs = []
    for k in range(1, repeats + 1):
        env = dict(os.environ)
        env.pop("GOMEMLIMIT", None)
        env.update(env_rt)
        env["GODEBUG"] = "gctrace=1"
        jpath = os.path.join(rdir, f"run{k}.json")
        gpath = os.path.join(rdir, f"run{k}.gctrace.txt")
        idle_wait(idle_s)
        before, ru0 = cpu_snapshot(), resource.getrusage(resource.RUSAGE_CHILDREN)
        with open(gpath, "wb") as gerr:
            p = subprocess.run([replayer, "-trace", trace, "-metrics", jpath, "-layout", layout],
                               env=env, stdout=subprocess.PIPE, stderr=gerr)
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cond = machine_conditions(before, cpu_snapshot(),
                                  (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime))
        if p.returncode != 0:
            with open(gpath, errors="replace") as f:
                die(f"replayer failed ({p.returncode}) on {trace}:\n{f.read()[-2000:]}")
        with open(jpath) as f:
            j = json.load(f)
        all_cycles = parse_gctrace(gpath)
        # Only the cycles of the replay loop: a GC before it comes from the replayer's own setup
        # (e.g. allocating the object table), not from the trace; one that completes after the
        # loop's final ReadMemStats is not in NumGC either.
        cyc = [c for c in all_cycles if j["num_gc_before_loop"] < c["n"] <= j["NumGC"]]
        m = {"num_gc": j["loop_num_gc"], "num_gc_total": j["NumGC"],
             "gc_cpu_fraction_process": j["GCCPUFraction"]}
        m.update(gctrace_metrics(cyc, j["wall_ns"], j["gomaxprocs"]))
        m.update(pause_metrics([c["c1"] + c["c3"] for c in cyc]))
        m["total_alloc_mib"] = j["loop_total_alloc"] / MIB  # the replay loop only: no table, no setup
        m["wall_s"] = j["wall_ns"] / 1e9
        m["gctrace_cycles"] = len(cyc)
        m["machine"] = cond
        if len(all_cycles) < j["NumGC"]:
            log(f"  note: run {k}: {len(all_cycles)} gctrace lines but NumGC {j['NumGC']}")
        busy = ""
        if cond:
            busy = f", others {cond['others_busy_pct']:.1f} % CPU, steal {cond['steal_pct']:.1f} %"
        log(f"  real run {k}/{repeats}: NumGC {j['loop_num_gc']} in the replay loop ({j['NumGC']} in all), "
            f"wall {m['wall_s']:.2f} s{busy}")
        if cond and (cond["others_busy_pct"] > 10 or cond["steal_pct"] > 5):
            log(f"  warning: run {k}: the machine was busy during the real run (others "
                f"{cond['others_busy_pct']:.1f} % CPU, steal {cond['steal_pct']:.1f} %): its times are inflated; "
                "use an idle machine (--idle-wait S)")
        runs.append(m)
    return runs


def run_sims(cfg_path, sdir, gcsim, repeats, replayer_table=True, layout="first"):
    """gcsim `repeats` times on the same trace with scheduling noise seeds 1..repeats
    (scheduler.noise_seed: sysmon's phase at preemptions, models/sched/scheduler.hpp), as the real
    side runs the same trace repeatedly. Run 1 writes sdir/sim, run k sdir/sim_rk. Returns (median of
    each metric over the runs, the runs)."""
    runs = []
    for k in range(1, repeats + 1):
        out = "sim" if k == 1 else f"sim_r{k}"
        runs.append(run_sim(cfg_path, sdir, gcsim, replayer_table, out=out, noise_seed=k, layout=layout))
    med = {}
    for key in runs[0]:
        vals = [r[key] for r in runs if isinstance(r.get(key), (int, float))]
        med[key] = statistics.median(vals) if len(vals) == len(runs) else runs[0][key]
    return med, runs


def run_sim(cfg_path, sdir, gcsim, replayer_table=True, out="sim", noise_seed=0, layout="first"):
    """gcsim on the scenario, with the replayer's pointer layout (workload.pointer_layout: the scan
    work of a pointerful object depends on where its pointers are). With replayer_table the simulated program also has the replayer's
    object table (8 B per object id, allocated before the trace: workload.replayer_table), and a
    cycle that the table alone triggered is left out, as the real side leaves out the replayer's
    setup GC (see run_real)."""
    out = os.path.join(sdir, out)
    cmd = [gcsim, "run", cfg_path, "--out", out, "--force", "--quiet",
           "--set", f"workload.pointer_layout={layout}"]
    if noise_seed:
        cmd += ["--set", f"scheduler.noise_seed={noise_seed}"]
    if replayer_table:
        cmd += ["--set", "workload.replayer_table=true"]
    run(cmd, capture_output=True)
    with open(os.path.join(out, "summary.json")) as f:
        s = json.load(f)
    cyc = parse_gctrace(os.path.join(out, "gctrace.txt"))
    rows = read_csv(os.path.join(out, "cycles.csv"))
    with open(os.path.join(out, "resolved_config.json")) as f:
        procs = json.load(f)["runtime"]["gomaxprocs"]
    setup = 0
    if replayer_table and rows:
        table_bytes = int(s.get("replayer_table_bytes", 0))
        # The first cycle is the table's if it triggered with (almost) nothing but the table live.
        if int(rows[0]["heap_live_at_trigger_bytes"]) <= table_bytes + MIB and int(rows[0]["start_ns"]) < 10_000_000:
            setup = 1
    cyc = [c for c in cyc if c["n"] > setup]
    rows = rows[setup:]
    m = {"num_gc": s["num_gc"] - setup, "num_gc_total": s["num_gc"], "setup_cycles": setup,
         "gc_cpu_fraction_summary": s["gc_cpu_fraction"]}
    m.update(gctrace_metrics(cyc, s.get("simulated_ns", 0), procs))
    m.update(pause_metrics([(int(r["stw_sweep_term_ns"]) + int(r["stw_mark_term_ns"])) / 1e6 for r in rows]))
    m["total_alloc_mib"] = s["total_alloc_bytes"] / MIB
    if replayer_table:
        m["total_alloc_mib"] -= int(s.get("replayer_table_bytes", 0)) / MIB
    m["simulated_s"] = s.get("simulated_ns", 0) / 1e9
    if len(cyc) != s["num_gc"] - setup:
        log(f"  note: sim: {len(cyc)} gctrace lines but num_gc {s['num_gc']} - {setup} setup cycles")
    return m


def rel(sim, real):
    if sim is None or real is None:
        return None
    if real == 0:
        return 0.0 if sim == 0 else math.inf
    return (sim - real) / real


def compare(real_runs, sim):
    rows = []
    failed = []
    for key, label, unit, how in METRICS:
        vals = [r.get(key) for r in real_runs if r.get(key) is not None]
        row = {"metric": key, "label": label, "unit": unit, "definition": how,
               "real": vals, "real_median": statistics.median(vals) if vals else None,
               "real_min": min(vals) if vals else None, "real_max": max(vals) if vals else None,
               "sim": sim.get(key)}
        row["rel_error"] = rel(row["sim"], row["real_median"])
        checks = []
        if row["sim"] is None and not vals:
            # neither side has the metric (e.g. no GC cycle at all): nothing to check
            row["checks"], row["ok"] = [], None
            rows.append(row)
            continue
        for check, limit in TARGETS.get(key, {}).items():
            if check == "median":
                err = row["rel_error"]
                ok = err is not None and abs(err) <= limit
                checks.append({"check": "vs median", "limit": limit, "error": err, "ok": ok})
            elif check == "each":
                errs = [rel(row["sim"], v) for v in vals]
                worst = max(errs, key=lambda e: abs(e) if e is not None else math.inf) if errs else None
                ok = bool(errs) and all(e is not None and abs(e) <= limit for e in errs)
                checks.append({"check": "vs each run", "limit": limit, "error": worst, "ok": ok})
        row["checks"] = checks
        row["ok"] = all(c["ok"] for c in checks) if checks else None
        if row["ok"] is False:
            failed.append(key)
        rows.append(row)
    return rows, failed


# ---------------------------------------------------------------------------
# Output

def fnum(x, unit=""):
    if x is None:
        return "-"
    if isinstance(x, float) and math.isinf(x):
        return "inf"
    if unit == "ms":
        return f"{x:.3f}"
    if unit == "" and float(x).is_integer():
        return f"{int(x)}"
    return f"{x:.1f}" if abs(x) >= 10 else f"{x:.2f}"


def fpct(x):
    if x is None:
        return "-"
    if math.isinf(x):
        return "inf"
    return f"{100 * x:+.1f} %"


def target_text(row):
    if not row["checks"]:
        return "-"
    parts = []
    for c in row["checks"]:
        mark = "ok" if c["ok"] else "MISS"
        parts.append(f"≤{100 * c['limit']:.0f} % {c['check']} ({fpct(c['error'])}) {mark}")
    return "; ".join(parts)


def markdown_rows(name, rows):
    out = []
    for r in rows:
        real = f"{fnum(r['real_median'], r['unit'])} [{fnum(r['real_min'], r['unit'])}, {fnum(r['real_max'], r['unit'])}]"
        unit = f" ({r['unit']})" if r["unit"] else ""
        out.append(f"| {name} | {r['label']}{unit} | {real} | {fnum(r['sim'], r['unit'])} | {fpct(r['rel_error'])} | {target_text(r)} |")
    return out


TABLE_HEAD = ["| scenario | metric | real median [min, max] | simulated | rel. error | target |",
              "|---|---|---|---|---|---|"]


def main(argv):
    ap = argparse.ArgumentParser(description="Validate gcsim against the real Go runtime (via the trace replayer).")
    ap.add_argument("scenarios", nargs="+", metavar="SCENARIO.json")
    ap.add_argument("--repeats", type=int, default=5, help="real runs per scenario (default 5)")
    ap.add_argument("--out", default="validation-out", help="output directory (default ./validation-out)")
    ap.add_argument("--gcsim", default=os.path.join(ROOT, "build", "app", "gcsim"), help="gcsim binary")
    ap.add_argument("--go", default=shutil.which("go") or "/usr/lib/go-1.19/bin/go", help="go command used to build the replayer")
    ap.add_argument("--replayer", help="prebuilt replayer binary (default: build it from workloads/go/replayer)")
    ap.add_argument("--sim-repeats", type=int, default=5,
                    help="gcsim runs per scenario, scheduling noise seeds 1..N; the simulated value is their "
                         "median (default 5)")
    ap.add_argument("--layout", default="first", choices=["first", "all"],
                    help="replayer -layout for pointerful objects of scenarios whose config has no workload.pointer_layout")
    ap.add_argument("--idle-wait", type=float, default=0, metavar="S",
                    help="before each real run wait up to S seconds for the machine to be idle (shared machines)")
    ap.add_argument("--check", action="store_true", help="exit 1 if any metric misses its target")
    ap.add_argument("--check-metrics", metavar="M1,M2",
                    help="with --check, only these metrics count (default: every metric with a target: "
                         + ",".join(TARGETS) + ")")
    ap.add_argument("--no-replayer-table", action="store_true",
                    help="simulate the trace alone, without the replayer's object table (workload.replayer_table)")
    ap.add_argument("--real-from", metavar="VALIDATION.json",
                    help="reuse the real runs recorded in a previous validation.json (matched by scenario name) "
                         "instead of running the replayer: re-checks gcsim alone against recorded real results")
    args = ap.parse_args(argv[1:])
    if args.repeats < 1:
        die("--repeats must be >= 1")
    if args.sim_repeats < 1:
        die("--sim-repeats must be >= 1")
    check_metrics = set(TARGETS)
    if args.check_metrics:
        check_metrics = set(m.strip() for m in args.check_metrics.split(",") if m.strip())
        unknown = check_metrics - set(TARGETS)
        if unknown or not check_metrics:
            die(f"--check-metrics: unknown metric(s) {', '.join(sorted(unknown)) or '(none given)'}; "
                f"allowed: {', '.join(TARGETS)}")
    if not os.access(args.gcsim, os.X_OK):
        die(f"gcsim binary not found: {args.gcsim} (build it with 'ninja -C build' or pass --gcsim)")
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)

    recorded = None
    if args.real_from:
        try:
            with open(args.real_from) as f:
                recorded = {sc["scenario"]: sc for sc in json.load(f)["scenarios"]}
        except (OSError, ValueError, KeyError, TypeError) as e:
            die(f"{args.real_from}: not a readable validation.json ({e})")
    replayer = args.replayer
    if recorded is not None:
        pass
    elif not replayer:
        replayer = os.path.join(out, "bin", "replayer")
        os.makedirs(os.path.dirname(replayer), exist_ok=True)
        env = dict(os.environ)
        env.setdefault("GOCACHE", os.path.join(out, "bin", "gocache"))
        env.setdefault("GOPATH", os.path.join(out, "bin", "gopath"))
        env["GOFLAGS"] = "-mod=mod"
        log(f"building the replayer with {args.go}")
        run([args.go, "build", "-o", replayer, "."], cwd=REPLAYER_SRC, env=env, capture_output=True)

    ncpu = os.cpu_count() or 1
    results = []
    any_failed = False
    md_rows = []
    for cfg_path in args.scenarios:
        with open(cfg_path) as f:
            cfg = json.load(f)
        name = cfg.get("name") or os.path.splitext(os.path.basename(cfg_path))[0]
        sdir = os.path.join(out, name)
        os.makedirs(sdir, exist_ok=True)
        env_rt = runtime_env(cfg)
        log(f"== {name} ({cfg_path}): {' '.join(f'{k}={v}' for k, v in env_rt.items())}")
        if int(env_rt["GOMAXPROCS"]) > ncpu:
            log(f"  warning: GOMAXPROCS={env_rt['GOMAXPROCS']} > {ncpu} CPUs on this machine: the real runs are CPU-starved")
        if (cfg.get("sim") or {}).get("max_simulated_ns"):
            log("  warning: sim.max_simulated_ns is set: the simulation may stop before the trace ends, the replay does not")
        if recorded is not None:
            if name not in recorded:
                die(f"{args.real_from}: no recorded real runs for scenario '{name}' (have: {', '.join(sorted(recorded))})")
            rec = recorded[name]
            if rec.get("env") != env_rt:
                die(f"{args.real_from}: scenario '{name}' was recorded with {rec.get('env')}, config now gives {env_rt}")
            trace, trace_info, real_runs = rec.get("trace"), rec.get("trace_info"), rec["real_runs"]
            layout = rec.get("layout", "first")  # recorded before the field existed: the default
        else:
            trace, trace_info = make_trace(cfg, cfg_path, sdir, args.gcsim)
            # The scenario's own pointer layout (workload.pointer_layout) if it states one.
            layout = (cfg.get("workload") or {}).get("pointer_layout", args.layout)
            real_runs = run_real(trace, env_rt, sdir, replayer, args.repeats, layout, args.idle_wait)
        sim, sim_runs = run_sims(cfg_path, sdir, args.gcsim, args.sim_repeats,
                                 replayer_table=not args.no_replayer_table, layout=layout)
        log(f"  sim: NumGC {sim['num_gc']} (median of {len(sim_runs)}: {[r['num_gc'] for r in sim_runs]})")
        rows, failed = compare(real_runs, sim)
        any_failed = any_failed or any(m in check_metrics for m in failed)
        results.append({"scenario": name, "config": os.path.abspath(cfg_path), "env": env_rt,
                        "layout": layout, "trace": trace, "trace_info": trace_info, "repeats": len(real_runs),
                        "real_runs": real_runs, "sim": sim, "sim_runs": sim_runs, "metrics": rows,
                        "failed": failed})
        table = TABLE_HEAD + markdown_rows(name, rows)
        print(f"\n## {name}\n")
        conds = [r["machine"] for r in real_runs if r.get("machine")]
        busy = ""
        if conds:
            busy = (f"; during them others used at most {max(c['others_busy_pct'] for c in conds):.1f} % "
                    f"of the CPUs, steal at most {max(c['steal_pct'] for c in conds):.1f} %")
        print(f"{' '.join(f'{k}={v}' for k, v in env_rt.items())}, {len(real_runs)} real runs "
              f"(replay wall {statistics.median(r['wall_s'] for r in real_runs):.2f} s median{busy}), "
              f"simulated {sim['simulated_s']:.2f} s\n")
        print("\n".join(table))
        if failed:
            print(f"\nmissed targets: {', '.join(failed)}")
        md_rows += markdown_rows(name, rows)

    with open(os.path.join(out, "validation.json"), "w") as f:
        json.dump({"targets": TARGETS, "metrics": [{"key": k, "label": l, "unit": u, "definition": h}
                                                   for k, l, u, h in METRICS],
                   "scenarios": results}, f, indent=1)
    with open(os.path.join(out, "validation.md"), "w") as f:
        f.write("# gcsim validation against Go 1.19 (trace replayer)\n\n")
        f.write("Real = `workloads/go/replayer` replaying the scenario's trace on the Go runtime "
                "(median and [min, max] over the runs); simulated = median over gcsim runs with scheduling noise seeds "
                f"1..{args.sim_repeats} (`scheduler.noise_seed`); rel. error = (simulated − real median) / real median.\n\n")
        f.write("Targets: " + "; ".join(
            f"{k} " + ", ".join(f"≤{100 * v:.0f} % {c}" for c, v in t.items()) for k, t in TARGETS.items()) + "\n\n")
        f.write("\n".join(TABLE_HEAD + md_rows) + "\n\n")
        f.write("Metric definitions (same on both sides):\n\n")
        for k, l, u, h in METRICS:
            f.write(f"- **{l}**: {h}\n")
        conds = [(r["scenario"], r["real_runs"]) for r in results]
        if any(run.get("machine") for _, runs in conds for run in runs):
            f.write("\nReal runs: replay loop wall time, and what else used the machine during them (largest over "
                    "the runs; others = CPU time of other processes as a % of all CPUs, steal = KVM steal time):\n\n"
                    "| scenario | runs | wall median (s) | others max | steal max |\n|---|---|---|---|---|\n")
            for name, runs in conds:
                ms = [run["machine"] for run in runs if run.get("machine")]
                oth = f"{max(m['others_busy_pct'] for m in ms):.1f} %" if ms else "not recorded"
                st = f"{max(m['steal_pct'] for m in ms):.1f} %" if ms else "not recorded"
                f.write(f"| {name} | {len(runs)} | {statistics.median(run['wall_s'] for run in runs):.2f} | {oth} | {st} |\n")
        for r in results:
            if r["failed"]:
                f.write(f"\n{r['scenario']}: missed targets: {', '.join(r['failed'])}\n")
    log(f"wrote {os.path.join(out, 'validation.md')} and validation.json")
    if args.check and any_failed:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
