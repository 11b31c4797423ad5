// SPDX-License-Identifier: MIT
// Go 1.5 – 1.17's pacer ("go1.5-legacy"): a proportional controller on the trigger ratio.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "models/pacer/pacer.hpp"

namespace gcsim::pacer {

struct LegacyPacerParams {
  double trigger_gain = 0.5;            ///< triggerGain (endCycle)
  double goal_utilization = 0.30;       ///< gcGoalUtilization (25 % workers + 5 % assists)
  double initial_trigger_ratio = 0.875; ///< 7/8 (gcControllerState.init)
  double min_trigger_ratio = 0.6;       ///< × GOGC/100 (commit)
  double max_trigger_ratio = 0.95;      ///< × GOGC/100 (commit)
  double hard_goal_ratio = 1.1;         ///< maxOvershoot (revise)

  static LegacyPacerParams parse(const nlohmann::json& j, const std::string& path);
  nlohmann::json to_json() const;
};

/// The trigger-ratio pacer of Go 1.5 – 1.17 (runtime/mgcpacer.go@1.17, go-runtime-notes §2.4):
///   goal N = M·(1 + GOGC/100) (no stacks, no globals); trigger T = M·(1 + h_T), h_T within
///   [0.6, 0.95]·GOGC/100, T ≥ heapMinimum (and ≥ H + 1 MiB while sweeping), N ≥ T;
///   at cycle start N ≥ H + 1 MiB; assists pace W_exp = Hs/γ to N, or past N (or past W_exp) the
///   whole Hs to 1.1·N; at the end h_T ← h_T + 0.5·[h_g − h_T − (u_a/0.30)·(h_a − h_T)].
/// Allocations during mark count as scannable heap and as scan work done (1.17's gcmarknewobject):
/// the growth of MarkProgress::heap_scan_bytes since the cycle's first revise is credited.
/// Under the pacer-model goal rule it follows the study's old model instead (simulation/go116.go):
/// goal max(γ·M, 4 MiB), trigger M·(1 + h_T) without floors, no start-of-cycle bump, and the
/// controller integrates the unclamped ratio.
class LegacyPacer : public Pacer {
 public:
  LegacyPacer(const LegacyPacerParams& params, const RuntimeSettings& runtime, const GoalRule& rule);

  void commit(const CommitInputs& in) override;
  TriggerGoal trigger(const HeapSnapshot& heap) const override;
  WorkerPlan start_cycle(const CycleStartInputs& in) override;
  AssistRatio revise(const MarkProgress& in) const override;
  CycleEndReport end_cycle(const CycleEndInputs& in) override;
  nlohmann::json state() const override;

  double trigger_ratio() const { return trigger_ratio_; }

 private:
  LegacyPacerParams params_;
  RuntimeSettings runtime_;
  bool model_ = false;          // the pacer-model study's old pacer
  bool initialised_ = false;
  double raw_ratio_;            // controller output before clamping
  double trigger_ratio_;        // clamped h_T in use
  uint64_t heap_marked_ = 0;
  uint64_t goal_ = 0;
  uint64_t trigger_ = 0;
  uint64_t triggered_ = 0;
  sim::SimTimeNs mark_start_ns_ = 0;
  mutable uint64_t heap_scan_at_start_ = UINT64_MAX;  // first revise of the cycle (revise is const)
};

}  // namespace gcsim::pacer
