#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs every config of configs/scenarios/ with gcsim into OUT/<name>/ (a run or a sweep directory).

    run_scenarios.py GCSIM SOURCE_ROOT OUT [--jobs N]

Shared by scripts/scenarios.sh and tests/scenarios/test_scenarios.py. Exits non-zero if a run fails.
"""
import glob
import json
import os
import subprocess
import sys


def run_all(gcsim, root, out, jobs=2):
    configs = sorted(glob.glob(os.path.join(root, "configs", "scenarios", "[0-9][0-9]-*.json")))
    if len(configs) != 16:
        raise SystemExit(f"expected 16 scenario configs, found {len(configs)}")
    os.makedirs(out, exist_ok=True)
    for cfg in configs:
        name = os.path.splitext(os.path.basename(cfg))[0]
        with open(cfg) as f:
            is_sweep = "sweep" in json.load(f)
        dest = os.path.join(out, name)
        cmd = [gcsim, "sweep" if is_sweep else "run", cfg, "--out", dest, "--force", "--quiet"]
        if is_sweep:
            cmd += ["--jobs", str(jobs)]
        subprocess.run(cmd, check=True)
    return [os.path.splitext(os.path.basename(c))[0] for c in configs]


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    jobs = int(sys.argv[sys.argv.index("--jobs") + 1]) if "--jobs" in sys.argv else 2
    run_all(sys.argv[1], sys.argv[2], sys.argv[3], jobs)
