// SPDX-License-Identifier: MIT
// Goroutines on Ps (models/sched/scheduler.hpp) and its effect on the simulated process.
#include <doctest/doctest.h>

#include <algorithm>

#include "models/pacer/go_pacer.hpp"
#include "models/process/go_process.hpp"
#include "models/sched/scheduler.hpp"
#include "sim/config/config_error.hpp"
#include "tests/models/vector_source.hpp"

using namespace gcsim;
using sched::Mode;
using sched::Scheduler;
using sched::SchedulerSettings;

namespace {

SchedulerSettings settings(Mode m) {
  SchedulerSettings s;
  s.mode = m;
  return s;
}

// `goroutines` workers (ids 1..g) each do `rounds` rounds of: alloc one 64-byte object, 1 µs of
// work, free it; the stream interleaves them round-robin (as the goroutines generator does).
std::vector<workload::TraceEvent> interleaved(uint32_t goroutines, uint32_t rounds) {
  using workload::EventKind;
  std::vector<workload::TraceEvent> ev;
  for (uint32_t g = 1; g <= goroutines; ++g) ev.push_back({EventKind::kGoStart, false, g, 0, 0, 0, 0});
  for (uint32_t r = 0; r < rounds; ++r) {
    for (uint32_t g = 1; g <= goroutines; ++g) {
      ev.push_back({EventKind::kAlloc, true, g, g, 0, 64, 0});
      ev.push_back({EventKind::kWork, false, g, 0, 0, 0, 1000});
      ev.push_back({EventKind::kFree, false, 0, g, 0, 0, 0});
    }
  }
  return ev;
}

stats::RunRecord run(const std::vector<workload::TraceEvent>& events, const SchedulerSettings& sc, int procs,
                     uint64_t seed = 1) {
  testing::VectorSource src(events);
  RuntimeSettings rt;
  rt.gomaxprocs = procs;
  pacer::GoPacer p(pacer::GoPacerParams{}, rt);
  ProcessSettings s;
  s.runtime = rt;
  s.scheduler = sc;
  s.seed = seed;
  GoProcess proc(s, src, p);
  return proc.run();
}

stats::RunRecord run(const std::vector<workload::TraceEvent>& events, Mode mode, int procs) {
  return run(events, settings(mode), procs);
}

}  // namespace

