// SPDX-License-Identifier: MIT
// Unit tests of the pieces the concept scenarios add: the gc/memstats trace events, runtime.GC() and
// ReadMemStats in the simulated process, and the concept-* generators' Go mirrors.
#include <doctest/doctest.h>

#include <cmath>

#include "models/pacer/go_pacer.hpp"
#include "models/process/go_process.hpp"
#include "models/stats/memstats.hpp"
#include "models/stats/writers.hpp"
#include "sim/config/config_error.hpp"
#include "tests/models/vector_source.hpp"
#include "tests/workloads/workload_test_util.hpp"
#include "workloads/generators/concepts/concept_generator.hpp"
#include "workloads/trace_binary.hpp"
#include "workloads/trace_open.hpp"
#include "workloads/trace_text.hpp"
#include "workloads/workload_factory.hpp"

using namespace gcsim;
using workload::EventKind;
using workload::TraceEvent;
namespace cw = gcsim::workload::concepts;

namespace {

constexpr uint64_t MiB = 1 << 20;

stats::RunRecord run_events(std::vector<TraceEvent> ev, int gogc) {
  testing::VectorSource src(std::move(ev));
  RuntimeSettings rt;
  rt.gomaxprocs = 2;
  rt.gc_percent = gogc;
  pacer::GoPacer p(pacer::GoPacerParams{}, rt);
  ProcessSettings s;
  s.runtime = rt;
  s.check_invariants = true;
  GoProcess proc(s, src, p);
  return proc.run();
}

std::vector<TraceEvent> drain(const char* kind, const config::Json& params) {
  auto src = workload::make_generator(kind, params, "p", 1);
  return workload::test::read_all(*src, 4096);
}

}  // namespace

