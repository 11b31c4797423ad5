// SPDX-License-Identifier: MIT
#include "sim/event_queue.hpp"

#include <algorithm>
#include <utility>

namespace gcsim::sim {

bool EventQueue::later(const Entry& a, const Entry& b) {
  if (a.when != b.when) return a.when > b.when;
  if (a.prio != b.prio) return a.prio > b.prio;
  return a.seq > b.seq;
}

EventId EventQueue::schedule(SimTimeNs when, Priority prio, std::function<void()> fn) {
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(fns_.size());
    fns_.emplace_back();
    slot_seq_.push_back(0);
  }
  uint64_t seq = next_seq_++;
  fns_[slot] = std::move(fn);
  slot_seq_[slot] = seq;
  heap_.push_back(Entry{when, static_cast<int8_t>(prio), seq, slot});
  std::push_heap(heap_.begin(), heap_.end(), later);
  return (static_cast<uint64_t>(slot) << 40) | (seq & ((1ULL << 40) - 1));
}

void EventQueue::cancel(EventId id) {
  auto slot = static_cast<uint32_t>(id >> 40);
  uint64_t seq_low = id & ((1ULL << 40) - 1);
  if (slot >= slot_seq_.size() || slot_seq_[slot] == 0) return;
  if ((slot_seq_[slot] & ((1ULL << 40) - 1)) != seq_low) return;
  slot_seq_[slot] = 0;
  fns_[slot] = nullptr;
  ++cancelled_live_;
}

void EventQueue::drop_cancelled_top() {
  while (!heap_.empty() && slot_seq_[heap_.front().slot] != heap_.front().seq) {
    uint32_t slot = heap_.front().slot;
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
    free_slots_.push_back(slot);
    --cancelled_live_;
  }
}

bool EventQueue::empty() {
  drop_cancelled_top();
  return heap_.empty();
}

SimTimeNs EventQueue::next_time() {
  drop_cancelled_top();
  return heap_.empty() ? kTimeNever : heap_.front().when;
}

bool EventQueue::run_next(SimTimeNs& now) {
  drop_cancelled_top();
  if (heap_.empty()) return false;
  Entry e = heap_.front();
  std::pop_heap(heap_.begin(), heap_.end(), later);
  heap_.pop_back();
  auto fn = std::move(fns_[e.slot]);
  fns_[e.slot] = nullptr;
  slot_seq_[e.slot] = 0;
  free_slots_.push_back(e.slot);
  if (e.when > now) now = e.when;
  fn();
  return true;
}

}  // namespace gcsim::sim
