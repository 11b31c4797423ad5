// SPDX-License-Identifier: MIT
// "growing" generator: a live set that grows linearly with allocation, with short-lived garbage between.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/rng.hpp"
#include "workloads/dense_id_pool.hpp"
#include "workloads/generators/generator_common.hpp"
#include "workloads/generators/step_generator.hpp"

namespace gcsim::workload {

/// One entry of an object size mix: objects of `size_bytes` drawn with relative `weight`.
struct SizeWeight {
  uint64_t size_bytes = 0;
  double weight = 0.0;
};

struct GrowingParams {
  uint64_t initial_live_bytes = 0;                   ///< long-lived bytes allocated first
  uint64_t final_live_bytes = uint64_t{64} << 20;    ///< long-lived bytes at the end of the run
  uint64_t total_alloc_bytes = uint64_t{1} << 30;    ///< bytes allocated in the run (incl. the initial ones)
  uint64_t object_bytes = 64;                        ///< object size when size_mix is empty
  std::vector<SizeWeight> size_mix;                  ///< if non-empty: sizes drawn from it (seeded)
  double pointerful_fraction = 1.0;                  ///< share of pointerful objects (spread evenly)
  uint64_t garbage_lifetime_allocs = 16;             ///< a garbage object dies after this many more garbage allocs
  CommonGenParams common;

  /// Strict. size_mix is [{"size_bytes": n, "weight": w}, ...]. Requires
  /// initial <= final <= total_alloc_bytes.
  static GrowingParams parse(const Json& params, const std::string& path);
  Json to_json() const;
};

/// Stream: [globals]; long-lived allocations until initial_live_bytes; then until total_alloc_bytes
/// are allocated, each step allocates either a long-lived object (when the long-lived bytes are
/// below the linear target initial + (final - initial) * progress, progress = share of the
/// remaining allocation budget used) or a garbage object, which enters a FIFO of
/// garbage_lifetime_allocs and frees the oldest garbage once full. Long-lived objects are never
/// freed; the last garbage stays live at the end. Randomness (size_mix only) comes from the stream
/// "workload.growing" of the seed.
class GrowingGenerator final : public StepGenerator {
 public:
  GrowingGenerator(const GrowingParams& params, uint64_t seed);
  /// Exact, measured by a dry run on first call.
  uint32_t object_id_bound() const override;
  std::string describe() const override;

  /// Long-lived bytes so far (tests).
  uint64_t retained_bytes() const { return retained_bytes_; }

 private:
  bool step() override;
  uint64_t next_size();

  GrowingParams params_;
  uint64_t seed_;
  sim::Rng rng_;
  std::vector<double> cumulative_weights_;
  DenseIdPool ids_;
  GarbageFifo garbage_;
  FractionSpreader pointerful_;
  uint64_t allocated_bytes_ = 0;
  uint64_t retained_bytes_ = 0;
  uint64_t steady_start_bytes_ = 0;
  uint64_t allocs_ = 0;
  int phase_ = 0;  ///< 0 globals, 1 initial live set, 2 growth, 3 done
  mutable std::optional<uint32_t> bound_;
};

}  // namespace gcsim::workload
