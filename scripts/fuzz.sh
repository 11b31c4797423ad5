#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) into build-fuzz/ and runs one for a given time.
#   scripts/fuzz.sh TARGET SECONDS [extra libFuzzer flags...]
#   TARGET: fuzz_trace_text | fuzz_trace_binary | fuzz_config | fuzz_sweep | all (SECONDS each, in turn)
# Seed corpora come from the bundled files (configs/**.json, tests/fuzz/seeds/, small traces made by
# `gcsim trace gen` in both forms); the working corpus is build-fuzz/corpus/TARGET (kept between
# runs), crashes go to build-fuzz/artifacts/TARGET/. Exit status is libFuzzer's (0: nothing found).
# The last lines of the log (build-fuzz/logs/TARGET.log) give execs and coverage (cov:, ft:).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer flags]}
secs=${2:?usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer flags]}
shift 2
if [ "$target" = all ]; then
  for t in fuzz_trace_text fuzz_trace_binary fuzz_config fuzz_sweep; do bash "$0" "$t" "$secs" "$@"; done
  exit 0
fi
case "$target" in
  fuzz_trace_text|fuzz_trace_binary|fuzz_config|fuzz_sweep) ;;
  *) echo "fuzz.sh: unknown target '$target'" >&2; exit 2 ;;
esac
B=build-fuzz
if [ ! -f $B/build.ninja ]; then
  CC=clang CXX=clang++ meson setup $B -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
    -Dbuildtype=debugoptimized >/dev/null
fi
ninja -C $B "tests/fuzz/$target" >/dev/null
# gcsim for making seed traces: the regular build's if there is one, else this build's.
if [ -x build/app/gcsim ]; then GCSIM=build/app/gcsim; else ninja -C $B app/gcsim >/dev/null; GCSIM=$B/app/gcsim; fi

seeds=$B/seeds/$target
corpus=$B/corpus/$target
art=$B/artifacts/$target
mkdir -p "$seeds" "$corpus" "$art" $B/logs
rm -rf "$seeds" && mkdir -p "$seeds"
tracegen() {  # small traces of every generator, text and binary
  local dir=$B/seeds/traces
  if [ ! -d $dir ]; then
    mkdir -p $dir.tmp
    $GCSIM trace gen ring --out $dir.tmp/ring.gct --set slots=8 --set total_objects=40 --set goroutines=2 --set stack_bytes=8192 --set globals_bytes=4096 >/dev/null
    $GCSIM trace gen mixed --out $dir.tmp/mixed.gct --set total_objects=60 >/dev/null
    $GCSIM trace gen goroutines --out $dir.tmp/goroutines.gct --set goroutines=3 --set requests=6 --set use_pool=true --set live_bytes=4096 --set buffer_bytes=512 >/dev/null
    $GCSIM trace gen drop --out $dir.tmp/drop.gct --set live_bytes=2048 --set after_drop_live_bytes=512 --set total_alloc_bytes=8192 >/dev/null
    $GCSIM trace gen growing --out $dir.tmp/growing.gct --set final_live_bytes=2048 --set total_alloc_bytes=8192 >/dev/null
    cp tests/fuzz/seeds/*.gct $dir.tmp/
    for f in $dir.tmp/*.gct; do $GCSIM trace convert "$f" "${f%.gct}.gctb" >/dev/null 2>&1 || true; done
    mv $dir.tmp $dir
  fi
  echo $dir
}
case "$target" in
  fuzz_trace_text) cp "$(tracegen)"/*.gct "$seeds/" ;;
  fuzz_trace_binary) cp "$(tracegen)"/*.gctb "$seeds/" ;;
  fuzz_config)
    i=0
    for f in configs/experiments/*.json configs/validation/*.json; do
      cp "$f" "$seeds/$(basename "$f")"
      i=$((i + 1))
      # The same config with overrides (format: JSON, a line "%%", one path=value per line).
      { cat "$f"; printf '\n%%%%\nruntime.gogc=off\nruntime.memory_limit_bytes=104857600\npacer.kind=go\n'; } > "$seeds/set$i.txt"
    done
    { cat configs/experiments/ring_calibration.json; printf '\n%%%%\nworkload={"kind":"mixed","params":{"total_objects":100}}\nruntime.version="1.21"\n'; } > "$seeds/set_mixed.txt" ;;
  fuzz_sweep)
    cp configs/sweeps/*.json "$seeds/"
    base=$(cat configs/experiments/ring_calibration.json)
    printf '{"schema_version":1,"name":"z","base":%s,"sweep":[{"runtime.gogc":[50,100,"off"],"runtime.memory_limit_bytes":[null,209715200,1]}],"zip":[["runtime.gogc","runtime.memory_limit_bytes"]],"replicas":2}\n' "$base" > "$seeds/inline_zip.json"
    printf '{"schema_version":1,"base":%s,"sweep":{"runtime.gomaxprocs":[1,2],"pacer.kind":["go","legacy"]},"mode":"zip"}\n%%%%\nreplicas=3\n' "$base" > "$seeds/inline_mode.txt" ;;
esac

# Inputs that once crashed (each also has a regression test) stay in the seeds.
if [ -d tests/fuzz/regressions/$target ]; then cp tests/fuzz/regressions/$target/* "$seeds/"; fi

log=$B/logs/$target.log
echo "fuzz.sh: $target for ${secs}s (log: $log)"
set +e
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  $B/tests/fuzz/$target "$corpus" "$seeds" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 \
  -max_len=8192 -artifact_prefix="$art/" -print_final_stats=1 "$@" >"$log" 2>&1
rc=$?
set -e
grep -E '^#[0-9]+.*(DONE|cov:)' "$log" | tail -1
grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "$log" || true
if [ $rc -ne 0 ]; then echo "fuzz.sh: $target FAILED (exit $rc); see $log and $art/" >&2; fi
exit $rc
