// SPDX-License-Identifier: MIT
// MMU, BMU and MUD quantiles (metrics.md §3.3–3.5) and STW pause records.
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>
#include <vector>

#include "app/experiment.hpp"
#include "app/run_command.hpp"
#include "models/stats/mmu.hpp"
#include "models/stats/pause_stats.hpp"
#include "models/stats/writers.hpp"
#include "sim/rng.hpp"

using namespace gcsim;
using stats::MutatorUtilization;
using stats::UtilizationFunction;

namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kSec = 1'000'000'000;

// Go's TestMMU vector (internal/trace/gc_test.go): u = 1,0,1,0,1 on consecutive 1 s intervals.
UtilizationFunction go_test_vector() {
  return UtilizationFunction{{0, 1 * kSec, 2 * kSec, 3 * kSec, 4 * kSec}, {1, 0, 1, 0, 1}, 5 * kSec};
}

// Window means at every integer start: exact MMU when breakpoints and windows are integers.
std::vector<double> brute_window_means(const UtilizationFunction& f, int64_t w) {
  auto u_at = [&](int64_t t) {
    size_t k = static_cast<size_t>(std::upper_bound(f.t_ns.begin(), f.t_ns.end(), t) - f.t_ns.begin()) - 1;
    return f.u[k];
  };
  int64_t t0 = f.t_ns.front(), len = f.end_ns - t0;
  if (w > len) w = len;
  std::vector<double> means;
  for (int64_t s = t0; s + w <= f.end_ns; ++s) {
    double sum = 0;
    for (int64_t t = s; t < s + w; ++t) sum += u_at(t);
    means.push_back(sum / static_cast<double>(w));
  }
  return means;
}

UtilizationFunction random_function(sim::Rng& rng, int steps, int64_t unit) {
  UtilizationFunction f;
  int64_t t = 0;
  for (int i = 0; i < steps; ++i) {
    f.t_ns.push_back(t);
    double u = static_cast<double>(rng.below(5)) / 4.0;  // 0, .25, .5, .75, 1
    if (!f.u.empty() && f.u.back() == u) u = u > 0.5 ? 0 : 1;
    f.u.push_back(u);
    t += unit * static_cast<int64_t>(1 + rng.below(9));
  }
  f.end_ns = t;
  return f;
}

}  // namespace

