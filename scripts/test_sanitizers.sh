#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UndefinedBehaviorSanitizer into build-asan/ and runs the
# whole meson test suite there. Skipped: the `perf` suite (throughput targets are meaningless at
# ASan's 2-10x slowdown); meson benchmarks (sweep-jobs timing) are never run by `meson test`.
# Any sanitizer report aborts the test that triggered it (halt_on_error), so the suite fails.
set -euo pipefail
cd "$(dirname "$0")/.."
B=build-asan
if [ ! -f $B/build.ninja ]; then
  meson setup $B -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized >/dev/null
fi
ninja -C $B >/dev/null
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1:print_summary=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1:print_summary=1
meson test -C $B --print-errorlogs --no-suite perf --timeout-multiplier 4 "$@"
