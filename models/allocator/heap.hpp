// SPDX-License-Identifier: MIT
// Object-level Go heap: size-class spans, per-P mcaches, tiny blocks, sweeping and Go's accounting.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "models/allocator/page_heap.hpp"
#include "models/allocator/size_classes.hpp"

namespace gcsim::alloc {

inline constexpr uint32_t kNoIndex = UINT32_MAX;

/// std::allocator whose value-initialisation (vector::resize) leaves trivial elements
/// default-initialised, i.e. unwritten: no pass over new memory for tables that are written before
/// they are read.
/// Asks the OS to back the whole 2 MiB pages inside [p, p + bytes) of a large table with
/// transparent huge pages (madvise MADV_HUGEPAGE; a no-op for small tables or where unsupported):
/// the tables are filled in id order, and one fault per 2 MiB instead of per 4 KiB takes most of
/// the start-up cost of a large live set.
void advise_huge_pages(void* p, size_t bytes);

template <typename T>
struct UninitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = UninitAllocator<U>;
  };
  UninitAllocator() = default;
  template <typename U>
  UninitAllocator(const UninitAllocator<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
  T* allocate(size_t n) {
    T* p = std::allocator<T>::allocate(n);
    advise_huge_pages(p, n * sizeof(T));
    return p;
  }
};
template <typename T>
using UninitVector = std::vector<T, UninitAllocator<T>>;
inline constexpr int kNumSpanClasses = static_cast<int>(kNumSizeClasses) * 2;  // numSpanClasses (mheap.go)

/// What one allocation did, so the caller can charge CPU costs and run the trigger test.
struct AllocOutcome {
  bool slow_path = false;        ///< a span refill or large allocation happened (Go's shouldhelpgc)
  uint32_t spans_swept = 0;      ///< spans this allocation had to sweep (proportional + lazy sweeping)
  uint64_t slot_bytes = 0;       ///< bytes of the slot this object occupies (0 inside an existing tiny block)
  uint64_t scav_bytes = 0;       ///< released memory made ready again for new spans (allocSpan's scav)
};

/// A live object with no trace id (held by a sync.Pool): still reachable, still in its slot.
struct DetachedObject {
  uint32_t home = 0;
  uint64_t bytes = 0;
  uint8_t flags = 0;
};

/// Figures of the heap at one instant, named after MemStats / gcControllerState fields.
struct HeapFigures {
  uint64_t live_object_bytes = 0;   ///< requested bytes of reachable objects
  uint64_t live_slot_bytes = 0;     ///< size-class bytes of reachable slots (tiny blocks, large spans whole)
  uint64_t heap_alloc_bytes = 0;    ///< slots allocated and not yet freed by sweeping (MemStats.HeapAlloc)
  uint64_t heap_inuse_bytes = 0;    ///< bytes in in-use spans (MemStats.HeapInuse)
  uint64_t heap_free_bytes = 0;     ///< free pages still backed by memory (heapFree)
  uint64_t heap_released_bytes = 0; ///< free pages returned to the OS (MemStats.HeapReleased)
  uint64_t heap_sys_bytes = 0;      ///< mapped heap (MemStats.HeapSys)
  uint64_t heap_live_bytes = 0;     ///< the pacer's heapLive (span-granular, see Heap)
  uint64_t heap_scan_bytes = 0;     ///< the pacer's heapScan
  // Internal fragmentation of in-use spans: heap_inuse = live_object + rounding + dead_unswept +
  // empty_slots + span_tail (tiny sub-object packing makes rounding slightly approximate).
  uint64_t rounding_waste_bytes = 0;   ///< live slots minus the bytes their objects asked for
  uint64_t span_tail_waste_bytes = 0;  ///< span bytes that fit no slot (sizeclasses.go "tail waste")
  uint64_t empty_slot_bytes = 0;       ///< free slots in in-use spans
  uint64_t dead_unswept_bytes = 0;     ///< slots of unreachable objects not yet freed by sweeping
  uint64_t total_alloc_bytes = 0;   ///< cumulative slot bytes allocated (MemStats.TotalAlloc)
  uint64_t mallocs = 0;             ///< cumulative objects allocated (tiny sub-objects included)
  uint64_t frees = 0;               ///< cumulative slots freed by sweeping
  uint64_t tiny_allocs = 0;         ///< objects packed into an existing tiny block
};

