// SPDX-License-Identifier: MIT
#include "models/pacer/kalman_pacer.hpp"

#include <algorithm>
#include <cmath>

#include <Eigen/Dense>

#include "sim/config/json_check.hpp"

namespace gcsim::pacer {

KalmanPacerParams KalmanPacerParams::parse(const nlohmann::json& j, const std::string& path) {
  using namespace config;
  require_only_keys(j, {"level_noise", "trend_noise", "measurement_noise", "confidence", "max_trend"}, path);
  KalmanPacerParams p;
  p.level_noise = get_double(j, path, "level_noise", p.level_noise, 0.0, 10.0);
  p.trend_noise = get_double(j, path, "trend_noise", p.trend_noise, 0.0, 10.0);
  p.measurement_noise = get_double(j, path, "measurement_noise", p.measurement_noise, 1e-6, 10.0);
  p.confidence = get_double(j, path, "confidence", p.confidence, -10.0, 10.0);
  p.max_trend = get_double(j, path, "max_trend", p.max_trend, 0.0, 10.0);
  return p;
}

nlohmann::json KalmanPacerParams::to_json() const {
  return {{"level_noise", level_noise},
          {"trend_noise", trend_noise},
          {"measurement_noise", measurement_noise},
          {"confidence", confidence},
          {"max_trend", max_trend}};
}

KalmanPacer::KalmanPacer(const KalmanPacerParams& params, const RuntimeSettings& runtime, const GoalRule& rule)
    : RunwayPacer(runtime, rule), params_(params) {}

double KalmanPacer::reported_cons_mark() const { return initialised_ ? std::exp(x_[0]) : 0.0; }

void KalmanPacer::observe(double measured) {
  if (!(measured > 0)) return;  // ln undefined; a zero measurement carries no scale information
  const double z = std::log(measured);
  Eigen::Map<Eigen::Vector2d> x(x_);
  Eigen::Map<Eigen::Matrix<double, 2, 2, Eigen::RowMajor>> P(p_);
  const double r = params_.measurement_noise * params_.measurement_noise;
  Eigen::Matrix2d F;
  F << 1, 1, 0, 1;
  Eigen::Matrix2d Q = Eigen::Vector2d(params_.level_noise * params_.level_noise,
                                      params_.trend_noise * params_.trend_noise)
                          .asDiagonal();
  if (!initialised_) {
    // The first measurement fixes the level; the trend starts at 0 with the trend noise of a few
    // cycles as its uncertainty.
    x << z, 0;
    P << r, 0, 0, std::max(4 * params_.trend_noise * params_.trend_noise, 1e-6);
    initialised_ = true;
  } else {
    // Predict one cycle ahead, then update with z (H = [1 0]).
    x = F * x;
    P = F * P * F.transpose() + Q;
    const double s = P(0, 0) + r;
    const Eigen::Vector2d k = P.col(0) / s;
    const double innovation = z - x(0);
    x += k * innovation;
    const Eigen::Matrix2d i_kh = Eigen::Matrix2d::Identity() - k * Eigen::RowVector2d(1, 0);
    P = i_kh * P * i_kh.transpose() + k * r * k.transpose();  // Joseph form: stays symmetric PSD
  }
  x(1) = std::clamp(x(1), -params_.max_trend, params_.max_trend);
  // One-step prediction for the next cycle's runway, at κ standard deviations above the mean.
  const Eigen::Vector2d xp = F * x;
  const Eigen::Matrix2d pp = F * P * F.transpose() + Q;
  runway_estimate_ = std::exp(xp(0) + params_.confidence * std::sqrt(std::max(pp(0, 0), 0.0)));
}

nlohmann::json KalmanPacer::state() const {
  nlohmann::json j = RunwayPacer::state();
  j["log_cons_mark"] = x_[0];
  j["log_cons_mark_trend"] = x_[1];
  j["covariance"] = {p_[0], p_[1], p_[2], p_[3]};
  return j;
}

}  // namespace gcsim::pacer
