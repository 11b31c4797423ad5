// SPDX-License-Identifier: MIT
// Issue 2, "must show" 2: the ring calibration workload against the real Go 1.19.8 runtime.
//
// Real runs (workloads/go/ring_calibration/runs, GOMAXPROCS=2, GOGC=100): NumGC 28, 29, 27, 26, 26
// (the three reference runs: 27, 26, 27); second-half mean gctrace goal 183 MiB in the
// issue's runs (186.5 MiB in ours), marked heap 91 MiB (93.6 MiB).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "app/experiment.hpp"
#include "app/run_command.hpp"
#include "sim/config/overrides.hpp"

using namespace gcsim;

TEST_SUITE("calibration") {
  TEST_CASE("ring workload: NumGC within 10 % of 27, second-half mean goal within 10 % of 183 MiB") {
    auto doc = config::read_json_file(std::string(GCSIM_SOURCE_ROOT) + "/configs/experiments/ring_calibration.json");
    app::Experiment e = app::parse_experiment(doc, std::string(GCSIM_SOURCE_ROOT) + "/configs/experiments");
    e.process.scheduler.noise_seed = 1;
    stats::RunRecord r = app::simulate(e, {});
    const double mib = 1 << 20;
    size_t n = r.cycles.size();
    double goal = 0, marked = 0;
    for (size_t i = n / 2; i < n; ++i) {
      goal += static_cast<double>(r.cycles[i].heap_goal_bytes);
      marked += static_cast<double>(r.cycles[i].heap_marked_bytes);
    }
    goal /= static_cast<double>(n - n / 2) * mib;
    marked /= static_cast<double>(n - n / 2) * mib;
    MESSAGE("num_gc=" << n << " second-half mean goal=" << goal << " MiB, marked=" << marked << " MiB");
    CHECK(static_cast<double>(n) >= 27 * 0.9);
    CHECK(static_cast<double>(n) <= 27 * 1.1);
    CHECK(goal == doctest::Approx(183).epsilon(0.10));
    // Floating garbage is real: marked exceeds the 72 MiB reachable at every mark start.
    CHECK(marked > 72);
    CHECK(marked == doctest::Approx(91).epsilon(0.15));
    // GC CPU (Go 1.19's GCCPUFraction: STW + assists + dedicated/fractional workers, no idle
    // workers) within 25 % of the real runs' median 0.0483 (0.0547, 0.0483, 0.0396, 0.0361, 0.0523;
    // workloads/go/ring_calibration/SUMMARY.md): issue 3, must show 2.
    // GC CPU swings with scheduling noise and the mark-cost noise (mark_cost_cv) as the real runs'
    // does (3.6-5.5 %), so, as analysis/validate/validate.py does, the median over noise seeds 1..5.
    auto gc_cpu_of = [](const stats::RunRecord& run) {
      return run.totals.gc_cpu_ns / (static_cast<double>(run.totals.simulated_ns) * run.totals.gomaxprocs);
    };
    std::vector<double> gc_cpu{gc_cpu_of(r)};
    for (int seed = 2; seed <= 5; ++seed) {
      app::Experiment again = e;
      again.process.scheduler.noise_seed = static_cast<uint64_t>(seed);
      gc_cpu.push_back(gc_cpu_of(app::simulate(again, {})));
    }
    std::sort(gc_cpu.begin(), gc_cpu.end());
    MESSAGE("GC CPU fraction, noise seeds 1..5 sorted: " << gc_cpu[0] << " " << gc_cpu[1] << " " << gc_cpu[2] << " "
                                                          << gc_cpu[3] << " " << gc_cpu[4]);
    CHECK(gc_cpu.front() < gc_cpu.back());  // the noise is there
    // (A relative bound: doctest::Approx adds a scale of 1, which would make any fraction pass.)
    CHECK(std::abs(gc_cpu[2] / 0.0483 - 1.0) <= 0.25);
    // The first cycle starts at Go's first trigger: 61/64 of the 4 MiB minimum heap.
    CHECK(r.cycles.front().trigger_bytes == 3997696);
    CHECK(r.cycles.front().heap_goal_bytes == 4 * (1 << 20));
  }
}

TEST_CASE("ring workload with GOMEMLIMIT=100MiB: NumGC and goal within 15 % of real Go 1.19" *
          doctest::test_suite("calibration")) {
  // Real Go 1.19.8, GOMAXPROCS=2, GOGC=100, GOMEMLIMIT=100MiB (issue 4): 186–190 GCs (185 in our
  // own run), second-half mean goal 83 MiB.
  auto doc = config::read_json_file(std::string(GCSIM_SOURCE_ROOT) + "/configs/experiments/ring_calibration.json");
  doc["runtime"]["memory_limit_bytes"] = 100 << 20;
  app::Experiment e = app::parse_experiment(doc, std::string(GCSIM_SOURCE_ROOT) + "/configs/experiments");
  stats::RunRecord r = app::simulate(e, {});
  size_t n = r.cycles.size();
  double goal = 0;
  size_t limited = 0;
  for (size_t i = n / 2; i < n; ++i) {
    goal += static_cast<double>(r.cycles[i].heap_goal_bytes);
    limited += r.cycles[i].goal_from_limit ? 1 : 0;
  }
  goal /= static_cast<double>(n - n / 2) * (1 << 20);
  MESSAGE("num_gc=" << n << " second-half mean goal=" << goal << " MiB");
  CHECK(static_cast<double>(n) == doctest::Approx(188).epsilon(0.15));
  CHECK(goal == doctest::Approx(83).epsilon(0.15));
  CHECK(limited == n - n / 2);  // the limit, not GOGC, sets the goal in steady state
}
