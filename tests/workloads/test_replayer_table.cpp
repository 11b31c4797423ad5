// SPDX-License-Identifier: MIT
// workload.replayer_table: the validation replayer's object table prepended to a workload.
#include <doctest/doctest.h>

#include <fstream>

#include "sim/config/config_error.hpp"
#include "tests/workloads/workload_test_util.hpp"
#include "workloads/replayer_table_source.hpp"
#include "workloads/workload_factory.hpp"

using namespace gcsim::workload;
using gcsim::ConfigError;
using test::TempDir;

TEST_SUITE("workloads") {
  TEST_CASE("replayer_table: one pointerful 8 B-per-id allocation first, then the stream unchanged") {
    Json plain = Json::parse(R"({"kind": "ring", "params": {"slots": 4, "total_objects": 10}})");
    Json with = plain;
    with["replayer_table"] = true;
    auto a = make_workload(plain, "workload", 1, "");
    auto b = make_workload(with, "workload", 1, "");
    const uint32_t bound = a->object_id_bound();
    REQUIRE(bound > 0);
    CHECK(b->object_id_bound() == bound + 1);
    std::vector<TraceEvent> ea(64), eb(64);
    size_t na = a->next_batch(ea.data(), ea.size());
    size_t nb = b->next_batch(eb.data(), eb.size());
    REQUIRE(nb >= 1);
    CHECK(eb[0].kind == EventKind::kAlloc);
    CHECK(eb[0].pointerful);
    CHECK(eb[0].object_id == bound);
    CHECK(eb[0].size_bytes == 8 * uint64_t{bound});
    // Batches of 1 still deliver the table first and then every inner event.
    CHECK(nb == std::min<size_t>(na + 1, eb.size()));
    for (size_t i = 0; i + 1 < nb; ++i) {
      CHECK(eb[i + 1].kind == ea[i].kind);
      CHECK(eb[i + 1].object_id == ea[i].object_id);
    }
    CHECK(resolved_workload(with, "workload")["replayer_table"] == true);
    CHECK_FALSE(resolved_workload(plain, "workload").contains("replayer_table"));
  }

  TEST_CASE("replayer_table: needs a known object-id bound (text traces are converted first)") {
    TempDir dir;
    std::string path = dir.path() + "/t.gct";
    {
      std::ofstream f(path);
      f << "gcsim-trace 1\nalloc 1 0 64 ptr\nfree 1\n";
    }
    Json w = {{"kind", "trace"}, {"params", {{"path", path}}}, {"replayer_table", true}};
    try {
      make_workload(w, "workload", 1, "");
      FAIL("expected a ConfigError");
    } catch (const ConfigError& e) {
      CHECK(e.where() == "workload.replayer_table");
      CHECK(e.detail().find("trace convert") != std::string::npos);
    }
    Json bad = {{"kind", "ring"}, {"replayer_table", "yes"}};
    CHECK_THROWS_AS(make_workload(bad, "workload", 1, ""), ConfigError);
  }
}

TEST_CASE("workload.pointer_layout and pointer_array_ids: parsed, resolved, bad values named" *
          doctest::test_suite("workloads")) {
  Json w = Json::parse(R"({"kind": "ring", "params": {"slots": 4, "total_objects": 10}})");
  CHECK(resolved_workload(w, "workload")["pointer_layout"] == "all");  // the default, shown
  CHECK(pointer_scan_prefix_bytes("all") == 0);
  CHECK(pointer_scan_prefix_bytes("first") == 8);
  w["pointer_layout"] = "first";
  w["pointer_array_ids"] = {0, 7};
  Json r = resolved_workload(w, "workload");
  CHECK(r["pointer_layout"] == "first");
  CHECK(r["pointer_array_ids"] == Json::array({0, 7}));
  auto where = [](const Json& bad) {
    try {
      parse_workload_spec(bad, "workload");
    } catch (const ConfigError& e) {
      return e.where();
    }
    return std::string("(no error)");
  };
  Json bad = w;
  bad["pointer_layout"] = "last";
  CHECK(where(bad) == "workload.pointer_layout");
  bad = w;
  bad["pointer_array_ids"] = {0, -1};
  CHECK(where(bad) == "workload.pointer_array_ids[1]");
  bad["pointer_array_ids"] = "0";
  CHECK(where(bad) == "workload.pointer_array_ids");
}
