// SPDX-License-Identifier: MIT
// sync.Pool: per-P primary caches and victim caches rotated at every GC (sync/pool.go).
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "models/allocator/heap.hpp"

namespace gcsim::pool {

/// All sync.Pools of the process. Mirrors sync/pool.go@1.19: Put stores into the caller P's local
/// pool; Get looks in the own P's primary (private, then the shared chain's head: LIFO), steals
/// from other Ps' primaries (tail: FIFO), then the victim caches the same way, else misses (New).
/// poolCleanup at every GC start (runtime/mgc.go clearpools, inside sweep termination): the old
/// victims are dropped (their objects become unreachable), primaries become victims.
class SyncPools {
 public:
  explicit SyncPools(int procs) : procs_(procs) {}

  void put(uint32_t pool, int p, const alloc::DetachedObject& obj);
  std::optional<alloc::DetachedObject> get(uint32_t pool, int p);
  /// poolCleanup: returns the objects dropped from the victim caches (now unreachable).
  std::vector<alloc::DetachedObject> on_gc_start();

  uint64_t pooled_objects() const;
  uint64_t gets() const { return gets_; }
  uint64_t hits() const { return hits_; }
  uint64_t puts() const { return puts_; }
  uint64_t dropped() const { return dropped_; }

 private:
  struct Pool {
    std::vector<std::vector<alloc::DetachedObject>> primary;  // per P, back = head
    std::vector<std::vector<alloc::DetachedObject>> victim;
  };
  Pool& pool_for(uint32_t id);
  static std::optional<alloc::DetachedObject> take(std::vector<std::vector<alloc::DetachedObject>>& caches, int p);

  int procs_;
  std::unordered_map<uint32_t, uint32_t> index_;  // pool id → pools_ index (lookup only)
  std::vector<Pool> pools_;                       // creation order: iteration is deterministic
  uint64_t gets_ = 0, hits_ = 0, puts_ = 0, dropped_ = 0;
};

}  // namespace gcsim::pool
