#!/usr/bin/env bash
# The pacer redesign's nine scenarios, old (go1.5-legacy) and new (go1.19) pacer, in the idealised
# per-cycle mode and in the full event-driven simulator; then the side-by-side table and plots.
#
#   bash scripts/pacer_compare_modes.sh [OUT_DIR] [extra gcsim pacer-scenarios options...]
#
# OUT_DIR defaults to results/pacer-compare-modes. Writes OUT_DIR/compare_modes.md (and .csv),
# OUT_DIR/plots/compare-modes/<scenario>.png, plus everything `gcsim pacer-scenarios` writes
# (docs/PACERS.md, "The event-driven mode"). Plots need /usr/bin/python3 with matplotlib.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-results/pacer-compare-modes}
shift || true
[ -x build/app/gcsim ] || { echo "pacer_compare_modes.sh: build first (meson setup build && ninja -C build)" >&2; exit 2; }
build/app/gcsim pacer-scenarios --out "$out" --pacers go1.5-legacy,go1.19 --semantics runtime --event-driven --force "$@"
/usr/bin/python3 analysis/pacer/compare_modes.py "$out"
