// SPDX-License-Identifier: MIT
// Go's pacer (1.18+ redesign) as in runtime.version: GOGC + memory-limit goal, cons/mark runway.
#pragma once

#include <string>

#include "models/pacer/pacer.hpp"
#include "models/pacer/pi_controller.hpp"
#include "models/runtime_version.hpp"

namespace gcsim::pacer {

struct GoPacerParams {
  double pi_kp = 0.9;   ///< consMarkController kp
  double pi_ti = 4.0;   ///< consMarkController ti (cycles)
  double initial_cons_mark = 0.0;  ///< consMark before the first cycle (Go: 0)

  static GoPacerParams parse(const nlohmann::json& j, const std::string& path);
  nlohmann::json to_json() const;
};

/// gcControllerState (mgcpacer.go): commit / trigger / startCycle / revise / endCycle, with the
/// version's cons/mark smoothing (1.19 PI controller, 1.20 mean of two, 1.21+ max of five), trigger
/// origin (1.19 precomputed trigger, 1.20+ heapLive at start) and memory-limit headroom.
class GoPacer : public Pacer {
 public:
  GoPacer(const GoPacerParams& params, const RuntimeSettings& runtime);

  void commit(const CommitInputs& in) override;
  TriggerGoal trigger(const HeapSnapshot& heap) const override;
  WorkerPlan start_cycle(const CycleStartInputs& in) override;
  AssistRatio revise(const MarkProgress& in) const override;
  bool frozen_revise_inputs(const HeapSnapshot& heap, ReviseInputs& out) const override;
  CycleEndReport end_cycle(const CycleEndInputs& in) override;
  nlohmann::json state() const override;

  /// heapGoalInternal: the goal and the minimum trigger.
  TriggerGoal goal_and_min_trigger(const HeapSnapshot& heap) const;

 private:
  /// What revise() reads besides the progress (the triggered point is heapLive outside a cycle).
  ReviseInputs revise_inputs(const HeapSnapshot& heap) const;

  GoPacerParams params_;
  RuntimeSettings runtime_;
  VersionTraits traits_;
  PiController controller_;
  double cons_mark_ = 0;
  double last_cons_mark_[4] = {0, 0, 0, 0};  // 1.20 uses [0]; 1.21+ all four
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
