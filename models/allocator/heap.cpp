// SPDX-License-Identifier: MIT
#include "models/allocator/heap.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "sim/config/config_error.hpp"

namespace gcsim::alloc {
namespace {

constexpr uint8_t kTinySpanClass = (kTinySizeClass << 1) | 1;  // tinySpanClass (malloc.go)
constexpr uint32_t kSpanBudget = 100;                           // spanBudget (mcentral.go cacheSpan)
constexpr uint64_t kSweepMinHeapDistance = 1 << 20;             // sweepMinHeapDistance (mgc.go)

/// Alignment of a tiny sub-object (mallocgc tiny path, malloc.go).
constexpr uint32_t tiny_align(uint64_t size) {
  if ((size & 7) == 0) return 8;
  if ((size & 3) == 0) return 4;
  if ((size & 1) == 0) return 2;
  return 1;
}

}  // namespace

Heap::Heap(const SizeClassTable& classes, int gomaxprocs, bool malloc_headers)
    : classes_(classes),
      gomaxprocs_(gomaxprocs),
      malloc_headers_(malloc_headers),
      max_small_bytes_(malloc_headers ? kMaxSmallSizeBytes - 8 : kMaxSmallSizeBytes),
      partial_(kNumSpanClasses),
      unswept_(kNumSpanClasses),
      cache_(static_cast<size_t>(gomaxprocs) * kNumSpanClasses, kNoIndex),
      tiny_block_(static_cast<size_t>(gomaxprocs), kNoIndex),
      tiny_offset_(static_cast<size_t>(gomaxprocs), 0) {}

void Heap::over_budget(uint64_t objects, uint64_t spans) const {
  auto mib = [](uint64_t b) { return std::to_string(b >> 20) + " MiB"; };
  throw InputError("sim.max_memory_bytes",
                   "the workload's live set needs more simulator memory than the budget of " + mib(budget_bytes_) +
                       " (" + std::to_string(objects) + " object ids, " + std::to_string(spans) +
                       " spans); raise sim.max_memory_bytes if the machine has the memory");
}

void advise_huge_pages(void* p, size_t bytes) {
  constexpr uintptr_t kHugeBytes = uintptr_t{2} << 20;
  if (bytes < 2 * kHugeBytes) return;
  const auto begin = (reinterpret_cast<uintptr_t>(p) + kHugeBytes - 1) & ~(kHugeBytes - 1);
  const auto end = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(kHugeBytes - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

void Heap::ensure_object(uint32_t id) {
  if (id >= obj_flags_.size()) {
    const uint64_t need = static_cast<uint64_t>(id) + 1;
    const uint64_t span_bytes = 2 * sizeof(Span) * static_cast<uint64_t>(spans_.size());
    const uint64_t room = budget_bytes_ > span_bytes ? (budget_bytes_ - span_bytes) / kSimBytesPerObject : 0;
    if (need > room) over_budget(need, spans_.size());
    size_t n = static_cast<size_t>(std::min<uint64_t>(std::max<uint64_t>(need, obj_flags_.size() * 2), room));
    obj_home_.resize(n);
    obj_bytes_.resize(n);
    obj_flags_.resize(n);
  }
}

void Heap::reserve_objects(uint64_t bound) {
  // The capacity ensure_object's doubling reaches for ids issued in increasing order (dense ids).
  const uint64_t room = budget_bytes_ / kSimBytesPerObject;
  uint64_t n = 0;
  while (n < bound && n < room) n = std::min(std::max(n + 1, 2 * n), room);
  obj_home_.reserve(static_cast<size_t>(n));
  obj_bytes_.reserve(static_cast<size_t>(n));
  obj_flags_.reserve(static_cast<size_t>(n));
}

uint64_t Heap::prefix_scan_bytes(uint32_t id, uint64_t size_bytes, uint8_t& flags) {
  if (size_bytes <= scan_prefix_bytes_ ||
      std::binary_search(pointer_array_ids_.begin(), pointer_array_ids_.end(), id))
    return size_bytes;
  flags |= kScanPrefix;
  prefix_unscanned_bytes_ += size_bytes - scan_prefix_bytes_;
  return scan_prefix_bytes_;
}

void Heap::flush_scan_alloc() {
  if (!scan_alloc_frozen_) heap_scan_bytes_ += scan_alloc_pending_;
  scan_alloc_pending_ = 0;
}

uint32_t Heap::new_span(uint8_t spanclass, uint32_t npages, uint32_t nelems, uint32_t elem_bytes) {
  last_scav_pages_ += pages_.alloc(npages);
  uint32_t s;
  if (!free_span_ids_.empty()) {
    s = free_span_ids_.back();
    free_span_ids_.pop_back();
  } else {
    s = static_cast<uint32_t>(spans_.size());
    if (spans_.size() == spans_.capacity()) {  // about to grow: charge the doubled table
      const uint64_t want = 2 * sizeof(Span) * std::max<uint64_t>(2 * spans_.size(), 1) +
                            kSimBytesPerObject * static_cast<uint64_t>(obj_flags_.size());
      if (want > budget_bytes_) {
        if (2 * sizeof(Span) * (spans_.size() + 1) + kSimBytesPerObject * obj_flags_.size() > budget_bytes_)
          over_budget(obj_flags_.size(), spans_.size() + 1);
        spans_.reserve(spans_.size() + 1);  // what is left of the budget: grow by one only
      }
    }
    spans_.emplace_back();
  }
  Span& sp = spans_[s];
  sp = Span{};
  sp.npages = npages;
  sp.nelems = nelems;
  sp.elem_bytes = elem_bytes;
  sp.swept_gen = sweep_gen_;  // a fresh span needs no sweeping
  sp.spanclass = spanclass;
  sp.flags = kSpanInUse;
  ++spans_in_use_;
  span_tail_bytes_ += static_cast<uint64_t>(npages) * kPageBytes - static_cast<uint64_t>(nelems) * elem_bytes;
  return s;
}

void Heap::release_span(uint32_t s) {
  const Span& sp = spans_[s];
  span_tail_bytes_ -= static_cast<uint64_t>(sp.npages) * kPageBytes - static_cast<uint64_t>(sp.nelems) * sp.elem_bytes;
  pages_.release(sp.npages);
  spans_[s].flags = 0;
  free_span_ids_.push_back(s);
  --spans_in_use_;
}

// mspan.sweep (mgcsweep.go): frees the slots that were unreachable at the last mark start.
void Heap::sweep_span(uint32_t s) {
  Span& sp = spans_[s];
  uint32_t n = sp.to_free;
  sp.to_free = 0;
  sp.alloc_count -= n;
  sp.dead_count -= n;
  uint64_t freed = static_cast<uint64_t>(n) * sp.elem_bytes;
  heap_alloc_bytes_ -= freed;
  frees_ += n;
  sp.swept_gen = sweep_gen_;
  pages_swept_ += sp.npages;
  --unswept_remaining_;
  if (sp.alloc_count == 0) {
    release_span(s);
  } else if (sp.alloc_count < sp.nelems && !(sp.flags & kSpanCached)) {
    sp.flags |= kSpanInPartial;
    partial_[sp.spanclass].push_back(s);
  }
}

uint32_t Heap::sweep_one() {
  while (unswept_cursor_ < unswept_all_.size()) {
    uint32_t s = unswept_all_[unswept_cursor_++];
    if ((spans_[s].flags & kSpanInUse) && spans_[s].swept_gen != sweep_gen_) {
      uint32_t pages = spans_[s].npages;
      sweep_span(s);
      return pages;
    }
  }
  return 0;
}

uint32_t Heap::sweep_some(uint32_t max_spans) {
  uint32_t n = 0;
  while (n < max_spans && sweep_one() != 0) ++n;
  return n;
}

uint32_t Heap::finish_sweep() {
  uint32_t n = 0;
  while (sweep_one() != 0) ++n;
  sweep_pages_per_byte_ = 0;
  return n;
}

// deductSweepCredit (mgcsweep.go): sweep enough pages to stay on the proportional schedule.
uint32_t Heap::deduct_sweep_credit(uint64_t span_bytes, uint64_t caller_pages) {
  if (sweep_pages_per_byte_ == 0) return 0;
  uint32_t n = 0;
  auto live_delta = static_cast<double>(heap_live_bytes_ - sweep_heap_live_basis_ + span_bytes);
  auto target = static_cast<int64_t>(sweep_pages_per_byte_ * live_delta) - static_cast<int64_t>(caller_pages);
  while (static_cast<int64_t>(pages_swept_) < target) {
    if (sweep_one() == 0) {
      sweep_pages_per_byte_ = 0;
      break;
    }
    ++n;
  }
  return n;
}

void Heap::pace_sweeper(uint64_t trigger_bytes) {
  if (sweep_done()) {
    sweep_pages_per_byte_ = 0;
    return;
  }
  auto distance = static_cast<int64_t>(trigger_bytes) - static_cast<int64_t>(heap_live_bytes_) -
                  static_cast<int64_t>(kSweepMinHeapDistance);
  if (distance < static_cast<int64_t>(kPageBytes)) distance = kPageBytes;
  uint64_t pages_in_use = pages_.inuse_pages();
  uint64_t remaining = pages_in_use > pages_swept_ ? pages_in_use - pages_swept_ : 0;
  sweep_pages_per_byte_ = static_cast<double>(remaining) / static_cast<double>(distance);
  sweep_heap_live_basis_ = heap_live_bytes_;
}

// mcentral.cacheSpan (mcentral.go): partial swept span, else sweep unswept spans of this class,
// else a new span from the page heap (mcentral.grow).
uint32_t Heap::acquire_span(uint8_t spanclass, uint32_t& swept) {
  const SizeClassInfo& ci = classes_.info(static_cast<uint8_t>(spanclass >> 1));
  swept += deduct_sweep_credit(ci.bytes_per_span, 0);
  auto& pl = partial_[spanclass];
  while (!pl.empty()) {
    uint32_t s = pl.back();
    pl.pop_back();
    Span& sp = spans_[s];
    if (!(sp.flags & kSpanInPartial)) continue;  // stale entry
    sp.flags &= static_cast<uint8_t>(~kSpanInPartial);
    if ((sp.flags & kSpanInUse) && sp.swept_gen == sweep_gen_ && sp.alloc_count < sp.nelems) return s;
  }
  auto& ul = unswept_[spanclass];
  uint32_t budget = kSpanBudget;
  while (!ul.empty() && budget > 0) {
    uint32_t s = ul.back();
    ul.pop_back();
    if (!(spans_[s].flags & kSpanInUse) || spans_[s].swept_gen == sweep_gen_) continue;
    --budget;
    sweep_span(s);
    ++swept;
    Span& sp = spans_[s];
    if ((sp.flags & kSpanInUse) && (sp.flags & kSpanInPartial)) {
      sp.flags &= static_cast<uint8_t>(~kSpanInPartial);  // leaves a stale entry in partial_
      return s;
    }
  }
  uint32_t nelems = ci.objects;
  if (malloc_headers_ && !(spanclass & 1) && ci.bytes_per_obj <= 512)  // heap bits at the span's end (1.22+)
    nelems = (ci.bytes_per_span - ci.bytes_per_span / 64) / ci.bytes_per_obj;
  return new_span(spanclass, ci.pages, nelems, ci.bytes_per_obj);
}

// mcache.refill (mcache.go): uncache the full span, cache a new one, and count its whole free
// capacity (tail waste included) into heapLive.
uint32_t Heap::refill(int p, uint8_t spanclass, uint32_t& swept) {
  uint32_t& slot = cache_[static_cast<size_t>(p) * kNumSpanClasses + spanclass];
  if (slot != kNoIndex) spans_[slot].flags &= static_cast<uint8_t>(~kSpanCached);
  uint32_t s = acquire_span(spanclass, swept);
  Span& sp = spans_[s];
  sp.flags |= kSpanCached;
  if (sp.alloc_count > 0) {
    sp.flags |= kSpanHoles;
  } else {
    sp.flags &= static_cast<uint8_t>(~kSpanHoles);
  }
  slot = s;
  heap_live_bytes_ += static_cast<uint64_t>(sp.npages) * kPageBytes - static_cast<uint64_t>(sp.alloc_count) * sp.elem_bytes;
  flush_scan_alloc();
  return s;
}

inline uint32_t Heap::alloc_slot(int p, uint8_t spanclass, AllocOutcome& out) {
  uint32_t s = cache_[static_cast<size_t>(p) * kNumSpanClasses + spanclass];
  if (s == kNoIndex || spans_[s].alloc_count == spans_[s].nelems) {
    uint32_t swept = 0;
    last_scav_pages_ = 0;
    s = refill(p, spanclass, swept);
    out.slow_path = true;
    out.spans_swept += swept;
    out.scav_bytes = last_scav_pages_ * kPageBytes;
  }
  Span& sp = spans_[s];
  ++sp.alloc_count;
  heap_alloc_bytes_ += sp.elem_bytes;
  total_alloc_bytes_ += sp.elem_bytes;
  out.slot_bytes = sp.elem_bytes;
  return s;
}

AllocOutcome Heap::alloc(uint32_t id, uint64_t size_bytes, bool pointerful, int p, bool marking) {
  ensure_object(id);
  if (obj_flags_[id] & kAlive) throw std::logic_error("alloc of live object id " + std::to_string(id));
  AllocOutcome out;
  uint8_t flags = account_new_object(id, size_bytes, pointerful);

  if (!pointerful && size_bytes < kTinySizeBytes) {
    // Tiny allocator (mallocgc, malloc.go): pack into the P's current 16-byte block.
    uint32_t b = tiny_block_[p];
    uint32_t align = tiny_align(size_bytes);
    uint32_t off = (tiny_offset_[p] + align - 1) / align * align;
    if (b != kNoIndex && off + size_bytes <= kTinySizeBytes) {
      ++tiny_live_[b];
      tiny_offset_[p] = off + static_cast<uint32_t>(size_bytes);
      ++tiny_allocs_;
      obj_home_[id] = b;
      obj_flags_[id] = flags | kTiny;
      return out;
    }
    uint32_t s = alloc_slot(p, kTinySpanClass, out);
    uint32_t nb;
    if (!tiny_free_ids_.empty()) {
      nb = tiny_free_ids_.back();
      tiny_free_ids_.pop_back();
    } else {
      nb = static_cast<uint32_t>(tiny_span_.size());
      tiny_span_.push_back(0);
      tiny_live_.push_back(0);
      tiny_current_.push_back(0);
    }
    tiny_span_[nb] = s;
    tiny_live_[nb] = 1;
    tiny_current_[nb] = 0;
    live_slot_bytes_ += kTinySizeBytes;
    ++live_slots_;
    if (marking) alloc_black_bytes_ += kTinySizeBytes;
    // Keep whichever block has more room left (malloc.go: "if size < c.tinyoffset || c.tiny == 0").
    if (b == kNoIndex || size_bytes < tiny_offset_[p]) {
      if (b != kNoIndex) {
        tiny_current_[b] = 0;
        if (tiny_live_[b] == 0) tiny_block_unreferenced(b);
      }
      tiny_block_[p] = nb;
      tiny_current_[nb] = 1;
      tiny_offset_[p] = static_cast<uint32_t>(size_bytes);
    }
    obj_home_[id] = nb;
    obj_flags_[id] = flags | kTiny;
    return out;
  }

  if (size_bytes <= max_small_bytes_) {
    uint64_t class_bytes = size_bytes;
    if (malloc_headers_ && pointerful && size_bytes > 512) class_bytes += 8;  // mallocHeaderSize (1.22+)
    uint8_t cls = classes_.class_of(class_bytes);
    uint32_t s = alloc_slot(p, span_class(cls, !pointerful), out);
    live_slot_bytes_ += out.slot_bytes;
    ++live_slots_;
    if (marking) alloc_black_bytes_ += out.slot_bytes;
    if (spans_[s].flags & kSpanHoles) {
      flags |= kScattered;
      ++live_scattered_;
    }
    obj_home_[id] = s;
    obj_flags_[id] = flags;
    return out;
  }

  // Large object (mcache.allocLarge, mcache.go): its own span of whole pages.
  uint64_t npages = (size_bytes + kPageBytes - 1) / kPageBytes;
  // A large span's slot size is 32-bit (Span::elem_bytes), so objects end below 4 GiB.
  if (npages > UINT32_MAX / kPageBytes)
    throw InputError("workload", "an object of " + std::to_string(size_bytes) +
                                     " bytes: the simulator models objects up to " +
                                     std::to_string(uint64_t{UINT32_MAX / kPageBytes} * kPageBytes) + " bytes");
  if (pages_.inuse_bytes() + npages * kPageBytes > kMaxHeapBytes)
    throw InputError("workload", "the simulated heap would exceed 2^48 bytes (256 TiB, the address space of "
                                 "amd64 Go) with an object of " + std::to_string(size_bytes) + " bytes");
  uint64_t bytes = npages * kPageBytes;
  out.spans_swept += deduct_sweep_credit(bytes, npages);
  // mheap.alloc: "if !isSweepDone() { h.reclaim(npage) }" — sweep until npages are freed.
  if (!sweep_done()) {
    uint64_t freed_pages = 0, before = pages_.inuse_pages();
    while (freed_pages < npages) {
      if (sweep_one() == 0) break;
      ++out.spans_swept;
      uint64_t now_inuse = pages_.inuse_pages();
      freed_pages = before > now_inuse ? before - now_inuse : 0;
    }
  }
  last_scav_pages_ = 0;
  uint32_t s = new_span(span_class(0, !pointerful), static_cast<uint32_t>(npages), 1, static_cast<uint32_t>(bytes));
  out.scav_bytes = last_scav_pages_ * kPageBytes;
  spans_[s].alloc_count = 1;
  heap_alloc_bytes_ += bytes;
  total_alloc_bytes_ += bytes;
  heap_live_bytes_ += bytes;
  flush_scan_alloc();
  live_slot_bytes_ += bytes;
  ++live_slots_;
  if (marking) alloc_black_bytes_ += bytes;
  out.slow_path = true;
  out.slot_bytes = bytes;
  obj_home_[id] = s;
  obj_flags_[id] = flags | kLarge;
  return out;
}

void Heap::tiny_block_unreferenced(uint32_t b) {
  slot_died(tiny_span_[b]);
  tiny_free_ids_.push_back(b);
}

void Heap::tiny_object_died(uint32_t b) {
  if (--tiny_live_[b] == 0 && !tiny_current_[b]) tiny_block_unreferenced(b);
}

void Heap::dead_object(const char* what, uint32_t id) {
  throw std::logic_error(std::string(what) + " of dead object id " + std::to_string(id));
}

DetachedObject Heap::detach(uint32_t id) {
  if (!is_live(id)) throw std::logic_error("detach of dead object id " + std::to_string(id));
  DetachedObject obj{obj_home_[id], obj_bytes_[id], obj_flags_[id]};
  obj_flags_[id] = 0;
  return obj;
}

void Heap::attach(uint32_t id, const DetachedObject& obj) {
  ensure_object(id);
  if (obj_flags_[id] & kAlive) throw std::logic_error("attach to live object id " + std::to_string(id));
  obj_home_[id] = obj.home;
  obj_bytes_[id] = obj.bytes;
  obj_flags_[id] = obj.flags;
}

void Heap::free_detached(const DetachedObject& obj) {
  live_object_bytes_ -= obj.bytes;
  if (obj.flags & kPointerful) {
    drop_scan_bytes(obj.bytes, obj.flags);
    --live_scan_slots_;
  }
  if (obj.flags & kScattered) --live_scattered_;
  if (obj.flags & kTiny) {
    tiny_object_died(obj.home);
  } else {
    slot_died(obj.home);
  }
}

MarkStartSnapshot Heap::on_mark_start() {
  for (Span& sp : spans_) {
    if (sp.flags & kSpanInUse) sp.to_free = sp.dead_count;
  }
  alloc_black_bytes_ = 0;
  scan_alloc_frozen_ = true;
  return MarkStartSnapshot{live_slot_bytes_, live_scan_bytes_, live_slots_, live_scan_slots_,
                           live_scan_bytes_ + prefix_unscanned_bytes_, live_scattered_};
}

void Heap::on_mark_termination(uint64_t marked_bytes, uint64_t heap_scan_work) {
  heap_live_bytes_ = marked_bytes;
  heap_scan_bytes_ = heap_scan_work;
  scan_alloc_pending_ = 0;
  scan_alloc_frozen_ = false;
  // mcache.prepareForSweep -> releaseAll: every P drops its cached spans and tiny block.
  for (uint32_t& s : cache_) {
    if (s != kNoIndex) spans_[s].flags &= static_cast<uint8_t>(~kSpanCached);
    s = kNoIndex;
  }
  for (int p = 0; p < gomaxprocs_; ++p) {
    uint32_t b = tiny_block_[p];
    if (b != kNoIndex) {
      tiny_current_[b] = 0;
      if (tiny_live_[b] == 0) tiny_block_unreferenced(b);
    }
    tiny_block_[p] = kNoIndex;
    tiny_offset_[p] = 0;
  }
  // gcSweep: a new sweep generation; every in-use span is now unswept.
  ++sweep_gen_;
  for (auto& l : partial_) l.clear();
  for (auto& l : unswept_) l.clear();
  unswept_all_.clear();
  unswept_cursor_ = 0;
  unswept_remaining_ = 0;
  pages_swept_ = 0;
  for (uint32_t s = 0; s < spans_.size(); ++s) {
    Span& sp = spans_[s];
    sp.flags &= static_cast<uint8_t>(~kSpanInPartial);
    if (!(sp.flags & kSpanInUse)) continue;
    unswept_[sp.spanclass].push_back(s);
    unswept_all_.push_back(s);
    ++unswept_remaining_;
  }
}

HeapFigures Heap::figures() const {
  HeapFigures f;
  f.live_object_bytes = live_object_bytes_;
  f.live_slot_bytes = live_slot_bytes_;
  f.heap_alloc_bytes = heap_alloc_bytes_;
  f.heap_inuse_bytes = pages_.inuse_bytes();
  f.heap_free_bytes = pages_.free_bytes();
  f.heap_released_bytes = pages_.released_bytes();
  f.heap_sys_bytes = pages_.mapped_bytes();
  f.heap_live_bytes = heap_live_bytes_;
  f.heap_scan_bytes = heap_scan_bytes_;
  f.total_alloc_bytes = total_alloc_bytes_;
  f.mallocs = mallocs_;
  f.frees = frees_;
  f.tiny_allocs = tiny_allocs_;
  f.rounding_waste_bytes = live_slot_bytes_ > live_object_bytes_ ? live_slot_bytes_ - live_object_bytes_ : 0;
  f.span_tail_waste_bytes = span_tail_bytes_;
  f.dead_unswept_bytes = heap_alloc_bytes_ - live_slot_bytes_;
  f.empty_slot_bytes = f.heap_inuse_bytes - heap_alloc_bytes_ - span_tail_bytes_;
  return f;
}

void Heap::check_invariants() const {
  uint64_t alloc_bytes = 0, live_bytes = 0, inuse_pages = 0, in_use = 0;
  for (const Span& sp : spans_) {
    if (!(sp.flags & kSpanInUse)) continue;
    ++in_use;
    if (sp.dead_count > sp.alloc_count) throw std::logic_error("span: dead_count > alloc_count");
    if (sp.to_free > sp.dead_count) throw std::logic_error("span: to_free > dead_count");
    if (sp.alloc_count > sp.nelems) throw std::logic_error("span: alloc_count > nelems");
    alloc_bytes += static_cast<uint64_t>(sp.alloc_count) * sp.elem_bytes;
    live_bytes += static_cast<uint64_t>(sp.alloc_count - sp.dead_count) * sp.elem_bytes;
    inuse_pages += sp.npages;
  }
  if (in_use != spans_in_use_) throw std::logic_error("spans_in_use mismatch");
  if (alloc_bytes != heap_alloc_bytes_) throw std::logic_error("heap_alloc_bytes != sum of span slots");
  if (live_bytes != live_slot_bytes_) throw std::logic_error("live_slot_bytes != sum of live span slots");
  if (inuse_pages != pages_.inuse_pages()) throw std::logic_error("page heap in-use pages mismatch");
  if (live_slot_bytes_ > heap_alloc_bytes_) throw std::logic_error("live slots exceed allocated slots");
}

}  // namespace gcsim::alloc
