// SPDX-License-Identifier: MIT
// Shard selection from --shard and the Slurm job-array variables (app/slurm_shard.hpp).
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

#include "app/slurm_shard.hpp"
#include "sim/config/config_error.hpp"
#include "tests/app/app_test_util.hpp"

using namespace gcsim;
using app::select_shard;
using app::SlurmArrayEnv;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using test::slurp;

fs::path shard_temp_dir(const std::string& name) { return test::fresh_temp_dir("slurm_shard", name); }

/// 6 small points; point 5 (workload_trace0) reads a trace that does not exist and fails at run time.
json six_point_sweep() {
  json base = {{"schema_version", 1},
               {"seed", 3},
               {"workload", {{"kind", "mixed"}, {"params", {{"total_objects", 20000}}}}},
               {"runtime", {{"gomaxprocs", 2}}}};
  return json{{"schema_version", 1},
              {"name", "six"},
              {"base", base},
              {"sweep", json::array({json{{"runtime.gogc", {50, 100, 200, 400, "off"}}},
                                     json{{"workload", json::array({json{{"kind", "trace"},
                                                                         {"params", {{"path", "no_such.gct"}}}}})}}})}};
}

/// The variables Slurm sets for task `id` of `sbatch --array=MIN-MAX[:STEP]` with job id 41.
SlurmArrayEnv array_task(const std::string& id, const std::string& count, const std::string& min = "0",
                         std::optional<std::string> max = std::nullopt, const std::string& step = "1") {
  SlurmArrayEnv e;
  e.task_id = id;
  e.task_count = count;
  e.task_min = min;
  if (max) {
    e.task_max = *max;
  } else {
    try {  // MIN + (COUNT − 1) · STEP; "0" when the test gives a count that is not a number
      e.task_max = std::to_string(std::stoul(min) + (std::stoul(count) - 1) * std::stoul(step));
    } catch (const std::exception&) {
      e.task_max = "0";
    }
  }
  e.task_step = step;
  e.job_id = "41";
  return e;
}

