// SPDX-License-Identifier: MIT
// The pacer redesign's skeleton (goal, runway trigger, revise) with a pluggable cons/mark estimator.
#pragma once

#include <cstdint>

#include "models/pacer/assist_ratio.hpp"
#include "models/pacer/goal_rule.hpp"
#include "models/pacer/pacer.hpp"

namespace gcsim::pacer {

/// heapGoalInternal (mgcpacer.go@1.19+): the GOGC goal unless the memory-limit goal is smaller; in the
/// GOGC regime raised to the sweep-distance minimum and to Tr + 64 KiB during a cycle. `trigger_bytes`
/// of the result is the minimum trigger. `triggered` = UINT64_MAX outside a cycle. `memory_limit_bytes`
/// and `limit_headroom_percent` are the runtime's GOMEMLIMIT and its version's headroom rule
/// (VersionTraits, looked up once by the caller: revise() calls this on every pacing step).
TriggerGoal heap_goal_internal(uint64_t gc_percent_goal, uint64_t sweep_dist_min_trigger, uint64_t triggered,
                               uint64_t heap_marked, uint64_t memory_limit_bytes, bool limit_headroom_percent,
                               const HeapSnapshot& heap);

/// One cons/mark measurement as endCycle takes it; returns false (and leaves `out`) when skipped
/// (no growth since the trigger or no scan work). `utilization` and `idle_utilization` are set.
bool measure_cons_mark(const CycleEndInputs& in, sim::SimTimeNs mark_start_ns, uint64_t triggered_bytes,
                       double& utilization, double& out);

/// A pacer with the redesign's structure (Go 1.18+): GOGC goal from a GoalRule (memory-limit goal as
/// in Go 1.21+), trigger = goal − runway within Go 1.19's bounds, runway = c·(1−u)/u·(Ps+S+G),
/// assists by redesign_assist_ratio(), cons/mark measured from heapLive at cycle start (Go 1.20+).
/// Subclasses choose the estimate c (and may replace the GOGC goal).
class RunwayPacer : public Pacer {
 public:
  RunwayPacer(const RuntimeSettings& runtime, const GoalRule& rule);

  void commit(const CommitInputs& in) override;
  TriggerGoal trigger(const HeapSnapshot& heap) const override;
  WorkerPlan start_cycle(const CycleStartInputs& in) override;
  AssistRatio revise(const MarkProgress& in) const override;
  bool frozen_revise_inputs(const HeapSnapshot& heap, ReviseInputs& out) const override;
  CycleEndReport end_cycle(const CycleEndInputs& in) override;
  nlohmann::json state() const override;

 protected:
  /// The cons/mark estimate the runway is planned with (read in commit()).
  virtual double runway_cons_mark() const = 0;
  /// The estimate to report (CycleEndReport::cons_mark); by default the runway's.
  virtual double reported_cons_mark() const { return runway_cons_mark(); }
  /// Feeds one measurement (called from end_cycle() unless the measurement was skipped).
  virtual void observe(double measured_cons_mark) = 0;
  /// The GOGC goal for the committed state (before the memory limit and the sweep distance).
  virtual uint64_t gogc_goal_bytes() const;

  const RuntimeSettings& runtime() const { return runtime_; }
  const GoalRule& goal_rule() const { return rule_; }
  uint64_t heap_marked_bytes() const { return heap_marked_; }
  /// Ps + S + G of the committed state.
  uint64_t expected_work_bytes() const { return last_heap_scan_ + last_stack_scan_ + globals_; }
  /// S + G of the committed state.
  uint64_t roots_bytes() const { return last_stack_scan_ + globals_; }

 private:
  TriggerGoal goal_and_min_trigger(const HeapSnapshot& heap) const;
  /// What revise() reads besides the progress (the triggered point is heapLive outside a cycle).
  ReviseInputs revise_inputs(const HeapSnapshot& heap) const;

  RuntimeSettings runtime_;
  bool limit_headroom_percent_;  // runtime_.traits().limit_headroom_percent
  GoalRule rule_;
  uint64_t heap_marked_ = 0;
  uint64_t last_heap_scan_ = 0;
  uint64_t last_stack_scan_ = 0;
  uint64_t globals_ = 0;
  uint64_t gc_percent_goal_ = 0;
  uint64_t sweep_dist_min_trigger_ = 0;
  uint64_t runway_ = 0;
  uint64_t triggered_ = UINT64_MAX;  // ^0 outside a cycle
  sim::SimTimeNs mark_start_ns_ = 0;
};

}  // namespace gcsim::pacer