TEST_SUITE("metrics") {
  TEST_CASE("MMU: Go's TestMMU vector (u = 1,0,1,0,1 over 5 s)") {
    MutatorUtilization mu(go_test_vector());
    CHECK(mu.length_ns() == 5 * kSec);
    CHECK(mu.mean() == doctest::Approx(0.6));
    CHECK(mu.mmu(1 * kMs) == doctest::Approx(0.0));
    CHECK(mu.mmu(1 * kSec) == doctest::Approx(0.0));
    CHECK(mu.mmu(2 * kSec) == doctest::Approx(0.5));
    CHECK(mu.mmu(3 * kSec) == doctest::Approx(1.0 / 3));
    CHECK(mu.mmu(4 * kSec) == doctest::Approx(0.5));
    CHECK(mu.mmu(5 * kSec) == doctest::Approx(0.6));
    CHECK(mu.mmu(6 * kSec) == doctest::Approx(0.6));  // capped to the run
  }

  TEST_CASE("BMU: metrics.md §3.4 vector is the right-to-left minimum of MMU") {
    MutatorUtilization mu(go_test_vector());
    std::vector<int64_t> windows = {1 * kMs, 1 * kSec, 2 * kSec, 3 * kSec, 4 * kSec, 5 * kSec};
    std::vector<double> mmu;
    for (int64_t w : windows) mmu.push_back(mu.mmu(w));
    std::vector<double> bmu = stats::bmu_from_mmu(mmu);
    CHECK(bmu[0] == doctest::Approx(0.0));
    CHECK(bmu[1] == doctest::Approx(0.0));
    CHECK(bmu[2] == doctest::Approx(1.0 / 3));
    CHECK(bmu[3] == doctest::Approx(1.0 / 3));
    CHECK(bmu[4] == doctest::Approx(0.5));
    CHECK(bmu[5] == doctest::Approx(0.6));
  }

  TEST_CASE("MMU from utilization steps: the same vector through GC Ps on one P") {
    std::vector<stats::UtilizationStep> steps = {
        {0, 1, 0, 0}, {1 * kSec, 0, 1, 0}, {2 * kSec, 1, 0, 0}, {3 * kSec, 0, 1, 0}, {4 * kSec, 1, 0, 0}};
    MutatorUtilization mu(stats::mutator_utilization(steps, 1, 5 * kSec));
    CHECK(mu.mmu(3 * kSec) == doctest::Approx(1.0 / 3));
    CHECK(mu.mmu(2 * kSec) == doctest::Approx(0.5));
  }

  TEST_CASE("utilisation views: idle-priority workers and idle Ps") {
    // P = 4: one goroutine runs, one dedicated worker, two idle-priority workers.
    std::vector<stats::UtilizationStep> steps = {{0, 1, 1, 2}};
    using stats::UtilizationView;
    auto u = [&](UtilizationView v) { return stats::mutator_utilization(steps, 4, 100, v).u.at(0); };
    CHECK(u(UtilizationView::kGoTrace) == doctest::Approx(0.75));
    CHECK(u(UtilizationView::kIdleWorkersAsGc) == doctest::Approx(0.25));
    CHECK(u(UtilizationView::kMutatorBusy) == doctest::Approx(0.25));
    // STW: nothing for the mutator in any view.
    steps = {{0, 0, 4, 0}};
    CHECK(u(UtilizationView::kGoTrace) == 0.0);
    CHECK(u(UtilizationView::kMutatorBusy) == 0.0);
  }

  TEST_CASE("mutator_utilization: u = 1 before the first step, equal steps merged, steps past the end dropped") {
    std::vector<stats::UtilizationStep> steps = {{10, 0, 2, 0}, {20, 0, 2, 0}, {30, 2, 0, 0}, {50, 0, 2, 0}};
    UtilizationFunction f = stats::mutator_utilization(steps, 2, 40);
    CHECK(f.t_ns == std::vector<int64_t>{0, 10, 30});
    CHECK(f.u == std::vector<double>{1, 0, 1});
    CHECK(f.end_ns == 40);
    MutatorUtilization mu(f);
    CHECK(mu.mean() == doctest::Approx(0.5));
    CHECK(mu.mmu(20) == doctest::Approx(0.0));
    CHECK(mu.mmu(25) == doctest::Approx(0.2));
    CHECK(stats::mutator_utilization(std::vector<stats::UtilizationStep>{}, 2, 0).t_ns.empty());
    CHECK(MutatorUtilization(stats::mutator_utilization(std::vector<stats::UtilizationStep>{}, 2, 0)).mmu(5) == 1.0);
  }

  TEST_CASE("MMU equals a brute-force minimum over every integer window start (random step functions)") {
    sim::Rng rng(42);
    for (int trial = 0; trial < 40; ++trial) {
      UtilizationFunction f = random_function(rng, 2 + trial % 12, 1);
      MutatorUtilization mu(f);
      int64_t len = f.end_ns;
      for (int64_t w = 1; w <= len + 2; w += 1 + w / 7) {
        CAPTURE(trial);
        CAPTURE(w);
        std::vector<double> m = brute_window_means(f, w);
        CHECK(mu.mmu(w) == doctest::Approx(*std::min_element(m.begin(), m.end())));
      }
    }
  }

  TEST_CASE("MUD quantiles: q = 0 is the MMU, q = 1 the best window, low quantiles match sampled windows") {
    sim::Rng rng(7);
    for (int trial = 0; trial < 12; ++trial) {
      UtilizationFunction f = random_function(rng, 3 + trial, 100);  // breakpoints on multiples of 100 ns
      MutatorUtilization mu(f);
      for (int64_t w : {100, 250, 700, 1300}) {
        if (w >= mu.length_ns()) continue;
        CAPTURE(trial);
        CAPTURE(w);
        std::vector<double> q = mu.mud_quantiles(w, {0.0, 0.05, 0.25, 0.5, 1.0});
        std::vector<double> m = brute_window_means(f, w);  // every 1 ns start: a fine sample
        std::sort(m.begin(), m.end());
        CHECK(q[0] == doctest::Approx(mu.mmu(w)));
        CHECK(q[4] == doctest::Approx(m.back()).epsilon(1e-6));
        for (int i : {1, 2, 3}) {
          double p = i == 1 ? 0.05 : i == 2 ? 0.25 : 0.5;
          double sampled = m[static_cast<size_t>(p * static_cast<double>(m.size() - 1))];
          CHECK(q[static_cast<size_t>(i)] == doctest::Approx(sampled).epsilon(0.02));
        }
        CHECK(q[1] <= q[2]);
        CHECK(q[2] <= q[3]);
      }
    }
  }

  TEST_CASE("MUD of Go's vector: windows of 1 s are 0 for 2/4 of starts") {
    MutatorUtilization mu(go_test_vector());
    // Window 1 s, starts uniform on [0, 4 s]: the mean is |saw-tooth| between 0 and 1, uniform.
    std::vector<double> q = mu.mud_quantiles(1 * kSec, {0.0, 0.25, 0.5, 0.75, 1.0});
    CHECK(q[0] == doctest::Approx(0.0));
    CHECK(q[1] == doctest::Approx(0.25));
    CHECK(q[2] == doctest::Approx(0.5));
    CHECK(q[3] == doctest::Approx(0.75));
    CHECK(q[4] == doctest::Approx(1.0));
    // A window as long as the run: a point mass at the mean.
    CHECK(mu.mud_quantiles(5 * kSec, {0.01})[0] == doctest::Approx(0.6));
  }

  TEST_CASE("log-spaced windows: 10 per decade from 1 us, decades exact, ending at the run length") {
    std::vector<int64_t> w = stats::log_spaced_windows(1000, 25 * kMs, 10);
    CHECK(w.front() == 1000);
    CHECK(w.back() == 25 * kMs);
    CHECK(std::is_sorted(w.begin(), w.end()));
    CHECK(std::adjacent_find(w.begin(), w.end()) == w.end());
    CHECK(std::count(w.begin(), w.end(), 1 * kMs) == 1);
    CHECK(std::count(w.begin(), w.end(), 10 * kMs) == 1);
    CHECK(std::count(w.begin(), w.end(), 1259) == 1);  // 10^(1/10) µs
    CHECK(w.size() == 4 * 10 + 4 + 1);                 // 1 µs … 10 ms, then 12.6, 15.8, 20 ms (< 25), 25 ms
    CHECK(stats::log_spaced_windows(1000, 500, 10) == std::vector<int64_t>{500});
  }

  TEST_CASE("STW pause records: two per cycle, in time order, with their kind") {
    stats::CycleRecord c;
    c.cycle = 1;
    c.start_ns = 100;
    c.mark_start_ns = 120;
    c.mark_term_ns = 500;
    c.end_ns = 540;
    stats::CycleRecord d = c;
    d.cycle = 2;
    d.start_ns = 1000;
    d.mark_start_ns = 1030;
    d.mark_term_ns = 2000;
    d.end_ns = 2010;
    auto p = stats::stw_pauses({c, d});
    REQUIRE(p.size() == 4);
    CHECK(p[1].kind == stats::PauseKind::kMarkTermination);
    CHECK(p[1].start_ns == 500);
    CHECK(p[1].duration_ns == 40);
    CHECK(p[2].cycle == 2);
    CHECK(p[2].duration_ns == 30);
    std::ostringstream os;
    stats::write_pauses_csv(os, p);
    CHECK(os.str() ==
          "cycle,kind,start_ns,duration_ns\n1,sweep_term,100,20\n1,mark_term,500,40\n2,sweep_term,1000,30\n"
          "2,mark_term,2000,10\n");
    stats::PauseSummary s = stats::summarize_pauses(p);
    CHECK(s.count == 4);
    CHECK(s.total_ns == 100);
    CHECK(s.max_ns == 40);
    CHECK(s.p50_ns == 20);
    CHECK(s.mean_ns == doctest::Approx(25));
  }

  TEST_CASE("a simulated run: mmu.csv rows are consistent, mean utilisation matches GC CPU, pauses match") {
    nlohmann::json doc = {{"schema_version", 1},
                          {"seed", 5},
                          {"workload", {{"kind", "mixed"}, {"params", {{"total_objects", 200000}}}}},
                          {"runtime", {{"gogc", 50}, {"gomaxprocs", 4}}}};
    app::Experiment e = app::parse_experiment(doc, ".");
    stats::RunRecord r = app::simulate(e, {});
    std::vector<stats::MmuRow> rows = stats::mmu_table(r);
    REQUIRE(rows.size() > 10);
    CHECK(rows.front().window_ns == 1000);
    CHECK(rows.back().window_ns == r.totals.simulated_ns);
    CHECK(rows.front().mmu == 0.0);  // STW pauses are longer than 1 us
    for (size_t i = 0; i < rows.size(); ++i) {
      CAPTURE(rows[i].window_ns);
      CHECK(rows[i].bmu <= rows[i].mmu);
      if (i > 0) CHECK(rows[i - 1].bmu <= rows[i].bmu);
      CHECK(rows[i].mmu <= rows[i].mu_p999 + 1e-12);
      CHECK(rows[i].mu_p999 <= rows[i].mu_p99 + 1e-12);
      CHECK(rows[i].mmu_idle_as_gc <= rows[i].mmu + 1e-12);
    }
    // The mean of u(t) over the run is 1 − GC CPU: STW × P, dedicated/fractional workers and assists,
    // which is Go 1.19's GCCPUFraction (idle marking excluded).
    double cap = static_cast<double>(r.totals.simulated_ns) * r.totals.gomaxprocs;
    CHECK(1 - rows.back().mmu == doctest::Approx(r.totals.gc_cpu_ns / cap).epsilon(0.02));
    auto pauses = stats::stw_pauses(r.cycles);
    CHECK(pauses.size() == r.pauses_ns.size());
    for (size_t i = 0; i < pauses.size(); ++i) CHECK(pauses[i].duration_ns == r.pauses_ns[i]);
    std::ostringstream a, b;
    stats::write_mmu_csv(a, rows);
    stats::write_mmu_csv(b, stats::mmu_table(r));
    CHECK(a.str() == b.str());
    CHECK(a.str().rfind("window_ns,mmu,bmu,mu_p99,mu_p999,mmu_idle_as_gc\n1000,0,0,", 0) == 0);
  }
}