std::string message_of(const std::optional<std::string>& flag, const SlurmArrayEnv& env) {
  try {
    select_shard(flag, env);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_SUITE("sweep") {
  TEST_CASE("select_shard: without a Slurm array task, --shard or every point") {
    app::ShardChoice c = select_shard(std::nullopt, SlurmArrayEnv{});
    CHECK(c.shard.index == 0);
    CHECK(c.shard.count == 1);
    CHECK_FALSE(c.from_slurm);
    CHECK(c.slurm_task.empty());
    c = select_shard(std::string("2/5"), SlurmArrayEnv{});
    CHECK(c.shard.index == 2);
    CHECK(c.shard.count == 5);
    CHECK_FALSE(c.from_slurm);
    CHECK_THROWS_AS(select_shard(std::string("5/5"), SlurmArrayEnv{}), InputError);
    // SLURM_ARRAY_TASK_COUNT alone (no task id) is not an array task: ignored.
    SlurmArrayEnv only_count;
    only_count.task_count = "8";
    CHECK(select_shard(std::nullopt, only_count).shard.count == 1);
  }

  TEST_CASE("select_shard: the array task is the shard, for 0-based, 1-based and strided arrays") {
    // --array=0-15: task 3 → shard 3/16.
    app::ShardChoice c = select_shard(std::nullopt, array_task("3", "16"));
    CHECK(c.shard.index == 3);
    CHECK(c.shard.count == 16);
    CHECK(c.from_slurm);
    CHECK(c.slurm_task == "41_3");
    // --array=1-16: task 16 → shard 15/16.
    c = select_shard(std::nullopt, array_task("16", "16", "1"));
    CHECK(c.shard.index == 15);
    CHECK(c.shard.count == 16);
    // --array=10-20:5 (tasks 10, 15, 20): task 15 → shard 1/3.
    c = select_shard(std::nullopt, array_task("15", "3", "10", std::nullopt, "5"));
    CHECK(c.shard.index == 1);
    CHECK(c.shard.count == 3);
    // Only the two required variables (MIN/MAX/STEP absent): id is the index.
    SlurmArrayEnv minimal;
    minimal.task_id = "7";
    minimal.task_count = "8";
    c = select_shard(std::nullopt, minimal);
    CHECK(c.shard.index == 7);
    CHECK(c.shard.count == 8);
    CHECK(c.slurm_task == "7");
    // A consistent --shard is accepted.
    c = select_shard(std::string("3/16"), array_task("3", "16"));
    CHECK(c.shard.index == 3);
  }

  TEST_CASE("select_shard: bad or inconsistent array variables are one-line input errors") {
    CHECK(message_of(std::nullopt, array_task("x", "16")).rfind("SLURM_ARRAY_TASK_ID: must be a non-negative integer, got 'x'", 0) == 0);
    CHECK(message_of(std::nullopt, array_task("-1", "16")).find("non-negative integer") != std::string::npos);
    CHECK(message_of(std::nullopt, array_task("3 ", "16")).find("got '3 '") != std::string::npos);
    CHECK(message_of(std::nullopt, array_task("", "16")).rfind("SLURM_ARRAY_TASK_ID:", 0) == 0);
    CHECK(message_of(std::nullopt, array_task("3", "many")).rfind("SLURM_ARRAY_TASK_COUNT: must be", 0) == 0);
    CHECK(message_of(std::nullopt, array_task("0", "0", "0", std::string("0"))).rfind("SLURM_ARRAY_TASK_COUNT:", 0) == 0);
    // Out of range: id above MAX, id below MIN, id past COUNT when MAX is unknown.
    CHECK(message_of(std::nullopt, array_task("16", "16", "0", std::string("15"))) ==
          "SLURM_ARRAY_TASK_ID: 16 is outside the array 0-15 of 16 tasks");
    CHECK(message_of(std::nullopt, array_task("0", "16", "1")).rfind("SLURM_ARRAY_TASK_ID: 0 is not task 0..15", 0) == 0);
    SlurmArrayEnv past;
    past.task_id = "8";
    past.task_count = "8";
    CHECK(message_of(std::nullopt, past).rfind("SLURM_ARRAY_TASK_ID: 8 is not task 0..7", 0) == 0);
    // An irregular array (--array=1,5,6: MIN 1, MAX 6, COUNT 3, STEP 1) cannot be mapped.
    CHECK(message_of(std::nullopt, array_task("5", "3", "1", std::string("6"))).find("regular array") != std::string::npos);
    // Off the stride of --array=0-14:2.
    CHECK(message_of(std::nullopt, array_task("3", "8", "0", std::nullopt, "2")).find("is not task") != std::string::npos);
    CHECK(message_of(std::nullopt, array_task("3", "8", "0", std::nullopt, "0")).rfind("SLURM_ARRAY_TASK_STEP:", 0) == 0);
    // The task id without the count.
    SlurmArrayEnv no_count;
    no_count.task_id = "1";
    CHECK(message_of(std::nullopt, no_count).rfind("SLURM_ARRAY_TASK_COUNT: is not set", 0) == 0);
    // --shard naming another shard than the array task.
    CHECK(message_of(std::string("2/16"), array_task("3", "16")) ==
          "--shard: 2/16 contradicts the Slurm array task (SLURM_ARRAY_TASK_ID=3 of SLURM_ARRAY_TASK_COUNT=16 is "
          "shard 3/16); drop --shard, or unset SLURM_ARRAY_TASK_ID");
    CHECK(message_of(std::string("3/8"), array_task("3", "16")).rfind("--shard: 3/8 contradicts", 0) == 0);
    // Every message is one line.
    for (const auto& env : {array_task("x", "16"), array_task("16", "16", "0", std::string("15")), no_count})
      CHECK(message_of(std::nullopt, env).find('\n') == std::string::npos);
  }

  TEST_CASE("SlurmArrayEnv::read takes each variable from getenv, unset as nullopt") {
    std::map<std::string, std::string> vars{{"SLURM_ARRAY_TASK_ID", "4"}, {"SLURM_ARRAY_TASK_COUNT", "9"},
                                            {"SLURM_ARRAY_JOB_ID", "77"}};
    SlurmArrayEnv e = SlurmArrayEnv::read([&](const char* name) -> const char* {
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    });
    CHECK(e.task_id == std::optional<std::string>("4"));
    CHECK(e.task_count == std::optional<std::string>("9"));
    CHECK(e.job_id == std::optional<std::string>("77"));
    CHECK_FALSE(e.task_min.has_value());
    CHECK_FALSE(e.task_max.has_value());
    CHECK_FALSE(e.task_step.has_value());
    CHECK(select_shard(std::nullopt, e).slurm_task == "77_4");
  }
}

TEST_SUITE("sweep") {
  TEST_CASE("shards sharing one directory: own points and a record each, no results until the merge") {
    fs::path whole = shard_temp_dir("whole");
    fs::path shared = shard_temp_dir("shared");
    app::Sweep s = app::expand_sweep(six_point_sweep(), ".");
    REQUIRE(s.points.size() == 6);
    REQUIRE(s.points[5].name == "workload_trace0");
    app::SweepOptions o;
    o.jobs = 1;
    o.quiet = true;
    std::ostringstream log;
    app::SweepOutcome r = app::run_sweep(s, whole, o, log);
    CHECK(r.failed == 1);
    // Shards 0/3 and 2/3 run (1/3, owning points 1 and 4, never starts).
    for (unsigned k : {0u, 2u}) {
      o.shard = {k, 3};
      o.slurm_task = "41_" + std::to_string(k);
      r = app::run_sweep(s, shared, o, log);
      CHECK(r.in_shard == 2);
      CHECK(r.failed == (k == 2 ? 1u : 0u));  // point 5 is in shard 2/3
      CHECK_FALSE(fs::exists(shared / "results.csv"));
      CHECK_FALSE(fs::exists(shared / "results.json"));
      json rec = json::parse(slurp(shared / "shards" / (std::to_string(k) + "-of-3.json")));
      CHECK(rec["state"] == "done");
      CHECK(rec["slurm_task"] == "41_" + std::to_string(k));
      CHECK(rec["points"] == 2);
      CHECK(rec["failed"].size() == (k == 2 ? 1u : 0u));
    }
    CHECK(json::parse(slurp(shared / "shards" / "2-of-3.json"))["failed"][0]["point"] == "workload_trace0");
    // --force would delete the other shards' results.
    o.force = true;
    CHECK_THROWS_WITH_AS(app::run_sweep(s, shared, o, log), doctest::Contains("cannot be combined with shards"), InputError);
    o.force = false;

    // In-place merge: point 5 failed (in shard 2/3, with its error), points 1 and 4 missing (no record).
    app::MergeOutcome m = app::merge_sweeps(shared, {shared});
    CHECK(m.ok == 3);
    CHECK(m.failed == 1);
    CHECK(m.missing == 2);
    REQUIRE(m.problems.size() == 3);
    CHECK(m.problems[0].point == s.points[1].name);
    CHECK(m.problems[0].status == "missing");
    CHECK(m.problems[0].shard.empty());
    CHECK(m.problems[1].point == s.points[4].name);
    CHECK(m.problems[2].point == "workload_trace0");
    CHECK(m.problems[2].status == "failed");
    CHECK(m.problems[2].shard.rfind("shard 2/3 (Slurm task 41_2 on ", 0) == 0);
    CHECK(m.problems[2].shard_state == "done");
    CHECK(m.problems[2].error == slurp(whole / "runs" / "workload_trace0.error.txt").substr(0, m.problems[2].error.size()));
    CHECK(m.problems[2].error.find("no_such.gct") != std::string::npos);

    // Shard 1/3 runs late (a resubmitted task): the merge is then complete but for the failed point,
    // and byte-identical to the unsharded run.
    o.shard = {1, 3};
    o.slurm_task = "41_1";
    r = app::run_sweep(s, shared, o, log);
    CHECK(r.ran == 2);
    m = app::merge_sweeps(shared, {shared});
    CHECK(m.ok == 5);
    CHECK(m.missing == 0);
    CHECK(slurp(shared / "results.csv") == slurp(whole / "results.csv"));
    CHECK(slurp(shared / "results.json") == slurp(whole / "results.json"));
  }
}
