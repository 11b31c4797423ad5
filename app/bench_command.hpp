// SPDX-License-Identifier: MIT
// `gcsim bench`: generates seeded inputs, replays them through simulate() and prints throughput.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace gcsim::app {

/// `gcsim bench [--quick] [--json FILE] [--dir TMPDIR]` (args without the word "bench").
/// Generates its traces (fixed seeds) into a fresh directory under TMPDIR (default: the system
/// temporary directory), replays each through app::simulate() exactly as `gcsim run` does with a
/// {"kind": "trace"} workload, and prints a table (events/s, wall and CPU time, peak RSS, linearity in
/// trace length, RSS flatness, sweep throughput with 1 and all worker threads, GC cycles/s of the
/// per-cycle pacer mode, a fixed reference loop, the targets).
/// Every measurement runs in a forked child so that each peak RSS (getrusage ru_maxrss) is its own.
/// The temporary directory is removed before returning (also on errors). `--json FILE` writes the
/// figures (tests/perf/perf_check.py reads it). Bad arguments throw InputError; returns 0.
int run_bench_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& log);

}  // namespace gcsim::app