/// What the collector needs at mark start: the snapshot-at-the-beginning (design.md §2).
struct MarkStartSnapshot {
  uint64_t live_slot_bytes = 0;   ///< will be marked (plus what is allocated during mark)
  uint64_t live_scan_bytes = 0;   ///< pointerful bytes to scan
  uint64_t live_slots = 0;        ///< reachable slots (objects to grey and blacken)
  uint64_t live_scan_slots = 0;   ///< of those, pointerful objects (queued and scanned by scanobject)
  uint64_t live_scan_object_bytes = 0;  ///< their sizes (whatever their scan work): memory marking spans
  /// Reachable small objects that were allocated into the holes of a partly used span (a span
  /// cached with live objects in it), not in address order with their allocation neighbours: a mark
  /// that walks them in allocation order misses cache at each (analysis/validate/locprobe).
  uint64_t live_scattered_objects = 0;
};


/// The heap of one simulated Go process (runtime/malloc.go, mcache.go, mcentral.go, mheap.go,
/// mgcsweep.go, Go 1.19). Hot state lives in flat arrays indexed by dense object id and span index.
///
/// Reachability comes from the trace: free() says an object became unreachable. Marking is
/// snapshot-at-the-beginning: on_mark_start() records, per span, how many of its slots are dead
/// right now; only those are freed by the sweep that follows this cycle's mark termination.
/// Objects that die during mark are floating garbage, freed one cycle later.
///
/// heapLive follows the runtime: a span refill adds the span's whole free capacity
/// (npages*8192 - allocCount*elemsize, mcache.refill); a large allocation adds npages*8192;
/// mark termination resets it to the marked bytes (gcControllerState.resetLive).
class Heap {
 public:
  /// `malloc_headers`: Go 1.22+ layout (mbitmap_allocheaders.go): scannable objects > 512 B carry
  /// an 8-byte header before size-class rounding, small scan spans (≤ 512 B classes) keep their
  /// heap bits at the span's end (span/64 bytes fewer for objects), and objects > 32760 B are large.
  Heap(const SizeClassTable& classes, int gomaxprocs, bool malloc_headers = false);

  /// Where a pointerful object's pointers are, which decides its scan work (scanobject, mgcmark.go,
  /// stops at the last pointer word; mallocgc adds typ.ptrdata to mcache.scanAlloc). prefix_bytes 0:
  /// the whole object may hold pointers (scan work = its size, the default); otherwise only its first
  /// prefix_bytes (workload.pointer_layout "first": 8). The objects `pointer_array_ids` (any order;
  /// e.g. the validation replayer's []unsafe.Pointer table) are scanned whole whatever the layout.
  /// Call before the first allocation.
  void set_scan_layout(uint64_t prefix_bytes, std::vector<uint32_t> pointer_array_ids) {
    scan_prefix_bytes_ = prefix_bytes;
    pointer_array_ids_ = std::move(pointer_array_ids);
    std::sort(pointer_array_ids_.begin(), pointer_array_ids_.end());
  }
  /// Scan work of a new pointerful object under a prefix layout (sets kScanPrefix in `flags` when
  /// only the prefix is scanned, and counts the rest). Out of line: the default layout never calls it.
  uint64_t prefix_scan_bytes(uint32_t id, uint64_t size_bytes, uint8_t& flags);
  /// A live pointerful object of `bytes` with `flags` dies: its scan work leaves the heap's counts.
  void drop_scan_bytes(uint64_t bytes, uint8_t flags) {
    if (flags & kScanPrefix) [[unlikely]] {
      live_scan_bytes_ -= scan_prefix_bytes_;
      prefix_unscanned_bytes_ -= bytes - scan_prefix_bytes_;
    } else {
      live_scan_bytes_ -= bytes;
    }
  }

