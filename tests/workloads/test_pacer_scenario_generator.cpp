// SPDX-License-Identifier: MIT
// The pacer-scenario generator as a stream: schedule, rates, live set, stacks, errors.
#include <doctest/doctest.h>

#include <cmath>
#include <map>

#include "sim/config/config_error.hpp"
#include "tests/workloads/workload_test_util.hpp"
#include "workloads/generators/pacer_scenario_generator.hpp"
#include "workloads/workload_factory.hpp"

using namespace gcsim::workload;
using gcsim::ConfigError;
using gcsim::percycle::Scenario;
using test::TempDir;

// Every Approx here has .scale(0): a purely relative tolerance (doctest's default scale of 1 would
// also accept an absolute error of epsilon, far too loose for rates of ~0.03 bytes/ns).
namespace {

const std::string kScenarioDir = std::string(GCSIM_SOURCE_ROOT) + "/configs/pacers/scenarios";

/// A small hand-written scenario: GOGC=100, 2 MiB initial heap doubling twice, then shrinking.
std::string small_scenario() {
  return R"({"global": {"gamma": 2, "globals_bytes": 65536, "init_live_heap": 2097152},
             "cycles": [
               {"alloc_rate": 1, "scan_rate": 31, "growth_rate": 2, "scannable_frac": 1, "stack_bytes": 16384, "heap_target": -1},
               {"alloc_rate": 2, "scan_rate": 31, "growth_rate": 2, "scannable_frac": 0.5, "stack_bytes": 16384, "heap_target": -1},
               {"alloc_rate": 4, "scan_rate": 62, "growth_rate": 0.5, "scannable_frac": 1, "stack_bytes": 8000, "heap_target": -1}]})";
}

std::string error_of(const Json& w, const std::string& base_dir) {
  try {
    make_workload(w, "workload", 1, base_dir);
  } catch (const ConfigError& e) {
    return e.where() + ": " + e.detail();
  }
  return "";
}

}  // namespace

