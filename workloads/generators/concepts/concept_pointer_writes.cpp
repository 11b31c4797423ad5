// SPDX-License-Identifier: MIT
// concept-ptr-writes: a pointer-store-heavy loop over a pointerful live set; each store costs more
// while the write barrier is on (mark phase) than outside it.
#include "workloads/generators/concepts/concept_generator.hpp"

namespace gcsim::workload::concepts {
namespace {

using T = ParamSpec::Type;
constexpr ParamSpec kParams[] = {
    {"live_bytes", T::kU64, 16 << 20, 0, double(uint64_t{1} << 34), "pointerful live set (64 B nodes), built first"},
    {"operations", T::kU64, 1000000, 1, 1e10, "loop iterations: one 64 B allocation + the stores"},
    {"writes_per_op", T::kU64, 16, 1, 1e6, "heap pointer stores per iteration (e.g. relinking nodes)"},
    {"garbage_lifetime_allocs", T::kU64, 64, 0, 1 << 24, "an iteration's node dies this many iterations later"},
};

// Every `write` is a compiled heap pointer store: outside mark it is a plain store; during mark the
// hybrid barrier (mbarrier.go gcWriteBarrier → wbBuf) records old and new pointee and flushes the
// buffer every 256 entries (mwbbuf.go wbBufFlush). gcsim charges ptr_write_ns outside mark and
// ptr_write_ns + write_barrier_ns (+ flushes) during mark; summary.json "ptr_writes" splits them.
EventStream body(ConceptParams p, uint64_t) {
  DenseIdPool ids;
  for (uint64_t b = 0; b < p.u64("live_bytes"); b += 64) {
    co_yield ev_alloc(0, ids.acquire(), 64, true);
    co_yield ev_write(0, 1);
  }
  Churn churn(ids, 0, 64, true, p.u64("garbage_lifetime_allocs"), 0);
  for (uint64_t i = 0; i < p.u64("operations"); ++i) {
    for (const TraceEvent& e : churn.step()) co_yield e;
    co_yield ev_write(0, p.u64("writes_per_op"));
  }
}

}  // namespace

ConceptKind pointer_writes_concept() {
  return {"concept-ptr-writes", "write barrier: pointer-store-heavy loop, store cost during mark vs outside",
          kParams, body};
}

}  // namespace gcsim::workload::concepts
