// SPDX-License-Identifier: MIT
#include "models/gc/cpu_limiter.hpp"

namespace gcsim::gc {

// accumulate (mgclimit.go@1.19).
void CpuLimiter::accumulate(int64_t mutator_ns, int64_t gc_ns) {
  uint64_t headroom = capacity_ns_ - fill_ns_;
  bool was_enabled = headroom == 0;
  int64_t change = gc_ns - mutator_ns;
  if (change > 0 && headroom <= static_cast<uint64_t>(change)) {
    overflow_ns_ += static_cast<uint64_t>(change) - headroom;
    fill_ns_ = capacity_ns_;
    if (!was_enabled) {
      enabled_ = true;
      ++enable_count_;
    }
    return;
  }
  if (change < 0 && fill_ns_ <= static_cast<uint64_t>(-change)) {
    fill_ns_ = 0;
  } else {
    fill_ns_ = static_cast<uint64_t>(static_cast<int64_t>(fill_ns_) + change);
  }
  if (change != 0 && was_enabled) enabled_ = false;
}

// updateLocked (mgclimit.go@1.19).
void CpuLimiter::update(sim::SimTimeNs now, int64_t assist_ns, int64_t idle_ns) {
  if (now < last_update_) return;
  int64_t window = (now - last_update_) * procs_;
  last_update_ = now;
  int64_t gc = assist_ns;
  if (gc_enabled_) gc += static_cast<int64_t>(static_cast<double>(window) * 0.25);
  window -= idle_ns;
  accumulate(window - gc, gc);
}

void CpuLimiter::start_transition(sim::SimTimeNs now, bool enable_gc, int64_t assist_ns, int64_t idle_ns) {
  update(now, assist_ns, idle_ns);
  gc_enabled_ = enable_gc;
}

// resetCapacity (mgclimit.go@1.19): a fill above the new capacity is cut to it and turns limiting
// on; one below it turns limiting off. Overflow is not touched.
void CpuLimiter::reset_capacity(sim::SimTimeNs now, int procs) {
  update(now, 0, 0);
  procs_ = procs;
  capacity_ns_ = static_cast<uint64_t>(procs) * kCapacityPerProcNs;
  if (fill_ns_ > capacity_ns_) {
    fill_ns_ = capacity_ns_;
    if (!enabled_) ++enable_count_;
    enabled_ = true;
  } else if (fill_ns_ < capacity_ns_) {
    enabled_ = false;
  }
}

void CpuLimiter::finish_transition(sim::SimTimeNs now) {
  if (now >= last_update_) accumulate(0, (now - last_update_) * procs_);
  last_update_ = now;
}

}  // namespace gcsim::gc
