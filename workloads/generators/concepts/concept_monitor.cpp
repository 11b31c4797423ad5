// SPDX-License-Identifier: MIT
// concept-monitor: a steady service that calls runtime.ReadMemStats periodically (memstats.jsonl).
#include "workloads/generators/concepts/concept_generator.hpp"

namespace gcsim::workload::concepts {
namespace {

using T = ParamSpec::Type;
constexpr ParamSpec kParams[] = {
    {"live_bytes", T::kU64, 8 << 20, 0, double(uint64_t{1} << 34), "long-lived pointerful set"},
    {"allocs", T::kU64, 2000000, 1, 1e10, "short-lived 128 B allocations"},
    {"snapshot_every_allocs", T::kU64, 50000, 1, 1e10, "a ReadMemStats call every this many allocations"},
    {"work_ns_per_alloc", T::kU64, 50, 0, 1e6, "mutator CPU per allocation"},
};

// The monitoring loop of the guide (§16): HeapAlloc, NumGC, PauseNs[(NumGC+255)%256], NextGC.
EventStream body(ConceptParams p, uint64_t) {
  DenseIdPool ids;
  for (uint64_t b = 0; b < p.u64("live_bytes"); b += 256) co_yield ev_alloc(0, ids.acquire(), 256, true);
  Churn churn(ids, 0, 128, true, 64, p.u64("work_ns_per_alloc"));
  const uint64_t every = p.u64("snapshot_every_allocs");
  for (uint64_t i = 1; i <= p.u64("allocs"); ++i) {
    for (const TraceEvent& e : churn.step()) co_yield e;
    if (i % every == 0) co_yield ev_memstats(0);
  }
}

}  // namespace

ConceptKind monitor_concept() {
  return {"concept-monitor", "monitoring: periodic runtime.ReadMemStats snapshots (memstats.jsonl)", kParams, body};
}

}  // namespace gcsim::workload::concepts
