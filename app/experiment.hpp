// SPDX-License-Identifier: MIT
// One experiment: the validated settings a run is built from (config JSON → settings structs).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "models/process/go_process.hpp"

namespace gcsim::app {

inline constexpr int kSchemaVersion = 1;

struct Experiment {
  std::string name;
  uint64_t seed = 1;
  nlohmann::json workload;      ///< {"kind", "params"}, defaults filled in
  nlohmann::json pacer;         ///< {"kind", "params"}, defaults filled in
  ProcessSettings process;      ///< runtime, cost model, sampling
  std::string base_dir;         ///< directory relative workload paths resolve against

  /// The whole resolved config (every default filled in): written as resolved_config.json and
  /// enough to reproduce the run.
  nlohmann::json resolved() const;
};

/// Validates a config document strictly. `source` names the file for error messages.
Experiment parse_experiment(const nlohmann::json& doc, const std::string& base_dir);

}  // namespace gcsim::app
