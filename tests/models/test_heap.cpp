// SPDX-License-Identifier: MIT
// The object-level heap: class lookup, tiny packing, refill accounting, sweep and floating garbage.
#include <doctest/doctest.h>

#include "models/allocator/heap.hpp"

using namespace gcsim::alloc;

namespace {
Heap make_heap(int procs = 1) { return Heap(SizeClassTable::get(), procs); }
}  // namespace

TEST_SUITE("allocator") {
  TEST_CASE("refill counts the whole span into heapLive, including its tail waste") {
    Heap h = make_heap();
    AllocOutcome o = h.alloc(0, 128, true, 0, false);
    CHECK(o.slow_path);
    CHECK(o.slot_bytes == 128);
    CHECK(h.heap_live_bytes() == 8192);  // class 10: one page, 64 objects
    for (uint32_t i = 1; i < 64; ++i) CHECK_FALSE(h.alloc(i, 113 + i % 16, true, 0, false).slow_path);
    CHECK(h.heap_live_bytes() == 8192);
    CHECK(h.alloc(64, 128, true, 0, false).slow_path);  // span full → refill
    CHECK(h.heap_live_bytes() == 16384);
    // Class 5 (48 B): 170 objects, 32 B tail waste; heapLive still counts the full 8192.
    h.alloc(65, 48, false, 0, false);
    CHECK(h.heap_live_bytes() == 16384 + 8192);
    HeapFigures f = h.figures();
    CHECK(f.heap_inuse_bytes == 3 * 8192);
    CHECK(f.heap_sys_bytes == 4 << 20);  // grown in one 4 MiB chunk
    CHECK(f.heap_alloc_bytes == 65 * 128 + 48);
    h.check_invariants();
  }

  TEST_CASE("tiny allocator packs noscan objects < 16 B into 16-byte blocks") {
    Heap h = make_heap();
    h.alloc(0, 8, false, 0, false);   // new block, offset 8
    h.alloc(1, 4, false, 0, false);   // packs at 8..12
    h.alloc(2, 4, false, 0, false);   // packs at 12..16
    HeapFigures f = h.figures();
    CHECK(f.heap_alloc_bytes == 16);  // one 16-byte slot for three objects
    CHECK(f.tiny_allocs == 2);
    CHECK(f.live_object_bytes == 16);
    h.alloc(3, 12, false, 0, false);  // doesn't fit → second block
    CHECK(h.figures().heap_alloc_bytes == 32);
    // Pointerful small objects never use the tiny allocator.
    h.alloc(4, 8, true, 0, false);
    CHECK(h.figures().heap_alloc_bytes == 32 + 8);
    h.check_invariants();
  }

  TEST_CASE("a tiny block is reclaimable only when all its objects are dead") {
    Heap h = make_heap();
    h.alloc(0, 8, false, 0, false);
    h.alloc(1, 8, false, 0, false);   // same block, full now
    h.alloc(2, 15, false, 0, false);  // new block (15 > 0 offset) becomes current
    h.free(0);
    CHECK(h.figures().live_slot_bytes == 32);  // block A still has object 1
    h.free(1);
    CHECK(h.figures().live_slot_bytes == 16);  // block A dead, B alive
    h.on_mark_start();
    h.on_mark_termination(h.figures().live_slot_bytes, 0);
    h.finish_sweep();
    CHECK(h.figures().heap_alloc_bytes == 16);
    h.check_invariants();
  }

  TEST_CASE("sweep frees only objects dead at mark start; deaths during mark float to the next cycle") {
    Heap h = make_heap();
    for (uint32_t i = 0; i < 64; ++i) h.alloc(i, 128, true, 0, false);
    for (uint32_t i = 0; i < 10; ++i) h.free(i);  // dead before mark
    MarkStartSnapshot snap = h.on_mark_start();
    CHECK(snap.live_slot_bytes == 54 * 128);
    CHECK(snap.live_scan_bytes == 54 * 128);
    for (uint32_t i = 10; i < 20; ++i) h.free(i);  // floating garbage
    h.alloc(100, 128, true, 0, true);              // allocated black during mark
    CHECK(h.alloc_black_bytes() == 128);
    h.on_mark_termination(snap.live_slot_bytes + h.alloc_black_bytes(), snap.live_scan_bytes);
    CHECK(h.heap_live_bytes() == 55 * 128);
    CHECK_FALSE(h.sweep_done());
    h.finish_sweep();
    CHECK(h.sweep_done());
    CHECK(h.figures().heap_alloc_bytes == 55 * 128);  // 65 allocated - 10 freed; 10 floating remain
    CHECK(h.figures().frees == 10);
    // Next cycle: the floating garbage is now unmarked and swept.
    h.on_mark_start();
    h.on_mark_termination(45 * 128, 0);
    h.finish_sweep();
    CHECK(h.figures().heap_alloc_bytes == 45 * 128);
    h.check_invariants();
  }

  TEST_CASE("sweeping returns empty spans to the page heap and reuses partial spans") {
    Heap h = make_heap();
    for (uint32_t i = 0; i < 128; ++i) h.alloc(i, 128, true, 0, false);  // two spans
    CHECK(h.spans_in_use() == 2);
    for (uint32_t i = 0; i < 64; ++i) h.free(i);  // the first span entirely
    h.free(64);                                   // one object of the second
    h.on_mark_start();
    h.on_mark_termination(63 * 128, 0);
    h.finish_sweep();
    CHECK(h.spans_in_use() == 1);
    CHECK(h.figures().heap_inuse_bytes == 8192);
    // The emptied span's page is free but still backed (heapFree); the never-used rest of the 4 MiB
    // chunk counts as released until a span uses it (mheap.grow).
    CHECK(h.figures().heap_free_bytes == 8192);
    CHECK(h.figures().heap_released_bytes == (4 << 20) - 2 * 8192);
    CHECK(h.scavenge_pages(10) == 1);
    CHECK(h.figures().heap_free_bytes == 0);
    CHECK(h.figures().heap_released_bytes == (4 << 20) - 8192);
    // The next allocation refills from the partial span (1 free slot): heapLive += 8192 - 63*128.
    uint64_t before = h.heap_live_bytes();
    CHECK(h.alloc(200, 128, true, 0, false).slow_path);
    CHECK(h.heap_live_bytes() - before == 128);
    CHECK(h.spans_in_use() == 1);
    h.check_invariants();
  }

  TEST_CASE("large objects take whole page runs and count into heapLive at once") {
    Heap h = make_heap();
    AllocOutcome o = h.alloc(0, 40000, false, 0, false);
    CHECK(o.slow_path);
    CHECK(o.slot_bytes == 5 * 8192);
    CHECK(h.heap_live_bytes() == 5 * 8192);
    h.alloc(1, 4 << 20, true, 0, false);  // a 4 MiB array: 512 pages, forces growth
    CHECK(h.figures().heap_sys_bytes == 8 << 20);
    CHECK(h.figures().heap_scan_bytes == 4 << 20);
    h.free(0);
    h.on_mark_start();
    h.on_mark_termination(4 << 20, 4 << 20);
    h.finish_sweep();
    CHECK(h.figures().heap_inuse_bytes == 4 << 20);
    h.check_invariants();
  }

  TEST_CASE("proportional sweeping spreads the sweep over the runway to the trigger") {
    Heap h = make_heap();
    for (uint32_t i = 0; i < 64 * 100; ++i) h.alloc(i, 128, true, 0, false);  // 100 spans
    for (uint32_t i = 0; i < 64 * 100; i += 2) h.free(i);
    h.on_mark_start();
    h.on_mark_termination(50 * 8192, 0);
    h.pace_sweeper(50 * 8192 + (1 << 20) + 100 * 8192);  // distance: 100 spans' worth of bytes
    uint32_t swept = 0;
    for (uint32_t i = 0; i < 64 * 10; ++i) swept += h.alloc(100000 + i, 128, true, 0, false).spans_swept;
    CHECK(swept > 0);
    CHECK_FALSE(h.sweep_done());
    h.check_invariants();
  }
}

