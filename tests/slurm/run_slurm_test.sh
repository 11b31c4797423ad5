#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# End-to-end test of gcsim sweeps on a real one-node Slurm cluster (Debian 12's slurmctld, slurmd,
# slurm-client and munge, installed by scripts/install_deps.sh). Everything runs from a private temp
# directory: its own munged (key, socket), its own slurm.conf, state and logs; nothing in /etc is
# used, no systemd. The daemons are stopped by PID at the end, also on failure or SIGTERM.
#
#   1. tests/slurm/sweep16.json (16 points) is submitted with scripts/slurm/submit.sh as a 4-task
#      job array plus a merge job after it; every task and the merge must succeed, and the merged
#      results.csv, results.json and runs/ must equal those of `gcsim sweep --jobs 1` byte for byte.
#   2. tests/slurm/sweep_failing.json (the same 16 points plus one whose trace is corrupt) likewise:
#      array task 0 must fail (exit 1), the others succeed; the merge job must fail and name the
#      point, its shard/task and its error; every other point's result must be kept, and
#      results.csv must again equal the local `--jobs 1` run's.
#
# usage: run_slurm_test.sh GCSIM SOURCE_ROOT        (meson test --suite slurm runs it)
# Exit 0 pass, 1 fail, 77 skip (not root: slurmd must run as root). KEEP=1 keeps the temp dir.
#
# Pitfalls this avoids (measured on Debian 12 with Slurm 22.05): munged's socket dir must be 0755;
# batch_sched_delay=0 (else array waves start 3 s apart); MinJobAge stays at 300 (a lower one purges
# a failed task's record early and hides the failure); completion is polled with squeue, not
# `sbatch --wait` (it polls at 2, 10, 42 s); data goes in script arguments, not --export; port
# choice is serialised with flock; jobs are cancelled before the daemons stop; the long waits are
# short sleeps, so a SIGTERM (meson's timeout) is handled at once.
set -uo pipefail
gcsim=${1:?usage: run_slurm_test.sh GCSIM SOURCE_ROOT}
src=${2:?usage: run_slurm_test.sh GCSIM SOURCE_ROOT}
gcsim=$(realpath "$gcsim")
src=$(realpath "$src")

