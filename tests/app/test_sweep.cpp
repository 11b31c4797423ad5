// SPDX-License-Identifier: MIT
// Sweeps: expansion (cross, zip, blocks, replicas), parallel runs with byte-identical results,
// resuming, failures, shards and their merge.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "app/sweep_command.hpp"
#include "sim/config/config_error.hpp"
#include "tests/app/app_test_util.hpp"

using namespace gcsim;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using test::slurp;

fs::path temp_dir(const std::string& name) { return test::fresh_temp_dir("sweep", name); }

json small_base() {
  return json{{"schema_version", 1},
              {"seed", 3},
              {"workload", {{"kind", "mixed"}, {"params", {{"total_objects", 40000}}}}},
              {"runtime", {{"gogc", 100}, {"gomaxprocs", 2}}},
              {"output", {{"sample_period_ns", 100000}}}};
}

/// 3 GOGC × 2 GOMAXPROCS × 2 replicas = 12 small points.
json twelve_point_sweep() {
  return json{{"schema_version", 1},
              {"name", "twelve"},
              {"base", small_base()},
              {"sweep", {{"runtime.gogc", {50, 100, "off"}}, {"runtime.gomaxprocs", {1, 4}}}},
              {"replicas", 2}};
}

app::SweepOptions opts(unsigned jobs) {
  app::SweepOptions o;
  o.jobs = jobs;
  o.quiet = true;
  return o;
}

std::vector<std::string> names(const app::Sweep& s) {
  std::vector<std::string> n;
  for (const auto& p : s.points) n.push_back(p.name);
  return n;
}

/// Every file under a directory, relative path → content.
std::map<std::string, std::string> tree(const fs::path& root) {
  std::map<std::string, std::string> t;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) t[fs::relative(e.path(), root).string()] = slurp(e.path());
  return t;
}

}  // namespace

