// SPDX-License-Identifier: MIT
// Pure pacer formulas of Go 1.19 (runtime/mgcpacer.go), each with its derivation.
#pragma once

#include <cstdint>

namespace gcsim::pacer {

inline constexpr uint64_t kDefaultHeapMinimumBytes = 4 << 20;      // defaultHeapMinimum
inline constexpr uint64_t kMemoryLimitHeadroomBytes = 1 << 20;     // memoryLimitHeapGoalHeadroom (1.19)
inline constexpr uint64_t kSweepMinHeapDistanceBytes = 1 << 20;    // sweepMinHeapDistance (mgc.go)
inline constexpr uint64_t kMinRunwayBytes = 64 << 10;              // heapGoalInternal minRunway
inline constexpr uint64_t kTriggerRatioDen = 64;                   // triggerRatioDen
inline constexpr uint64_t kMinTriggerRatioNum = 45;                // ~0.7
inline constexpr uint64_t kMaxTriggerRatioNum = 61;                // ~0.95
inline constexpr double kGoalUtilization = 0.25;                   // gcGoalUtilization (1.18+)
inline constexpr double kBackgroundUtilization = 0.25;             // gcBackgroundUtilization
inline constexpr double kMaxUtilError = 0.3;                       // startCycle maxUtilError
inline constexpr uint64_t kNoGoal = UINT64_MAX;

/// heapMinimum = defaultHeapMinimum * GOGC / 100 (setGCPercent). GOGC=off (-1) gives no goal
/// anyway, so its minimum is irrelevant; return 0 for it.
constexpr uint64_t heap_minimum_bytes(int32_t gc_percent) {
  return gc_percent < 0 ? 0 : kDefaultHeapMinimumBytes * static_cast<uint64_t>(gc_percent) / 100;
}

/// The GOGC goal (commit, Go 1.19): N = M + (M + S + G) * GOGC/100 in integer arithmetic,
/// raised to heapMinimum. S is the previous cycle's scanned stack bytes (lastStackScan), G the
/// globals. GOGC=off → no goal (^uint64(0)). Example: M=100, S=1, G=0, GOGC=100 → 201.
constexpr uint64_t gogc_heap_goal_bytes(uint64_t heap_marked, uint64_t last_stack_scan, uint64_t globals,
                                        int32_t gc_percent) {
  if (gc_percent < 0) return kNoGoal;
  uint64_t goal = heap_marked + (heap_marked + last_stack_scan + globals) * static_cast<uint64_t>(gc_percent) / 100;
  uint64_t minimum = heap_minimum_bytes(gc_percent);
  return goal < minimum ? minimum : goal;
}

/// memoryLimitHeapGoal (Go 1.19): the heap may use what the limit leaves after non-heap memory,
/// minus 1 MiB headroom, and never less than M.
///   nonHeap = mappedReady - heapFree - heapAlloc;  overage = max(mappedReady - L, 0)
///   goal = L - (nonHeap + overage) - headroom   (or headroom if that underflows), at least M.
/// Go 1.21+ use a headroom of max(3 % of the goal, 1 MiB) instead (percent_headroom = true).
constexpr uint64_t memory_limit_heap_goal_bytes(uint64_t limit, uint64_t mapped_ready, uint64_t heap_free,
                                                uint64_t heap_alloc, uint64_t heap_marked,
                                                bool percent_headroom = false) {
  uint64_t non_heap = mapped_ready > heap_free + heap_alloc ? mapped_ready - heap_free - heap_alloc : 0;
  uint64_t overage = mapped_ready > limit ? mapped_ready - limit : 0;
  if (non_heap + overage >= limit) return heap_marked;
  uint64_t goal = limit - (non_heap + overage);
  uint64_t headroom = kMemoryLimitHeadroomBytes;
  if (percent_headroom && goal / 100 * 3 > headroom) headroom = goal / 100 * 3;
  if (goal < headroom || goal - headroom < headroom) {
    goal = headroom;
  } else {
    goal -= headroom;
  }
  return goal < heap_marked ? heap_marked : goal;
}

/// Runway (commit): bytes the mutator allocates while the GC does the expected scan work at the
/// goal utilization: consMark * (1-u)/u * (lastHeapScan + lastStackScan + globals) = 3·c·W.
constexpr uint64_t runway_bytes(double cons_mark, uint64_t last_heap_scan, uint64_t last_stack_scan,
                                uint64_t globals) {
  double w = static_cast<double>(last_heap_scan + last_stack_scan + globals);
  return static_cast<uint64_t>(cons_mark * (1 - kGoalUtilization) / kGoalUtilization * w);
}

/// trigger() bounds (Go 1.19): with d = goal - M,
///   min = max(minTrigger, M, M + d/64*45);  max = max(M + d/64*61, goal - 4 MiB if larger, min);
///   trigger = clamp(goal - runway, min, max) (minTrigger if runway > goal). If M >= goal the
///   trigger is the goal (continuous GC). Integer division before multiplication, as in Go.
constexpr uint64_t bounded_trigger_bytes(uint64_t goal, uint64_t min_trigger, uint64_t heap_marked,
                                         uint64_t runway) {
  if (heap_marked >= goal) return goal;
  if (min_trigger < heap_marked) min_trigger = heap_marked;
  uint64_t lower = (goal - heap_marked) / kTriggerRatioDen * kMinTriggerRatioNum + heap_marked;
  if (min_trigger < lower) min_trigger = lower;
  uint64_t max_trigger = (goal - heap_marked) / kTriggerRatioDen * kMaxTriggerRatioNum + heap_marked;
  if (goal > kDefaultHeapMinimumBytes && goal - kDefaultHeapMinimumBytes > max_trigger)
    max_trigger = goal - kDefaultHeapMinimumBytes;
  if (max_trigger < min_trigger) max_trigger = min_trigger;
  uint64_t trigger = runway > goal ? min_trigger : goal - runway;
  if (trigger < min_trigger) trigger = min_trigger;
  if (trigger > max_trigger) trigger = max_trigger;
  return trigger;
}

/// Background mark workers (startCycle): D = round(0.25·P); if that is off by more than 30 %,
/// use one fewer dedicated worker (when rounding went up) and a fractional worker for the rest.
/// P=1,2,3 → D=0, f=0.25; P=4 → D=1; P=6 → D=1, f=1/12; P=8 → D=2.
struct BackgroundWorkers {
  int dedicated = 0;
  double fractional_goal = 0;  ///< per P
};
inline BackgroundWorkers background_workers(int procs) {
  double total = static_cast<double>(procs) * kBackgroundUtilization;
  BackgroundWorkers w;
  w.dedicated = static_cast<int>(total + 0.5);
  double err = static_cast<double>(w.dedicated) / total - 1;
  if (err < -kMaxUtilError || err > kMaxUtilError) {
    if (static_cast<double>(w.dedicated) > total) --w.dedicated;
    w.fractional_goal = (total - static_cast<double>(w.dedicated)) / static_cast<double>(procs);
  }
  return w;
}

/// One cons/mark measurement (endCycle): the allocation rate over the scan rate, both per CPU-ns,
///   (H_end - Tr)·(u + u_idle) / (W·(1 - u)),  u = 0.25 + assist/(Δt·P), u_idle = idle/(Δt·P).
inline double measured_cons_mark(uint64_t heap_live, uint64_t triggered, double utilization,
                                 double idle_utilization, uint64_t scan_work) {
  return static_cast<double>(heap_live - triggered) * (utilization + idle_utilization) /
         (static_cast<double>(scan_work) * (1 - utilization));
}

}  // namespace gcsim::pacer
