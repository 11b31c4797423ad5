// SPDX-License-Identifier: MIT
#include "sim/config/json_check.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "sim/config/config_error.hpp"

namespace gcsim::config {
namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string type_name(const Json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  return "an object";
}

}  // namespace

std::string join_path(std::string_view parent, std::string_view key) {
  const std::string k = key.empty() ? std::string("\"\"") : std::string(key);  // an empty key is named ""
  if (parent.empty()) return k;
  return std::string(parent) + "." + k;
}

void require_object(const Json& j, const std::string& path) {
  if (!j.is_object()) throw ConfigError(path.empty() ? "(top level)" : path, "expected a JSON object, got " + type_name(j));
}

void require_only_keys(const Json& j, std::initializer_list<std::string_view> allowed, const std::string& path) {
  require_only_keys(j, std::vector<std::string_view>(allowed), path);
}

void require_only_keys(const Json& j, const std::vector<std::string_view>& allowed, const std::string& path) {
  require_object(j, path);
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
    std::string msg = "unknown key";
    std::string_view best;
    size_t best_d = 4;
    for (auto a : allowed) {
      size_t d = edit_distance(k, a);
      if (d < best_d) best_d = d, best = a;
    }
    if (!best.empty()) {
      msg += " (did you mean " + std::string(best) + "?)";
    } else {
      msg += "; allowed:";
      for (auto a : allowed) msg += " " + std::string(a);
    }
    throw ConfigError(join_path(path, k), msg);
  }
}

void require_key(const Json& j, const std::string& path, std::string_view key) {
  if (!j.contains(key)) throw ConfigError(join_path(path, key), "required key is missing");
}

uint64_t get_u64(const Json& j, const std::string& path, std::string_view key, uint64_t def, uint64_t min,
                 uint64_t max) {
  auto it = j.find(key);
  if (it == j.end()) return def;
  std::string p = join_path(path, key);
  uint64_t v = 0;
  if (it->is_number_unsigned()) {
    v = it->get<uint64_t>();
  } else if (it->is_number_integer()) {
    if (it->get<int64_t>() < 0) throw ConfigError(p, "must be a non-negative integer, got " + it->dump());
    v = static_cast<uint64_t>(it->get<int64_t>());
  } else if (it->is_number_float()) {
    double d = it->get<double>();
    if (d < 0 || d != std::floor(d) || d > 1.8e19)
      throw ConfigError(p, "must be a non-negative integer, got " + it->dump());
    v = static_cast<uint64_t>(d);
  } else {
    throw ConfigError(p, "must be a non-negative integer, got " + type_name(*it));
  }
  if (v < min || v > max)
    throw ConfigError(p, "must be in [" + std::to_string(min) + ", " + std::to_string(max) + "], got " +
                             std::to_string(v));
  return v;
}

int64_t get_i64(const Json& j, const std::string& path, std::string_view key, int64_t def, int64_t min,
                int64_t max) {
  auto it = j.find(key);
  if (it == j.end()) return def;
  std::string p = join_path(path, key);
  if (!it->is_number_integer()) throw ConfigError(p, "must be an integer, got " + type_name(*it));
  if (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
    throw ConfigError(p, "too large");
  int64_t v = it->get<int64_t>();
  if (v < min || v > max)
    throw ConfigError(p, "must be in [" + std::to_string(min) + ", " + std::to_string(max) + "], got " +
                             std::to_string(v));
  return v;
}

double get_double(const Json& j, const std::string& path, std::string_view key, double def, double min,
                  double max) {
  auto it = j.find(key);
  if (it == j.end()) return def;
  std::string p = join_path(path, key);
  if (!it->is_number()) throw ConfigError(p, "must be a number, got " + type_name(*it));
  double v = it->get<double>();
  if (!std::isfinite(v) || v < min || v > max) {
    Json lo = min, hi = max;
    throw ConfigError(p, "must be in [" + lo.dump() + ", " + hi.dump() + "], got " + it->dump());
  }
  return v;
}

bool get_bool(const Json& j, const std::string& path, std::string_view key, bool def) {
  auto it = j.find(key);
  if (it == j.end()) return def;
  if (!it->is_boolean()) throw ConfigError(join_path(path, key), "must be true or false, got " + type_name(*it));
  return it->get<bool>();
}

std::string get_string(const Json& j, const std::string& path, std::string_view key, const std::string& def) {
  auto it = j.find(key);
  if (it == j.end()) return def;
  if (!it->is_string()) throw ConfigError(join_path(path, key), "must be a string, got " + type_name(*it));
  return it->get<std::string>();
}

}  // namespace gcsim::config
