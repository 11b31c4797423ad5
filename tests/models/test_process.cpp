// SPDX-License-Identifier: MIT
// The simulated process end to end on small in-memory workloads.
#include <doctest/doctest.h>

#include "models/pacer/go_pacer.hpp"
#include "models/process/go_process.hpp"
#include "tests/models/vector_source.hpp"

using namespace gcsim;

namespace {

constexpr uint64_t MiB = 1 << 20;

stats::RunRecord run_ring(RuntimeSettings rt, uint32_t slots, uint64_t bytes, uint64_t total) {
  testing::VectorSource src(testing::ring_events(slots, bytes, total));
  pacer::GoPacer p(pacer::GoPacerParams{}, rt);
  ProcessSettings s;
  s.runtime = rt;
  s.check_invariants = true;
  GoProcess proc(s, src, p);
  return proc.run();
}

}  // namespace

TEST_SUITE("gc") {
  TEST_CASE("a steady ring: cycles start near the trigger, marked heap includes floating garbage") {
    RuntimeSettings rt;
    rt.gomaxprocs = 2;
    // 8 MiB live of 128-byte objects, 64 MiB allocated.
    stats::RunRecord r = run_ring(rt, 65536, 128, 524288);
    REQUIRE(r.cycles.size() >= 3);
    CHECK(r.cycles[0].heap_goal_bytes == 4 * MiB);
    CHECK(r.cycles[0].trigger_bytes == 3997696);
    for (const auto& c : r.cycles) {
      CHECK(c.heap_live_at_trigger_bytes >= c.trigger_bytes);
      CHECK(c.heap_peak_bytes >= c.heap_live_at_trigger_bytes);
      CHECK(c.mark_ns() > 0);
      CHECK(c.stw_sweep_term_ns() > 0);
      CHECK(c.stw_mark_term_ns() > 0);
    }
    const auto& last = r.cycles.back();
    // Live at mark start is at most the 8 MiB ring; marked adds what was allocated during mark.
    CHECK(last.heap_marked_bytes >= 8 * MiB);
    CHECK(last.heap_marked_bytes <= last.heap_peak_bytes);
    CHECK(last.heap_marked_bytes - 8 * MiB <= last.heap_peak_bytes - last.heap_live_at_trigger_bytes + 8192 * 2);
    // Goal = M + M (GOGC=100, no stacks/globals to speak of).
    const auto& prev = r.cycles[r.cycles.size() - 2];
    CHECK(last.heap_goal_bytes >= 2 * prev.heap_marked_bytes);
    CHECK(last.heap_goal_bytes <= 2 * prev.heap_marked_bytes + 2 * 8192);
    CHECK(r.pauses_ns.size() == 2 * r.cycles.size());
  }

  TEST_CASE("GOGC=off never collects; a lower GOGC collects more often") {
    RuntimeSettings rt;
    rt.gomaxprocs = 2;
    rt.gc_percent = -1;
    CHECK(run_ring(rt, 16384, 128, 262144).cycles.empty());
    rt.gc_percent = 50;
    size_t n50 = run_ring(rt, 16384, 128, 262144).cycles.size();
    rt.gc_percent = 200;
    size_t n200 = run_ring(rt, 16384, 128, 262144).cycles.size();
    CHECK(n50 > n200);
    CHECK(n200 > 0);
  }

  TEST_CASE("marking slows allocation: no cycle's mark phase is instantaneous and GC CPU is accounted") {
    RuntimeSettings rt;
    rt.gomaxprocs = 4;  // one dedicated worker
    stats::RunRecord r = run_ring(rt, 65536, 128, 524288);
    REQUIRE(!r.cycles.empty());
    for (const auto& c : r.cycles) {
      CHECK(c.dedicated_workers == 1);
      CHECK(c.background_cpu_ns > 0);
    }
    CHECK(r.totals.gc_cpu_ns > 0);
    CHECK(r.totals.gc_cpu_ns < static_cast<double>(r.totals.simulated_ns) * 4);
  }
}

TEST_CASE("write barrier: costed and counted only while marking" * doctest::test_suite("gc")) {
  RuntimeSettings rt;
  rt.gomaxprocs = 2;
  stats::RunRecord r = run_ring(rt, 65536, 128, 524288);
  REQUIRE(r.cycles.size() >= 2);
  uint64_t writes_in_mark = 0;
  for (const auto& c : r.cycles) {
    CHECK(c.barrier_shades == 2 * c.barrier_writes);
    CHECK(c.barrier_flushes == c.barrier_writes / 256 + (c.barrier_flushes > c.barrier_writes / 256 ? 1 : 0));
    CHECK(c.barrier_enabled_ns() >= c.mark_ns());
    writes_in_mark += c.barrier_writes;
  }
  // One write per allocation: only the allocations during mark are barrier writes.
  CHECK(writes_in_mark > 0);
  CHECK(writes_in_mark < 524288 / 2);
  // Cost: with GC off the barrier price does not matter; with GC on, every barrier write pays it.
  auto mutator_cpu = [](RuntimeSettings settings, double wb_ns, uint64_t* writes) {
    testing::VectorSource src(testing::ring_events(65536, 128, 524288));
    pacer::GoPacer p(pacer::GoPacerParams{}, settings);
    ProcessSettings s;
    s.runtime = settings;
    s.cost.write_barrier_ns = wb_ns;
    GoProcess proc(s, src, p);
    stats::RunRecord rec = proc.run();
    *writes = 0;
    for (const auto& c : rec.cycles) *writes += c.barrier_writes;
    return rec.totals.mutator_cpu_ns;
  };
  uint64_t w_off = 0, w_on = 0;
  RuntimeSettings off = rt;
  off.gc_percent = -1;
  CHECK(mutator_cpu(off, 4, &w_off) == mutator_cpu(off, 200, &w_off));
  CHECK(w_off == 0);
  double cheap_off = mutator_cpu(off, 4, &w_off);
  double dear_on = mutator_cpu(rt, 200, &w_on);
  CHECK(w_on > 0);
  CHECK(dear_on >= cheap_off + 200.0 * static_cast<double>(w_on));
}

TEST_CASE("utilisation steps: STW pauses take every P; idle workers run on the P the mutator leaves" *
          doctest::test_suite("gc")) {
  RuntimeSettings rt;
  rt.gomaxprocs = 2;
  stats::RunRecord r = run_ring(rt, 65536, 128, 524288);
  REQUIRE(!r.utilization.empty());
  bool saw_stw = false, saw_idle_worker = false;
  for (size_t i = 0; i < r.utilization.size(); ++i) {
    const auto& u = r.utilization[i];
    CHECK(u.mutator_ps + u.gc_ps + u.idle_gc_ps <= 2.0 + 1e-9);
    if (i > 0) CHECK(u.t_ns >= r.utilization[i - 1].t_ns);
    saw_stw |= u.gc_ps == 2 && u.mutator_ps == 0;
    saw_idle_worker |= u.idle_gc_ps == 1 && u.mutator_ps == 1;
  }
  CHECK(saw_stw);
  CHECK(saw_idle_worker);
}
