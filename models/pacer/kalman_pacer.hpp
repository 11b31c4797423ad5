// SPDX-License-Identifier: MIT
// A state-space pacer: a Kalman filter on ln(cons/mark) with a trend, runway at an upper bound.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "models/pacer/runway_pacer.hpp"

namespace gcsim::pacer {

struct KalmanPacerParams {
  double level_noise = 0.1;        ///< σ of the per-cycle random walk of ln(c)
  double trend_noise = 0.02;       ///< σ of the per-cycle random walk of the trend of ln(c)
  double measurement_noise = 0.25; ///< σ of one measurement of ln(c)
  double confidence = 0.5;         ///< κ: the runway is planned with exp(ℓ̂ + κ·σ̂), an upper bound
  double max_trend = 0.5;          ///< |trend of ln(c)| per cycle is clamped to this

  static KalmanPacerParams parse(const nlohmann::json& j, const std::string& path);
  nlohmann::json to_json() const;
};

/// The redesign's runway trigger (RunwayPacer) with cons/mark estimated by a Kalman filter in log
/// space. State x = [ℓ, ℓ'] (ℓ = ln c and its per-cycle trend), F = [[1, 1], [0, 1]],
/// Q = diag(σ_ℓ², σ_ℓ'²), H = [1, 0], R = σ_z²; each measurement z = ln(c_meas) is a predict +
/// update step. The runway for the next cycle uses the one-step prediction ℓ⁻ = ℓ̂ + ℓ̂' and its
/// variance P⁻₀₀: c_runway = exp(ℓ⁻ + κ·sqrt(P⁻₀₀)), so the trigger moves earlier when the estimate
/// is uncertain (after a step, under jitter) and the trend anticipates ramps. Before the first
/// measurement c = 0 (first trigger at the upper bound, as Go). Eigen stays inside the .cpp.
class KalmanPacer : public RunwayPacer {
 public:
  KalmanPacer(const KalmanPacerParams& params, const RuntimeSettings& runtime, const GoalRule& rule);
  nlohmann::json state() const override;

 protected:
  double runway_cons_mark() const override { return runway_estimate_; }
  double reported_cons_mark() const override;
  void observe(double measured) override;

 private:
  KalmanPacerParams params_;
  bool initialised_ = false;
  double x_[2] = {0, 0};           // ℓ̂, ℓ̂'
  double p_[4] = {0, 0, 0, 0};     // covariance, row-major
  double runway_estimate_ = 0;
};

}  // namespace gcsim::pacer
