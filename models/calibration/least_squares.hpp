// SPDX-License-Identifier: MIT
// Non-negative least squares over named cost-model parameters (calibration against real runs).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace gcsim::calibration {

/// One measurement: target ≈ Σ features[name] × parameter[name].
struct Observation {
  std::string group;                       ///< what was measured ("mark_cpu", "stw_sweep_term", …)
  double target = 0;                       ///< measured value (ns)
  std::map<std::string, double> features;  ///< parameter name → coefficient (counts, bytes, 1, P)
  double weight = 1;                       ///< relative weight (rows are scaled by weight / target)
};

struct FitResult {
  std::map<std::string, double> values;            ///< fitted parameter values, ≥ 0
  std::map<std::string, double> group_rel_rmse;    ///< per group: RMS of (fit − target)/target
  size_t rows = 0;
};

/// Fits non-negative parameters minimising Σ (weight·(x·f − t)/t)² (relative errors, so small and
/// large targets count alike). Lawson–Hanson active-set NNLS on Eigen's QR least squares.
/// Throws std::invalid_argument if there are no observations or a target is not positive.
FitResult fit_nonnegative(const std::vector<Observation>& obs);

}  // namespace gcsim::calibration
