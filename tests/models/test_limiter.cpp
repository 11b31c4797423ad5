// SPDX-License-Identifier: MIT
// GC CPU limiter bucket arithmetic (cases after Go's mgclimit_test.go) and memory-limit behaviour.
#include <doctest/doctest.h>

#include "models/gc/cpu_limiter.hpp"
#include "models/pacer/go_pacer.hpp"
#include "models/process/go_process.hpp"
#include "tests/models/vector_source.hpp"
#include "workloads/workload_factory.hpp"

using namespace gcsim;

TEST_SUITE("gc") {
  TEST_CASE("limiter: fills with GC time, drains with mutator time, capacity P CPU-seconds") {
    constexpr int64_t s = 1'000'000'000;
    gc::CpuLimiter l(4);
    CHECK(l.capacity_ns() == 4 * static_cast<uint64_t>(s));
    l.accumulate(0, s);
    CHECK(l.fill_ns() == static_cast<uint64_t>(s));
    CHECK_FALSE(l.limiting());
    l.accumulate(s / 2, 0);  // drains
    CHECK(l.fill_ns() == static_cast<uint64_t>(s / 2));
    l.accumulate(0, 4 * s);  // overflows: full, enabled, overflow counted
    CHECK(l.limiting());
    CHECK(l.fill_ns() == l.capacity_ns());
    CHECK(l.overflow_ns() == static_cast<uint64_t>(s / 2));
    l.accumulate(s, s);  // no change keeps it on
    CHECK(l.limiting());
    l.accumulate(1, 0);  // any net drain turns it off
    CHECK_FALSE(l.limiting());
    l.accumulate(10 * s, 0);
    CHECK(l.fill_ns() == 0);
  }

  TEST_CASE("limiter: background workers count as 25 %, idle time is neither; STW counts whole") {
    constexpr int64_t ms = 1'000'000;
    gc::CpuLimiter l(4);
    l.start_transition(0, true, 0, 0);
    l.finish_transition(1 * ms);  // 1 ms STW × 4 Ps of GC time
    CHECK(l.fill_ns() == static_cast<uint64_t>(4 * ms));
    // 10 ms of mark on 4 Ps: 10 ms GC (25 %) vs 30 ms mutator → drains 20 ms, to 0.
    l.update(11 * ms, 0, 0);
    CHECK(l.fill_ns() == 0);
    // 10 ms with 20 ms of assists and 10 ms idle: GC 10+20 = 30, mutator 40-10-30 = 0 → +30 ms.
    l.update(21 * ms, 20 * ms, 10 * ms);
    CHECK(l.fill_ns() == static_cast<uint64_t>(30 * ms));
  }
}

namespace {

/// A live set (a 1,200,000-slot ring of 128 B pointerful objects, ≈ 146 MiB) far above a 64 MiB
/// limit, with GOGC=off, allocated by two goroutines (no idle P): GC runs back to back.
stats::RunRecord death_spiral(bool limiter, uint64_t total_objects = 24000000, double mark_cost_factor = 1) {
  nlohmann::json params = {{"slots", 1200000}, {"object_bytes", 128}, {"total_objects", total_objects},
                           {"slot_array_bytes", 0}, {"goroutines", 2}};
  auto src = workload::make_generator("ring", params, "params", 1);
  RuntimeSettings rt;
  rt.gomaxprocs = 2;
  rt.gc_percent = -1;
  rt.memory_limit_bytes = 64 << 20;
  rt.cpu_limiter = limiter;
  pacer::GoPacer p(pacer::GoPacerParams{}, rt);
  ProcessSettings s;
  s.runtime = rt;
  s.sample_period_ns = 0;
  // The test's own mark cost (what the calibrated profile gave when it was written: ~24 ns per
  // 128 B object), so that a recalibration does not move the premise: marking all of the heap costs
  // about twice allocating a tenth of it.
  s.cost.mark_ns_per_object = 7.5;
  s.cost.scan_ns_per_object = 3.35;
  s.cost.scan_ns_per_byte = 0.1;
  s.cost.mark_ns_per_object_byte = 0;
  s.cost.mark_ns_per_object *= mark_cost_factor;
  s.cost.scan_ns_per_object *= mark_cost_factor;
  s.cost.scan_ns_per_byte *= mark_cost_factor;
  GoProcess proc(s, *src, p);
  return proc.run();
}

/// GC CPU (STW + assists + background workers) over the last third of the simulated time (the
/// limiter's bucket holds 1 CPU-second per P, so it takes ~2 s of this run to fill).
double gc_cpu_fraction_last_third(const stats::RunRecord& r) {
  sim::SimTimeNs from = r.totals.simulated_ns * 2 / 3;
  double gc = 0;
  for (const auto& c : r.cycles) {
    if (c.start_ns < from) continue;
    gc += static_cast<double>(c.stw_sweep_term_ns() + c.stw_mark_term_ns()) * 2.0 + c.assist_cpu_ns + c.background_cpu_ns;
  }
  return gc / (static_cast<double>(r.totals.simulated_ns - from) * 2.0);
}

}  // namespace

TEST_CASE("death spiral: the limiter caps GC CPU near 50 %; without it GC CPU saturates well above" *
          doctest::test_suite("gc")) {
  stats::RunRecord with = death_spiral(true);
  stats::RunRecord without = death_spiral(false);
  double f_with = gc_cpu_fraction_last_third(with);
  double f_without = gc_cpu_fraction_last_third(without);
  MESSAGE("GC CPU, last half: with limiter " << f_with << ", without " << f_without << "; simulated "
                                              << with.totals.simulated_ns << " vs " << without.totals.simulated_ns);
  CHECK(with.totals.limiter_enable_count > 0);
  CHECK(without.totals.limiter_enable_count == 0);
  // The limiter holds GC CPU near its 50 % cap once its bucket is full. Without it GC runs back to
  // back and assists take what Go 1.19's revise allows: the heap may overshoot the goal by only
  // 10 % (maxOvershoot), so each cycle the mutator allocates at most a tenth of the heap while the
  // GC marks all of it, and GC CPU saturates near mark/(mark + allocating 10 %) ≈ 2/3 here, rising
  // toward 100 % as marking gets dearer relative to allocation; the sweep before each gcStart is
  // mutator time, as in Go's GCCPUFraction.
  CHECK(f_with > 0.40);
  CHECK(f_with < 0.56);
  CHECK(f_without > 0.60);
  CHECK(f_without > f_with + 0.10);
  // Skipped assists mean the mutator progresses faster: the same trace finishes sooner.
  CHECK(with.totals.simulated_ns < without.totals.simulated_ns);
  // And the heap is allowed past the limit (the price of progress).
  CHECK(with.totals.peak_mapped_ready_bytes > 64u << 20);
}

TEST_CASE("death spiral without the limiter: GC CPU climbs toward 100 % as marking gets dearer" *
          doctest::test_suite("gc")) {
  // Same spiral, shorter; marking 5× dearer per object (a pointer-dense graph).
  double base = gc_cpu_fraction_last_third(death_spiral(false, 8000000));
  double dear = gc_cpu_fraction_last_third(death_spiral(false, 8000000, 5));
  MESSAGE("GC CPU without limiter: default mark cost " << base << ", 5x mark cost " << dear);
  CHECK(dear > 0.75);
  CHECK(dear > base + 0.10);
}
