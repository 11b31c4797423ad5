// SPDX-License-Identifier: MIT
// One workload event: what a mutator goroutine does to the runtime (format: workloads/TRACE_FORMAT.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace gcsim::workload {

class RecordWindow;

enum class EventKind : uint8_t {
  kAlloc = 0,        ///< goroutine allocates object `object_id` of `size_bytes`; `pointerful` says scan/noscan
  kFree = 1,         ///< object `object_id` becomes unreachable (the program drops its last reference)
  kWork = 2,         ///< goroutine does `value` ns of mutator CPU work that does not allocate
  kPtrWrite = 3,     ///< goroutine performs `value` heap pointer stores (write-barrier sites)
  kGoStart = 4,      ///< goroutine `goroutine` starts (stack of `value` bytes in use, 0 = default)
  kGoExit = 5,       ///< goroutine `goroutine` exits
  kStack = 6,        ///< goroutine's stack in use becomes `value` bytes (depth change)
  kGlobals = 7,      ///< size of global data (data+bss) becomes `value` bytes
  kPoolPut = 8,      ///< goroutine puts live object `object_id` into sync.Pool `pool`: the object stays
                     ///< reachable (owned by the pool), but the trace releases id `object_id` (like kFree)
  kPoolGet = 9,      ///< goroutine gets an object from sync.Pool `pool`, known from now on as the (not
                     ///< live) id `object_id`; on a miss New() allocates `size_bytes`/`pointerful` (like kAlloc)
  kForceGc = 10,     ///< goroutine calls runtime.GC(): a full cycle (mark and sweep) runs; it returns after it
  kMemStats = 11,    ///< goroutine calls runtime.ReadMemStats: the simulator records a MemStats snapshot
};

/// A decoded event. Object ids handed to the simulator are dense: every reader and generator
/// renumbers ids so that they are < the peak number of simultaneously live objects (+ a small slack)
/// and an id is reused only after its object was freed (or put into a pool). So the simulator can
/// index arrays by id. Objects held by a pool have no trace id: the simulator keeps its own handle
/// for them (see TRACE_FORMAT.md §1.1), so object_id_bound() does not count them.
struct TraceEvent {
  EventKind kind = EventKind::kWork;
  bool pointerful = false;   ///< kAlloc, kPoolGet (what New() allocates on a miss)
  uint32_t goroutine = 0;    ///< every kind but kFree and kGlobals
  uint32_t object_id = 0;    ///< kAlloc, kFree, kPoolPut, kPoolGet (dense id, see above)
  uint32_t pool = 0;         ///< kPoolPut, kPoolGet: sync.Pool id (any u32, no declaration needed)
  uint64_t size_bytes = 0;   ///< kAlloc, kPoolGet (New()'s size on a miss): requested size, > 0
  uint64_t value = 0;        ///< kWork: ns; kPtrWrite: count; kGoStart/kStack/kGlobals: bytes
};
// `pool` sits in what was padding after `object_id`: batches of events stay 32 bytes per event.
static_assert(sizeof(TraceEvent) == 32, "TraceEvent grew; batches are sized for 32-byte events");

/// A stream of events, consumed in batches so the hot loop pays one virtual call per batch.
/// Implementations must stream: memory must not grow with trace length.
class EventSource {
 public:
  virtual ~EventSource() = default;
  /// Fills up to `cap` events into `out`; returns how many (0 = end of stream).
  /// Throws TraceError (sim/config/config_error.hpp) naming file and line on malformed input.
  virtual size_t next_batch(TraceEvent* out, size_t cap) = 0;
  /// Upper bound (exclusive) on object ids this source will emit, if known in advance (binary
  /// header, generators); 0 if unknown. The simulator grows its tables on demand otherwise.
  virtual uint32_t object_id_bound() const { return 0; }
  /// Optional fast path for sources that read the binary record format (workloads/record_window.hpp):
  /// fills `w` with the unread records and returns true, or returns false (the default: use
  /// next_batch()). The caller decodes and consumes records from `w`, then hands it back with
  /// close_records() before it calls next_batch() or open_records() again. Errors are never
  /// reported through the window: the caller reads a record peek() declines with next_batch().
  virtual bool open_records(RecordWindow& w) {
    (void)w;
    return false;
  }
  /// Takes back the window from open_records(): the records before w.position() were consumed.
  virtual void close_records(const RecordWindow& w) { (void)w; }
  /// Human-readable description for resolved_config.json / errors ("trace foo.gct", "ring generator").
  virtual std::string describe() const = 0;
};

}  // namespace gcsim::workload