  /// mallocgc for object `id` on P `p`. `marking` tells whether allocation is black (mark phase).
  AllocOutcome alloc(uint32_t id, uint64_t size_bytes, bool pointerful, int p, bool marking);
  /// mallocgc's common case, inline for the replay loop: a small, non-tiny object whose span
  /// class has a free slot in P `p`'s cached span (mcache.nextFree without refill, malloc.go).
  /// Does exactly what alloc() does then (AllocOutcome{slow_path = false, spans_swept = 0}) and
  /// returns true; otherwise (new id, tiny, large, or a refill is needed) changes nothing and
  /// returns false, and the caller uses alloc().
  bool try_alloc_cached(uint32_t id, uint64_t size_bytes, bool pointerful, int p, bool marking) {
    const int spanclass = small_span_class(size_bytes, pointerful);
    return spanclass >= 0 &&
           try_alloc_cached(id, size_bytes, pointerful, static_cast<uint8_t>(spanclass), p, marking);
  }
  /// The span class alloc() uses for a small, non-tiny object, or -1 for tiny and large objects.
  int small_span_class(uint64_t size_bytes, bool pointerful) const;
  /// try_alloc_cached() with the span class already looked up (small_span_class() >= 0).
  bool try_alloc_cached(uint32_t id, uint64_t size_bytes, bool pointerful, uint8_t spanclass, int p, bool marking);
  /// The object becomes unreachable. Returns its requested size.
  uint64_t free(uint32_t id);
  bool is_live(uint32_t id) const { return id < obj_flags_.size() && (obj_flags_[id] & kAlive); }
  /// The object stays reachable but gives up its id (sync.Pool Put): the id may be reused.
  DetachedObject detach(uint32_t id);
  /// A detached object takes id `id` (sync.Pool Get hit).
  void attach(uint32_t id, const DetachedObject& obj);
  /// A detached object becomes unreachable (dropped from a pool's victim cache).
  void free_detached(const DetachedObject& obj);

  // --- collector hooks -------------------------------------------------------------------
  /// Sweep-termination: the caller must have finished sweeping (finish_sweep()).
  MarkStartSnapshot on_mark_start();
  /// Bytes allocated black since on_mark_start() (slots, as gcmarknewobject counts them).
  uint64_t alloc_black_bytes() const { return alloc_black_bytes_; }
  /// Mark termination (gcMarkTermination → gcSweep → mcache.prepareForSweep): heapLive :=
  /// marked_bytes, heapScan := heap_scan_work, a new sweep generation starts, mcaches are flushed.
  void on_mark_termination(uint64_t marked_bytes, uint64_t heap_scan_work);
  /// gcPaceSweeper (mgcsweep.go): proportional sweeping so that sweeping ends by the time
  /// heapLive reaches `trigger_bytes`.
  void pace_sweeper(uint64_t trigger_bytes);
  /// Sweeps up to `max_spans` spans (background sweeper); returns how many were swept.
  uint32_t sweep_some(uint32_t max_spans);
  /// Sweeps everything left (finishsweep_m / the sweep loop in gcStart); returns spans swept.
  uint32_t finish_sweep();
  bool sweep_done() const { return unswept_remaining_ == 0; }
  uint64_t unswept_spans() const { return unswept_remaining_; }

