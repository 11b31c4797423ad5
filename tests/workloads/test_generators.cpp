// SPDX-License-Identifier: MIT
// Tests of the synthetic generators: documented totals, exact id bounds, determinism per seed.
#include <doctest/doctest.h>

#include "sim/config/config_error.hpp"
#include "tests/workloads/workload_test_util.hpp"
#include "workloads/generators/drop_generator.hpp"
#include "workloads/generators/goroutines_generator.hpp"
#include "workloads/generators/growing_generator.hpp"
#include "workloads/generators/mixed_generator.hpp"
#include "workloads/generators/ring_generator.hpp"
#include "workloads/trace_text.hpp"
#include "workloads/workload_factory.hpp"

using namespace gcsim::workload;
using gcsim::ConfigError;
using test::StreamSummary;
using test::TempDir;

namespace {

bool same_stream(EventSource& a, EventSource& b) {
  std::vector<TraceEvent> ba(1000), bb(1000);
  while (true) {
    size_t na = a.next_batch(ba.data(), ba.size());
    size_t nb = b.next_batch(bb.data(), bb.size());
    if (na != nb) return false;
    if (na == 0) return true;
    for (size_t i = 0; i < na; ++i)
      if (!test::same_event(ba[i], bb[i])) return false;
  }
}

}  // namespace

