// SPDX-License-Identifier: MIT
// GOGC, GOMEMLIMIT, GOMAXPROCS and the modelled Go version, as one small value type.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "models/runtime_version.hpp"

namespace gcsim {

inline constexpr uint64_t kNoMemoryLimit = static_cast<uint64_t>(INT64_MAX);  // Go's default GOMEMLIMIT

struct RuntimeSettings {
  std::string version = "1.19";              ///< Go release whose semantics are modelled
  int32_t gc_percent = 100;                  ///< GOGC; -1 = off
  uint64_t memory_limit_bytes = kNoMemoryLimit;  ///< GOMEMLIMIT; kNoMemoryLimit = none
  int gomaxprocs = 8;                        ///< GOMAXPROCS
  int ncpu = 0;                              ///< CPUs of the modelled machine (0 = gomaxprocs); STW CPU = min(P, ncpu) x wall
  bool cpu_limiter = true;                   ///< the GC CPU limiter (Go 1.19+); false is a research switch

  /// The version's differences (valid after parse(); "1.19" by default).
  const VersionTraits& traits() const;
  int stw_procs() const { return ncpu > 0 && ncpu < gomaxprocs ? ncpu : gomaxprocs; }

  /// Strict parse of the `runtime` object; `gogc` may be an integer >= 0 or the string "off";
  /// `memory_limit_bytes` may be an integer or null (no limit).
  static RuntimeSettings parse(const nlohmann::json& j, const std::string& path);
  nlohmann::json to_json() const;
};

}  // namespace gcsim