TEST_CASE("fragmentation figures add up to the in-use heap" * doctest::test_suite("allocator")) {
  Heap h = make_heap();
  for (uint32_t i = 0; i < 1000; ++i) h.alloc(i, 100, true, 0, false);   // class 9 (112 B): 12 B rounding each
  for (uint32_t i = 1000; i < 1100; ++i) h.alloc(i, 44, false, 0, false);  // class 5 (48 B), 32 B span tail
  for (uint32_t i = 0; i < 1000; i += 3) h.free(i);
  HeapFigures f = h.figures();
  CHECK(f.live_object_bytes + f.rounding_waste_bytes + f.dead_unswept_bytes + f.empty_slot_bytes +
            f.span_tail_waste_bytes ==
        f.heap_inuse_bytes);
  CHECK(f.rounding_waste_bytes == 666 * 12 + 100 * 4);
  CHECK(f.dead_unswept_bytes == 334 * 112);
  // 1000 objects of 112 B: 14 spans of 73 slots (16 B tail each); 100 of 48 B: 1 span (32 B tail).
  CHECK(f.span_tail_waste_bytes == 14 * 16 + 32);
  h.on_mark_start();
  h.on_mark_termination(f.live_slot_bytes, 0);
  h.finish_sweep();
  CHECK(h.figures().dead_unswept_bytes == 0);
}

