// SPDX-License-Identifier: MIT
// "ring" generator: the calibration workload, objects stored into a ring of slots, each evicting the last.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "workloads/dense_id_pool.hpp"
#include "workloads/generators/generator_common.hpp"
#include "workloads/generators/step_generator.hpp"

namespace gcsim::workload {

/// Mirrors workloads/go/ring_calibration: `ptrs[i % slots] = new(obj)` for i < total_objects.
struct RingParams {
  uint64_t slots = 524288;              ///< ring length (live objects in steady state)
  uint64_t object_bytes = 128;          ///< size of every ring object
  bool pointerful = true;               ///< ring objects contain pointers (scan) or not (noscan)
  uint64_t total_objects = 16777216;    ///< ring objects allocated in the run
  uint64_t slot_array_bytes = 4194304;  ///< if > 0: one pointerful + one noscan array of this size, live forever
  uint64_t stack_bytes = 0;             ///< if > 0: each goroutine's stack in use is set to this at the start
  CommonGenParams common;

  /// Strict: unknown keys and out-of-range values throw ConfigError naming `path`.key.
  static RingParams parse(const Json& params, const std::string& path);
  Json to_json() const;
};

/// Stream: [globals], [`stack g stack_bytes` for g = 0..goroutines-1], [array allocs], then per
/// ring object: [work], alloc, write 1 (the store into the slot), free of the slot's previous
/// occupant (if any). So for N = total_objects, S = slots: allocs = N (+2 arrays), writes = N,
/// frees = max(0, N - S), stack events = goroutines if stack_bytes > 0; live at end =
/// min(N, S) * object_bytes (+ 2 * slot_array_bytes).
class RingGenerator final : public StepGenerator {
 public:
  explicit RingGenerator(const RingParams& params);
  uint32_t object_id_bound() const override { return exact_id_bound(params_); }
  std::string describe() const override;
  /// Peak live objects: arrays + min(N, S) + (N > S ? 1 : 0) (the new object and the one it evicts
  /// are briefly live together).
  static uint32_t exact_id_bound(const RingParams& params);

 private:
  bool step() override;

  RingParams params_;
  DenseIdPool ids_;
  std::vector<uint32_t> slot_ids_;  ///< id of each slot's occupant (valid for slots already filled)
  uint64_t allocated_ = 0;          ///< ring objects allocated so far
  uint64_t slot_ = 0;
  uint32_t goroutine_ = 0;
  uint32_t stacks_done_ = 0;  ///< goroutines whose start `stack` event was emitted
  int phase_ = 0;             ///< 0 globals, 1 stacks, 2 arrays, 3 ring
};

}  // namespace gcsim::workload
