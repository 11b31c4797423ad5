// SPDX-License-Identifier: MIT
// Invariants of the simulated runtime checked after every GC phase, and the simulated-time guard.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "models/allocator/heap.hpp"
#include "models/stats/run_record.hpp"
#include "sim/sim_time.hpp"
#include "workloads/trace_event.hpp"

namespace gcsim {

/// True when built with GCSIM_CHECK_INVARIANTS (meson option `invariants`, on unless
/// buildtype=release, so in every test build): GoProcess then checks PhaseInvariants after every GC
/// phase. Otherwise only runs with output.check_invariants = true check them.
bool invariant_checks_built_in();

/// A broken invariant is a simulator bug, not bad input: the app reports "internal error" (exit 3).
class InvariantError : public std::logic_error {
 public:
  explicit InvariantError(const std::string& what) : std::logic_error("invariant violated: " + what) {}
};

/// Checks, at the end of each GC phase of one cycle (mgc.go order: sweep termination → mark →
/// mark termination → sweep):
/// - every span's slot counts are consistent and the heap's byte counters equal the sums over its
///   spans (Heap::check_invariants);
/// - no counter went negative (unsigned counters wrapped: above 2^62);
/// - marked ≤ live at mark start + allocated during mark (snapshot-at-the-beginning marking);
/// - trigger ≤ goal for the next cycle (mgcpacer.go throws "produced a trigger greater than the
///   heap goal"), and the phase timestamps of the cycle are ordered.
/// Throws InvariantError naming the cycle, the phase and the values.
class PhaseInvariants {
 public:
  void after_sweep_termination(const alloc::Heap& heap, const stats::CycleRecord& cycle);
  void after_mark_termination(const alloc::Heap& heap, const stats::CycleRecord& cycle);
  void after_cycle_end(const alloc::Heap& heap, const stats::CycleRecord& cycle);

 private:
  uint64_t live_slot_bytes_at_mark_start_ = 0;
  uint64_t total_alloc_bytes_at_mark_start_ = 0;
};

/// Simulated time is int64 ns; a trace can ask for more (2^50 ns of work per event). Past 2^62 ns
/// (146 years) the run stops with InputError(source.describe(), ...) instead of overflowing.
inline constexpr sim::SimTimeNs kMaxSimulatedNs = sim::SimTimeNs{1} << 62;
[[noreturn]] void simulated_time_overflow(const workload::EventSource& source);
inline void guard_simulated_time(sim::SimTimeNs now, const workload::EventSource& source) {
  if (now > kMaxSimulatedNs || now < 0) [[unlikely]]
    simulated_time_overflow(source);
}

}  // namespace gcsim
