// SPDX-License-Identifier: MIT
// The compact utilisation record: exact round trip, record() merging, bytes per step, and MMU/MUD
// computed from it equal to those of the expanded function.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "models/stats/mmu.hpp"
#include "models/stats/step_function.hpp"
#include "models/stats/utilization_log.hpp"
#include "sim/rng.hpp"

using namespace gcsim;
using stats::UtilizationLog;
using stats::UtilizationStep;

namespace {

bool same(const UtilizationStep& a, const UtilizationStep& b) {
  return a.t_ns == b.t_ns && a.mutator_ps == b.mutator_ps && a.gc_ps == b.gc_ps && a.idle_gc_ps == b.idle_gc_ps &&
         a.assist_ps == b.assist_ps && a.stw_ps == b.stw_ps && std::signbit(a.gc_ps) == std::signbit(b.gc_ps);
}

// Steps like a run's: a handful of levels (mark with and without a burst, assists of 1 or 2
// goroutines, STW), time deltas from 1 ns to 10 ms.
std::vector<UtilizationStep> run_like_steps(sim::Rng& rng, size_t n) {
  const UtilizationStep levels[] = {{0, 2, 0, 0, 0, 0},       {0, 1, 0.5, 0.5, 0, 0}, {0, 0.5, 1.5, 0, 1, 0},
                                    {0, 0, 2, 0, 0, 2},       {0, 1, 1, 0, 0, 0},     {0, 0.75, 0.25, 1, 0, 0},
                                    {0, 1.0 / 3, 0.1, 0, 0, 0}};
  std::vector<UtilizationStep> out;
  int64_t t = 0;
  for (size_t i = 0; i < n; ++i) {
    UtilizationStep s = levels[rng.below(7)];
    t += 1 + static_cast<int64_t>(rng.below(i % 3 == 0 ? 10'000'000 : 20'000));
    s.t_ns = t;
    out.push_back(s);
  }
  return out;
}

}  // namespace

TEST_SUITE("metrics") {
  TEST_CASE("UtilizationLog: steps come back exactly, in order, including -0.0 and odd doubles") {
    std::vector<UtilizationStep> in = {{0, 1, -0.0, 0, 0, 0},
                                       {5, 0.1 + 0.2, 1e-300, 3, 0, 0},
                                       {5'000'000'000'000, 1, 0.0, 0, 0, 0},
                                       {5'000'000'000'001, 0.1 + 0.2, 1e-300, 3, 0, 0}};
    UtilizationLog log;
    for (const UtilizationStep& s : in) log.push_back(s);
    std::vector<UtilizationStep> out = log.steps();
    REQUIRE(out.size() == in.size());
    for (size_t i = 0; i < in.size(); ++i) CHECK(same(out[i], in[i]));
    CHECK(log.front_t() == 0);
    CHECK(same(log.back(), in.back()));
  }

  TEST_CASE("UtilizationLog::record: equal levels are not stored, a step at the same time replaces the last") {
    UtilizationLog log;
    log.record({10, 1, 1, 0, 0, 0});
    log.record({20, 1, 1, 0, 0, 0});  // same levels: nothing new
    log.record({30, 0, 2, 0, 0, 2});
    log.record({30, 2, 0, 0, 0, 0});  // same time: replaces
    log.record({40, 1, 1, 0, 0, 0});
    std::vector<UtilizationStep> out = log.steps();
    REQUIRE(out.size() == 3);
    CHECK(same(out[0], {10, 1, 1, 0, 0, 0}));
    CHECK(same(out[1], {30, 2, 0, 0, 0, 0}));
    CHECK(same(out[2], {40, 1, 1, 0, 0, 0}));
  }

  TEST_CASE("UtilizationLog: a run's steps take a few bytes each, not the 48 of the struct") {
    sim::Rng rng(3);
    std::vector<UtilizationStep> in = run_like_steps(rng, 200000);
    UtilizationLog log;
    for (const UtilizationStep& s : in) log.push_back(s);
    CHECK(log.size() == in.size());
    const double per_step = static_cast<double>(log.memory_bytes()) / static_cast<double>(in.size());
    CAPTURE(per_step);
    CHECK(per_step < 6.0);
    std::vector<UtilizationStep> out = log.steps();
    bool all_same = out.size() == in.size();
    for (size_t i = 0; all_same && i < in.size(); ++i) all_same = same(out[i], in[i]);
    CHECK(all_same);
  }

  TEST_CASE("MMU and MUD from the log equal those of the expanded function, exactly") {
    sim::Rng rng(11);
    for (size_t n : {1u, 2u, 7u, 300u, 5000u}) {
      std::vector<UtilizationStep> in = run_like_steps(rng, n);
      UtilizationLog log;
      for (const UtilizationStep& s : in) log.record(s);
      const int64_t end = in.back().t_ns + 12345;
      for (auto view : {stats::UtilizationView::kGoTrace, stats::UtilizationView::kIdleWorkersAsGc}) {
        stats::UtilizationFunction f = stats::mutator_utilization(log, 2, end, view);
        stats::MutatorUtilization expanded(f);
        stats::MutatorUtilization compact(log, 2, end, view);
        CAPTURE(n);
        REQUIRE(compact.length_ns() == expanded.length_ns());
        CHECK(compact.mean() == expanded.mean());
        // The mean from the expanded vectors, summed directly.
        double integral = 0;
        for (size_t i = 0; i < f.t_ns.size(); ++i)
          integral += f.u[i] * static_cast<double>((i + 1 < f.t_ns.size() ? f.t_ns[i + 1] : end) - f.t_ns[i]);
        CHECK(compact.mean() == doctest::Approx(integral / static_cast<double>(end - f.t_ns.front())));
        for (int64_t w : {int64_t{1000}, int64_t{100'000}, int64_t{10'000'000}, end / 3}) {
          if (w <= 0) continue;
          CAPTURE(w);
          double m1 = 0, m2 = 0;
          std::vector<double> q1 = compact.mud_quantiles(w, {0.01, 0.001, 0.5}, &m1);
          std::vector<double> q2 = expanded.mud_quantiles(w, {0.01, 0.001, 0.5}, &m2);
          CHECK(m1 == m2);
          CHECK(q1 == q2);
          CHECK(compact.mmu(w) == m1);
          CHECK(q1[0] >= m1);
          CHECK(q1[2] >= q1[0]);
        }
      }
    }
  }

  TEST_CASE("CompactStepFunction cursor: breakpoints, next breakpoint and running integral") {
    stats::CompactStepFunction f;
    f.append(-5, 0.5);
    f.append(10, 1.0);
    f.append(1'000'000'000'000, 0.25);
    f.set_end(1'000'000'000'010);
    stats::CompactStepFunction::Cursor c(f);
    CHECK(c.index() == 0);
    CHECK(c.t() == -5);
    CHECK(c.next_t() == 10);
    CHECK(c.integral(5) == doctest::Approx(5.0));
    c.advance();
    CHECK(c.t() == 10);
    CHECK(c.u() == 1.0);
    CHECK(c.prefix() == doctest::Approx(7.5));
    c.advance();
    CHECK(c.next_t() == 1'000'000'000'010);
    c.advance();
    CHECK(c.index() == 3);
    CHECK(c.t() == 1'000'000'000'010);
    CHECK(c.prefix() == doctest::Approx(7.5 + 999'999'999'990.0 + 2.5));
  }
}
