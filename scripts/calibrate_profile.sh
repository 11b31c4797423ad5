#!/usr/bin/env bash
# Calibrate gcsim's cost model on this machine and Go version by least squares against real runs:
#   1. validate.py replays every configs/validation scenario REPEATS times on the real runtime
#      (workloads/go/replayer) and simulates it with the current gcsim (outputs in OUT/validation);
#   2. analysis/validate/calibration_obs.py turns the real gctrace/loop times and gcsim's mark work,
#      GOMAXPROCS and cost ledger into observations (scenario sets below, reasons in docs/VALIDATION.md);
#   3. `gcsim calibrate` fits them (non-negative least squares, models/calibration/least_squares.cpp)
#      and writes the profile. Use it with `"cost_model": {"profile_path": "PROFILE.json"}`.
#
#   bash scripts/calibrate_profile.sh [OUT_DIR] [PROFILE_NAME]     (REPEATS=5 GO=/usr/lib/go-1.19/bin/go)
#
# The bundled configs/profiles/go1.19-epyc-kvm.json took its collector costs from this fit; it keeps
# the hand-fitted mutator costs (see its description). Needs an idle machine: ~5 min with 5 repeats.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-results/calibration}
name=${2:-go1.19-$(hostname -s)}
GO=${GO:-/usr/lib/go-1.19/bin/go}
export GOCACHE=${GOCACHE:-/tmp/gcsim-gocache} GOPATH=${GOPATH:-/tmp/gcsim-gopath}
mkdir -p "$out"
bash scripts/build.sh
/usr/bin/python3 analysis/validate/validate.py configs/validation/*.json --repeats "${REPEATS:-5}" \
  --out "$out/validation" --go "$GO" --idle-wait 30
/usr/bin/python3 analysis/validate/calibration_obs.py "$out/validation" --anchor-ring --mutator \
  --anchor-weight 30 --mark-scenarios drop,goroutines,growing,growing-all,mixed,mixed-all,ring-gogc50,ring-gogc100,ring-gogc200,ring-noscan,ring-limit100,ring-all \
  --mutator-scenarios drop,growing,growing-all,mixed,mixed-all,ring-gogc50,ring-gogc100,ring-gogc200,ring-noscan,ring-limit100,ring-all \
  --out "$out/observations.json"
build/app/gcsim calibrate "$out/observations.json" --out "$out/$name.json" --name "$name"
echo "profile: $out/$name.json"
