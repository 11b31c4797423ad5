// SPDX-License-Identifier: MIT
// Whole runs: determinism of every output byte, config errors, staged output directories.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/experiment.hpp"
#include "app/run_command.hpp"
#include "sim/config/config_error.hpp"
#include "sim/config/overrides.hpp"
#include "tests/app/app_test_util.hpp"

using namespace gcsim;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using test::slurp;

fs::path temp_dir(const std::string& name) { return test::fresh_temp_dir("run", name); }

json small_mixed() {
  return json{{"schema_version", 1},
              {"name", "det"},
              {"seed", 11},
              {"workload", {{"kind", "mixed"}, {"params", {{"total_objects", 300000}}}}},
              {"runtime", {{"gogc", 100}, {"gomaxprocs", 4}}},
              {"output", {{"sample_period_ns", 100000}, {"check_invariants", true}}}};
}

}  // namespace

TEST_SUITE("run") {
  TEST_CASE("same config and seed give byte-identical outputs; another seed differs") {
    app::Experiment e = app::parse_experiment(small_mixed(), ".");
    fs::path a = temp_dir("a"), b = temp_dir("b"), c = temp_dir("c");
    app::run_experiment(e, a, false, false);
    app::run_experiment(e, b, false, false);
    for (const char* f : {"resolved_config.json", "summary.json", "cycles.csv", "timeseries.csv", "gctrace.txt"}) {
      CAPTURE(f);
      CHECK(fs::file_size(a / f) > 0);
      CHECK(slurp(a / f) == slurp(b / f));
    }
    json other = small_mixed();
    other["seed"] = 12;
    app::run_experiment(app::parse_experiment(other, "."), c, false, false);
    CHECK(slurp(a / "cycles.csv") != slurp(c / "cycles.csv"));
    // Every CSV row has exactly the header's columns.
    for (const char* f : {"cycles.csv", "timeseries.csv", "utilization.csv"}) {
      CAPTURE(f);
      std::istringstream in(slurp(a / f));
      std::string line;
      std::getline(in, line);
      auto cols = std::count(line.begin(), line.end(), ',');
      while (std::getline(in, line)) REQUIRE(std::count(line.begin(), line.end(), ',') == cols);
    }
    json summary = json::parse(slurp(a / "summary.json"));
    CHECK(summary["num_gc"].get<int>() > 0);
    std::string cycles = slurp(a / "cycles.csv");
    CHECK(summary["num_gc"].get<size_t>() + 1 == static_cast<size_t>(std::count(cycles.begin(), cycles.end(), '\n')));
  }

  TEST_CASE("resolved_config.json reproduces the run by itself") {
    app::Experiment e = app::parse_experiment(small_mixed(), ".");
    fs::path a = temp_dir("r1"), b = temp_dir("r2");
    app::run_experiment(e, a, false, false);
    json resolved = json::parse(slurp(a / "resolved_config.json"));
    resolved.erase("gcsim_version");
    app::run_experiment(app::parse_experiment(resolved, "."), b, false, false);
    CHECK(slurp(a / "cycles.csv") == slurp(b / "cycles.csv"));
    CHECK(resolved["runtime"]["gogc"] == 100);
    CHECK(resolved["pacer"]["kind"] == "go");
    CHECK(resolved["cost_model"]["scan_ns_per_byte"].is_number());
  }

  TEST_CASE("config errors name the JSON path") {
    json doc = small_mixed();
    doc["runtime"]["gogc"] = "of";
    CHECK_THROWS_WITH_AS(app::parse_experiment(doc, "."), "runtime.gogc: must be an integer >= 0 or \"off\", got \"of\"",
                         ConfigError);
    doc = small_mixed();
    doc["schema_version"] = 2;
    CHECK_THROWS_AS(app::parse_experiment(doc, "."), ConfigError);
    doc = small_mixed();
    doc["runtim"] = json::object();
    CHECK_THROWS_WITH_AS(app::parse_experiment(doc, "."), "runtim: unknown key (did you mean runtime?)", ConfigError);
    doc = small_mixed();
    doc["output"]["sample_period_ns"] = 5;
    CHECK_THROWS_AS(app::parse_experiment(doc, "."), ConfigError);
    doc = small_mixed();
    doc.erase("workload");
    CHECK_THROWS_WITH_AS(app::parse_experiment(doc, "."), "workload: required key is missing", ConfigError);
  }

  TEST_CASE("an existing output directory is not overwritten without replace; nothing partial remains") {
    app::Experiment e = app::parse_experiment(small_mixed(), ".");
    fs::path a = temp_dir("exists");
    fs::create_directories(a);
    CHECK_THROWS_AS(app::run_experiment(e, a, false, false), InputError);
    app::run_experiment(e, a, true, false);
    CHECK(fs::exists(a / "summary.json"));
    for (const auto& entry : fs::directory_iterator(a.parent_path()))
      CHECK(entry.path().filename().string().find(".partial-") == std::string::npos);
  }
}

namespace {

stats::RunRecord run_ring(const std::string& layout, bool replayer_table, double replayer_alloc_ns) {
  json doc = {{"schema_version", 1},
              {"name", "layout"},
              {"workload",
               {{"kind", "ring"},
                {"params", {{"slots", 65536}, {"total_objects", 1 << 20}, {"slot_array_bytes", 0}}},
                {"pointer_layout", layout},
                {"replayer_table", replayer_table}}},
              {"runtime", {{"gogc", 100}, {"gomaxprocs", 2}}},
              {"cost_model", {{"replayer_alloc_ns", replayer_alloc_ns}}}};
  return app::simulate(app::parse_experiment(doc, "."), {});
}

}  // namespace

