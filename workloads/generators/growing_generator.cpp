// SPDX-License-Identifier: MIT
// Linearly growing live set with short-lived garbage, streamed.
#include "workloads/generators/growing_generator.hpp"

#include "sim/config/config_error.hpp"
#include "workloads/trace_format.hpp"

namespace gcsim::workload {

GrowingParams GrowingParams::parse(const Json& params, const std::string& path) {
  config::require_only_keys(params,
                            CommonGenParams::keys_with({"initial_live_bytes", "final_live_bytes", "total_alloc_bytes",
                                                        "object_bytes", "size_mix", "pointerful_fraction",
                                                        "garbage_lifetime_allocs"}),
                            path);
  GrowingParams p;
  constexpr uint64_t kMaxTotal = uint64_t{1} << 56;
  p.initial_live_bytes = config::get_u64(params, path, "initial_live_bytes", p.initial_live_bytes, 0, kMaxTotal);
  p.final_live_bytes = config::get_u64(params, path, "final_live_bytes", p.final_live_bytes, 0, kMaxTotal);
  p.total_alloc_bytes = config::get_u64(params, path, "total_alloc_bytes", p.total_alloc_bytes, 0, kMaxTotal);
  p.object_bytes = config::get_u64(params, path, "object_bytes", p.object_bytes, 1, kMaxSizeBytes);
  p.pointerful_fraction = config::get_double(params, path, "pointerful_fraction", p.pointerful_fraction, 0.0, 1.0);
  p.garbage_lifetime_allocs =
      config::get_u64(params, path, "garbage_lifetime_allocs", p.garbage_lifetime_allocs, 0, uint64_t{1} << 24);
  if (auto it = params.find("size_mix"); it != params.end()) {
    const std::string mix_path = config::join_path(path, "size_mix");
    if (!it->is_array()) throw ConfigError(mix_path, "must be an array of {\"size_bytes\": n, \"weight\": w}");
    double total_weight = 0;
    for (size_t i = 0; i < it->size(); ++i) {
      const std::string entry_path = mix_path + "[" + std::to_string(i) + "]";
      const Json& e = (*it)[i];
      config::require_only_keys(e, {"size_bytes", "weight"}, entry_path);
      config::require_key(e, entry_path, "size_bytes");
      SizeWeight sw;
      sw.size_bytes = config::get_u64(e, entry_path, "size_bytes", 0, 1, kMaxSizeBytes);
      sw.weight = config::get_double(e, entry_path, "weight", 1.0, 0.0, 1e12);
      total_weight += sw.weight;
      p.size_mix.push_back(sw);
    }
    if (!p.size_mix.empty() && total_weight <= 0) throw ConfigError(mix_path, "weights must not all be 0");
  }
  p.common.parse_from(params, path);
  if (p.initial_live_bytes > p.final_live_bytes)
    throw ConfigError(config::join_path(path, "final_live_bytes"),
                      "must be >= initial_live_bytes (" + std::to_string(p.initial_live_bytes) + ") for a growing live set");
  if (p.final_live_bytes > p.total_alloc_bytes)
    throw ConfigError(config::join_path(path, "total_alloc_bytes"),
                      "must be >= final_live_bytes (" + std::to_string(p.final_live_bytes) + ")");
  return p;
}

Json GrowingParams::to_json() const {
  Json mix = Json::array();
  for (const auto& sw : size_mix) mix.push_back({{"size_bytes", sw.size_bytes}, {"weight", sw.weight}});
  Json j = {{"initial_live_bytes", initial_live_bytes},
            {"final_live_bytes", final_live_bytes},
            {"total_alloc_bytes", total_alloc_bytes},
            {"object_bytes", object_bytes},
            {"size_mix", mix},
            {"pointerful_fraction", pointerful_fraction},
            {"garbage_lifetime_allocs", garbage_lifetime_allocs}};
  common.add_to(j);
  return j;
}

GrowingGenerator::GrowingGenerator(const GrowingParams& params, uint64_t seed)
    : params_(params),
      seed_(seed),
      rng_(sim::RngRoot(seed).stream("workload.growing")),
      garbage_(params.garbage_lifetime_allocs),
      pointerful_(params.pointerful_fraction) {
  double sum = 0;
  for (const auto& sw : params_.size_mix) {
    sum += sw.weight;
    cumulative_weights_.push_back(sum);
  }
}

uint32_t GrowingGenerator::object_id_bound() const {
  if (!bound_) {
    GrowingGenerator fresh(params_, seed_);
    bound_ = measure_id_bound(fresh);
  }
  return *bound_;
}

std::string GrowingGenerator::describe() const {
  return "growing generator (" + std::to_string(params_.initial_live_bytes) + " -> " +
         std::to_string(params_.final_live_bytes) + " live bytes over " + std::to_string(params_.total_alloc_bytes) +
         " allocated bytes)";
}

uint64_t GrowingGenerator::next_size() {
  if (cumulative_weights_.empty()) return params_.object_bytes;
  double u = rng_.uniform() * cumulative_weights_.back();
  size_t i = 0;
  while (i + 1 < cumulative_weights_.size() && u >= cumulative_weights_[i]) ++i;
  return params_.size_mix[i].size_bytes;
}

bool GrowingGenerator::step() {
  if (phase_ == 0) {
    phase_ = 1;
    if (params_.common.globals_bytes > 0) {
      emit_globals(params_.common.globals_bytes);
      return true;
    }
  }
  if (phase_ == 1 && retained_bytes_ >= params_.initial_live_bytes) {
    phase_ = 2;
    steady_start_bytes_ = allocated_bytes_;
  }
  if (phase_ == 2 && allocated_bytes_ >= params_.total_alloc_bytes) phase_ = 3;
  if (phase_ == 3) return false;

  bool long_lived = true;
  if (phase_ == 2) {
    // Linear target over the remaining allocation budget.
    const double span = static_cast<double>(params_.total_alloc_bytes - steady_start_bytes_);
    const double progress = static_cast<double>(allocated_bytes_ - steady_start_bytes_) / span;
    const double target = static_cast<double>(params_.initial_live_bytes) +
                          static_cast<double>(params_.final_live_bytes - params_.initial_live_bytes) * progress;
    long_lived = static_cast<double>(retained_bytes_) < target;
  }
  const uint32_t g = static_cast<uint32_t>(allocs_ % params_.common.goroutines);
  if (params_.common.work_ns_per_alloc > 0) emit_work(g, params_.common.work_ns_per_alloc);
  const uint64_t size = next_size();
  const uint32_t id = ids_.acquire();
  emit_alloc(g, id, size, pointerful_.next());
  ++allocs_;
  allocated_bytes_ += size;
  if (long_lived) {
    retained_bytes_ += size;
  } else if (uint64_t dead = garbage_.push(id); dead != GarbageFifo::kNone) {
    emit_free(static_cast<uint32_t>(dead));
    ids_.release(static_cast<uint32_t>(dead));
  }
  return true;
}

}  // namespace gcsim::workload
