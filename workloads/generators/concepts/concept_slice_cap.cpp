// SPDX-License-Identifier: MIT
// concept-slicecap: long-lived slices whose capacity is far above their length hold all of it.
#include "workloads/generators/concepts/concept_generator.hpp"

namespace gcsim::workload::concepts {
namespace {

using T = ParamSpec::Type;
constexpr ParamSpec kParams[] = {
    {"slices", T::kU64, 2000, 1, 1e8, "long-lived slices"},
    {"len_bytes", T::kU64, 80, 1, double(uint64_t{1} << 30), "bytes in use (len × element size)"},
    {"cap_bytes", T::kU64, 8192, 1, double(uint64_t{1} << 30), "bytes allocated (cap × element size), >= len_bytes"},
    {"churn_bytes_per_slice", T::kU64, 32768, 0, double(uint64_t{1} << 34), "garbage between slices"},
};

// make([]T, len, cap) allocates cap elements (makeslice, slice.go); the unused tail is part of the
// object and stays live as long as the slice does. slices.Clip / a copy to an exact-size slice frees it.
EventStream body(ConceptParams p, uint64_t) {
  DenseIdPool ids;
  Churn churn(ids, 0, 256, false, 16, 0);
  const uint64_t cap = std::max(p.u64("cap_bytes"), p.u64("len_bytes"));
  for (uint64_t s = 0; s < p.u64("slices"); ++s) {
    co_yield ev_alloc(0, ids.acquire(), cap, false);
    co_yield ev_write(0, 1);  // kept in a long-lived structure
    for (uint64_t i = churn.steps_for(p.u64("churn_bytes_per_slice")); i > 0; --i)
      for (const TraceEvent& e : churn.step()) co_yield e;
  }
  co_yield ev_gc(0);
  co_yield ev_memstats(0);
}

}  // namespace

ConceptKind slice_cap_concept() {
  return {"concept-slicecap", "slice cap >> len: long-lived slices hold their whole capacity", kParams, body};
}

}  // namespace gcsim::workload::concepts
