#!/usr/bin/env bash
# Reduced validation in CI against the real Go 1.19 runtime (issue 7): two scenarios replayed by
# workloads/go/replayer (3 runs each) and simulated by gcsim, checked against the accuracy targets:
#   ring-off-limit150 (GOGC=off, GOMEMLIMIT=150 MiB): NumGC (median <= 5 %, each run <= 15 %), mean
#                     heap goal (<= 10 %), peak heap (<= 15 %);
#   ring-gogc100      (GOGC=100, 64 MiB ring): mean heap goal (<= 10 %). Its NumGC (~15 cycles) is
#                     reported, not checked: one cycle is 6.7 %, past the 5 % target by construction.
# GC CPU is reported but not checked: on a shared 2-vCPU machine the real figure moves 1.5-2x with load.
# Real runs are measurements: a failing first attempt is measured once more with 5 fresh real runs,
# and only a second failure fails the test (a real regression fails both).
# Skips (exit 77) when Go 1.19 is not installed (scripts/install_deps.sh installs golang-1.19-go).
# Usage: real_reduced.sh GCSIM SOURCE_ROOT
set -euo pipefail
gcsim=$1
root=$2
go=/usr/lib/go-1.19/bin/go
if [ ! -x "$go" ]; then
  echo "skip: $go not found (apt-get install golang-1.19-go)"
  exit 77
fi
out=$(mktemp -d /tmp/gcsim_real_reduced.XXXXXX)
trap 'rm -rf "$out"' EXIT
export GOCACHE="$out/gocache" GOPATH="$out/gopath" GOFLAGS=-mod=mod
mkdir -p "$out/bin"
(cd "$root/workloads/go/replayer" && "$go" build -o "$out/bin/replayer" .)

# validate REPEATS SCENARIO METRICS
validate() {
  /usr/bin/python3 "$root/analysis/validate/validate.py" "$root/configs/validation/$2.json" \
    --repeats "$1" --gcsim "$gcsim" --replayer "$out/bin/replayer" --out "$out/$2-$1" \
    --check --check-metrics "$3"
}
check() {
  validate 3 "$1" "$2" && return 0
  echo "$1: first attempt missed a target; measuring the real side again (5 runs)"
  validate 5 "$1" "$2"
}
check ring-off-limit150 num_gc,goal_mib,peak_mib
check ring-gogc100 goal_mib
