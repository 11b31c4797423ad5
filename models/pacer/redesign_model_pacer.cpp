// SPDX-License-Identifier: MIT
#include "models/pacer/redesign_model_pacer.hpp"

#include <algorithm>

#include "models/pacer/formulas.hpp"
#include "models/pacer/runway_pacer.hpp"
#include "sim/config/json_check.hpp"

namespace gcsim::pacer {

RedesignModelParams RedesignModelParams::parse(const nlohmann::json& j, const std::string& path) {
  using namespace config;
  require_only_keys(j, {"pi_kp", "pi_ti", "min_trigger_ratio", "first_trigger_ratio"}, path);
  RedesignModelParams p;
  p.pi_kp = get_double(j, path, "pi_kp", p.pi_kp, 0.0, 100.0);
  p.pi_ti = get_double(j, path, "pi_ti", p.pi_ti, 0.0, 1e6);
  p.min_trigger_ratio = get_double(j, path, "min_trigger_ratio", p.min_trigger_ratio, 0.0, 1.0);
  p.first_trigger_ratio = get_double(j, path, "first_trigger_ratio", p.first_trigger_ratio, 0.0, 1.0);
  return p;
}

nlohmann::json RedesignModelParams::to_json() const {
  return {{"pi_kp", pi_kp}, {"pi_ti", pi_ti}, {"min_trigger_ratio", min_trigger_ratio},
          {"first_trigger_ratio", first_trigger_ratio}};
}

RedesignModelPacer::RedesignModelPacer(const RedesignModelParams& params, const RuntimeSettings& runtime,
                                       const GoalRule& rule)
    : params_(params), runtime_(runtime), rule_(rule) {
  controller_.kp = params.pi_kp;
  controller_.ti = params.pi_ti;
  controller_.tt = 1000;
  controller_.min = -2;
  controller_.max = 2;
}

void RedesignModelPacer::commit(const CommitInputs& in) {
  heap_marked_ = in.heap_marked_bytes;
  expected_work_ = in.last_heap_scan_bytes + in.last_stack_scan_bytes + in.globals_bytes;
  goal_ = rule_.goal_bytes(heap_marked_, in.last_stack_scan_bytes, in.globals_bytes, runtime_.gc_percent);
  if (goal_ == kNoGoal) {
    trigger_ = UINT64_MAX;
    return;
  }
  if (first_) {
    trigger_ = static_cast<uint64_t>(params_.first_trigger_ratio * static_cast<double>(goal_));
    return;
  }
  const auto back = static_cast<uint64_t>(r_ * static_cast<double>(expected_work_)) + heap_marked_;
  trigger_ = back < goal_ ? heap_marked_ + (goal_ - back) : heap_marked_;
  const uint64_t min_trigger =
      heap_marked_ + static_cast<uint64_t>(static_cast<double>(goal_ - heap_marked_) * params_.min_trigger_ratio);
  trigger_ = std::max(trigger_, min_trigger);
}

TriggerGoal RedesignModelPacer::trigger(const HeapSnapshot&) const { return TriggerGoal{trigger_, goal_, false}; }

WorkerPlan RedesignModelPacer::start_cycle(const CycleStartInputs& in) {
  mark_start_ns_ = in.now;
  triggered_ = in.heap.heap_live_bytes;
  return make_worker_plan(in.gomaxprocs, triggered_);
}

// One slope for the whole cycle: (N − T) bytes of allocation per W_exp of scan work.
AssistRatio RedesignModelPacer::revise(const MarkProgress&) const {
  const double runway = goal_ > triggered_ ? static_cast<double>(goal_ - triggered_) : 1.0;
  const double work = std::max<double>(static_cast<double>(expected_work_), 1.0);
  return AssistRatio{work / runway, runway / work};
}

CycleEndReport RedesignModelPacer::end_cycle(const CycleEndInputs& in) {
  CycleEndReport r;
  r.heap_goal_bytes = goal_;
  r.goal_utilization = kGoalUtilization;
  double measured = 0;
  if (measure_cons_mark(in, mark_start_ns_, triggered_, r.utilization, measured)) {
    r.measured_cons_mark = measured;
    const double r_meas = measured * (1 - kGoalUtilization) / kGoalUtilization;
    double delta = 0;
    if (!controller_.next(r_, r_meas, 1.0, delta)) delta = 0;
    const double gamma = runtime_.gc_percent < 0 ? 1001.0 : 1.0 + runtime_.gc_percent / 100.0;
    r_ = std::clamp(r_ + delta, 0.05, gamma - 0.05);
  }
  first_ = false;
  r.cons_mark = r_ * kGoalUtilization / (1 - kGoalUtilization);
  return r;
}

nlohmann::json RedesignModelPacer::state() const {
  return {{"cons_mark", r_ * kGoalUtilization / (1 - kGoalUtilization)},
          {"r", r_},
          {"pi_error_integral", controller_.error_integral},
          {"heap_goal_bytes", goal_},
          {"trigger_bytes", trigger_}};
}

}  // namespace gcsim::pacer
