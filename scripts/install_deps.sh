#!/usr/bin/env bash
# Installs what gcsim needs from Debian 12's packages, only what is missing (idempotent).
set -euo pipefail
pkgs=(meson ninja-build pkg-config cmake g++ libboost-program-options-dev nlohmann-json3-dev libeigen3-dev
      doctest-dev python3 python3-matplotlib python3-numpy)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "gcsim: installing ${missing[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
