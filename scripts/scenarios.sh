#!/usr/bin/env bash
# Runs the 16 concept scenarios (configs/scenarios/) into results/scenarios/<name>/, draws one figure
# per scenario and prints the measured-effects table (configs/scenarios/README.md).
#   bash scripts/scenarios.sh [OUT_DIR]     (default results/scenarios; needs a build: scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-results/scenarios}"
gcsim=build/app/gcsim
[ -x "$gcsim" ] || bash scripts/build.sh
/usr/bin/python3 tests/scenarios/run_scenarios.py "$gcsim" . "$out" --jobs "$(nproc)"
/usr/bin/python3 analysis/scenarios/plot_scenarios.py "$out"
cat "$out/effects.md"
