#!/bin/bash
# Replay of the ring trace vs the hand-written ring calibration program
# (workloads/go/ring_calibration), GOMAXPROCS=2 GOGC=100 GODEBUG=gctrace=1.
#
# Usage: workloads/go/replayer/run_ring_comparison.sh [RUNS [FIRST]]   (default 5 runs, numbered from 1;
#        FIRST > 1 redoes or adds runs FIRST..RUNS and keeps the others)
# Writes runs/{prog,replay,stream}K.{json,gctrace.txt} and runs/decodeK.json
# next to this script, then prints compare.py's tables (RESULTS.md).
#
# Environment: GO (default /usr/lib/go-1.19/bin/go), GCSIM (default
# build/app/gcsim of this checkout), WORK (scratch dir, default /tmp/replayer-work).
# Each run first waits until the machine is idle (< 10 % CPU busy over 1 s,
# up to IDLE_WAIT_S seconds, default 1800), because the machine is shared.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
runs=${1:-5}
first=${2:-1}
GO=${GO:-/usr/lib/go-1.19/bin/go}
GCSIM=${GCSIM:-$root/build/app/gcsim}
WORK=${WORK:-/tmp/replayer-work}
IDLE_WAIT_S=${IDLE_WAIT_S:-1800}
mkdir -p "$WORK" "$here/runs"
export GOCACHE=${GOCACHE:-$WORK/gocache} GOPATH=${GOPATH:-$WORK/gopath} GOFLAGS=-mod=mod

waitidle() {
  local t=0 b1 t1 b2 t2 busy
  snap() { awk '/^cpu /{b=$2+$3+$4+$7+$8+$9; print b, b+$5+$6}' /proc/stat; }
  while :; do
    read -r b1 t1 < <(snap); sleep 1; read -r b2 t2 < <(snap)
    busy=$(( 100 * (b2 - b1) / (t2 - t1 > 0 ? t2 - t1 : 1) ))
    [ "$busy" -lt 10 ] && return 0
    t=$((t + 1))
    if [ "$t" -ge "$IDLE_WAIT_S" ]; then echo "warning: machine still busy ($busy%), running anyway" >&2; return 0; fi
  done
}

(cd "$root/workloads/go/ring_calibration" && "$GO" build -o "$WORK/ringcal" .)
(cd "$here" && "$GO" build -o "$WORK/replayer" .)
"$GCSIM" trace gen ring --out "$WORK/ring.gctb"
"$GCSIM" trace stats "$WORK/ring.gctb" > "$here/runs/ring_trace_stats.txt"

cd "$here/runs"
for k in $(seq "$first" "$runs"); do
  waitidle
  GOMAXPROCS=2 GOGC=100 GODEBUG=gctrace=1 "$WORK/ringcal" > "prog$k.json" 2> "prog$k.gctrace.txt"
  waitidle
  GOMAXPROCS=2 GOGC=100 GODEBUG=gctrace=1 "$WORK/replayer" -trace "$WORK/ring.gctb" > "replay$k.json" 2> "replay$k.gctrace.txt"
  waitidle
  GOMAXPROCS=2 GOGC=100 GODEBUG=gctrace=1 "$WORK/replayer" -trace "$WORK/ring.gctb" -preload=false > "stream$k.json" 2> "stream$k.gctrace.txt"
  waitidle
  GOMAXPROCS=2 "$WORK/replayer" -trace "$WORK/ring.gctb" -mode decode > "decode$k.json"
  echo "run $k done" >&2
done
/usr/bin/python3 "$here/compare.py" "$here/runs"
