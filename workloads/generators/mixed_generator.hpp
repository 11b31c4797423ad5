// SPDX-License-Identifier: MIT
// "mixed" generator: sizes from a fixed tiny/small/medium/large mix, exponential lifetimes, seeded.
#pragma once

#include <cstdint>
#include <optional>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "sim/rng.hpp"
#include "workloads/dense_id_pool.hpp"
#include "workloads/generators/generator_common.hpp"
#include "workloads/generators/step_generator.hpp"

namespace gcsim::workload {

/// One band of the mixed size distribution: sizes uniform in [min_bytes, max_bytes].
struct SizeBand {
  const char* name;
  double weight;  ///< probability of the band
  uint64_t min_bytes;
  uint64_t max_bytes;
  bool may_have_pointers;  ///< false for tiny objects (Go's tiny allocator takes noscan objects only)
};

/// The documented mix (weights sum to 1; mean size ~860 B):
///   tiny    30.0 %   1 ..     15 B, always noscan
///   small   55.0 %  16 ..    256 B
///   medium  13.0 % 257 ..   4096 B
///   big      1.9 % 4097 .. 32768 B
///   large    0.1 % 32769 .. 262144 B  (> 32 KiB: large-object spans)
inline constexpr SizeBand kMixedSizeBands[] = {
    {"tiny", 0.300, 1, 15, false},           {"small", 0.550, 16, 256, true},
    {"medium", 0.130, 257, 4096, true},      {"big", 0.019, 4097, 32768, true},
    {"large", 0.001, 32769, 262144, true},
};

struct MixedParams {
  uint64_t total_objects = 4194304;    ///< objects allocated in the run
  double mean_lifetime_allocs = 4096;  ///< mean of the exponential lifetime, in allocations
  double pointerful_fraction = 0.7;    ///< probability that a non-tiny object is pointerful
  CommonGenParams common;

  static MixedParams parse(const Json& params, const std::string& path);
  Json to_json() const;
};

/// Stream: [globals]; then object i (i < total_objects) is allocated with a size from
/// kMixedSizeBands and a lifetime L = max(1, ceil(Exp(mean_lifetime_allocs))): it is freed right after
/// allocation i + L (frees come before the next allocation). Objects whose death falls after the
/// last allocation stay live at the end. Randomness comes from the stream "workload.mixed".
class MixedGenerator final : public StepGenerator {
 public:
  MixedGenerator(const MixedParams& params, uint64_t seed);
  /// Exact, measured by a dry run on first call.
  uint32_t object_id_bound() const override;
  std::string describe() const override;

 private:
  bool step() override;

  using Death = std::pair<uint64_t, uint32_t>;  ///< (allocation index after which it dies, id)

  MixedParams params_;
  uint64_t seed_;
  sim::Rng rng_;
  DenseIdPool ids_;
  std::priority_queue<Death, std::vector<Death>, std::greater<Death>> deaths_;
  uint64_t next_alloc_ = 0;
  bool globals_done_ = false;
  mutable std::optional<uint32_t> bound_;
};

}  // namespace gcsim::workload
