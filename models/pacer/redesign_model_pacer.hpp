// SPDX-License-Identifier: MIT
// The pacer redesign study's own new pacer (mknyszek/pacer-model, Feb 2021), as a strategy.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "models/pacer/pacer.hpp"
#include "models/pacer/pi_controller.hpp"

namespace gcsim::pacer {

struct RedesignModelParams {
  double pi_kp = 0.9;                   ///< the study's PI gains (simulation/simulator.go): kp 0.9,
  double pi_ti = 1.6;                   ///< ti 1.6, tt 1000, period 1, output in [−2, 2]
  double min_trigger_ratio = 0.6;       ///< T ≥ M + 0.6·(N − M); no upper bound
  double first_trigger_ratio = 0.875;   ///< first cycle: T = 7/8·N

  static RedesignModelParams parse(const nlohmann::json& j, const std::string& path);
  nlohmann::json to_json() const;
};

/// The new pacer as the design document simulated it (pacer-model simulation/go117.go), the
/// reference the document's "new" plots come from:
///   N = goal rule (γ·(M+S+G), 2 MiB under the model semantics), T = max(N − r·(Ps+S+G), M + 0.6·(N−M)),
///   first T = 7/8·N; assists hold the slope (N − T)/(Ps+S+G) for the whole cycle (no hard goal);
///   r ← clamp(r + PI(r, r_meas), 0.05, γ − 0.05) with r_meas = c_meas·(1 − u)/u, u = 0.25.
/// r is the runway per byte of expected scan work, 3·cons/mark; cons_mark reports r/3.
class RedesignModelPacer : public Pacer {
 public:
  RedesignModelPacer(const RedesignModelParams& params, const RuntimeSettings& runtime, const GoalRule& rule);

  void commit(const CommitInputs& in) override;
  TriggerGoal trigger(const HeapSnapshot& heap) const override;
  WorkerPlan start_cycle(const CycleStartInputs& in) override;
  AssistRatio revise(const MarkProgress& in) const override;
  CycleEndReport end_cycle(const CycleEndInputs& in) override;
  nlohmann::json state() const override;

 private:
  RedesignModelParams params_;
  RuntimeSettings runtime_;
  GoalRule rule_;
  PiController controller_;
  double r_ = 0;
  bool first_ = true;
  uint64_t heap_marked_ = 0;
  uint64_t expected_work_ = 0;
  uint64_t goal_ = 0;
  uint64_t trigger_ = 0;
  uint64_t triggered_ = 0;
  sim::SimTimeNs mark_start_ns_ = 0;
};

}  // namespace gcsim::pacer
