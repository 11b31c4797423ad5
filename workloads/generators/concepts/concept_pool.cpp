// SPDX-License-Identifier: MIT
// concept-pool: request buffers from a sync.Pool vs newly allocated; afterwards, idle GCs show the
// pool's contents dropped at the second GC (victim cache): sync.Pool is not a cache.
#include "workloads/generators/concepts/concept_generator.hpp"

namespace gcsim::workload::concepts {
namespace {

using T = ParamSpec::Type;
constexpr ParamSpec kParams[] = {
    {"use_pool", T::kBool, 1, 0, 1, "buffers from sync.Pool 0 (pool_get/pool_put) or alloc/free"},
    {"requests", T::kU64, 20000, 1, 1e9, "requests served"},
    {"in_flight", T::kU64, 16, 1, 1 << 16, "requests in flight at once (goroutines 1..n), each holding a buffer"},
    {"buffer_bytes", T::kU64, 32768, 1, double(uint64_t{1} << 30), "noscan buffer per request"},
    {"work_ns_per_request", T::kU64, 2000, 0, 1e9, "mutator CPU per request"},
    {"live_bytes", T::kU64, 4 << 20, 0, double(uint64_t{1} << 34), "long-lived pointerful set"},
    {"idle_gcs", T::kU64, 3, 0, 100, "runtime.GC() + ReadMemStats pairs after the last request"},
};

// sync/pool.go: Get takes from the P's private/shared slots, then the victim cache, then New().
// poolCleanup (at every GC start) drops the victim cache and moves the primary to the victim, so an
// object put and never got again survives one GC and is garbage at the second one.
EventStream body(ConceptParams p, uint64_t) {
  const bool pool = p.flag("use_pool");
  const uint64_t m = p.u64("in_flight"), size = p.u64("buffer_bytes"), w = p.u64("work_ns_per_request");
  DenseIdPool ids;
  for (uint64_t b = 0; b < p.u64("live_bytes"); b += 256) co_yield ev_alloc(0, ids.acquire(), 256, true);
  std::vector<uint32_t> buf(m);
  for (uint64_t r = 0; r < p.u64("requests"); r += m) {
    const uint64_t wave = std::min(m, p.u64("requests") - r);
    for (uint64_t i = 0; i < wave; ++i) {
      const auto g = static_cast<uint32_t>(1 + i);
      buf[i] = ids.acquire();
      co_yield pool ? ev_pool_get(g, 0, buf[i], size, false) : ev_alloc(g, buf[i], size, false);
      if (w > 0) co_yield ev_work(g, w);
    }
    for (uint64_t i = 0; i < wave; ++i) {
      const auto g = static_cast<uint32_t>(1 + i);
      co_yield pool ? ev_pool_put(g, 0, buf[i]) : ev_free(buf[i]);
      ids.release(buf[i]);
    }
  }
  co_yield ev_memstats(0);
  for (uint64_t i = 0; i < p.u64("idle_gcs"); ++i) {
    co_yield ev_gc(0);
    co_yield ev_memstats(0);
  }
}

}  // namespace

ConceptKind pool_concept() {
  return {"concept-pool", "sync.Pool: pooled vs allocated request buffers, then idle GCs drop the pool (victim cache)",
          kParams, body};
}

}  // namespace gcsim::workload::concepts
