#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Shards without a cluster: `gcsim sweep --count`, the shard taken from the Slurm array variables,
# their bad values (one line, exit 2, nothing written), shards sharing one output directory,
# scripts/slurm/run_local.sh (xargs) against `gcsim sweep --jobs 1`, and what `gcsim sweep-merge`
# reports for a failed point, a shard that never started and a shard killed mid-run.
#
# usage: test_shard_cli.sh GCSIM SOURCE_ROOT
set -u
gcsim=$(realpath "$1")
src=$(realpath "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
die() { echo "FAIL: $*"; fail=1; }
sweep16="$src/tests/slurm/sweep16.json"
sweepf="$src/tests/slurm/sweep_failing.json"
# Not inside an array task of the machine running the tests.
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_TASK_MIN SLURM_ARRAY_TASK_MAX SLURM_ARRAY_TASK_STEP SLURM_ARRAY_JOB_ID

# --count: the number of points, nothing run or written.
[ "$("$gcsim" sweep "$sweep16" --count --out "$tmp/nothing")" = 16 ] || die "--count of sweep16 should print 16"
[ "$("$gcsim" sweep "$sweepf" --count)" = 17 ] || die "--count of sweep_failing should print 17"
[ -e "$tmp/nothing" ] && die "--count created the output directory"

# expect_input_error NAME PATTERN CMD...: exit 2, one line on stderr matching PATTERN, no output dir.
expect_input_error() {
  local name=$1 pattern=$2
  shift 2
  rm -rf "$tmp/bad"
  "$@" --out "$tmp/bad" --jobs 1 --quiet >"$tmp/bad.out" 2>"$tmp/bad.err"
  local st=$?
  [ "$st" = 2 ] || die "$name: exit $st, want 2"
  [ "$(wc -l <"$tmp/bad.err")" = 1 ] || die "$name: stderr is not one line: $(cat "$tmp/bad.err")"
  grep -qE "$pattern" "$tmp/bad.err" || die "$name: message '$(cat "$tmp/bad.err")' does not match '$pattern'"
  [ -e "$tmp/bad" ] && die "$name: output directory created"
}
expect_input_error "task id not a number" '^gcsim: SLURM_ARRAY_TASK_ID: must be a non-negative integer, got .x.$' \
  env SLURM_ARRAY_TASK_ID=x SLURM_ARRAY_TASK_COUNT=4 "$gcsim" sweep "$sweep16"
expect_input_error "task id out of range" '^gcsim: SLURM_ARRAY_TASK_ID: 4 is outside the array 0-3 of 4 tasks$' \
  env SLURM_ARRAY_TASK_ID=4 SLURM_ARRAY_TASK_COUNT=4 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=3 "$gcsim" sweep "$sweep16"
expect_input_error "task id past the count" '^gcsim: SLURM_ARRAY_TASK_ID: 4 is not task 0\.\.3 ' \
  env SLURM_ARRAY_TASK_ID=4 SLURM_ARRAY_TASK_COUNT=4 "$gcsim" sweep "$sweep16"
expect_input_error "count missing" '^gcsim: SLURM_ARRAY_TASK_COUNT: is not set' \
  env SLURM_ARRAY_TASK_ID=1 "$gcsim" sweep "$sweep16"
expect_input_error "count not a number" '^gcsim: SLURM_ARRAY_TASK_COUNT: must be a non-negative integer' \
  env SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=four "$gcsim" sweep "$sweep16"
expect_input_error "--shard contradicts the task" '^gcsim: --shard: 2/4 contradicts the Slurm array task .*shard 1/4\)' \
  env SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=4 "$gcsim" sweep "$sweep16" --shard 2/4
expect_input_error "--force with shards" '^gcsim: --force: cannot be combined with shards' \
  "$gcsim" sweep "$sweep16" --shard 1/4 --force

# Shards from the array variables (1-based array, --array=1-4), all four into one directory.
shared="$tmp/shared"
for id in 1 2 3 4; do
  env SLURM_ARRAY_JOB_ID=900 SLURM_ARRAY_TASK_ID=$id SLURM_ARRAY_TASK_COUNT=4 SLURM_ARRAY_TASK_MIN=1 \
    SLURM_ARRAY_TASK_MAX=4 SLURM_ARRAY_TASK_STEP=1 "$gcsim" sweep "$sweep16" --out "$shared" --jobs 1 >"$tmp/task$id.out" 2>&1 ||
    die "array task $id exited $?"
  k=$((id - 1))
  grep -q "4 points in shard $k/4 of 16 (Slurm array task 900_$id)" "$tmp/task$id.out" || die "task $id: summary line: $(cat "$tmp/task$id.out")"
  grep -q '"slurm_task": "900_'"$id"'"' "$shared/shards/$k-of-4.json" || die "task $id: shard record"
  grep -q '"state": "done"' "$shared/shards/$k-of-4.json" || die "task $id: shard record not done"
  [ "$(ls -d "$shared"/runs/*/ | wc -l)" = $((4 * id)) ] || die "after task $id: $(ls "$shared/runs" | wc -l) run directories, want $((4 * id))"
  [ -e "$shared/results.csv" ] && die "a shard wrote results.csv (only the merge covers every point)"
done
"$gcsim" sweep "$sweep16" --out "$tmp/ref16" --jobs 1 --quiet || die "reference sweep16"
"$gcsim" sweep-merge "$shared" >"$tmp/merge.out" 2>"$tmp/merge.err" || die "in-place merge exited $?"
[ -s "$tmp/merge.err" ] && die "complete merge wrote to stderr: $(cat "$tmp/merge.err")"
cmp -s "$tmp/ref16/results.csv" "$shared/results.csv" || die "merged results.csv of the array tasks differs from --jobs 1"
cmp -s "$tmp/ref16/results.json" "$shared/results.json" || die "merged results.json of the array tasks differs from --jobs 1"

# The local runner (xargs), 5 shards of 16 points, 2 at a time.
bash "$src/scripts/slurm/run_local.sh" --gcsim "$gcsim" --tasks 5 --parallel 2 "$sweep16" "$tmp/local" >"$tmp/local.out" 2>&1 ||
  die "run_local.sh exited $?: $(cat "$tmp/local.out")"
cmp -s "$tmp/ref16/results.csv" "$tmp/local/results.csv" || die "run_local.sh results.csv differs from --jobs 1"
[ "$(ls "$tmp/local/shards" | wc -l)" = 5 ] || die "run_local.sh: want 5 shard records"

# ... with a failing point: exit 1, the point and its error on stderr, every other point kept.
"$gcsim" sweep "$sweepf" --out "$tmp/reff" --jobs 1 --quiet 2>/dev/null
[ $? = 1 ] || die "reference failing sweep should exit 1"
err=$(cat "$tmp/reff/runs/workload_trace0.error.txt")
case "$err" in *corrupt.gct:7:*) ;; *) die "unexpected error of the corrupt trace: $err" ;; esac
bash "$src/scripts/slurm/run_local.sh" --gcsim "$gcsim" --tasks 4 --parallel 2 "$sweepf" "$tmp/localf" >"$tmp/localf.out" 2>"$tmp/localf.err"
st=$?
[ "$st" = 1 ] || die "run_local.sh with a failing point: exit $st, want 1"
grep -qF "gcsim: sweep-merge: point workload_trace0 failed in shard 0/4 (on $(hostname), pid " "$tmp/localf.err" ||
  die "run_local.sh: the merge does not name the failed point and shard: $(cat "$tmp/localf.err")"
