// SPDX-License-Identifier: MIT
// Hands out dense object ids, reusing released ids last-in first-out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace gcsim::workload {

/// Dense id allocator. A fresh id is issued only when no released id is waiting, so every id ever
/// issued is < the peak number of simultaneously held ids (bound() == that peak). An id comes back
/// only after release(). Reuse is LIFO, which makes renumbering idempotent: a stream whose ids were
/// produced by a DenseIdPool maps to itself when renumbered by another DenseIdPool.
class DenseIdPool {
 public:
  /// True if acquire() can succeed (ids stay below `limit`).
  bool can_acquire(uint64_t limit) const { return !free_.empty() || next_ < limit; }
  uint32_t acquire() {
    if (!free_.empty()) {
      uint32_t id = free_.back();
      free_.pop_back();
      return id;
    }
    return next_++;
  }
  /// The caller guarantees `id` is currently held.
  void release(uint32_t id) { free_.push_back(id); }
  /// Exclusive upper bound of all ids issued so far (== peak number held at once).
  uint32_t bound() const { return next_; }
  /// Number of ids currently held.
  size_t held() const { return next_ - free_.size(); }

 private:
  std::vector<uint32_t> free_;
  uint32_t next_ = 0;
};

}  // namespace gcsim::workload
