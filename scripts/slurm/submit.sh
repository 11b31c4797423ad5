#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Submits a gcsim sweep to Slurm as a job array (one group of points per task) plus a merge job that
# runs after the array, and prints "ARRAY_JOB_ID MERGE_JOB_ID" on stdout.
#
# usage: scripts/slurm/submit.sh [options] SWEEP.json OUT_DIR [-- sbatch options...]
#   --gcsim PATH         gcsim binary, reachable from the compute nodes (default: build/app/gcsim here)
#   --tasks N            array tasks = point groups (default: one per point, at most --max-tasks)
#   --points-per-task K  or: K points per task, tasks = ceil(points / K)
#   --max-tasks N        cap on the array size (default 1000: Slurm's default MaxArraySize is 1001)
#   --cpus N             CPUs per task = gcsim --jobs (default 1)
#   --time MINUTES       time limit per task (default: estimated, see below)
#   --mem MB             memory per task in MiB (default: estimated, see below)
#   --probe-points N     points run on this machine for the estimate (default 2; 0 = no probe,
#                        then --time and --mem are required)
#   --margin X           safety factor on the estimated time (default 3)
#   --no-merge           do not queue the merge job (run `gcsim sweep-merge OUT_DIR` yourself)
#   --dry-run            print the sbatch commands, submit nothing
# Everything after "--" goes to both sbatch calls (--partition, --account, --qos, ...).
#
# Array size: P = `gcsim sweep SWEEP.json --count`; tasks = min(P, --max-tasks) unless given; task k
# runs the points i with i mod tasks = k (gcsim's shard k/tasks), ceil(P / tasks) points at most.
#
# Estimate: the probe runs about --probe-points points spread over the sweep (shard 0 of
# ceil(P / probe)) with one thread into a temporary directory, and measures the wall time per point
# t and the peak resident memory R of gcsim. Then, per task:
#   time = ceil(points per task / cpus) · t · margin + 60 s, in whole minutes (at least 1);
#   mem  = max(100 MiB, 2 · cpus · R)   (cpus points at once, each about R; 2× for spread);
# and for the merge job: 10 minutes, max(256 MiB, 256 MiB + 20 · size of sweep.json).
# Points differ in cost (a small GOGC runs more GC cycles), so look at the probe's numbers, printed
# on stderr, and pass --time/--mem when you know better. A task that runs out of time is named by the
# merge and resumed by submitting again into the same OUT_DIR (finished points are kept).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

die() { echo "submit.sh: $*" >&2; exit 2; }
is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }

gcsim="$repo/build/app/gcsim"
tasks="" per_task="" max_tasks=1000 cpus=1 time_min="" mem_mb="" probe=2 margin=3 merge=1 dry=0
positional=() extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --gcsim) gcsim=$2; shift 2 ;;
    --tasks) tasks=$2; shift 2 ;;
    --points-per-task) per_task=$2; shift 2 ;;
    --max-tasks) max_tasks=$2; shift 2 ;;
    --cpus) cpus=$2; shift 2 ;;
    --time) time_min=$2; shift 2 ;;
    --mem) mem_mb=$2; shift 2 ;;
    --probe-points) probe=$2; shift 2 ;;
    --margin) margin=$2; shift 2 ;;
    --no-merge) merge=0; shift ;;
    --dry-run) dry=1; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '3,33p' "$0"; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) positional+=("$1"); shift ;;
  esac
