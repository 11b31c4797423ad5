// SPDX-License-Identifier: MIT
// "drop" generator: a live set is built, held, then mostly dropped part-way, with steady garbage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "workloads/dense_id_pool.hpp"
#include "workloads/generators/generator_common.hpp"
#include "workloads/generators/step_generator.hpp"

namespace gcsim::workload {

struct DropParams {
  uint64_t live_bytes = uint64_t{64} << 20;            ///< long-lived set built at the start
  uint64_t after_drop_live_bytes = uint64_t{8} << 20;  ///< long-lived bytes kept after the drop
  double drop_at_fraction = 0.5;                       ///< drop when this share of total_alloc_bytes is allocated
  uint64_t total_alloc_bytes = uint64_t{1} << 30;      ///< bytes allocated in the run (incl. the live set)
  uint64_t object_bytes = 64;                          ///< size of every object
  double pointerful_fraction = 1.0;                    ///< share of pointerful objects (spread evenly)
  uint64_t garbage_lifetime_allocs = 16;               ///< a garbage object dies after this many more garbage allocs
  CommonGenParams common;

  /// Strict; requires after_drop_live_bytes <= live_bytes.
  static DropParams parse(const Json& params, const std::string& path);
  Json to_json() const;
};

/// Stream: [globals]; long-lived allocations until live_bytes are live; then garbage allocations
/// (FIFO of garbage_lifetime_allocs, as in "growing"). Once drop_at_fraction * total_alloc_bytes
/// bytes have been allocated, the oldest long-lived objects are freed (one per step, before any
/// further allocation) until at most after_drop_live_bytes remain; garbage allocation then continues
/// until total_alloc_bytes. Deterministic (no randomness).
class DropGenerator final : public StepGenerator {
 public:
  explicit DropGenerator(const DropParams& params);
  /// Exact, measured by a dry run on first call.
  uint32_t object_id_bound() const override;
  std::string describe() const override;

 private:
  bool step() override;

  DropParams params_;
  DenseIdPool ids_;
  GarbageFifo garbage_;
  FractionSpreader pointerful_;
  std::vector<uint32_t> long_lived_;  ///< ids in allocation order; [drop_head_, end) still live
  size_t drop_head_ = 0;
  uint64_t retained_bytes_ = 0;
  uint64_t allocated_bytes_ = 0;
  uint64_t allocs_ = 0;
  bool globals_done_ = false;
  bool built_ = false;  ///< the live set reached live_bytes
  bool dropped_ = false;
  mutable std::optional<uint32_t> bound_;
};

}  // namespace gcsim::workload