TEST_SUITE("workloads") {
  TEST_CASE("pacer-scenario: nominal schedule follows the per-cycle recurrences") {
    TempDir dir;
    test::write_file(dir.file("s.json"), small_scenario());
    PacerScenarioParams p;
    p.file = dir.file("s.json");
    Scenario s = PacerScenarioGenerator::load_scenario(p, "params", "");
    auto sched = nominal_schedule(s, p);
    REQUIRE(sched.size() == 4);  // 3 + 1 extra
    // L_1 = init; L_n = L_{n-1}·growth_n (cycle 1's growth is not applied, as in the harness).
    CHECK(sched[0].live_bytes == doctest::Approx(2097152).scale(0));
    CHECK(sched[1].live_bytes == doctest::Approx(4194304).scale(0));
    CHECK(sched[2].live_bytes == doctest::Approx(2097152).scale(0));
    CHECK(sched[3].live_bytes == doctest::Approx(2097152).scale(0));  // extra: growth 1
    // First cycle: heap minimum 4 MiB·GOGC/100 from an empty heap.
    CHECK(sched[0].alloc_bytes == doctest::Approx(4 << 20).scale(0));
    // Later: M̂ + g·(M̂ + S_prev + G) − M̂ = M̂ + S_prev + G at GOGC=100 (above the minimum here).
    const double m1 = sched[0].est_marked_bytes;
    CHECK(m1 > sched[0].live_bytes);
    CHECK(sched[1].alloc_bytes == doctest::Approx(std::max(m1 + 16384 + 65536, 4.0 * (1 << 20) - m1)).scale(0));
    CHECK(sched[1].start_alloc_bytes == doctest::Approx(sched[0].alloc_bytes).scale(0));
    // The scan rate doubles in cycle 3: the emitted allocation rate keeps a/s (4/62 = 2/31).
    CHECK(sched[2].alloc_bytes_per_cpu_ns == doctest::Approx(sched[1].alloc_bytes_per_cpu_ns).scale(0));
    CHECK(pacer_scenario_scan_ns_per_byte(s, p) == doctest::Approx(1.0 / (31 * 32768.0 / 1e6)).scale(0));
  }

  TEST_CASE("pacer-scenario: stream rates, live set, stacks and globals") {
    TempDir dir;
    test::write_file(dir.file("s.json"), small_scenario());
    Json w = {{"kind", "pacer-scenario"}, {"params", {{"file", "s.json"}, {"object_bytes", 8192}, {"goroutines", 4}}}};
    auto src = make_workload(w, "workload", 1, dir.path());
    auto* gen = dynamic_cast<PacerScenarioGenerator*>(src.get());
    REQUIRE(gen != nullptr);
    const auto sched = gen->schedule();
    std::vector<TraceEvent> buf(1);
    double allocated = 0, work_ns_cycle = 0, alloc_cycle = 0;
    size_t n = 0;
    uint64_t globals = 0, pointerful = 0, allocs_cycle2 = 0;
    std::map<uint32_t, uint64_t> stacks;
    std::map<uint32_t, uint64_t> live;  // id -> bytes
    uint64_t live_bytes = 0, max_live_id = 0;
    uint64_t pending_work = 0;
    bool checked_rate = false;
    while (src->next_batch(buf.data(), 1) == 1) {
      const TraceEvent& e = buf[0];
      if (e.kind == EventKind::kGlobals) globals = e.value;
      if (e.kind == EventKind::kStack) stacks[e.goroutine] = e.value;
      if (e.kind == EventKind::kWork) pending_work += e.value;
      if (e.kind == EventKind::kAlloc) {
        CHECK(e.size_bytes == 8192);
        live[e.object_id] = e.size_bytes;
        live_bytes += e.size_bytes;
        max_live_id = std::max<uint64_t>(max_live_id, e.object_id);
        work_ns_cycle += static_cast<double>(pending_work);
        pending_work = 0;
        alloc_cycle += 8192;
        allocated += 8192;
        if (n == 1) {
          ++allocs_cycle2;
          pointerful += e.pointerful ? 1 : 0;
        }
        if (n < sched.size() && allocated >= sched[n].start_alloc_bytes + sched[n].alloc_bytes) {
          // End of nominal cycle n: the emitted rate is the cycle's (bytes per work ns), and the
          // reachable set reached L_n within one object.
          CHECK(alloc_cycle / work_ns_cycle == doctest::Approx(sched[n].alloc_bytes_per_cpu_ns).epsilon(1e-6).scale(0));
          checked_rate = true;
          CHECK(std::fabs(static_cast<double>(gen->reachable_bytes()) - sched[n].live_bytes) <= 8192);
          if (n == 0) {
            CHECK(stacks.size() == 4);
            uint64_t total = 0;
            for (auto& [g, b] : stacks) total += b;
            CHECK(total == 16384);
          }
          ++n;
          alloc_cycle = work_ns_cycle = 0;
        }
      }
      if (e.kind == EventKind::kFree) {
        REQUIRE(live.count(e.object_id) == 1);
        live_bytes -= live[e.object_id];
        live.erase(e.object_id);
      }
    }
    CHECK(checked_rate);
    CHECK(n == sched.size());
    CHECK(globals == 65536);
    uint64_t total_stack = 0;
    for (auto& [g, b] : stacks) total_stack += b;
    CHECK(total_stack == 8000);  // the last cycle's stacks
    CHECK(live_bytes == gen->reachable_bytes());
    CHECK(max_live_id < src->object_id_bound());
    // Cycle 2 is half pointerful.
    CHECK(static_cast<double>(pointerful) == doctest::Approx(allocs_cycle2 / 2.0).epsilon(0.01).scale(0));
  }

  TEST_CASE("pacer-scenario: the steady scenario's live heap and allocation volume") {
    PacerScenarioParams p;
    p.file = kScenarioDir + "/steady.json";
    PacerScenarioGenerator gen(p, PacerScenarioGenerator::load_scenario(p, "params", ""));
    const auto& sched = gen.schedule();
    REQUIRE(sched.size() == 51);
    // 2 MiB · Π(2 − k/8, k = 1..7) ≈ 61.9 MiB from cycle 8 on.
    double l = 2 << 20;
    for (int k = 1; k < 8; ++k) l *= 2 - k / 8.0;
    CHECK(sched[7].live_bytes == doctest::Approx(l).scale(0));
    CHECK(sched[49].live_bytes == doctest::Approx(l).scale(0));
    CHECK(sched[49].alloc_bytes > l);
    CHECK(sched[49].alloc_bytes < 1.2 * l);
  }

  TEST_CASE("pacer-scenario: bad input names the file and JSON path") {
    TempDir dir;
    CHECK(error_of(Json{{"kind", "pacer-scenario"}, {"params", Json::object()}}, dir.path()) ==
          "workload.params.file: required key is missing");
    CHECK(error_of(Json{{"kind", "pacer-scenario"}, {"params", {{"file", "nope.json"}}}}, dir.path())
              .rfind("workload.params.file: file not found: ", 0) == 0);
    CHECK(error_of(Json{{"kind", "pacer-scenario"}, {"params", {{"file", "s.json"}, {"objects", 3}}}}, dir.path())
              .rfind("workload.params.objects: unknown key", 0) == 0);
    test::write_file(dir.file("bad.json"), R"({"global": {"gamma": 2}, "cycles": [{"alloc_rate": -1}]})");
    const std::string e = error_of(Json{{"kind", "pacer-scenario"}, {"params", {{"file", "bad.json"}}}}, dir.path());
    CHECK(e.find("bad.json") != std::string::npos);
    CHECK(e.find("cycles[0].alloc_rate") != std::string::npos);
    Json r = resolved_workload(Json{{"kind", "pacer-scenario"}, {"params", {{"file", "x.json"}}}}, "w");
    CHECK(r["params"]["file"] == "x.json");
    CHECK(r["params"]["object_bytes"] == 32768);
    CHECK(resolved_workload(r, "w") == r);
  }
}
