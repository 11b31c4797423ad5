// SPDX-License-Identifier: MIT
// Go 1.19 pacer formulas and the GoPacer lifecycle, checked against hand-derived values.
#include <doctest/doctest.h>

#include "models/pacer/formulas.hpp"
#include "models/pacer/go_pacer.hpp"
#include "models/pacer/registry.hpp"
#include "sim/config/config_error.hpp"

using namespace gcsim;
using namespace gcsim::pacer;

constexpr uint64_t MiB = 1 << 20;

TEST_SUITE("pacer") {
  TEST_CASE("heap goal is M + (M + S + G) * GOGC/100, floored at the scaled 4 MiB minimum") {
    CHECK(gogc_heap_goal_bytes(100 * MiB, 1 * MiB, 0, 100) == 201 * MiB);
    CHECK(gogc_heap_goal_bytes(100 * MiB, 0, 0, 50) == 150 * MiB);
    // GOGC=200: 100 + (100+10+10)*2 = 340
    CHECK(gogc_heap_goal_bytes(100 * MiB, 10 * MiB, 10 * MiB, 200) == 340 * MiB);
    CHECK(gogc_heap_goal_bytes(0, 0, 0, 100) == 4 * MiB);
    CHECK(gogc_heap_goal_bytes(0, 0, 0, 50) == 2 * MiB);
    CHECK(gogc_heap_goal_bytes(1 * MiB, 0, 0, 200) == 8 * MiB);
    CHECK(gogc_heap_goal_bytes(1 * MiB, 0, 0, -1) == kNoGoal);
    CHECK(heap_minimum_bytes(0) == 0);
    CHECK(heap_minimum_bytes(100) == 4 * MiB);
  }

  TEST_CASE("trigger bounds: 45/64 and 61/64 of the runway, goal - 4 MiB for large heaps") {
    // First cycle: M = 0, goal 4 MiB, no runway estimate → maxTrigger = 4 MiB/64*61 = 3,997,696.
    CHECK(bounded_trigger_bytes(4 * MiB, 0, 0, 0) == 3997696);
    // Runway larger than the goal → the lower bound M + d/64*45.
    CHECK(bounded_trigger_bytes(200 * MiB, 0, 100 * MiB, 300 * MiB) == 100 * MiB + (100 * MiB) / 64 * 45);
    // Large heap, zero runway → goal - 4 MiB (above 61/64 of the way).
    CHECK(bounded_trigger_bytes(1000 * MiB, 0, 500 * MiB, 0) == 996 * MiB);
    // Inside the bounds the trigger is goal - runway.
    CHECK(bounded_trigger_bytes(200 * MiB, 0, 100 * MiB, 20 * MiB) == 180 * MiB);
    // M >= goal → continuous GC at the goal.
    CHECK(bounded_trigger_bytes(100 * MiB, 0, 150 * MiB, 0) == 100 * MiB);
    // A minimum trigger from the sweep distance wins over the lower bound.
    CHECK(bounded_trigger_bytes(200 * MiB, 190 * MiB, 100 * MiB, 100 * MiB) == 190 * MiB);
  }

  TEST_CASE("worked example of go-runtime-notes §2.3 (trigger from cons/mark)") {
    // M=100 MiB, S=1 MiB, G=0.1 MiB, Ps=50 MiB, c=0.1 → runway 3*0.1*51.1 MiB ≈ 15.33 MiB, T ≈ 185.8 MiB.
    uint64_t g = MiB / 10;
    uint64_t goal = gogc_heap_goal_bytes(100 * MiB, 1 * MiB, g, 100);
    uint64_t runway = runway_bytes(0.1, 50 * MiB, 1 * MiB, g);
    CHECK(static_cast<double>(runway) / MiB == doctest::Approx(15.33).epsilon(0.001));
    uint64_t t = bounded_trigger_bytes(goal, 0, 100 * MiB, runway);
    CHECK(static_cast<double>(t) / MiB == doctest::Approx(185.77).epsilon(0.001));
  }

  TEST_CASE("background workers: round(P/4), fractional when off by > 30 %") {
    CHECK(background_workers(1).dedicated == 0);
    CHECK(background_workers(1).fractional_goal == doctest::Approx(0.25));
    CHECK(background_workers(2).dedicated == 0);
    CHECK(background_workers(2).fractional_goal == doctest::Approx(0.25));
    CHECK(background_workers(3).dedicated == 0);
    CHECK(background_workers(4).dedicated == 1);
    CHECK(background_workers(4).fractional_goal == 0);
    CHECK(background_workers(5).dedicated == 1);
    CHECK(background_workers(6).dedicated == 1);
    CHECK(background_workers(6).fractional_goal == doctest::Approx(1.0 / 12));
    CHECK(background_workers(8).dedicated == 2);
    CHECK(background_workers(64).dedicated == 16);
    CHECK(background_workers(64).fractional_goal == 0);
    // The whole table for P = 1..64: the background share (D + f·P)/P stays within 30 % of 25 %.
    for (int p = 1; p <= 64; ++p) {
      BackgroundWorkers w = background_workers(p);
      double share = (w.dedicated + w.fractional_goal * p) / p;
      CAPTURE(p);
      CHECK(share >= 0.25 * 0.7);
      CHECK(share <= 0.25 * 1.3);
      CHECK(w.dedicated == (p < 4 ? 0 : static_cast<int>(p * 0.25 + 0.5) - ((static_cast<int>(p * 0.25 + 0.5) / (p * 0.25) - 1 > 0.3) ? 1 : 0)));
    }
  }

  TEST_CASE("memory-limit goal leaves non-heap memory and 1 MiB headroom, never below M") {
    // 100 MiB limit, 30 MiB mapped of which 10 free and 15 allocated → non-heap 5 MiB.
    CHECK(memory_limit_heap_goal_bytes(100 * MiB, 30 * MiB, 10 * MiB, 15 * MiB, 0) == 94 * MiB);
    CHECK(memory_limit_heap_goal_bytes(100 * MiB, 30 * MiB, 10 * MiB, 15 * MiB, 96 * MiB) == 96 * MiB);
    // Over the limit: non-heap 10 MiB and overage 10 MiB are both subtracted, then 1 MiB headroom.
    CHECK(memory_limit_heap_goal_bytes(100 * MiB, 110 * MiB, 0, 100 * MiB, 0) == 79 * MiB);
  }

  TEST_CASE("GoPacer: first trigger at 61/64 of 4 MiB; GOGC=off never triggers") {
    RuntimeSettings rt;
    GoPacer p(GoPacerParams{}, rt);
    p.commit(CommitInputs{});
    TriggerGoal tg = p.trigger(HeapSnapshot{});
    CHECK(tg.goal_bytes == 4 * MiB);
    CHECK(tg.trigger_bytes == 3997696);

    rt.gc_percent = -1;
    GoPacer off(GoPacerParams{}, rt);
    off.commit(CommitInputs{});
    // Go computes the large-heap bound goal - 4 MiB from the infinite goal: never reached.
    CHECK(off.trigger(HeapSnapshot{}).trigger_bytes == UINT64_MAX - 4 * MiB);
  }

  TEST_CASE("GoPacer: commit after sweep keeps the trigger at least H + 1 MiB") {
    RuntimeSettings rt;
    GoPacer p(GoPacerParams{}, rt);
    CommitInputs ci;
    ci.heap_marked_bytes = 2 * MiB;
    ci.heap_live_bytes = 2 * MiB;
    ci.sweep_done = false;
    p.commit(ci);
    TriggerGoal tg = p.trigger(HeapSnapshot{2 * MiB, 0, 0, 0});
    CHECK(tg.goal_bytes == 4 * MiB);
    CHECK(tg.trigger_bytes >= 3 * MiB);
  }

  TEST_CASE("GoPacer: cons/mark measurement feeds the PI controller and moves the trigger") {
    RuntimeSettings rt;
    rt.gomaxprocs = 4;
    GoPacer p(GoPacerParams{}, rt);
    CommitInputs ci;
    ci.heap_marked_bytes = 100 * MiB;
    ci.heap_live_bytes = 100 * MiB;
    ci.last_heap_scan_bytes = 50 * MiB;
    p.commit(ci);
    HeapSnapshot h{170 * MiB, 0, 0, 0};
    uint64_t t0 = p.trigger(h).trigger_bytes;
    CHECK(t0 == 200 * MiB - 4 * MiB);  // c = 0: max trigger
    CycleStartInputs cs;
    cs.now = 0;
    cs.gomaxprocs = 4;
    cs.heap = h;
    WorkerPlan plan = p.start_cycle(cs);
    CHECK(plan.dedicated_workers == 1);
    CHECK(plan.triggered_bytes == t0);
    CycleEndInputs ce;
    ce.now = 10'000'000;
    ce.gomaxprocs = 4;
    ce.heap = HeapSnapshot{206 * MiB, 0, 0, 0};
    ce.heap_scan_work_bytes = 50 * MiB;
    CycleEndReport r = p.end_cycle(ce);
    // u = 0.25, no idle: cons/mark = (206-196)*0.25/(50*0.75) = 0.0667. First PI step from c = 0,
    // I = 0: out = kp*e = 0.9*0.0667; I becomes kp/ti*e.
    double measured = 10.0 * 0.25 / (50 * 0.75);
    CHECK(r.measured_cons_mark == doctest::Approx(measured));
    CHECK(r.cons_mark == doctest::Approx(0.9 * measured));
    CHECK(r.heap_goal_bytes == 200 * MiB);
    p.commit(ci);
    uint64_t t1 = p.trigger(h).trigger_bytes;
    CHECK(t1 < t0);
    double runway = r.cons_mark * 3 * 50 * MiB;
    CHECK(static_cast<double>(t1) == doctest::Approx(200.0 * MiB - runway).epsilon(1e-6));
  }

  TEST_CASE("GoPacer: revise extrapolates the goal when scan work exceeds the estimate") {
    RuntimeSettings rt;
    GoPacer p(GoPacerParams{}, rt);
    CommitInputs ci;
    ci.heap_marked_bytes = 100 * MiB;
    ci.heap_live_bytes = 100 * MiB;
    ci.last_heap_scan_bytes = 10 * MiB;
    p.commit(ci);
    CycleStartInputs cs;
    cs.heap = HeapSnapshot{196 * MiB, 0, 0, 0};
    p.start_cycle(cs);
    MarkProgress mp;
    mp.heap = HeapSnapshot{196 * MiB, 0, 0, 0};
    mp.heap_scan_bytes = 20 * MiB;
    mp.scan_work_done_bytes = 0;
    AssistRatio a = p.revise(mp);
    // Expected work 10 MiB over 4 MiB of runway.
    CHECK(a.work_per_byte == doctest::Approx(10.0 / 4.0));
    mp.scan_work_done_bytes = 15 * MiB;  // more than expected: goal extends to (4/10)*20 + 196 = 204
    AssistRatio b = p.revise(mp);
    CHECK(b.work_per_byte == doctest::Approx((20.0 - 15.0) / 8.0).epsilon(1e-3));
  }

  TEST_CASE("registry: unknown kind and unknown params name the JSON path") {
    PacerContext ctx{RuntimeSettings{}};
    CHECK_THROWS_WITH_AS(make_pacer(nlohmann::json{{"kind", "go121x"}}, "pacer", ctx),
                         "pacer.kind: unknown pacer 'go121x'; known: go, go1.18, go1.19, go1.20, go1.21, go1.5-legacy, redesign-model, membalancer, kalman",
                         ConfigError);
    CHECK_THROWS_WITH_AS(make_pacer(nlohmann::json{{"kind", "go"}, {"params", {{"pi_kq", 1}}}}, "pacer", ctx),
                         "pacer.params.pi_kq: unknown key (did you mean pi_kp?)", ConfigError);
    CHECK(resolved_pacer(nlohmann::json{{"kind", "go"}}, "pacer")["params"]["pi_ti"] == 4.0);
  }
}

