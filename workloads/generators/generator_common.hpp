// SPDX-License-Identifier: MIT
// Parameters and small helpers shared by all synthetic generators.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "sim/config/json_check.hpp"

namespace gcsim::workload {

using config::Json;

/// Settings every generator accepts (flattened into its params object).
struct CommonGenParams {
  uint64_t globals_bytes = 0;      ///< if > 0, the stream starts with one `globals` event of this size
  uint64_t work_ns_per_alloc = 0;  ///< if > 0, a `work` event of this many ns precedes every allocation
  uint32_t goroutines = 1;         ///< allocation i is done by goroutine i mod goroutines (ids 0..n-1)

  /// Reads the common keys of `params` (absent keys keep their defaults).
  void parse_from(const Json& params, const std::string& path);
  /// Adds the common keys to a resolved params object.
  void add_to(Json& params) const;
  /// `specific` keys followed by the common ones, for require_only_keys.
  static std::vector<std::string_view> keys_with(std::initializer_list<std::string_view> specific);
};

/// Spreads a fraction over a sequence deterministically: next() is true for
/// round(fraction * n) of the first n calls (error < 1), without randomness.
class FractionSpreader {
 public:
  explicit FractionSpreader(double fraction) : fraction_(fraction) {}
  bool next() {
    acc_ += fraction_;
    if (acc_ >= 1.0 - 1e-12) {
      acc_ -= 1.0;
      return true;
    }
    return false;
  }

 private:
  double fraction_;
  double acc_ = 0.0;
};

/// Short-lived garbage: a FIFO of `lifetime_allocs` ids. push() returns the id that dies (the oldest
/// once the FIFO is full) or kNone. With lifetime 0 the pushed id itself dies at once.
class GarbageFifo {
 public:
  static constexpr uint64_t kNone = UINT64_MAX;
  explicit GarbageFifo(uint64_t lifetime_allocs) : ids_(lifetime_allocs) {}
  uint64_t push(uint32_t id) {
    if (ids_.empty()) return id;
    uint64_t dead = kNone;
    if (count_ == ids_.size()) {
      dead = ids_[head_];
      ids_[head_] = id;
      head_ = (head_ + 1) % ids_.size();
    } else {
      ids_[(head_ + count_) % ids_.size()] = id;
      ++count_;
    }
    return dead;
  }

 private:
  std::vector<uint32_t> ids_;
  size_t head_ = 0;
  size_t count_ = 0;
};

}  // namespace gcsim::workload
