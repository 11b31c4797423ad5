// SPDX-License-Identifier: MIT
// Calibration: NNLS recovers known parameters; profiles load into the cost model.
#include <doctest/doctest.h>

#include <fstream>

#include "models/calibration/least_squares.hpp"
#include "models/cost_model.hpp"
#include "sim/config/config_error.hpp"

using namespace gcsim;
using namespace gcsim::calibration;

TEST_SUITE("calibration") {
  TEST_CASE("NNLS recovers parameters from exact observations and keeps them non-negative") {
    // mark CPU = scan_bytes × 0.02 + objects × 22; STW = 15000 + 2000 × P.
    std::vector<Observation> obs;
    for (double objects : {1e5, 5e5, 2e6})
      for (double bytes_per_obj : {16.0, 128.0, 1024.0})
        obs.push_back({"mark", objects * bytes_per_obj * 0.02 + objects * 22,
                       {{"scan_ns_per_byte", objects * bytes_per_obj}, {"mark_ns_per_object", objects}}, 1});
    for (double p : {1.0, 2.0, 4.0, 8.0})
      obs.push_back({"stw", 15000 + 2000 * p, {{"stw_sweep_term_ns", 1}, {"stw_sweep_term_ns_per_p", p}}, 1});
    FitResult r = fit_nonnegative(obs);
    CHECK(r.values["scan_ns_per_byte"] == doctest::Approx(0.02));
    CHECK(r.values["mark_ns_per_object"] == doctest::Approx(22));
    CHECK(r.values["stw_sweep_term_ns"] == doctest::Approx(15000));
    CHECK(r.values["stw_sweep_term_ns_per_p"] == doctest::Approx(2000));
    CHECK(r.group_rel_rmse["mark"] < 1e-9);
    // A parameter the data pushes negative is clamped at 0, and the others absorb the fit.
    std::vector<Observation> neg = {{"x", 10, {{"a", 1}, {"b", 1}}, 1}, {"x", 4, {{"a", 1}, {"b", 2}}, 1}};
    FitResult n = fit_nonnegative(neg);
    CHECK(n.values["b"] == 0);
    CHECK(n.values["a"] > 0);
    CHECK_THROWS_AS(fit_nonnegative({}), std::invalid_argument);
  }

  TEST_CASE("a profile file sets the cost model; config keys override it; defaults match the bundled profile") {
    std::string root = GCSIM_SOURCE_ROOT;
    CostModel bundled = CostModel::parse(nlohmann::json{{"profile_path", "configs/profiles/go1.19-epyc-kvm.json"}},
                                         "cost_model", root);
    CostModel defaults;
    // The struct defaults are the bundled profile: they cannot drift apart.
    CHECK(bundled.to_json().dump() == [&] {
      nlohmann::json j = defaults.to_json();
      j["profile"] = "go1.19-epyc-kvm";
      return j.dump();
    }());
    CostModel over = CostModel::parse(
        nlohmann::json{{"profile_path", "configs/profiles/go1.19-epyc-kvm.json"}, {"scan_ns_per_byte", 0.5}}, "cost_model",
        root);
    CHECK(over.scan_ns_per_byte == 0.5);
    CHECK(over.alloc_ns == defaults.alloc_ns);
    CHECK_THROWS_AS(CostModel::parse(nlohmann::json{{"profile_path", "nope.json"}}, "cost_model", root), ConfigError);
  }
}
