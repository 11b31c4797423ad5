// SPDX-License-Identifier: MIT
// concept-sizes: the allocation pipeline. Objects of one size, all kept live, show the internal
// fragmentation of their size class (tiny < 16 B noscan packed, small size classes, large pages).
#include "workloads/generators/concepts/concept_generator.hpp"

namespace gcsim::workload::concepts {
namespace {

using T = ParamSpec::Type;
constexpr ParamSpec kParams[] = {
    {"object_bytes", T::kU64, 17, 1, double(uint64_t{1} << 30), "requested size of every object"},
    {"pointerful", T::kBool, 1, 0, 1, "objects contain pointers (false + < 16 B: the tiny allocator)"},
    {"live_bytes", T::kU64, 4 << 20, 1, double(uint64_t{1} << 34), "requested bytes allocated and kept live"},
};

// mallocgc (malloc.go@1.19): noscan < 16 B → tiny block (16 B, sub-objects packed with alignment);
// <= 32 KiB → size class (roundupsize); larger → whole pages. Every object stays reachable (a slice
// holds them), so at the end heap_inuse − live bytes is pure internal fragmentation.
EventStream body(ConceptParams p, uint64_t) {
  const uint64_t size = p.u64("object_bytes");
  const bool ptr = p.flag("pointerful");
  const uint64_t n = (p.u64("live_bytes") + size - 1) / size;
  DenseIdPool ids;
  for (uint64_t i = 0; i < n; ++i) {
    co_yield ev_alloc(0, ids.acquire(), size, ptr);
    if (ptr) co_yield ev_write(0, 1);  // stored into the slice that keeps it
  }
  co_yield ev_gc(0);
  co_yield ev_memstats(0);
}

}  // namespace

ConceptKind size_classes_concept() {
  return {"concept-sizes", "allocation pipeline: objects of one size kept live, internal fragmentation of its class",
          kParams, body};
}

}  // namespace gcsim::workload::concepts
