// SPDX-License-Identifier: MIT
// Tests of the sync.Pool events: parsing, writing and round trips in both forms, and their id liveness
// (pool_put releases an id like free, pool_get makes one live like alloc).
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "sim/config/config_error.hpp"
#include "tests/workloads/workload_test_util.hpp"
#include "workloads/trace_binary.hpp"
#include "workloads/trace_cli.hpp"
#include "workloads/trace_text.hpp"

using namespace gcsim::workload;
using gcsim::TraceError;
using gcsim::workload::test::StreamSummary;
using gcsim::workload::test::TempDir;

namespace {

struct Failure {
  std::string where;
  std::string what;
};

template <typename Reader>
Failure read_failure(const std::string& path, const std::string& content) {
  test::write_file(path, content);
  try {
    Reader r(path);
    test::read_all(r);
  } catch (const TraceError& e) {
    return {e.where(), e.detail()};
  }
  return {};
}

std::string binary_header(uint32_t bound = 0) {
  std::string s = "GCSIMTRC";
  for (uint32_t v : {1u, 0u, bound})
    for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

std::string rec(uint8_t tag, std::initializer_list<uint64_t> fields) {
  std::string s(1, static_cast<char>(tag));
  for (uint64_t v : fields) {
    while (v >= 0x80) {
      s += static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    s += static_cast<char>(v);
  }
  return s;
}

void copy(EventSource& in, EventSink& out) {
  std::vector<TraceEvent> buf(3);
  while (size_t n = in.next_batch(buf.data(), buf.size())) out.write_batch(buf.data(), n);
  out.close();
}

/// A request loop over one pool: labels are reused after pool_put, and a pooled label is taken
/// by a later alloc.
const char* kPoolText =
    "gcsim-trace 1\n"
    "alloc 900 1 64 ptr\n"
    "pool_get 1 7 500 32768 noscan   # miss or hit: the simulator decides\n"
    "write 1\n"
    "pool_put 1 7 500\n"
    "pool_get 2 7 500 32768 noscan\n"  // the label is free again after the put
    "pool_get 2 4294967295 501 16 ptr\n"
    "free 900\n"
    "pool_put 2 7 500\n"
    "alloc 500 2 8 noscan\n"  // a pooled object's label may be reused by an alloc
    "pool_put 3 4294967295 501\n";

}  // namespace

TEST_SUITE("workloads") {
  TEST_CASE("pool events: text parsing gives fields and dense ids; put releases, get assigns") {
    TempDir dir;
    test::write_file(dir.file("p.gct"), kPoolText);
    TextTraceReader r(dir.file("p.gct"));
    auto ev = test::read_all(r, 2);
    REQUIRE(ev.size() == 10);
    CHECK(ev[0].kind == EventKind::kAlloc);
    CHECK(ev[0].object_id == 0);
    CHECK(ev[1].kind == EventKind::kPoolGet);
    CHECK(ev[1].goroutine == 1);
    CHECK(ev[1].pool == 7);
    CHECK(ev[1].object_id == 1);
    CHECK(ev[1].size_bytes == 32768);
    CHECK_FALSE(ev[1].pointerful);
    CHECK(ev[3].kind == EventKind::kPoolPut);
    CHECK(ev[3].goroutine == 1);
    CHECK(ev[3].pool == 7);
    CHECK(ev[3].object_id == 1);
    CHECK(ev[3].size_bytes == 0);
    CHECK(ev[4].kind == EventKind::kPoolGet);
    CHECK(ev[4].object_id == 1);  // the id released by the put is reused
    CHECK(ev[5].pool == 4294967295u);
    CHECK(ev[5].object_id == 2);
    CHECK(ev[5].pointerful);
    CHECK(ev[5].size_bytes == 16);
    CHECK(ev[6].kind == EventKind::kFree);
    CHECK(ev[6].object_id == 0);
    CHECK(ev[7].object_id == 1);
    CHECK(ev[8].kind == EventKind::kAlloc);
    CHECK(ev[8].object_id == 1);  // LIFO: the id put last comes back first
    CHECK(ev[9].kind == EventKind::kPoolPut);
    CHECK(ev[9].object_id == 2);
    CHECK(r.ids_issued() == 3);  // peak program-owned objects
    CHECK(r.live_objects() == 1);
  }

  TEST_CASE("pool events: text writer format and text -> binary -> text round trip") {
    TempDir dir;
    {
      TextTraceWriter w(dir.file("w.gct"));
      w.write(TraceEvent{.kind = EventKind::kPoolGet, .pointerful = true, .goroutine = 4, .object_id = 3, .pool = 9,
                         .size_bytes = 1024});
      w.write(TraceEvent{.kind = EventKind::kPoolPut, .goroutine = 4, .object_id = 3, .pool = 9});
      w.write(TraceEvent{.kind = EventKind::kPoolGet, .goroutine = 5, .object_id = 0, .pool = 0, .size_bytes = 1});
      w.close();
    }
    CHECK(test::read_file(dir.file("w.gct")) ==
          "gcsim-trace 1\npool_get 4 9 3 1024 ptr\npool_put 4 9 3\npool_get 5 0 0 1 noscan\n");

    test::write_file(dir.file("a.gct"), kPoolText);
    std::vector<TraceEvent> original;
    {
      TextTraceReader r(dir.file("a.gct"));
      original = test::read_all(r);
    }
    {
      TextTraceReader r(dir.file("a.gct"));
      BinaryTraceWriter w(dir.file("a.gctb"));
      copy(r, w);
      CHECK(w.object_id_bound() == 3);  // pool_get ids count towards the bound
    }
    BinaryTraceReader b(dir.file("a.gctb"));
    CHECK(b.object_id_bound() == 3);
    auto from_binary = test::read_all(b);
    REQUIRE(from_binary.size() == original.size());
    for (size_t i = 0; i < original.size(); ++i) {
      CAPTURE(i);
      CHECK(test::same_event(original[i], from_binary[i]));
    }
    {
      BinaryTraceReader b2(dir.file("a.gctb"));
      TextTraceWriter w(dir.file("b.gct"));
      copy(b2, w);
    }
    TextTraceReader t(dir.file("b.gct"));
    auto again = test::read_all(t);
    REQUIRE(again.size() == original.size());
    for (size_t i = 0; i < original.size(); ++i) CHECK(test::same_event(original[i], again[i]));
  }

  TEST_CASE("pool events: binary record encoding follows TRACE_FORMAT.md") {
    TempDir dir;
    BinaryTraceWriter w(dir.file("x.gctb"));
    w.write(TraceEvent{.kind = EventKind::kPoolGet, .pointerful = true, .goroutine = 3, .object_id = 1, .pool = 300,
                       .size_bytes = 200});
    w.write(TraceEvent{.kind = EventKind::kPoolGet, .goroutine = 3, .object_id = 0, .pool = 2, .size_bytes = 5});
    w.write(TraceEvent{.kind = EventKind::kPoolPut, .goroutine = 3, .object_id = 1, .pool = 300});
    w.close();
    CHECK(test::read_file(dir.file("x.gctb")) == binary_header(2) + rec(0x89, {3, 300, 1, 200}) +
                                                     rec(0x09, {3, 2, 0, 5}) + rec(0x08, {3, 300, 1}));
    BinaryTraceReader r(dir.file("x.gctb"));
    auto ev = test::read_all(r);
    REQUIRE(ev.size() == 3);
    CHECK(ev[0].kind == EventKind::kPoolGet);
    CHECK(ev[0].pointerful);
    CHECK(ev[0].pool == 300);
    CHECK(ev[0].object_id == 1);
    CHECK(ev[0].size_bytes == 200);
    CHECK_FALSE(ev[1].pointerful);
    CHECK(ev[2].kind == EventKind::kPoolPut);
    CHECK(ev[2].pool == 300);
    CHECK(ev[2].object_id == 1);
  }

  TEST_CASE("pool events: text liveness errors name file:line (put = free, get = alloc)") {
    TempDir dir;
    const std::string f = dir.file("t.gct");
    const std::string h = "gcsim-trace 1\n";
    struct Case {
      const char* name;
      std::string content;
      int line;
      const char* needle;
    };
    const Case cases[] = {
        {"alloc of a live id", h + "alloc 7 0 8 ptr\nalloc 7 0 8 ptr\n", 3, "alloc: object 7 is already live"},
        {"alloc of an id got from a pool", h + "pool_get 0 1 7 8 ptr\nalloc 7 0 8 ptr\n", 3,
         "alloc: object 7 is already live"},
        {"get of an allocated id", h + "alloc 7 0 8 ptr\n# c\npool_get 0 1 7 8 ptr\n", 4,
         "pool_get: object 7 is already live"},
        {"get of a got id", h + "pool_get 0 1 7 8 ptr\npool_get 0 1 7 8 ptr\n", 3, "pool_get: object 7 is already live"},
        {"put of a never-seen id", h + "pool_put 0 1 3\n", 2, "pool_put: object 3 is not live"},
        {"put of a freed id", h + "alloc 3 0 8 ptr\nfree 3\npool_put 0 1 3\n", 4, "pool_put: object 3 is not live"},
        {"put twice", h + "alloc 3 0 8 ptr\npool_put 0 1 3\npool_put 0 1 3\n", 4, "pool_put: object 3 is not live"},
        {"free after put", h + "pool_get 0 1 3 8 ptr\npool_put 0 1 3\nfree 3\n", 4, "free: object 3 is not live"},
        {"get too few fields", h + "pool_get 0 1 3 8\n", 2,
         "expected 'pool_get <g> <pool> <obj> <size_bytes> ptr|noscan', got 4 fields"},
        {"get too many fields", h + "pool_get 0 1 3 8 ptr x\n", 2, "got 6 fields"},
        {"put too few fields", h + "pool_put 0 1\n", 2, "expected 'pool_put <g> <pool> <obj>', got 2 fields"},
        {"get bad scan word", h + "pool_get 0 1 3 8 scan\n", 2, "pool_get: last field must be 'ptr' or 'noscan'"},
        {"get size zero", h + "pool_get 0 1 3 0 ptr\n", 2, "pool_get: size_bytes must be in [1, 1099511627776], got 0"},
        {"pool out of range", h + "pool_put 0 4294967296 3\n", 2, "pool_put: pool must be in [0, 4294967295]"},
        {"pool not a number", h + "pool_get 0 p 3 8 ptr\n", 2, "pool 'p' is not a non-negative decimal integer"},
        {"unknown keyword lists pool events", h + "pool_new 1\n", 2, "pool_put, pool_get"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.name);
      Failure fail = read_failure<TextTraceReader>(f, c.content);
      CHECK(fail.where == f + ":" + std::to_string(c.line));
      CHECK_MESSAGE(fail.what.find(c.needle) != std::string::npos, fail.what);
    }
  }

  TEST_CASE("pool events: binary liveness errors name file:byte N") {
    TempDir dir;
    const std::string f = dir.file("e.gctb");
    const std::string h = binary_header();
    const size_t r0 = 20;
    const std::string get0 = rec(0x89, {1, 2, 0, 64});  // 5 bytes
    struct Case {
      const char* name;
      std::string bytes;
      size_t offset;
      const char* needle;
    };
    const Case cases[] = {
        {"alloc of a got id", h + get0 + rec(0x00, {0, 1, 8}), r0 + get0.size(), "alloc: object id 0 is already live"},
        {"get of an allocated id", h + rec(0x00, {0, 1, 8}) + rec(0x09, {1, 2, 0, 8}), r0 + 4,
         "pool_get: object id 0 is already live"},
        {"put of a non-live id", h + rec(0x08, {1, 2, 0}), r0, "pool_put: object id 0 is not live"},
        {"put twice", h + get0 + rec(0x08, {1, 2, 0}) + rec(0x08, {1, 2, 0}), r0 + get0.size() + 4,
         "pool_put: object id 0 is not live"},
        {"free after put", h + get0 + rec(0x08, {1, 2, 0}) + rec(0x01, {0}), r0 + get0.size() + 4,
         "free: object id 0 is not live"},
        {"pointer bit on put", h + get0 + rec(0x88, {1, 2, 0}), r0 + get0.size(), "unknown record tag 0x88"},
        {"truncated get", h + get0.substr(0, 4), r0, "truncated record: the file ends inside a 'pool_get' record"},
        {"pool out of range", h + rec(0x08, {1, uint64_t{1} << 32, 0}), r0, "pool_put: pool must be in [0, 4294967295]"},
        {"get size zero", h + rec(0x09, {1, 2, 0, 0}), r0, "pool_get: size_bytes must be in [1,"},
        {"get above header bound", binary_header(1) + rec(0x09, {1, 2, 1, 8}), r0,
         "not below the header's object_id_bound 1"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.name);
      Failure fail = read_failure<BinaryTraceReader>(f, c.bytes);
      CHECK(fail.where == f + ":byte " + std::to_string(c.offset));
      CHECK_MESSAGE(fail.what.find(c.needle) != std::string::npos, fail.what);
    }
  }

  TEST_CASE("pool events: trace stats counts them and treats get/put as owned-object start/end") {
    TempDir dir;
    test::write_file(dir.file("p.gct"), kPoolText);
    std::ostringstream out, err;
    REQUIRE(run_trace_command({"stats", dir.file("p.gct")}, out, err) == 0);
    CHECK(err.str().empty());
    const std::string s = out.str();
    for (const char* line :
         {"events 10\n", "events_alloc 2\n", "events_free 1\n", "events_pool_put 3\n", "events_pool_get 3\n",
          "alloc_bytes 72\n", "pool_get_bytes 65552\n", "pool_put_bytes 65552\n", "pools 2\n",
          "peak_live_bytes 32848\n", "peak_live_objects 3\n", "final_live_bytes 8\n", "final_live_objects 1\n",
          "object_id_bound 3\n"}) {
      CAPTURE(line);
      CHECK(s.find(line) != std::string::npos);
    }
  }

  TEST_CASE("TRACE_FORMAT.md: the text-form example (with pool events) is a valid trace") {
    std::ifstream doc(GCSIM_SOURCE_ROOT "/workloads/TRACE_FORMAT.md");
    REQUIRE(doc.good());
    std::string line, example;
    bool in_section = false, in_block = false;
    while (std::getline(doc, line)) {
      if (line.rfind("## ", 0) == 0) in_section = line.rfind("## 3. Text form", 0) == 0;
      if (!in_section) continue;
      if (line.rfind("```", 0) == 0) {
        if (in_block) break;
        in_block = true;
        continue;
      }
      if (in_block) example += line.substr(0, line.find("<-")) + "\n";  // drop the "<- explanation" notes
    }
    TempDir dir;
    test::write_file(dir.file("doc.gct"), example);
    TextTraceReader r(dir.file("doc.gct"));
    StreamSummary s = test::summarize(r);
    CHECK(s.ids_consistent);
    CHECK(s.count(EventKind::kAlloc) == 3);
    CHECK(s.count(EventKind::kPoolGet) == 1);
    CHECK(s.count(EventKind::kPoolPut) == 1);
  }
}