TEST_SUITE("concepts") {
  TEST_CASE("trace: gc and memstats events round-trip through text and binary traces") {
    workload::test::TempDir dir;
    const std::string text = "gcsim-trace 1\nalloc 5 0 64 ptr\ngc 3\nmemstats 7\nfree 5\n";
    workload::test::write_file(dir.file("a.gct"), text);
    auto events = workload::test::read_all(*workload::open_trace(dir.file("a.gct")));
    REQUIRE(events.size() == 4);
    CHECK(events[1].kind == EventKind::kForceGc);
    CHECK(events[1].goroutine == 3);
    CHECK(events[2].kind == EventKind::kMemStats);
    CHECK(events[2].goroutine == 7);
    {
      workload::BinaryTraceWriter w(dir.file("a.gctb"));
      w.write_batch(events.data(), events.size());
      w.close();
    }
    {
      workload::TextTraceWriter w(dir.file("b.gct"));
      w.write_batch(events.data(), events.size());
      w.close();
    }
    for (const char* f : {"a.gctb", "b.gct"}) {
      auto back = workload::test::read_all(*workload::open_trace(dir.file(f)));
      REQUIRE(back.size() == events.size());
      for (size_t i = 0; i < back.size(); ++i) CHECK(workload::test::same_event(back[i], events[i]));
    }
    CHECK(workload::test::read_file(dir.file("b.gct")).find("gc 3\nmemstats 7\n") != std::string::npos);
    workload::test::write_file(dir.file("bad.gct"), "gcsim-trace 1\ngc\n");
    CHECK_THROWS_WITH_AS(workload::test::read_all(*workload::open_trace(dir.file("bad.gct"))),
                         doctest::Contains("expected 'gc <g>'"), TraceError);
  }

  TEST_CASE("runtime.GC(): a forced full cycle frees only unreachable objects, even with GOGC=off") {
    // 100 kept + 300 dropped 64 KiB... small objects: 1 KiB each.
    std::vector<TraceEvent> ev;
    for (uint32_t i = 0; i < 400; ++i) ev.push_back(cw::ev_alloc(0, i, 1024, true));
    for (uint32_t i = 100; i < 400; ++i) ev.push_back(cw::ev_free(i));
    ev.push_back(cw::ev_memstats(0));
    ev.push_back(cw::ev_gc(0));
    ev.push_back(cw::ev_memstats(0));
    ev.push_back(cw::ev_gc(0));
    ev.push_back(cw::ev_memstats(0));
    stats::RunRecord r = run_events(ev, -1);
    REQUIRE(r.cycles.size() == 2);
    CHECK(r.cycles[0].forced);
    CHECK(r.cycles[1].forced);
    REQUIRE(r.memstats.size() == 3);
    CHECK(r.memstats[0].heap_alloc == 400 * 1024);
    CHECK(r.memstats[0].num_gc == 0);
    // runtime.GC() returns after the sweep: only the referenced 100 objects are left.
    CHECK(r.memstats[1].heap_alloc == 100 * 1024);
    CHECK(r.memstats[1].num_gc == 1);
    CHECK(r.memstats[1].num_forced_gc == 1);
    CHECK(r.memstats[2].heap_alloc == 100 * 1024);  // still referenced: a second GC frees nothing
    CHECK(r.memstats[2].heap_objects == 100);
    // PauseNs ring: the last cycle's two STW pauses at (NumGC+255)%256; PauseTotalNs is their sum.
    const auto& m = r.memstats[2];
    CHECK(m.pause_ns[(m.num_gc + 255) % 256] ==
          static_cast<uint64_t>(r.cycles[1].stw_sweep_term_ns() + r.cycles[1].stw_mark_term_ns()));
    CHECK(m.pause_total_ns == static_cast<uint64_t>(r.pauses_ns[0] + r.pauses_ns[1] + r.pauses_ns[2] + r.pauses_ns[3]));
    CHECK(m.last_gc == r.cycles[1].end_ns);
    CHECK(stats::gctrace_line(r.cycles[0]).ends_with(" (forced)"));
  }

  TEST_CASE("runtime.GC() during a cycle waits for it, then runs its own") {
    // 1 KiB pointerful objects: the first cycle triggers near 4 MiB (the minimum heap goal); the
    // program calls runtime.GC() a little later, while that cycle is still marking.
    std::vector<TraceEvent> ev;
    for (uint32_t i = 0; i < 4000; ++i) ev.push_back(cw::ev_alloc(0, i, 1024, true));
    ev.push_back(cw::ev_memstats(0));
    ev.push_back(cw::ev_gc(0));
    ev.push_back(cw::ev_memstats(0));
    stats::RunRecord r = run_events(ev, 100);
    REQUIRE(r.cycles.size() == 2);
    REQUIRE(r.memstats.size() == 2);
    // The call came during cycle 1 (started, not finished) ...
    REQUIRE(r.cycles[0].start_ns < r.memstats[0].t_ns);
    REQUIRE(r.memstats[0].num_gc == 0);
    CHECK_FALSE(r.cycles[0].forced);
    // ... so it waited for it, then ran a full forced cycle of its own before returning.
    CHECK(r.cycles[1].forced);
    CHECK(r.cycles[1].start_ns >= r.cycles[0].end_ns);
    CHECK(r.memstats[1].num_gc == 2);
    CHECK(r.memstats[1].num_forced_gc == 1);
    CHECK(r.memstats[1].t_ns >= r.cycles[1].end_ns);
    CHECK(r.memstats[1].heap_alloc == 4000 * 1024);  // everything is still referenced
  }

  TEST_CASE("memstats.jsonl: one object per snapshot with MemStats names") {
    stats::MemStatsSnapshot m;
    m.heap_alloc = 42;
    m.num_gc = 1;
    m.pause_ns[0] = 7;
    std::ostringstream os;
    stats::write_memstats_jsonl(os, {m, m});
    std::istringstream is(os.str());
    std::string line;
    int n = 0;
    while (std::getline(is, line)) {
      auto j = config::Json::parse(line);
      CHECK(j["heap_alloc"] == 42);
      CHECK(j["pause_ns"].size() == 256);
      CHECK(j["pause_ns"][0] == 7);
      ++n;
    }
    CHECK(n == 2);
  }

  TEST_CASE("concept params: strict keys, ranges, defaults resolved") {
    CHECK_THROWS_WITH_AS(drain("concept-subslice", {{"copy_ot", true}}), doctest::Contains("copy_ot"), ConfigError);
    CHECK_THROWS_WITH_AS(drain("concept-map", {{"value_bytes", 129}}), doctest::Contains("value_bytes"), ConfigError);
    config::Json r = workload::resolved_workload({{"kind", "concept-escape"}}, "w");
    CHECK(r["params"]["escape"] == true);
    CHECK(r["params"]["requests"] == 200000);
  }

  TEST_CASE("concept sources know their exact object-id bound (for workload.replayer_table)") {
    for (const auto& k : cw::concept_kinds()) {
      CAPTURE(k.kind);
      config::Json small = {{"kind", k.kind}, {"params", config::Json::object()}};
      auto src = workload::make_workload(small, "w", 1, "");
      const uint32_t bound = src->object_id_bound();
      uint32_t max_id = 0;
      bool any = false;
      for (const auto& e : workload::test::read_all(*src, 4096))
        if (e.kind == EventKind::kAlloc || e.kind == EventKind::kPoolGet) {
          max_id = std::max(max_id, e.object_id);
          any = true;
        }
      REQUIRE(any);
      CHECK(bound == max_id + 1);
    }
    config::Json with_table = {{"kind", "concept-forced-gc"}, {"replayer_table", true}};
    CHECK_NOTHROW(workload::make_workload(with_table, "w", 1, ""));
  }

  TEST_CASE("concept-escape: the trace marks which values escape") {
    auto heap = drain("concept-escape", {{"requests", 10}, {"live_bytes", 0}, {"values_per_request", 3}});
    auto stack = drain("concept-escape", {{"requests", 10}, {"live_bytes", 0}, {"values_per_request", 3}, {"escape", false}});
    auto count = [](const std::vector<TraceEvent>& v, EventKind k) {
      return std::count_if(v.begin(), v.end(), [k](const TraceEvent& e) { return e.kind == k; });
    };
    CHECK(count(heap, EventKind::kAlloc) == 30);
    CHECK(count(heap, EventKind::kFree) == 30);
    CHECK(count(stack, EventKind::kAlloc) == 0);
    CHECK(count(stack, EventKind::kStack) == 20);  // deeper frame, then back
  }

  TEST_CASE("concept-append: capacities follow growslice + roundupsize (Go 1.19)") {
    auto ev = drain("concept-append", {{"slices", 1}, {"elements", 1000}, {"element_bytes", 8}, {"work_ns_per_element", 0}});
    std::vector<uint64_t> sizes;
    for (const auto& e : ev)
      if (e.kind == EventKind::kAlloc) sizes.push_back(e.size_bytes);
    // append to a nil []int64: caps 1, 2, 4, ..., 512 (doubling below 256), then 512 + (512+768)/4 = 832
    // → roundupsize(6656) = 6784 → cap 848; 848 + (848+768)/4 = 1252 → roundupsize(10016) = 10240.
    const std::vector<uint64_t> want = {8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 6784, 10240};
    CHECK(sizes == want);
    auto pre = drain("concept-append", {{"slices", 1}, {"elements", 1000}, {"preallocate", true}});
    CHECK(std::count_if(pre.begin(), pre.end(), [](const TraceEvent& e) { return e.kind == EventKind::kAlloc; }) == 1);
  }

  TEST_CASE("concept-map: bucket arrays as makeBucketArray sizes them; deletes free nothing") {
    auto ev = drain("concept-map", {{"entries", 1000}, {"value_bytes", 8}, {"work_ns_per_op", 0}});
    std::vector<uint64_t> sizes;
    for (const auto& e : ev)
      if (e.kind == EventKind::kAlloc) sizes.push_back(e.size_bytes);
    // bmap = 8 + 8*8 + 8*8 + 8 = 144 B; B = 0..7 (1000 > 6.5*128 = 832 → B = 8); B >= 4 adds 2^(B-4).
    const uint64_t bk = 144;
    const std::vector<uint64_t> want = {48, bk, 2 * bk, 4 * bk, 8 * bk, 17 * bk, 34 * bk, 68 * bk, 136 * bk, 272 * bk};
    CHECK(sizes == want);
    // Every old array is freed once evacuated; the last (live) one and the hmap are never freed.
    CHECK(std::count_if(ev.begin(), ev.end(), [](const TraceEvent& e) { return e.kind == EventKind::kFree; }) ==
          static_cast<long>(want.size()) - 2);
  }

  TEST_CASE("concept-recursion: doubling copies 2 KiB -> max, then halving at GC") {
    auto src = workload::make_workload(
        {{"kind", "concept-recursion"},
         {"params", {{"goroutines", 2}, {"max_stack_bytes", 65536}, {"churn_bytes", 32 * MiB}, {"live_bytes", 0}}}},
        "w", 1, "");
    RuntimeSettings rt;
    rt.gomaxprocs = 2;
    pacer::GoPacer p(pacer::GoPacerParams{}, rt);
    ProcessSettings s;
    s.runtime = rt;
    GoProcess proc(s, *src, p);
    stats::RunRecord r = proc.run();
    uint64_t copies = 0;
    for (const auto& c : r.cycles) copies += c.stack_growth_copies;
    CHECK(copies == 2 * 5);  // 2 -> 4 -> 8 -> 16 -> 32 -> 64 KiB
    REQUIRE(r.cycles.size() >= 6);
    CHECK(r.cycles[0].stacks_bytes == 2048 + 2 * 65536);
    CHECK(r.cycles[1].stacks_bytes == 2048 + 2 * 32768);
    CHECK(r.cycles[5].stacks_bytes == 3 * 2048);
  }

  TEST_CASE("the pointer-write split: a store costs ptr_write_ns outside mark, + write_barrier_ns during it") {
    std::vector<TraceEvent> ev = testing::ring_events(16384, 128, 200000);
    stats::RunRecord r = run_events(ev, 100);
    const auto& t = r.totals;
    REQUIRE(t.ptr_writes == 200000);
    REQUIRE(t.ptr_writes_during_mark > 0);
    uint64_t in_cycles = 0;
    for (const auto& c : r.cycles) in_cycles += c.barrier_writes;
    CHECK(t.ptr_writes_during_mark >= in_cycles);
    CostModel cm;
    CHECK(t.ptr_write_cpu_ns - t.ptr_write_cpu_during_mark_ns ==
          doctest::Approx(cm.ptr_write_ns * static_cast<double>(t.ptr_writes - t.ptr_writes_during_mark)));
    CHECK(t.ptr_write_cpu_during_mark_ns >=
          (cm.ptr_write_ns + cm.write_barrier_ns) * static_cast<double>(t.ptr_writes_during_mark));
    double swept = 0;
    for (const auto& c : r.cycles) swept += c.sweep_cpu_ns;
    CHECK(swept == doctest::Approx(t.sweep_cpu_ns));  // every sweep is attributed to one cycle
  }
}
