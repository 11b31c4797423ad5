// SPDX-License-Identifier: MIT
// Tests of the text trace reader and writer: every event kind, comments, and every error case.
#include <doctest/doctest.h>

#include "sim/config/config_error.hpp"
#include "tests/workloads/workload_test_util.hpp"
#include "workloads/trace_text.hpp"

using namespace gcsim::workload;
using gcsim::TraceError;
using gcsim::workload::test::TempDir;

namespace {

struct Failure {
  std::string where;
  std::string what;
};

/// Reads `content` as a text trace; returns the TraceError it raised (where empty if none).
Failure text_failure(const TempDir& dir, const std::string& content) {
  const std::string path = dir.file("t.gct");
  test::write_file(path, content);
  try {
    TextTraceReader r(path);
    test::read_all(r);
  } catch (const TraceError& e) {
    return {e.where(), e.detail()};
  }
  return {};
}

}  // namespace

TEST_SUITE("workloads") {
  TEST_CASE("TextTraceReader: parses every event kind with defaults, comments and blank lines") {
    TempDir dir;
    const std::string path = dir.file("all.gct");
    test::write_file(path,
                     "# a comment before the header\n"
                     "\n"
                     "gcsim-trace 1   # trailing comment\n"
                     "globals 65536\n"
                     "go 3\n"
                     "go 4 8192\n"
                     "  alloc 1000 3 128 ptr\n"
                     "alloc 77 4 8 noscan # tiny\n"
                     "\t\n"
                     "write 3\n"
                     "write 3 5\r\n"
                     "work 4 1500\n"
                     "stack 3 16384\n"
                     "free 1000\n"
                     "exit 4\n"
                     "alloc 5 3 40000 noscan");  // no final newline
    TextTraceReader r(path);
    auto ev = test::read_all(r, 3);
    REQUIRE(ev.size() == 12);
    CHECK(ev[0].kind == EventKind::kGlobals);
    CHECK(ev[0].value == 65536);
    CHECK(ev[1].kind == EventKind::kGoStart);
    CHECK(ev[1].goroutine == 3);
    CHECK(ev[1].value == 0);
    CHECK(ev[2].value == 8192);
    CHECK(ev[3].kind == EventKind::kAlloc);
    CHECK(ev[3].object_id == 0);
    CHECK(ev[3].goroutine == 3);
    CHECK(ev[3].size_bytes == 128);
    CHECK(ev[3].pointerful);
    CHECK(ev[4].object_id == 1);
    CHECK_FALSE(ev[4].pointerful);
    CHECK(ev[4].size_bytes == 8);
    CHECK(ev[5].kind == EventKind::kPtrWrite);
    CHECK(ev[5].value == 1);
    CHECK(ev[6].value == 5);
    CHECK(ev[7].kind == EventKind::kWork);
    CHECK(ev[7].goroutine == 4);
    CHECK(ev[7].value == 1500);
    CHECK(ev[8].kind == EventKind::kStack);
    CHECK(ev[8].value == 16384);
    CHECK(ev[9].kind == EventKind::kFree);
    CHECK(ev[9].object_id == 0);
    CHECK(ev[10].kind == EventKind::kGoExit);
    CHECK(ev[10].goroutine == 4);
    CHECK(ev[11].kind == EventKind::kAlloc);
    CHECK(ev[11].object_id == 0);  // reused after free
    CHECK(ev[11].size_bytes == 40000);
    CHECK(r.ids_issued() == 2);
    CHECK(r.object_id_bound() == 0);
  }

  TEST_CASE("TextTraceReader: goroutines need no go event (implicit start is not an error)") {
    TempDir dir;
    const std::string path = dir.file("implicit.gct");
    test::write_file(path, "gcsim-trace 1\nalloc 1 9 16 ptr\nwork 12 5\nexit 13\n");
    TextTraceReader r(path);
    CHECK(test::read_all(r).size() == 3);
  }

  TEST_CASE("TextTraceReader: each error names file:line and what is allowed") {
    TempDir dir;
    const std::string f = dir.file("t.gct");
    struct Case {
      const char* name;
      std::string content;
      int line;
      const char* needle;
    };
    const std::string h = "gcsim-trace 1\n";
    const Case cases[] = {
        {"unknown event", h + "alloc 1 0 8 ptr\nmalloc 2 0 8\n", 3, "unknown event 'malloc'; allowed: alloc"},
        {"too few fields", h + "alloc 1 0 8\n", 2, "expected 'alloc <obj> <g> <size_bytes> ptr|noscan', got 3 fields"},
        {"too many fields", h + "free 1 2\n", 2, "wrong number of fields for 'free'"},
        {"write extra", h + "write 1 2 3\n", 2, "expected 'write <g> [count]'"},
        {"non-numeric", h + "work 1 fast\n", 2, "ns 'fast' is not a non-negative decimal integer"},
        {"negative", h + "work -1 5\n", 2, "g '-1' is not a non-negative decimal integer"},
        {"overflow u64", h + "free 99999999999999999999\n", 2, "out of range"},
        {"goroutine range", h + "exit 4294967296\n", 2, "g must be in [0, 4294967295], got 4294967296"},
        {"size zero", h + "alloc 1 0 0 ptr\n", 2, "size_bytes must be in [1, 1099511627776], got 0"},
        {"size too big", h + "alloc 1 0 1099511627777 ptr\n", 2, "size_bytes must be in [1, 1099511627776]"},
        {"bad scan word", h + "alloc 1 0 8 yes\n", 2, "must be 'ptr' or 'noscan'"},
        {"write count zero", h + "write 1 0\n", 2, "count must be in [1,"},
        {"double alloc", h + "alloc 7 0 8 ptr\n\n# c\nalloc 7 0 8 ptr\n", 5, "object 7 is already live"},
        {"free unknown", h + "free 3\n", 2, "object 3 is not live"},
        {"free twice", h + "alloc 3 0 8 ptr\nfree 3\nfree 3\n", 4, "object 3 is not live"},
        {"missing header", "# only a comment\nalloc 1 0 8 ptr\n", 2, "missing header"},
        {"empty file", "", 1, "missing header"},
        {"unsupported version", "gcsim-trace 2\n", 1, "unsupported trace version 2; this build reads version 1"},
        {"bad version", "gcsim-trace one\n", 1, "bad header"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.name);
      Failure fail = text_failure(dir, c.content);
      CHECK(fail.where == f + ":" + std::to_string(c.line));
      CHECK_MESSAGE(fail.what.find(c.needle) != std::string::npos, fail.what);
    }
  }

  TEST_CASE("TextTraceReader: a missing file is a TraceError naming the file") {
    TempDir dir;
    CHECK_THROWS_AS(TextTraceReader(dir.file("nope.gct")), TraceError);
  }

  TEST_CASE("TextTraceReader: lines straddling buffer refills parse correctly") {
    TempDir dir;
    const std::string path = dir.file("long.gct");
    std::string s = "gcsim-trace 1\n";
    // ~2.5 MiB: several refills of the 1 MiB buffer.
    for (int i = 0; i < 120000; ++i) s += "alloc " + std::to_string(1000000 + i) + " 2 24 noscan  # padding\n";
    test::write_file(path, s);
    TextTraceReader r(path);
    auto ev = test::read_all(r, 1000);
    REQUIRE(ev.size() == 120000);
    for (size_t i = 0; i < ev.size(); ++i) REQUIRE(ev[i].object_id == i);
    CHECK(r.line_number() == 120001);
  }

  TEST_CASE("TextTraceWriter: writes a header and dense ids as labels, omitting default fields") {
    TempDir dir;
    const std::string path = dir.file("w.gct");
    TextTraceWriter w(path);
    TraceEvent a{.kind = EventKind::kAlloc, .pointerful = true, .goroutine = 2, .object_id = 5, .size_bytes = 64};
    TraceEvent wr{.kind = EventKind::kPtrWrite, .goroutine = 2, .value = 1};
    TraceEvent g{.kind = EventKind::kGoStart, .goroutine = 3};
    TraceEvent fr{.kind = EventKind::kFree, .object_id = 5};
    w.write(a);
    w.write(wr);
    w.write(g);
    w.write(fr);
    w.close();
    CHECK(test::read_file(path) == "gcsim-trace 1\nalloc 5 2 64 ptr\nwrite 2\ngo 3\nfree 5\n");
  }
}
