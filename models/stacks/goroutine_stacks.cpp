// SPDX-License-Identifier: MIT
#include "models/stacks/goroutine_stacks.hpp"

#include <algorithm>

namespace gcsim::stacks {

void GoroutineStacks::ensure(uint32_t g) {
  if (g >= alloc_.size()) {
    size_t n = std::max<size_t>(static_cast<size_t>(g) + 1, alloc_.size() * 2);
    alloc_.resize(n, 0);
    used_.resize(n, 0);
  }
}

void GoroutineStacks::start(uint32_t g, uint64_t used) {
  ensure(g);
  if (alloc_[g] != 0) return;  // already running (implicitly started earlier)
  alloc_[g] = grown_stack_bytes(starting_bytes_, used);
  used_[g] = used;
  alloc_total_ += alloc_[g];
  used_total_ += used;
  ++live_;
}

void GoroutineStacks::exit(uint32_t g) {
  if (!alive(g)) return;
  alloc_total_ -= alloc_[g];
  used_total_ -= used_[g];
  alloc_[g] = 0;
  used_[g] = 0;
  --live_;
}

uint64_t GoroutineStacks::set_used(uint32_t g, uint64_t used) {
  if (!alive(g)) start(g, 0);
  used_total_ = used_total_ - used_[g] + used;
  uint64_t copied = 0;
  if (used > alloc_[g]) {
    copied = used_[g];
    ++growth_copies_;
    growth_copied_bytes_ += copied;
    uint64_t grown = grown_stack_bytes(alloc_[g], used);
    alloc_total_ += grown - alloc_[g];
    alloc_[g] = grown;
  }
  used_[g] = used;
  return copied;
}

void GoroutineStacks::on_mark_termination() {
  for (size_t g = 0; g < alloc_.size(); ++g) {
    if (alloc_[g] == 0) continue;
    uint64_t s = shrunk_stack_bytes(alloc_[g], used_[g]);
    alloc_total_ -= alloc_[g] - s;
    alloc_[g] = s;
  }
  starting_bytes_ = ::gcsim::stacks::starting_stack_bytes(used_total_, live_);
}

}  // namespace gcsim::stacks
