// SPDX-License-Identifier: MIT
#include "app/calibrate_command.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>

#include "models/calibration/least_squares.hpp"
#include "models/cost_model.hpp"
#include "sim/config/config_error.hpp"
#include "sim/config/json_check.hpp"
#include "sim/config/overrides.hpp"
#include "sim/run_dir.hpp"

namespace gcsim::app {

namespace fs = std::filesystem;
using nlohmann::json;

int run_calibrate_command(const std::vector<std::string>& args) {
  std::string obs_file, out, name = "calibrated", base;
  for (size_t i = 0; i < args.size(); ++i) {
    auto value = [&](const char* flag) {
      if (i + 1 >= args.size()) throw InputError(flag, "needs a value");
      return args[++i];
    };
    if (args[i] == "--out") {
      out = value("--out");
    } else if (args[i] == "--name") {
      name = value("--name");
    } else if (args[i] == "--base") {
      base = value("--base");
    } else if (!args[i].empty() && args[i][0] == '-') {
      throw InputError(args[i], "unknown option; usage: gcsim calibrate OBS.json --out PROFILE.json [--name N] [--base PROFILE.json]");
    } else if (obs_file.empty()) {
      obs_file = args[i];
    } else {
      throw InputError(args[i], "unexpected argument");
    }
  }
  if (obs_file.empty() || out.empty())
    throw InputError("command line", "usage: gcsim calibrate OBS.json --out PROFILE.json [--name N] [--base PROFILE.json]");
  json doc = config::read_json_file(obs_file);
  config::require_only_keys(doc, {"schema_version", "source", "observations"}, obs_file);
  config::require_key(doc, obs_file, "observations");
  const json& rows = doc["observations"];
  if (!rows.is_array() || rows.empty()) throw ConfigError(obs_file + ": observations", "must be a non-empty array");

  CostModel base_model = base.empty() ? CostModel{} : CostModel::parse(json{{"profile_path", base}}, "--base", ".");
  json known = base_model.to_json();
  std::vector<calibration::Observation> obs;
  for (size_t i = 0; i < rows.size(); ++i) {
    std::string p = obs_file + ": observations[" + std::to_string(i) + "]";
    const json& r = rows[i];
    config::require_only_keys(r, {"group", "target_ns", "features", "weight", "note"}, p);
    calibration::Observation o;
    o.group = config::get_string(r, p, "group", "default");
    config::require_key(r, p, "target_ns");
    o.target = config::get_double(r, p, "target_ns", 0, 1e-9, 1e18);
    o.weight = config::get_double(r, p, "weight", 1, 0, 1e6);
    config::require_key(r, p, "features");
    config::require_object(r["features"], p + ".features");
    for (auto it = r["features"].begin(); it != r["features"].end(); ++it) {
      if (!known.contains(it.key()) || it.key() == "profile")
        throw ConfigError(p + ".features." + it.key(), "not a cost_model parameter");
      if (!it->is_number()) throw ConfigError(p + ".features." + it.key(), "must be a number");
      o.features[it.key()] = it->get<double>();
    }
    obs.push_back(std::move(o));
  }
  calibration::FitResult fit;
  try {
    fit = calibration::fit_nonnegative(obs);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(obs_file, e.what());
  }
  json model = known;
  for (const auto& [k, v] : fit.values) model[k] = v;
  model.erase("profile");
  json prof = {{"schema_version", 1},
               {"name", name},
               {"cost_model", model},
               {"calibration",
                {{"source", doc.value("source", obs_file)},
                 {"method", "non-negative least squares on relative errors (models/calibration/least_squares.cpp)"},
                 {"rows", fit.rows},
                 {"fitted", fit.values},
                 {"group_rel_rmse", fit.group_rel_rmse}}}};
  sim::write_file_atomic(out, prof.dump(2) + "\n");
  std::cout << "gcsim: calibrated " << fit.values.size() << " parameters from " << fit.rows << " observations\n";
  for (const auto& [k, v] : fit.values) std::cout << "  " << k << " = " << v << "\n";
  for (const auto& [g, e] : fit.group_rel_rmse) std::cout << "  " << g << ": relative RMS error " << e << "\n";
  std::cout << "profile: " << out << "\n";
  return 0;
}

}  // namespace gcsim::app
