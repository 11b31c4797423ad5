// SPDX-License-Identifier: MIT
// `gcsim pacer-scenarios`: pacer strategies on per-GC-cycle scenarios, one CSV per run.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace gcsim::app {

/// `gcsim pacer-scenarios --out DIR [--pacers a,b] [--scenarios DIR] [--semantics model|runtime|both]
/// [--go-tests] [--steps N] [--bench] [--force] [--quiet]` (args without the command word).
/// Runs every pacer on every scenario of DIR (default configs/pacers/scenarios: the pacer redesign's
/// nine) and, with --go-tests, on Go 1.19's TestGcPacer table; writes
/// OUT/<semantics>/<scenario>/<pacer>.csv (one row per GC cycle), OUT/summary.csv (steady-state
/// overshoot and utilization per run) and OUT/manifest.json, atomically. --bench also times the
/// per-cycle mode and prints GC cycles per second. Bad arguments throw InputError; returns 0.
int run_pacer_scenarios_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& log);

}  // namespace gcsim::app
