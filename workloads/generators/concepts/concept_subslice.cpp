// SPDX-License-Identifier: MIT
// concept-subslice: keeping a small sub-slice of a big buffer pins the whole backing array; copying
// the bytes out releases it.
#include "workloads/generators/concepts/concept_generator.hpp"

namespace gcsim::workload::concepts {
namespace {

using T = ParamSpec::Type;
constexpr ParamSpec kParams[] = {
    {"copy_out", T::kBool, 0, 0, 1, "true: keep a copy of the bytes (append([]byte(nil), b[i:j]...)); false: keep b[i:j]"},
    {"messages", T::kU64, 64, 1, 1e7, "messages read; one small piece of each is kept"},
    {"message_bytes", T::kU64, 1 << 20, 1, double(uint64_t{1} << 34), "size of each read buffer"},
    {"kept_bytes", T::kU64, 64, 1, double(uint64_t{1} << 30), "size of the kept piece"},
    {"churn_bytes_per_message", T::kU64, 1 << 20, 0, double(uint64_t{1} << 34), "garbage between messages"},
};

// A slice header points into its backing array; the GC keeps the whole array reachable while any
// slice of it is (the allocation is one object: findObject maps any interior pointer to it).
EventStream body(ConceptParams p, uint64_t) {
  const bool copy = p.flag("copy_out");
  DenseIdPool ids;
  Churn churn(ids, 0, 256, false, 16, 0);
  for (uint64_t m = 0; m < p.u64("messages"); ++m) {
    const uint32_t msg = ids.acquire();
    co_yield ev_alloc(0, msg, p.u64("message_bytes"), false);
    co_yield ev_work(0, 1000);  // parse
    if (copy) {
      co_yield ev_alloc(0, ids.acquire(), p.u64("kept_bytes"), false);
      co_yield ev_free(msg);  // the big buffer is unreachable now
      ids.release(msg);
    }
    co_yield ev_write(0, 1);  // the kept slice is stored in a long-lived index
    for (uint64_t i = churn.steps_for(p.u64("churn_bytes_per_message")); i > 0; --i)
      for (const TraceEvent& e : churn.step()) co_yield e;
  }
  co_yield ev_gc(0);
  co_yield ev_memstats(0);
}

}  // namespace

ConceptKind subslice_concept() {
  return {"concept-subslice", "sub-slice pinning: a kept sub-slice keeps its big backing array live; a copy does not",
          kParams, body};
}

}  // namespace gcsim::workload::concepts