TEST_SUITE("sweep") {
  TEST_CASE("regression: a de-duplicated point name could equal another point's name") {
    // "a_b" and "a b" both label as "a_b" (so do "a_b__p3" and "a b__p3"); clashing names get
    // the full path, then "__p<index>". Point 3 became "<path>_a_b__p3", point 0's name: two
    // points shared one directory.
    json doc = twelve_point_sweep();
    doc.erase("replicas");
    doc["base"]["workload"] = {{"kind", "trace"}, {"params", {{"path", "x.gct"}}}};
    doc["sweep"] = {{"workload.params.path", {"a_b__p3", "a b__p3", "a_b", "a b"}}};
    app::Sweep s = app::expand_sweep(doc, ".");
    const std::string w = "workload-params-path";
    CHECK(names(s) == std::vector<std::string>{w + "_a_b__p3", w + "_a_b__p3__p1", w + "_a_b", w + "_a_b__p3__p3"});
  }

  TEST_CASE("resource guard: a sweep of more than 100000 points is refused before expanding") {
    json doc = twelve_point_sweep();
    doc.erase("replicas");
    doc["sweep"] = {{"seed", json::array()}, {"runtime.gogc", json::array()}};
    for (int i = 0; i < 400; ++i) {
      doc["sweep"]["seed"].push_back(i);
      doc["sweep"]["runtime.gogc"].push_back(i + 1);
    }
    CHECK_THROWS_WITH_AS(app::expand_sweep(doc, "."),
                         "sweep: expands to more than 100000 points; split the sweep into several files", ConfigError);
    doc["sweep"].erase("seed");
    doc["sweep"]["runtime.gomaxprocs"] = {1, 2};
    doc["replicas"] = 200;  // 400 × 2 × 200 = 160000
    CHECK_THROWS_WITH_AS(app::expand_sweep(doc, "."), doctest::Contains("more than 100000 points"), ConfigError);
    doc["replicas"] = 2;  // 1600 points: fine
    CHECK(app::expand_sweep(doc, ".").points.size() == 1600);
  }

  TEST_CASE("expansion: cross product in sorted axis order, names, axis values, replicas vary the seed") {
    app::Sweep s = app::expand_sweep(twelve_point_sweep(), ".");
    REQUIRE(s.points.size() == 12);
    CHECK(s.name == "twelve");
    CHECK(s.axes == std::vector<std::string>{"runtime.gogc", "runtime.gomaxprocs", "replica"});
    CHECK(s.points[0].name == "gogc_50__gomaxprocs_1__rep_0");
    CHECK(s.points[1].name == "gogc_50__gomaxprocs_1__rep_1");
    CHECK(s.points[2].name == "gogc_50__gomaxprocs_4__rep_0");
    CHECK(s.points[11].name == "gogc_off__gomaxprocs_4__rep_1");
    CHECK(s.points[0].seed == 3);
    CHECK(s.points[1].seed == 4);
    CHECK(s.points[1].config["seed"] == 4);
    CHECK(s.points[11].axes["runtime.gogc"] == "off");
    CHECK(s.points[11].axes["replica"] == 1);
    CHECK(s.points[4].resolved["runtime"]["gomaxprocs"] == 1);
    CHECK(s.points[4].resolved["name"] == s.points[4].name);
    CHECK(s.points[4].resolved.contains("gcsim_version"));
  }

  TEST_CASE("expansion: zip groups, mode zip, and blocks (a union of sub-sweeps)") {
    json doc = twelve_point_sweep();
    doc.erase("replicas");
    doc["sweep"] = {{"runtime.gogc", {100, "off"}}, {"runtime.memory_limit_bytes", {nullptr, 64 << 20}},
                    {"runtime.gomaxprocs", {1, 2, 4}}};
    doc["zip"] = json::array({json::array({"runtime.gogc", "runtime.memory_limit_bytes"})});
    app::Sweep s = app::expand_sweep(doc, ".");
    REQUIRE(s.points.size() == 6);
    CHECK(s.points[0].name == "gogc_100__memory_limit_bytes_null__gomaxprocs_1");
    CHECK(s.points[5].name == "gogc_off__memory_limit_bytes_67108864__gomaxprocs_4");
    CHECK(s.points[5].resolved["runtime"]["memory_limit_bytes"] == 64 << 20);

    doc.erase("zip");
    doc["mode"] = "zip";
    doc["sweep"] = {{"runtime.gogc", {50, 100}}, {"runtime.gomaxprocs", {1, 2}}};
    s = app::expand_sweep(doc, ".");
    CHECK(names(s) == std::vector<std::string>{"gogc_50__gomaxprocs_1", "gogc_100__gomaxprocs_2"});

    doc.erase("mode");
    doc["sweep"] = json::array({{{"runtime.gogc", {25, 100}}},
                                {{"runtime.gogc", {"off"}}, {"runtime.memory_limit_bytes", {32 << 20, 64 << 20}}}});
    s = app::expand_sweep(doc, ".");
    CHECK(names(s) == std::vector<std::string>{"gogc_25", "gogc_100", "gogc_off__memory_limit_bytes_33554432",
                                               "gogc_off__memory_limit_bytes_67108864"});
    CHECK(s.axes == std::vector<std::string>{"runtime.gogc", "runtime.memory_limit_bytes"});
    CHECK(s.points[0].axes["runtime.memory_limit_bytes"].is_null());  // not swept there: the base value
    CHECK(s.points[3].axes["runtime.memory_limit_bytes"] == 64 << 20);
  }

  TEST_CASE("expansion: object values are named by kind and index; unknown keys in axes are errors") {
    json doc = twelve_point_sweep();
    doc.erase("replicas");
    json other = small_base()["workload"];
    other["params"]["total_objects"] = 30000;
    doc["sweep"] = {{"workload", {small_base()["workload"], other}}};
    app::Sweep s = app::expand_sweep(doc, ".");
    CHECK(names(s) == std::vector<std::string>{"workload_mixed0", "workload_mixed1"});
    doc["sweep"] = {{"runtime.gogc", {50}}, {"pacer.params.gogc", {1}}};
    doc["base"]["pacer"] = {{"kind", "go119"}};
    CHECK_THROWS_AS(app::expand_sweep(doc, "."), ConfigError);  // pacer.params.gogc is not a parameter
  }

  TEST_CASE("expansion errors name the key") {
    json doc = twelve_point_sweep();
    doc["sweep"]["runtime.gogc"] = json::array();
    CHECK_THROWS_WITH_AS(app::expand_sweep(doc, "."), "sweep.runtime.gogc: must be a non-empty array of values",
                         ConfigError);
    doc = twelve_point_sweep();
    doc["sweep"]["seed"] = {1, 2};
    CHECK_THROWS_AS(app::expand_sweep(doc, "."), ConfigError);
    doc = twelve_point_sweep();
    doc["zip"] = json::array({json::array({"runtime.gogc", "runtime.gomaxprocs"})});
    CHECK_THROWS_WITH_AS(app::expand_sweep(doc, "."),
                         "zip[0]: zipped axes need equal lengths: 'runtime.gogc' has 3 values, "
                         "'runtime.gomaxprocs' has 2",
                         ConfigError);
    doc = twelve_point_sweep();
    doc["zip"] = json::array({json::array({"runtime.gogc", "runtime.ncpu"})});
    CHECK_THROWS_AS(app::expand_sweep(doc, "."), ConfigError);
    doc = twelve_point_sweep();
    doc["sweep"]["runtime.gogc"] = {100, -5};
    CHECK_THROWS_WITH_AS(app::expand_sweep(doc, "."), doctest::Contains("(in sweep point gogc_-5__gomaxprocs_1"),
                         ConfigError);
    doc = twelve_point_sweep();
    doc["sweep"] = json::array({{{"runtime.gogc", {50, 100}}}, {{"runtime.gogc", {100}}}});
    CHECK_THROWS_WITH_AS(app::expand_sweep(doc, "."), doctest::Contains("same configuration"), ConfigError);
    doc = twelve_point_sweep();
    doc["mode"] = "diagonal";
    CHECK_THROWS_AS(app::expand_sweep(doc, "."), ConfigError);
    doc = twelve_point_sweep();
    doc["replicas"] = 0;
    CHECK_THROWS_AS(app::expand_sweep(doc, "."), ConfigError);
    CHECK(app::parse_shard("2/4").index == 2);
    CHECK(app::parse_shard("2/4").count == 4);
    CHECK_THROWS_AS(app::parse_shard("4/4"), InputError);
    CHECK_THROWS_AS(app::parse_shard("1"), InputError);
    CHECK_THROWS_AS(app::parse_shard("a/2"), InputError);
  }

  TEST_CASE("a 12-point sweep gives byte-identical results with 1 and 4 jobs") {
    app::Sweep s = app::expand_sweep(twelve_point_sweep(), ".");
    fs::path a = temp_dir("jobs1"), b = temp_dir("jobs4");
    app::SweepOutcome ra = app::run_sweep(s, a, opts(1), std::cerr);
    app::SweepOutcome rb = app::run_sweep(s, b, opts(4), std::cerr);
    CHECK(ra.ran == 12);
    CHECK(rb.ran == 12);
    CHECK(ra.failed == 0);
    std::string csv = slurp(a / "results.csv");
    CHECK(csv == slurp(b / "results.csv"));
    CHECK(slurp(a / "results.json") == slurp(b / "results.json"));
    CHECK(tree(a) == tree(b));  // every run file too
    // One header and 12 rows, in point order, every point ok; the CSV names its columns.
    std::istringstream lines(csv);
    std::string header, row;
    std::getline(lines, header);
    CHECK(header.rfind("point,status,runtime.gogc,runtime.gomaxprocs,replica,seed,num_gc,gc_cpu_fraction,", 0) == 0);
    CHECK(header.find(",pause_p99_ns,") != std::string::npos);
    CHECK(header.find(",mmu_1ms,mmu_10ms,mmu_100ms,mean_mu,error") != std::string::npos);
    size_t n = 0;
    while (std::getline(lines, row)) {
      CHECK(row.rfind(s.points[n].name + ",ok,", 0) == 0);
      ++n;
    }
    CHECK(n == 12);
    json rj = json::parse(slurp(a / "results.json"));
    CHECK(rj["points"].size() == 12);
    CHECK(rj["points"][11]["runtime.gogc"] == "off");
    CHECK(rj["points"][0]["num_gc"].get<int>() > 0);
    CHECK(rj["points"][0]["mmu_100ms"].get<double>() <= rj["points"][0]["mean_mu"].get<double>());
    for (const char* f : {"mmu.csv", "pauses.csv", "summary.json", "resolved_config.json", "utilization.csv"})
      CHECK(fs::exists(a / "runs" / s.points[0].name / f));
    CHECK(fs::exists(a / "sweep.json"));
  }

  TEST_CASE("resuming skips finished points, cleans interrupted ones, and ends with the same bytes") {
    app::Sweep s = app::expand_sweep(twelve_point_sweep(), ".");
    fs::path full = temp_dir("full"), part = temp_dir("part");
    app::run_sweep(s, full, opts(2), std::cerr);
    app::run_sweep(s, part, opts(2), std::cerr);
    // Make `part` look interrupted: three points never finished, one was being written.
    for (int i : {1, 5, 9}) fs::remove_all(part / "runs" / s.points[static_cast<size_t>(i)].name);
    fs::create_directories(part / "runs" / (s.points[5].name + ".partial-999999"));
    std::ofstream(part / "runs" / (s.points[5].name + ".partial-999999") / "cycles.csv") << "torn";
    fs::remove(part / "results.csv");
    app::SweepOutcome r = app::run_sweep(s, part, opts(2), std::cerr);
    CHECK(r.already_done == 9);
    CHECK(r.ran == 3);
    CHECK(tree(part) == tree(full));
    CHECK(!fs::exists(part / "runs" / (s.points[5].name + ".partial-999999")));
    // Nothing left to do: a rerun writes the same results again.
    r = app::run_sweep(s, part, opts(2), std::cerr);
    CHECK(r.ran == 0);
    CHECK(slurp(part / "results.csv") == slurp(full / "results.csv"));
  }

  TEST_CASE("a directory with another sweep's results is refused; --force replaces it") {
    app::Sweep s = app::expand_sweep(twelve_point_sweep(), ".");
    fs::path d = temp_dir("other");
    json doc = twelve_point_sweep();
    doc["sweep"] = {{"runtime.gogc", {50}}, {"runtime.gomaxprocs", {1}}};
    app::run_sweep(app::expand_sweep(doc, "."), d, opts(1), std::cerr);
    doc["base"]["workload"]["params"]["total_objects"] = 30000;  // same point names, other configs
    app::Sweep other = app::expand_sweep(doc, ".");
    CHECK_THROWS_WITH_AS(app::run_sweep(other, d, opts(1), std::cerr), doctest::Contains("has results of a different sweep"),
                         InputError);
    app::SweepOptions o = opts(1);
    o.force = true;
    CHECK(app::run_sweep(other, d, o, std::cerr).ran == 2);
    // A directory that is not a sweep directory is never replaced.
    fs::path plain = temp_dir("plain");
    fs::create_directories(plain);
    std::ofstream(plain / "notes.txt") << "mine";
    CHECK_THROWS_WITH_AS(app::run_sweep(s, plain, o, std::cerr), doctest::Contains("not a gcsim sweep directory"),
                         InputError);
    CHECK(fs::exists(plain / "notes.txt"));
  }

  TEST_CASE("a failing point is recorded with its error and the others finish") {
    fs::path d = temp_dir("fail");
    fs::create_directories(d.parent_path());
    fs::path bad_trace = d.parent_path() / "bad.gct";
    std::ofstream(bad_trace) << "this is not a gcsim trace\n";
    json doc = twelve_point_sweep();
    doc.erase("replicas");
    doc["sweep"] = {{"workload", {small_base()["workload"], {{"kind", "trace"}, {"params", {{"path", "bad.gct"}}}}}}};
    app::Sweep s = app::expand_sweep(doc, d.parent_path().string());
    REQUIRE(s.points.size() == 2);
    std::ostringstream log;
    app::SweepOutcome r = app::run_sweep(s, d, opts(2), log);
    CHECK(r.failed == 1);
    CHECK(r.ran == 2);
    CHECK(log.str().find("sweep point workload_trace1 failed: ") != std::string::npos);
    CHECK(fs::exists(d / "runs" / "workload_mixed0" / "summary.json"));
    CHECK(fs::exists(d / "runs" / "workload_trace1.error.txt"));
    CHECK(!fs::exists(d / "runs" / "workload_trace1"));
    json rj = json::parse(slurp(d / "results.json"));
    CHECK(rj["points"][0]["status"] == "ok");
    CHECK(rj["points"][1]["status"] == "failed");
    CHECK(rj["points"][1]["error"].get<std::string>().find("bad.gct") != std::string::npos);
    CHECK(rj["points"][1]["num_gc"].is_null());
    // Resuming retries the failed point only.
    r = app::run_sweep(s, d, opts(2), log);
    CHECK(r.already_done == 1);
    CHECK(r.ran == 1);
    CHECK(r.failed == 1);
  }

  TEST_CASE("shards run every N-th point; sweep-merge joins them into the unsharded results") {
    app::Sweep s = app::expand_sweep(twelve_point_sweep(), ".");
    fs::path whole = temp_dir("whole");
    app::run_sweep(s, whole, opts(2), std::cerr);
    std::vector<fs::path> shards;
    for (unsigned k = 0; k < 3; ++k) {
      shards.push_back(temp_dir("shard" + std::to_string(k)));
      app::SweepOptions o = opts(1);
      o.shard = {k, 3};
      app::SweepOutcome r = app::run_sweep(s, shards.back(), o, std::cerr);
      CHECK(r.in_shard == 4);
      CHECK(r.ran == 4);
      CHECK(fs::exists(shards.back() / "runs" / s.points[k].name / "summary.json"));
      CHECK(!fs::exists(shards.back() / "runs" / s.points[(k + 1) % 3].name));
    }
    fs::path merged = temp_dir("merged");
    app::MergeOutcome m = app::merge_sweeps(merged, shards);
    CHECK(m.points == 12);
    CHECK(m.ok == 12);
    CHECK(m.missing == 0);
    CHECK(tree(merged) == tree(whole));
    // A missing shard shows as missing rows.
    fs::path partial = temp_dir("merged_partial");
    m = app::merge_sweeps(partial, {shards[0], shards[2]});
    CHECK(m.ok == 8);
    CHECK(m.missing == 4);
    CHECK(slurp(partial / "results.csv").find(s.points[1].name + ",missing,") != std::string::npos);
    // Shards of another sweep are refused.
    json doc = twelve_point_sweep();
    doc["replicas"] = 3;
    fs::path alien = temp_dir("alien");
    app::SweepOptions o = opts(1);
    o.shard = {0, 9};
    app::run_sweep(app::expand_sweep(doc, "."), alien, o, std::cerr);
    CHECK_THROWS_WITH_AS(app::merge_sweeps(temp_dir("merged_bad"), {shards[0], alien}),
                         doctest::Contains("different sweep"), InputError);
  }
}
