#!/usr/bin/env bash
# Reduced validation in CI: gcsim against the real Go 1.19 runs recorded in
# docs/validation_results.json (no Go needed). Fails when NumGC, the mean heap goal or the peak heap
# of the scenarios that meet their targets today drift out of those targets.
# Usage: recorded_check.sh GCSIM SOURCE_ROOT
set -euo pipefail
gcsim=$1
root=$2
out=$(mktemp -d /tmp/gcsim_recorded_check.XXXXXX)
trap 'rm -rf "$out"' EXIT
v=$root/configs/validation
# NumGC, goal and peak where NumGC has 20 or more cycles (one cycle of ring-gogc100's 15 is 6.7 %,
# past the 5 % median target by construction; the 5 % is the median over scenarios).
/usr/bin/python3 "$root/analysis/validate/validate.py" \
  "$v/ring-gogc50.json" "$v/ring-limit100.json" "$v/ring-off-limit150.json" "$v/mixed-all.json" \
  --real-from "$root/docs/validation_results.json" --gcsim "$gcsim" --out "$out/a" \
  --check --check-metrics num_gc,goal_mib,peak_mib
# Goal and peak where NumGC has about 15 cycles.
/usr/bin/python3 "$root/analysis/validate/validate.py" \
  "$v/ring-all.json" "$v/growing.json" "$v/growing-all.json" \
  --real-from "$root/docs/validation_results.json" --gcsim "$gcsim" --out "$out/a2" \
  --check --check-metrics goal_mib,peak_mib
# GC CPU is checked for ring-gogc100 (with its goal and peak) and, below, where it meets its 25 %
# target.
/usr/bin/python3 "$root/analysis/validate/validate.py" "$v/ring-gogc100.json" \
  --real-from "$root/docs/validation_results.json" --gcsim "$gcsim" --out "$out/b" \
  --check --check-metrics goal_mib,peak_mib,gc_cpu_pct
# GC CPU % where it meets its 25 % target today with a margin (within 18 %; the others are listed in
# docs/VALIDATION.md).
/usr/bin/python3 "$root/analysis/validate/validate.py" "$v/ring-gogc50.json" "$v/ring-limit100.json" \
  "$v/ring-p1.json" "$v/growing.json" "$v/growing-all.json" \
  --real-from "$root/docs/validation_results.json" --gcsim "$gcsim" --out "$out/c" \
  --check --check-metrics gc_cpu_pct
