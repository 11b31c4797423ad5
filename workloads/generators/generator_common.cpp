// SPDX-License-Identifier: MIT
// Parsing of the settings shared by all synthetic generators.
#include "workloads/generators/generator_common.hpp"

#include "workloads/trace_format.hpp"

namespace gcsim::workload {

void CommonGenParams::parse_from(const Json& params, const std::string& path) {
  globals_bytes = config::get_u64(params, path, "globals_bytes", globals_bytes, 0, kMaxMemoryBytes);
  work_ns_per_alloc = config::get_u64(params, path, "work_ns_per_alloc", work_ns_per_alloc, 0, kMaxWorkNs);
  goroutines = static_cast<uint32_t>(config::get_u64(params, path, "goroutines", goroutines, 1, 1u << 20));
}

void CommonGenParams::add_to(Json& params) const {
  params["globals_bytes"] = globals_bytes;
  params["work_ns_per_alloc"] = work_ns_per_alloc;
  params["goroutines"] = goroutines;
}

std::vector<std::string_view> CommonGenParams::keys_with(std::initializer_list<std::string_view> specific) {
  std::vector<std::string_view> keys(specific);
  keys.insert(keys.end(), {"globals_bytes", "work_ns_per_alloc", "goroutines"});
  return keys;
}

}  // namespace gcsim::workload
