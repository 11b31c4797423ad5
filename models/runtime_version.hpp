// SPDX-License-Identifier: MIT
// What changed between Go releases, as data (design.md §5): one row per supported version.
#pragma once

#include <string>
#include <vector>

namespace gcsim {

enum class ConsMarkSmoothing { kPiController, kMeanOfTwo, kMaxOfFive };

/// Differences between Go 1.19 … 1.23 that the models use (go-runtime-notes.md §14).
struct VersionTraits {
  std::string version;
  ConsMarkSmoothing smoothing;        ///< 1.19 PI controller; 1.20 mean of the last two; 1.21+ max of five
  bool triggered_is_heap_live;        ///< 1.20+: cons/mark measured from heapLive at cycle start (1.19: the trigger)
  bool limit_headroom_percent;        ///< 1.21+: memory-limit headroom max(3 %, 1 MiB) (1.19–1.20: 1 MiB)
  bool gctrace_stacks_scanned;        ///< 1.20+: gctrace "MB stacks" = lastStackScan (1.19: maxStackScan)
  bool scavenger_limit_goal_fixed;    ///< 1.22+: background scavenger goal 0.95·limit (≤1.21: L·95, inert)
  bool malloc_headers;                ///< 1.22+: +8 B header for scannable objects > 512 B; heap bits in small scan spans
};

/// The traits of `version` ("1.19" … "1.23"), or nullptr if unsupported.
const VersionTraits* find_version(const std::string& version);
/// Supported versions, for error messages.
std::vector<std::string> supported_versions();

}  // namespace gcsim
