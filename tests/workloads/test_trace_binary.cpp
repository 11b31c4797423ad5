// SPDX-License-Identifier: MIT
// Tests of the binary trace form: round trips with the text form, header bound, and error cases.
#include <doctest/doctest.h>

#include "sim/config/config_error.hpp"
#include "tests/workloads/workload_test_util.hpp"
#include "workloads/record_window.hpp"
#include "workloads/trace_binary.hpp"
#include "workloads/trace_open.hpp"
#include "workloads/trace_text.hpp"

using namespace gcsim::workload;
using gcsim::TraceError;
using gcsim::workload::test::TempDir;

namespace {

std::string header(uint32_t version = 1, uint32_t flags = 0, uint32_t bound = 0) {
  std::string s = "GCSIMTRC";
  for (uint32_t v : {version, flags, bound})
    for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

std::string varint(uint64_t v) {
  std::string s;
  while (v >= 0x80) {
    s += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  s += static_cast<char>(v);
  return s;
}

std::string rec(uint8_t tag, std::initializer_list<uint64_t> fields) {
  std::string s(1, static_cast<char>(tag));
  for (uint64_t f : fields) s += varint(f);
  return s;
}

struct Failure {
  std::string where;
  std::string what;
};

Failure binary_failure(const std::string& path, const std::string& bytes) {
  test::write_file(path, bytes);
  try {
    BinaryTraceReader r(path);
    test::read_all(r);
  } catch (const TraceError& e) {
    return {e.where(), e.detail()};
  }
  return {};
}

void copy(EventSource& in, EventSink& out) {
  std::vector<TraceEvent> buf(5);
  while (size_t n = in.next_batch(buf.data(), buf.size())) out.write_batch(buf.data(), n);
  out.close();
}

const char* kSampleText =
    "gcsim-trace 1\n"
    "globals 4096\n"
    "go 1 8192\n"
    "alloc 18446744073709551615 1 128 ptr\n"
    "alloc 42 1 8 noscan\n"
    "write 1 3\n"
    "work 1 250\n"
    "free 18446744073709551615\n"
    "alloc 9000000000 2 1099511627776 ptr\n"
    "stack 1 32768\n"
    "free 42\n"
    "alloc 43 1 300000 noscan\n"
    "exit 2\n";

}  // namespace

TEST_SUITE("workloads") {
  TEST_CASE("binary: text -> binary -> text round trip preserves the event sequence") {
    TempDir dir;
    test::write_file(dir.file("a.gct"), kSampleText);
    std::vector<TraceEvent> original;
    {
      TextTraceReader r(dir.file("a.gct"));
      original = test::read_all(r);
    }
    {
      TextTraceReader r(dir.file("a.gct"));
      BinaryTraceWriter w(dir.file("a.gctb"));
      copy(r, w);
      CHECK(w.object_id_bound() == 2);
    }
    BinaryTraceReader b(dir.file("a.gctb"));
    CHECK(b.object_id_bound() == 2);  // written back into the header at close
    auto from_binary = test::read_all(b);
    REQUIRE(from_binary.size() == original.size());
    for (size_t i = 0; i < original.size(); ++i) CHECK(test::same_event(original[i], from_binary[i]));
    {
      BinaryTraceReader b2(dir.file("a.gctb"));
      TextTraceWriter w(dir.file("b.gct"));
      copy(b2, w);
    }
    TextTraceReader t2(dir.file("b.gct"));
    auto again = test::read_all(t2);
    REQUIRE(again.size() == original.size());
    for (size_t i = 0; i < original.size(); ++i) CHECK(test::same_event(original[i], again[i]));
    // Dense ids written as labels renumber to themselves: the second text file is canonical.
    TextTraceReader t3(dir.file("b.gct"));
    TextTraceWriter w3(dir.file("c.gct"));
    copy(t3, w3);
    CHECK(test::read_file(dir.file("b.gct")) == test::read_file(dir.file("c.gct")));
  }

  TEST_CASE("binary: record encoding follows TRACE_FORMAT.md") {
    TempDir dir;
    BinaryTraceWriter w(dir.file("x.gctb"));
    w.write(TraceEvent{.kind = EventKind::kAlloc, .pointerful = true, .goroutine = 3, .size_bytes = 300});
    w.write(TraceEvent{.kind = EventKind::kFree});
    w.write(TraceEvent{.kind = EventKind::kWork, .goroutine = 1, .value = 128});
    w.close();
    std::string expect = header(1, 0, 1) + rec(0x80, {0, 3, 300}) + rec(0x01, {0}) + rec(0x02, {1, 128});
    CHECK(test::read_file(dir.file("x.gctb")) == expect);
  }

  TEST_CASE("open_trace: picks the reader by magic bytes, not extension") {
    TempDir dir;
    test::write_file(dir.file("bin.gct"), header() + rec(0x07, {123}));
    test::write_file(dir.file("txt.gctb"), "gcsim-trace 1\nglobals 5\n");
    auto a = open_trace(dir.file("bin.gct"));
    auto b = open_trace(dir.file("txt.gctb"));
    CHECK(a->describe().find("binary") != std::string::npos);
    CHECK(b->describe().find("text") != std::string::npos);
    CHECK(test::read_all(*a)[0].value == 123);
    CHECK(test::read_all(*b)[0].value == 5);
    CHECK_THROWS_AS(open_trace(dir.file("missing.gct")), TraceError);
  }

  TEST_CASE("BinaryTraceReader: each error names file:byte N of the offending record") {
    TempDir dir;
    const std::string f = dir.file("e.gctb");
    const std::string h = header();
    const size_t r0 = 20;  // first record offset
    const std::string a0 = rec(0x80, {0, 1, 64});
    struct Case {
      const char* name;
      std::string bytes;
      size_t offset;
      const char* needle;
    };
    const Case cases[] = {
        {"bad magic", "GCSIMTRX" + h.substr(8), 0, "bad magic"},
        {"short file", "GCS", 0, "bad magic"},
        {"truncated header", h.substr(0, 13), 13, "truncated header"},
        {"version", header(2), 8, "unsupported trace version 2"},
        {"flags", header(1, 4), 12, "unsupported flags"},
        {"unknown tag", h + a0 + "\x0c", r0 + a0.size(), "unknown record tag 0x0c"},
        {"truncated gc", h + a0 + "\x0a", r0 + a0.size(), "truncated record: the file ends inside a 'gc'"},
        {"pointer bit on free", h + a0 + rec(0x81, {0}), r0 + a0.size(), "unknown record tag 0x81"},
        {"truncated record", h + a0 + a0.substr(0, 2), r0 + a0.size(), "truncated record"},
        {"truncated varint", h + std::string("\x02\x01\x80", 3), r0, "truncated record: the file ends inside a 'work'"},
        {"varint overflow", h + "\x07" + std::string(10, '\xff') + "\x01", r0, "bad varint"},
        {"size zero", h + rec(0x00, {0, 1, 0}), r0, "size_bytes must be in [1, 1099511627776], got 0"},
        {"goroutine range", h + rec(0x05, {uint64_t{1} << 32}), r0, "g must be in [0, 4294967295]"},
        {"alloc live id", h + a0 + rec(0x00, {1, 1, 8}) + rec(0x00, {0, 1, 8}), r0 + a0.size() + 4,
         "object id 0 is already live"},
        {"free non-live", h + a0 + rec(0x01, {0}) + rec(0x01, {0}), r0 + a0.size() + 2, "object id 0 is not live"},
        {"free never allocated", h + rec(0x01, {70000}), r0, "object id 70000 is not live"},
        {"id above header bound", header(1, 0, 2) + rec(0x00, {2, 0, 8}), r0, "not below the header's object_id_bound 2"},
        {"id too large", h + rec(0x00, {uint64_t{1} << 32, 0, 8}), r0, "is too large"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.name);
      Failure fail = binary_failure(f, c.bytes);
      CHECK(fail.where == f + ":byte " + std::to_string(c.offset));
      CHECK_MESSAGE(fail.what.find(c.needle) != std::string::npos, fail.what);
    }
  }

  TEST_CASE("BinaryTraceReader: without a header bound the liveness vector grows on demand") {
    TempDir dir;
    const std::string f = dir.file("g.gctb");
    test::write_file(f, header() + rec(0x00, {5000, 0, 8}) + rec(0x01, {5000}) + rec(0x00, {5000, 0, 8}));
    BinaryTraceReader r(f);
    CHECK(r.object_id_bound() == 0);
    CHECK(test::read_all(r).size() == 3);
    CHECK(r.liveness_capacity_bits() >= 5001);
  }

  TEST_CASE("regression: a huge header bound no longer allocates its liveness bits up front") {
    // A 25-byte file claiming 2^32-1 ids made the reader allocate 512 MiB (found by fuzzing:
    // fuzz_trace_binary ran at ~40 inputs/s with 800 MB RSS). Ids above 2^20 grow the bits on use.
    TempDir dir;
    const std::string f = dir.file("huge_bound.gctb");
    test::write_file(f, header(1, 0, UINT32_MAX) + rec(0x00, {3, 0, 8}) + rec(0x00, {3000000, 0, 8}));
    BinaryTraceReader r(f);
    CHECK(r.object_id_bound() == UINT32_MAX);
    CHECK(r.liveness_capacity_bits() <= (size_t{1} << 20));
    CHECK(test::read_all(r).size() == 2);  // an id beyond the presized part still reads
    CHECK(r.liveness_capacity_bits() >= 3000001);
    CHECK(r.liveness_capacity_bits() <= (size_t{1} << 23));
  }

  TEST_CASE("BinaryTraceReader: records straddling buffer refills decode correctly") {
    TempDir dir;
    const std::string f = dir.file("big.gctb");
    std::string s = header();
    const uint32_t n = 300000;  // ~3 MiB of 11-byte records
    for (uint32_t i = 0; i < n; ++i) s += rec(0x80, {i, 7, (uint64_t{1} << 35) + i});
    test::write_file(f, s);
    BinaryTraceReader r(f);
    std::vector<TraceEvent> buf(999);
    uint32_t seen = 0;
    while (size_t k = r.next_batch(buf.data(), buf.size())) {
      for (size_t i = 0; i < k; ++i, ++seen) {
        REQUIRE(buf[i].object_id == seen);
        REQUIRE(buf[i].size_bytes == (uint64_t{1} << 35) + seen);
      }
    }
    CHECK(seen == n);
  }

  TEST_CASE("BinaryTraceReader: open_records/peek/consume with next_batch for the rest gives next_batch's events") {
    TempDir dir;
    const std::string f = dir.file("mix.gctb");
    const uint32_t n = 400000;
    std::string s = header(1, 0, n);
    // ~6 MiB: more than one 4 MiB mapped window. Common short records, long fields (size >= 2^28),
    // and other kinds, which peek() leaves to next_batch().
    for (uint32_t i = 0; i < n; ++i) {
      s += rec(i % 3 == 0 ? 0x80 : 0x00, {i, i % 5, i % 11 == 0 ? (uint64_t{1} << 30) + i : 16 + i % 100});
      s += rec(0x03, {i % 5, 1 + i % 3});
      if (i % 4 == 0) s += rec(0x02, {i % 5, i});
      if (i % 1000 == 0) s += rec(0x06, {i % 5, 4096});
      if (i >= 2) s += rec(0x01, {i - 2});
    }
    test::write_file(f, s);
    std::vector<TraceEvent> expect;
    {
      BinaryTraceReader r(f);
      expect = test::read_all(r);
    }
    BinaryTraceReader r(f);
    std::vector<TraceEvent> got;
    std::vector<TraceEvent> one(1);
    uint64_t peeked = 0;
    for (;;) {
      RecordWindow w;
      if (r.open_records(w)) {
        CommonRecord c;
        // Consume as the replay loop does, declining every 7th record as it declines an event it
        // cannot replay alone.
        while (w.peek(c) && ++peeked % 7 != 0) {
          TraceEvent e{c.kind, false, 0, 0, 0, 0, 0};
          if (c.kind == EventKind::kAlloc) {
            e.pointerful = c.pointerful;
            e.goroutine = c.goroutine;
            e.object_id = c.object_id;
            e.size_bytes = c.size_bytes;
          } else if (c.kind == EventKind::kFree) {
            e.object_id = c.object_id;
          } else {
            e.goroutine = c.goroutine;
            e.value = c.value;
          }
          got.push_back(e);
          w.consume(c);
        }
        r.close_records(w);
      }
      if (r.next_batch(one.data(), 1) == 0) break;
      got.push_back(one[0]);
    }
    CHECK(peeked > expect.size() / 2);  // most events came through the window
    REQUIRE(got.size() == expect.size());
    for (size_t i = 0; i < expect.size(); ++i) REQUIRE(test::same_event(expect[i], got[i]));
  }

  TEST_CASE("BinaryTraceReader: an invalid record is reported by next_batch after the window declines it") {
    TempDir dir;
    const std::string f = dir.file("bad.gctb");
    std::string s = header(1, 0, 100);
    for (uint32_t i = 0; i < 100; ++i) s += rec(0x00, {i, 1, 64}) + rec(0x01, {i});
    const size_t bad_offset = s.size();
    s += rec(0x01, {7});  // already freed
    for (uint32_t i = 0; i < 100; ++i) s += rec(0x03, {1, 1});
    test::write_file(f, s);
    BinaryTraceReader r(f);
    RecordWindow w;
    REQUIRE(r.open_records(w));
    CommonRecord c;
    size_t taken = 0;
    while (w.peek(c)) {
      w.consume(c);
      ++taken;
    }
    CHECK(taken == 200);
    r.close_records(w);
    std::vector<TraceEvent> one(1);
    try {
      r.next_batch(one.data(), 1);
      FAIL("no error");
    } catch (const TraceError& e) {
      CHECK(e.where() == f + ":byte " + std::to_string(bad_offset));
      CHECK(std::string(e.detail()).find("is not live") != std::string::npos);
    }
  }
}
