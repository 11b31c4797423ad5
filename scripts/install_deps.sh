#!/usr/bin/env bash
# Installs what gcsim needs from Debian 12's packages, only what is missing (idempotent).
set -euo pipefail
# slurmctld slurmd slurm-client munge: the one-node Slurm cluster of the `slurm` test suite
# (tests/slurm/run_slurm_test.sh) and scripts/slurm/; no recommends (slurm-wlm would pull 43 packages).
# golang-1.19-go: the validation replayer (workloads/go/replayer) and the `validation-real` test.
pkgs=(meson ninja-build pkg-config cmake g++ libboost-program-options-dev nlohmann-json3-dev libeigen3-dev
      doctest-dev python3 python3-matplotlib python3-numpy
      slurmctld slurmd slurm-client munge golang-1.19-go)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "gcsim: installing ${missing[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  # Package scripts must not start system daemons (munge, slurm*): the tests start private ones.
  # Images without systemd usually have a policy-rc.d that says so; add a temporary one otherwise.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod 755 "$policy"
    trap '$SUDO rm -f "$policy"' EXIT
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