TEST_CASE("pointer layout first: heap scan work in Go's units, the replayer's table scanned whole" *
          doctest::test_suite("run")) {
  const stats::RunRecord all = run_ring("all", true, 0);
  const stats::RunRecord first = run_ring("first", true, 0);
  const uint64_t table = first.totals.replayer_table_bytes;
  REQUIRE(table > 0);
  REQUIRE(first.cycles.size() > 3);
  for (size_t i = 1; i < first.cycles.size(); ++i) {
    const stats::CycleRecord& c = first.cycles[i];
    // Every reachable 128 B object is 8 B of scan work, the []unsafe.Pointer table all of its bytes.
    CHECK(c.heap_scan_work_bytes == table + 8 * (c.marked_scan_objects - 1));
    CHECK(c.marked_scan_object_bytes == table + 128 * (c.marked_scan_objects - 1));
  }
  for (size_t i = 1; i < all.cycles.size(); ++i)
    CHECK(all.cycles[i].heap_scan_work_bytes == all.cycles[i].marked_scan_object_bytes);
  // Less scan work is cheaper marking: the same heap marks in less GC CPU.
  CHECK(first.cycles.back().background_cpu_ns + first.cycles.back().idle_cpu_ns + first.cycles.back().assist_cpu_ns <
        all.cycles.back().background_cpu_ns + all.cycles.back().idle_cpu_ns + all.cycles.back().assist_cpu_ns);
}

TEST_CASE("replayer_alloc_ns is charged per allocation only when the run simulates the replayer" *
          doctest::test_suite("run")) {
  const stats::RunRecord with0 = run_ring("first", true, 0);
  const stats::RunRecord with20 = run_ring("first", true, 20);
  const stats::RunRecord plain0 = run_ring("first", false, 0);
  const stats::RunRecord plain20 = run_ring("first", false, 20);
  CHECK(with20.totals.cost_quantities.replayer_allocs == with20.totals.cost_quantities.allocs);
  CHECK(plain20.totals.cost_quantities.replayer_allocs == 0);
  CHECK(plain20.totals.simulated_ns == plain0.totals.simulated_ns);
  // 2^20 allocations x 20 ns = 21 ms more mutator time (GC changes it a little).
  const double extra_ns = static_cast<double>(with20.totals.simulated_ns - with0.totals.simulated_ns);
  CHECK(extra_ns > 0.8 * 20.0 * (1 << 20));
  CHECK(extra_ns < 1.2 * 20.0 * (1 << 20));
}

namespace {

stats::RunRecord run_kind(const json& workload, double scattered_ns) {
  json doc = {{"schema_version", 1},
              {"name", "scattered"},
              {"workload", workload},
              {"runtime", {{"gogc", 100}, {"gomaxprocs", 2}}},
              {"cost_model", {{"mark_ns_per_scattered_object", scattered_ns}, {"mark_cost_cv", 0}}}};
  return app::simulate(app::parse_experiment(doc, "."), {});
}

}  // namespace

TEST_CASE("scattered objects: a FIFO ring refills empty spans, a growing live set fills holes; each is charged" *
          doctest::test_suite("run")) {
  const json ring = {{"kind", "ring"}, {"params", {{"slots", 65536}, {"total_objects", 1 << 20}}}};
  const json growing = {{"kind", "growing"},
                        {"params", {{"final_live_bytes", 16 << 20}, {"total_alloc_bytes", 128 << 20}, {"object_bytes", 64}}}};
  const stats::RunRecord r = run_kind(ring, 0);
  const stats::RunRecord g0 = run_kind(growing, 0);
  const stats::RunRecord g50 = run_kind(growing, 50);
  REQUIRE(r.cycles.size() > 3);
  REQUIRE(g0.cycles.size() > 3);
  // The ring frees its objects in allocation order: spans die whole and come back empty.
  for (const stats::CycleRecord& c : r.cycles) CHECK(c.marked_scattered_objects * 100 <= c.marked_objects);
  // Growing keeps 1 in 8 objects: after the first sweeps every span it refills holds live objects,
  // so most of the later long-lived objects sit in holes.
  const stats::CycleRecord& last = g0.cycles.back();
  CAPTURE(last.marked_scattered_objects);
  CAPTURE(last.marked_objects);
  CHECK(last.marked_scattered_objects * 2 > last.marked_objects);
  CHECK(last.marked_scattered_objects <= last.marked_objects);
  // The cost is charged per scattered object of the mark-start snapshot: the same heap (same
  // cycles, same snapshots) costs exactly 50 ns more per scattered object in mark CPU.
  size_t k = 0;
  while (k < g0.cycles.size() && g0.cycles[k].marked_scattered_objects < 1000) ++k;
  REQUIRE(k < g0.cycles.size());
  REQUIRE(g50.cycles.size() > k);
  const stats::CycleRecord& a = g0.cycles[k];
  const stats::CycleRecord& b = g50.cycles[k];
  CAPTURE(k);
  REQUIRE(a.marked_scattered_objects == b.marked_scattered_objects);
  REQUIRE(a.marked_objects == b.marked_objects);
  const double cpu_a = a.background_cpu_ns + a.idle_cpu_ns + a.assist_cpu_ns;
  const double cpu_b = b.background_cpu_ns + b.idle_cpu_ns + b.assist_cpu_ns;
  CHECK(cpu_b - cpu_a == doctest::Approx(50.0 * static_cast<double>(b.marked_scattered_objects)).epsilon(0.01));
}