grep -qF "): $err" "$tmp/localf.err" || die "run_local.sh: the merge does not give the error"
grep -qF "INCOMPLETE: 1 failed and 0 missing of 17 points" "$tmp/localf.err" || die "run_local.sh: no INCOMPLETE line"
cmp -s "$tmp/reff/results.csv" "$tmp/localf/results.csv" || die "run_local.sh failing results.csv differs from --jobs 1"
[ "$(grep -c ',ok,' "$tmp/localf/results.csv")" = 16 ] || die "run_local.sh failing sweep: want 16 ok rows"

# A shard that never started: its points are missing, and said so.
part="$tmp/partial"
for k in 0 1 3; do "$gcsim" sweep "$sweep16" --out "$part" --shard "$k/4" --jobs 1 --quiet || die "shard $k/4"; done
"$gcsim" sweep-merge "$part" >/dev/null 2>"$tmp/part.err"
st=$?
[ "$st" = 1 ] || die "merge with a shard never run: exit $st, want 1"
[ "$(grep -c 'missing: no shard ran it' "$tmp/part.err")" = 4 ] || die "merge should list 4 points no shard ran: $(cat "$tmp/part.err")"
grep -qF "INCOMPLETE: 0 failed and 4 missing of 16 points" "$tmp/part.err" || die "merge with a shard never run: no INCOMPLETE line"
[ "$(grep -c ',missing,' "$part/results.csv")" = 4 ] || die "want 4 missing rows"
[ "$(grep -c ',ok,' "$part/results.csv")" = 12 ] || die "the 12 finished points must be kept"

# A shard killed while running (SIGKILL, as a time limit or an OOM kill would): named by the merge.
cat >"$tmp/slow.json" <<'JSON'
{"schema_version": 1, "name": "slow",
 "base": {"schema_version": 1, "workload": {"kind": "ring", "params": {"slots": 65536, "total_objects": 100000}},
          "runtime": {"gomaxprocs": 2}},
 "sweep": {"workload.params.total_objects": [100000, 400000000]}}
JSON
"$gcsim" sweep "$tmp/slow.json" --out "$tmp/killed" --shard 1/2 --jobs 1 --quiet 2>/dev/null &
pid=$!
for _ in $(seq 1 500); do
  [ -e "$tmp/killed/shards/1-of-2.json" ] && break
  sleep 0.01
done
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
grep -q '"state": "running"' "$tmp/killed/shards/1-of-2.json" || die "killed shard: record should say running"
"$gcsim" sweep "$tmp/slow.json" --out "$tmp/killed" --shard 0/2 --jobs 1 --quiet || die "shard 0/2 of slow"
"$gcsim" sweep-merge "$tmp/killed" >/dev/null 2>"$tmp/killed.err"
st=$?
[ "$st" = 1 ] || die "merge after a killed shard: exit $st, want 1"
grep -qF "point total_objects_400000000 missing in shard 1/2 (on $(hostname), pid $pid): the shard started but never finished" "$tmp/killed.err" ||
  die "merge does not name the killed shard: $(cat "$tmp/killed.err")"
grep -q '^total_objects_100000,ok,' "$tmp/killed/results.csv" || die "killed shard: the other shard's point must be kept"
exit $fail
