// SPDX-License-Identifier: MIT
// Reliability of the simulated process: phase invariants, resource guards (memory budget, object
// size, heap size, simulated time), each able to fail.
#include <doctest/doctest.h>

#include <string>

#include "models/pacer/go_pacer.hpp"
#include "models/process/go_process.hpp"
#include "models/process/invariants.hpp"
#include "sim/config/config_error.hpp"
#include "tests/models/vector_source.hpp"

using namespace gcsim;
using workload::EventKind;
using workload::TraceEvent;

namespace {

TraceEvent alloc_ev(uint32_t id, uint64_t bytes) {
  TraceEvent e;
  e.kind = EventKind::kAlloc;
  e.object_id = id;
  e.size_bytes = bytes;
  e.pointerful = true;
  return e;
}

TraceEvent work_ev(uint64_t ns) {
  TraceEvent e;
  e.kind = EventKind::kWork;
  e.value = ns;
  return e;
}

std::string run_error(std::vector<TraceEvent> events, uint64_t budget = uint64_t{4} << 30) {
  testing::VectorSource src(std::move(events));
  RuntimeSettings rt;
  rt.gomaxprocs = 2;
  pacer::GoPacer p(pacer::GoPacerParams{}, rt);
  ProcessSettings s;
  s.runtime = rt;
  s.max_memory_bytes = budget;
  GoProcess proc(s, src, p);
  try {
    proc.run();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_SUITE("gc") {
  TEST_CASE("invariant checks are compiled into test builds") { CHECK(invariant_checks_built_in()); }

  TEST_CASE("phase invariants pass on a real run and catch broken records") {
    // A real cycle: the checks run inside GoProcess after every phase (built in); no throw.
    testing::VectorSource src(testing::ring_events(4096, 128, 200000));
    RuntimeSettings rt;
    pacer::GoPacer p(pacer::GoPacerParams{}, rt);
    ProcessSettings s;
    s.runtime = rt;
    GoProcess proc(s, src, p);
    stats::RunRecord r = proc.run();
    REQUIRE(r.cycles.size() >= 3);

    // The same checks on doctored records must fail.
    alloc::Heap heap(alloc::SizeClassTable::get(), 1);
    for (uint32_t i = 0; i < 100; ++i) heap.alloc(i, 128, true, 0, false);
    stats::CycleRecord c;
    c.cycle = 7;
    PhaseInvariants inv;
    inv.after_sweep_termination(heap, c);
    c.heap_marked_bytes = heap.figures().live_slot_bytes;  // exactly live at start: fine
    c.next_trigger_bytes = 100;
    c.next_goal_bytes = 200;
    CHECK_NOTHROW(inv.after_mark_termination(heap, c));
    c.heap_marked_bytes += 1;  // marked more than was live + allocated
    CHECK_THROWS_WITH_AS(inv.after_mark_termination(heap, c),
                         doctest::Contains("cycle 7, after mark termination: marked"), InvariantError);
    c.heap_marked_bytes -= 1;
    c.next_trigger_bytes = 201;  // trigger above goal
    CHECK_THROWS_WITH_AS(inv.after_mark_termination(heap, c), doctest::Contains("trigger 201 > goal 200"),
                         InvariantError);
    c.next_trigger_bytes = 100;
    c.mark_term_ns = 50;
    c.end_ns = 40;  // time going backwards within a cycle
    CHECK_THROWS_AS(inv.after_cycle_end(heap, c), InvariantError);
    c.end_ns = 60;
    CHECK_NOTHROW(inv.after_cycle_end(heap, c));
  }

  TEST_CASE("resource guard: a live set over sim.max_memory_bytes stops with a clear error") {
    std::vector<TraceEvent> ev;
    for (uint32_t i = 0; i < 40000; ++i) ev.push_back(alloc_ev(i, 16));
    // 40000 ids × 64 B = 2.4 MiB: over a 1 MiB budget, under the default.
    std::string err = run_error(ev, 1 << 20);
    CHECK(err.find("sim.max_memory_bytes: the workload's live set needs more simulator memory than the budget "
                   "of 1 MiB") == 0);
    CHECK(run_error(ev).empty());
  }

  TEST_CASE("resource guard: the span table counts against the budget too") {
    // Large objects: one span each, few object ids.
    std::vector<TraceEvent> ev;
    for (uint32_t i = 0; i < 30000; ++i) ev.push_back(alloc_ev(i, 40000));
    CHECK(run_error(ev, 2 << 20).find("sim.max_memory_bytes:") == 0);
  }

  TEST_CASE("regression: objects of 4 GiB or more were a logic_error (exit 3), now bad input") {
    std::string err = run_error({alloc_ev(0, uint64_t{5} << 30)});
    CHECK(err.find("workload: an object of 5368709120 bytes: the simulator models objects up to") == 0);
    CHECK(run_error({alloc_ev(0, uint64_t{4} << 30 >> 1)}).empty());  // 2 GiB is fine
  }

  TEST_CASE("resource guard: the simulated heap stops at 2^48 bytes instead of overflowing counters") {
    std::vector<TraceEvent> ev;
    for (uint32_t i = 0; i < 70000; ++i) ev.push_back(alloc_ev(i, (uint64_t{4} << 30) - (64 << 10)));
    CHECK(run_error(ev).find("workload: the simulated heap would exceed 2^48 bytes") == 0);
  }

  TEST_CASE("regression: simulated time overflowing int64 (time going backwards) is bad input") {
    // 8200 × 2^50 ns > 2^63: int64 time used to wrap to negative values.
    std::vector<TraceEvent> ev(8200, work_ev(uint64_t{1} << 50));
    CHECK(run_error(ev).find("vector: simulated time passed 2^62 ns") == 0);
    std::vector<TraceEvent> ok(100, work_ev(uint64_t{1} << 50));
    CHECK(run_error(ok).empty());
  }
}
