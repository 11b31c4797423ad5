// SPDX-License-Identifier: MIT
// Pacer strategies by name: adding one is a new file plus one line in registry.cpp.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/pacer/pacer.hpp"

namespace gcsim::pacer {

struct PacerKind {
  std::string kind;
  std::string summary;
  /// Validates `params` strictly (ConfigError with JSON paths under `path`) and builds the pacer.
  std::function<std::unique_ptr<Pacer>(const nlohmann::json& params, const std::string& path, const PacerContext&)> make;
  /// Returns `params` with every default filled in (for resolved_config.json).
  std::function<nlohmann::json(const nlohmann::json& params, const std::string& path)> resolve;
};

/// Every built-in strategy, in one place.
const std::vector<PacerKind>& pacer_kinds();

/// Builds the pacer for config object `pacer` ({"kind": ..., "params": {...}}) at JSON path `path`.
std::unique_ptr<Pacer> make_pacer(const nlohmann::json& pacer, const std::string& path, const PacerContext& ctx);
nlohmann::json resolved_pacer(const nlohmann::json& pacer, const std::string& path);

}  // namespace gcsim::pacer
