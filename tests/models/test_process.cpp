// SPDX-License-Identifier: MIT
// The simulated process end to end on small in-memory workloads.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "models/pacer/go_pacer.hpp"
#include "models/process/go_process.hpp"
#include "tests/models/vector_source.hpp"

using namespace gcsim;

namespace {

constexpr uint64_t MiB = 1 << 20;

stats::RunRecord run_ring(RuntimeSettings rt, uint32_t slots, uint64_t bytes, uint64_t total,
                          const CostModel& cost = {}) {
  testing::VectorSource src(testing::ring_events(slots, bytes, total));
  pacer::GoPacer p(pacer::GoPacerParams{}, rt);
  ProcessSettings s;
  s.runtime = rt;
  s.cost = cost;
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

namespace {

// Mark CPU (assist + background + idle) of each cycle in the second half of a steady ring.
std::vector<double> steady_mark_cpu_ns(double mark_cost_cv) {
  RuntimeSettings rt;
  rt.gomaxprocs = 4;  // one dedicated worker: a steady mark speed to compare against
  CostModel cost;
  cost.mark_cost_cv = mark_cost_cv;
  const stats::RunRecord r = run_ring(rt, 65536, 128, 1u << 22, cost);
  std::vector<double> out;
  for (size_t i = r.cycles.size() / 2; i < r.cycles.size(); ++i) {
    const auto& c = r.cycles[i];
    out.push_back(c.assist_cpu_ns + c.background_cpu_ns + c.idle_cpu_ns);
  }
  return out;
}

double mean_of(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m += x;
  return m / static_cast<double>(v.size());
}

double cv_of(const std::vector<double>& v) {
  const double m = mean_of(v);
  double var = 0;
  for (double x : v) var += (x - m) * (x - m);
  return std::sqrt(var / static_cast<double>(v.size())) / m;
}

}  // namespace

TEST_CASE("mark cost noise: a mean-1 factor per cycle with the configured variation" * doctest::test_suite("gc")) {
  const std::vector<double> steady = steady_mark_cpu_ns(0.0);
  const std::vector<double> noisy = steady_mark_cpu_ns(0.3);
  REQUIRE(steady.size() >= 20);
  REQUIRE(noisy.size() >= 20);
  MESSAGE("CV without noise " << cv_of(steady) << ", with cv 0.3: " << cv_of(noisy));
  CHECK(cv_of(steady) < 0.05);
  CHECK(cv_of(noisy) > 0.15);
  CHECK(cv_of(noisy) < 0.5);
  // The same work on average: the factor has mean 1.
  CHECK(std::abs(mean_of(noisy) / mean_of(steady) - 1.0) < 0.15);
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
  const std::vector<stats::UtilizationStep> steps = r.utilization.steps();
  REQUIRE(steps.size() == r.utilization.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    const auto& u = steps[i];
    CHECK(u.mutator_ps + u.gc_ps + u.idle_gc_ps <= 2.0 + 1e-9);
    if (i > 0) CHECK(u.t_ns > steps[i - 1].t_ns);
    saw_stw |= u.gc_ps == 2 && u.mutator_ps == 0;
    saw_idle_worker |= u.idle_gc_ps == 1 && u.mutator_ps == 1;
  }
  CHECK(saw_stw);
  CHECK(saw_idle_worker);
}

TEST_CASE("cost ledger: mutator CPU is exactly the sum of parameter x quantity (every event kind)") {
  // A mixed stream: small and large, scan and noscan objects, pointer writes, work, goroutines with
  // stack growth, and sync.Pool hits and misses, under a memory limit so that allocation-path
  // scavenging runs too. summary.json's mutator_cost_quantities must account for every ns.
  using workload::EventKind;
  using workload::TraceEvent;
  std::vector<TraceEvent> ev;
  auto push = [&](EventKind k, uint32_t g, uint32_t id, uint64_t size, uint64_t value, bool ptr = false) {
    TraceEvent e;
    e.kind = k;
    e.goroutine = g;
    e.object_id = id;
    e.size_bytes = size;
    e.value = value;
    e.pointerful = ptr;
    ev.push_back(e);
  };
  constexpr uint32_t kSlots = 4096;
  for (uint32_t g = 1; g <= 3; ++g) push(EventKind::kGoStart, g, 0, 0, 2048);
  for (uint64_t i = 0; i < 200000; ++i) {
    const auto id = static_cast<uint32_t>(i % kSlots);
    const auto g = static_cast<uint32_t>(i % 4);
    if (i >= kSlots) push(EventKind::kFree, 0, id, 0, 0);
    const uint64_t size = i % 97 == 0 ? 40000 : i % 3 == 0 ? 8 : 48 + (i % 200);
    push(EventKind::kAlloc, g, id, size, 0, i % 2 == 0);
    if (i % 5 == 0) push(EventKind::kPtrWrite, g, 0, 0, 3);
    if (i % 7 == 0) push(EventKind::kWork, g, 0, 0, 150);
    if (i % 1000 == 0) push(EventKind::kStack, 1 + g % 3, 0, 0, 2048 << (i / 1000 % 5));
  }
  // Pool traffic on fresh ids: put, hit, then a miss that allocates.
  for (uint32_t k = 0; k < 100; ++k) {
    const uint32_t id = kSlots + k;
    push(EventKind::kAlloc, 1, id, 256, 0, true);
    TraceEvent put;
    put.kind = EventKind::kPoolPut;
    put.goroutine = 1;
    put.object_id = id;
    put.pool = 7;
    ev.push_back(put);
    TraceEvent get = put;
    get.kind = EventKind::kPoolGet;
    get.size_bytes = 256;
    get.pointerful = true;
    ev.push_back(get);
    TraceEvent miss = get;
    miss.object_id = kSlots + 1000 + k;
    ev.push_back(miss);
  }
  for (uint32_t g = 1; g <= 3; ++g) push(EventKind::kGoExit, g, 0, 0, 0);

  for (const bool serial : {false, true}) {
    CAPTURE(serial);
    RuntimeSettings rt;
    rt.gomaxprocs = 2;
    rt.memory_limit_bytes = 3 * MiB;
    testing::VectorSource src(ev);
    pacer::GoPacer p(pacer::GoPacerParams{}, rt);
    ProcessSettings s;
    s.runtime = rt;
    s.cost.alloc_scan_ns = 7.0;  // whatever the default, every parameter must be exercised
    s.cost.goroutine_handoff_ns = 900.0;
    if (serial) s.scheduler.mode = sched::Mode::kSerial;
    GoProcess proc(s, src, p);
    stats::RunRecord r = proc.run();
    const auto& q = r.totals.cost_quantities;
    const CostModel& c = s.cost;
    // Each kind was exercised, so the identity below is not vacuous.
    CHECK(q.allocs == 200000 + 200);
    CHECK(q.large_allocs > 0);
    CHECK(q.scan_allocs > 0);
    CHECK(q.faulted_bytes > 0);
    CHECK(q.scan_allocs < q.allocs);
    CHECK(q.span_refills > 0);
    CHECK(q.mark_allocs > 0);
    CHECK(q.barrier_writes > 0);
    CHECK(q.goroutine_starts == 3);
    CHECK(q.stack_copy_bytes > 0);
    CHECK(q.pool_get_hits == 100);
    CHECK(q.pool_puts == 100);
    CHECK((q.handoffs > 0) == serial);
    CHECK(q.work_ns == doctest::Approx(150.0 * (200000 / 7 + 1)));
    const double sum = c.alloc_ns * q.allocs + c.alloc_zero_ns_per_byte * q.alloc_bytes +
                       c.alloc_scan_ns * q.scan_allocs + c.mark_alloc_ns * q.mark_allocs +
                       c.span_refill_ns * q.span_refills + c.page_fault_ns_per_byte * q.faulted_bytes + c.large_alloc_ns * q.large_allocs +
                       c.sweep_ns_per_span * q.spans_swept + c.ptr_write_ns * q.ptr_writes +
                       c.write_barrier_ns * q.barrier_writes + c.wb_buffer_flush_ns * q.wb_flushes +
                       c.goroutine_start_ns * q.goroutine_starts + c.goroutine_handoff_ns * static_cast<double>(q.handoffs) + c.stack_copy_ns_per_byte * q.stack_copy_bytes +
                       c.pool_get_ns * q.pool_get_hits + c.pool_put_ns * q.pool_puts + q.work_ns + q.scavenge_cpu_ns;
    CHECK(sum == doctest::Approx(r.totals.mutator_cpu_ns).epsilon(1e-9));
  }
}
