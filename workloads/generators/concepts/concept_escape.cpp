// SPDX-License-Identifier: MIT
// concept-escape: the same request handler with its temporaries escaping to the heap or kept on
// the stack (what `go build -gcflags=-m` reports as "escapes to heap" vs "does not escape").
#include "workloads/generators/concepts/concept_generator.hpp"

namespace gcsim::workload::concepts {
namespace {

using T = ParamSpec::Type;
constexpr ParamSpec kParams[] = {
    {"escape", T::kBool, 1, 0, 1, "true: the values escape (alloc + free); false: they live in the frame"},
    {"requests", T::kU64, 200000, 1, 1e9, "requests handled"},
    {"values_per_request", T::kU64, 4, 1, 1000, "temporary values per request"},
    {"value_bytes", T::kU64, 64, 1, 32768, "size of each value (pointerful struct)"},
    {"work_ns_per_request", T::kU64, 500, 0, 1e9, "mutator CPU per request"},
    {"live_bytes", T::kU64, 4 << 20, 0, double(uint64_t{1} << 34), "long-lived pointerful set built first"},
};

// The trace marks which values escape: escaping values are `alloc` ... `free` (newobject,
// malloc.go); non-escaping ones only deepen the goroutine's frame (`stack`), costing no allocation
// and no GC work. The long-lived set is the same in both variants.
EventStream body(ConceptParams p, uint64_t) {
  const bool escape = p.flag("escape");
  const uint64_t k = p.u64("values_per_request"), vb = p.u64("value_bytes");
  const uint64_t base_stack = 1024;
  DenseIdPool ids;
  for (uint64_t b = 0; b < p.u64("live_bytes"); b += 256) {
    co_yield ev_alloc(0, ids.acquire(), 256, true);
    co_yield ev_write(0, 1);
  }
  co_yield ev_go(1, base_stack);
  std::vector<uint32_t> held(k);
  for (uint64_t r = 0; r < p.u64("requests"); ++r) {
    if (escape) {
      for (uint64_t i = 0; i < k; ++i) {
        held[i] = ids.acquire();
        co_yield ev_alloc(1, held[i], vb, true);
      }
    } else {
      co_yield ev_stack(1, base_stack + k * vb);  // the values are part of the frame
    }
    if (p.u64("work_ns_per_request") > 0) co_yield ev_work(1, p.u64("work_ns_per_request"));
    if (escape) {
      for (uint64_t i = 0; i < k; ++i) {
        co_yield ev_free(held[i]);
        ids.release(held[i]);
      }
    } else {
      co_yield ev_stack(1, base_stack);
    }
  }
  co_yield ev_memstats(0);
}

}  // namespace

ConceptKind escape_concept() {
  return {"concept-escape", "escape analysis: request temporaries on the heap (escape=true) or in the frame",
          kParams, body};
}

}  // namespace gcsim::workload::concepts
