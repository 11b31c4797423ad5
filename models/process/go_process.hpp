// SPDX-License-Identifier: MIT
// One simulated Go process: the mutator loop over a trace, the GC cycle, and what they record.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "models/allocator/heap.hpp"
#include "models/cost_model.hpp"
#include "models/gc/cpu_limiter.hpp"
#include "models/gc/mark_phase.hpp"
#include "models/memory_model.hpp"
#include "models/pool/sync_pool.hpp"
#include "models/pacer/pacer.hpp"
#include "models/process/invariants.hpp"
#include "models/runtime_settings.hpp"
#include "models/sched/scheduler.hpp"
#include "models/stacks/goroutine_stacks.hpp"
#include "models/stats/run_record.hpp"
#include "sim/event_queue.hpp"
#include "sim/rng.hpp"
#include "workloads/trace_event.hpp"

namespace gcsim {

struct ProcessSettings {
  RuntimeSettings runtime;
  CostModel cost;
  MemoryModel memory;
  sched::SchedulerSettings scheduler;
  sim::DurationNs sample_period_ns = 1'000'000;  ///< timeseries sampling period
  sim::SimTimeNs max_simulated_ns = 0;           ///< stop early at this simulated time (0 = run the whole trace)
  bool check_invariants = false;                 ///< check PhaseInvariants after every GC phase (always on
                                                 ///< when built with GCSIM_CHECK_INVARIANTS)
  uint64_t max_memory_bytes = uint64_t{4} << 30; ///< simulator memory budget for object/span tables
  uint64_t seed = 1;                             ///< the experiment's seed (the process's random streams)
  uint64_t pointer_scan_prefix_bytes = 0;        ///< workload.pointer_layout (Heap::set_scan_layout); 0 = whole
  std::vector<uint32_t> pointer_array_ids;       ///< workload.pointer_array_ids (+ the replayer's table):
                                                 ///< scanned whole whatever the pointer layout
  bool simulate_replayer = false;                ///< the run stands for the validation replayer replaying the
                                                 ///< trace: each allocation also costs cost.replayer_alloc_ns
};

/// Progress callback: (events consumed so far, simulated ns so far). Called about every 2^20 events.
using ProgressFn = std::function<void(uint64_t events, sim::SimTimeNs now)>;

/// The simulated runtime. Scheduling model (models/sched/scheduler.hpp, documented in README):
/// the trace is one totally ordered stream; each event executes on the P its goroutine runs on
/// (mcache, pool-local caches), and its CPU cost advances the wall clock divided by the mutator's
/// parallelism = goroutines on Ps (parallel mode: min(live goroutines, Ps not taken by GC
/// workers); serial mode: 1). GC phases follow mgc.go: sweep termination (STW) → concurrent mark (fluid
/// MarkPhase) → mark termination (STW) → concurrent sweep (background sweeper on an idle P,
/// proportional sweeping on span acquisition, finishing sweep before the next cycle).
/// The world stops only at those events; everything else happens inside the mutator loop.
class GoProcess {
 public:
  GoProcess(const ProcessSettings& settings, workload::EventSource& source, pacer::Pacer& pacer);

  /// Runs to the end of the trace (or max_simulated_ns). Cycles still in progress at the end are
  /// not counted, as a real program that exits mid-cycle does not count them.
  stats::RunRecord run(const ProgressFn& progress = {});

 private:
  enum class Phase : uint8_t { kOff = 0, kSweepTerm = 1, kMark = 2, kMarkTerm = 3 };
  enum class Stop : uint8_t { kLimit, kTrigger, kMarkDone, kPreempt, kHousekeeping, kTick, kEnd, kForceGc };
  /// runtime.GC() progress (forced_gc.cpp): waiting for the cycle in progress, then for the forced one.
  enum class ForcedGc : uint8_t { kNone, kWaitCurrent, kWaitForced };

  Stop run_mutator(sim::SimTimeNs limit);
  class BatchCursor;
  template <bool kMarking, class Cursor>
  uint64_t replay_common_events(Cursor& in, uint64_t max_events, sim::SimTimeNs stop_at);
  /// Events that can be replayed before the one whose count is a multiple of 2^20, which reports
  /// progress (unlimited without a progress callback).
  uint64_t events_before_progress() const {
    return progress_ ? (events_ | kProgressMask) - events_ : UINT64_MAX;
  }
  static constexpr uint64_t kProgressMask = (uint64_t{1} << 20) - 1;
  void start_cycle();
  void begin_mark();
  void finish_mark();
  void preempt();
  void housekeeping();
  void limiter_update();
  double idle_integral_now() const;
  uint64_t mapped_ready_bytes() const;
  uint64_t sys_bytes() const;
  void pace_scavenger(uint64_t heap_goal, uint64_t last_heap_goal, uint64_t heap_inuse_at_mark_term);
  void background_scavenge();
  double allocation_scavenge(uint64_t scav_bytes);
  sim::SimTimeNs next_housekeeping() const;
  void end_fractional_burst();
  double fractional_burst(bool with_idle_ps);
  void handoff_scheduling_point();
  void end_cycle();
  void sample();
  void schedule_sample();
  // runtime.GC() and runtime.ReadMemStats (models/process/forced_gc.cpp, memstats.cpp).
  void force_gc();
  bool forced_gc_step();
  void read_memstats(uint32_t g);
  void close_sweep_record();

