// SPDX-License-Identifier: MIT
#include "models/process/invariants.hpp"

#include "sim/config/config_error.hpp"

namespace gcsim {
namespace {

constexpr uint64_t kWrapped = uint64_t{1} << 62;  // an unsigned counter above this went below zero

[[noreturn]] void fail(const stats::CycleRecord& c, const char* phase, const std::string& what) {
  throw InvariantError("cycle " + std::to_string(c.cycle) + ", after " + phase + ": " + what);
}

void check_counters(const alloc::Heap& heap, const stats::CycleRecord& c, const char* phase) {
  try {
    heap.check_invariants();
  } catch (const std::logic_error& e) {
    fail(c, phase, e.what());
  }
  const alloc::HeapFigures f = heap.figures();
  const std::pair<const char*, uint64_t> counters[] = {
      {"live_object_bytes", f.live_object_bytes},   {"live_slot_bytes", f.live_slot_bytes},
      {"heap_alloc_bytes", f.heap_alloc_bytes},     {"heap_inuse_bytes", f.heap_inuse_bytes},
      {"heap_free_bytes", f.heap_free_bytes},       {"heap_released_bytes", f.heap_released_bytes},
      {"heap_sys_bytes", f.heap_sys_bytes},         {"heap_live_bytes", f.heap_live_bytes},
      {"heap_scan_bytes", f.heap_scan_bytes},       {"span_tail_waste_bytes", f.span_tail_waste_bytes},
      {"empty_slot_bytes", f.empty_slot_bytes},     {"dead_unswept_bytes", f.dead_unswept_bytes},
      {"total_alloc_bytes", f.total_alloc_bytes},
  };
  for (const auto& [name, v] : counters)
    if (v >= kWrapped) fail(c, phase, std::string(name) + " is negative (wrapped to " + std::to_string(v) + ")");
  if (f.live_slot_bytes > f.heap_alloc_bytes)
    fail(c, phase, "live_slot_bytes " + std::to_string(f.live_slot_bytes) + " > heap_alloc_bytes " +
                       std::to_string(f.heap_alloc_bytes));
  if (f.heap_inuse_bytes > f.heap_sys_bytes)
    fail(c, phase, "heap_inuse_bytes " + std::to_string(f.heap_inuse_bytes) + " > heap_sys_bytes " +
                       std::to_string(f.heap_sys_bytes));
}

}  // namespace

bool invariant_checks_built_in() {
#if defined(GCSIM_CHECK_INVARIANTS) && GCSIM_CHECK_INVARIANTS
  return true;
#else
  return false;
#endif
}

void PhaseInvariants::after_sweep_termination(const alloc::Heap& heap, const stats::CycleRecord& c) {
  check_counters(heap, c, "sweep termination");
  const alloc::HeapFigures f = heap.figures();
  live_slot_bytes_at_mark_start_ = f.live_slot_bytes;
  total_alloc_bytes_at_mark_start_ = f.total_alloc_bytes;
}

void PhaseInvariants::after_mark_termination(const alloc::Heap& heap, const stats::CycleRecord& c) {
  check_counters(heap, c, "mark termination");
  const alloc::HeapFigures f = heap.figures();
  const uint64_t allocated_during_mark = f.total_alloc_bytes - total_alloc_bytes_at_mark_start_;
  if (c.heap_marked_bytes > live_slot_bytes_at_mark_start_ + allocated_during_mark)
    fail(c, "mark termination",
         "marked " + std::to_string(c.heap_marked_bytes) + " > live at mark start " +
             std::to_string(live_slot_bytes_at_mark_start_) + " + allocated during mark " +
             std::to_string(allocated_during_mark));
  if (c.next_trigger_bytes > c.next_goal_bytes)
    fail(c, "mark termination", "trigger " + std::to_string(c.next_trigger_bytes) + " > goal " +
                                    std::to_string(c.next_goal_bytes));
  if (!(c.start_ns <= c.mark_start_ns && c.mark_start_ns <= c.mark_term_ns))
    fail(c, "mark termination", "phase times out of order: start " + std::to_string(c.start_ns) + ", mark " +
                                    std::to_string(c.mark_start_ns) + ", mark termination " +
                                    std::to_string(c.mark_term_ns));
}

void PhaseInvariants::after_cycle_end(const alloc::Heap& heap, const stats::CycleRecord& c) {
  check_counters(heap, c, "the mark-termination pause (sweep starts)");
  if (c.end_ns < c.mark_term_ns)
    fail(c, "the mark-termination pause", "end " + std::to_string(c.end_ns) + " < mark termination " +
                                              std::to_string(c.mark_term_ns));
}

void simulated_time_overflow(const workload::EventSource& source) {
  throw InputError(source.describe(), "simulated time passed 2^62 ns (146 years); the trace's work or the cost "
                                      "model's costs are implausibly large");
}

}  // namespace gcsim
