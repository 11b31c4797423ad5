#!/usr/bin/env bash
# CLI behaviour a user meets: one-line errors with exit status 2, no partial output, working commands.
set -u
gcsim="$1"
src="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
expect() {  # expect STATUS PATTERN -- command...
  local want="$1" pattern="$2"
  shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" != "$want" ]; then echo "FAIL ($got != $want): $*"; cat "$tmp/err"; fail=1; return; fi
  if [ -n "$pattern" ] && ! grep -qE "$pattern" "$tmp/err" "$tmp/out"; then
    echo "FAIL (no '$pattern'): $*"; cat "$tmp/err"; fail=1; return
  fi
  if [ "$want" = 2 ] && [ "$(wc -l <"$tmp/err")" != 1 ]; then echo "FAIL (not one line): $*"; cat "$tmp/err"; fail=1; fi
}
cfg="$src/configs/experiments/mixed_small.json"
expect 0 "^class,bytes_per_obj" -- "$gcsim" sizeclasses
expect 2 "unknown command" -- "$gcsim" frobnicate
expect 2 "runtime.gogc" -- "$gcsim" run "$cfg" --set runtime.gogc=-3 --out "$tmp/r1"
expect 2 "runtime.gomaxprocss: unknown key" -- "$gcsim" run "$cfg" --set runtime.gomaxprocss=2 --out "$tmp/r1"
expect 2 "cannot open" -- "$gcsim" run "$tmp/missing.json"
printf '{\n "schema_version": 1,\n "workload": {\n' >"$tmp/broken.json"
expect 2 "broken.json:[0-9]+: invalid JSON" -- "$gcsim" run "$tmp/broken.json"
expect 2 "unrecognised option|unknown option" -- "$gcsim" run "$cfg" --bogus
expect 2 "" -- "$gcsim" run "$cfg" --seed notanumber
[ -e "$tmp/r1" ] && { echo "FAIL: partial output directory left behind"; fail=1; }
expect 0 "" -- "$gcsim" run "$cfg" --set workload.params.total_objects=20000 --out "$tmp/ok" --quiet
for f in resolved_config.json summary.json cycles.csv timeseries.csv gctrace.txt; do
  [ -s "$tmp/ok/$f" ] || { echo "FAIL: missing $f"; fail=1; }
done
expect 2 "already exists" -- "$gcsim" run "$cfg" --out "$tmp/ok" --quiet
expect 0 '"gogc": "off"' -- "$gcsim" run "$cfg" --set runtime.gogc=off --dry-run
expect 0 "go" -- "$gcsim" list
ev="$src/configs/pacers/event_driven_steady.json"
expect 0 "" -- "$gcsim" run "$ev" --out "$tmp/ev" --quiet
expect 2 "workload.params.file: file not found" -- "$gcsim" run "$ev" --set workload.params.file=nope.json --out "$tmp/ev2"
printf '{"global": {"gamma": 2}, "cycles": [{"alloc_rate": "x"}]}' >"$tmp/bad_scenario.json"
expect 2 "bad_scenario.json.cycles\[0\].alloc_rate" -- "$gcsim" run "$ev" --set "workload.params.file=$tmp/bad_scenario.json" --out "$tmp/ev2"
expect 2 "unknown pacer" -- "$gcsim" pacer-scenarios --out "$tmp/ps" --pacers go9 --event-driven
[ -e "$tmp/ev2" ] && { echo "FAIL: partial output directory left behind"; fail=1; }
exit $fail
