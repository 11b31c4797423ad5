// SPDX-License-Identifier: MIT
// Strict config reading: unknown keys, wrong types, ranges, --set overrides; errors name JSON paths.
#include <doctest/doctest.h>

#include "models/cost_model.hpp"
#include "models/runtime_settings.hpp"
#include "sim/config/config_error.hpp"
#include "sim/config/json_check.hpp"
#include "sim/config/overrides.hpp"

using namespace gcsim;
using nlohmann::json;

TEST_SUITE("config") {
  TEST_CASE("runtime settings: gogc integer or \"off\", null memory limit, ranges") {
    RuntimeSettings s = RuntimeSettings::parse(json{{"gogc", "off"}, {"gomaxprocs", 2}}, "runtime");
    CHECK(s.gc_percent == -1);
    CHECK(s.gomaxprocs == 2);
    CHECK(s.memory_limit_bytes == kNoMemoryLimit);
    CHECK(RuntimeSettings::parse(json{{"memory_limit_bytes", nullptr}}, "runtime").memory_limit_bytes == kNoMemoryLimit);
    CHECK(RuntimeSettings::parse(json{{"memory_limit_bytes", 1 << 30}}, "runtime").memory_limit_bytes == 1 << 30);
    CHECK_THROWS_WITH_AS(RuntimeSettings::parse(json{{"gogc", "of"}}, "runtime"),
                         "runtime.gogc: must be an integer >= 0 or \"off\", got \"of\"", ConfigError);
    CHECK_THROWS_WITH_AS(RuntimeSettings::parse(json{{"gogc", -5}}, "runtime"),
                         "runtime.gogc: must be in [0, 1000000], got -5", ConfigError);
    CHECK_THROWS_WITH_AS(RuntimeSettings::parse(json{{"gomaxprocs", 0}}, "runtime"),
                         "runtime.gomaxprocs: must be in [1, 1024], got 0", ConfigError);
    CHECK_THROWS_WITH_AS(RuntimeSettings::parse(json{{"gomaxproc", 4}}, "runtime"),
                         "runtime.gomaxproc: unknown key (did you mean gomaxprocs?)", ConfigError);
    CHECK_THROWS_WITH_AS(RuntimeSettings::parse(json{{"version", "1.17"}}, "runtime"),
                         "runtime.version: unsupported Go version '1.17'; supported: 1.19, 1.20, 1.21, 1.22, 1.23", ConfigError);
    CHECK_THROWS_AS(RuntimeSettings::parse(json::array(), "runtime"), ConfigError);
  }

  TEST_CASE("cost model: every key optional, unknown keys and negative costs rejected") {
    CostModel c = CostModel::parse(json{{"scan_ns_per_byte", 1.5}}, "cost_model");
    CHECK(c.scan_ns_per_byte == 1.5);
    CHECK(c.alloc_ns == CostModel{}.alloc_ns);
    CHECK_THROWS_WITH_AS(CostModel::parse(json{{"scan_ns_per_bytes", 1}}, "cost_model"),
                         "cost_model.scan_ns_per_bytes: unknown key (did you mean scan_ns_per_byte?)", ConfigError);
    CHECK_THROWS_AS(CostModel::parse(json{{"alloc_ns", -1}}, "cost_model"), ConfigError);
    CHECK_THROWS_AS(CostModel::parse(json{{"alloc_ns", "fast"}}, "cost_model"), ConfigError);
    CHECK(CostModel::parse(c.to_json(), "cost_model").scan_ns_per_byte == 1.5);
  }

  TEST_CASE("--set overrides parse JSON values, create keys, and reject malformed assignments") {
    json doc = {{"runtime", {{"gogc", 100}}}};
    config::apply_override(doc, "runtime.gogc=50");
    CHECK(doc["runtime"]["gogc"] == 50);
    config::apply_override(doc, "runtime.gogc=off");
    CHECK(doc["runtime"]["gogc"] == "off");
    config::apply_override(doc, "pacer.kind=\"go\"");
    CHECK(doc["pacer"]["kind"] == "go");
    CHECK_THROWS_AS(config::apply_override(doc, "runtime.gogc"), InputError);
    CHECK_THROWS_AS(config::apply_override(doc, "runtime.gogc.x=1"), InputError);
    CHECK_THROWS_AS(config::apply_override(doc, "a..b=1"), InputError);
  }

  TEST_CASE("regression: --set with invalid UTF-8 was an internal error (json type_error 316) later") {
    // Found by fuzz_config (tests/fuzz/regressions/fuzz_config/): the raw string became a JSON
    // string that nlohmann cannot dump, so the error message (or resolved_config.json) threw.
    nlohmann::json doc = {{"runtime", {{"gogc", 100}}}};
    CHECK_THROWS_WITH_AS(config::apply_override(doc, "runtime.gogc=\x14\xf0\x14"),
                         "--set: 'runtime.gogc': the assignment is not valid UTF-8", InputError);
    CHECK_THROWS_AS(config::apply_override(doc, "runtime.\xff=1"), InputError);
    CHECK(doc["runtime"]["gogc"] == 100);
    config::apply_override(doc, "name=gr\xc3\xbc" "n");  // valid UTF-8 is fine
    CHECK(doc["name"] == "gr\xc3\xbc" "n");
  }

  TEST_CASE("regression: an empty JSON key was reported with an empty path (\"gcsim: : unknown key\")") {
    // Found by fuzz_config (tests/fuzz/regressions/fuzz_config/empty_key).
    json doc = {{"schema_version", 1}, {"", 1}};
    CHECK_THROWS_WITH_AS(config::require_only_keys(doc, {"schema_version", "sim"}, ""),
                         doctest::Contains("\"\": unknown key"), ConfigError);
    CHECK_THROWS_WITH_AS(config::require_only_keys(json{{"", 1}}, {"gogc"}, "runtime"),
                         doctest::Contains("runtime.\"\": unknown key"), ConfigError);
  }

  TEST_CASE("errors stay one line: control characters from the input are escaped") {
    InputError e("a\nb", "unknown key 'x\ry\x01'");
    CHECK(std::string(e.what()) == "a\\nb: unknown key 'x\\ry\\x01'");
    CHECK(e.where() == "a\\nb");
  }

  TEST_CASE("integers: floats with fractions, negatives and out-of-range values are errors") {
    CHECK(config::get_u64(json{{"n", 3}}, "x", "n", 0) == 3);
    CHECK(config::get_u64(json{{"n", 3.0}}, "x", "n", 0) == 3);
    CHECK_THROWS_WITH_AS(config::get_u64(json{{"n", 3.5}}, "x", "n", 0), "x.n: must be a non-negative integer, got 3.5",
                         ConfigError);
    CHECK_THROWS_AS(config::get_u64(json{{"n", -1}}, "x", "n", 0), ConfigError);
    CHECK_THROWS_AS(config::get_u64(json{{"n", 11}}, "x", "n", 0, 0, 10), ConfigError);
    CHECK_THROWS_AS(config::get_double(json{{"n", "1"}}, "x", "n", 0, 0, 1), ConfigError);
  }
}
