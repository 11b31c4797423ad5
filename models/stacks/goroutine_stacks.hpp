// SPDX-License-Identifier: MIT
// Goroutine stacks: doubling growth, halving shrink at GC, and the pacer's stack figures (stack.go).
#pragma once

#include <cstdint>
#include <vector>

namespace gcsim::stacks {

inline constexpr uint64_t kFixedStackBytes = 2048;  // _FixedStack on linux/amd64 (stack.go)
inline constexpr uint64_t kStackGuardBytes = 928;   // _StackGuard on linux/amd64 (stack.go)
inline constexpr uint64_t kMaxStackBytes = uint64_t{1} << 30;  // maxstacksize on 64-bit (proc.go)

/// gcComputeStartingStackSize (stack.go@1.19, adaptivestackstart): the average scanned stack
/// (hi - sp) plus the guard, rounded up to a power of two, within [_FixedStack, maxstacksize];
/// _FixedStack when no stack was scanned.
constexpr uint64_t starting_stack_bytes(uint64_t scanned_bytes, uint64_t scanned_stacks) {
  if (scanned_stacks == 0) return kFixedStackBytes;
  uint64_t avg = scanned_bytes / scanned_stacks + kStackGuardBytes;
  if (avg > kMaxStackBytes) avg = kMaxStackBytes;
  if (avg < kFixedStackBytes) avg = kFixedStackBytes;
  uint64_t p = 1;
  while (p < avg) p <<= 1;
  return p;
}

/// Allocated stack size for `used` bytes starting from `current`: doubled until it fits
/// (newstack → copystack, stack.go). Never below kFixedStackBytes.
constexpr uint64_t grown_stack_bytes(uint64_t current, uint64_t used) {
  uint64_t s = current < kFixedStackBytes ? kFixedStackBytes : current;
  while (s < used) s *= 2;
  return s;
}

/// shrinkstack (stack.go): halve when less than a quarter is used, never below _FixedStack.
constexpr uint64_t shrunk_stack_bytes(uint64_t allocated, uint64_t used) {
  if (allocated / 2 < kFixedStackBytes) return allocated;
  return used < allocated / 4 ? allocated / 2 : allocated;
}

/// Stacks of all goroutines, indexed by goroutine id.
class GoroutineStacks {
 public:
  /// Goroutine starts with `used` bytes in use; returns bytes copied (0).
  void start(uint32_t g, uint64_t used);
  void exit(uint32_t g);
  /// Stack in use becomes `used`; returns the bytes copied if the stack had to grow.
  uint64_t set_used(uint32_t g, uint64_t used);
  /// At mark termination: shrink every stack that uses less than a quarter of its allocation,
  /// then set the starting size of new goroutines from the stacks scanned this cycle.
  void on_mark_termination();
  bool alive(uint32_t g) const { return g < alloc_.size() && alloc_[g] != 0; }

  uint64_t inuse_bytes() const { return alloc_total_; }   ///< MemStats.StackInuse; maxStackScan
  uint64_t scan_bytes() const { return used_total_; }     ///< stack scan work (hi - sp)
  uint32_t live_goroutines() const { return live_; }
  uint64_t starting_stack_bytes() const { return starting_bytes_; }
  /// Growth copies since the counters were last taken (copystack on newstack).
  uint64_t growth_copies() const { return growth_copies_; }
  uint64_t growth_copied_bytes() const { return growth_copied_bytes_; }
  void reset_growth_counters() { growth_copies_ = growth_copied_bytes_ = 0; }

 private:
  void ensure(uint32_t g);
  std::vector<uint64_t> used_;
  std::vector<uint64_t> alloc_;
  uint64_t used_total_ = 0;
  uint64_t alloc_total_ = 0;
  uint32_t live_ = 0;
  uint64_t starting_bytes_ = kFixedStackBytes;
  uint64_t growth_copies_ = 0;
  uint64_t growth_copied_bytes_ = 0;
};

}  // namespace gcsim::stacks
