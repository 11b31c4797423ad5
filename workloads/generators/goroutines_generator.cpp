// SPDX-License-Identifier: MIT
// Many goroutines serving requests at depth, in waves, with an optional sync.Pool of buffers.
#include "workloads/generators/goroutines_generator.hpp"

#include <algorithm>

#include "sim/config/config_error.hpp"
#include "workloads/trace_format.hpp"

namespace gcsim::workload {
namespace {

constexpr uint64_t kMaxStackBytes = uint64_t{1} << 30;  // Go's maxstacksize on 64-bit (proc.go)
/// Ids held by the requests of one wave; the generator keeps them in a vector (4 bytes each).
constexpr uint64_t kMaxInFlightIds = uint64_t{1} << 24;

}  // namespace

GoroutinesParams GoroutinesParams::parse(const Json& params, const std::string& path) {
  config::require_only_keys(params,
                            {"goroutines", "stack_bytes", "requests", "buffer_bytes", "use_pool", "work_ns_per_request",
                             "live_bytes", "objects_per_request", "globals_bytes"},
                            path);
  GoroutinesParams p;
  p.goroutines = static_cast<uint32_t>(config::get_u64(params, path, "goroutines", p.goroutines, 1, 1u << 20));
  p.stack_bytes = config::get_u64(params, path, "stack_bytes", p.stack_bytes, 0, kMaxStackBytes);
  p.requests = config::get_u64(params, path, "requests", p.requests, 0, uint64_t{1} << 40);
  p.buffer_bytes = config::get_u64(params, path, "buffer_bytes", p.buffer_bytes, 1, kMaxSizeBytes);
  p.use_pool = config::get_bool(params, path, "use_pool", p.use_pool);
  p.work_ns_per_request =
      config::get_u64(params, path, "work_ns_per_request", p.work_ns_per_request, 0, kMaxWorkNs);
  p.live_bytes = config::get_u64(params, path, "live_bytes", p.live_bytes, 0, uint64_t{1} << 48);
  p.objects_per_request = config::get_u64(params, path, "objects_per_request", p.objects_per_request, 0, 4096);
  p.globals_bytes = config::get_u64(params, path, "globals_bytes", p.globals_bytes, 0, kMaxMemoryBytes);
  const uint64_t in_flight = std::min<uint64_t>(p.goroutines, p.requests) * (1 + p.objects_per_request);
  if (in_flight > kMaxInFlightIds)
    throw ConfigError(config::join_path(path, "objects_per_request"),
                      "min(goroutines, requests) x (1 + objects_per_request) = " + std::to_string(in_flight) +
                          " objects in flight at once; at most " + std::to_string(kMaxInFlightIds));
  if (GoroutinesGenerator::live_set_objects(p) + in_flight > kMaxObjectIds)
    throw ConfigError(config::join_path(path, "live_bytes"),
                      "too many objects live at once: " + std::to_string(GoroutinesGenerator::live_set_objects(p)) +
                          " live-set objects + " + std::to_string(in_flight) + " in flight; at most " +
                          std::to_string(kMaxObjectIds));
  return p;
}

Json GoroutinesParams::to_json() const {
  return {{"goroutines", goroutines},
          {"stack_bytes", stack_bytes},
          {"requests", requests},
          {"buffer_bytes", buffer_bytes},
          {"use_pool", use_pool},
          {"work_ns_per_request", work_ns_per_request},
          {"live_bytes", live_bytes},
          {"objects_per_request", objects_per_request},
          {"globals_bytes", globals_bytes}};
}

uint64_t GoroutinesGenerator::live_set_objects(const GoroutinesParams& p) {
  return (p.live_bytes + kGoroutinesLiveObjectBytes - 1) / kGoroutinesLiveObjectBytes;
}

uint32_t GoroutinesGenerator::exact_id_bound(const GoroutinesParams& p) {
  const uint64_t in_flight = std::min<uint64_t>(p.goroutines, p.requests) * (1 + p.objects_per_request);
  return static_cast<uint32_t>(live_set_objects(p) + in_flight);
}

std::vector<uint64_t> GoroutinesGenerator::stack_levels(const GoroutinesParams& p) {
  const uint64_t parked = std::min(kGoroutinesParkedStackBytes, p.stack_bytes);
  std::vector<uint64_t> levels;
  if (p.stack_bytes <= parked) return levels;
  for (uint64_t d = parked * 2; d < p.stack_bytes; d *= 2) levels.push_back(d);
  levels.push_back(p.stack_bytes);
  return levels;
}

GoroutinesGenerator::GoroutinesGenerator(const GoroutinesParams& params)
    : params_(params),
      levels_(stack_levels(params)),
      parked_stack_bytes_(std::min(kGoroutinesParkedStackBytes, params.stack_bytes)),
      live_objects_(live_set_objects(params)),
      slot_ids_(1 + params.objects_per_request),
      in_flight_(static_cast<size_t>(std::min<uint64_t>(params.goroutines, params.requests) * slot_ids_)) {}

std::string GoroutinesGenerator::describe() const {
  return "goroutines generator (goroutines=" + std::to_string(params_.goroutines) +
         ", requests=" + std::to_string(params_.requests) + ", stack_bytes=" + std::to_string(params_.stack_bytes) +
         (params_.use_pool ? ", buffers from a sync.Pool)" : ", buffers allocated)");
}

bool GoroutinesGenerator::step() {
  // Every operation emits at most 2 events; pack several per step.
  while (phase_ != Phase::kDone && step_events() + 2 <= kMaxStepEvents) next_op();
  return step_events() > 0;
}

void GoroutinesGenerator::next_slot() {
  op_ = 0;
  if (++slot_ < wave_size_) return;
  slot_ = 0;
  if (phase_ == Phase::kAcquire) {
    phase_ = Phase::kRelease;
    return;
  }
  wave_start_ += wave_size_;
  if (wave_start_ == params_.requests) {
    phase_ = Phase::kExit;
    done_ = 0;
    return;
  }
  wave_size_ = static_cast<uint32_t>(std::min<uint64_t>(params_.goroutines, params_.requests - wave_start_));
  phase_ = Phase::kAcquire;
}

void GoroutinesGenerator::next_op() {
  switch (phase_) {
    case Phase::kGlobals:
      if (params_.globals_bytes > 0) emit_globals(params_.globals_bytes);
      phase_ = Phase::kLiveSet;
      return;
    case Phase::kLiveSet:
      if (done_ < live_objects_) {
        const bool last = done_ + 1 == live_objects_;
        const uint64_t rem = params_.live_bytes % kGoroutinesLiveObjectBytes;
        emit_alloc(0, ids_.acquire(), last && rem != 0 ? rem : kGoroutinesLiveObjectBytes, true);
        emit_write(0, 1);
        ++done_;
        return;
      }
      phase_ = Phase::kStart;
      done_ = 0;
      return;
    case Phase::kStart:
      if (done_ < params_.goroutines) {
        emit_go(static_cast<uint32_t>(++done_), parked_stack_bytes_);
        return;
      }
      done_ = 0;
      if (params_.requests == 0) {
        phase_ = Phase::kExit;
        return;
      }
      wave_size_ = static_cast<uint32_t>(std::min<uint64_t>(params_.goroutines, params_.requests));
      phase_ = Phase::kAcquire;
      return;
    case Phase::kAcquire: {
      const uint32_t g = slot_ + 1;
      uint32_t* ids = in_flight_.data() + slot_ * slot_ids_;
      const uint64_t up = levels_.size();
      if (op_ < up) {
        emit_stack(g, levels_[op_]);
      } else if (op_ == up) {
        ids[0] = ids_.acquire();
        if (params_.use_pool) {
          emit_pool_get(g, kGoroutinesBufferPool, ids[0], params_.buffer_bytes, false);
        } else {
          emit_alloc(g, ids[0], params_.buffer_bytes, false);
        }
        emit_write(g, 1);
      } else if (op_ <= up + params_.objects_per_request) {
        uint32_t& id = ids[op_ - up];
        id = ids_.acquire();
        emit_alloc(g, id, kGoroutinesRequestObjectBytes, true);
        emit_write(g, 1);
      } else {
        if (params_.work_ns_per_request / 2 > 0) emit_work(g, params_.work_ns_per_request / 2);
        next_slot();
        return;
      }
      ++op_;
      return;
    }
    case Phase::kRelease: {
      const uint32_t g = slot_ + 1;
      const uint32_t* ids = in_flight_.data() + slot_ * slot_ids_;
      const uint64_t k = params_.objects_per_request;
      if (op_ == 0) {
        const uint64_t rest = params_.work_ns_per_request - params_.work_ns_per_request / 2;
        if (rest > 0) emit_work(g, rest);
      } else if (op_ <= k) {
        emit_free(ids[op_]);
        ids_.release(ids[op_]);
      } else if (op_ == k + 1) {
        if (params_.use_pool) {
          emit_pool_put(g, kGoroutinesBufferPool, ids[0]);
        } else {
          emit_free(ids[0]);
        }
        ids_.release(ids[0]);
      } else {
        if (!levels_.empty()) emit_stack(g, parked_stack_bytes_);
        next_slot();
        return;
      }
      ++op_;
      return;
    }
    case Phase::kExit:
      if (done_ < params_.goroutines) {
        emit_exit(static_cast<uint32_t>(++done_));
        return;
      }
      phase_ = Phase::kDone;
      return;
    case Phase::kDone: return;
  }
}

}  // namespace gcsim::workload
