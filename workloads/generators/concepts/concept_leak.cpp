// SPDX-License-Identifier: MIT
// concept-leak: every request starts a goroutine; leaked ones block forever, keeping their stacks
// and captured objects; cancelled ones (context) return and free everything.
#include "workloads/generators/concepts/concept_generator.hpp"

namespace gcsim::workload::concepts {
namespace {

using T = ParamSpec::Type;
constexpr ParamSpec kParams[] = {
    {"cancel", T::kBool, 0, 0, 1, "true: ctx is cancelled and the goroutine returns; false: it blocks forever (leak)"},
    {"requests", T::kU64, 10000, 1, 4000000, "requests, each starting one goroutine (ids 1..n)"},
    {"stack_bytes", T::kU64, 8192, 0, double(uint64_t{1} << 30), "stack the goroutine reaches"},
    {"captured_bytes", T::kU64, 1024, 1, double(uint64_t{1} << 30), "pointerful object the goroutine's closure captures"},
    {"churn_bytes_per_request", T::kU64, 8192, 0, double(uint64_t{1} << 30), "request garbage"},
    {"work_ns_per_request", T::kU64, 2000, 0, 1e9, "mutator CPU per request"},
};

// A goroutine blocked on a channel nobody will send to is never collected: its stack is a GC root
// (scanned every cycle, StackInuse) and everything it references stays reachable.
EventStream body(ConceptParams p, uint64_t) {
  const bool cancel = p.flag("cancel");
  DenseIdPool ids;
  Churn churn(ids, 0, 512, true, 32, 0);
  for (uint64_t r = 0; r < p.u64("requests"); ++r) {
    const auto g = static_cast<uint32_t>(1 + r);
    co_yield ev_go(g, 0);
    co_yield ev_stack(g, p.u64("stack_bytes"));
    const uint32_t captured = ids.acquire();
    co_yield ev_alloc(g, captured, p.u64("captured_bytes"), true);
    co_yield ev_work(g, p.u64("work_ns_per_request"));
    if (cancel) {
      co_yield ev_free(captured);
      ids.release(captured);
      co_yield ev_exit(g);
    }
    for (uint64_t i = churn.steps_for(p.u64("churn_bytes_per_request")); i > 0; --i)
      for (const TraceEvent& e : churn.step()) co_yield e;
  }
  co_yield ev_memstats(0);
}

}  // namespace

ConceptKind leak_concept() {
  return {"concept-leak", "goroutine leaks: blocked goroutines keep stacks and captured objects; cancelling frees them",
          kParams, body};
}

}  // namespace gcsim::workload::concepts
