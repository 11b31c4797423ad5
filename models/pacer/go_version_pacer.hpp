// SPDX-License-Identifier: MIT
// Go's pacer of a fixed release (pacer.kind go1.18 … go1.21), optionally under another goal rule.
#pragma once

#include <memory>
#include <string>

#include "models/pacer/go_pacer.hpp"

namespace gcsim::pacer {

/// GoPacer with the goal computed by a GoalRule other than the runtime's (the per-cycle mode's
/// pacer-model semantics: N = γ·(M + S + G), 2 MiB minimum heap). Everything else — cons/mark
/// smoothing of the release, trigger bounds, memory limit, the runway — is GoPacer's: this class
/// only re-derives the goal-dependent outputs (trigger, assist ratio, reported goal) from the
/// same state, which it mirrors from the values passing through the interface.
class GoalRuleGoPacer : public GoPacer {
 public:
  GoalRuleGoPacer(const GoPacerParams& params, const RuntimeSettings& runtime, const GoalRule& rule);

  void commit(const CommitInputs& in) override;
  TriggerGoal trigger(const HeapSnapshot& heap) const override;
  WorkerPlan start_cycle(const CycleStartInputs& in) override;
  AssistRatio revise(const MarkProgress& in) const override;
  bool frozen_revise_inputs(const HeapSnapshot& heap, ReviseInputs& out) const override;
  CycleEndReport end_cycle(const CycleEndInputs& in) override;
  nlohmann::json state() const override;

 private:
  TriggerGoal rule_goal_and_min_trigger(const HeapSnapshot& heap) const;
  ReviseInputs rule_revise_inputs(const HeapSnapshot& heap) const;

  RuntimeSettings runtime_;
  GoalRule rule_;
  double cons_mark_ = 0;
  uint64_t heap_marked_ = 0;
  uint64_t expected_work_ = 0;
  uint64_t globals_ = 0;
  uint64_t goal_ = 0;
  uint64_t runway_ = 0;
  uint64_t sweep_dist_min_trigger_ = 0;
  uint64_t triggered_ = UINT64_MAX;
};

/// Go's pacer as released in Go `version` ("1.19" … "1.23"; "1.18" is modelled as "1.19", see
/// docs/PACERS.md), whatever runtime.version says; with ctx.goal_rule unless it is the runtime's.
std::unique_ptr<Pacer> make_go_version_pacer(const GoPacerParams& params, const PacerContext& ctx,
                                             const std::string& version);

}  // namespace gcsim::pacer
