#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The same sharded run as scripts/slurm/submit.sh, on one machine with xargs (no install): TASKS
# shards of the sweep, PARALLEL at a time, each with one thread, into one shared OUT_DIR, then
# `gcsim sweep-merge OUT_DIR`. Exit status: the merge's (0 every point finished, 1 some point failed
# or is missing, each listed on stderr, 2 bad input).
#
# usage: scripts/slurm/run_local.sh [--gcsim PATH] [--tasks N] [--parallel P] SWEEP.json OUT_DIR
#   --tasks N     shards (default: the number of CPUs)
#   --parallel P  shards running at once (default: the number of CPUs)
#
# On one machine `gcsim sweep --jobs N` does the same with less overhead; this script is the
# shape of a cluster run (separate processes sharing a directory) without a cluster. With GNU parallel
# (apt-get install parallel) and a shared file system, the same over several hosts:
#   parallel -S host1,host2 -j 2 GCSIM sweep SWEEP --out OUT --jobs 1 --quiet --shard {}/8 ::: $(seq 0 7)
#   GCSIM sweep-merge OUT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "run_local.sh: $*" >&2; exit 2; }
gcsim="$here/../../build/app/gcsim"
tasks=$(nproc) parallel=$(nproc)
positional=()
while [ $# -gt 0 ]; do
  case "$1" in
    --gcsim) gcsim=$2; shift 2 ;;
    --tasks) tasks=$2; shift 2 ;;
    --parallel) parallel=$2; shift 2 ;;
    -h|--help) sed -n '3,16p' "$0"; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) positional+=("$1"); shift ;;
  esac
done
[ ${#positional[@]} -eq 2 ] || die "usage: run_local.sh [--gcsim PATH] [--tasks N] [--parallel P] SWEEP.json OUT_DIR"
[[ "$tasks" =~ ^[1-9][0-9]*$ ]] || die "--tasks must be a positive integer, got '$tasks'"
[[ "$parallel" =~ ^[1-9][0-9]*$ ]] || die "--parallel must be a positive integer, got '$parallel'"
[ -x "$gcsim" ] || die "gcsim binary not found: $gcsim (build it, or pass --gcsim)"
sweep=${positional[0]} out=${positional[1]}
# Not an array task, even if this runs inside a Slurm job: the shard comes from --shard.
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_TASK_MIN SLURM_ARRAY_TASK_MAX SLURM_ARRAY_TASK_STEP
"$gcsim" sweep "$sweep" --count >/dev/null || exit 2  # bad input: one line from gcsim, before any shard starts

# A shard that fails does not stop the others (xargs runs every one; it exits 123 if any failed);
# the merge then reports what is missing or failed.
set +e
seq 0 $((tasks - 1)) | xargs -P "$parallel" -I{} "$gcsim" sweep "$sweep" --out "$out" --jobs 1 --quiet --shard "{}/$tasks"
shards_rc=$?
"$gcsim" sweep-merge "$out"
merge_rc=$?
set -e
if [ "$merge_rc" = 0 ] && [ "$shards_rc" != 0 ]; then
  echo "run_local.sh: a shard exited with an error although every point finished (xargs status $shards_rc)" >&2
  exit 1
fi
exit "$merge_rc"
