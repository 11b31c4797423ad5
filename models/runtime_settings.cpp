// SPDX-License-Identifier: MIT
#include "models/runtime_settings.hpp"

#include "models/runtime_version.hpp"

#include "sim/config/config_error.hpp"
#include "sim/config/json_check.hpp"

namespace gcsim {

RuntimeSettings RuntimeSettings::parse(const nlohmann::json& j, const std::string& path) {
  using namespace config;
  require_only_keys(j, {"version", "gogc", "memory_limit_bytes", "gomaxprocs", "ncpu", "cpu_limiter"}, path);
  RuntimeSettings s;
  if (auto it = j.find("version"); it != j.end() && it->is_number())
    throw ConfigError(join_path(path, "version"),
                      "must be a quoted string such as \"1.20\" (as a number 1.20 would read as 1.2)");
  s.version = get_string(j, path, "version", s.version);
  if (find_version(s.version) == nullptr) {
    std::string known;
    for (const auto& v : supported_versions()) known += (known.empty() ? "" : ", ") + v;
    throw ConfigError(join_path(path, "version"), "unsupported Go version '" + s.version + "'; supported: " + known);
  }
  if (auto it = j.find("gogc"); it != j.end()) {
    if (it->is_string()) {
      if (it->get<std::string>() != "off")
        throw ConfigError(join_path(path, "gogc"), "must be an integer >= 0 or \"off\", got " + it->dump());
      s.gc_percent = -1;
    } else {
      s.gc_percent = static_cast<int32_t>(get_i64(j, path, "gogc", 100, 0, 1000000));
    }
  }
  if (auto it = j.find("memory_limit_bytes"); it != j.end() && !it->is_null()) {
    // 0 is almost always a mistake (a unit slip or an unset variable): it would make the GC run
    // back to back from the first allocation. No limit is null.
    if (it->is_number() && it->get<double>() == 0)
      throw ConfigError(join_path(path, "memory_limit_bytes"),
                        "must be >= 1 byte, got 0 (for no memory limit use null)");
    s.memory_limit_bytes = get_u64(j, path, "memory_limit_bytes", kNoMemoryLimit, 1, kNoMemoryLimit);
  }
  s.gomaxprocs = static_cast<int>(get_i64(j, path, "gomaxprocs", s.gomaxprocs, 1, 1024));
  s.ncpu = static_cast<int>(get_i64(j, path, "ncpu", s.ncpu, 0, 1024));
  s.cpu_limiter = get_bool(j, path, "cpu_limiter", s.cpu_limiter);
  return s;
}

const VersionTraits& RuntimeSettings::traits() const {
  const VersionTraits* t = find_version(version);
  return t != nullptr ? *t : *find_version("1.19");
}

nlohmann::json RuntimeSettings::to_json() const {
  nlohmann::json j;
  j["version"] = version;
  if (gc_percent < 0) {
    j["gogc"] = "off";
  } else {
    j["gogc"] = gc_percent;
  }
  if (memory_limit_bytes == kNoMemoryLimit) {
    j["memory_limit_bytes"] = nullptr;
  } else {
    j["memory_limit_bytes"] = memory_limit_bytes;
  }
  j["gomaxprocs"] = gomaxprocs;
  j["ncpu"] = ncpu;
  j["cpu_limiter"] = cpu_limiter;
  return j;
}

}  // namespace gcsim