  /// Hot path (inline): CPU work advances the wall clock by cpu / parallelism; whole nanoseconds
  /// move to the clock, the fraction carries (integer time, no drift).
  void advance_cpu(double cpu_ns) {
    wall_residual_ns_ += cpu_ns * inv_parallelism_;
    if (wall_residual_ns_ >= 1.0) {
      auto whole = static_cast<sim::SimTimeNs>(wall_residual_ns_);
      now_ += whole;
      wall_residual_ns_ -= static_cast<double>(whole);
    }
  }
  void update_capacity();
  void background_sweep();
  double assist(uint32_t g);
  void revise();
  pacer::HeapSnapshot snapshot() const;
  void goroutine_seen(uint32_t g);
  int p_running(uint32_t g);
  double gc_cpu_fraction() const;
  void note_peaks();
  /// gc_ps includes assist_ps and stw_ps (the rest of it is dedicated/fractional workers).
  void note_utilization(double mutator_ps, double gc_ps, double idle_gc_ps, double assist_ps = 0, double stw_ps = 0);

  ProcessSettings s_;
  PhaseInvariants invariants_;
  bool check_invariants_ = false;  // invariant_checks_built_in() || s_.check_invariants
  workload::EventSource& source_;
  pacer::Pacer& pacer_;
  alloc::Heap heap_;
  stacks::GoroutineStacks stacks_;
  gc::MarkPhase mark_;
  sim::EventQueue queue_;
  sched::Scheduler sched_;
  std::vector<double> p_mutator_cpu_ns_;  // mutator CPU charged to each P
  stats::RunRecord rec_;

  // Clock. The mutator's CPU work converts to wall time through its parallelism.
  sim::SimTimeNs now_ = 0;
  double wall_residual_ns_ = 0;
  double mutator_parallelism_ = 1;  // Ps' worth of mutator progress per wall ns
  double inv_parallelism_ = 1;      // 1 / mutator_parallelism_
  bool mutator_blocked_ = false;    // no P runs mutator code (a fractional burst took the only one)

  // Fractional worker bursts on a mutator P (see update_capacity).
  bool fractional_burst_ = false;
  bool burst_with_idle_ps_ = true;  // the current burst also runs on the idle Ps (a preemption)
  double burst_ps_ = 1;  // Ps that run a fractional burst at a preemption (the mutator's + idle ones)
  sim::EventId burst_event_ = 0;
  sim::SimTimeNs next_preempt_ns_ = 0;
  sim::DurationNs preemption_interval_ns();
  double mark_cost_factor();
  pool::SyncPools pools_;
  gc::CpuLimiter limiter_;
  double assist_total_ns_ = 0;          // cumulative assist (+ scavenge assist) CPU, for the limiter
  double limiter_assist_seen_ns_ = 0;
  double idle_integral_ns_ = 0;         // cumulative idle P time (idle Ps + idle mark workers)
  double limiter_idle_seen_ns_ = 0;
  sim::SimTimeNs util_last_t_ = 0;
  double util_mutator_ps_ = 0;
  bool limiter_on_in_cycle_ = false;
  // Scavenger (mgcscavenge.go).
  uint64_t scav_gc_percent_goal_ = UINT64_MAX;
  uint64_t scav_memory_limit_goal_ = UINT64_MAX;
  double scav_budget_ns_ = 0;
  sim::SimTimeNs scav_last_ns_ = 0;
  uint64_t released_bytes_total_ = 0;
  uint64_t released_at_cycle_end_ = 0;
  uint64_t wb_buffered_ = 0;        // pointer writes in the barrier buffer (flushed every 256)
  double util_gc_ps_ = 0;           // GC Ps of the current utilisation step (outside assists)
  double util_idle_ps_ = 0;
  double sweeper_ps_ = 0;           // Ps available to the background sweeper
  sim::SimTimeNs sweep_last_ns_ = 0;
  double sweep_budget_ns_ = 0;

  Phase phase_ = Phase::kOff;
  ForcedGc forced_gc_ = ForcedGc::kNone;   // the mutator waits in runtime.GC() unless kNone
  double sweep_cpu_at_cycle_end_ns_ = 0;   // totals.sweep_cpu_ns when the last cycle ended
  bool trace_done_ = false;
  uint64_t trigger_bytes_ = 0;
  uint64_t globals_bytes_ = 0;
  pacer::WorkerPlan plan_;
  pacer::AssistRatio assist_ratio_;
  stats::CycleRecord cur_;
  std::vector<int64_t> assist_bytes_;  // per goroutine: gcAssistBytes
  double gc_cpu_total_ns_ = 0;         // work.totaltime (Go 1.19)

  // Costs in ns, copied out of the cost model for the hot loop.
  std::vector<workload::TraceEvent> buf_;
  sim::Rng preempt_rng_;  // sysmon's phase at each preemption (preemption_interval_ns)
  sim::Rng mark_rng_;     // cycle-to-cycle mark cost variation (mark_cost_factor)
  size_t buf_pos_ = 0, buf_len_ = 0;
  uint32_t short_stretches_ = 0;  // run_mutator: short stretches in a row straight from trace records
  uint64_t events_ = 0;
  uint64_t requested_bytes_ = 0;
  uint64_t faulted_at_last_mark_bytes_ = 0;  // cost_quantities.faulted_bytes at the last mark start
  ProgressFn progress_;
};

}  // namespace gcsim
