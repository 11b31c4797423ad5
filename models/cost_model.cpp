// SPDX-License-Identifier: MIT
#include "models/cost_model.hpp"

#include <fstream>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/config/config_error.hpp"
#include "sim/config/json_check.hpp"

namespace gcsim {
namespace {

// One table drives parse and to_json so a new cost is added in exactly one place.
std::vector<std::pair<const char*, double CostModel::*>> fields() {
  return {
      {"alloc_ns", &CostModel::alloc_ns},
      {"alloc_zero_ns_per_byte", &CostModel::alloc_zero_ns_per_byte},
      {"alloc_scan_ns", &CostModel::alloc_scan_ns},
      {"page_fault_ns_per_byte", &CostModel::page_fault_ns_per_byte},
      {"span_refill_ns", &CostModel::span_refill_ns},
      {"large_alloc_ns", &CostModel::large_alloc_ns},
      {"ptr_write_ns", &CostModel::ptr_write_ns},
      {"write_barrier_ns", &CostModel::write_barrier_ns},
      {"wb_buffer_flush_ns", &CostModel::wb_buffer_flush_ns},
      {"mark_alloc_ns", &CostModel::mark_alloc_ns},
      {"goroutine_start_ns", &CostModel::goroutine_start_ns},
      {"goroutine_handoff_ns", &CostModel::goroutine_handoff_ns},
      {"replayer_alloc_ns", &CostModel::replayer_alloc_ns},
      {"pool_get_ns", &CostModel::pool_get_ns},
      {"pool_put_ns", &CostModel::pool_put_ns},
      {"stack_copy_ns_per_byte", &CostModel::stack_copy_ns_per_byte},
      {"scan_ns_per_byte", &CostModel::scan_ns_per_byte},
      {"mark_ns_per_object_byte", &CostModel::mark_ns_per_object_byte},
      {"mark_ns_per_object", &CostModel::mark_ns_per_object},
      {"scan_ns_per_object", &CostModel::scan_ns_per_object},
      {"mark_ns_per_scattered_object", &CostModel::mark_ns_per_scattered_object},
      {"mark_cost_cv", &CostModel::mark_cost_cv},
      {"sweep_ns_per_span", &CostModel::sweep_ns_per_span},
      {"stw_sweep_term_ns", &CostModel::stw_sweep_term_ns},
      {"stw_sweep_term_ns_per_p", &CostModel::stw_sweep_term_ns_per_p},
      {"stw_mark_term_ns", &CostModel::stw_mark_term_ns},
      {"stw_mark_term_ns_per_p", &CostModel::stw_mark_term_ns_per_p},
  };
}

}  // namespace

CostModel CostModel::parse(const nlohmann::json& j, const std::string& path, const std::string& base_dir) {
  using namespace config;
  require_object(j, path);
  CostModel c;
  std::vector<std::string_view> allowed{"profile", "profile_path"};
  for (auto& [name, member] : fields()) allowed.push_back(name);
  require_only_keys(j, allowed, path);
  if (j.contains("profile_path")) {
    std::string rel = get_string(j, path, "profile_path", "");
    std::string file = rel.empty() || rel[0] == '/' ? rel : base_dir + "/" + rel;
    std::ifstream in(file);
    if (!in) throw ConfigError(join_path(path, "profile_path"), "cannot open profile file " + file);
    nlohmann::json prof = nlohmann::json::parse(in, nullptr, false);
    if (prof.is_discarded() || !prof.is_object() || !prof.contains("cost_model"))
      throw ConfigError(join_path(path, "profile_path"), file + " is not a cost profile (needs a cost_model object)");
    nlohmann::json inner = prof["cost_model"];
    inner.erase("profile_path");
    c = parse(inner, file + ": cost_model", base_dir);
    c.profile = prof.value("name", rel);
  }
  c.profile = get_string(j, path, "profile", c.profile);
  for (auto& [name, member] : fields()) c.*member = get_double(j, path, name, c.*member, 0.0, 1e12);
  return c;
}

nlohmann::json CostModel::to_json() const {
  nlohmann::json j;
  j["profile"] = profile;
  for (auto& [name, member] : fields()) j[name] = this->*member;
  return j;
}

}  // namespace gcsim
