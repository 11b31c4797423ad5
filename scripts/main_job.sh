#!/usr/bin/env bash
# The main job: install, build, run the GOGC sweep on the bundled calibrated workload, draw plots.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
bash scripts/build.sh
out=results/gogc-sweep-ring
./build/app/gcsim sweep configs/sweeps/gogc_ring.json --out "$out" --force
/usr/bin/python3 analysis/plot.py "$out"
echo "results: $out/results.csv and $out/runs/<point>/ (summary.json, cycles.csv, timeseries.csv, mmu.csv, pauses.csv, gctrace.txt)"
echo "plots:   $out/plots/"
