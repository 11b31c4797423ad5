// SPDX-License-Identifier: MIT
#include "app/sweep_command.hpp"

#include <cstdio>
#include <fstream>

#include "app/experiment.hpp"
#include "app/run_command.hpp"
#include "models/stats/writers.hpp"
#include "sim/config/config_error.hpp"
#include "sim/config/json_check.hpp"
#include "sim/config/overrides.hpp"
#include "sim/run_dir.hpp"

namespace gcsim::app {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string value_label(const json& v) {
  std::string s = v.is_string() ? v.get<std::string>() : v.dump();
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '_';
  return s;
}

std::string axis_label(const std::string& path) {
  auto dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

}  // namespace

std::vector<SweepPoint> expand_sweep(const json& doc, const std::string& base_dir, std::string& name) {
  config::require_only_keys(doc, {"schema_version", "name", "base", "base_config", "sweep", "description"}, "");
  config::require_key(doc, "", "schema_version");
  if (config::get_i64(doc, "", "schema_version", 0) != kSchemaVersion)
    throw ConfigError("schema_version", "unsupported version; this gcsim reads " + std::to_string(kSchemaVersion));
  name = config::get_string(doc, "", "name", "sweep");
  json base;
  if (doc.contains("base") == doc.contains("base_config"))
    throw ConfigError("base", "give exactly one of base (an experiment object) or base_config (a file path)");
  if (doc.contains("base")) {
    base = doc["base"];
  } else {
    std::string p = config::get_string(doc, "", "base_config", "");
    fs::path full = fs::path(base_dir) / p;
    if (!fs::exists(full)) throw ConfigError("base_config", "file not found: " + full.string());
    base = config::read_json_file(full.string());
  }
  config::require_key(doc, "", "sweep");
  const json& axes = doc["sweep"];
  config::require_object(axes, "sweep");
  if (axes.empty()) throw ConfigError("sweep", "needs at least one axis, e.g. {\"runtime.gogc\": [50, 100, 200]}");
  std::vector<SweepPoint> points{SweepPoint{"", json::object(), base}};
  for (auto it = axes.begin(); it != axes.end(); ++it) {
    std::string path = "sweep." + it.key();
    if (!it->is_array() || it->empty()) throw ConfigError(path, "must be a non-empty array of values");
    std::vector<SweepPoint> next;
    for (const SweepPoint& p : points) {
      for (const json& v : *it) {
        SweepPoint q = p;
        q.name += (q.name.empty() ? "" : "__") + axis_label(it.key()) + "_" + value_label(v);
        q.assignments[it.key()] = v;
        config::apply_override(q.config, it.key() + "=" + v.dump());
        next.push_back(std::move(q));
      }
    }
    points = std::move(next);
  }
  // Validate every point now, so a bad value fails before hours of simulation.
  for (SweepPoint& p : points) {
    p.config["name"] = p.name;
    try {
      parse_experiment(p.config, base_dir);
    } catch (const ConfigError& e) {
      throw ConfigError(e.where(), e.detail() + " (in sweep point " + p.name + ")");
    }
  }
  return points;
}

void run_sweep(const std::vector<SweepPoint>& points, const std::string& base_dir, const fs::path& out_dir,
               bool replace, bool show_progress) {
  sim::StagedDir staged(out_dir, replace);
  fs::create_directories(staged.path() / "runs");
  std::ofstream csv(staged.path() / "sweep.csv");
  csv << "point";
  for (auto it = points.front().assignments.begin(); it != points.front().assignments.end(); ++it)
    csv << ',' << it.key();
  csv << ",num_gc,gc_cpu_fraction,peak_heap_bytes,peak_heap_inuse_bytes,peak_heap_sys_bytes,"
         "second_half_mean_heap_goal_bytes,pause_p50_ns,pause_p99_ns,pause_max_ns,simulated_ns,total_alloc_bytes\n";
  size_t k = 0;
  for (const SweepPoint& p : points) {
    ++k;
    if (show_progress) std::fprintf(stderr, "[%zu/%zu] %s\n", k, points.size(), p.name.c_str());
    Experiment e = parse_experiment(p.config, base_dir);
    json s = run_experiment(e, staged.path() / "runs" / p.name, false, show_progress);
    csv << p.name;
    for (auto it = p.assignments.begin(); it != p.assignments.end(); ++it)
      csv << ',' << (it->is_string() ? it->get<std::string>() : it->dump());
    csv << ',' << s["num_gc"] << ',' << stats::format_double(s["gc_cpu_fraction"].get<double>()) << ','
        << s["peak_heap_bytes"] << ',' << s["peak_heap_inuse_bytes"] << ',' << s["peak_heap_sys_bytes"] << ','
        << stats::format_double(s["second_half_mean_heap_goal_bytes"].get<double>()) << ',' << s["pause_ns"]["p50"]
        << ',' << s["pause_ns"]["p99"] << ',' << s["pause_ns"]["max"] << ',' << s["simulated_ns"] << ','
        << s["total_alloc_bytes"] << '\n';
  }
  csv.close();
  if (!csv) throw InputError((out_dir / "sweep.csv").string(), "write failed");
  staged.commit();
}

}  // namespace gcsim::app
