// SPDX-License-Identifier: MIT
#include "models/pacer/membalancer_pacer.hpp"

#include <algorithm>
#include <cmath>

#include "sim/config/config_error.hpp"
#include "sim/config/json_check.hpp"

namespace gcsim::pacer {

MemBalancerParams MemBalancerParams::parse(const nlohmann::json& j, const std::string& path) {
  using namespace config;
  require_only_keys(j, {"reference_work_bytes", "reference_cons_mark", "smoothing", "min_headroom_ratio",
                        "max_headroom_ratio"},
                    path);
  MemBalancerParams p;
  p.reference_work_bytes = get_double(j, path, "reference_work_bytes", p.reference_work_bytes, 1.0, 1e15);
  p.reference_cons_mark = get_double(j, path, "reference_cons_mark", p.reference_cons_mark, 1e-6, 1e6);
  p.smoothing = get_double(j, path, "smoothing", p.smoothing, 0.0, 1.0);
  p.min_headroom_ratio = get_double(j, path, "min_headroom_ratio", p.min_headroom_ratio, 0.0, 1e3);
  p.max_headroom_ratio = get_double(j, path, "max_headroom_ratio", p.max_headroom_ratio, 0.0, 1e3);
  if (p.min_headroom_ratio > p.max_headroom_ratio)
    throw ConfigError(join_path(path, "min_headroom_ratio"), "must not exceed max_headroom_ratio");
  return p;
}

nlohmann::json MemBalancerParams::to_json() const {
  return {{"reference_work_bytes", reference_work_bytes},
          {"reference_cons_mark", reference_cons_mark},
          {"smoothing", smoothing},
          {"min_headroom_ratio", min_headroom_ratio},
          {"max_headroom_ratio", max_headroom_ratio}};
}

MemBalancerPacer::MemBalancerPacer(const MemBalancerParams& params, const RuntimeSettings& runtime,
                                   const GoalRule& rule)
    : RunwayPacer(runtime, rule), params_(params), estimate_(params.reference_cons_mark) {}

void MemBalancerPacer::observe(double measured) {
  estimate_ = measured_ ? params_.smoothing * measured + (1 - params_.smoothing) * estimate_ : measured;
  measured_ = true;
}

uint64_t MemBalancerPacer::gogc_goal_bytes() const {
  const int32_t gc_percent = runtime().gc_percent;
  if (gc_percent < 0) return kNoGoal;
  const double g = static_cast<double>(gc_percent) / 100;
  const auto w = static_cast<double>(expected_work_bytes());
  double headroom = g * std::sqrt(params_.reference_work_bytes * w * std::max(estimate_, 0.0) /
                                  params_.reference_cons_mark);
  // GOGC's own headroom, g·(M + S + G), is the unit of the clamp.
  const double gogc_headroom = g * static_cast<double>(heap_marked_bytes() + roots_bytes());
  headroom = std::clamp(headroom, params_.min_headroom_ratio * gogc_headroom, params_.max_headroom_ratio * gogc_headroom);
  const uint64_t goal = heap_marked_bytes() + static_cast<uint64_t>(headroom);
  return std::max(goal, goal_rule().minimum_bytes(gc_percent));
}

nlohmann::json MemBalancerPacer::state() const {
  nlohmann::json j = RunwayPacer::state();
  j["cons_mark_ewma"] = estimate_;
  return j;
}

}  // namespace gcsim::pacer
