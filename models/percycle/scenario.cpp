// SPDX-License-Identifier: MIT
#include "models/percycle/scenario.hpp"

#include <cmath>
#include <filesystem>

#include "sim/config/config_error.hpp"
#include "sim/config/json_check.hpp"
#include "sim/config/overrides.hpp"

namespace gcsim::percycle {

Scenario parse_pacer_model_scenario(const nlohmann::json& doc, const std::string& name, const std::string& source) {
  using namespace config;
  require_object(doc, source);
  require_only_keys(doc, {"global", "cycles"}, source);
  require_key(doc, source, "global");
  require_key(doc, source, "cycles");
  const std::string gpath = join_path(source, "global");
  const nlohmann::json& g = doc["global"];
  require_object(g, gpath);
  require_only_keys(g, {"gamma", "globals_bytes", "init_live_heap"}, gpath);
  Scenario s;
  s.name = name;
  s.rate_unit_bytes_per_cpu_ns = kPacerModelRateUnit;
  const double gamma = get_double(g, gpath, "gamma", 2.0, 1.0, 1e4);
  s.gc_percent = static_cast<int32_t>(std::lround((gamma - 1) * 100));
  s.globals_bytes = get_u64(g, gpath, "globals_bytes", 0);
  s.initial_live_heap_bytes = get_u64(g, gpath, "init_live_heap", 0);
  const nlohmann::json& cycles = doc["cycles"];
  const std::string cpath = join_path(source, "cycles");
  if (!cycles.is_array() || cycles.empty()) throw ConfigError(cpath, "must be a non-empty array of cycles");
  for (size_t i = 0; i < cycles.size(); ++i) {
    const std::string p = cpath + "[" + std::to_string(i) + "]";
    const nlohmann::json& c = cycles[i];
    require_object(c, p);
    require_only_keys(c, {"alloc_rate", "scan_rate", "growth_rate", "scannable_frac", "stack_bytes", "heap_target"}, p);
    CycleInputs in;
    in.alloc_rate = get_double(c, p, "alloc_rate", in.alloc_rate, 1e-9, 1e12);
    in.scan_rate = get_double(c, p, "scan_rate", in.scan_rate, 1e-9, 1e12);
    in.growth_rate = get_double(c, p, "growth_rate", in.growth_rate, 0.0, 1e6);
    in.scannable_frac = get_double(c, p, "scannable_frac", in.scannable_frac, 0.0, 1.0);
    in.stack_bytes = get_u64(c, p, "stack_bytes", 0);
    in.heap_target_bytes = get_i64(c, p, "heap_target", -1);
    s.cycles.push_back(in);
  }
  return s;
}

Scenario load_pacer_model_scenario(const std::string& path) {
  nlohmann::json doc = config::read_json_file(path);
  return parse_pacer_model_scenario(doc, std::filesystem::path(path).stem().string(), path);
}

const std::vector<std::string>& redesign_scenario_names() {
  static const std::vector<std::string> names = {"steady",     "jitter-alloc", "step-alloc",
                                                 "heavy-step-alloc", "high-GOGC", "osc-alloc",
                                                 "big-stacks", "big-globals",  "heavy-jitter-alloc"};
  return names;
}

}  // namespace gcsim::percycle
