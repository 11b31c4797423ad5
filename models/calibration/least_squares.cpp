// SPDX-License-Identifier: MIT
#include "models/calibration/least_squares.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <Eigen/Dense>

namespace gcsim::calibration {

FitResult fit_nonnegative(const std::vector<Observation>& obs) {
  if (obs.empty()) throw std::invalid_argument("no observations to fit");
  std::vector<std::string> names;
  for (const auto& o : obs)
    for (const auto& [k, v] : o.features)
      if (std::find(names.begin(), names.end(), k) == names.end()) names.push_back(k);
  std::sort(names.begin(), names.end());
  const auto m = static_cast<Eigen::Index>(obs.size());
  const auto n = static_cast<Eigen::Index>(names.size());
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(m, n);
  Eigen::VectorXd b(m);
  for (Eigen::Index i = 0; i < m; ++i) {
    const Observation& o = obs[static_cast<size_t>(i)];
    if (!(o.target > 0)) throw std::invalid_argument("observation target must be positive (group " + o.group + ")");
    double scale = o.weight / o.target;
    for (Eigen::Index j = 0; j < n; ++j) {
      auto it = o.features.find(names[static_cast<size_t>(j)]);
      if (it != o.features.end()) a(i, j) = it->second * scale;
    }
    b(i) = o.target * scale;
  }
  // Lawson–Hanson NNLS.
  Eigen::VectorXd x = Eigen::VectorXd::Zero(n);
  std::vector<bool> passive(static_cast<size_t>(n), false);
  for (int iter = 0; iter < 3 * n + 10; ++iter) {
    Eigen::VectorXd w = a.transpose() * (b - a * x);
    Eigen::Index best = -1;
    double best_w = 1e-12;
    for (Eigen::Index j = 0; j < n; ++j)
      if (!passive[static_cast<size_t>(j)] && w(j) > best_w) best_w = w(j), best = j;
    if (best < 0) break;
    passive[static_cast<size_t>(best)] = true;
    while (true) {
      std::vector<Eigen::Index> p;
      for (Eigen::Index j = 0; j < n; ++j)
        if (passive[static_cast<size_t>(j)]) p.push_back(j);
      Eigen::MatrixXd ap(m, static_cast<Eigen::Index>(p.size()));
      for (size_t k = 0; k < p.size(); ++k) ap.col(static_cast<Eigen::Index>(k)) = a.col(p[k]);
      Eigen::VectorXd zp = ap.colPivHouseholderQr().solve(b);
      Eigen::VectorXd z = Eigen::VectorXd::Zero(n);
      for (size_t k = 0; k < p.size(); ++k) z(p[k]) = zp(static_cast<Eigen::Index>(k));
      bool feasible = true;
      for (Eigen::Index j : p) feasible = feasible && z(j) > 0;
      if (feasible) {
        x = z;
        break;
      }
      double alpha = 1;
      for (Eigen::Index j : p)
        if (z(j) <= 0) alpha = std::min(alpha, x(j) / (x(j) - z(j)));
      x = x + alpha * (z - x);
      for (Eigen::Index j : p)
        if (x(j) <= 1e-15) passive[static_cast<size_t>(j)] = false, x(j) = 0;
    }
  }
  FitResult r;
  r.rows = obs.size();
  for (Eigen::Index j = 0; j < n; ++j) r.values[names[static_cast<size_t>(j)]] = x(j);
  std::map<std::string, std::pair<double, size_t>> acc;
  for (const auto& o : obs) {
    double fit = 0;
    for (const auto& [k, v] : o.features) fit += v * r.values[k];
    double rel = (fit - o.target) / o.target;
    acc[o.group].first += rel * rel;
    acc[o.group].second += 1;
  }
  for (const auto& [g, s] : acc) r.group_rel_rmse[g] = std::sqrt(s.first / static_cast<double>(s.second));
  return r;
}

}  // namespace gcsim::calibration
