// SPDX-License-Identifier: MIT
#include "models/stats/step_function.hpp"

#include <cstring>

namespace gcsim::stats {

void CompactStepFunction::append(sim::SimTimeNs t, double u) {
  if (n_ == 0) first_t_ = t;
  put_uvarint(bytes_, n_ == 0 ? 0 : static_cast<uint64_t>(t - last_t_));
  last_t_ = t;
  uint64_t key = 0;
  std::memcpy(&key, &u, sizeof key);
  auto [it, added] = value_index_.try_emplace(key, static_cast<uint32_t>(values_.size()));
  if (added) values_.push_back(u);
  put_uvarint(bytes_, it->second);
  ++n_;
}

CompactStepFunction::Cursor::Cursor(const CompactStepFunction& f) : f_(&f), p_(f.bytes_.data()) {
  if (f.n_ == 0) {
    t_ = next_t_ = f.end_ns_;
    return;
  }
  next_t_ = f.first_t_;
  get_uvarint(p_);  // the first point's delta (0)
  u_ = f.values_[static_cast<size_t>(get_uvarint(p_))];
  t_ = f.first_t_;
  load_next();
}

}  // namespace gcsim::stats
