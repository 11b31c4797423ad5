// SPDX-License-Identifier: MIT
// Batching of generator steps, and the dry run that measures a generator's exact id bound.
#include "workloads/generators/step_generator.hpp"

#include <algorithm>
#include <vector>

namespace gcsim::workload {

size_t StepGenerator::next_batch(TraceEvent* out, size_t cap) {
  size_t n = 0;
  while (n < cap) {
    if (pos_ == len_) {
      pos_ = len_ = 0;
      if (done_ || !step()) {
        done_ = true;
        break;
      }
    }
    size_t k = std::min(cap - n, len_ - pos_);
    std::copy(pending_ + pos_, pending_ + pos_ + k, out + n);
    pos_ += k;
    n += k;
  }
  return n;
}

uint32_t measure_id_bound(EventSource& fresh) {
  std::vector<TraceEvent> buf(4096);
  uint32_t bound = 0;
  while (size_t n = fresh.next_batch(buf.data(), buf.size())) {
    for (size_t i = 0; i < n; ++i)
      if (buf[i].kind == EventKind::kAlloc || buf[i].kind == EventKind::kPoolGet)
        bound = std::max(bound, buf[i].object_id + 1);
  }
  return bound;
}

}  // namespace gcsim::workload