  HeapFigures figures() const;
  /// Returns up to `pages` free pages to the OS (the scavenger); returns how many.
  uint64_t scavenge_pages(uint64_t pages) { return pages_.scavenge(pages); }
  uint64_t heap_inuse_bytes() const { return pages_.inuse_bytes(); }
  uint64_t heap_retained_bytes() const { return pages_.retained_bytes(); }
  uint64_t heap_free_bytes() const { return pages_.free_bytes(); }
  uint64_t heap_sys_bytes() const { return pages_.mapped_bytes(); }
  uint64_t heap_released_bytes() const { return pages_.released_bytes(); }
  uint64_t heap_alloc_bytes() const { return heap_alloc_bytes_; }
  uint64_t heap_live_bytes() const { return heap_live_bytes_; }
  uint64_t heap_scan_bytes() const { return heap_scan_bytes_; }
  uint64_t live_object_bytes() const { return live_object_bytes_; }
  /// Spans in use (for tests and invariants).
  uint64_t spans_in_use() const { return spans_in_use_; }
  /// Checks internal invariants; throws std::logic_error naming the first violated one.
  void check_invariants() const;

  /// Resource guard: the object and span tables may use at most `bytes` of simulator memory
  /// (estimated at kSimBytesPerObject per object id and 2·sizeof(Span) per span). Growing past it
  /// throws InputError("sim.max_memory_bytes", ...) instead of exhausting the machine.
  void set_memory_budget(uint64_t bytes) { budget_bytes_ = bytes; }
  /// Reserves (without using) room in the object tables for ids below `bound` (a trace's
  /// object_id_bound), as far as the memory budget allows, so that growing them on demand does
  /// not copy. Sizes, and so every result and budget check, are unchanged.
  void reserve_objects(uint64_t bound);
  /// Simulator bytes charged per object id: the heap's own tables (13 B) plus an allowance for a
  /// text reader's label table (IdRenumberer, ~16 B per entry at a load factor of 1/3).
  static constexpr uint64_t kSimBytesPerObject = 64;
  /// The largest simulated heap (in-use span bytes): 2^48, amd64 Go's address space. Beyond it
  /// an allocation throws InputError (byte counters would otherwise overflow).
  static constexpr uint64_t kMaxHeapBytes = uint64_t{1} << 48;

 private:
  uint8_t account_new_object(uint32_t id, uint64_t size_bytes, bool pointerful);
  /// kScanPrefix: a pointerful object whose scan work is only its first scan_prefix_bytes_ (set_scan_layout).
  enum : uint8_t { kAlive = 1, kPointerful = 2, kTiny = 4, kLarge = 8, kScanPrefix = 16, kScattered = 32 };
  // kSpanHoles: cached while it held live objects, so its next allocations fill holes (mcache.refill
  // of a partial swept span: nextFreeIndex walks allocBits past the live slots).
  enum : uint8_t { kSpanInUse = 1, kSpanCached = 2, kSpanInPartial = 4, kSpanHoles = 8 };
  /// spanClass (mheap.go makeSpanClass): (sizeclass << 1) | noscan.
  static constexpr uint8_t span_class(uint8_t sizeclass, bool noscan) {
    return static_cast<uint8_t>((sizeclass << 1) | (noscan ? 1 : 0));
  }

  struct Span {
    uint32_t npages = 0;
    uint32_t nelems = 0;
    uint32_t elem_bytes = 0;     // slot size (large: npages*8192)
    uint32_t alloc_count = 0;    // slots holding an object, live or dead-unswept
    uint32_t dead_count = 0;     // slots whose object is unreachable and not yet freed
    uint32_t to_free = 0;        // dead at the last mark start: freed when this span is swept
    uint32_t swept_gen = 0;      // sweep generation of the last sweep
    uint8_t spanclass = 0;       // (sizeclass << 1) | noscan; large spans have sizeclass 0
    uint8_t flags = 0;
  };

