#!/usr/bin/env bash
# Sweeps from the command line: a sweep killed half-way (SIGKILL) and resumed ends with the same
# results as an uninterrupted one; exit statuses (1 = a point failed, 2 = bad input); shards + merge.
set -u
gcsim="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
die() { echo "FAIL: $*"; fail=1; }
# Finished points: directories renamed into place (staging directories are <point>.partial-<pid>).
finished() { ls -d "$1"/runs/*/summary.json 2>/dev/null | grep -vc '\.partial-'; }

# 16 points of a small ring workload (~0.2 s each).
cat >"$tmp/sweep.json" <<'JSON'
{
  "schema_version": 1,
  "name": "resume-test",
  "base": {
    "schema_version": 1,
    "seed": 5,
    "workload": {"kind": "ring", "params": {"slots": 65536, "total_objects": 3000000}},
    "runtime": {"gomaxprocs": 2}
  },
  "sweep": {"runtime.gogc": [25, 50, 100, 200, 400, 800, "off", 150], "runtime.gomaxprocs": [1, 2]}
}
JSON

"$gcsim" sweep "$tmp/sweep.json" --out "$tmp/ref" --jobs 2 --quiet || die "reference sweep failed"
[ "$(wc -l <"$tmp/ref/results.csv")" = 17 ] || die "reference results.csv should have 16 rows"

# Interrupted run: SIGKILL once a few points are finished.
"$gcsim" sweep "$tmp/sweep.json" --out "$tmp/part" --jobs 2 >"$tmp/part.out" 2>"$tmp/part.err" &
pid=$!
for _ in $(seq 1 3000); do
  n=$(finished "$tmp/part")
  [ "$n" -ge 4 ] && break
  sleep 0.01
done
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
done_before=$(finished "$tmp/part")
echo "killed after $done_before of 16 points"
[ "$done_before" -ge 4 ] || die "no point finished before the kill"
[ "$done_before" -lt 16 ] || die "the sweep finished before it could be killed (points too fast?)"

# Resume: the finished points are skipped, the rest run; same bytes as the uninterrupted sweep.
"$gcsim" sweep "$tmp/sweep.json" --out "$tmp/part" --jobs 2 >"$tmp/resume.out" 2>"$tmp/resume.err" || die "resume failed"
grep -q "$done_before already done" "$tmp/resume.out" || { die "resume did not skip $done_before points"; cat "$tmp/resume.out"; }
cmp -s "$tmp/ref/results.csv" "$tmp/part/results.csv" || { die "results.csv differs after resume"; diff "$tmp/ref/results.csv" "$tmp/part/results.csv"; }
cmp -s "$tmp/ref/results.json" "$tmp/part/results.json" || die "results.json differs after resume"
diff -r "$tmp/ref/runs" "$tmp/part/runs" >/dev/null || die "run directories differ after resume"
ls -d "$tmp"/part/runs/*.partial-* 2>/dev/null && die "staging directories left behind"
grep -q "ETA" "$tmp/part.err" || die "no progress lines on a non-terminal stderr"

# Another sweep into the same directory: exit 2, one line.
sed 's/"seed": 5/"seed": 6/' "$tmp/sweep.json" >"$tmp/other.json"
"$gcsim" sweep "$tmp/other.json" --out "$tmp/part" --quiet 2>"$tmp/err"
st=$?
[ "$st" = 2 ] || die "different sweep: exit $st, want 2"
grep -q "has results of a different sweep" "$tmp/err" || die "different sweep: message"
[ "$(wc -l <"$tmp/err")" = 1 ] || die "different sweep: not one line"

# A bad value fails before anything runs: exit 2, no directory.
"$gcsim" sweep "$tmp/sweep.json" --set 'sweep={"runtime.gogc":[100,-1]}' --out "$tmp/bad" --quiet 2>"$tmp/err"
st=$?
[ "$st" = 2 ] || die "bad value: exit $st, want 2"
grep -q "in sweep point gogc_-1" "$tmp/err" || die "bad value: message"
[ -e "$tmp/bad" ] && die "bad value: output directory created"

# A point failing at run time: exit 1, the others finish, the error is recorded.
printf 'not a trace\n' >"$tmp/bad.gct"
"$gcsim" sweep "$tmp/sweep.json" --set 'sweep={"workload":[{"kind":"trace","params":{"path":"bad.gct"}},{"kind":"ring","params":{"total_objects":100000}}]}' \
  --out "$tmp/failing" --quiet 2>"$tmp/err"
st=$?
[ "$st" = 1 ] || die "failing point: exit $st, want 1"
[ -s "$tmp/failing/runs/workload_trace0.error.txt" ] || die "failing point: no error file"
[ -s "$tmp/failing/runs/workload_ring1/summary.json" ] || die "failing point: the other point did not finish"
grep -q "^workload_trace0,failed," "$tmp/failing/results.csv" || die "failing point: results.csv row"

# Shards into separate directories, merged: the same results as one run.
for k in 0 1 2; do
  "$gcsim" sweep "$tmp/sweep.json" --shard "$k/3" --out "$tmp/shard$k" --jobs 1 --quiet || die "shard $k"
done
"$gcsim" sweep-merge "$tmp/merged" "$tmp/shard0" "$tmp/shard1" "$tmp/shard2" >/dev/null || die "sweep-merge"
cmp -s "$tmp/ref/results.csv" "$tmp/merged/results.csv" || die "merged results.csv differs"
"$gcsim" sweep-merge "$tmp/merged2" "$tmp/shard0" >/dev/null 2>&1
[ $? = 1 ] || die "sweep-merge with missing shards should exit 1"
exit $fail
