// SPDX-License-Identifier: MIT
// concept-append: building slices by append growth vs make([]T, 0, n).
#include "workloads/generators/concepts/concept_generator.hpp"

namespace gcsim::workload::concepts {
namespace {

using T = ParamSpec::Type;
constexpr ParamSpec kParams[] = {
    {"preallocate", T::kBool, 0, 0, 1, "true: make([]T, 0, n) once; false: append from a nil slice"},
    {"slices", T::kU64, 10000, 1, 1e9, "slices built (each dropped after use)"},
    {"elements", T::kU64, 1000, 1, 1e9, "elements appended to each slice"},
    {"element_bytes", T::kU64, 8, 1, 1 << 16, "element size (noscan, e.g. int64)"},
    {"work_ns_per_element", T::kU64, 5, 0, 1e6, "mutator CPU per appended element"},
};

/// growslice (runtime/slice.go@1.19): the capacity append picks when `needed` > cap.
uint64_t grown_cap(uint64_t cap, uint64_t needed, uint64_t elem_bytes) {
  uint64_t newcap = cap;
  const uint64_t doublecap = cap + cap;
  if (needed > doublecap) {
    newcap = needed;
  } else {
    constexpr uint64_t kThreshold = 256;
    if (cap < kThreshold) {
      newcap = doublecap;
    } else {
      while (newcap < needed) newcap += (newcap + 3 * kThreshold) / 4;
    }
  }
  return roundup_size_bytes(newcap * elem_bytes) / elem_bytes;  // capmem = roundupsize(newcap*size)
}

// Every growth allocates a new backing array (mallocgc in growslice) and copies the old one, which
// becomes garbage. make([]T, 0, n) allocates once.
EventStream body(ConceptParams p, uint64_t) {
  const uint64_t n = p.u64("elements"), eb = p.u64("element_bytes"), w = p.u64("work_ns_per_element");
  DenseIdPool ids;
  for (uint64_t s = 0; s < p.u64("slices"); ++s) {
    uint32_t arr = 0;
    uint64_t cap = 0;
    if (p.flag("preallocate")) {
      arr = ids.acquire();
      co_yield ev_alloc(0, arr, n * eb, false);
      cap = n;
    }
    for (uint64_t len = 0; len < n; ++len) {
      if (len == cap) {
        cap = grown_cap(cap, len + 1, eb);
        const uint32_t next = ids.acquire();
        co_yield ev_alloc(0, next, cap * eb, false);
        if (len > 0) {
          co_yield ev_free(arr);
          ids.release(arr);
        }
        arr = next;
      }
    }
    if (w > 0) co_yield ev_work(0, w * n);  // filling the elements
    co_yield ev_free(arr);
    ids.release(arr);
  }
}

}  // namespace

ConceptKind append_concept() {
  return {"concept-append", "pre-allocation: slices grown by append vs make([]T, 0, n)", kParams, body};
}

}  // namespace gcsim::workload::concepts
