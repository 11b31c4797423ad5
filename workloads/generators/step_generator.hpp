// SPDX-License-Identifier: MIT
// Base class of the synthetic generators: a few events per step, streamed in batches.
#pragma once

#include <cstddef>
#include <cstdint>

#include "workloads/trace_event.hpp"

namespace gcsim::workload {

/// A generator produces its stream one small step at a time (e.g. work + alloc + write + free),
/// so nothing is materialised: state is bounded by the live objects the generator tracks.
class StepGenerator : public EventSource {
 public:
  size_t next_batch(TraceEvent* out, size_t cap) final;

 protected:
  static constexpr size_t kMaxStepEvents = 8;

  /// Emits the next step's events (1..kMaxStepEvents) through the emit_* helpers; returns false
  /// (emitting nothing) when the stream has ended.
  virtual bool step() = 0;

  void emit_alloc(uint32_t goroutine, uint32_t id, uint64_t size_bytes, bool pointerful) {
    TraceEvent& e = push(EventKind::kAlloc);
    e.goroutine = goroutine;
    e.object_id = id;
    e.size_bytes = size_bytes;
    e.pointerful = pointerful;
  }
  void emit_free(uint32_t id) { push(EventKind::kFree).object_id = id; }
  void emit_work(uint32_t goroutine, uint64_t ns) {
    TraceEvent& e = push(EventKind::kWork);
    e.goroutine = goroutine;
    e.value = ns;
  }
  void emit_write(uint32_t goroutine, uint64_t count) {
    TraceEvent& e = push(EventKind::kPtrWrite);
    e.goroutine = goroutine;
    e.value = count;
  }
  void emit_globals(uint64_t bytes) { push(EventKind::kGlobals).value = bytes; }
  void emit_go(uint32_t goroutine, uint64_t stack_bytes) {
    TraceEvent& e = push(EventKind::kGoStart);
    e.goroutine = goroutine;
    e.value = stack_bytes;
  }
  void emit_exit(uint32_t goroutine) { push(EventKind::kGoExit).goroutine = goroutine; }
  void emit_stack(uint32_t goroutine, uint64_t bytes) {
    TraceEvent& e = push(EventKind::kStack);
    e.goroutine = goroutine;
    e.value = bytes;
  }
  void emit_pool_get(uint32_t goroutine, uint32_t pool, uint32_t id, uint64_t size_bytes, bool pointerful) {
    TraceEvent& e = push(EventKind::kPoolGet);
    e.goroutine = goroutine;
    e.pool = pool;
    e.object_id = id;
    e.size_bytes = size_bytes;
    e.pointerful = pointerful;
  }
  void emit_pool_put(uint32_t goroutine, uint32_t pool, uint32_t id) {
    TraceEvent& e = push(EventKind::kPoolPut);
    e.goroutine = goroutine;
    e.pool = pool;
    e.object_id = id;
  }
  /// Events emitted so far in the current step (a step may emit until kMaxStepEvents).
  size_t step_events() const { return len_; }

 private:
  TraceEvent& push(EventKind kind) {
    TraceEvent& e = pending_[len_++];
    e = TraceEvent{};
    e.kind = kind;
    return e;
  }

  TraceEvent pending_[kMaxStepEvents];
  size_t pos_ = 0;
  size_t len_ = 0;
  bool done_ = false;
};

/// Drains `fresh` (a new generator equal to the one asking) and returns max object id + 1 over its
/// alloc and pool_get events: the exact object_id_bound, for generators whose peak live count
/// depends on the whole run.
uint32_t measure_id_bound(EventSource& fresh);

}  // namespace gcsim::workload
