// SPDX-License-Identifier: MIT
// Streaming test: a 5-million-event trace is read with memory bounded by live objects, not length.
#include <doctest/doctest.h>

#include <charconv>
#include <cstdio>

#include "tests/workloads/workload_test_util.hpp"
#include "workloads/generators/ring_generator.hpp"
#include "workloads/trace_binary.hpp"
#include "workloads/trace_text.hpp"

using namespace gcsim::workload;
using test::TempDir;

namespace {

constexpr uint64_t kSlots = 1000;
constexpr uint64_t kObjects = 1667000;  // 3 * kObjects - kSlots = 5,000,000 events

/// A ring-shaped text trace whose labels never repeat (like allocation sequence numbers), so a
/// reader that remembered every label would grow with trace length.
void write_unique_label_trace(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  std::string chunk = "gcsim-trace 1\n";
  char num[24];
  auto put = [&](uint64_t v) { chunk.append(num, std::to_chars(num, num + sizeof num, v).ptr); };
  for (uint64_t i = 0; i < kObjects; ++i) {
    const uint64_t label = 1000000000000ULL + i * 7919;
    chunk += "alloc ";
    put(label);
    chunk += " 0 128 ptr\nwrite 0\n";
    if (i >= kSlots) {
      chunk += "free ";
      put(label - kSlots * 7919);
      chunk += '\n';
    }
    if (chunk.size() > (1 << 20)) {
      std::fwrite(chunk.data(), 1, chunk.size(), f);
      chunk.clear();
    }
  }
  std::fwrite(chunk.data(), 1, chunk.size(), f);
  std::fclose(f);
}

}  // namespace

TEST_SUITE("workloads") {
  TEST_CASE("streaming: reading 5M events keeps the renumber table bounded by peak live objects") {
    TempDir dir;
    const std::string text = dir.file("long.gct");
    write_unique_label_trace(text);
    TextTraceReader r(text);
    std::vector<TraceEvent> buf(4096);
    uint64_t events = 0;
    size_t max_table = 0;
    size_t max_live = 0;
    while (size_t n = r.next_batch(buf.data(), buf.size())) {
      events += n;
      max_table = std::max(max_table, r.label_table_capacity());
      max_live = std::max(max_live, r.live_objects());
    }
    CHECK(events == 3 * kObjects - kSlots);
    CHECK(max_live == kSlots + 1);
    CHECK(r.ids_issued() == kSlots + 1);       // dense ids: bound == peak live objects
    CHECK(max_table <= 4 * (kSlots + 1) + 1024);  // table sized by live objects, not 1.67M labels
  }

  TEST_CASE("streaming: binary reader's liveness vector is bounded by the id bound") {
    TempDir dir;
    const std::string bin = dir.file("ring.gctb");
    RingParams p;
    p.slots = kSlots;
    p.total_objects = kObjects;
    p.slot_array_bytes = 0;
    {
      RingGenerator gen(p);
      BinaryTraceWriter w(bin);
      std::vector<TraceEvent> buf(4096);
      while (size_t n = gen.next_batch(buf.data(), buf.size())) w.write_batch(buf.data(), n);
      w.close();
    }
    BinaryTraceReader r(bin);
    CHECK(r.object_id_bound() == kSlots + 1);
    std::vector<TraceEvent> buf(4096);
    uint64_t events = 0;
    while (size_t n = r.next_batch(buf.data(), buf.size())) events += n;
    CHECK(events == 3 * kObjects - kSlots);
    CHECK(r.liveness_capacity_bits() <= 1024 + 64);
  }
}
