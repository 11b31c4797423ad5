// SPDX-License-Identifier: MIT
// Strict JSON reading helpers: every reader names the JSON path in its ConfigError.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace gcsim::config {

using Json = nlohmann::json;

/// "a.b" + "c" -> "a.b.c"; "" + "c" -> "c".
std::string join_path(std::string_view parent, std::string_view key);

/// Throws ConfigError(path) unless j is an object.
void require_object(const Json& j, const std::string& path);

/// Throws ConfigError naming the first key of `j` not in `allowed` (with a "did you mean" hint).
void require_only_keys(const Json& j, std::initializer_list<std::string_view> allowed, const std::string& path);
void require_only_keys(const Json& j, const std::vector<std::string_view>& allowed, const std::string& path);

/// Typed getters: if `key` is absent the default is returned; if present with a wrong type or out
/// of range, ConfigError(path.key) says what is allowed.
uint64_t get_u64(const Json& j, const std::string& path, std::string_view key, uint64_t def,
                 uint64_t min = 0, uint64_t max = UINT64_MAX);
int64_t get_i64(const Json& j, const std::string& path, std::string_view key, int64_t def,
                int64_t min = INT64_MIN, int64_t max = INT64_MAX);
double get_double(const Json& j, const std::string& path, std::string_view key, double def, double min,
                  double max);
bool get_bool(const Json& j, const std::string& path, std::string_view key, bool def);
std::string get_string(const Json& j, const std::string& path, std::string_view key, const std::string& def);

/// The key must be present (for required settings).
void require_key(const Json& j, const std::string& path, std::string_view key);

}  // namespace gcsim::config
