// SPDX-License-Identifier: MIT
// Concurrent mark as a fluid model: background, idle and assist CPU drain the cycle's scan work.
#pragma once

#include <cstdint>

#include "sim/sim_time.hpp"

namespace gcsim::gc {

/// How the mark work of one cycle is sized (design.md §2): the snapshot at mark start.
struct MarkWork {
  uint64_t heap_scan_bytes = 0;     ///< pointerful bytes reachable at mark start
  uint64_t stack_scan_bytes = 0;    ///< stack bytes in use (hi - sp) at mark start
  uint64_t globals_scan_bytes = 0;  ///< data + bss
  uint64_t objects = 0;             ///< reachable slots to grey and blacken
  uint64_t scan_objects = 0;        ///< of those, pointerful objects (work-queue round trip + scanobject)
  uint64_t scan_object_bytes = 0;   ///< their sizes (mark_ns_per_object_byte count)
  uint64_t scattered_objects = 0;   ///< of objects, allocated into span holes (mark_ns_per_scattered_object count)
  double cpu_ns = 0;                ///< total GC CPU the cycle needs (from the cost model)

  uint64_t scan_bytes() const { return heap_scan_bytes + stack_scan_bytes + globals_scan_bytes; }
};

/// GC CPU available to background marking, in Ps (gcBgMarkWorker modes, mgc.go).
struct MarkCapacity {
  double dedicated_ps = 0;
  double fractional_ps = 0;
  double idle_ps = 0;
  double total() const { return dedicated_ps + fractional_ps + idle_ps; }
};

/// Progress of one mark phase. Work is tracked in GC CPU-ns; scan-work bytes (the pacer's unit)
/// are CPU-ns × scan_bytes / cpu_ns, so assists, credit and progress share one currency.
/// Background work accrues lazily in advance_to(); it flushes into a credit pool that assists
/// steal from first (gcFlushBgCredit / gcAssistAlloc, mgcmark.go).
class MarkPhase {
 public:
  void begin(sim::SimTimeNs now, const MarkWork& work, const MarkCapacity& capacity);
  /// Accrues background work up to `now` (never past completion).
  void advance_to(sim::SimTimeNs now);
  /// Changes the background capacity from `now` on (goroutines started/exited).
  void set_capacity(sim::SimTimeNs now, const MarkCapacity& capacity);
  /// When all work will be done at the current capacity; kTimeNever if it cannot progress.
  sim::SimTimeNs completion_time() const { return completion_ns_; }
  bool done() const { return cpu_done_ >= work_.cpu_ns; }

  /// An assist asks for `units` of scan work (pacer units). Background credit is stolen first;
  /// the rest is done by the assisting goroutine. Returns {units stolen, units done, CPU-ns spent}.
  struct AssistResult {
    double stolen_units = 0;
    double done_units = 0;
    double cpu_ns = 0;
  };
  AssistResult assist(sim::SimTimeNs now, double units);

  uint64_t scan_work_done_bytes() const;
  const MarkWork& work() const { return work_; }
  double dedicated_cpu_ns() const { return dedicated_ns_; }
  double fractional_cpu_ns() const { return fractional_ns_; }
  double idle_cpu_ns() const { return idle_ns_; }
  double assist_cpu_ns() const { return assist_ns_; }

 private:
  void update_completion();
  double units_per_cpu_ns() const;

  MarkWork work_;
  MarkCapacity capacity_;
  sim::SimTimeNs last_ns_ = 0;
  sim::SimTimeNs completion_ns_ = sim::kTimeNever;
  double cpu_done_ = 0;
  double credit_cpu_ns_ = 0;
  double dedicated_ns_ = 0, fractional_ns_ = 0, idle_ns_ = 0, assist_ns_ = 0;
};

}  // namespace gcsim::gc
