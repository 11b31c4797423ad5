// SPDX-License-Identifier: MIT
// concept-recursion: goroutines recurse deep (stack 2 KiB → … by doubling copies), return, and
// their stacks shrink by half at each GC.
#include "workloads/generators/concepts/concept_generator.hpp"

namespace gcsim::workload::concepts {
namespace {

using T = ParamSpec::Type;
constexpr ParamSpec kParams[] = {
    {"goroutines", T::kU64, 4, 1, 100000, "goroutines that recurse (ids 1..n)"},
    {"max_stack_bytes", T::kU64, 256 << 10, 2048, double(uint64_t{1} << 30), "stack in use at the deepest point"},
    {"frame_bytes", T::kU64, 512, 1, 1 << 20, "stack bytes per recursion level"},
    {"rest_stack_bytes", T::kU64, 512, 0, 1 << 20, "stack in use after returning (parked)"},
    {"churn_bytes", T::kU64, 96 << 20, 0, double(uint64_t{1} << 40), "garbage allocated afterwards (drives GCs)"},
    {"live_bytes", T::kU64, 2 << 20, 0, double(uint64_t{1} << 34), "long-lived set"},
};

// newstack/copystack (stack.go): when a call needs more stack than allocated, a stack twice as big is
// allocated and the used part copied (gcsim: `stack` above the allocation → copy of the old used
// bytes, cycles.csv stack_growth_copies / stack_copied_bytes). shrinkstack at mark termination halves
// a stack that uses less than a quarter of it, never below 2 KiB (timeseries.csv stack_inuse_bytes).
EventStream body(ConceptParams p, uint64_t) {
  const uint64_t n = p.u64("goroutines"), max = p.u64("max_stack_bytes"), frame = p.u64("frame_bytes");
  DenseIdPool ids;
  for (uint64_t b = 0; b < p.u64("live_bytes"); b += 256) co_yield ev_alloc(0, ids.acquire(), 256, true);
  for (uint32_t g = 1; g <= n; ++g) {
    co_yield ev_go(g, 0);
    for (uint64_t used = frame; used < max; used += frame) co_yield ev_stack(g, used);
    co_yield ev_stack(g, max);
    co_yield ev_stack(g, p.u64("rest_stack_bytes"));
  }
  Churn churn(ids, 0, 128, true, 16, 0);
  for (uint64_t i = churn.steps_for(p.u64("churn_bytes")); i > 0; --i)
    for (const TraceEvent& e : churn.step()) co_yield e;
}

}  // namespace

ConceptKind recursion_concept() {
  return {"concept-recursion", "stack growth: deep recursion grows stacks by copying, GC shrinks them", kParams,
          body};
}

}  // namespace gcsim::workload::concepts
