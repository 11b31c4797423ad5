// SPDX-License-Identifier: MIT
// sync.Pool: per-P caches, stealing, victim rotation at each GC, and its effect on a run.
#include <doctest/doctest.h>

#include "models/pacer/go_pacer.hpp"
#include "models/pool/sync_pool.hpp"
#include "models/process/go_process.hpp"
#include "tests/models/vector_source.hpp"

using namespace gcsim;

TEST_SUITE("gc") {
  TEST_CASE("pool: own P first (LIFO), then steal, then victims; objects vanish after two GCs unused") {
    pool::SyncPools pools(2);
    alloc::DetachedObject a{1, 100, 0}, b{2, 100, 0}, c{3, 100, 0};
    pools.put(7, 0, a);
    pools.put(7, 0, b);
    pools.put(7, 1, c);
    CHECK(pools.get(7, 0)->home == 2);  // own P, most recent first
    CHECK(pools.get(7, 1)->home == 3);
    CHECK(pools.get(7, 1)->home == 1);  // stolen from P 0
    CHECK_FALSE(pools.get(7, 1).has_value());
    CHECK(pools.gets() == 4);
    CHECK(pools.hits() == 3);

    pools.put(7, 0, a);
    CHECK(pools.on_gc_start().empty());  // first GC: primary → victim, nothing dropped
    CHECK(pools.pooled_objects() == 1);
    CHECK(pools.get(7, 1)->home == 1);   // found in the victim cache
    pools.put(7, 0, a);
    pools.on_gc_start();
    auto dropped = pools.on_gc_start();  // second GC without use: dropped
    REQUIRE(dropped.size() == 1);
    CHECK(dropped[0].home == 1);
    CHECK(pools.pooled_objects() == 0);
    CHECK(pools.dropped() == 1);
  }
}

namespace {

/// Requests that each take a 32 KiB buffer (from a pool or freshly allocated) plus garbage.
std::vector<workload::TraceEvent> requests(bool use_pool, int n) {
  using workload::EventKind;
  std::vector<workload::TraceEvent> ev;
  uint32_t scratch = 10;
  for (int i = 0; i < n; ++i) {
    workload::TraceEvent get;
    get.kind = use_pool ? EventKind::kPoolGet : EventKind::kAlloc;
    get.object_id = 1;
    get.pool = 42;
    get.size_bytes = 32768;
    get.pointerful = false;
    ev.push_back(get);
    for (int k = 0; k < 20; ++k) {
      workload::TraceEvent a;
      a.kind = EventKind::kAlloc;
      a.object_id = scratch;
      a.size_bytes = 64;
      a.pointerful = true;
      ev.push_back(a);
      workload::TraceEvent f;
      f.kind = EventKind::kFree;
      f.object_id = scratch;
      ev.push_back(f);
    }
    workload::TraceEvent put;
    put.kind = use_pool ? EventKind::kPoolPut : EventKind::kFree;
    put.object_id = 1;
    put.pool = 42;
    ev.push_back(put);
  }
  return ev;
}

stats::RunRecord run_requests(bool use_pool) {
  testing::VectorSource src(requests(use_pool, 20000));
  RuntimeSettings rt;
  rt.gomaxprocs = 2;
  pacer::GoPacer p(pacer::GoPacerParams{}, rt);
  ProcessSettings s;
  s.runtime = rt;
  s.check_invariants = true;
  GoProcess proc(s, src, p);
  return proc.run();
}

}  // namespace

TEST_CASE("a trace that pools its buffers allocates less and collects less than without the pool" *
          doctest::test_suite("gc")) {
  stats::RunRecord pooled = run_requests(true);
  stats::RunRecord plain = run_requests(false);
  MESSAGE("with pool: " << pooled.cycles.size() << " GCs, " << pooled.totals.total_alloc_bytes
                        << " B; without: " << plain.cycles.size() << " GCs, " << plain.totals.total_alloc_bytes << " B");
  CHECK(pooled.totals.pool_hits > 19000);
  CHECK(pooled.totals.total_alloc_bytes < plain.totals.total_alloc_bytes / 2);
  CHECK(pooled.cycles.size() < plain.cycles.size());
  CHECK(pooled.totals.pool_gets == 20000);
}