TEST_SUITE("sched") {
  TEST_CASE("parallel mode: goroutines fill Ps in start order, the rest wait in FIFO order") {
    Scheduler s(settings(Mode::kParallel), 2);
    for (uint32_t g = 0; g < 4; ++g) s.start(g, 0);
    CHECK(s.running() == 2);
    CHECK(s.run_queue_length() == 2);
    CHECK(s.on_p(0) == 0);
    CHECK(s.on_p(1) == 1);
    CHECK(s.p_of(0, 0) == 0);
    CHECK(s.p_of(1, 0) == 1);
    // An exit frees a P: the run queue's head (2) takes it.
    s.exit(0, 5);
    CHECK(s.on_p(0) == 2);
    CHECK(s.run_queue_length() == 1);
    CHECK(s.running() == 2);
  }

  TEST_CASE("parallel mode: a quantum tick rotates goroutines that used a whole slice") {
    SchedulerSettings st = settings(Mode::kParallel);
    st.quantum_ns = 10'000'000;
    Scheduler s(st, 2);
    for (uint32_t g = 0; g < 4; ++g) s.start(g, 0);
    s.tick(5'000'000);  // half a slice: nobody is preempted
    CHECK(s.on_p(0) == 0);
    CHECK(s.counters().quantum_preemptions == 0);
    s.tick(10'000'000);
    CHECK(s.on_p(0) == 2);
    CHECK(s.on_p(1) == 3);
    CHECK(s.counters().quantum_preemptions == 2);
    s.tick(20'000'000);  // round robin: back to the first two
    CHECK(s.on_p(0) == 0);
    CHECK(s.on_p(1) == 1);
  }

  TEST_CASE("parallel mode: a quantum tick with nobody waiting preempts nobody") {
    Scheduler s(settings(Mode::kParallel), 4);
    s.start(0, 0);
    s.start(1, 0);
    s.tick(100'000'000);
    CHECK(s.counters().quantum_preemptions == 0);
    CHECK(s.running() == 2);
  }

  TEST_CASE("parallel mode: the stream naming a queued goroutine displaces the longest-running one") {
    Scheduler s(settings(Mode::kParallel), 2);
    s.start(0, 0);
    s.start(1, 100);
    s.start(2, 200);  // queued
    CHECK(s.p_of(2, 300) == 0);  // P0's goroutine got its P first
    CHECK(s.on_p(0) == 2);
    CHECK(s.run_queue_length() == 1);
    CHECK(s.counters().stream_switches == 1);
  }

  TEST_CASE("dedicated workers take Ps from the top; their goroutines resume first") {
    Scheduler s(settings(Mode::kParallel), 4);
    for (uint32_t g = 0; g < 5; ++g) s.start(g, 0);  // 4 running, 4 queued behind them
    s.set_usable_ps(3, 10);                         // one dedicated worker (GOMAXPROCS=4)
    CHECK(s.running() == 3);
    CHECK(s.on_p(3) == -1);
    CHECK(s.counters().worker_preemptions == 1);
    CHECK(s.run_queue_length() == 2);
    s.set_usable_ps(4, 20);  // mark done: goroutine 3 (preempted) comes back before 4
    CHECK(s.on_p(3) == 3);
    CHECK(s.run_queue_length() == 1);
  }

  TEST_CASE("serial mode: one thread of control handed from goroutine to goroutine on one P") {
    Scheduler s(settings(Mode::kSerial), 4);
    s.start(0, 0);
    s.start(1, 0);
    s.start(2, 0);
    CHECK(s.running() == 1);
    CHECK(s.p_of(0, 0) == 0);
    CHECK(s.p_of(1, 10) == 0);
    CHECK(s.running() == 1);
    CHECK(s.on_p(0) == 1);
    CHECK(s.p_of(2, 20) == 0);
    CHECK(s.counters().handoffs == 2);
    s.tick(1'000'000'000);  // no run queue in serial mode
    CHECK(s.counters().quantum_preemptions == 0);
  }

  TEST_CASE("scheduler settings: strict parse with JSON paths") {
    using nlohmann::json;
    CHECK(SchedulerSettings::parse(json::object(), "scheduler").mode == Mode::kParallel);
    CHECK(SchedulerSettings::parse(json{{"mode", "serial"}}, "scheduler").mode == Mode::kSerial);
    CHECK_THROWS_WITH_AS(SchedulerSettings::parse(json{{"mode", "fifo"}}, "scheduler"),
                         doctest::Contains("scheduler.mode"), ConfigError);
    CHECK_THROWS_AS(SchedulerSettings::parse(json{{"quantum", 5}}, "scheduler"), ConfigError);
    CHECK_THROWS_AS(SchedulerSettings::parse(json{{"quantum_ns", 0}}, "scheduler"), ConfigError);
    auto j = SchedulerSettings::parse(json{{"mode", "serial"}, {"quantum_ns", 2000000}}, "scheduler").to_json();
    CHECK(j["mode"] == "serial");
    CHECK(j["quantum_ns"] == 2000000);
    CHECK(j["sysmon_period_ns"] == 10000000);
    CHECK(j["noise_seed"] == 0);
    CHECK_THROWS_WITH_AS(SchedulerSettings::parse(json{{"sysmon_period_ns", -1}}, "scheduler"),
                         doctest::Contains("scheduler.sysmon_period_ns"), ConfigError);
    CHECK_THROWS_WITH_AS(SchedulerSettings::parse(json{{"noise_seed", "x"}}, "scheduler"),
                         doctest::Contains("scheduler.noise_seed"), ConfigError);
    CHECK(SchedulerSettings::parse(json{{"sysmon_period_ns", 0}, {"noise_seed", 7}}, "scheduler").noise_seed == 7);
  }

  TEST_CASE("process: parallelism is measured from the Ps the scheduler fills") {
    // 8 goroutines × 2000 rounds of 1 µs work each = 16 ms of mutator CPU.
    auto events = interleaved(8, 2000);
    stats::RunRecord par = run(events, Mode::kParallel, 4);
    stats::RunRecord ser = run(events, Mode::kSerial, 4);
    // Same CPU, spread over 4 Ps in parallel mode, on one P in serial mode.
    CHECK(par.totals.mutator_cpu_ns == doctest::Approx(ser.totals.mutator_cpu_ns).epsilon(0.01));
    double ratio = static_cast<double>(ser.totals.simulated_ns) / static_cast<double>(par.totals.simulated_ns);
    CHECK(ratio == doctest::Approx(4.0).epsilon(0.05));
    // Per-P CPU adds up to the mutator CPU; serial mode uses one P only.
    double sum = 0;
    for (double v : par.totals.p_mutator_cpu_ns) sum += v;
    CHECK(sum == doctest::Approx(par.totals.mutator_cpu_ns).epsilon(1e-9));
    for (double v : par.totals.p_mutator_cpu_ns) CHECK(v > 0.1 * sum);
    CHECK(ser.totals.p_mutator_cpu_ns[0] == doctest::Approx(ser.totals.mutator_cpu_ns).epsilon(1e-9));
    CHECK(ser.totals.p_mutator_cpu_ns[1] == 0);
    CHECK(ser.totals.sched_handoffs > 10000);
    CHECK(par.totals.sched_stream_switches > 0);
    CHECK(par.totals.sched_max_run_queue >= 4);
  }

  TEST_CASE("process: GOMAXPROCS=1 is the same in both modes") {
    auto events = interleaved(3, 500);
    stats::RunRecord par = run(events, Mode::kParallel, 1);
    stats::RunRecord ser = run(events, Mode::kSerial, 1);
    CHECK(par.totals.simulated_ns == ser.totals.simulated_ns);
    CHECK(par.cycles.size() == ser.cycles.size());
  }
}

TEST_CASE("process: on one P, wall time is the sum of mutator, assist, worker, STW and sweep CPU" *
          doctest::test_suite("sched")) {
  // A ring with GC cycles and assists: every ns of the one P goes to exactly one of these.
  testing::VectorSource src(testing::ring_events(65536, 128, 1 << 20));
  RuntimeSettings rt;
  rt.gomaxprocs = 1;
  pacer::GoPacer p(pacer::GoPacerParams{}, rt);
  ProcessSettings s;
  s.runtime = rt;
  GoProcess proc(s, src, p);
  stats::RunRecord r = proc.run();
  REQUIRE(r.cycles.size() >= 5);
  double assist = 0, worker = 0, stw = 0, sweep_at_start = 0;
  for (const auto& c : r.cycles) {
    assist += c.assist_cpu_ns;
    worker += c.background_cpu_ns + c.idle_cpu_ns;
    stw += static_cast<double>(c.stw_sweep_term_ns() + c.stw_mark_term_ns());
    sweep_at_start += c.spans_swept_at_start * s.cost.sweep_ns_per_span;
  }
  // Assists are large enough that counting them twice (or not at all) would break the sum.
  CHECK(assist > 0.01 * static_cast<double>(r.totals.simulated_ns));
  double accounted = r.totals.mutator_cpu_ns + assist + worker + stw + sweep_at_start;
  CHECK(accounted == doctest::Approx(static_cast<double>(r.totals.simulated_ns)).epsilon(0.002));
}

namespace {

// An 8 MiB ring of 64-byte objects at GOMAXPROCS=2 (one goroutine, an idle P): marks last a few ms,
// well under the 10 ms preemption quantum, and cycles come every few ms.
stats::RunRecord short_marks(const SchedulerSettings& sc, uint64_t seed) {
  return run(testing::ring_events(1u << 17, 64, 1u << 22), sc, 2, seed);
}

double fractional_cpu_ns(const stats::RunRecord& r) {
  double ns = 0;
  for (const auto& c : r.cycles) ns += c.background_cpu_ns;
  return ns;
}

}  // namespace

TEST_CASE("preemption: sysmon's clock runs across cycles, so marks shorter than the quantum see "
          "fractional bursts; scheduling noise is seeded" * doctest::test_suite("sched")) {
  SchedulerSettings sc;
  const stats::RunRecord a = short_marks(sc, 1);
  REQUIRE(a.cycles.size() > 20);
  double longest_mark_ns = 0, mark_ns = 0;
  for (const auto& c : a.cycles) {
    longest_mark_ns = std::max(longest_mark_ns, static_cast<double>(c.mark_ns()));
    mark_ns += static_cast<double>(c.mark_ns());
  }
  CHECK(longest_mark_ns < static_cast<double>(sc.quantum_ns));
  // The idle P runs the idle worker, but a preemption landing in a mark makes both Ps top up their
  // fractional time (pollFractionalWorkerExit: 1.2 x 25 % of the mark so far each): some cycles
  // have background CPU, and no P can have more than its 30 %.
  const double frac = fractional_cpu_ns(a);
  CHECK(frac > 0);
  CHECK(frac <= 2 * 0.3 * mark_ns);
  int with_burst = 0;
  for (const auto& c : a.cycles) with_burst += c.background_cpu_ns > 0;
  CHECK(with_burst > 0);
  CHECK(with_burst < static_cast<int>(a.cycles.size()));
  // Same seed: identical; another noise seed on the same trace: other burst placement.
  const stats::RunRecord b = short_marks(sc, 1);
  CHECK(fractional_cpu_ns(b) == frac);
  CHECK(b.cycles.size() == a.cycles.size());
  SchedulerSettings other = sc;
  other.noise_seed = 2;
  CHECK(fractional_cpu_ns(short_marks(other, 1)) != frac);
  // The noise seed overrides the experiment's seed.
  CHECK(fractional_cpu_ns(short_marks(other, 5)) == fractional_cpu_ns(short_marks(other, 1)));
}

TEST_CASE("serial mode: a handoff during a mark is a scheduling point where the mutator's P tops up its "
          "fractional time; the idle P keeps its idle worker" * doctest::test_suite("sched")) {
  // 4 goroutines take turns, one event each (a handoff at every event), with a live heap large
  // enough for marks of a few hundred µs.
  using workload::EventKind;
  std::vector<workload::TraceEvent> ev;
  for (uint32_t g = 1; g <= 4; ++g) ev.push_back({EventKind::kGoStart, false, g, 0, 0, 0, 0});
  const uint32_t live = 1u << 16;
  uint32_t id = 1;
  for (uint32_t r = 0; r < (1u << 20); ++r) {
    const uint32_t g = 1 + r % 4;
    ev.push_back({EventKind::kAlloc, true, g, id, 0, 128, 0});
    if (id > live) ev.push_back({EventKind::kFree, false, g, id - live, 0, 0, 0});
    ++id;
  }
  const stats::RunRecord r = run(ev, Mode::kSerial, 2);
  REQUIRE(r.cycles.size() > 5);
  double background_ns = 0;
  for (const auto& c : r.cycles) {
    background_ns += c.background_cpu_ns;
    // One P runs the fractional worker, until 1.2 x 25 % of the mark so far (pollFractionalWorkerExit),
    // whose clock starts at gcController.markStartTime, the start of sweep termination.
    CHECK(c.background_cpu_ns <= 0.3 * static_cast<double>(c.mark_ns() + c.stw_sweep_term_ns()) + 2000.0);
    CHECK(c.idle_cpu_ns > 0);  // the other P's idle worker keeps marking
  }
  CHECK(background_ns > 0);
}
