#!/usr/bin/env bash
# Installs, builds and runs the whole test suite (what CI runs), then the same suite under
# AddressSanitizer + UndefinedBehaviorSanitizer (scripts/test_sanitizers.sh; SKIP_SANITIZERS=1 skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
bash scripts/build.sh
meson test -C build --print-errorlogs
if [ "${SKIP_SANITIZERS:-0}" != 1 ]; then
  bash scripts/test_sanitizers.sh
fi
