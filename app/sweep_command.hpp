// SPDX-License-Identifier: MIT
// A sweep: one base experiment, axes of settings, every combination run and tabulated.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gcsim::app {

struct SweepPoint {
  std::string name;             ///< directory name, e.g. "gogc_100"
  nlohmann::json assignments;   ///< {"runtime.gogc": 100, ...}
  nlohmann::json config;        ///< the base config with the assignments applied
};

/// Validates a sweep document ({"schema_version", "name", "base" | "base_config", "sweep": {path: [values]}})
/// and expands the cartesian product of its axes, in file order (first axis outermost).
std::vector<SweepPoint> expand_sweep(const nlohmann::json& doc, const std::string& base_dir, std::string& name);

/// Runs every point into out_dir/runs/<point>/ and writes out_dir/sweep.csv; atomic as a whole.
void run_sweep(const std::vector<SweepPoint>& points, const std::string& base_dir,
               const std::filesystem::path& out_dir, bool replace, bool show_progress);

}  // namespace gcsim::app
