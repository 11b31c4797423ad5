// SPDX-License-Identifier: MIT
#include "models/memory_model.hpp"

#include "sim/config/json_check.hpp"

namespace gcsim {

MemoryModel MemoryModel::parse(const nlohmann::json& j, const std::string& path) {
  using namespace config;
  require_only_keys(j, {"fixed_overhead_bytes", "overhead_per_heap_byte", "scavenge_ns_per_page"}, path);
  MemoryModel m;
  m.fixed_overhead_bytes = get_u64(j, path, "fixed_overhead_bytes", m.fixed_overhead_bytes);
  m.overhead_per_heap_byte = get_double(j, path, "overhead_per_heap_byte", m.overhead_per_heap_byte, 0.0, 10.0);
  m.scavenge_ns_per_page = get_double(j, path, "scavenge_ns_per_page", m.scavenge_ns_per_page, 0.0, 1e9);
  return m;
}

nlohmann::json MemoryModel::to_json() const {
  return {{"fixed_overhead_bytes", fixed_overhead_bytes},
          {"overhead_per_heap_byte", overhead_per_heap_byte},
          {"scavenge_ns_per_page", scavenge_ns_per_page}};
}

}  // namespace gcsim
