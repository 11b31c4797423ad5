// SPDX-License-Identifier: MIT
// Plain records the simulated runtime emits: one row per GC cycle, samples over time, and totals.
#pragma once

#include <cstdint>
#include <vector>

#include "models/stats/memstats.hpp"
#include "models/stats/utilization_log.hpp"
#include "sim/sim_time.hpp"

namespace gcsim::stats {

/// One GC cycle, named after the runtime's own fields (gctrace, gcControllerState, work).
struct CycleRecord {
  uint32_t cycle = 0;                      ///< 1-based, as gctrace's "gc N"
  sim::SimTimeNs start_ns = 0;             ///< tSweepTerm
  sim::SimTimeNs mark_start_ns = 0;        ///< tMark (end of the sweep-termination pause)
  sim::SimTimeNs mark_term_ns = 0;         ///< tMarkTerm
  sim::SimTimeNs end_ns = 0;               ///< tEnd (end of the mark-termination pause)
  uint64_t heap_live_at_trigger_bytes = 0; ///< heap0: heapLive at gcStart
  uint64_t trigger_bytes = 0;              ///< the trigger this cycle started from
  uint64_t heap_peak_bytes = 0;            ///< heap1: heapLive at mark termination
  uint64_t heap_marked_bytes = 0;          ///< heap2: bytes marked (floating garbage included)
  uint64_t heap_goal_bytes = 0;            ///< lastHeapGoal: the goal at the end of mark
  uint64_t next_goal_bytes = 0;            ///< goal for the next cycle, after commit
  uint64_t next_trigger_bytes = 0;         ///< trigger for the next cycle, after commit
  uint64_t heap_scan_work_bytes = 0;
  uint64_t marked_objects = 0;            ///< reachable objects marked (the cost model's mark_ns_per_object count)
  uint64_t marked_scan_objects = 0;       ///< of those, pointerful (scan_ns_per_object count)
  uint64_t marked_scan_object_bytes = 0;    ///< their sizes (mark_ns_per_object_byte count)
  uint64_t marked_scattered_objects = 0;    ///< of marked_objects, allocated into span holes (mark_ns_per_scattered_object count)
  uint64_t faulted_since_last_mark_bytes = 0;  ///< span pages first touched (fresh or scavenged) since the last mark start
  uint64_t stack_scan_work_bytes = 0;
  uint64_t globals_scan_work_bytes = 0;
  uint64_t stacks_bytes = 0;               ///< maxStackScan at the end (gctrace "MB stacks" in 1.19)
  uint64_t globals_bytes = 0;
  double assist_cpu_ns = 0;
  double background_cpu_ns = 0;            ///< dedicated + fractional workers
  double idle_cpu_ns = 0;
  double cons_mark = 0;                    ///< smoothed, for the next cycle
  double measured_cons_mark = 0;
  double utilization = 0;                  ///< 0.25 + assist utilization (endCycle)
  double gc_cpu_fraction = 0;              ///< cumulative, at the end of this cycle
  int gomaxprocs = 0;
  int dedicated_workers = 0;
  double fractional_goal = 0;
  uint64_t spans_swept_at_start = 0;       ///< spans left unswept when the cycle started
  uint64_t barrier_writes = 0;             ///< pointer writes while the write barrier was on
  uint64_t barrier_shades = 0;             ///< objects shaded by the barrier (old and new pointee per write)
  uint64_t barrier_flushes = 0;            ///< write-barrier buffer flushes (256 writes each)
  uint64_t stack_growth_copies = 0;        ///< stack growths (copystack) since the previous cycle ended
  uint64_t stack_copied_bytes = 0;         ///< bytes copied by those growths
  uint64_t starting_stack_bytes = 0;       ///< new goroutines' stack size after this cycle (1.19 adaptive)
  bool goal_from_limit = false;            ///< the goal was set by GOMEMLIMIT, not GOGC
  bool forced = false;                     ///< started by runtime.GC() (gcTriggerCycle), not by the trigger
  double sweep_cpu_ns = 0;                 ///< CPU sweeping this cycle's spans (background, proportional and
                                           ///< the next gcStart's finishsweep_m), until the next cycle starts
  bool limiter_enabled = false;            ///< the GC CPU limiter was on at some point of this cycle
  uint64_t limiter_fill_ns = 0;            ///< limiter bucket fill at the end of the cycle
  uint64_t released_bytes = 0;             ///< bytes scavenged since the previous cycle ended
  uint64_t mapped_ready_bytes = 0;         ///< total memory as the limit sees it, at the end
  sim::DurationNs barrier_enabled_ns() const { return mark_term_ns - start_ns; }