t_start=$(date +%s.%N)
elapsed() { awk -v a="$t_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
log() { echo "[$(elapsed) s] $*"; }
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: the Slurm test runs slurmd, which needs root"
  exit 77
fi
missing=()
for c in munged munge unmunge slurmctld slurmd sbatch squeue sinfo scontrol scancel flock python3; do
  command -v "$c" >/dev/null || missing+=("$c")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "FAIL: missing ${missing[*]}: run scripts/install_deps.sh (installs slurmctld slurmd slurm-client munge)"
  exit 1
fi

W=$(mktemp -d /tmp/gcsim-slurm-test.XXXXXX)
chmod 755 "$W"
mkdir -p "$W/munge" "$W/log" "$W/state" "$W/spool" "$W/run"
chmod 755 "$W/munge"  # munged: "execute permissions for all required" on the socket's directory
munged_pid="" slurmctld_pid="" slurmd_pid="" local16_pid="" localf_pid=""
export SLURM_CONF="$W/slurm.conf"

stop_pid() {  # stop_pid NAME PID: TERM, up to 15 s, then KILL
  local name=$1 pid=$2
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "cleanup: $name (pid $pid) ignored TERM, killing it"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  # Jobs outlive slurmd (slurmstepd is not its child): cancel them and wait for them to end first.
  if [ -n "$slurmctld_pid" ] && kill -0 "$slurmctld_pid" 2>/dev/null; then
    scancel --quiet --user=root 2>/dev/null
    for _ in $(seq 1 50); do
      [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
  stop_pid "local gcsim sweep" "$local16_pid"  # the local reference runs, if interrupted early
  stop_pid "local gcsim sweep" "$localf_pid"
  stop_pid slurmd "$slurmd_pid"
  stop_pid slurmctld "$slurmctld_pid"
  stop_pid munged "$munged_pid"
  if [ "$rc" != 0 ]; then
    echo "--- diagnostics (temp dir kept: $W)"
    if command -v ps >/dev/null; then ps -eo pid,ppid,stat,etime,args | grep -E 'slurm|munge' | grep -v grep; fi
    for f in "$W"/log/*; do
      echo "--- tail $f"
      tail -n 20 "$f"
    done
    for f in "$W"/out*/logs/*; do
      [ -f "$f" ] || continue
      echo "--- $f"
      cat "$f"
    done
  elif [ "${KEEP:-0}" = 1 ]; then
    echo "temp dir kept: $W"
  else
    rm -rf "$W"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'echo "interrupted"; exit 143' TERM
trap 'echo "interrupted"; exit 130' INT

# --- Local references (gcsim sweep --jobs 1), running while the cluster starts. The sweep paths are
# the ones submit.sh passes (absolute), so error messages that name the trace file agree.
sweep16=$(realpath "$src/tests/slurm/sweep16.json")
sweepf=$(realpath "$src/tests/slurm/sweep_failing.json")
"$gcsim" sweep "$sweep16" --jobs 1 --quiet --out "$W/local16" >"$W/log/local16.out" 2>&1 &
local16_pid=$!
"$gcsim" sweep "$sweepf" --jobs 1 --quiet --out "$W/localf" >"$W/log/localf.out" 2>&1 &
localf_pid=$!

# --- munged with a private key and socket.
dd if=/dev/urandom of="$W/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$W/munge/munge.key"
munge_socket="$W/munge/munge.socket"
# munged -F logs to stderr, not to --log-file.
munged -F --force --key-file="$W/munge/munge.key" --socket="$munge_socket" --pid-file="$W/munge/munged.pid" \
  --seed-file="$W/munge/munged.seed" --log-file="$W/log/munged.log" 2>"$W/log/munged.stderr" &
munged_pid=$!
ok=0
for _ in $(seq 1 100); do
  if munge -n -S "$munge_socket" 2>/dev/null | unmunge -S "$munge_socket" >/dev/null 2>&1; then ok=1; break; fi
  sleep 0.05
done
[ "$ok" = 1 ] || { fail "munged did not answer"; exit 1; }
log "munged up (pid $munged_pid)"

# --- slurm.conf; ports chosen and bound under a lock, so that two copies of this test can run at once.
host=$(hostname -s)
# The node's hardware line as slurmd sees it (sockets, cores, threads), with a small RealMemory.
hw=$(slurmd -C | head -n 1 | tr ' ' '\n' | grep -E '^(CPUs|Boards|SocketsPerBoard|CoresPerSocket|ThreadsPerCore)=' | tr '\n' ' ')
cpus=$(echo "$hw" | tr ' ' '\n' | sed -n 's/^CPUs=//p')
exec 9>"${TMPDIR:-/tmp}/gcsim-slurm-test.ports.lock"
flock -w 120 9 || { fail "could not lock the port file"; exit 1; }
read -r ctld_port slurmd_port < <(python3 - <<'PY'
import random, socket
def free(port):
    s = socket.socket()
    try:
        s.bind(("", port))
        return True
    except OSError:
        return False
    finally:
        s.close()
ports = [p for p in (6817, 6818) if free(p)]
if len(ports) < 2:
    ports = []
    while len(ports) < 2:
        p = random.randint(20000, 60000)
        if p not in ports and free(p):
            ports.append(p)
print(*ports)
PY
)
cat >"$W/slurm.conf" <<EOF
# Private one-node cluster of tests/slurm/run_slurm_test.sh
ClusterName=gcsimtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$munge_socket
StateSaveLocation=$W/state
SlurmdSpoolDir=$W/spool
SlurmctldPidFile=$W/run/slurmctld.pid
SlurmdPidFile=$W/run/slurmd.pid
SlurmctldLogFile=$W/log/slurmctld.log
SlurmdLogFile=$W/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
SchedulerParameters=batch_sched_delay=0
MinJobAge=300
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
MailProg=/bin/true
SlurmdParameters=config_overrides
NodeName=$host NodeAddr=127.0.0.1 $hw RealMemory=1000 State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
# 9>&-: the daemons must not inherit the lock.
slurmctld -D -c -i -f "$SLURM_CONF" >"$W/log/slurmctld.stderr" 2>&1 9>&- &
slurmctld_pid=$!
slurmd -D -f "$SLURM_CONF" -N "$host" >"$W/log/slurmd.stderr" 2>&1 9>&- &
slurmd_pid=$!
state=""
for _ in $(seq 1 300); do
  state=$(sinfo -h -N -o %t 2>/dev/null)
  [ "$state" = idle ] && break
  kill -0 "$slurmctld_pid" 2>/dev/null && kill -0 "$slurmd_pid" 2>/dev/null || break
  sleep 0.1
done
flock -u 9
exec 9>&-
[ "$state" = idle ] || { fail "node not idle (state '$state'; slurmctld/slurmd exited?)"; exit 1; }
log "slurmctld (pid $slurmctld_pid, port $ctld_port) and slurmd (pid $slurmd_pid, port $slurmd_port) up, node $host idle, $cpus CPUs"

# --- Helpers.
# wait_jobs ID...: polls squeue until none of the jobs is pending or running (at most 120 s).
wait_jobs() {
  local ids
  ids=$(IFS=,; echo "$*")
  for _ in $(seq 1 600); do
    local q
    if q=$(squeue -h -j "$ids" -o %i 2>&1); then
      [ -z "$q" ] && return 0
    elif echo "$q" | grep -q "Invalid job id"; then
      return 0
    fi
    sleep 0.2
  done
  fail "jobs $ids still queued or running after 120 s"
  squeue
  return 1
}
# task_states ARRAY_ID: "TASK STATE EXITCODE" per array task, sorted by task id.
task_states() {
  scontrol -o show job "$1" | while read -r line; do
    local t s e
    t=$(grep -o 'ArrayTaskId=[0-9]*' <<<"$line" | cut -d= -f2)
    s=$(grep -o 'JobState=[A-Z_]*' <<<"$line" | cut -d= -f2)
    e=$(grep -o ' ExitCode=[0-9]*:[0-9]*' <<<"$line" | cut -d= -f2)
    echo "$t $s $e"
  done | sort -n
}
job_state() { scontrol -o show job "$1" | grep -o 'JobState=[A-Z_]*' | cut -d= -f2; }
job_exit() { scontrol -o show job "$1" | grep -o ' ExitCode=[0-9]*:[0-9]*' | cut -d= -f2; }
# submit SWEEP OUT: scripts/slurm/submit.sh with 4 tasks; sets $array_id and $merge_id.
submit() {
  local ids
  ids=$(bash "$src/scripts/slurm/submit.sh" --gcsim "$gcsim" --tasks 4 "$1" "$2" 2>"$2.submit.err")
  local rc=$?
  cat "$2.submit.err"
  [ "$rc" = 0 ] || { fail "submit.sh exited $rc"; return 1; }
  read -r array_id merge_id <<<"$ids"
  [[ "$array_id" =~ ^[0-9]+$ && "$merge_id" =~ ^[0-9]+$ ]] || { fail "submit.sh printed '$ids', want two job ids"; return 1; }
}

# --- 1. The 16-point sweep as a job array: merged results byte-identical to the local run.
out=$W/out16
submit "$sweep16" "$out" || exit 1
log "submitted sweep16: array job $array_id (4 tasks), merge job $merge_id"
wait_jobs "$array_id" "$merge_id" || exit 1
log "array and merge finished"
states=$(task_states "$array_id")
want=$'0 COMPLETED 0:0\n1 COMPLETED 0:0\n2 COMPLETED 0:0\n3 COMPLETED 0:0'
[ "$states" = "$want" ] || fail "sweep16 array tasks: got [$states], want all 4 COMPLETED 0:0"
[ "$(job_state "$merge_id") $(job_exit "$merge_id")" = "COMPLETED 0:0" ] ||
  fail "sweep16 merge job: $(job_state "$merge_id") $(job_exit "$merge_id"), want COMPLETED 0:0"
grep -q "16 points: 16 ok, 0 failed, 0 missing" "$out/logs/gcsim-merge-$merge_id.out" ||
  fail "sweep16 merge log does not report 16 ok points"
for k in 0 1 2 3; do
  rec="$out/shards/$k-of-4.json"
  python3 - "$rec" "$array_id" "$k" <<'PY' || fail "sweep16 shard record $rec"
import json, sys
r = json.load(open(sys.argv[1]))
want = {"shard": f"{sys.argv[3]}/4", "state": "done", "slurm_task": f"{sys.argv[2]}_{sys.argv[3]}", "points": 4, "failed": []}
bad = {k: r.get(k) for k, v in want.items() if r.get(k) != v}
if bad:
    sys.exit(f"unexpected {bad}, want {want}")
PY
  # The task's own log (--output=%x-%A_%a.out), with gcsim's summary naming the task.
  grep -qF "4 points in shard $k/4 of 16 (Slurm array task ${array_id}_$k)" "$out/logs/gcsim-sweep-${array_id}_$k.out" ||
    fail "task $k log does not show shard $k/4 of Slurm task ${array_id}_$k"
done
wait "$local16_pid"
local16_rc=$?
wait "$localf_pid"
localf_rc=$?
local16_pid="" localf_pid=""
[ "$local16_rc" = 0 ] || fail "local sweep16 exited $local16_rc"
[ "$(wc -l <"$W/local16/results.csv")" = 17 ] || fail "local sweep16 results.csv should have 16 rows"
cmp "$W/local16/results.csv" "$out/results.csv" || fail "merged results.csv differs from gcsim sweep --jobs 1"
cmp "$W/local16/results.json" "$out/results.json" || fail "merged results.json differs from gcsim sweep --jobs 1"
diff -r "$W/local16/runs" "$out/runs" >/dev/null || fail "merged runs/ differ from gcsim sweep --jobs 1"
log "sweep16: 4 tasks COMPLETED, merge COMPLETED, results.csv/results.json/runs/ identical to --jobs 1"

# --- 2. One task fails (a point with a corrupt trace, in task 0): reported, nothing lost.
out=$W/outf
submit "$sweepf" "$out" || exit 1
log "submitted sweep_failing: array job $array_id (4 tasks), merge job $merge_id"
wait_jobs "$array_id" "$merge_id" || exit 1
log "array and merge finished"
states=$(task_states "$array_id")
want=$'0 FAILED 1:0\n1 COMPLETED 0:0\n2 COMPLETED 0:0\n3 COMPLETED 0:0'
[ "$states" = "$want" ] || fail "failing array tasks: got [$states], want task 0 FAILED 1:0, others COMPLETED 0:0"
[ "$(job_state "$merge_id") $(job_exit "$merge_id")" = "FAILED 1:0" ] ||
  fail "failing sweep merge job: $(job_state "$merge_id") $(job_exit "$merge_id"), want FAILED 1:0"
[ "$localf_rc" = 1 ] || fail "local failing sweep exited $localf_rc, want 1"
err=$(cat "$W/localf/runs/workload_trace0.error.txt")
case "$err" in *corrupt.gct:7:*) ;; *) fail "local failing point: unexpected error '$err'" ;; esac
mlog="$out/logs/gcsim-merge-$merge_id.out"
want_line="gcsim: sweep-merge: point workload_trace0 failed in shard 0/4 (Slurm task ${array_id}_0 on $host, pid "
grep -qF "$want_line" "$mlog" || fail "merge log does not name the failed point, shard and task: want '$want_line…'"
grep -F "$want_line" "$mlog" | grep -qF "): $err" || fail "merge log does not give the point's error '$err'"
grep -qF "INCOMPLETE: 1 failed and 0 missing of 17 points" "$mlog" || fail "merge log does not say the sweep is incomplete"
[ "$(grep -c 'sweep-merge: point ' "$mlog")" = 1 ] || fail "merge log reports other points than the failed one"
cmp "$W/localf/results.csv" "$out/results.csv" || fail "failing sweep: merged results.csv differs from gcsim sweep --jobs 1"
[ "$(grep -c ',ok,' "$out/results.csv")" = 16 ] || fail "failing sweep: want 16 ok rows"
grep -q '^workload_trace0,failed,.*corrupt\.gct:7:' "$out/results.csv" || fail "failing sweep: no failed row with the error"
# Nothing lost: the other points of the failing task (0, 4, 8, 12) finished and are in the merge.
for i in 0 4 8 12; do
  name=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["points"][int(sys.argv[2])]["name"])' \
    "$out/sweep.json" "$i")
  [ -f "$out/runs/$name/summary.json" ] || fail "point $i ($name) of the failing task is lost"
done
grep -q '"point": "workload_trace0"' "$out/shards/0-of-4.json" || fail "shard record 0-of-4 does not list the failed point"
log "sweep_failing: task 0 FAILED 1:0, merge FAILED 1:0 naming workload_trace0 and its error; 16 points kept; results.csv identical to --jobs 1"

if [ "$fails" = 0 ]; then
  log "PASS (2 job arrays, 2 merge jobs)"
  exit 0
fi
log "$fails check(s) failed"
exit 1
