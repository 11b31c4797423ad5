// SPDX-License-Identifier: MIT
// Maps the object labels of a text trace to dense ids, remembering live labels only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "workloads/dense_id_pool.hpp"

namespace gcsim::workload {

/// label -> dense id for LIVE objects: an open-addressing hash table (linear probing, backward-shift
/// deletion, no tombstones) plus a DenseIdPool. Memory is bounded by the peak number of live objects,
/// not by trace length: the table holds live labels only and never exceeds ~3x the peak live count.
class IdRenumberer {
 public:
  enum class Status : uint8_t {
    kOk,
    kAlreadyLive,  ///< assign(): the label is live (allocated and not yet freed)
    kNotLive,      ///< release(): the label was never allocated or is already freed
    kTooManyLive,  ///< assign(): kMaxObjectIds objects live at once
  };

  IdRenumberer();

  /// Gives a not-live `label` a dense id (a released id if one is waiting, else a fresh one).
  Status assign(uint64_t label, uint32_t& id);
  /// Forgets a live `label` and returns its id to the pool.
  Status release(uint64_t label, uint32_t& id);

  size_t live_count() const { return size_; }
  /// Slots in the hash table (memory is ~16 bytes per slot).
  size_t table_capacity() const { return mask_ + 1; }
  /// Exclusive bound of all ids issued so far (== peak live objects).
  uint32_t id_bound() const { return pool_.bound(); }

 private:
  struct Slot {
    uint64_t label;
    uint32_t id_plus_1;  ///< 0 = empty slot
  };
  struct FreeDeleter {
    void operator()(Slot* p) const;
  };
  using SlotArray = std::unique_ptr<Slot[], FreeDeleter>;
  /// A zeroed table of `count` slots; tables of 2 MiB and more ask for transparent huge pages,
  /// since a large table is probed at random and TLB misses otherwise dominate (~3x slower).
  static SlotArray allocate_slots(size_t count);
  size_t home(uint64_t label) const;
  void grow();

  SlotArray slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
  DenseIdPool pool_;
};

}  // namespace gcsim::workload
