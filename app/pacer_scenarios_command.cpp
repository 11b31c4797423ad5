// SPDX-License-Identifier: MIT
// `gcsim pacer-scenarios`. Wall-clock time is read here only for --bench (simulator speed).
#include "app/pacer_scenarios_command.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "app/experiment.hpp"
#include "app/pacer_event_driven.hpp"
#include "app/run_command.hpp"
#include "models/pacer/registry.hpp"
#include "models/percycle/go_test_scenarios.hpp"
#include "models/percycle/harness.hpp"
#include "models/stats/writers.hpp"
#include "sim/config/config_error.hpp"
#include "sim/run_dir.hpp"

namespace gcsim::app {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using percycle::CycleResult;
using percycle::HarnessOptions;
using percycle::Scenario;
using percycle::Semantics;

constexpr const char* kDefaultPacers = "go1.5-legacy,go1.19";
constexpr const char* kDefaultScenarioDir = "configs/pacers/scenarios";
constexpr const char* kUsage =
    "usage: gcsim pacer-scenarios --out DIR [--pacers a,b] [--scenarios DIR] [--semantics model|runtime|both] "
    "[--go-tests] [--event-driven] [--object-bytes N] [--steps N] [--bench] [--force] [--quiet]";

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

struct ScenarioFile {
  Scenario scenario;
  fs::path file;
};

/// Scenario files of a directory: the redesign's nine first, in the document's order, then any
/// other *.json in name order.
std::vector<ScenarioFile> load_scenarios(const fs::path& dir) {
  if (!fs::is_directory(dir))
    throw InputError("--scenarios", "not a directory: " + dir.string() + " (run from the repository root or pass --scenarios)");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".json") files.push_back(e.path());
  const auto& order = percycle::redesign_scenario_names();
  auto rank = [&](const fs::path& p) {
    auto it = std::find(order.begin(), order.end(), p.stem().string());
    return it == order.end() ? order.size() : static_cast<size_t>(it - order.begin());
  };
  std::sort(files.begin(), files.end(), [&](const fs::path& a, const fs::path& b) {
    return std::make_pair(rank(a), a.filename().string()) < std::make_pair(rank(b), b.filename().string());
  });
  if (files.empty()) throw InputError("--scenarios", "no *.json scenario files in " + dir.string());
  std::vector<ScenarioFile> out;
  for (const fs::path& f : files) out.push_back({percycle::load_pacer_model_scenario(f.string()), f});
  return out;
}

std::string fmt(double v) { return std::isfinite(v) ? stats::format_double(v) : ""; }

/// One row per cycle; with `nominal` (event-driven runs) a last column nominal_cycle.
void write_cycles_csv(const fs::path& file, const std::vector<CycleResult>& rows,
                      const std::vector<int>* nominal = nullptr) {
  std::ofstream f(file);
  f << "cycle,heap_marked_bytes,trigger_bytes,goal_bytes,peak_bytes,live_bytes,stack_bytes,globals_bytes,"
       "scan_work_bytes,expected_work_bytes,alloc_rate,scan_rate,utilization,goal_utilization,cons_mark,"
       "measured_cons_mark,r_estimate,r_planned,alloc_scan_ratio,overshoot,goal_ratio,mark_ns,assist_cpu_ns,cycle_ns"
    << (nominal ? ",nominal_cycle" : "") << '\n';
  for (size_t i = 0; i < rows.size(); ++i) {
    const CycleResult& r = rows[i];
    f << r.cycle << ',' << r.heap_marked_bytes << ',' << r.trigger_bytes << ',' << r.goal_bytes << ','
      << r.peak_bytes << ',' << r.live_bytes << ',' << r.stack_bytes << ',' << r.globals_bytes << ','
      << r.scan_work_bytes << ',' << r.expected_work_bytes << ',' << fmt(r.alloc_rate) << ',' << fmt(r.scan_rate)
      << ',' << fmt(r.utilization) << ',' << fmt(r.goal_utilization) << ',' << fmt(r.cons_mark) << ','
      << fmt(r.measured_cons_mark) << ',' << fmt(r.r_estimate) << ',' << fmt(r.r_planned) << ','
      << fmt(r.alloc_scan_ratio) << ',' << fmt(r.overshoot) << ',' << fmt(r.goal_ratio()) << ',' << r.mark_ns
      << ',' << fmt(r.assist_cpu_ns) << ',' << r.cycle_ns;
    if (nominal) f << ',' << (*nominal)[i];
    f << '\n';
  }
  if (!f) throw InputError(file.string(), "write failed");
}

