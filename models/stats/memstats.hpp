// SPDX-License-Identifier: MIT
// A runtime.MemStats snapshot taken when the trace calls runtime.ReadMemStats, and its JSONL formatter.
#pragma once

#include <array>
#include <cstdint>
#include <iosfwd>
#include <vector>

#include "sim/sim_time.hpp"

namespace gcsim::stats {

/// The fields of runtime.MemStats (mstats.go@1.19) the simulator models, named as in Go (snake_cased
/// in the JSON output: heap_alloc, num_gc, pause_ns, ...). Sizes in bytes, times in simulated ns.
struct MemStatsSnapshot {
  sim::SimTimeNs t_ns = 0;     ///< when ReadMemStats ran (not a MemStats field)
  uint32_t goroutine = 0;      ///< who called it (not a MemStats field)
  uint64_t heap_alloc = 0;     ///< HeapAlloc (= Alloc): allocated slots not yet freed by sweeping
  uint64_t total_alloc = 0;    ///< TotalAlloc: cumulative slot bytes allocated
  uint64_t sys = 0;            ///< Sys
  uint64_t mallocs = 0;        ///< Mallocs (tiny sub-objects included)
  uint64_t frees = 0;          ///< Frees (slots freed by sweeping)
  uint64_t heap_sys = 0;       ///< HeapSys
  uint64_t heap_idle = 0;      ///< HeapIdle = HeapSys − HeapInuse
  uint64_t heap_inuse = 0;     ///< HeapInuse
  uint64_t heap_released = 0;  ///< HeapReleased
  uint64_t heap_objects = 0;   ///< HeapObjects = Mallocs − Frees
  uint64_t stack_inuse = 0;    ///< StackInuse
  uint64_t next_gc = 0;        ///< NextGC: the heap goal
  sim::SimTimeNs last_gc = 0;  ///< LastGC: end of the last completed cycle (simulated ns; 0 = none)
  uint64_t pause_total_ns = 0; ///< PauseTotalNs
  /// PauseNs: STW time (both pauses) of the most recent 256 cycles, a circular buffer: the last
  /// cycle's pause is at [(num_gc + 255) % 256].
  std::array<uint64_t, 256> pause_ns{};
  uint32_t num_gc = 0;         ///< NumGC: completed cycles
  uint32_t num_forced_gc = 0;  ///< NumForcedGC: of which started by runtime.GC()
  double gc_cpu_fraction = 0;  ///< GCCPUFraction (Go 1.19 accounting, as summary.json)
};

/// memstats.jsonl: one JSON object per snapshot, in trace order.
void write_memstats_jsonl(std::ostream& os, const std::vector<MemStatsSnapshot>& snapshots);

}  // namespace gcsim::stats
