// SPDX-License-Identifier: MIT
// Tests of make_workload / resolved_workload: kinds, trace paths, and errors that name JSON paths.
#include <doctest/doctest.h>

#include "sim/config/config_error.hpp"
#include "tests/workloads/workload_test_util.hpp"
#include "workloads/workload_factory.hpp"

using namespace gcsim::workload;
using gcsim::ConfigError;
using gcsim::TraceError;
using test::StreamSummary;
using test::TempDir;

namespace {
std::string config_error_where(const Json& w, const std::string& base_dir = "") {
  try {
    make_workload(w, "workload", 1, base_dir);
  } catch (const ConfigError& e) {
    return e.where() + ": " + e.detail();
  }
  return "";
}
}  // namespace

TEST_SUITE("workloads") {
  TEST_CASE("make_workload: generators by kind, params checked under <json_path>.params") {
    auto ring = make_workload(Json::parse(R"({"kind": "ring", "params": {"slots": 4, "total_objects": 10}})"),
                              "workload", 1, "");
    StreamSummary s = test::summarize(*ring);
    CHECK(s.count(EventKind::kAlloc) == 12);
    CHECK(ring->describe().find("ring") != std::string::npos);
    for (const char* kind : {"growing", "mixed", "drop", "goroutines"}) {
      CAPTURE(kind);
      Json w = {{"kind", kind}, {"params", Json::object()}};
      CHECK(make_workload(w, "workload", 1, "") != nullptr);
    }
    CHECK(config_error_where(Json::parse(R"({"kind": "ring", "params": {"slots": -1}})"))
              .rfind("workload.params.slots: ", 0) == 0);
    CHECK(config_error_where(Json::parse(R"({"kind": "mixed", "params": {"mean_lifetime": 5}})"))
              .rfind("workload.params.mean_lifetime: unknown key", 0) == 0);
    CHECK(config_error_where(Json::parse(R"({"kind": "drop", "params": {"drop_at_fraction": 2}})"))
              .rfind("workload.params.drop_at_fraction: must be in [0", 0) == 0);
  }

  TEST_CASE("make_workload: unknown kind lists the known kinds; slot shape is strict") {
    CHECK(config_error_where(Json{{"kind", "rng"}}) ==
          "workload.kind: unknown workload kind 'rng'; known: trace, ring, growing, mixed, drop, goroutines, "
              "pacer-scenario, concept-sizes, concept-escape, concept-ptr-writes, concept-recursion, concept-pool, "
              "concept-append, concept-pointer-density, concept-subslice, concept-slicecap, concept-map, concept-leak, "
              "concept-forced-gc, concept-monitor");
    CHECK(config_error_where(Json{{"params", Json::object()}}).rfind("workload.kind: required key is missing", 0) == 0);
    CHECK(config_error_where(Json{{"kind", 3}}).rfind("workload.kind: must be a string", 0) == 0);
    CHECK(config_error_where(Json{{"kind", "ring"}, {"param", 1}}).rfind("workload.param: unknown key", 0) == 0);
    CHECK(config_error_where(Json{{"kind", "ring"}, {"params", 5}}).rfind("workload.params: expected a JSON object", 0) ==
          0);
  }

  TEST_CASE("make_workload: trace kind resolves relative paths against base_dir") {
    TempDir dir;
    test::write_file(dir.file("t.gct"), "gcsim-trace 1\nalloc 5 0 16 ptr\nfree 5\n");
    auto src = make_workload(Json{{"kind", "trace"}, {"params", {{"path", "t.gct"}}}}, "workload", 1, dir.path());
    CHECK(test::read_all(*src).size() == 2);
    auto abs = make_workload(Json{{"kind", "trace"}, {"params", {{"path", dir.file("t.gct")}}}}, "workload", 1, "/");
    CHECK(test::read_all(*abs).size() == 2);
    CHECK(config_error_where(Json{{"kind", "trace"}, {"params", {{"path", "missing.gct"}}}}, dir.path()) ==
          "workload.params.path: file not found: " + dir.file("missing.gct"));
    CHECK(config_error_where(Json{{"kind", "trace"}, {"params", Json::object()}}, dir.path())
              .rfind("workload.params.path: required key is missing", 0) == 0);
    CHECK(config_error_where(Json{{"kind", "trace"}, {"params", {{"path", "t.gct"}, {"format", "x"}}}}, dir.path())
              .rfind("workload.params.format: unknown key", 0) == 0);
    // A present but malformed file is a TraceError naming file:line.
    test::write_file(dir.file("bad.gct"), "gcsim-trace 1\nfoo\n");
    auto bad = make_workload(Json{{"kind", "trace"}, {"params", {{"path", "bad.gct"}}}}, "workload", 1, dir.path());
    CHECK_THROWS_WITH_AS(test::read_all(*bad), doctest::Contains((dir.file("bad.gct") + ":2: unknown event").c_str()), TraceError);
  }

  TEST_CASE("resolved_workload fills in every default") {
    Json r = resolved_workload(Json{{"kind", "ring"}}, "workload");
    CHECK(r["kind"] == "ring");
    CHECK(r["params"]["slots"] == 524288);
    CHECK(r["params"]["object_bytes"] == 128);
    CHECK(r["params"]["pointerful"] == true);
    CHECK(r["params"]["total_objects"] == 16777216);
    CHECK(r["params"]["slot_array_bytes"] == 4194304);
    CHECK(r["params"]["work_ns_per_alloc"] == 0);
    CHECK(r["params"]["goroutines"] == 1);
    CHECK(r["params"]["globals_bytes"] == 0);
    Json m = resolved_workload(Json{{"kind", "mixed"}, {"params", {{"total_objects", 7}}}}, "w");
    CHECK(m["params"]["total_objects"] == 7);
    CHECK(m["params"].contains("mean_lifetime_allocs"));
    // Resolving is idempotent and the result is accepted by make_workload.
    for (const auto& [kind, summary] : workload_kinds()) {
      if (kind == "trace" || kind == "pacer-scenario") continue;  // both need a file
      Json once = resolved_workload(Json{{"kind", kind}}, "w");
      CHECK(resolved_workload(once, "w") == once);
    }
    Json t = resolved_workload(Json{{"kind", "trace"}, {"params", {{"path", "x.gct"}}}}, "w");
    CHECK(t["params"]["path"] == "x.gct");
    CHECK_THROWS_WITH_AS(resolved_workload(Json{{"kind", "nope"}}, "w"), doctest::Contains("w.kind: unknown"),
                         ConfigError);
  }

  TEST_CASE("workload_kinds lists every kind with a summary") {
    auto kinds = workload_kinds();
    REQUIRE(kinds.size() == 7 + 13);  // trace, 6 generators, 13 concept-* generators
    CHECK(kinds[0].first == "trace");
    for (const auto& [kind, summary] : kinds) CHECK_FALSE(summary.empty());
  }
}