/// The generator's nominal cycles (workload::nominal_schedule), one row each.
void write_schedule_csv(const fs::path& file, const std::vector<workload::NominalCycle>& rows) {
  std::ofstream f(file);
  f << "nominal_cycle,start_alloc_bytes,alloc_bytes,live_bytes,est_marked_bytes,stack_bytes,scannable_frac,"
       "alloc_rate,scan_rate,alloc_bytes_per_cpu_ns\n";
  for (const workload::NominalCycle& c : rows)
    f << c.cycle << ',' << fmt(c.start_alloc_bytes) << ',' << fmt(c.alloc_bytes) << ',' << fmt(c.live_bytes) << ','
      << fmt(c.est_marked_bytes) << ',' << c.stack_bytes << ',' << fmt(c.scannable_frac) << ',' << fmt(c.alloc_rate)
      << ',' << fmt(c.scan_rate) << ',' << fmt(c.alloc_bytes_per_cpu_ns) << '\n';
  if (!f) throw InputError(file.string(), "write failed");
}

/// Steady state = the last 20 cycles (the second half of shorter runs).
struct Summary {
  size_t from = 0;
  double mean_overshoot = 0, max_overshoot = 0, mean_util = 0, goal_util = 0, mean_abs_util_error = 0;
  double max_overshoot_all = 0;
  double mean_goal_bytes = 0, mean_peak_bytes = 0;
  double gc_per_second = 0;  ///< cycles in the window per simulated second (cycle_ns)
};

Summary summarise(const std::vector<CycleResult>& rows) {
  Summary s;
  const size_t n = rows.size();
  s.from = n >= 40 ? n - 20 : n / 2;
  s.max_overshoot = -1e300;
  s.max_overshoot_all = -1e300;
  for (size_t i = 0; i < n; ++i) {
    if (i >= 1) s.max_overshoot_all = std::max(s.max_overshoot_all, rows[i].overshoot);
    if (i < s.from) continue;
    const CycleResult& r = rows[i];
    s.mean_overshoot += r.overshoot;
    s.max_overshoot = std::max(s.max_overshoot, r.overshoot);
    s.mean_util += r.utilization;
    s.goal_util = r.goal_utilization;
    s.mean_abs_util_error += std::fabs(r.utilization - r.goal_utilization);
    s.mean_goal_bytes += static_cast<double>(r.goal_bytes);
    s.mean_peak_bytes += static_cast<double>(r.peak_bytes);
    s.gc_per_second += static_cast<double>(r.cycle_ns);
  }
  const auto k = static_cast<double>(n - s.from);
  s.gc_per_second = s.gc_per_second > 0 ? k * 1e9 / s.gc_per_second : 0;
  s.mean_overshoot /= k;
  s.mean_util /= k;
  s.mean_abs_util_error /= k;
  s.mean_goal_bytes /= k;
  s.mean_peak_bytes /= k;
  return s;
}

struct Options {
  std::string out;
  std::string pacers = kDefaultPacers;
  std::string scenarios = kDefaultScenarioDir;
  std::string semantics = "model";
  bool go_tests = false;
  bool event_driven = false;
  std::string object_bytes = std::to_string(workload::PacerScenarioParams{}.object_bytes);
  int steps = HarnessOptions{}.model_revise_steps;
  bool bench = false;
  bool force = false;
  bool quiet = false;
};

