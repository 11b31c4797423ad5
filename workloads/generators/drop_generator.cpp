// SPDX-License-Identifier: MIT
// Build, hold and drop a live set under steady garbage, streamed.
#include "workloads/generators/drop_generator.hpp"

#include "sim/config/config_error.hpp"
#include "workloads/trace_format.hpp"

namespace gcsim::workload {

DropParams DropParams::parse(const Json& params, const std::string& path) {
  config::require_only_keys(params,
                            CommonGenParams::keys_with({"live_bytes", "after_drop_live_bytes", "drop_at_fraction",
                                                        "total_alloc_bytes", "object_bytes", "pointerful_fraction",
                                                        "garbage_lifetime_allocs"}),
                            path);
  DropParams p;
  constexpr uint64_t kMaxTotal = uint64_t{1} << 56;
  p.live_bytes = config::get_u64(params, path, "live_bytes", p.live_bytes, 0, kMaxTotal);
  p.after_drop_live_bytes =
      config::get_u64(params, path, "after_drop_live_bytes", p.after_drop_live_bytes, 0, kMaxTotal);
  p.drop_at_fraction = config::get_double(params, path, "drop_at_fraction", p.drop_at_fraction, 0.0, 1.0);
  p.total_alloc_bytes = config::get_u64(params, path, "total_alloc_bytes", p.total_alloc_bytes, 0, kMaxTotal);
  p.object_bytes = config::get_u64(params, path, "object_bytes", p.object_bytes, 1, kMaxSizeBytes);
  p.pointerful_fraction = config::get_double(params, path, "pointerful_fraction", p.pointerful_fraction, 0.0, 1.0);
  p.garbage_lifetime_allocs =
      config::get_u64(params, path, "garbage_lifetime_allocs", p.garbage_lifetime_allocs, 0, uint64_t{1} << 24);
  p.common.parse_from(params, path);
  if (p.after_drop_live_bytes > p.live_bytes)
    throw ConfigError(config::join_path(path, "after_drop_live_bytes"),
                      "must be <= live_bytes (" + std::to_string(p.live_bytes) + ")");
  return p;
}

Json DropParams::to_json() const {
  Json j = {{"live_bytes", live_bytes},
            {"after_drop_live_bytes", after_drop_live_bytes},
            {"drop_at_fraction", drop_at_fraction},
            {"total_alloc_bytes", total_alloc_bytes},
            {"object_bytes", object_bytes},
            {"pointerful_fraction", pointerful_fraction},
            {"garbage_lifetime_allocs", garbage_lifetime_allocs}};
  common.add_to(j);
  return j;
}

DropGenerator::DropGenerator(const DropParams& params)
    : params_(params), garbage_(params.garbage_lifetime_allocs), pointerful_(params.pointerful_fraction) {}

uint32_t DropGenerator::object_id_bound() const {
  if (!bound_) {
    DropGenerator fresh(params_);
    bound_ = measure_id_bound(fresh);
  }
  return *bound_;
}

std::string DropGenerator::describe() const {
  return "drop generator (" + std::to_string(params_.live_bytes) + " -> " +
         std::to_string(params_.after_drop_live_bytes) + " live bytes at " +
         std::to_string(params_.drop_at_fraction) + " of " + std::to_string(params_.total_alloc_bytes) + " bytes)";
}

bool DropGenerator::step() {
  if (!globals_done_) {
    globals_done_ = true;
    if (params_.common.globals_bytes > 0) {
      emit_globals(params_.common.globals_bytes);
      return true;
    }
  }
  if (!built_ && retained_bytes_ >= params_.live_bytes) built_ = true;
  const bool building = !built_;
  if (built_ && !dropped_ &&
      static_cast<double>(allocated_bytes_) >=
          params_.drop_at_fraction * static_cast<double>(params_.total_alloc_bytes)) {
    if (retained_bytes_ > params_.after_drop_live_bytes && drop_head_ < long_lived_.size()) {
      const uint32_t id = long_lived_[drop_head_++];
      emit_free(id);
      ids_.release(id);
      retained_bytes_ -= params_.object_bytes;
      return true;
    }
    dropped_ = true;
    // The dropped prefix is no longer needed.
    long_lived_.erase(long_lived_.begin(), long_lived_.begin() + static_cast<std::ptrdiff_t>(drop_head_));
    long_lived_.shrink_to_fit();
    drop_head_ = 0;
  }
  if (!building && allocated_bytes_ >= params_.total_alloc_bytes) return false;

  const uint32_t g = static_cast<uint32_t>(allocs_ % params_.common.goroutines);
  if (params_.common.work_ns_per_alloc > 0) emit_work(g, params_.common.work_ns_per_alloc);
  const uint32_t id = ids_.acquire();
  emit_alloc(g, id, params_.object_bytes, pointerful_.next());
  ++allocs_;
  allocated_bytes_ += params_.object_bytes;
  if (building) {
    long_lived_.push_back(id);
    retained_bytes_ += params_.object_bytes;
  } else if (uint64_t dead = garbage_.push(id); dead != GarbageFifo::kNone) {
    emit_free(static_cast<uint32_t>(dead));
    ids_.release(static_cast<uint32_t>(dead));
  }
  return true;
}

}  // namespace gcsim::workload