TEST_SUITE("workloads") {
  TEST_CASE("ring: exact event counts, live bytes at end and id bound") {
    RingParams p;
    p.slots = 1000;
    p.total_objects = 5000;
    p.object_bytes = 128;
    p.slot_array_bytes = 8000;
    RingGenerator gen(p);
    CHECK(gen.object_id_bound() == 2 + 1000 + 1);
    StreamSummary s = test::summarize(gen);
    CHECK(s.ids_consistent);
    CHECK(s.count(EventKind::kAlloc) == 5000 + 2);
    CHECK(s.count(EventKind::kPtrWrite) == 5000);
    CHECK(s.write_count == 5000);
    CHECK(s.count(EventKind::kFree) == 4000);
    CHECK(s.count(EventKind::kWork) == 0);
    CHECK(s.count(EventKind::kGlobals) == 0);
    CHECK(s.live_bytes == 1000 * 128 + 2 * 8000);
    CHECK(s.alloc_bytes == 5000 * 128 + 2 * 8000);
    CHECK(s.id_bound == gen.object_id_bound());
  }

  TEST_CASE("ring: globals, work per alloc and round-robin goroutines") {
    RingParams p;
    p.slots = 10;
    p.total_objects = 25;
    p.slot_array_bytes = 0;
    p.common.globals_bytes = 4096;
    p.common.work_ns_per_alloc = 50;
    p.common.goroutines = 3;
    RingGenerator gen(p);
    auto ev = test::read_all(gen, 4);
    REQUIRE(ev.size() == 1 + 25 * 3 + 15);
    CHECK(ev[0].kind == EventKind::kGlobals);
    CHECK(ev[0].value == 4096);
    // Object i: work, alloc, write (+ free once the ring is full), all by goroutine i % 3.
    size_t i = 1;
    for (uint32_t obj = 0; obj < 25; ++obj) {
      CHECK(ev[i].kind == EventKind::kWork);
      CHECK(ev[i].goroutine == obj % 3);
      CHECK(ev[i].value == 50);
      CHECK(ev[i + 1].kind == EventKind::kAlloc);
      CHECK(ev[i + 1].goroutine == obj % 3);
      CHECK(ev[i + 1].pointerful);
      CHECK(ev[i + 2].kind == EventKind::kPtrWrite);
      i += 3;
      if (obj >= 10) {
        CHECK(ev[i].kind == EventKind::kFree);
        ++i;
      }
    }
    CHECK(gen.object_id_bound() == 11);
  }

  TEST_CASE("ring: fewer objects than slots frees nothing") {
    RingParams p;
    p.slots = 100;
    p.total_objects = 40;
    RingGenerator gen(p);
    StreamSummary s = test::summarize(gen);
    CHECK(s.count(EventKind::kFree) == 0);
    CHECK(s.count(EventKind::kAlloc) == 42);
    CHECK(s.id_bound == 42);
    CHECK(gen.object_id_bound() == 42);
  }

  TEST_CASE("ring: defaults are the calibration workload (16,777,216 x 128 B into 524,288 slots)") {
    RingParams p = RingParams::parse(Json::object(), "workload.params");
    RingGenerator gen(p);
    StreamSummary s = test::summarize(gen);
    CHECK(s.ids_consistent);
    CHECK(s.count(EventKind::kAlloc) == 16777216 + 2);
    CHECK(s.count(EventKind::kPtrWrite) == 16777216);
    CHECK(s.count(EventKind::kFree) == 16777216 - 524288);
    CHECK(s.live_bytes == 524288ull * 128 + 2 * 4194304ull);  // 64 MiB + two 4 MiB arrays
    CHECK(s.alloc_bytes == (uint64_t{2} << 30) + 2 * 4194304ull);
    CHECK(s.id_bound == 524288 + 1 + 2);
    CHECK(gen.object_id_bound() == s.id_bound);
  }

  TEST_CASE("ring: params are strict") {
    CHECK_THROWS_WITH_AS(RingParams::parse(Json{{"slotz", 4}}, "w.params"),
                         "w.params.slotz: unknown key (did you mean slots?)", ConfigError);
    CHECK_THROWS_WITH_AS(RingParams::parse(Json{{"slots", 0}}, "w.params"),
                         doctest::Contains("w.params.slots: must be in [1,"), ConfigError);
    CHECK_THROWS_WITH_AS(RingParams::parse(Json{{"pointerful", 1}}, "w.params"),
                         doctest::Contains("w.params.pointerful"), ConfigError);
    Json full = RingParams::parse(Json{{"slots", 8}}, "p").to_json();
    CHECK(full["slots"] == 8);
    CHECK(full["object_bytes"] == 128);
    CHECK(full["goroutines"] == 1);
  }

  TEST_CASE("mixed: deterministic per seed, documented size bands and totals") {
    MixedParams p;
    p.total_objects = 200000;
    p.mean_lifetime_allocs = 1000;
    {
      MixedGenerator a(p, 5), b(p, 5), c(p, 6);
      CHECK(same_stream(a, b));
      MixedGenerator d(p, 5);
      CHECK_FALSE(same_stream(c, d));
    }
    MixedGenerator gen(p, 5);
    const uint32_t bound = gen.object_id_bound();
    std::vector<TraceEvent> buf(4096);
    uint64_t allocs = 0, frees = 0, tiny = 0, large = 0, tiny_ptr = 0, ptr = 0;
    double size_sum = 0;
    while (size_t n = gen.next_batch(buf.data(), buf.size())) {
      for (size_t i = 0; i < n; ++i) {
        const TraceEvent& e = buf[i];
        if (e.kind == EventKind::kFree) ++frees;
        if (e.kind != EventKind::kAlloc) continue;
        ++allocs;
        size_sum += static_cast<double>(e.size_bytes);
        REQUIRE(e.size_bytes >= 1);
        REQUIRE(e.size_bytes <= 262144);
        if (e.size_bytes < 16) {
          ++tiny;
          if (e.pointerful) ++tiny_ptr;
        }
        if (e.size_bytes > 32768) ++large;
        if (e.pointerful) ++ptr;
      }
    }
    CHECK(allocs == p.total_objects);
    CHECK(tiny_ptr == 0);
    CHECK(static_cast<double>(tiny) / static_cast<double>(allocs) == doctest::Approx(0.30).epsilon(0.03));
    CHECK(large > 100);
    CHECK(large < 320);
    CHECK(static_cast<double>(ptr) / static_cast<double>(allocs - tiny) == doctest::Approx(0.7).epsilon(0.03));
    CHECK(size_sum / static_cast<double>(allocs) == doctest::Approx(860).epsilon(0.1));
    // Objects still live at the end ~ mean lifetime (Little's law).
    const double live_end = static_cast<double>(allocs - frees);
    CHECK(live_end == doctest::Approx(1000).epsilon(0.25));
    MixedGenerator again(p, 5);
    StreamSummary s = test::summarize(again);
    CHECK(s.ids_consistent);
    CHECK(s.id_bound == bound);
    CHECK(s.id_bound == s.peak_live_objects);
  }

  TEST_CASE("growing: live set grows linearly to final_live_bytes; totals as documented") {
    GrowingParams p;
    p.initial_live_bytes = 1 << 20;
    p.final_live_bytes = 8 << 20;
    p.total_alloc_bytes = 64 << 20;
    p.object_bytes = 64;
    p.pointerful_fraction = 0.25;
    GrowingGenerator gen(p, 1);
    std::vector<TraceEvent> buf(4096);
    uint64_t alloc_bytes = 0, ptr = 0, allocs = 0;
    bool checked_mid = false;
    while (size_t n = gen.next_batch(buf.data(), buf.size())) {
      for (size_t i = 0; i < n; ++i) {
        if (buf[i].kind != EventKind::kAlloc) continue;
        alloc_bytes += buf[i].size_bytes;
        ++allocs;
        if (buf[i].pointerful) ++ptr;
      }
      if (!checked_mid && alloc_bytes >= (1 << 20) + (63 << 19)) {  // halfway through the growth budget
        checked_mid = true;
        CHECK(static_cast<double>(gen.retained_bytes()) == doctest::Approx(4.5 * (1 << 20)).epsilon(0.01));
      }
    }
    CHECK(checked_mid);
    CHECK(alloc_bytes >= p.total_alloc_bytes);
    CHECK(alloc_bytes < p.total_alloc_bytes + 64);
    CHECK(gen.retained_bytes() >= p.final_live_bytes - 1024);
    CHECK(gen.retained_bytes() <= p.final_live_bytes + 64);
    CHECK(ptr == allocs / 4);
    GrowingGenerator again(p, 1);
    StreamSummary s = test::summarize(again);
    CHECK(s.ids_consistent);
    CHECK(s.live_bytes == gen.retained_bytes() + 16 * 64);  // + the garbage FIFO
    CHECK(s.id_bound == gen.object_id_bound());
  }

  TEST_CASE("growing: size_mix is seeded and validated") {
    Json params = {{"total_alloc_bytes", 1 << 20}, {"final_live_bytes", 1 << 18},
                   {"size_mix", {{{"size_bytes", 16}, {"weight", 3}}, {{"size_bytes", 4096}, {"weight", 1}}}}};
    GrowingParams p = GrowingParams::parse(params, "w.params");
    GrowingGenerator a(p, 3), b(p, 3);
    CHECK(same_stream(a, b));
    GrowingGenerator c(p, 3);
    StreamSummary s = test::summarize(c);
    CHECK(s.ids_consistent);
    CHECK(s.alloc_bytes >= uint64_t{1} << 20);
    CHECK_THROWS_WITH_AS(GrowingParams::parse(Json{{"size_mix", {{{"size_bytes", 0}}}}}, "w.params"),
                         doctest::Contains("w.params.size_mix[0].size_bytes"), ConfigError);
    CHECK_THROWS_WITH_AS(GrowingParams::parse(Json{{"size_mix", {{{"weight", 1}}}}}, "w.params"),
                         doctest::Contains("w.params.size_mix[0].size_bytes: required"), ConfigError);
    CHECK_THROWS_WITH_AS(GrowingParams::parse(Json{{"initial_live_bytes", 10}, {"final_live_bytes", 5}}, "w.params"),
                         doctest::Contains("w.params.final_live_bytes"), ConfigError);
  }

  TEST_CASE("drop: live set built, held, dropped at the given fraction, steady garbage") {
    DropParams p;
    p.live_bytes = 4 << 20;
    p.after_drop_live_bytes = 1 << 20;
    p.drop_at_fraction = 0.5;
    p.total_alloc_bytes = 32 << 20;
    p.object_bytes = 64;
    DropGenerator gen(p);
    std::vector<TraceEvent> buf(4096);
    std::vector<uint64_t> size_of;
    uint64_t alloc_bytes = 0, live = 0, peak = 0, live_before_drop = 0;
    while (size_t n = gen.next_batch(buf.data(), buf.size())) {
      for (size_t i = 0; i < n; ++i) {
        const TraceEvent& e = buf[i];
        if (e.kind == EventKind::kAlloc) {
          if (alloc_bytes < p.total_alloc_bytes / 2) live_before_drop = live + e.size_bytes;
          alloc_bytes += e.size_bytes;
          live += e.size_bytes;
          if (e.object_id >= size_of.size()) size_of.resize(e.object_id + 1);
          size_of[e.object_id] = e.size_bytes;
          peak = std::max(peak, live);
        } else if (e.kind == EventKind::kFree) {
          live -= size_of[e.object_id];
        }
      }
    }
    CHECK(alloc_bytes == p.total_alloc_bytes);
    CHECK(peak >= p.live_bytes);
    CHECK(peak <= p.live_bytes + 17 * 64);
    CHECK(live_before_drop >= p.live_bytes);
    CHECK(live == p.after_drop_live_bytes + 16 * 64);  // kept set + the garbage FIFO
    DropGenerator again(p);
    StreamSummary s = test::summarize(again);
    CHECK(s.ids_consistent);
    CHECK(s.id_bound == gen.object_id_bound());
    CHECK_THROWS_WITH_AS(DropParams::parse(Json{{"live_bytes", 10}, {"after_drop_live_bytes", 20}}, "w.params"),
                         doctest::Contains("w.params.after_drop_live_bytes: must be <= live_bytes"), ConfigError);
  }

  TEST_CASE("ring: stack_bytes gives each goroutine a stack event at the start") {
    RingParams p;
    p.slots = 4;
    p.total_objects = 6;
    p.slot_array_bytes = 0;
    p.stack_bytes = 8192;
    p.common.globals_bytes = 100;
    p.common.goroutines = 11;  // more than one step's worth of stack events
    RingGenerator gen(p);
    auto ev = test::read_all(gen, 5);
    REQUIRE(ev.size() == 1 + 11 + 6 * 2 + 2);
    CHECK(ev[0].kind == EventKind::kGlobals);
    for (uint32_t g = 0; g < 11; ++g) {
      CAPTURE(g);
      CHECK(ev[1 + g].kind == EventKind::kStack);
      CHECK(ev[1 + g].goroutine == g);
      CHECK(ev[1 + g].value == 8192);
    }
    CHECK(ev[12].kind == EventKind::kAlloc);
    CHECK(gen.object_id_bound() == 5);
    CHECK(RingParams::parse(Json::object(), "p").to_json()["stack_bytes"] == 0);
    RingParams none;
    none.total_objects = 3;
    RingGenerator plain(none);
    CHECK(test::summarize(plain).count(EventKind::kStack) == 0);  // default: no stack events
  }

  TEST_CASE("goroutines: the exact stream of a small run with the pool") {
    GoroutinesParams p;
    p.goroutines = 2;
    p.requests = 3;
    p.stack_bytes = 4096;
    p.buffer_bytes = 100;
    p.use_pool = true;
    p.work_ns_per_request = 10;
    p.live_bytes = 600;  // 256 + 256 + 88
    p.objects_per_request = 1;
    TempDir dir;
    {
      GoroutinesGenerator gen(p);
      CHECK(gen.object_id_bound() == 3 + 2 * 2);
      TextTraceWriter w(dir.file("g.gct"));
      std::vector<TraceEvent> buf(3);
      while (size_t n = gen.next_batch(buf.data(), buf.size())) w.write_batch(buf.data(), n);
      w.close();
    }
    CHECK(test::read_file(dir.file("g.gct")) ==
          "gcsim-trace 1\n"
          "alloc 0 0 256 ptr\nwrite 0\nalloc 1 0 256 ptr\nwrite 0\nalloc 2 0 88 ptr\nwrite 0\n"
          "go 1 1024\ngo 2 1024\n"
          // wave 1, phase A of requests 0 (g1) and 1 (g2)
          "stack 1 2048\nstack 1 4096\npool_get 1 0 3 100 noscan\nwrite 1\nalloc 4 1 64 ptr\nwrite 1\nwork 1 5\n"
          "stack 2 2048\nstack 2 4096\npool_get 2 0 5 100 noscan\nwrite 2\nalloc 6 2 64 ptr\nwrite 2\nwork 2 5\n"
          // wave 1, phase B
          "work 1 5\nfree 4\npool_put 1 0 3\nstack 1 1024\n"
          "work 2 5\nfree 6\npool_put 2 0 5\nstack 2 1024\n"
          // wave 2: request 2 on g1
          "stack 1 2048\nstack 1 4096\npool_get 1 0 5 100 noscan\nwrite 1\nalloc 6 1 64 ptr\nwrite 1\nwork 1 5\n"
          "work 1 5\nfree 6\npool_put 1 0 5\nstack 1 1024\n"
          "exit 1\nexit 2\n");
  }

  TEST_CASE("goroutines: documented counts, with and without the pool") {
    for (bool pool : {false, true}) {
      CAPTURE(pool);
      GoroutinesParams p;
      p.goroutines = 100;
      p.requests = 1050;  // 10 full waves and one of 50
      p.live_bytes = 1 << 20;
      p.use_pool = pool;
      GoroutinesGenerator gen(p);
      const uint64_t n = p.requests, k = p.objects_per_request, live = (1 << 20) / 256;
      CHECK(GoroutinesGenerator::stack_levels(p) == std::vector<uint64_t>{2048, 4096, 8192, 16384, 32768, 65536});
      StreamSummary s = test::summarize(gen);
      CHECK(s.ids_consistent);
      CHECK(s.count(EventKind::kGoStart) == 100);
      CHECK(s.count(EventKind::kGoExit) == 100);
      CHECK(s.count(EventKind::kStack) == n * 7);
      CHECK(s.count(EventKind::kAlloc) == live + n * k + (pool ? 0 : n));
      CHECK(s.count(EventKind::kFree) == n * k + (pool ? 0 : n));
      CHECK(s.count(EventKind::kPoolGet) == (pool ? n : 0));
      CHECK(s.count(EventKind::kPoolPut) == (pool ? n : 0));
      CHECK(s.count(EventKind::kPtrWrite) == live + n * (1 + k));
      CHECK(s.count(EventKind::kWork) == 2 * n);
      CHECK(s.count(EventKind::kGlobals) == 0);
      CHECK(s.work_ns == n * 2000);
      CHECK(s.alloc_bytes == (1 << 20) + n * k * 64 + (pool ? 0 : n * 32768));
      CHECK(s.live_bytes == 1 << 20);  // requests leave nothing behind
      CHECK(s.peak_live_bytes == (1 << 20) + 100 * (32768 + k * 64));
      CHECK(s.id_bound == live + 100 * (1 + k));
      CHECK(s.id_bound == gen.object_id_bound());
      CHECK(s.id_bound == s.peak_live_objects);
    }
  }

  TEST_CASE("goroutines: edge cases (no stack, no requests, fewer requests than goroutines, globals)") {
    GoroutinesParams p;
    p.goroutines = 10;
    p.requests = 0;
    p.live_bytes = 0;
    p.stack_bytes = 0;
    p.globals_bytes = 4096;
    {
      GoroutinesGenerator gen(p);
      auto ev = test::read_all(gen);
      REQUIRE(ev.size() == 1 + 10 + 10);
      CHECK(ev[0].kind == EventKind::kGlobals);
      CHECK(ev[1].kind == EventKind::kGoStart);
      CHECK(ev[1].goroutine == 1);
      CHECK(ev[1].value == 0);  // stack_bytes 0: the runtime's default starting stack
      CHECK(ev[20].kind == EventKind::kGoExit);
      CHECK(ev[20].goroutine == 10);
      CHECK(gen.object_id_bound() == 0);
    }
    p.requests = 4;
    p.stack_bytes = 512;  // not above the parked stack: no depth changes
    p.objects_per_request = 0;
    p.work_ns_per_request = 1;  // floor half is 0: only phase B works
    GoroutinesGenerator gen(p);
    StreamSummary s = test::summarize(gen);
    CHECK(s.ids_consistent);
    CHECK(s.count(EventKind::kStack) == 0);
    CHECK(s.count(EventKind::kWork) == 4);
    CHECK(s.work_ns == 4);
    CHECK(s.count(EventKind::kAlloc) == 4);
    CHECK(s.id_bound == 4);
    CHECK(gen.object_id_bound() == 4);
    CHECK(GoroutinesGenerator::stack_levels(GoroutinesParams{.stack_bytes = 5000}) ==
          std::vector<uint64_t>{2048, 4096, 5000});
  }

  TEST_CASE("goroutines: deterministic; the seed does not matter; defaults as documented") {
    GoroutinesParams p;
    p.requests = 5000;
    p.use_pool = true;
    {
      GoroutinesGenerator a(p), b(p);
      CHECK(same_stream(a, b));
    }
    Json w = {{"kind", "goroutines"}, {"params", {{"requests", 5000}, {"use_pool", true}}}};
    auto s1 = make_workload(w, "workload", 1, "");
    auto s2 = make_workload(w, "workload", 99, "");
    CHECK(same_stream(*s1, *s2));
    GoroutinesGenerator c(p);
    auto s3 = make_workload(w, "workload", 1, "");
    CHECK(same_stream(c, *s3));

    GoroutinesParams d = GoroutinesParams::parse(Json::object(), "w.params");
    Json j = d.to_json();
    CHECK(j["goroutines"] == 1000);
    CHECK(j["stack_bytes"] == 65536);
    CHECK(j["requests"] == 200000);
    CHECK(j["buffer_bytes"] == 32768);
    CHECK(j["use_pool"] == false);
    CHECK(j["work_ns_per_request"] == 2000);
    CHECK(j["live_bytes"] == 16 << 20);
    CHECK(j["objects_per_request"] == 8);
    CHECK(j["globals_bytes"] == 0);
    CHECK(GoroutinesParams::parse(j, "w.params").to_json() == j);
    GoroutinesGenerator full(d);
    StreamSummary s = test::summarize(full);
    CHECK(s.ids_consistent);
    CHECK(s.count(EventKind::kGoStart) == 1000);
    CHECK(s.count(EventKind::kPoolGet) == 0);
    CHECK(s.count(EventKind::kAlloc) == 65536 + 200000 * 9);
    CHECK(s.id_bound == 65536 + 1000 * 9);
    CHECK(s.id_bound == full.object_id_bound());
  }

  TEST_CASE("goroutines: params are strict") {
    CHECK_THROWS_WITH_AS(GoroutinesParams::parse(Json{{"use_pools", true}}, "w.params"),
                         "w.params.use_pools: unknown key (did you mean use_pool?)", ConfigError);
    CHECK_THROWS_WITH_AS(GoroutinesParams::parse(Json{{"goroutines", 0}}, "w.params"),
                         doctest::Contains("w.params.goroutines: must be in [1,"), ConfigError);
    CHECK_THROWS_WITH_AS(GoroutinesParams::parse(Json{{"use_pool", "yes"}}, "w.params"),
                         doctest::Contains("w.params.use_pool"), ConfigError);
    CHECK_THROWS_WITH_AS(GoroutinesParams::parse(Json{{"buffer_bytes", 0}}, "w.params"),
                         doctest::Contains("w.params.buffer_bytes: must be in [1,"), ConfigError);
    CHECK_THROWS_WITH_AS(GoroutinesParams::parse(Json{{"stack_bytes", (1 << 30) + 1}}, "w.params"),
                         doctest::Contains("w.params.stack_bytes: must be in [0, 1073741824]"), ConfigError);
    CHECK_THROWS_WITH_AS(
        GoroutinesParams::parse(Json{{"goroutines", 1 << 20}, {"objects_per_request", 4096}}, "w.params"),
        doctest::Contains("w.params.objects_per_request: min(goroutines, requests) x (1 + objects_per_request)"),
        ConfigError);
    CHECK_THROWS_WITH_AS(GoroutinesParams::parse(Json{{"live_bytes", uint64_t{1} << 48}}, "w.params"),
                         doctest::Contains("w.params.live_bytes: too many objects live at once"), ConfigError);
    // Few requests keep the in-flight set small whatever the goroutine count.
    CHECK_NOTHROW(GoroutinesParams::parse(Json{{"goroutines", 1 << 20}, {"objects_per_request", 4096}, {"requests", 10}},
                                          "w.params"));
  }
}
