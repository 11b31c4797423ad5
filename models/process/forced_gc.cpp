// SPDX-License-Identifier: MIT
// runtime.GC() (mgc.go@1.19, func GC): wait for the cycle in progress, run one full cycle, sweep it all.
#include "models/process/go_process.hpp"

namespace gcsim {

// GC(): n := work.cycles; gcWaitOnMark(n); gcStart(gcTrigger{kind: gcTriggerCycle, n: n+1});
// gcWaitOnMark(n+1); then the caller sweeps every remaining span (sweepone loop) before returning.
// The calling goroutine is blocked meanwhile: the mutator loop does not run until forced_gc_step()
// clears forced_gc_. Simplification: the blocked goroutine still counts as runnable for the mark
// workers' share of Ps (update_capacity), and the pacer treats the cycle like any other.
void GoProcess::force_gc() {
  if (phase_ == Phase::kOff) {
    start_cycle();
    cur_.forced = true;
    forced_gc_ = ForcedGc::kWaitForced;
  } else {
    forced_gc_ = ForcedGc::kWaitCurrent;  // gcWaitOnMark(n): the cycle in progress ends first
  }
}

// Called by run() while the mutator waits in runtime.GC(); true if it changed the state.
bool GoProcess::forced_gc_step() {
  if (phase_ != Phase::kOff) return false;
  if (forced_gc_ == ForcedGc::kWaitCurrent) {
    start_cycle();
    cur_.forced = true;
    forced_gc_ = ForcedGc::kWaitForced;
    return true;
  }
  // The forced cycle has ended: sweep everything now, on the caller's time (mgc.go GC: sweepone loop).
  uint32_t spans = heap_.finish_sweep();
  if (spans) {
    double cpu = spans * s_.cost.sweep_ns_per_span;
    rec_.totals.sweep_cpu_ns += cpu;
    advance_cpu(cpu);
  }
  forced_gc_ = ForcedGc::kNone;
  return true;
}

// The sweep CPU spent since the last cycle ended belongs to that cycle (its spans).
void GoProcess::close_sweep_record() {
  if (rec_.cycles.empty()) return;
  rec_.cycles.back().sweep_cpu_ns = rec_.totals.sweep_cpu_ns - sweep_cpu_at_cycle_end_ns_;
}

}  // namespace gcsim
