#!/usr/bin/env bash
# The same ring trace run by the real Go runtime and simulated by gcsim, timed in one run; prints both
# wall times and the ratio gcsim / Go (performance target: <= 0.25).
#
#   bash scripts/side_by_side.sh [TRACE.gctb]
#
# Without an argument the trace is `gcsim trace gen ring` with its defaults (16 Mi x 128 B objects,
# 2 GiB allocated, 64 MiB live). Go side: the validation replayer (workloads/go/replayer) replays the
# trace; if it is absent or does not build, the hand-written equivalent of the default ring
# (workloads/go/ring_calibration) runs instead (that needs the default trace). Both sides use
# GOMAXPROCS=2 GOGC=100. Each side runs REPEATS times (default 3); the best wall time counts.
# Environment: GO (default /usr/lib/go-1.19/bin/go), REPEATS, GOCACHE (default under /tmp).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
GO=${GO:-/usr/lib/go-1.19/bin/go}
REPEATS=${REPEATS:-3}
export GOCACHE=${GOCACHE:-/tmp/gcsim-gocache}
export GOPATH=${GOPATH:-/tmp/gcsim-gopath}
export GOFLAGS=-mod=mod GOTOOLCHAIN=local GO111MODULE=on

bash scripts/build.sh
gcsim="$root/build/app/gcsim"
tmp=$(mktemp -d /tmp/gcsim-sbs-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

trace=${1:-}
if [ -z "$trace" ]; then
  echo "generating the default ring trace ..." >&2
  "$gcsim" trace gen ring --out "$tmp/ring.gctb"
  trace="$tmp/ring.gctb"
  default_ring=1
else
  trace=$(cd "$(dirname "$trace")" && pwd)/$(basename "$trace")
  default_ring=0
fi

# The Go program.
go_kind=""
if [ -f workloads/go/replayer/main.go ] &&
   (cd workloads/go/replayer && "$GO" build -o "$tmp/replayer" . ) >"$tmp/go_build.log" 2>&1; then
  go_kind=replayer
elif [ "$default_ring" = 1 ] && (cd workloads/go/ring_calibration && "$GO" build -o "$tmp/ringcal" . ) \
      >>"$tmp/go_build.log" 2>&1; then
  go_kind=ring_calibration
  echo "note: workloads/go/replayer unavailable; using workloads/go/ring_calibration (the default ring by hand)" >&2
else
  cat "$tmp/go_build.log" >&2
  echo "side_by_side: no Go program could be built (replayer, or ring_calibration for the default trace)" >&2
  exit 1
fi

cat >"$tmp/exp.json" <<EOF
{"schema_version": 1, "name": "side-by-side", "seed": 1,
 "workload": {"kind": "trace", "params": {"path": "$trace"}},
 "runtime": {"gogc": 100, "gomaxprocs": 2}}
EOF

now_ns() { date +%s%N; }
best() { sort -n | head -1; }

go_walls=() go_loops=() sim_walls=()
for i in $(seq "$REPEATS"); do
  t0=$(now_ns)
  if [ "$go_kind" = replayer ]; then
    GOMAXPROCS=2 GOGC=100 "$tmp/replayer" -trace "$trace" -metrics "$tmp/go_$i.json"
  else
    GOMAXPROCS=2 GOGC=100 "$tmp/ringcal" >"$tmp/go_$i.json"
  fi
  t1=$(now_ns)
  go_walls+=($((t1 - t0)))
  go_loops+=("$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["wall_ns"])' "$tmp/go_$i.json")")

  t0=$(now_ns)
  "$gcsim" run "$tmp/exp.json" --out "$tmp/sim_$i" --quiet
  t1=$(now_ns)
  sim_walls+=($((t1 - t0)))
done

# For the default ring, also the hand-written Go program (no trace interpretation): for reference.
ringcal_loop=0
if [ "$default_ring" = 1 ] && [ "$go_kind" = replayer ] &&
   (cd workloads/go/ring_calibration && "$GO" build -o "$tmp/ringcal" . ) >>"$tmp/go_build.log" 2>&1; then
  ringcal_loops=()
  for i in $(seq "$REPEATS"); do
    GOMAXPROCS=2 GOGC=100 "$tmp/ringcal" >"$tmp/ringcal_$i.json"
    ringcal_loops+=("$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["wall_ns"])' "$tmp/ringcal_$i.json")")
  done
  ringcal_loop=$(printf '%s\n' "${ringcal_loops[@]}" | best)
fi

go_wall=$(printf '%s\n' "${go_walls[@]}" | best)
go_loop=$(printf '%s\n' "${go_loops[@]}" | best)
sim_wall=$(printf '%s\n' "${sim_walls[@]}" | best)
python3 - "$go_kind" "$trace" "$tmp/go_1.json" "$tmp/sim_1/summary.json" "$go_wall" "$go_loop" "$sim_wall" \
  "$REPEATS" "$ringcal_loop" <<'EOF'
import json, os, sys
kind, trace, go_json, sim_json = sys.argv[1:5]
go_wall, go_loop, sim_wall = (int(x) / 1e9 for x in sys.argv[5:8])
repeats = sys.argv[8]
ringcal_loop = int(sys.argv[9]) / 1e9
g = json.load(open(go_json))
s = json.load(open(sim_json))
go_gc = g.get("NumGC", g.get("num_gc"))
print("trace: %s (%.0f MiB, %d events)" % (trace, os.path.getsize(trace) / 2**20, s["events"]))
print("GOMAXPROCS=2 GOGC=100, best of %s runs each" % repeats)
print("  real Go (%s, %s): process wall %.3f s, of which the %s %.3f s; %s GC cycles"
      % (kind, g.get("go_version", "?"), go_wall, "replay loop" if kind == "replayer" else "allocation loop",
         go_loop, go_gc))
print("  gcsim run:  process wall %.3f s (%s events, %.1f M events/s); %s GC cycles"
      % (sim_wall, s["events"], s["events"] / sim_wall / 1e6, s["num_gc"]))
print("ratio gcsim / Go: %.3f against Go's loop alone, %.3f process to process  (target <= 0.25)"
      % (sim_wall / go_loop, sim_wall / go_wall))
if ringcal_loop > 0:
    print("for reference, the hand-written ring program (workloads/go/ring_calibration): loop %.3f s; "
          "gcsim / it = %.3f" % (ringcal_loop, sim_wall / ringcal_loop))
EOF
