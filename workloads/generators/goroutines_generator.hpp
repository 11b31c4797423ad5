// SPDX-License-Identifier: MIT
// "goroutines" generator: many goroutines serving requests at depth, with an optional sync.Pool of buffers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "workloads/dense_id_pool.hpp"
#include "workloads/generators/generator_common.hpp"
#include "workloads/generators/step_generator.hpp"

namespace gcsim::workload {

/// Size of each long-lived object (the live set is a pointerful object graph of these).
inline constexpr uint64_t kGoroutinesLiveObjectBytes = 256;
/// Size of each short-lived pointerful object a request allocates.
inline constexpr uint64_t kGoroutinesRequestObjectBytes = 64;
/// Stack in use by a goroutine parked between requests (runtime frames + its handler loop).
inline constexpr uint64_t kGoroutinesParkedStackBytes = 1024;
/// The sync.Pool id used for request buffers.
inline constexpr uint32_t kGoroutinesBufferPool = 0;

struct GoroutinesParams {
  uint32_t goroutines = 1000;                    ///< worker goroutines (ids 1..goroutines; 0 is main)
  uint64_t stack_bytes = 65536;                  ///< stack in use at a request's deepest point (0: no stacks)
  uint64_t requests = 200000;                    ///< requests served, round-robin over the workers
  uint64_t buffer_bytes = 32768;                 ///< noscan buffer ([]byte) each request uses
  bool use_pool = false;                         ///< buffers from a sync.Pool (pool_get/pool_put) or alloc/free
  uint64_t work_ns_per_request = 2000;           ///< mutator CPU per request (half before, half after the allocs)
  uint64_t live_bytes = uint64_t{16} << 20;      ///< long-lived pointerful set of 256-byte objects, built first
  uint64_t objects_per_request = 8;              ///< 64-byte pointerful objects allocated and freed per request
  uint64_t globals_bytes = 0;                    ///< if > 0, the stream starts with one `globals` event

  /// Strict: unknown keys and out-of-range values throw ConfigError naming `path`.key; also rejects
  /// parameter combinations whose object ids would not fit (see object_id_bound()).
  static GoroutinesParams parse(const Json& params, const std::string& path);
  Json to_json() const;
};

/// A server-like program: main (goroutine 0) builds the live set, then `goroutines` workers serve
/// `requests` requests with deep stacks, each request using a large buffer (optionally recycled
/// through a sync.Pool) and a few small objects.
///
/// Stream:
///  1. [globals globals_bytes]
///  2. live set: ceil(live_bytes / 256) pointerful objects of 256 bytes (the last one holds the
///     remainder, so the set is exactly live_bytes), each `alloc` by goroutine 0 followed by
///     `write 0`. Never freed.
///  3. `go g P` for g = 1..goroutines, P = min(1024, stack_bytes) the parked stack
///     (`go g` with the default stack when stack_bytes is 0).
///  4. Requests in waves of M = min(goroutines, requests left): request r runs on goroutine
///     1 + r mod goroutines. A wave first runs phase A of each of its requests, then phase B of
///     each, in the same order, so up to `goroutines` requests are in flight at once, at depth and
///     holding their buffers (as in a server whose handlers block).
///     Phase A: `stack g d` for d = 2P, 4P, ... (doublings below stack_bytes), then stack_bytes
///       (no events if stack_bytes <= P); the buffer: `alloc buf g buffer_bytes noscan`, or with
///       use_pool `pool_get g 0 buf buffer_bytes noscan`; `write g`; objects_per_request times
///       `alloc obj g 64 ptr` + `write g`; `work g floor(w/2)` (omitted if 0), w =
///       work_ns_per_request.
///     Phase B: `work g ceil(w/2)` (omitted if 0); `free` of each small object in allocation
///       order; the buffer: `free buf`, or with use_pool `pool_put g 0 buf`; `stack g P` (if any
///       stack event went up: the returns happen without work in between, so one event says it).
///  5. `exit g` for g = 1..goroutines.
///
/// So, with N = requests, G = goroutines, k = objects_per_request, L = live-set objects,
/// U = up-steps per request: go = exit = G; stack = N * (U + [U > 0]); alloc = L + N * k
/// (+ N without the pool); free = N * k (+ N without the pool); pool_get = pool_put = N with the
/// pool, else 0; write = L + N * (1 + k); work_ns total = N * work_ns_per_request; live at the end
/// = live_bytes. No randomness: the stream depends on the params only (the seed is unused).
class GoroutinesGenerator final : public StepGenerator {
 public:
  explicit GoroutinesGenerator(const GoroutinesParams& params);
  /// Exact: L + min(G, N) * (1 + k) (the first wave's phase A holds the most ids).
  uint32_t object_id_bound() const override { return exact_id_bound(params_); }
  std::string describe() const override;

  static uint64_t live_set_objects(const GoroutinesParams& params);
  static uint32_t exact_id_bound(const GoroutinesParams& params);
  /// Stack in use at each up-step of a request (empty if stack_bytes <= the parked stack).
  static std::vector<uint64_t> stack_levels(const GoroutinesParams& params);

 private:
  enum class Phase : uint8_t { kGlobals, kLiveSet, kStart, kAcquire, kRelease, kExit, kDone };

  bool step() override;
  /// Emits the next operation (at most 2 events; possibly none) and advances the state.
  void next_op();
  void next_slot();

  GoroutinesParams params_;
  std::vector<uint64_t> levels_;
  uint64_t parked_stack_bytes_;
  uint64_t live_objects_;           ///< L
  uint64_t slot_ids_;               ///< ids held per in-flight request: 1 + objects_per_request
  DenseIdPool ids_;
  std::vector<uint32_t> in_flight_;  ///< per wave slot: [buffer id, small object ids...]
  Phase phase_ = Phase::kGlobals;
  uint64_t done_ = 0;               ///< live-set objects allocated / goroutines started or exited
  uint64_t wave_start_ = 0;         ///< index of the wave's first request
  uint32_t wave_size_ = 0;
  uint32_t slot_ = 0;               ///< request within the wave (runs on goroutine slot_ + 1)
  uint64_t op_ = 0;                 ///< operation within the slot's phase
};

}  // namespace gcsim::workload
