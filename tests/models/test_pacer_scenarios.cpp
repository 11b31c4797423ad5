// SPDX-License-Identifier: MIT
// Go 1.19's TestGcPacer (runtime/mgcpacer_test.go) ported: the same scenarios, the same per-cycle
// harness (models/percycle, runtime semantics) and the same acceptance bands, for go1.19 and go1.21.
#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include "models/pacer/formulas.hpp"
#include "models/percycle/go_test_scenarios.hpp"
#include "models/percycle/harness.hpp"

using namespace gcsim;
using namespace gcsim::percycle;

namespace {

constexpr double kGoalUtil = 0.25;  // GCGoalUtilization

/// checker(c, n) is called after every cycle with the first n results, as gcExecTest.check is.
using Checker = std::function<void(const std::vector<CycleResult>& c, size_t n)>;

void in_range(const char* what, double a, double lo, double hi) {
  CHECK_MESSAGE((a >= lo && a <= hi), what, " = ", a, " not in [", lo, ", ", hi, "]");
}
void in_epsilon(const char* what, double a, double b, double eps) { in_range(what, a, b - eps, b + eps); }

void steady_checks(const std::vector<CycleResult>& c, size_t n) {
  if (n >= 25) {
    in_epsilon("GC utilization", c[n - 1].utilization, kGoalUtil, 0.005);
    in_epsilon("GC utilization vs previous", c[n - 1].utilization, c[n - 2].utilization, 0.005);
    in_range("goal ratio", c[n - 1].goal_ratio(), 0.95, 1.05);
  }
}

void step_checks(const std::vector<CycleResult>& c, size_t n) {
  if ((n >= 25 && n < 50) || n >= 75) {
    in_epsilon("GC utilization vs previous", c[n - 1].utilization, c[n - 2].utilization, 0.005);
    in_range("goal ratio", c[n - 1].goal_ratio(), 0.95, 1.05);
  }
}

void jitter_checks(const std::vector<CycleResult>& c, size_t n) {
  if (n > 12) {
    in_range("goal ratio", c[n - 1].goal_ratio(), 0.95, 1.05);
    in_range("GC utilization", c[n - 1].utilization, 0.25, 0.3);
  }
}

/// The general checks of gcExecTest.check, then the scenario's own.
void run_case(const std::string& kind, const std::string& name, const Checker& checker) {
  Scenario s = go_test_scenario(name);
  HarnessOptions o;  // runtime semantics, revise every 500 µs
  std::vector<CycleResult> c = run_scenario(s, nlohmann::json{{"kind", kind}}, o);
  REQUIRE(c.size() == s.cycles.size());
  for (size_t n = 1; n <= c.size(); ++n) {
    CAPTURE(kind);
    CAPTURE(name);
    CAPTURE(n);
    REQUIRE(c[n - 1].cycle == static_cast<int>(n));
    REQUIRE(c[n - 1].utilization >= 0);
    REQUIRE(c[n - 1].utilization <= 1);
    checker(c, n);
  }
}

const std::vector<std::pair<const char*, Checker>>& go_cases() {
  static const std::vector<std::pair<const char*, Checker>> cases = {
      {"Steady", steady_checks},
      {"SteadyBigStacks", steady_checks},
      {"SteadyBigGlobals", steady_checks},
      {"StepAlloc", step_checks},
      {"HeavyStepAlloc", step_checks},
      {"StepScannableFrac", step_checks},
      {"HighGOGC",
       [](const std::vector<CycleResult>& c, size_t n) {
         if (n > 12) {
           if (n == 26) {
             // The heap grows 15x at cycle 26: overshoot keeps utilization stable, but never more
             // than GOGC of the next cycle.
             in_range("goal ratio", c[n - 1].goal_ratio(), 0.90, 15);
           } else {
             in_range("goal ratio", c[n - 1].goal_ratio(), 0.90, 1.05);
           }
           in_epsilon("GC utilization", c[n - 1].utilization, kGoalUtil, kGoalUtil + 0.03);
           in_epsilon("GC utilization vs previous", c[n - 1].utilization, c[n - 2].utilization, 0.03);
         }
       }},
      {"OscAlloc", jitter_checks},
      {"JitterAlloc", jitter_checks},
      {"HeavyJitterAlloc",
       [](const std::vector<CycleResult>& c, size_t n) {
         if (n > 13) {
           in_range("goal ratio", c[n - 1].goal_ratio(), 0.95, 1.05);
           in_epsilon("GC utilization vs previous", c[n - 1].utilization, c[n - 2].utilization, 0.05);
           in_epsilon("GC utilization vs cycle 12", c[n - 1].utilization, c[11].utilization, 0.05);
         }
       }},
  };
  return cases;
}

void slow_alloc_utilization(const std::vector<CycleResult>& c, size_t n) {
  if (n > 25) {
    in_epsilon("GC utilization", c[n - 1].utilization, kGoalUtil, 0.005);
    in_epsilon("GC utilization vs previous", c[n - 1].utilization, c[n - 2].utilization, 0.05);
    in_epsilon("GC utilization vs cycle 12", c[n - 1].utilization, c[11].utilization, 0.05);
  }
}

Checker slow_alloc(size_t from) {
  return [from](const std::vector<CycleResult>& c, size_t n) {
    if (n > from) {
      in_range("goal ratio", c[n - 1].goal_ratio(), 0.925, 1.025);
      in_range("trigger ratio", c[n - 1].trigger_ratio(), 0.925, 0.975);
    }
    slow_alloc_utilization(c, n);
  };
}

}  // namespace

