// SPDX-License-Identifier: MIT
// A test EventSource over an in-memory vector of events.
#pragma once

#include <algorithm>
#include <vector>

#include "workloads/trace_event.hpp"

namespace gcsim::testing {

class VectorSource : public workload::EventSource {
 public:
  explicit VectorSource(std::vector<workload::TraceEvent> events) : events_(std::move(events)) {}
  size_t next_batch(workload::TraceEvent* out, size_t cap) override {
    size_t n = std::min(cap, events_.size() - pos_);
    std::copy_n(events_.begin() + static_cast<long>(pos_), n, out);
    pos_ += n;
    return n;
  }
  std::string describe() const override { return "vector"; }

 private:
  std::vector<workload::TraceEvent> events_;
  size_t pos_ = 0;
};

/// A ring workload like the calibration program, scaled down: `slots` live objects of `bytes`,
/// `total` allocations, each stored into a slot (one pointer write), freeing the previous occupant.
inline std::vector<workload::TraceEvent> ring_events(uint32_t slots, uint64_t bytes, uint64_t total) {
  using workload::EventKind;
  using workload::TraceEvent;
  std::vector<TraceEvent> ev;
  std::vector<uint32_t> slot_obj(slots, UINT32_MAX);
  uint32_t next_id = 0;
  std::vector<uint32_t> free_ids;
  for (uint64_t i = 0; i < total; ++i) {
    uint32_t id;
    if (!free_ids.empty()) {
      id = free_ids.back();
      free_ids.pop_back();
    } else {
      id = next_id++;
    }
    TraceEvent a;
    a.kind = EventKind::kAlloc;
    a.object_id = id;
    a.size_bytes = bytes;
    a.pointerful = true;
    ev.push_back(a);
    TraceEvent w;
    w.kind = EventKind::kPtrWrite;
    w.value = 1;
    ev.push_back(w);
    uint32_t s = static_cast<uint32_t>(i % slots);
    if (slot_obj[s] != UINT32_MAX) {
      TraceEvent f;
      f.kind = EventKind::kFree;
      f.object_id = slot_obj[s];
      ev.push_back(f);
      free_ids.push_back(slot_obj[s]);
    }
    slot_obj[s] = id;
  }
  return ev;
}

}  // namespace gcsim::testing