TEST_CASE("versions: 1.21+ memory-limit headroom is max(3 %, 1 MiB)" * doctest::test_suite("pacer")) {
  // 1 GiB limit, 100 MiB of non-heap: goal before headroom 924 MiB; 3 % of it = 27.72 MiB.
  uint64_t goal19 = memory_limit_heap_goal_bytes(1024 * MiB, 200 * MiB, 0, 100 * MiB, 0, false);
  uint64_t goal21 = memory_limit_heap_goal_bytes(1024 * MiB, 200 * MiB, 0, 100 * MiB, 0, true);
  CHECK(goal19 == 923 * MiB);
  CHECK(goal21 == 924 * MiB - (924 * MiB) / 100 * 3);
  // Small goals keep the 1 MiB minimum headroom.
  CHECK(memory_limit_heap_goal_bytes(20 * MiB, 0, 0, 0, 0, true) == 19 * MiB);
}

TEST_CASE("versions: cons/mark smoothing by Go release" * doctest::test_suite("pacer")) {
  auto run = [](const std::string& version, const std::vector<double>& growth_mib) {
    RuntimeSettings rt;
    rt.version = version;
    rt.gomaxprocs = 4;
    GoPacer p(GoPacerParams{}, rt);
    CommitInputs ci;
    ci.heap_marked_bytes = 100 * MiB;
    ci.heap_live_bytes = 100 * MiB;
    ci.last_heap_scan_bytes = 50 * MiB;
    p.commit(ci);
    std::vector<double> out;
    for (double g : growth_mib) {
      CycleStartInputs cs;
      cs.gomaxprocs = 4;
      cs.heap = HeapSnapshot{196 * MiB, 0, 0, 0};
      p.start_cycle(cs);
      CycleEndInputs ce;
      ce.now = 10'000'000;
      ce.gomaxprocs = 4;
      ce.heap = HeapSnapshot{static_cast<uint64_t>((196 + g) * MiB), 0, 0, 0};
      ce.heap_scan_work_bytes = 50 * MiB;
      out.push_back(p.end_cycle(ce).cons_mark);
      p.commit(ci);
    }
    return out;
  };
  // measured cons/mark = g * 0.25 / (50 * 0.75) = g / 150 per cycle
  std::vector<double> g = {15, 3, 3, 3, 3, 3};
  auto v20 = run("1.20", g);
  CHECK(v20[0] == doctest::Approx(15.0 / 150 / 2));               // (current + 0) / 2
  CHECK(v20[1] == doctest::Approx((3.0 + 15.0) / 150 / 2));       // mean of the last two
  CHECK(v20[2] == doctest::Approx(3.0 / 150));
  auto v21 = run("1.21", g);
  CHECK(v21[0] == doctest::Approx(15.0 / 150));                   // max of current and last four
  CHECK(v21[4] == doctest::Approx(15.0 / 150));                   // the spike is remembered for 4 cycles
  CHECK(v21[5] == doctest::Approx(3.0 / 150));                    // … and forgotten on the 5th
  auto v19 = run("1.19", g);
  CHECK(v19[0] == doctest::Approx(0.9 * 15.0 / 150));             // PI controller
}
