// SPDX-License-Identifier: MIT
// The pluggable pacer: value types in, pacing decisions out (Go's gcControllerState lifecycle).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "models/pacer/goal_rule.hpp"
#include "models/runtime_settings.hpp"
#include "sim/sim_time.hpp"

namespace gcsim::pacer {

/// The memory figures a pacer may read when computing the trigger or goal.
struct HeapSnapshot {
  uint64_t heap_live_bytes = 0;     ///< gcController.heapLive
  uint64_t mapped_ready_bytes = 0;  ///< memory mapped and ready (what GOMEMLIMIT is compared against)
  uint64_t heap_free_bytes = 0;     ///< free, unscavenged heap pages
  uint64_t heap_alloc_bytes = 0;    ///< bytes in allocated heap slots (totalAlloc - totalFree)
};

/// Inputs of commit(): called at init (everything 0, sweep done) and after each mark termination.
struct CommitInputs {
  uint64_t heap_marked_bytes = 0;      ///< M: bytes marked by the cycle that just ended
  uint64_t heap_live_bytes = 0;        ///< H right now (= M after mark termination)
  uint64_t last_heap_scan_bytes = 0;   ///< heap scan work done by that cycle
  uint64_t last_stack_scan_bytes = 0;  ///< stack scan work done by that cycle
  uint64_t globals_bytes = 0;          ///< globalsScan (data + bss)
  bool sweep_done = true;
};

/// The trigger point and heap goal, both compared against heapLive.
struct TriggerGoal {
  uint64_t trigger_bytes = 0;
  uint64_t goal_bytes = 0;
  bool memory_limited = false;  ///< the goal comes from GOMEMLIMIT, not GOGC
};

struct CycleStartInputs {
  sim::SimTimeNs now = 0;     ///< sweep-termination start (Go: markStartTime)
  int gomaxprocs = 1;
  HeapSnapshot heap;
};

/// How the collector should staff the mark phase (startCycle).
struct WorkerPlan {
  int dedicated_workers = 0;        ///< dedicatedMarkWorkersNeeded
  double fractional_goal = 0;       ///< fractionalUtilizationGoal, per P
  int max_idle_workers = 0;         ///< cap on idle-priority mark workers
  uint64_t triggered_bytes = 0;     ///< the trigger this cycle is measured from
};

/// startCycle's staffing for `gomaxprocs` Ps (formulas.hpp background_workers): idle workers
/// capped at P − dedicated (Go 1.19+), the cycle measured from `triggered_bytes`.
WorkerPlan make_worker_plan(int gomaxprocs, uint64_t triggered_bytes);

/// Progress during mark, for revise().
struct MarkProgress {
  HeapSnapshot heap;
  uint64_t heap_scan_bytes = 0;         ///< heapScan (frozen at cycle start)
  uint64_t scan_work_done_bytes = 0;    ///< heap + stack + globals scan work done so far
  uint64_t max_stack_scan_bytes = 0;    ///< allocated stack bytes (maxStackScan)
};

/// Assist pacing (assistWorkPerByte / assistBytesPerWork).
struct AssistRatio {
  double work_per_byte = 0;
  double bytes_per_work = 0;
};

struct CycleEndInputs {
  sim::SimTimeNs now = 0;             ///< mark termination start
  int gomaxprocs = 1;
  HeapSnapshot heap;                  ///< heapLive at the end of mark (before reset)
  uint64_t heap_scan_work_bytes = 0;
  uint64_t stack_scan_work_bytes = 0;
  uint64_t globals_scan_work_bytes = 0;
  sim::DurationNs assist_cpu_ns = 0;
  sim::DurationNs idle_mark_cpu_ns = 0;
};

struct ReviseInputs;  // models/pacer/assist_ratio.hpp

/// What the pacer learnt from the cycle, for statistics.
struct CycleEndReport {
  uint64_t heap_goal_bytes = 0;     ///< heapGoal() at the end of mark (gctrace "goal", lastHeapGoal)
  bool goal_from_limit = false;     ///< that goal came from the memory limit
  double cons_mark = 0;             ///< the smoothed estimate used for the next cycle
  double measured_cons_mark = 0;    ///< this cycle's raw measurement (0 if skipped)
  double utilization = 0;           ///< 0.25 + assist utilization, as endCycle computes it
  double goal_utilization = 0.25;   ///< the strategy's target GC CPU utilization (gcGoalUtilization)
  bool has_cons_mark_estimate = true;  ///< cons_mark is an estimate the strategy paces with
};

/// A pacing strategy. Lifecycle per GC cycle (mirrors runtime/mgcpacer.go):
///   commit() at init and after every mark termination → trigger() on every allocation slow path →
///   start_cycle() in sweep termination → revise() whenever heapLive changes during mark →
///   end_cycle() at mark termination, before the heap is reset → commit() ...
/// A pacer holds only its estimator state; it never points into the simulator.
class Pacer {
 public:
  virtual ~Pacer() = default;
  virtual void commit(const CommitInputs& in) = 0;
  virtual TriggerGoal trigger(const HeapSnapshot& heap) const = 0;
  virtual WorkerPlan start_cycle(const CycleStartInputs& in) = 0;
  virtual AssistRatio revise(const MarkProgress& in) const = 0;
  /// Optional fast path for drivers that revise many times per mark (the per-cycle harness revises
  /// every 500 µs of mark time). Called during a mark, after start_cycle(). Returns true, with `out`
  /// filled, if from now until the next end_cycle() revise(p) == redesign_assist_ratio(out, p)
  /// (assist_ratio.hpp) for every p whose `heap` differs from `heap` at most in heap_live_bytes; the
  /// driver may then call that inline function instead of revise(). The default offers none. A
  /// subclass that overrides revise() must override this too (tests/models/test_pacer_strategies.cpp
  /// checks every registered strategy).
  virtual bool frozen_revise_inputs(const HeapSnapshot& /*heap*/, ReviseInputs& /*out*/) const { return false; }
  virtual CycleEndReport end_cycle(const CycleEndInputs& in) = 0;
  /// Estimator internals for outputs (JSON object).
  virtual nlohmann::json state() const { return nlohmann::json::object(); }
};

/// Builds the pacer named by config `pacer.kind` (see models/pacer/registry.hpp).
struct PacerContext {
  RuntimeSettings runtime;
  /// GOGC goal formula and minimum heap; the default is the runtime's. The per-cycle mode
  /// (models/percycle/) sets the pacer-redesign study's variant here.
  GoalRule goal_rule = {};
};

}  // namespace gcsim::pacer
