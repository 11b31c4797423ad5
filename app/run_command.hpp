// SPDX-License-Identifier: MIT
// Runs one experiment and writes its output directory.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "app/experiment.hpp"
#include "models/stats/run_record.hpp"

namespace gcsim::app {

/// Simulates `e` (no files written). `progress` may be empty.
stats::RunRecord simulate(const Experiment& e, const ProgressFn& progress);

/// Writes resolved_config.json, summary.json, cycles.csv, timeseries.csv, gctrace.txt into `dir`.
void write_run_outputs(const std::filesystem::path& dir, const Experiment& e, const stats::RunRecord& r);

/// Simulates and writes `out_dir` atomically (all files or no directory). Returns summary.json.
nlohmann::json run_experiment(const Experiment& e, const std::filesystem::path& out_dir, bool replace,
                              bool show_progress);

}  // namespace gcsim::app