done
[ ${#positional[@]} -eq 2 ] || die "usage: submit.sh [options] SWEEP.json OUT_DIR [-- sbatch options...]"
for v in max_tasks cpus probe; do is_uint "${!v}" || die "--${v//_/-} must be a non-negative integer, got '${!v}'"; done
[ "$cpus" -ge 1 ] && [ "$max_tasks" -ge 1 ] || die "--cpus and --max-tasks must be at least 1"
[[ "$margin" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--margin must be a number, got '$margin'"
[ -z "$tasks" ] || { is_uint "$tasks" && [ "$tasks" -ge 1 ]; } || die "--tasks must be a positive integer, got '$tasks'"
[ -z "$per_task" ] || { is_uint "$per_task" && [ "$per_task" -ge 1 ]; } || die "--points-per-task must be a positive integer"
[ -z "$tasks" ] || [ -z "$per_task" ] || die "give --tasks or --points-per-task, not both"
[ -z "$time_min" ] || { is_uint "$time_min" && [ "$time_min" -ge 1 ]; } || die "--time must be whole minutes >= 1"
[ -z "$mem_mb" ] || { is_uint "$mem_mb" && [ "$mem_mb" -ge 1 ]; } || die "--mem must be MiB >= 1"
[ -x "$gcsim" ] || die "gcsim binary not found: $gcsim (build it, or pass --gcsim)"
gcsim=$(realpath "$gcsim")
sweep=$(realpath "${positional[0]}") || die "no such sweep file: ${positional[0]}"
out=$(realpath -m "${positional[1]}")
# The shards must not inherit an array task of the shell we run in (submitting from inside a job).
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_TASK_MIN SLURM_ARRAY_TASK_MAX SLURM_ARRAY_TASK_STEP

points=$("$gcsim" sweep "$sweep" --count) || die "gcsim cannot read the sweep (message above)"
{ is_uint "$points" && [ "$points" -ge 1 ]; } || die "'$gcsim sweep --count' printed '$points', want a point count"
if [ -n "$per_task" ]; then
  tasks=$(( (points + per_task - 1) / per_task ))
elif [ -z "$tasks" ]; then
  tasks=$(( points < max_tasks ? points : max_tasks ))
fi
[ "$tasks" -le "$max_tasks" ] || die "$tasks tasks exceed --max-tasks $max_tasks (use --points-per-task)"
[ "$tasks" -le "$points" ] || tasks=$points
group=$(( (points + tasks - 1) / tasks ))
echo "submit.sh: $points points in $tasks array tasks of at most $group points, $cpus CPUs each" >&2

manifest_bytes=0
if [ -z "$time_min" ] || [ -z "$mem_mb" ]; then
  [ "$probe" -ge 1 ] || die "--probe-points 0 needs --time and --mem"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  stride=$(( (points + probe - 1) / probe ))
  # Prints "wall_seconds max_rss_kib exit_status" of the probe run.
  read -r probe_s rss_kib probe_rc < <(python3 - "$gcsim" sweep "$sweep" --out "$tmp/probe" --jobs 1 --quiet \
      --shard "0/$stride" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
print(f"{time.monotonic() - t:.3f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss} {rc}")
PY
)
  [ "$probe_rc" != 2 ] || die "the probe run failed with bad input (message above)"
  [ "$probe_rc" = 0 ] || echo "submit.sh: warning: a probe point failed (exit $probe_rc); the estimate is from the others" >&2
  probed=$(( (points + stride - 1) / stride ))
  manifest_bytes=$(stat -c %s "$tmp/probe/sweep.json" 2>/dev/null || echo 0)
  read -r est_min est_mb < <(awk -v s="$probe_s" -v n="$probed" -v g="$group" -v c="$cpus" -v m="$margin" \
      -v r="$rss_kib" 'BEGIN {
        per_point = s / n; waves = int((g + c - 1) / c);
        t = (waves * per_point * m + 60) / 60; tm = int(t); if (tm < t) tm++; if (tm < 1) tm = 1;
        mb = 2 * c * r / 1024; mm = int(mb); if (mm < mb) mm++; if (mm < 100) mm = 100;
        print tm, mm }')
  echo "submit.sh: probe: $probed points in ${probe_s} s, peak RSS $((rss_kib / 1024)) MiB -> estimate" \
    "--time=$est_min min, --mem=${est_mb} MiB per task" >&2
  time_min=${time_min:-$est_min}
  mem_mb=${mem_mb:-$est_mb}
fi
merge_mb=$(( 256 + 20 * manifest_bytes / 1048576 ))

# OUT must be a sweep directory before the tasks start, because Slurm needs OUT/logs to exist.
if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ] && [ ! -e "$out/sweep.json" ] && [ ! -d "$out/runs" ]; then
  die "$out exists and is not a gcsim sweep directory (choose another OUT_DIR)"
fi
run() {
  if [ "$dry" = 1 ]; then printf '%q ' "$@" >&2; echo >&2; echo "DRYRUN"; return 0; fi
  "$@"
}
[ "$dry" = 1 ] || mkdir -p "$out/runs" "$out/logs"
array=$(run sbatch --parsable --job-name=gcsim-sweep --array="0-$((tasks - 1))" --cpus-per-task="$cpus" \
  --time="$time_min" --mem="${mem_mb}M" --output="$out/logs/%x-%A_%a.out" "${extra[@]}" \
  "$here/gcsim_sweep.sbatch" "$gcsim" "$sweep" "$out")
array=${array%%;*}  # --parsable prints "jobid[;cluster]"
merge_id=""
if [ "$merge" = 1 ]; then
  merge_id=$(run sbatch --parsable --job-name=gcsim-merge --dependency="afterany:$array" --time=10 \
    --mem="${merge_mb}M" --output="$out/logs/%x-%j.out" "${extra[@]}" "$here/gcsim_merge.sbatch" "$gcsim" "$out")
  merge_id=${merge_id%%;*}
fi
echo "submit.sh: array job $array${merge_id:+, merge job $merge_id}; logs in $out/logs/;" \
  "results: $out/results.csv once the merge is done" >&2
echo "$array${merge_id:+ $merge_id}"
