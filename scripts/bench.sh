#!/usr/bin/env bash
# Builds gcsim and runs its benchmark: `gcsim bench` (full sizes; about a minute, ~0.5 GB of temporary
# files). Extra arguments go to gcsim bench, e.g.  bash scripts/bench.sh --quick --json /tmp/bench.json
# See docs/PERFORMANCE.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec build/app/gcsim bench "$@"