  sim::DurationNs stw_sweep_term_ns() const { return mark_start_ns - start_ns; }
  sim::DurationNs mark_ns() const { return mark_term_ns - mark_start_ns; }
  sim::DurationNs stw_mark_term_ns() const { return end_ns - mark_term_ns; }
};

/// One sample of the heap over simulated time.
struct Sample {
  sim::SimTimeNs t_ns = 0;
  uint64_t heap_live_bytes = 0;
  uint64_t heap_goal_bytes = 0;
  uint64_t trigger_bytes = 0;
  uint64_t heap_alloc_bytes = 0;
  uint64_t heap_inuse_bytes = 0;
  uint64_t heap_sys_bytes = 0;
  uint64_t live_object_bytes = 0;
  uint64_t stack_inuse_bytes = 0;
  uint64_t mapped_ready_bytes = 0;   ///< Sys − HeapReleased: what GOMEMLIMIT is compared against
  uint64_t rss_estimate_bytes = 0;   ///< HeapInuse + heapFree + stacks + runtime overhead (what the OS holds)
  uint64_t memory_limit_bytes = 0;   ///< GOMEMLIMIT (INT64_MAX: none)
  uint64_t sys_bytes = 0;            ///< MemStats.Sys
  uint64_t heap_released_bytes = 0;
  uint64_t limiter_fill_ns = 0;
  uint32_t limiter_enabled = 0;
  uint64_t rounding_waste_bytes = 0;
  uint64_t span_tail_waste_bytes = 0;
  uint64_t empty_slot_bytes = 0;
  uint64_t dead_unswept_bytes = 0;
  uint32_t gc_phase = 0;  ///< 0 off, 1 sweep termination, 2 mark, 3 mark termination
};

/// Totals at the end of a run.
/// How much each mutator-side cost_model parameter was charged: the quantity it multiplied, summed
/// over the run. mutator_cpu_ns = Σ parameter × quantity + work_ns + scavenge_cpu_ns (a test keeps
/// this exact), so real runs can be fitted against these as features (`gcsim calibrate`,
/// analysis/validate/calibration_obs.py). summary.json "mutator_cost_quantities", keyed by parameter.
struct MutatorCostQuantities {
  uint64_t allocs = 0;            ///< alloc_ns (every allocation event, pool misses included)
  uint64_t replayer_allocs = 0;   ///< replayer_alloc_ns (allocs when the run simulates the replayer, else 0)
  uint64_t alloc_bytes = 0;       ///< alloc_zero_ns_per_byte (requested bytes)
  uint64_t scan_allocs = 0;       ///< alloc_scan_ns (pointerful allocations)
  uint64_t mark_allocs = 0;       ///< mark_alloc_ns (allocations while marking)
  uint64_t span_refills = 0;      ///< span_refill_ns (small-object slow path)
  uint64_t faulted_bytes = 0;     ///< page_fault_ns_per_byte (span pages not backed by the OS)
  uint64_t large_allocs = 0;      ///< large_alloc_ns
  uint64_t spans_swept = 0;       ///< sweep_ns_per_span (spans swept by allocating goroutines)
  uint64_t ptr_writes = 0;        ///< ptr_write_ns
  uint64_t barrier_writes = 0;    ///< write_barrier_ns
  uint64_t wb_flushes = 0;        ///< wb_buffer_flush_ns
  uint64_t goroutine_starts = 0;  ///< goroutine_start_ns
  uint64_t handoffs = 0;          ///< goroutine_handoff_ns (serial-mode handoffs)
  uint64_t stack_copy_bytes = 0;  ///< stack_copy_ns_per_byte
  uint64_t pool_get_hits = 0;     ///< pool_get_ns
  uint64_t pool_puts = 0;         ///< pool_put_ns
  double work_ns = 0;             ///< trace `work` events (no parameter)
  double scavenge_cpu_ns = 0;     ///< allocation-path scavenging (memory model, not cost_model)
};

struct RunTotals {
  sim::SimTimeNs simulated_ns = 0;
  uint64_t events = 0;
  uint64_t total_alloc_bytes = 0;         ///< slot bytes (MemStats.TotalAlloc)
  uint64_t requested_alloc_bytes = 0;     ///< bytes the program asked for
  uint64_t mallocs = 0;
  uint64_t frees = 0;
  uint64_t tiny_allocs = 0;
  uint64_t peak_heap_live_bytes = 0;      ///< max heapLive seen
  uint64_t peak_heap_inuse_bytes = 0;
  uint64_t peak_heap_sys_bytes = 0;
  uint64_t peak_live_object_bytes = 0;
  uint64_t final_heap_sys_bytes = 0;
  uint64_t final_heap_inuse_bytes = 0;
  uint64_t final_heap_alloc_bytes = 0;
  uint64_t final_live_object_bytes = 0;
  uint64_t final_live_slot_bytes = 0;
  uint64_t peak_mapped_ready_bytes = 0;
  uint64_t final_mapped_ready_bytes = 0;
  uint64_t memory_limit_bytes = 0;
  uint64_t released_bytes = 0;
  uint64_t limiter_enable_count = 0;
  uint64_t limiter_overflow_ns = 0;
  uint64_t pool_gets = 0, pool_hits = 0, pool_puts = 0, pool_dropped = 0;
  // Scheduler (models/sched/scheduler.hpp): counters and the mutator CPU each P ran.
  uint64_t sched_handoffs = 0, sched_stream_switches = 0, sched_quantum_preemptions = 0;
  uint64_t sched_worker_preemptions = 0, sched_max_run_queue = 0;
  std::vector<double> p_mutator_cpu_ns;
  uint64_t replayer_table_bytes = 0;      ///< workload.replayer_table: the table allocated first (0 = none)
  uint64_t final_rounding_waste_bytes = 0;
  uint64_t final_span_tail_waste_bytes = 0;
  uint64_t final_empty_slot_bytes = 0;
  uint64_t final_dead_unswept_bytes = 0;
  double gc_cpu_ns = 0;                   ///< Go 1.19's work.totaltime (STW + assist + background)
  double idle_mark_cpu_ns = 0;
  double mutator_cpu_ns = 0;
  double sweep_cpu_ns = 0;
  uint64_t ptr_writes = 0;                    ///< heap pointer stores (trace `write` counts)
  uint64_t ptr_writes_during_mark = 0;        ///< of which with the write barrier on (mark phase)
  double ptr_write_cpu_ns = 0;                ///< mutator CPU of those stores (barrier and buffer flushes included)
  double ptr_write_cpu_during_mark_ns = 0;    ///< of which during mark
  MutatorCostQuantities cost_quantities;
  int gomaxprocs = 0;
  bool gc_in_progress_at_end = false;
};


/// Everything one run produced. Models append; app/ writes the files.
struct RunRecord {
  UtilizationLog utilization;
  std::vector<CycleRecord> cycles;
  std::vector<Sample> samples;
  std::vector<sim::DurationNs> pauses_ns;  ///< every STW pause separately (/gc/pauses:seconds)
  std::vector<MemStatsSnapshot> memstats; ///< one per trace `memstats` event (runtime.ReadMemStats)
  RunTotals totals;
};

}  // namespace gcsim::stats