TEST_SUITE("pacer") {
  TEST_CASE("TestGcPacer (Go 1.19) scenarios: go1.19 strategy") {
    for (const auto& [name, checker] : go_cases()) {
      SUBCASE(name) { run_case("go1.19", name, checker); }
    }
  }

  TEST_CASE("TestGcPacer (Go 1.19) scenarios: go1.21 strategy") {
    for (const auto& [name, checker] : go_cases()) {
      SUBCASE(name) { run_case("go1.21", name, checker); }
    }
  }

  TEST_CASE("TestGcPacer (Go 1.19) slow-allocation scenarios: go1.19 strategy") {
    SUBCASE("SmallHeapSlowAlloc") { run_case("go1.19", "SmallHeapSlowAlloc", slow_alloc(4)); }
    SUBCASE("MediumHeapSlowAlloc") { run_case("go1.19", "MediumHeapSlowAlloc", slow_alloc(9)); }
    SUBCASE("LargeHeapSlowAlloc") {
      run_case("go1.19", "LargeHeapSlowAlloc", [](const std::vector<CycleResult>& c, size_t n) {
        if (n > 13) {
          in_range("goal ratio", c[n - 1].goal_ratio(), 0.95, 1.05);
          // Runway near the default minimum heap (the goal − 4 MiB trigger bound).
          constexpr double kMin = static_cast<double>(pacer::kDefaultHeapMinimumBytes);
          in_range("runway", static_cast<double>(c[n - 1].goal_bytes - c[n - 1].trigger_bytes), kMin - 65536,
                   kMin + 65536);
        }
        slow_alloc_utilization(c, n);
      });
    }
  }

  TEST_CASE("TestGcPacer (Go 1.19) memory-limit scenarios: go1.19 strategy") {
    constexpr uint64_t kLimit = 512 << 20;
    const uint64_t limit_goal = kLimit - pacer::kMemoryLimitHeadroomBytes;
    SUBCASE("SteadyMemoryLimit") {
      run_case("go1.19", "SteadyMemoryLimit", [&](const std::vector<CycleResult>& c, size_t n) {
        CHECK(c[n - 1].peak_bytes < limit_goal);
        steady_checks(c, n);
      });
    }
    SUBCASE("SteadyMemoryLimitNoGCPercent") {
      run_case("go1.19", "SteadyMemoryLimitNoGCPercent", [&](const std::vector<CycleResult>& c, size_t n) {
        CHECK(c[n - 1].goal_bytes == limit_goal);
        steady_checks(c, n);
      });
    }
    SUBCASE("MaintainMemoryLimit") {
      run_case("go1.19", "MaintainMemoryLimit", [&](const std::vector<CycleResult>& c, size_t n) {
        if (n > 12) CHECK(c[n - 1].goal_bytes == limit_goal);
        steady_checks(c, n);
      });
    }
    SUBCASE("ExceedMemoryLimit") {
      run_case("go1.19", "ExceedMemoryLimit", [&](const std::vector<CycleResult>& c, size_t n) {
        // Far over the limit: the goal is the live heap, and the GC runs flat out.
        if (n > 12) CHECK(c[n - 1].goal_bytes == c[n - 1].heap_marked_bytes);
        if (n >= 25) {
          in_epsilon("GC utilization", c[n - 1].utilization, 1.0, 0.005);
          in_epsilon("GC utilization vs previous", c[n - 1].utilization, c[n - 2].utilization, 0.005);
        }
      });
    }
  }
}
