// SPDX-License-Identifier: MIT
// TestGCCPULimiter of Go 1.19 (runtime/mgclimit_test.go), ported step by step: the same mock
// clock, the same sequence of updates, transitions and capacity changes, the same expectations.
#include <doctest/doctest.h>

#include "models/gc/cpu_limiter.hpp"

using gcsim::gc::CpuLimiter;

TEST_CASE("limiter: Go 1.19's TestGCCPULimiter, ported" * doctest::test_suite("gc")) {
  constexpr int64_t procs = 14;
  constexpr int64_t ms = 1'000'000, us = 1'000, s = 1'000'000'000;
  constexpr int64_t kCapacityPerProc = CpuLimiter::kCapacityPerProcNs;
  constexpr double kBackground = 0.25;  // gcBackgroundUtilization
  int64_t ticks = 0;
  auto advance = [&](int64_t d) { return ticks += d; };
  // assistTime: CPU time of assists using frac of GOMAXPROCS over wall time d.
  auto assist_time = [](int64_t d, double frac) { return static_cast<int64_t>(frac * static_cast<double>(d) * procs); };
  CpuLimiter l(static_cast<int>(procs));
  int64_t pool = 0;  // l.AddAssistTime accumulates here; update drains it (assistTimePool)
  auto update = [&](int64_t now) {
    l.update(now, pool, 0);
    pool = 0;
  };

  uint64_t base_overflow = 0;
  for (int i = 0; i < 2; ++i) {
    CAPTURE(i);
    REQUIRE(l.capacity_ns() == static_cast<uint64_t>(procs * kCapacityPerProc));
    REQUIRE(l.fill_ns() == 0);

    // Filling the bucket with just mutator time.
    update(advance(10 * ms));
    update(advance(1 * s));
    update(advance(3600 * s));
    CHECK(l.fill_ns() == 0);

    // needUpdate.
    CHECK_FALSE(l.need_update(advance(CpuLimiter::kUpdatePeriodNs / 2)));
    CHECK(l.need_update(advance(CpuLimiter::kUpdatePeriodNs)));
    update(advance(0));
    CHECK_FALSE(l.need_update(advance(0)));

    // Transitioning the bucket to enable the GC.
    l.start_transition(advance(109 * ms), true, pool, 0);
    pool = 0;
    l.finish_transition(advance(2 * ms + 1 * us));
    CHECK(l.fill_ns() == static_cast<uint64_t>((2 * ms + 1 * us) * procs));

    // Time without assists during a GC: drain to exactly procs ns.
    const double factor = 1 / (1 - 2 * kBackground);
    const int64_t fill = (2 * ms + 1 * us) * procs;
    update(advance(static_cast<int64_t>(factor * static_cast<double>(fill - procs) / procs)));
    CHECK(l.fill_ns() == static_cast<uint64_t>(procs));

    // Drain to zero for the rest of the test.
    update(advance(2 * procs * kCapacityPerProc));
    CHECK(l.fill_ns() == 0);

    // 50 % total GC work does not move the bucket.
    pool += assist_time(10 * ms, 0.5 - kBackground);
    update(advance(10 * ms));
    CHECK(l.fill_ns() == 0);

    // 100 % GC work adds to it.
    pool += assist_time(1 * ms, 1.0 - kBackground);
    update(advance(1 * ms));
    CHECK(l.fill_ns() == static_cast<uint64_t>(procs * ms));
    CHECK_FALSE(l.limiting());

    // Filling the bucket exactly full.
    pool += assist_time(kCapacityPerProc - 1 * ms, 1.0 - kBackground);
    update(advance(kCapacityPerProc - 1 * ms));
    CHECK(l.fill_ns() == l.capacity_ns());
    CHECK(l.limiting());
    CHECK(l.overflow_ns() == base_overflow);

    // A delta of exactly zero (GC work exactly 50 %): still on, no overflow.
    pool += assist_time(1 * s, 0.5 - kBackground);
    update(advance(1 * s));
    CHECK(l.fill_ns() == l.capacity_ns());
    CHECK(l.limiting());
    CHECK(l.overflow_ns() == base_overflow);

    // Drain the bucket by half.
    pool += assist_time(kCapacityPerProc, 0);
    update(advance(kCapacityPerProc));
    CHECK(l.fill_ns() == l.capacity_ns() / 2);
    CHECK_FALSE(l.limiting());

    // Overfilling the bucket.
    pool += assist_time(kCapacityPerProc, 1.0 - kBackground);
    update(advance(kCapacityPerProc));
    CHECK(l.fill_ns() == l.capacity_ns());
    CHECK(l.limiting());
    CHECK(l.overflow_ns() == static_cast<uint64_t>(kCapacityPerProc * procs / 2) + base_overflow);

    // Ending the cycle with some assists left over.
    pool += assist_time(1 * ms, 1.0 - kBackground);
    l.start_transition(advance(1 * ms), false, pool, 0);
    pool = 0;
    CHECK(l.fill_ns() == l.capacity_ns());
    CHECK(l.limiting());
    CHECK(l.overflow_ns() == static_cast<uint64_t>((kCapacityPerProc / 2 + 1 * ms) * procs) + base_overflow);

    // The STW adds to the bucket.
    l.finish_transition(advance(5 * ms));
    CHECK(l.fill_ns() == l.capacity_ns());
    CHECK(l.limiting());
    const uint64_t overflow = static_cast<uint64_t>((kCapacityPerProc / 2 + 6 * ms) * procs);
    CHECK(l.overflow_ns() == overflow + base_overflow);

    // Resizing procs up stops limiting; the fill and overflow stay.
    const uint64_t expect_fill = l.capacity_ns();
    l.reset_capacity(advance(0), static_cast<int>(procs + 10));
    CHECK(l.fill_ns() == expect_fill);
    CHECK_FALSE(l.limiting());
    CHECK(l.overflow_ns() == overflow + base_overflow);

    // Resizing down starts limiting again, overflow unchanged.
    l.reset_capacity(advance(0), static_cast<int>(procs - 10));
    CHECK(l.fill_ns() == l.capacity_ns());
    CHECK(l.limiting());
    CHECK(l.overflow_ns() == overflow + base_overflow);

    // Back to a zero state; the top of the loop checks it.
    l.reset_capacity(advance(kCapacityPerProc * procs), static_cast<int>(procs));
    base_overflow += overflow;
  }
}