  uint32_t new_span(uint8_t spanclass, uint32_t npages, uint32_t nelems, uint32_t elem_bytes);
  uint64_t last_scav_pages_ = 0;  // released pages reused by the last new_span
  void release_span(uint32_t s);
  uint32_t acquire_span(uint8_t spanclass, uint32_t& swept);  // mcentral.cacheSpan
  uint32_t refill(int p, uint8_t spanclass, uint32_t& swept);  // mcache.refill
  [[gnu::always_inline]] inline uint32_t alloc_slot(int p, uint8_t spanclass, AllocOutcome& out);
  void sweep_span(uint32_t s);
  uint32_t sweep_one();  // sweepone: next unswept span from the global list
  uint32_t deduct_sweep_credit(uint64_t span_bytes, uint64_t caller_pages);
  void slot_died(uint32_t s) {
    Span& sp = spans_[s];
    ++sp.dead_count;
    live_slot_bytes_ -= sp.elem_bytes;
    --live_slots_;
  }
  void tiny_block_unreferenced(uint32_t b);
  [[gnu::cold]] void tiny_object_died(uint32_t b);
  [[noreturn, gnu::cold]] static void dead_object(const char* what, uint32_t id);
  void ensure_object(uint32_t id);
  [[noreturn]] void over_budget(uint64_t objects, uint64_t spans) const;
  uint64_t budget_bytes_ = UINT64_MAX;
  void flush_scan_alloc();

  const SizeClassTable& classes_;
  int gomaxprocs_;
  bool malloc_headers_;
  uint64_t max_small_bytes_;  // largest size on the small-object path
  PageHeap pages_;

  // Objects, indexed by dense id.
  // Growing these two leaves the new entries uninitialised (UninitAllocator): an entry is written
  // when its id is allocated and read only while the id is live (obj_flags_ & kAlive).
  UninitVector<uint32_t> obj_home_;   // span index, or tiny block index for tiny objects
  UninitVector<uint64_t> obj_bytes_;  // requested size
  std::vector<uint8_t> obj_flags_;

  // Tiny blocks (16-byte slots of span class (2, noscan) holding several tiny objects).
  std::vector<uint32_t> tiny_span_;
  std::vector<uint32_t> tiny_live_;     // live sub-objects
  std::vector<uint8_t> tiny_current_;   // 1 while some P's mcache.tiny points at it
  std::vector<uint32_t> tiny_free_ids_;

  // Spans.
  std::vector<Span> spans_;
  std::vector<uint32_t> free_span_ids_;
  uint64_t spans_in_use_ = 0;
  std::vector<std::vector<uint32_t>> partial_;   // per span class: swept spans with free slots
  std::vector<std::vector<uint32_t>> unswept_;   // per span class: spans not yet swept this generation
  std::vector<uint32_t> unswept_all_;            // all spans to sweep this generation (sweepone order)
  size_t unswept_cursor_ = 0;
  uint64_t unswept_remaining_ = 0;
  uint32_t sweep_gen_ = 1;

  // Per-P mcache.
  std::vector<uint32_t> cache_;          // [p * kNumSpanClasses + spanclass] -> span
  std::vector<uint32_t> tiny_block_;     // per P: current tiny block or kNoIndex
  std::vector<uint32_t> tiny_offset_;    // per P

  // Proportional sweep state (mgcsweep.go gcPaceSweeper / deductSweepCredit).
  double sweep_pages_per_byte_ = 0;
  uint64_t sweep_heap_live_basis_ = 0;
  uint64_t pages_swept_ = 0;

  // Accounting.
  uint64_t heap_live_bytes_ = 0;
  uint64_t heap_scan_bytes_ = 0;
  uint64_t scan_alloc_pending_ = 0;   // mcache.scanAlloc, flushed at refill when not marking
  bool scan_alloc_frozen_ = false;    // true during mark: heapScan is frozen (mgcpacer.go update)
  uint64_t live_object_bytes_ = 0;
  uint64_t live_slot_bytes_ = 0;
  uint64_t span_tail_bytes_ = 0;
  uint64_t live_scan_bytes_ = 0;
  uint64_t prefix_unscanned_bytes_ = 0;  // Σ (size - prefix) over live kScanPrefix objects
  uint64_t scan_prefix_bytes_ = 0;       // set_scan_layout: 0 = whole objects
  std::vector<uint32_t> pointer_array_ids_;  // set_scan_layout: always scanned whole (sorted)
  uint64_t live_scan_slots_ = 0;   // live pointerful objects
  uint64_t live_scattered_ = 0;  // live objects with kScattered (MarkStartSnapshot::live_scattered_objects)
  uint64_t live_slots_ = 0;
  uint64_t heap_alloc_bytes_ = 0;
  uint64_t total_alloc_bytes_ = 0;
  uint64_t mallocs_ = 0;
  uint64_t frees_ = 0;
  uint64_t tiny_allocs_ = 0;
  uint64_t alloc_black_bytes_ = 0;
};

