#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Table of hostile inputs: each must make gcsim exit with status 2, print exactly one line on
stderr ("gcsim: WHERE: WHAT") naming the file and line/byte or the JSON path, and leave no output.

usage: bad_inputs.py GCSIM SOURCE_ROOT [--list]
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

GCSIM, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
MIXED = os.path.join(SRC, "configs/experiments/mixed_small.json")

# A small valid experiment on a trace, for the trace cases.
def trace_config(d, trace_name):
    p = os.path.join(d, "cfg_" + trace_name.replace(".", "_") + ".json")
    with open(p, "w") as f:
        json.dump({"schema_version": 1, "name": "t", "workload": {"kind": "trace", "params": {"path": trace_name}},
                   "runtime": {"gomaxprocs": 2}}, f, indent=1)
    return p


def text_trace(d, name, body):
    with open(os.path.join(d, name), "w") as f:
        f.write(body)
    return trace_config(d, name)


def leb(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def bin_header(version=1, flags=0, bound=0):
    return b"GCSIMTRC" + struct.pack("<III", version, flags, bound)


def bin_trace(d, name, data):
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
    return trace_config(d, name)


def config(d, name, doc):
    p = os.path.join(d, name)
    with open(p, "w") as f:
        if isinstance(doc, str):
            f.write(doc)
        else:
            json.dump(doc, f, indent=1)
    return p


def exp(**over):
    doc = {"schema_version": 1, "name": "x", "workload": {"kind": "ring", "params": {"total_objects": 1000}}}
    for k, v in over.items():
        doc[k] = v
    return doc


def sweep(**over):
    doc = {"schema_version": 1, "name": "s", "base": exp(), "sweep": {"runtime.gogc": [50, 100]}}
    doc.update(over)
    return doc


HDR = "gcsim-trace 1\n"
A = lambda obj, size=64, g=0, scan="ptr": f"alloc {obj} {g} {size} {scan}\n"

# (name, setup(d) -> argv after "gcsim", where-regex, what-regex)
# `where` is matched against the start of the message ("gcsim: WHERE: "); {d} is the temp dir.
CASES = [
    # ---- binary traces (where = file:byte N)
    ("binary: truncated record", lambda d: ["run", bin_trace(d, "trunc.gctb", bin_header() + b"\x80" + leb(0) + leb(0))],
     r"{d}/trunc\.gctb:byte 20", r"truncated record"),
    ("binary: truncated header", lambda d: ["run", bin_trace(d, "hdr.gctb", b"GCSIMTRC\x01\x00")],
     r"{d}/hdr\.gctb:byte 10", r"truncated header"),
    ("binary: wrong version", lambda d: ["run", bin_trace(d, "ver.gctb", bin_header(version=2))],
     r"{d}/ver\.gctb:byte 8", r"unsupported trace version 2"),
    ("binary: wrong magic (read as text)", lambda d: ["run", bin_trace(d, "magic.gctb", b"GCSIMTRX" + bin_header()[8:])],
     r"{d}/magic\.gctb:1", r"missing header"),
    ("binary: non-zero flags", lambda d: ["run", bin_trace(d, "flags.gctb", bin_header(flags=4))],
     r"{d}/flags\.gctb:byte 12", r"unsupported flags 4"),
    ("binary: unknown tag", lambda d: ["run", bin_trace(d, "tag.gctb", bin_header() + b"\x0c")],
     r"{d}/tag\.gctb:byte 20", r"unknown record tag 0x0c"),
    ("binary: over-long varint", lambda d: ["run", bin_trace(d, "varint.gctb", bin_header() + b"\x07" + b"\xff" * 11)],
     r"{d}/varint\.gctb:byte 20", r"bad varint"),
    ("binary: id outside header bound", lambda d: ["run", bin_trace(d, "bound.gctb", bin_header(bound=2) + b"\x80" + leb(2) + leb(0) + leb(16))],
     r"{d}/bound\.gctb:byte 20", r"not below the header's object_id_bound 2"),
    ("binary: freed twice", lambda d: ["run", bin_trace(d, "dfree.gctb", bin_header() + b"\x80" + leb(0) + leb(0) + leb(16) + b"\x01" + leb(0) + b"\x01" + leb(0))],
     r"{d}/dfree\.gctb:byte 26", r"object id 0 is not live"),
    ("binary: size 0", lambda d: ["run", bin_trace(d, "size0.gctb", bin_header() + b"\x00" + leb(0) + leb(0) + leb(0))],
     r"{d}/size0\.gctb:byte 20", r"size_bytes must be in \[1, 1099511627776\], got 0"),
    # ---- text traces (where = file:line)
    ("text: object freed twice", lambda d: ["run", text_trace(d, "dfree.gct", HDR + A(5) + "free 5\nfree 5\n")],
     r"{d}/dfree\.gct:4", r"free: object 5 is not live"),
    ("text: freed before allocated", lambda d: ["run", text_trace(d, "early.gct", HDR + "free 9\n" + A(9))],
     r"{d}/early\.gct:2", r"free: object 9 is not live"),
    ("text: id reused while live", lambda d: ["run", text_trace(d, "reuse.gct", HDR + A(3) + "work 0 10\n" + A(3))],
     r"{d}/reuse\.gct:4", r"alloc: object 3 is already live"),
    ("text: pool_get of a live id", lambda d: ["run", text_trace(d, "pget.gct", HDR + A(3) + "pool_get 0 1 3 64 ptr\n")],
     r"{d}/pget\.gct:3", r"pool_get: object 3 is already live"),
    ("text: pool_put of a dead id", lambda d: ["run", text_trace(d, "pput.gct", HDR + A(3) + "free 3\npool_put 0 1 3\n")],
     r"{d}/pput\.gct:4", r"pool_put: object 3 is not live"),
    ("text: size 0", lambda d: ["run", text_trace(d, "size0.gct", HDR + A(1, size=0))],
     r"{d}/size0\.gct:2", r"size_bytes must be in \[1, 1099511627776\], got 0"),
    ("text: size over 1 TiB", lambda d: ["run", text_trace(d, "huge.gct", HDR + A(1, size=(1 << 40) + 1))],
     r"{d}/huge\.gct:2", r"size_bytes must be in \[1, 1099511627776\], got 1099511627777"),
    ("text: size over 2^64", lambda d: ["run", text_trace(d, "huge64.gct", HDR + A(1, size="99999999999999999999"))],
     r"{d}/huge64\.gct:2", r"out of range"),
    ("text: negative work", lambda d: ["run", text_trace(d, "negwork.gct", HDR + "work 0 -5\n")],
     r"{d}/negwork\.gct:2", r"work: ns '-5' is not a non-negative decimal integer"),
    ("text: negative goroutine", lambda d: ["run", text_trace(d, "negg.gct", HDR + "go -1\n")],
     r"{d}/negg\.gct:2", r"go: g '-1' is not a non-negative"),
    ("text: unknown event", lambda d: ["run", text_trace(d, "unk.gct", HDR + "# c\n\nmalloc 1 0 8 ptr\n")],
     r"{d}/unk\.gct:4", r"unknown event 'malloc'"),
    ("text: wrong number of fields", lambda d: ["run", text_trace(d, "arity.gct", HDR + "alloc 1 0 8\n")],
     r"{d}/arity\.gct:2", r"wrong number of fields for 'alloc'"),
    ("text: bad scan word", lambda d: ["run", text_trace(d, "scan.gct", HDR + A(1, scan="yes"))],
     r"{d}/scan\.gct:2", r"last field must be 'ptr' or 'noscan'"),
    ("text: missing header", lambda d: ["run", text_trace(d, "nohdr.gct", A(1))],
     r"{d}/nohdr\.gct:1", r"missing header"),
    ("text: unsupported version", lambda d: ["run", text_trace(d, "v2.gct", "gcsim-trace 2\n")],
     r"{d}/v2\.gct:1", r"unsupported trace version 2"),
    ("text: empty file", lambda d: ["run", text_trace(d, "empty.gct", "")],
     r"{d}/empty\.gct:1", r"missing header: empty trace"),
    ("text: time going backwards (simulated time overflow)",
     lambda d: ["run", text_trace(d, "time.gct", HDR + "work 0 1125899906842624\n" * 8200)],
     r"trace {d}/time\.gct \(text, version 1\)", r"simulated time passed 2\^62 ns"),
    ("text: object too large for the simulator", lambda d: ["run", text_trace(d, "big.gct", HDR + A(1, size=5 << 30, scan="noscan"))],
     r"workload", r"objects up to 4294959104 bytes"),
    ("text: goroutine id above the simulator's limit", lambda d: ["run", text_trace(d, "bigg.gct", HDR + "go 4294967295\n")],
     r"trace {d}/bigg\.gct \(text, version 1\)", r"goroutine id 4294967295 is above the limit"),
    ("memory budget: live set over sim.max_memory_bytes",
     lambda d: ["run", text_trace(d, "live.gct", HDR + "".join(A(i, size=16) for i in range(20000))),
                "--set", "sim.max_memory_bytes=1048576"],
     r"sim\.max_memory_bytes", r"live set needs more simulator memory than the budget of 1 MiB"),
    # ---- experiment configs (where = JSON path, or file:line for JSON syntax)
    ("config: invalid JSON", lambda d: ["run", config(d, "broken.json", '{\n "schema_version": 1,\n "name": \n}\n')],
     r"{d}/broken\.json:4", r"invalid JSON"),
    ("config: missing file", lambda d: ["run", os.path.join(d, "nope.json")], r"{d}/nope\.json", r"cannot open"),
    ("config: directory instead of file", lambda d: ["run", d], r"{d}", r"directory"),
    ("config: top level not an object", lambda d: ["run", config(d, "arr.json", "[1, 2]")], r"\(top level\)", r"expected a JSON object"),
    ("config: missing schema_version", lambda d: ["run", config(d, "nov.json", {"workload": {"kind": "ring"}})],
     r"schema_version", r"required key is missing"),
    ("config: unsupported schema_version", lambda d: ["run", config(d, "v9.json", exp(schema_version=9))],
     r"schema_version", r"unsupported version 9"),
    ("config: unknown key", lambda d: ["run", config(d, "unk.json", exp(runtim={}))], r"runtim", r"unknown key \(did you mean runtime\?\)"),
    ("config: unknown nested key", lambda d: ["run", MIXED, "--set", "runtime.gomaxprocss=2"], r"runtime\.gomaxprocss", r"unknown key"),
    ("config: wrong type", lambda d: ["run", MIXED, "--set", "runtime.gomaxprocs=\"two\""], r"runtime\.gomaxprocs", r"must be"),
    ("config: wrong type (object for a number)", lambda d: ["run", MIXED, "--set", "cost_model.alloc_ns={}"], r"cost_model\.alloc_ns", r"must be a number"),
    ("config: GOGC negative", lambda d: ["run", MIXED, "--set", "runtime.gogc=-1"], r"runtime\.gogc", r""),
    ("config: GOGC -100", lambda d: ["run", MIXED, "--set", "runtime.gogc=-100"], r"runtime\.gogc", r""),
    ("config: GOGC a string other than off", lambda d: ["run", MIXED, "--set", "runtime.gogc=of"], r"runtime\.gogc", r"off"),
    ("config: memory limit 0", lambda d: ["run", MIXED, "--set", "runtime.memory_limit_bytes=0"], r"runtime\.memory_limit_bytes", r""),
    ("config: memory limit negative", lambda d: ["run", MIXED, "--set", "runtime.memory_limit_bytes=-5"], r"runtime\.memory_limit_bytes", r""),
    ("config: gomaxprocs 0", lambda d: ["run", MIXED, "--set", "runtime.gomaxprocs=0"], r"runtime\.gomaxprocs", r"1, 1024"),
    ("config: gomaxprocs 100000", lambda d: ["run", MIXED, "--set", "runtime.gomaxprocs=100000"], r"runtime\.gomaxprocs", r"1, 1024"),
    ("config: unknown pacer kind", lambda d: ["run", MIXED, "--set", "pacer.kind=go121x"], r"pacer\.kind", r"go121x"),
    ("config: unknown pacer param", lambda d: ["run", MIXED, "--set", "pacer.params.pi_kq=1"], r"pacer\.params\.pi_kq", r"unknown key"),
    ("config: unknown workload kind", lambda d: ["run", MIXED, "--set", "workload.kind=rng"], r"workload\.kind", r"rng"),
    ("config: unknown runtime.version", lambda d: ["run", MIXED, "--set", "runtime.version=\"1.99\""], r"runtime\.version", r"1\.99"),
    ("config: negative cost", lambda d: ["run", MIXED, "--set", "cost_model.scan_ns_per_byte=-1"], r"cost_model\.scan_ns_per_byte", r"must be in"),
    ("config: NaN-like cost", lambda d: ["run", MIXED, "--set", "cost_model.scan_ns_per_byte=1e400"], r"cost_model\.scan_ns_per_byte", r""),
    ("config: sample period too small", lambda d: ["run", MIXED, "--set", "output.sample_period_ns=10"], r"output\.sample_period_ns", r"1000"),
    ("config: negative max_simulated_ns", lambda d: ["run", MIXED, "--set", "sim.max_simulated_ns=-1"], r"sim\.max_simulated_ns", r""),
    ("config: memory budget too small", lambda d: ["run", MIXED, "--set", "sim.max_memory_bytes=1000"], r"sim\.max_memory_bytes", r"1048576"),
    ("config: negative seed", lambda d: ["run", MIXED, "--set", "seed=-3"], r"seed", r"non-negative"),
    ("config: missing trace file", lambda d: ["run", trace_config(d, "absent.gct")], r"workload\.params\.path", r"absent\.gct"),
    ("config: trace is a directory", lambda d: [os.makedirs(os.path.join(d, "tdir.gct")), "run", trace_config(d, "tdir.gct")][1:],
     r"(workload\.params\.path|{d}/tdir\.gct)", r"directory"),
    ("config: generator param out of range", lambda d: ["run", MIXED, "--set", "workload.params.total_objects=-1"], r"workload\.params\.total_objects", r""),
    ("--set: no '='", lambda d: ["run", MIXED, "--set", "runtime.gogc"], r"--set", r"path=value"),
    ("--set: through a non-object", lambda d: ["run", MIXED, "--set", "seed.x=1"], r"--set", r"not a JSON object"),
    ("--set: empty key", lambda d: ["run", MIXED, "--set", "runtime..gogc=1"], r"--set", r"empty key"),
    # ---- outputs
    ("output: unwritable directory (parent is a file)",
     lambda d: [open(os.path.join(d, "afile"), "w").close(), "run", MIXED, "--set", "workload.params.total_objects=1000", "--out", os.path.join(d, "afile", "out")][1:],
     r"{d}/afile", r"(Not a directory|cannot create)"),
    ("output: directory exists", lambda d: [os.makedirs(os.path.join(d, "exists")), "run", MIXED, "--out", os.path.join(d, "exists")][1:],
     r"{d}/exists", r"already exists"),
    # ---- sweeps
    ("sweep: empty axis", lambda d: ["sweep", config(d, "sw_empty.json", sweep(sweep={"runtime.gogc": []})), "--out", os.path.join(d, "so")],
     r"sweep\.runtime\.gogc", r"non-empty array"),
    ("sweep: empty block", lambda d: ["sweep", config(d, "sw_block.json", sweep(sweep={})), "--out", os.path.join(d, "so")],
     r"sweep", r"at least one axis"),
    ("sweep: unknown key", lambda d: ["sweep", config(d, "sw_unk.json", sweep(replica=2)), "--out", os.path.join(d, "so")],
     r"replica", r"unknown key \(did you mean replicas\?\)"),
    ("sweep: bad value in a point", lambda d: ["sweep", config(d, "sw_bad.json", sweep(sweep={"runtime.gomaxprocs": [2, 0]})), "--out", os.path.join(d, "so")],
     r"runtime\.gomaxprocs", r"in sweep point gomaxprocs_0"),
    ("sweep: zip of unequal lengths", lambda d: ["sweep", config(d, "sw_zip.json", sweep(sweep={"runtime.gogc": [1, 2], "runtime.gomaxprocs": [1, 2, 3]}, zip=[["runtime.gogc", "runtime.gomaxprocs"]])), "--out", os.path.join(d, "so")],
     r"zip\[0\]", r"equal lengths"),
    ("sweep: base and base_config", lambda d: ["sweep", config(d, "sw_both.json", sweep(base_config="x.json")), "--out", os.path.join(d, "so")],
     r"base", r"exactly one"),
    ("sweep: base_config missing", lambda d: ["sweep", config(d, "sw_miss.json", {"schema_version": 1, "base_config": "nope.json", "sweep": {"seed": [1]}}), "--out", os.path.join(d, "so")],
     r"base_config", r"not found"),
    ("sweep: replicas 0", lambda d: ["sweep", config(d, "sw_rep.json", sweep(replicas=0)), "--out", os.path.join(d, "so")],
     r"replicas", r""),
    ("sweep: too many points", lambda d: ["sweep", config(d, "sw_many.json", sweep(sweep={"seed": list(range(400)), "runtime.gogc": list(range(1, 401))})), "--out", os.path.join(d, "so")],
     r"sweep", r"more than 100000 points"),
    ("sweep: duplicate points", lambda d: ["sweep", config(d, "sw_dup.json", sweep(sweep={"runtime.gogc": [100, 100]})), "--out", os.path.join(d, "so")],
     r"sweep", r"same configuration"),
    ("sweep: bad --shard", lambda d: ["sweep", config(d, "sw_ok.json", sweep()), "--shard", "3/2", "--out", os.path.join(d, "so")],
     r"--shard", r"K/N"),
    # ---- trace tools
    ("trace convert: unknown output extension", lambda d: [text_trace(d, "conv.gct", HDR + A(1)), "trace", "convert", os.path.join(d, "conv.gct"), os.path.join(d, "out.txt")][1:],
     r"{d}/out\.txt", r"unknown trace file extension"),
    ("trace stats: freed twice", lambda d: [text_trace(d, "st.gct", HDR + A(1) + "free 1\nfree 1\n"), "trace", "stats", os.path.join(d, "st.gct")][1:],
     r"{d}/st\.gct:4", r"not live"),
]


def main():
    if "--list" in sys.argv:
        for c in CASES:
            print(c[0])
        return 0
    failures = 0
    for name, setup, where_re, what_re in CASES:
        d = tempfile.mkdtemp(prefix="gcsim-bad-")
        try:
            argv = setup(d)
            before = set(os.listdir(d))
            r = subprocess.run([GCSIM] + argv + (["--quiet"] if argv[0] in ("run", "sweep") else []),
                               capture_output=True, text=True, timeout=120, cwd=d)
            lines = r.stderr.splitlines()
            problems = []
            if r.returncode != 2:
                problems.append(f"exit status {r.returncode}, want 2")
            if len(lines) != 1:
                problems.append(f"{len(lines)} stderr lines, want exactly 1")
            msg = lines[0] if lines else ""
            pat = r"^gcsim: " + where_re.replace("{d}", re.escape(d)) + r": .*" + what_re
            if not re.search(pat, msg):
                problems.append(f"message does not match /{pat}/")
            left = set(os.listdir(d)) - before
            if left:
                problems.append(f"left files behind: {sorted(left)}")
            if problems:
                failures += 1
                print(f"FAIL {name}: {'; '.join(problems)}\n  argv: {argv}\n  stderr: {r.stderr.strip()[:500]}")
        finally:
            shutil.rmtree(d, ignore_errors=True)
    print(f"{len(CASES) - failures}/{len(CASES)} bad-input cases pass")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
