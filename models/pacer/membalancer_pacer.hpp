// SPDX-License-Identifier: MIT
// A MemBalancer-style pacer: heap headroom proportional to sqrt(cons/mark × scan work).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "models/pacer/runway_pacer.hpp"

namespace gcsim::pacer {

struct MemBalancerParams {
  double reference_work_bytes = 64.0 * (1 << 20);  ///< W_ref: where the rule gives GOGC's headroom …
  double reference_cons_mark = 0.25;               ///< c_ref: … at this cons/mark (the ring calibration's)
  double smoothing = 0.5;            ///< weight of the newest cons/mark measurement (EWMA)
  double min_headroom_ratio = 0.1;   ///< E ≥ this · GOGC/100 · (M + S + G)
  double max_headroom_ratio = 4.0;   ///< E ≤ this · GOGC/100 · (M + S + G)

  static MemBalancerParams parse(const nlohmann::json& j, const std::string& path);
  nlohmann::json to_json() const;
};

/// Square-root heap rule after MemBalancer (Kirisame, Shenoy, Panchekha, PLDI 2022 / "Optimal heap
/// limits for reducing browser memory use"). With W = Ps + S + G the scan work of a cycle and c the
/// cons/mark ratio, a cycle every E bytes of allocation costs W/E of scan work per allocated byte,
/// so GC CPU ∝ c·W/E; minimising memory + λ·CPU, E + λ·c·W/E, gives E* = sqrt(λ·c·W). λ is fixed by
/// requiring GOGC's headroom g·W_ref at the reference point (W_ref, c_ref): λ = g²·W_ref/c_ref, so
///   N = M + E,  E = g·sqrt(W_ref · W · ĉ / c_ref),  clamped to [min, max]·g·(M + S + G),
/// floored at the goal rule's minimum heap. ĉ is an EWMA of the measured cons/mark (c_ref before the
/// first measurement). The trigger, memory limit and assists are the redesign's (RunwayPacer).
class MemBalancerPacer : public RunwayPacer {
 public:
  MemBalancerPacer(const MemBalancerParams& params, const RuntimeSettings& runtime, const GoalRule& rule);
  nlohmann::json state() const override;

 protected:
  double runway_cons_mark() const override { return estimate_; }
  void observe(double measured) override;
  uint64_t gogc_goal_bytes() const override;

 private:
  MemBalancerParams params_;
  double estimate_;
  bool measured_ = false;
};

}  // namespace gcsim::pacer
