// SPDX-License-Identifier: MIT
// Tests of `gcsim trace convert|gen|stats`: outputs, exit codes and one-line errors.
#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>

#include "tests/workloads/workload_test_util.hpp"
#include "workloads/trace_cli.hpp"
#include "workloads/trace_open.hpp"

using namespace gcsim::workload;
using test::TempDir;

namespace {

struct Result {
  int code;
  std::string out;
  std::string err;
};

Result run(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  int code = run_trace_command(args, out, err);
  return {code, out.str(), err.str()};
}

bool one_line(const std::string& s) { return !s.empty() && s.back() == '\n' && s.find('\n') == s.size() - 1; }

std::string stat_line(const std::string& out, const std::string& key) {
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + " ", 0) == 0) return line.substr(key.size() + 1);
  return "";
}

}  // namespace

TEST_SUITE("workloads") {
  TEST_CASE("trace gen + stats: ring counts") {
    TempDir dir;
    const std::string f = dir.file("ring.gctb");
    Result g = run({"gen", "ring", "--out", f, "--set", "slots=100", "--set", "total_objects=1000", "--set",
                    "slot_array_bytes=800", "--seed", "3"});
    CHECK(g.code == 0);
    CHECK(g.err.empty());
    CHECK_FALSE(std::filesystem::exists(f + ".tmp"));
    Result s = run({"stats", f});
    CHECK(s.code == 0);
    CHECK(s.err.empty());
    CHECK(stat_line(s.out, "events_alloc") == "1002");
    CHECK(stat_line(s.out, "events_free") == "900");
    CHECK(stat_line(s.out, "events_write") == "1000");
    CHECK(stat_line(s.out, "alloc_bytes") == std::to_string(1000 * 128 + 1600));
    CHECK(stat_line(s.out, "peak_live_bytes") == std::to_string(101 * 128 + 1600));
    CHECK(stat_line(s.out, "final_live_bytes") == std::to_string(100 * 128 + 1600));
    CHECK(stat_line(s.out, "object_id_bound") == "103");
    CHECK(stat_line(s.out, "header_object_id_bound") == "103");
  }

  TEST_CASE("trace convert: binary -> text -> binary gives identical bytes") {
    TempDir dir;
    REQUIRE(run({"gen", "mixed", "--out", dir.file("m.gctb"), "--set", "total_objects=5000", "--seed", "9"}).code == 0);
    CHECK(run({"convert", dir.file("m.gctb"), dir.file("m.gct")}).code == 0);
    CHECK(run({"convert", dir.file("m.gct"), dir.file("m2.gctb")}).code == 0);
    CHECK(test::read_file(dir.file("m.gctb")) == test::read_file(dir.file("m2.gctb")));
    CHECK(test::read_file(dir.file("m.gct")).rfind("gcsim-trace 1\n", 0) == 0);
  }

  TEST_CASE("trace: bad input prints one line 'gcsim: where: what' and returns 2, leaving no output") {
    TempDir dir;
    test::write_file(dir.file("bad.gct"), "gcsim-trace 1\nalloc 1 0 8 ptr\nalloc 1 0 8 ptr\n");
    Result c = run({"convert", dir.file("bad.gct"), dir.file("out.gctb")});
    CHECK(c.code == 2);
    CHECK(one_line(c.err));
    CHECK(c.err.rfind("gcsim: " + dir.file("bad.gct") + ":3: alloc: object 1 is already live", 0) == 0);
    CHECK_FALSE(std::filesystem::exists(dir.file("out.gctb")));
    CHECK_FALSE(std::filesystem::exists(dir.file("out.gctb.tmp")));

    const std::vector<std::vector<std::string>> bad = {
        {},
        {"frobnicate"},
        {"convert", dir.file("bad.gct")},
        {"convert", dir.file("bad.gct"), dir.file("out.txt")},
        {"convert", dir.file("missing.gct"), dir.file("out.gct")},
        {"gen", "ring"},
        {"gen", "nope", "--out", dir.file("x.gct")},
        {"gen", "ring", "--out", dir.file("x.gct"), "--set", "slotz=3"},
        {"gen", "ring", "--out", dir.file("x.gct"), "--set", "noequals"},
        {"gen", "ring", "--out", dir.file("x.gct"), "--seed", "-4"},
        {"gen", "ring", "--out", dir.file("x.gct"), "--bogus", "1"},
        {"gen", "ring", "--out"},
        {"stats"},
        {"stats", dir.file("missing.gctb")},
    };
    for (const auto& args : bad) {
      std::string joined;
      for (const auto& a : args) joined += a + " ";
      CAPTURE(joined);
      Result r = run(args);
      CHECK(r.code == 2);
      CHECK(one_line(r.err));
      CHECK(r.err.rfind("gcsim: ", 0) == 0);
      CHECK(r.out.empty());
    }
    CHECK(run({"gen", "ring", "--out", dir.file("x.gct"), "--set", "slotz=3"}).err ==
          "gcsim: --set.slotz: unknown key (did you mean slots?)\n");
    CHECK(run({"gen", "ring", "--out", dir.file("x.gct"), "--set", "slots=many"}).err ==
          "gcsim: --set.slots: must be a non-negative integer, got a string\n");
    CHECK_FALSE(std::filesystem::exists(dir.file("x.gct")));
    Result h = run({"help"});
    CHECK(h.code == 0);
    CHECK(h.err.empty());
  }

  TEST_CASE("trace gen: text output, values parsed as JSON") {
    TempDir dir;
    const std::string f = dir.file("g.gct");
    REQUIRE(run({"gen", "ring", "--out", f, "--set", "slots=2", "--set", "total_objects=3", "--set",
                 "slot_array_bytes=0", "--set", "pointerful=false"})
                .code == 0);
    CHECK(test::read_file(f) ==
          "gcsim-trace 1\n"
          "alloc 0 0 128 noscan\nwrite 0\n"
          "alloc 1 0 128 noscan\nwrite 0\n"
          "alloc 2 0 128 noscan\nwrite 0\nfree 0\n");
  }

  TEST_CASE("trace gen goroutines + stats; convert keeps pool events byte for byte") {
    TempDir dir;
    const std::string f = dir.file("g.gctb");
    Result g = run({"gen", "goroutines", "--out", f, "--set", "goroutines=50", "--set", "requests=120", "--set",
                    "use_pool=true", "--set", "live_bytes=25600", "--set", "stack_bytes=8192"});
    CHECK(g.code == 0);
    CHECK(g.err.empty());
    Result s = run({"stats", f});
    CHECK(s.code == 0);
    CHECK(stat_line(s.out, "events_go") == "50");
    CHECK(stat_line(s.out, "events_exit") == "50");
    CHECK(stat_line(s.out, "events_pool_get") == "120");
    CHECK(stat_line(s.out, "events_pool_put") == "120");
    CHECK(stat_line(s.out, "events_stack") == std::to_string(120 * 4));  // 2048, 4096, 8192, back to 1024
    CHECK(stat_line(s.out, "events_alloc") == std::to_string(100 + 120 * 8));
    CHECK(stat_line(s.out, "pool_get_bytes") == std::to_string(120 * 32768));
    CHECK(stat_line(s.out, "pools") == "1");
    CHECK(stat_line(s.out, "final_live_bytes") == "25600");
    CHECK(stat_line(s.out, "object_id_bound") == std::to_string(100 + 50 * 9));
    CHECK(stat_line(s.out, "header_object_id_bound") == std::to_string(100 + 50 * 9));
    CHECK(run({"convert", f, dir.file("g.gct")}).code == 0);
    CHECK(run({"convert", dir.file("g.gct"), dir.file("g2.gctb")}).code == 0);
    CHECK(test::read_file(f) == test::read_file(dir.file("g2.gctb")));
    CHECK(test::read_file(dir.file("g.gct")).find("\npool_get 1 0 ") != std::string::npos);
  }
}