TEST_CASE("Go 1.22+ malloc headers: +8 B for scannable objects > 512 B, heap bits in small scan spans" *
          doctest::test_suite("allocator")) {
  Heap h119(SizeClassTable::get(), 1, false);
  Heap h122(SizeClassTable::get(), 1, true);
  CHECK(h119.alloc(0, 1024, true, 0, false).slot_bytes == 1024);  // class 32
  CHECK(h122.alloc(0, 1024, true, 0, false).slot_bytes == 1152);  // class 33
  CHECK(h122.alloc(1, 1024, false, 0, false).slot_bytes == 1024); // noscan: unchanged
  // Class 10 (128 B) scan span: (8192 - 128) / 128 = 63 objects instead of 64.
  Heap a(SizeClassTable::get(), 1, true);
  for (uint32_t i = 0; i < 63; ++i) a.alloc(i, 128, true, 0, false);
  CHECK(a.spans_in_use() == 1);
  a.alloc(63, 128, true, 0, false);
  CHECK(a.spans_in_use() == 2);
}

TEST_CASE("pointer layout: scan work is the bytes up to the last pointer word; pointer arrays are scanned whole" *
          doctest::test_suite("allocator")) {
  // scanobject (mgcmark.go) stops at the last pointer word and mallocgc adds typ.ptrdata to the
  // pacer's heapScan: an object whose only pointer is its first word is 8 B of scan work.
  Heap all = make_heap();
  Heap first = make_heap();
  first.set_scan_layout(8, {3});  // object 3 is a []*T
  for (Heap* h : {&all, &first}) {
    h->alloc(0, 128, true, 0, false);
    h->alloc(1, 8, true, 0, false);         // one word: its only word is the pointer
    h->alloc(2, 256, false, 0, false);      // noscan: no scan work
    h->alloc(3, 65536, true, 0, false);     // large pointer array
    h->alloc(4, 100000, true, 0, false);    // large, one leading pointer
  }
  MarkStartSnapshot a = all.on_mark_start();
  MarkStartSnapshot f = first.on_mark_start();
  CHECK(a.live_scan_bytes == 128 + 8 + 65536 + 100000);
  CHECK(f.live_scan_bytes == 8 + 8 + 65536 + 8);
  // The memory a mark walks over does not depend on the layout: every pointerful object's size.
  CHECK(a.live_scan_object_bytes == 128 + 8 + 65536 + 100000);
  CHECK(f.live_scan_object_bytes == a.live_scan_object_bytes);
  CHECK(f.live_scan_slots == 4);
  first.on_mark_termination(f.live_slot_bytes, f.live_scan_bytes);
  // Frees give back exactly what the allocation added, whichever the layout.
  for (uint32_t id : {0u, 3u, 4u}) first.free(id);
  MarkStartSnapshot f2 = first.on_mark_start();
  CHECK(f2.live_scan_bytes == 8);
  CHECK(f2.live_scan_object_bytes == 8);
  CHECK(f2.live_scan_slots == 1);
  first.check_invariants();
}
