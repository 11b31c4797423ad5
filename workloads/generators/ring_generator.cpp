// SPDX-License-Identifier: MIT
// The ring calibration workload as a streamed event source.
#include "workloads/generators/ring_generator.hpp"

#include <algorithm>

#include "workloads/trace_format.hpp"

namespace gcsim::workload {

RingParams RingParams::parse(const Json& params, const std::string& path) {
  config::require_only_keys(
      params, CommonGenParams::keys_with(
                  {"slots", "object_bytes", "pointerful", "total_objects", "slot_array_bytes", "stack_bytes"}),
      path);
  RingParams p;
  p.slots = config::get_u64(params, path, "slots", p.slots, 1, uint64_t{1} << 31);
  p.object_bytes = config::get_u64(params, path, "object_bytes", p.object_bytes, 1, kMaxSizeBytes);
  p.pointerful = config::get_bool(params, path, "pointerful", p.pointerful);
  p.total_objects = config::get_u64(params, path, "total_objects", p.total_objects, 0, uint64_t{1} << 50);
  p.slot_array_bytes = config::get_u64(params, path, "slot_array_bytes", p.slot_array_bytes, 0, kMaxSizeBytes);
  p.stack_bytes = config::get_u64(params, path, "stack_bytes", p.stack_bytes, 0, kMaxMemoryBytes);
  p.common.parse_from(params, path);
  return p;
}

Json RingParams::to_json() const {
  Json j = {{"slots", slots},
            {"object_bytes", object_bytes},
            {"pointerful", pointerful},
            {"total_objects", total_objects},
            {"slot_array_bytes", slot_array_bytes},
            {"stack_bytes", stack_bytes}};
  common.add_to(j);
  return j;
}

RingGenerator::RingGenerator(const RingParams& params)
    : params_(params), slot_ids_(static_cast<size_t>(std::min(params.slots, params.total_objects))) {}

uint32_t RingGenerator::exact_id_bound(const RingParams& p) {
  uint64_t arrays = p.slot_array_bytes > 0 ? 2 : 0;
  uint64_t ring = std::min(p.total_objects, p.slots) + (p.total_objects > p.slots ? 1 : 0);
  return static_cast<uint32_t>(arrays + ring);
}

std::string RingGenerator::describe() const {
  return "ring generator (slots=" + std::to_string(params_.slots) +
         ", total_objects=" + std::to_string(params_.total_objects) + ")";
}

bool RingGenerator::step() {
  switch (phase_) {
    case 0:
      phase_ = 1;
      if (params_.common.globals_bytes > 0) {
        emit_globals(params_.common.globals_bytes);
        return true;
      }
      [[fallthrough]];
    case 1:
      if (params_.stack_bytes > 0 && stacks_done_ < params_.common.goroutines) {
        while (step_events() < kMaxStepEvents && stacks_done_ < params_.common.goroutines)
          emit_stack(stacks_done_++, params_.stack_bytes);
        return true;
      }
      phase_ = 2;
      [[fallthrough]];
    case 2:
      phase_ = 3;
      if (params_.slot_array_bytes > 0) {
        emit_alloc(0, ids_.acquire(), params_.slot_array_bytes, true);   // make([]*T, n)
        emit_alloc(0, ids_.acquire(), params_.slot_array_bytes, false);  // make([]uint64, n)
        return true;
      }
      [[fallthrough]];
    default:
      break;
  }
  if (allocated_ == params_.total_objects) return false;
  const uint32_t g = goroutine_;
  if (params_.common.work_ns_per_alloc > 0) emit_work(g, params_.common.work_ns_per_alloc);
  const uint32_t id = ids_.acquire();
  emit_alloc(g, id, params_.object_bytes, params_.pointerful);
  emit_write(g, 1);
  if (allocated_ >= params_.slots) {
    uint32_t old = slot_ids_[slot_];
    emit_free(old);
    ids_.release(old);
  }
  slot_ids_[slot_] = id;
  ++allocated_;
  if (++slot_ == params_.slots) slot_ = 0;
  if (++goroutine_ == params_.common.goroutines) goroutine_ = 0;
  return true;
}

}  // namespace gcsim::workload