/// Runs every (scenario, pacer) once per semantics until `min_s` seconds have passed.
struct Job {
  Scenario scenario;
  Semantics semantics;
  std::string group;  ///< output subdirectory: the semantics, or "go-tests"
};

double bench_cycles_per_second(const std::vector<Job>& work,
                               const std::vector<std::string>& pacers, const HarnessOptions& base, double min_s,
                               long long& cycles_out, double& seconds_out) {
  using Clock = std::chrono::steady_clock;
  long long cycles = 0;
  const auto t0 = Clock::now();
  double elapsed = 0;
  double sink = 0;
  do {
    for (const Job& j : work) {
      HarnessOptions o = base;
      o.semantics = j.semantics;
      for (const std::string& kind : pacers) {
        try {
          std::vector<CycleResult> rows = percycle::run_scenario(j.scenario, json{{"kind", kind}}, o);
          cycles += static_cast<long long>(rows.size());
          sink += rows.back().overshoot;
        } catch (const std::domain_error&) {
        }
      }
    }
    elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  } while (elapsed < min_s);
  cycles_out = cycles;
  seconds_out = elapsed;
  return std::isfinite(sink) ? static_cast<double>(cycles) / elapsed : 0;
}

}  // namespace

int run_pacer_scenarios_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& log) {
  Options opt;
  std::string steps = std::to_string(opt.steps);
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& dst) {
      if (i + 1 == args.size() || args[i + 1].empty()) throw InputError(a, std::string("missing value; ") + kUsage);
      dst = args[++i];
    };
    if (a == "--out") {
      value(opt.out);
    } else if (a == "--pacers") {
      value(opt.pacers);
    } else if (a == "--scenarios") {
      value(opt.scenarios);
    } else if (a == "--semantics") {
      value(opt.semantics);
    } else if (a == "--steps") {
      value(steps);
    } else if (a == "--event-driven") {
      opt.event_driven = true;
    } else if (a == "--object-bytes") {
      value(opt.object_bytes);
    } else if (a == "--go-tests") {
      opt.go_tests = true;
    } else if (a == "--bench") {
      opt.bench = true;
    } else if (a == "--force") {
      opt.force = true;
    } else if (a == "--quiet") {
      opt.quiet = true;
    } else {
      throw InputError(a, std::string("unknown argument; ") + kUsage);
    }
  }
  try {
    size_t used = 0;
    opt.steps = std::stoi(steps, &used);
    if (used != steps.size()) throw std::invalid_argument(steps);
  } catch (const std::exception&) {
    throw InputError("--steps", "must be an integer, got '" + steps + "'");
  }
  if (opt.out.empty() && !opt.bench) throw InputError("command line", "missing --out DIR");
  if (opt.steps < 1 || opt.steps > 100000) throw InputError("--steps", "must be in 1..100000");
  std::vector<Semantics> semantics;
  if (opt.semantics == "both") {
    semantics = {Semantics::kModel, Semantics::kRuntime};
  } else {
    Semantics s;
    if (!percycle::parse_semantics(opt.semantics, s))
      throw InputError("--semantics", "must be model, runtime or both, got '" + opt.semantics + "'");
    semantics = {s};
  }
  std::vector<std::string> pacers = split_list(opt.pacers);
  if (pacers.empty()) throw InputError("--pacers", "needs at least one pacer kind");
  for (const std::string& k : pacers) {
    const auto& kinds = pacer::pacer_kinds();
    if (std::none_of(kinds.begin(), kinds.end(), [&](const pacer::PacerKind& pk) { return pk.kind == k; })) {
      std::string known;
      for (const auto& pk : kinds) known += (known.empty() ? "" : ", ") + pk.kind;
      throw InputError("--pacers", "unknown pacer '" + k + "'; known: " + known);
    }
  }
  HarnessOptions base;
  base.model_revise_steps = opt.steps;

  workload::PacerScenarioParams generator;
  try {
    size_t used = 0;
    generator.object_bytes = std::stoull(opt.object_bytes, &used);
    if (used != opt.object_bytes.size() || opt.object_bytes.find('-') != std::string::npos ||
        generator.object_bytes < 8)
      throw std::invalid_argument(opt.object_bytes);
  } catch (const std::exception&) {
    throw InputError("--object-bytes", "must be an integer >= 8, got '" + opt.object_bytes + "'");
  }
  const std::vector<ScenarioFile> scenario_files = load_scenarios(opt.scenarios);
  std::vector<Job> work;
  for (Semantics sem : semantics)
    for (const ScenarioFile& sf : scenario_files) work.push_back({sf.scenario, sem, percycle::semantics_name(sem)});
  if (opt.go_tests)
    for (const Scenario& s : percycle::go_test_scenarios()) work.push_back({s, Semantics::kRuntime, "go-tests"});

  if (opt.bench) {
    long long cycles = 0;
    double seconds = 0;
    double rate = bench_cycles_per_second(work, pacers, base, 1.0, cycles, seconds);
    char line[256];
    std::snprintf(line, sizeof line, "%lld GC cycles in %.2f s = %.2f M GC cycles/s", cycles, seconds, rate / 1e6);
    out << "gcsim pacer-scenarios: " << line << " (" << pacers.size() << " pacers x " << work.size()
        << " scenario runs, " << opt.semantics << " semantics, steps " << opt.steps << ")\n";
    if (opt.out.empty()) return 0;
  }

  sim::StagedDir staged(opt.out, opt.force);
  std::ofstream summary(staged.path() / "summary.csv");
  summary << "semantics,scenario,pacer,cycles,steady_from_cycle,mean_overshoot,max_overshoot,max_overshoot_all,"
             "mean_utilization,goal_utilization,mean_abs_utilization_error,mean_goal_bytes,mean_peak_bytes,"
             "gc_per_second\n";
  auto summary_row = [&](const std::string& group, const std::string& scenario, const std::string& kind,
                         const std::vector<CycleResult>& rows) {
    Summary m = summarise(rows);
    summary << group << ',' << scenario << ',' << kind << ',' << rows.size() << ',' << m.from + 1 << ','
            << fmt(m.mean_overshoot) << ',' << fmt(m.max_overshoot) << ',' << fmt(m.max_overshoot_all) << ','
            << fmt(m.mean_util) << ',' << fmt(m.goal_util) << ',' << fmt(m.mean_abs_util_error) << ','
            << fmt(m.mean_goal_bytes) << ',' << fmt(m.mean_peak_bytes) << ',' << fmt(m.gc_per_second) << '\n';
    if (!opt.quiet) {
      char line[200];
      std::snprintf(line, sizeof line, ": steady overshoot %+.2f %%, GC utilization %.3f (target %.2f), %.2f GC/s",
                    m.mean_overshoot * 100, m.mean_util, m.goal_util, m.gc_per_second);
      log << group << '/' << scenario << '/' << kind << line << '\n';
    }
  };
  json manifest = {{"pacers", pacers}, {"runs", json::array()}, {"skipped", json::array()}};
  for (const Job& j : work) {
    const Scenario& s = j.scenario;
    const Semantics sem = j.semantics;
    const std::string& group = j.group;
    fs::create_directories(staged.path() / group / s.name);
    HarnessOptions o = base;
    o.semantics = sem;
    for (const std::string& kind : pacers) {
      std::vector<CycleResult> rows;
      try {
        rows = percycle::run_scenario(s, json{{"kind", kind}}, o);
      } catch (const std::domain_error& e) {  // e.g. GOGC=off for a strategy without a memory limit
        manifest["skipped"].push_back({{"group", group}, {"scenario", s.name}, {"pacer", kind}, {"reason", e.what()}});
        if (!opt.quiet) log << group << '/' << s.name << '/' << kind << ": skipped: " << e.what() << '\n';
        continue;
      }
      write_cycles_csv(staged.path() / group / s.name / (kind + ".csv"), rows);
      summary_row(group, s.name, kind, rows);
      manifest["runs"].push_back({{"group", group},
                                  {"semantics", percycle::semantics_name(sem)},
                                  {"scenario", s.name},
                                  {"pacer", kind},
                                  {"gogc", s.gc_percent},
                                  {"csv", group + "/" + s.name + "/" + kind + ".csv"}});
    }
  }
  size_t event_driven_runs = 0;
  if (opt.event_driven) {
    // The same scenarios and pacers in the full simulator (docs/PACERS.md, "The event-driven mode").
    const std::string group = "event-driven";
    for (const ScenarioFile& sf : scenario_files) {
      const Scenario& s = sf.scenario;
      const std::vector<workload::NominalCycle> schedule = workload::nominal_schedule(s, generator);
      fs::create_directories(staged.path() / group / s.name);
      write_schedule_csv(staged.path() / group / s.name / "nominal_cycles.csv", schedule);
      for (const std::string& kind : pacers) {
        const fs::path run_dir = staged.path() / group / s.name / kind;
        fs::create_directories(run_dir);
        json doc = pacer_scenario_experiment(s, fs::absolute(sf.file).lexically_normal().string(), json{{"kind", kind}},
                                             generator);
        Experiment e = parse_experiment(doc, "");
        stats::RunRecord rec = simulate(e, {});
        write_run_outputs(run_dir, e, rec);
        // The strategy's target utilization, from a one-cycle per-cycle run.
        Scenario one = s;
        one.cycles.resize(1);
        HarnessOptions o = base;
        o.semantics = Semantics::kRuntime;
        double goal_util = 0.25;
        try {
          goal_util = percycle::run_scenario(one, json{{"kind", kind}}, o).front().goal_utilization;
        } catch (const std::domain_error&) {
        }
        std::vector<int> nominal;
        std::vector<CycleResult> rows = event_driven_rows(rec, schedule, s.cycles.size(), goal_util, nominal);
        write_cycles_csv(staged.path() / group / s.name / (kind + ".csv"), rows, &nominal);
        summary_row(group, s.name, kind, rows);
        manifest["runs"].push_back({{"group", group},
                                    {"semantics", group},
                                    {"scenario", s.name},
                                    {"pacer", kind},
                                    {"gogc", s.gc_percent},
                                    {"csv", group + "/" + s.name + "/" + kind + ".csv"},
                                    {"run_dir", group + "/" + s.name + "/" + kind},
                                    {"simulated_ns", rec.totals.simulated_ns},
                                    {"event_driven_cycles", rec.cycles.size()}});
        ++event_driven_runs;
      }
    }
  }
  summary.close();
  if (!summary) throw InputError((fs::path(opt.out) / "summary.csv").string(), "write failed");
  manifest["options"] = {{"scenarios", opt.scenarios},
                         {"semantics", opt.semantics},
                         {"go_tests", opt.go_tests},
                         {"event_driven", opt.event_driven},
                         {"generator", generator.to_json()},
                         {"model_revise_steps", base.model_revise_steps},
                         {"revise_period_ns", base.revise_period_ns},
                         {"model_min_heap_bytes", base.model_min_heap_bytes},
                         {"model_goal", pacer::goal_formula_name(base.model_goal)}};
  std::ofstream(staged.path() / "manifest.json") << manifest.dump(2) << '\n';
  staged.commit();
  if (!opt.quiet)
    out << "gcsim pacer-scenarios: " << work.size() * pacers.size() + event_driven_runs << " runs\nresults: " << opt.out
        << "\nplots: /usr/bin/python3 analysis/pacer/plot_scenarios.py " << opt.out << "\n";
  return 0;
}

}  // namespace gcsim::app
