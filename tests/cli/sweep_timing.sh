#!/usr/bin/env bash
# Sweep wall time with --jobs 1 and --jobs 2 (a benchmark, not a pass/fail test: `meson test --benchmark`).
# usage: sweep_timing.sh GCSIM [OBJECTS]   prints both wall times and their ratio (target <= 0.6 on 2 cores)
set -eu
gcsim="$1"
objects="${2:-4000000}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/sweep.json" <<JSON
{
  "schema_version": 1,
  "name": "timing",
  "base": {
    "schema_version": 1,
    "workload": {"kind": "ring", "params": {"slots": 524288, "total_objects": $objects}},
    "runtime": {"gomaxprocs": 2}
  },
  "sweep": {"runtime.gogc": [50, 100, 200, 400, 800, 75, 150, 300]}
}
JSON
wall() {  # wall seconds of one sweep into a fresh directory
  local t0=$EPOCHREALTIME
  "$gcsim" sweep "$tmp/sweep.json" --out "$tmp/out$1" --jobs "$1" --quiet
  awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'
}
j1=$(wall 1)
j2=$(wall 2)
cmp -s "$tmp/out1/results.csv" "$tmp/out2/results.csv" || { echo "results differ between --jobs 1 and 2"; exit 1; }
awk -v a="$j1" -v b="$j2" -v c="$(nproc)" 'BEGIN { printf "cores: %d\nsweep of 8 points: --jobs 1 %.2f s, --jobs 2 %.2f s, ratio %.2f\n", c, a, b, b / a }'