inline int Heap::small_span_class(uint64_t size_bytes, bool pointerful) const {
  if ((!pointerful && size_bytes < kTinySizeBytes) || size_bytes > max_small_bytes_) return -1;
  uint64_t class_bytes = size_bytes;
  if (malloc_headers_ && pointerful && size_bytes > 512) class_bytes += 8;  // mallocHeaderSize (1.22+)
  return span_class(classes_.class_of(class_bytes), !pointerful);
}

// The accounting every new object gets, whichever path allocates it (mallocgc's nextFreeFast and
// refill paths alike); returns its flags.
inline uint8_t Heap::account_new_object(uint32_t id, uint64_t size_bytes, bool pointerful) {
  ++mallocs_;
  live_object_bytes_ += size_bytes;
  obj_bytes_[id] = size_bytes;
  uint8_t flags = kAlive;
  if (pointerful) {
    flags |= kPointerful;
    uint64_t scan_bytes = size_bytes;
    if (scan_prefix_bytes_ != 0) [[unlikely]]
      scan_bytes = prefix_scan_bytes(id, size_bytes, flags);
    live_scan_bytes_ += scan_bytes;
    ++live_scan_slots_;
    scan_alloc_pending_ += scan_bytes;
  }
  return flags;
}

inline bool Heap::try_alloc_cached(uint32_t id, uint64_t size_bytes, bool pointerful, uint8_t spanclass, int p,
                                   bool marking) {
  if (id >= obj_flags_.size() || (obj_flags_[id] & kAlive)) return false;
  const uint32_t s = cache_[static_cast<size_t>(p) * kNumSpanClasses + spanclass];
  if (s == kNoIndex) return false;
  Span& sp = spans_[s];
  if (sp.alloc_count == sp.nelems) return false;
  // From here on: alloc()'s small-object path with alloc_slot() finding room.
  uint8_t flags = account_new_object(id, size_bytes, pointerful);
  if (sp.flags & kSpanHoles) {
    flags |= kScattered;
    ++live_scattered_;
  }
  ++sp.alloc_count;
  const uint64_t slot_bytes = sp.elem_bytes;
  heap_alloc_bytes_ += slot_bytes;
  total_alloc_bytes_ += slot_bytes;
  live_slot_bytes_ += slot_bytes;
  ++live_slots_;
  if (marking) alloc_black_bytes_ += slot_bytes;
  obj_home_[id] = s;
  obj_flags_[id] = flags;
  return true;
}

// The object becomes unreachable (detach() + free_detached(), inline for the replay loop).
inline uint64_t Heap::free(uint32_t id) {
  if (!is_live(id)) [[unlikely]]
    dead_object("free", id);
  const uint8_t flags = obj_flags_[id];
  const uint64_t bytes = obj_bytes_[id];
  const uint32_t home = obj_home_[id];
  obj_flags_[id] = 0;
  live_object_bytes_ -= bytes;
  if (flags & kPointerful) {
    drop_scan_bytes(bytes, flags);
    --live_scan_slots_;
  }
  if (flags & kScattered) --live_scattered_;
  if (flags & kTiny) {
    tiny_object_died(home);
  } else {
    slot_died(home);
  }
  return bytes;
}

}  // namespace gcsim::alloc
