// SPDX-License-Identifier: MIT
// The scenario table of Go 1.19's TestGcPacer (runtime/mgcpacer_test.go), expanded per cycle.
#pragma once

#include <string>
#include <vector>

#include "models/percycle/scenario.hpp"

namespace gcsim::percycle {

/// TestGcPacer's scenarios (Go 1.19), in the test's order: Steady, SteadyBigStacks,
/// SteadyBigGlobals, StepAlloc, HeavyStepAlloc, StepScannableFrac, HighGOGC, OscAlloc, JitterAlloc,
/// HeavyJitterAlloc, SmallHeapSlowAlloc, MediumHeapSlowAlloc, LargeHeapSlowAlloc,
/// SteadyMemoryLimit, SteadyMemoryLimitNoGCPercent, ExceedMemoryLimit, ExceedMemoryLimitNoGCPercent,
/// MaintainMemoryLimit, MaintainMemoryLimitNoGCPercent. Rates are KiB per CPU-ms, 8 cores, an
/// initial live heap of 256 KiB; the streams' combinators are Go's (models/percycle/streams.hpp),
/// its random streams are reseeded with our generator (same amplitude and seed constants).
std::vector<Scenario> go_test_scenarios();

/// One of them by name; throws std::out_of_range for an unknown name.
Scenario go_test_scenario(const std::string& name);

}  // namespace gcsim::percycle
