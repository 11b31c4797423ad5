// SPDX-License-Identifier: MIT
// Domain-free discrete-event queue with a total, reproducible order (when, priority, seq).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "sim/sim_time.hpp"

namespace gcsim::sim {

/// Priority bands order events that fall on the same nanosecond. Lower runs first:
/// mutator progress is settled before the collector reacts to it, state changes happen before
/// samplers read them, and a stop request runs after everything else at that instant.
enum class Priority : int8_t { kMutator = 0, kAllocator = 10, kGc = 20, kPacer = 30, kSampler = 90, kStop = 100 };

using EventId = uint64_t;

/// Binary heap of callbacks keyed by (when, priority, seq); seq is assigned at schedule time so
/// two events at the same time and priority run in scheduling order. Cancellation is lazy.
class EventQueue {
 public:
  EventId schedule(SimTimeNs when, Priority prio, std::function<void()> fn);
  /// Cancels a pending event; cancelling an event that already ran or was cancelled is a no-op.
  void cancel(EventId id);
  bool empty();
  /// Time of the earliest pending (non-cancelled) event, or kTimeNever.
  SimTimeNs next_time();
  /// Pops and runs the earliest event; returns false if none. Before the call `now` becomes the
  /// event's time, unless `now` is already later: the clock never runs backward, so an event that
  /// fell due while a model was busy (a mutator finishing its current operation) runs as soon as
  /// that model yields, at the model's time.
  bool run_next(SimTimeNs& now);
  size_t pending() const { return heap_.size() - cancelled_live_; }

 private:
  struct Entry {
    SimTimeNs when;
    int8_t prio;
    uint64_t seq;
    uint32_t slot;
  };
  static bool later(const Entry& a, const Entry& b);
  void drop_cancelled_top();

  std::vector<Entry> heap_;
  std::vector<std::function<void()>> fns_;   // indexed by slot
  std::vector<uint64_t> slot_seq_;           // seq currently owning a slot (0 = free)
  std::vector<uint32_t> free_slots_;
  uint64_t next_seq_ = 1;
  size_t cancelled_live_ = 0;
};

}  // namespace gcsim::sim
