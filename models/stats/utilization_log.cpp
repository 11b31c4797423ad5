// SPDX-License-Identifier: MIT
#include "models/stats/utilization_log.hpp"

#include <cstring>


namespace gcsim::stats {

namespace {

bool same_levels(const UtilizationStep& a, const UtilizationStep& b) {
  return a.mutator_ps == b.mutator_ps && a.gc_ps == b.gc_ps && a.idle_gc_ps == b.idle_gc_ps &&
         a.assist_ps == b.assist_ps && a.stw_ps == b.stw_ps;
}

uint64_t bits(double x) {
  uint64_t b = 0;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

}  // namespace

size_t UtilizationLog::KeyHash::operator()(const LevelsKey& k) const {
  uint64_t h = 0x9e3779b97f4a7c15ULL;
  for (uint64_t x : k) h = (h ^ x) * 0x100000001b3ULL + (h >> 29);
  return static_cast<size_t>(h);
}

void UtilizationLog::record(const UtilizationStep& s) {
  if (count_ > 0 && same_levels(last_, s)) return;
  if (count_ > 0 && last_.t_ns == s.t_ns) {
    last_ = s;
    return;
  }
  push_back(s);
}

void UtilizationLog::push_back(const UtilizationStep& s) {
  if (count_ > 0) encode(last_);
  else first_t_ = s.t_ns;
  last_ = s;
  ++count_;
}

// varint(t − the previous encoded step's t; 0 for the first) then varint(levels index).
void UtilizationLog::encode(const UtilizationStep& s) {
  const bool first = bytes_.empty();
  put_uvarint(bytes_, first ? 0 : static_cast<uint64_t>(s.t_ns - encoded_t_));
  encoded_t_ = s.t_ns;
  const LevelsKey key{bits(s.mutator_ps), bits(s.gc_ps), bits(s.idle_gc_ps), bits(s.assist_ps), bits(s.stw_ps)};
  auto [it, added] = index_.try_emplace(key, static_cast<uint32_t>(levels_.size()));
  if (added) levels_.push_back(Levels{s.mutator_ps, s.gc_ps, s.idle_gc_ps, s.assist_ps, s.stw_ps});
  put_uvarint(bytes_, it->second);
}

std::vector<UtilizationStep> UtilizationLog::steps() const {
  std::vector<UtilizationStep> out;
  out.reserve(count_);
  for_each([&out](const UtilizationStep& s) { out.push_back(s); });
  return out;
}

size_t UtilizationLog::memory_bytes() const {
  return bytes_.capacity() + levels_.capacity() * sizeof(Levels) +
         index_.size() * (sizeof(LevelsKey) + sizeof(uint32_t) + 2 * sizeof(void*)) +
         index_.bucket_count() * sizeof(void*);
}

}  // namespace gcsim::stats
