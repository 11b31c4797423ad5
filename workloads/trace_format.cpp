// SPDX-License-Identifier: MIT
// Names and error wording shared by the trace readers and writers.
#include "workloads/trace_format.hpp"

namespace gcsim::workload {

std::string_view event_name(EventKind kind) {
  switch (kind) {
    case EventKind::kAlloc: return "alloc";
    case EventKind::kFree: return "free";
    case EventKind::kWork: return "work";
    case EventKind::kPtrWrite: return "write";
    case EventKind::kGoStart: return "go";
    case EventKind::kGoExit: return "exit";
    case EventKind::kStack: return "stack";
    case EventKind::kGlobals: return "globals";
    case EventKind::kPoolPut: return "pool_put";
    case EventKind::kPoolGet: return "pool_get";
    case EventKind::kForceGc: return "gc";
    case EventKind::kMemStats: return "memstats";
  }
  return "?";
}

std::string range_message(std::string_view field, uint64_t value, uint64_t lo, uint64_t hi) {
  return std::string(field) + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " +
         std::to_string(value);
}

}  // namespace gcsim::workload
