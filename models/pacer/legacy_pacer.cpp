// SPDX-License-Identifier: MIT
#include "models/pacer/legacy_pacer.hpp"

#include <algorithm>

#include "models/pacer/formulas.hpp"
#include "models/pacer/runway_pacer.hpp"
#include "sim/config/config_error.hpp"
#include "sim/config/json_check.hpp"

namespace gcsim::pacer {

LegacyPacerParams LegacyPacerParams::parse(const nlohmann::json& j, const std::string& path) {
  using namespace config;
  require_only_keys(j, {"trigger_gain", "goal_utilization", "initial_trigger_ratio", "min_trigger_ratio",
                        "max_trigger_ratio", "hard_goal_ratio"},
                    path);
  LegacyPacerParams p;
  p.trigger_gain = get_double(j, path, "trigger_gain", p.trigger_gain, 0.0, 1.0);
  p.goal_utilization = get_double(j, path, "goal_utilization", p.goal_utilization, 0.01, 1.0);
  p.initial_trigger_ratio = get_double(j, path, "initial_trigger_ratio", p.initial_trigger_ratio, 0.0, 100.0);
  p.min_trigger_ratio = get_double(j, path, "min_trigger_ratio", p.min_trigger_ratio, 0.0, 1.0);
  p.max_trigger_ratio = get_double(j, path, "max_trigger_ratio", p.max_trigger_ratio, 0.0, 1.0);
  p.hard_goal_ratio = get_double(j, path, "hard_goal_ratio", p.hard_goal_ratio, 1.0, 100.0);
  if (p.min_trigger_ratio > p.max_trigger_ratio)
    throw ConfigError(join_path(path, "min_trigger_ratio"), "must not exceed max_trigger_ratio");
  return p;
}

nlohmann::json LegacyPacerParams::to_json() const {
  return {{"trigger_gain", trigger_gain},         {"goal_utilization", goal_utilization},
          {"initial_trigger_ratio", initial_trigger_ratio}, {"min_trigger_ratio", min_trigger_ratio},
          {"max_trigger_ratio", max_trigger_ratio}, {"hard_goal_ratio", hard_goal_ratio}};
}

LegacyPacer::LegacyPacer(const LegacyPacerParams& params, const RuntimeSettings& runtime, const GoalRule& rule)
    : params_(params),
      runtime_(runtime),
      model_(rule.formula == GoalFormula::kPacerModel),
      raw_ratio_(params.initial_trigger_ratio),
      trigger_ratio_(params.initial_trigger_ratio) {}

// commit (mgcpacer.go@1.17): clamp the ratio, then goal and trigger from heapMarked.
void LegacyPacer::commit(const CommitInputs& in) {
  heap_marked_ = in.heap_marked_bytes;
  if (!initialised_) {
    // gcControllerState.init fakes heapMarked so the first trigger lands at the 4 MiB heapMinimum.
    initialised_ = true;
    if (heap_marked_ == 0)
      heap_marked_ = static_cast<uint64_t>(static_cast<double>(kDefaultHeapMinimumBytes) / (1 + trigger_ratio_));
  }
  const int32_t gc_percent = runtime_.gc_percent;
  if (gc_percent < 0) {
    trigger_ratio_ = std::max(raw_ratio_, 0.0);
    goal_ = kNoGoal;
    trigger_ = UINT64_MAX;
    return;
  }
  const double scaling = static_cast<double>(gc_percent) / 100;
  // The study's old model starts from the unclamped 7/8 (go116.go); the runtime clamps at init too.
  const bool first_model_cycle = model_ && in.heap_marked_bytes == 0;
  trigger_ratio_ = first_model_cycle
                       ? raw_ratio_
                       : std::clamp(raw_ratio_, params_.min_trigger_ratio * scaling, params_.max_trigger_ratio * scaling);
  goal_ = heap_marked_ + heap_marked_ * static_cast<uint64_t>(gc_percent) / 100;
  trigger_ = static_cast<uint64_t>(static_cast<double>(heap_marked_) * (1 + trigger_ratio_));
  if (model_) {
    goal_ = std::max(goal_, kDefaultHeapMinimumBytes);  // go116.go: no trigger floor, goal floor 4 MiB
    return;
  }
  uint64_t min_trigger = heap_minimum_bytes(gc_percent);
  if (!in.sweep_done) min_trigger = std::max(min_trigger, in.heap_live_bytes + kSweepMinHeapDistanceBytes);
  trigger_ = std::max(trigger_, min_trigger);
  goal_ = std::max(goal_, trigger_);
}

TriggerGoal LegacyPacer::trigger(const HeapSnapshot&) const { return TriggerGoal{trigger_, goal_, false}; }

// startCycle (mgcpacer.go@1.17): keep at least 1 MiB between the heap and the goal.
WorkerPlan LegacyPacer::start_cycle(const CycleStartInputs& in) {
  mark_start_ns_ = in.now;
  if (!model_ && goal_ != kNoGoal) goal_ = std::max(goal_, in.heap.heap_live_bytes + kSweepMinHeapDistanceBytes);
  triggered_ = in.heap.heap_live_bytes;
  heap_scan_at_start_ = UINT64_MAX;
  return make_worker_plan(in.gomaxprocs, triggered_);
}

// revise (mgcpacer.go@1.17): W_exp = Hs·100/(100+GOGC) to the goal; past the goal or past W_exp,
// the whole Hs to the hard goal 1.1·N.
AssistRatio LegacyPacer::revise(const MarkProgress& in) const {
  const int64_t gc_percent = runtime_.gc_percent < 0 ? 100000 : runtime_.gc_percent;
  if (heap_scan_at_start_ == UINT64_MAX) heap_scan_at_start_ = in.heap_scan_bytes;
  const uint64_t credit = in.heap_scan_bytes > heap_scan_at_start_ ? in.heap_scan_bytes - heap_scan_at_start_ : 0;
  const auto live = static_cast<int64_t>(in.heap.heap_live_bytes);
  const auto scan = static_cast<double>(in.heap_scan_bytes);
  const auto work = static_cast<int64_t>(in.scan_work_done_bytes + credit);
  auto heap_goal = static_cast<int64_t>(std::min<uint64_t>(goal_, INT64_MAX));
  auto expected = static_cast<int64_t>(scan * 100 / static_cast<double>(100 + gc_percent));
  if (live > heap_goal || work > expected) {
    heap_goal = static_cast<int64_t>(static_cast<double>(heap_goal) * params_.hard_goal_ratio);
    expected = static_cast<int64_t>(scan);
  }
  int64_t work_remaining = expected - work;
  if (work_remaining < 1000) work_remaining = 1000;
  int64_t heap_remaining = heap_goal - live;
  if (heap_remaining <= 0) heap_remaining = 1;
  return AssistRatio{static_cast<double>(work_remaining) / static_cast<double>(heap_remaining),
                     static_cast<double>(heap_remaining) / static_cast<double>(work_remaining)};
}

// endCycle (mgcpacer.go@1.17): the trigger-ratio error, weighted by the utilization miss.
CycleEndReport LegacyPacer::end_cycle(const CycleEndInputs& in) {
  CycleEndReport r;
  r.heap_goal_bytes = goal_;
  r.goal_utilization = params_.goal_utilization;
  r.has_cons_mark_estimate = false;
  double measured = 0;
  if (measure_cons_mark(in, mark_start_ns_, triggered_, r.utilization, measured)) r.measured_cons_mark = measured;
  if (heap_marked_ > 0 && goal_ != kNoGoal) {
    const auto m = static_cast<double>(heap_marked_);
    const double actual_growth = static_cast<double>(in.heap.heap_live_bytes) / m - 1;
    const double goal_growth = std::max(0.0, static_cast<double>(goal_ - heap_marked_) / m);
    const double h_t = model_ ? raw_ratio_ : trigger_ratio_;
    const double error = goal_growth - h_t - r.utilization / params_.goal_utilization * (actual_growth - h_t);
    raw_ratio_ = h_t + params_.trigger_gain * error;
  }
  return r;
}

nlohmann::json LegacyPacer::state() const {
  return {{"trigger_ratio", trigger_ratio_},
          {"raw_trigger_ratio", raw_ratio_},
          {"heap_marked_bytes", heap_marked_},
          {"heap_goal_bytes", goal_},
          {"trigger_bytes", trigger_}};
}

}  // namespace gcsim::pacer
