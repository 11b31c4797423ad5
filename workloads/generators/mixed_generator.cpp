// SPDX-License-Identifier: MIT
// Mixed sizes and exponential lifetimes, streamed with a min-heap of death times.
#include "workloads/generators/mixed_generator.hpp"

#include <cmath>
#include <functional>
#include <iterator>

namespace gcsim::workload {

MixedParams MixedParams::parse(const Json& params, const std::string& path) {
  config::require_only_keys(params,
                            CommonGenParams::keys_with({"total_objects", "mean_lifetime_allocs", "pointerful_fraction"}),
                            path);
  MixedParams p;
  p.total_objects = config::get_u64(params, path, "total_objects", p.total_objects, 0, uint64_t{1} << 50);
  p.mean_lifetime_allocs =
      config::get_double(params, path, "mean_lifetime_allocs", p.mean_lifetime_allocs, 1.0, 1e12);
  p.pointerful_fraction = config::get_double(params, path, "pointerful_fraction", p.pointerful_fraction, 0.0, 1.0);
  p.common.parse_from(params, path);
  return p;
}

Json MixedParams::to_json() const {
  Json j = {{"total_objects", total_objects},
            {"mean_lifetime_allocs", mean_lifetime_allocs},
            {"pointerful_fraction", pointerful_fraction}};
  common.add_to(j);
  return j;
}

MixedGenerator::MixedGenerator(const MixedParams& params, uint64_t seed)
    : params_(params), seed_(seed), rng_(sim::RngRoot(seed).stream("workload.mixed")) {}

uint32_t MixedGenerator::object_id_bound() const {
  if (!bound_) {
    MixedGenerator fresh(params_, seed_);
    bound_ = measure_id_bound(fresh);
  }
  return *bound_;
}

std::string MixedGenerator::describe() const {
  return "mixed generator (total_objects=" + std::to_string(params_.total_objects) + ")";
}

bool MixedGenerator::step() {
  if (!globals_done_) {
    globals_done_ = true;
    if (params_.common.globals_bytes > 0) {
      emit_globals(params_.common.globals_bytes);
      return true;
    }
  }
  if (!deaths_.empty() && deaths_.top().first < next_alloc_) {
    const uint32_t id = deaths_.top().second;
    deaths_.pop();
    emit_free(id);
    ids_.release(id);
    return true;
  }
  if (next_alloc_ == params_.total_objects) return false;

  // Size: pick a band, then a size uniform inside it.
  double u = rng_.uniform();
  size_t band = 0;
  constexpr size_t kBands = std::size(kMixedSizeBands);
  while (band + 1 < kBands && u >= kMixedSizeBands[band].weight) {
    u -= kMixedSizeBands[band].weight;
    ++band;
  }
  const SizeBand& b = kMixedSizeBands[band];
  const uint64_t size = b.min_bytes + rng_.below(b.max_bytes - b.min_bytes + 1);
  const bool pointerful = b.may_have_pointers && rng_.uniform() < params_.pointerful_fraction;
  // Lifetime in allocations, >= 1.
  const double life = std::ceil(rng_.exponential(params_.mean_lifetime_allocs));
  const uint64_t lifetime = life < 1.0 ? 1 : life > 0x1p62 ? uint64_t{1} << 62 : static_cast<uint64_t>(life);

  const uint32_t g = static_cast<uint32_t>(next_alloc_ % params_.common.goroutines);
  if (params_.common.work_ns_per_alloc > 0) emit_work(g, params_.common.work_ns_per_alloc);
  const uint32_t id = ids_.acquire();
  emit_alloc(g, id, size, pointerful);
  deaths_.push({next_alloc_ + lifetime, id});
  ++next_alloc_;
  return true;
}

}  // namespace gcsim::workload
