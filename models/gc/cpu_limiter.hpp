// SPDX-License-Identifier: MIT
// The GC CPU limiter of Go 1.19+ (runtime/mgclimit.go): a leaky bucket that caps GC CPU near 50 %.
#pragma once

#include <cstdint>

#include "sim/sim_time.hpp"

namespace gcsim::gc {

/// Fills with GC CPU time and drains with mutator CPU time, capacity GOMAXPROCS × 1 CPU-second.
/// While full it is "limiting": mark assists are skipped. Background workers are charged at exactly
/// 25 % of the window while the GC is enabled; STW transitions charge the whole window as GC time.
class CpuLimiter {
 public:
  static constexpr int64_t kCapacityPerProcNs = 1'000'000'000;  // capacityPerProc

  explicit CpuLimiter(int procs) : procs_(procs), capacity_ns_(static_cast<uint64_t>(procs) * kCapacityPerProcNs) {}

  /// updateLocked: account the window since the last update. `assist_ns` and `idle_ns` are the
  /// assist and idle (idle Ps + idle mark workers) CPU time accrued in the window.
  void update(sim::SimTimeNs now, int64_t assist_ns, int64_t idle_ns);
  /// startGCTransition / finishGCTransition around a stop-the-world phase change.
  void start_transition(sim::SimTimeNs now, bool enable_gc, int64_t assist_ns, int64_t idle_ns);
  void finish_transition(sim::SimTimeNs now);
  /// accumulate (mgclimit.go): the bucket arithmetic, exposed for tests.
  void accumulate(int64_t mutator_ns, int64_t gc_ns);
  /// resetCapacity (mgclimit.go): GOMAXPROCS changed to `procs` (after an update to `now`).
  void reset_capacity(sim::SimTimeNs now, int procs);
  /// needUpdate: more than gcCPULimiterUpdatePeriod (10 ms) since the last update.
  bool need_update(sim::SimTimeNs now) const { return now - last_update_ > kUpdatePeriodNs; }
  static constexpr sim::DurationNs kUpdatePeriodNs = 10'000'000;  // gcCPULimiterUpdatePeriod

  bool limiting() const { return enabled_; }
  uint64_t fill_ns() const { return fill_ns_; }
  uint64_t capacity_ns() const { return capacity_ns_; }
  uint64_t overflow_ns() const { return overflow_ns_; }
  sim::SimTimeNs last_update() const { return last_update_; }
  /// Times the limiter switched on.
  uint64_t enable_count() const { return enable_count_; }
  void set_last_update(sim::SimTimeNs t) { last_update_ = t; }
  void set_fill(uint64_t fill) { fill_ns_ = fill; }

 private:
  int procs_;
  uint64_t capacity_ns_;
  uint64_t fill_ns_ = 0;
  uint64_t overflow_ns_ = 0;
  bool enabled_ = false;
  bool gc_enabled_ = false;
  sim::SimTimeNs last_update_ = 0;
  uint64_t enable_count_ = 0;
};

}  // namespace gcsim::gc
