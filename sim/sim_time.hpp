// SPDX-License-Identifier: MIT
// Simulated time: integer nanoseconds, never floating point.
#pragma once

#include <cstdint>

namespace gcsim::sim {

/// A point in simulated time, nanoseconds since the start of the run.
using SimTimeNs = int64_t;
/// A length of simulated time in nanoseconds.
using DurationNs = int64_t;

inline constexpr SimTimeNs kTimeNever = INT64_MAX;

}  // namespace gcsim::sim
