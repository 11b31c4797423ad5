// SPDX-License-Identifier: MIT
// gcsim command line: run, sweep, sizeclasses, trace, list.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "app/bench_command.hpp"
#include "app/calibrate_command.hpp"
#include "app/experiment.hpp"
#include "app/pacer_scenarios_command.hpp"
#include "app/run_command.hpp"
#include "app/slurm_shard.hpp"
#include "app/sweep_command.hpp"
#include "models/allocator/size_classes.hpp"
#include "models/pacer/registry.hpp"
#include "sim/config/config_error.hpp"
#include "sim/config/overrides.hpp"
#include "workloads/trace_cli.hpp"
#include "workloads/workload_factory.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr const char* kUsage =
    "usage: gcsim <command> [options]\n"
    "commands:\n"
    "  run CONFIG.json [--set path=value ...] [--seed N] [--out DIR] [--force] [--dry-run] [--quiet]\n"
    "                      simulate one experiment; writes DIR (default results/<name>)\n"
    "  sweep SWEEP.json [--set path=value ...] [--out DIR] [--jobs N] [--shard K/N] [--force] [--quiet] [--count]\n"
    "                      run a sweep's points in parallel, resuming a previous run into DIR;\n"
    "                      writes DIR/results.csv, DIR/results.json and DIR/runs/<point>/;\n"
    "                      in a Slurm array task the shard is the task (SLURM_ARRAY_TASK_ID/_COUNT);\n"
    "                      --count prints the number of points and exits\n"
    "  sweep-merge OUT [SHARD_DIR...]\n"
    "                      join sweep shards (--shard) into OUT (alone: the shards' shared directory);\n"
    "                      lists failed and missing points, exit 1 if there are any\n"
    "  sizeclasses         print Go 1.19's size-class table as CSV\n"
    "  trace convert IN OUT | trace gen KIND --out FILE [--seed N] [--set k=v ...] | trace stats IN\n"
    "                      workload trace tools (format: workloads/TRACE_FORMAT.md)\n"
    "  bench [--quick] [--json FILE] [--dir TMPDIR]\n"
    "                      measure replay throughput, memory and scaling (docs/PERFORMANCE.md)\n"
    "  calibrate OBS.json --out PROFILE.json [--name NAME] [--base PROFILE.json]\n"
    "                      fit cost-model parameters to real-run observations (docs/VALIDATION.md)\n"
    "  pacer-scenarios --out DIR [--pacers a,b] [--semantics model|runtime|both] [--go-tests] [--bench]\n"
    "                  [--event-driven] [--object-bytes N]\n"
    "                      pacer strategies on per-GC-cycle scenarios, optionally also in the full\n"
    "                      event-driven simulator (docs/PACERS.md)\n"
    "  list                list pacer strategies and workload kinds\n"
    "  version             print the version\n";

struct CommonOptions {
  std::string config;
  std::vector<std::string> sets;
  std::string out;
  bool force = false;
  bool quiet = false;
  bool dry_run = false;
  long long seed = -1;
};

CommonOptions parse_common(const std::vector<std::string>& args, bool allow_seed_and_dry) {
  CommonOptions o;
  po::options_description desc;
  desc.add_options()("config", po::value<std::string>(&o.config))("set", po::value<std::vector<std::string>>(&o.sets))(
      "out", po::value<std::string>(&o.out))("force", po::bool_switch(&o.force))("quiet", po::bool_switch(&o.quiet));
  if (allow_seed_and_dry)
    desc.add_options()("seed", po::value<long long>(&o.seed))("dry-run", po::bool_switch(&o.dry_run));
  po::positional_options_description pos;
  pos.add("config", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
  po::notify(vm);
  if (o.config.empty()) throw gcsim::InputError("command line", "missing CONFIG.json argument");
  if (o.seed < -1) throw gcsim::InputError("--seed", "must be a non-negative integer");
  return o;
}

nlohmann::json load_with_overrides(const CommonOptions& o) {
  nlohmann::json doc = gcsim::config::read_json_file(o.config);
  for (const auto& s : o.sets) gcsim::config::apply_override(doc, s);
  if (o.seed >= 0) doc["seed"] = o.seed;
  return doc;
}

std::string dir_of(const std::string& file) {
  fs::path p = fs::path(file).parent_path();
  return p.empty() ? "." : p.string();
}

int cmd_run(const std::vector<std::string>& args) {
  CommonOptions o = parse_common(args, true);
  nlohmann::json doc = load_with_overrides(o);
  gcsim::app::Experiment e = gcsim::app::parse_experiment(doc, dir_of(o.config));
  if (o.dry_run) {
    std::cout << e.resolved().dump(2) << '\n';
    return 0;
  }
  fs::path out = o.out.empty() ? fs::path("results") / e.name : fs::path(o.out);
  nlohmann::json s = gcsim::app::run_experiment(e, out, o.force, !o.quiet);
  if (!o.quiet) {
    std::cout << "gcsim: " << e.name << ": " << s["num_gc"] << " GC cycles, gc_cpu_fraction "
              << s["gc_cpu_fraction"].get<double>() << ", peak heap " << (s["peak_heap_bytes"].get<uint64_t>() >> 20)
              << " MiB, simulated " << static_cast<double>(s["simulated_ns"].get<int64_t>()) / 1e9 << " s\n"
              << "results: " << out.string() << "\n";
  }
  return 0;
}

int cmd_sweep(const std::vector<std::string>& args) {
  std::string config, out;
  std::optional<std::string> shard;
  std::vector<std::string> sets;
  bool force = false, quiet = false, count = false;
  unsigned jobs = 0;
  po::options_description desc;
  desc.add_options()("config", po::value<std::string>(&config))("set", po::value<std::vector<std::string>>(&sets))(
      "out", po::value<std::string>(&out))("force", po::bool_switch(&force))("quiet", po::bool_switch(&quiet))(
      "jobs", po::value<unsigned>(&jobs))("shard", po::value<std::string>())("count", po::bool_switch(&count));
  po::positional_options_description pos;
  pos.add("config", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("shard")) shard = vm["shard"].as<std::string>();
  if (config.empty()) throw gcsim::InputError("command line", "missing SWEEP.json argument");
  nlohmann::json doc = gcsim::config::read_json_file(config);
  for (const auto& s : sets) gcsim::config::apply_override(doc, s);
  gcsim::app::Sweep sweep = gcsim::app::expand_sweep(doc, dir_of(config));
  if (count) {  // for job scripts: the array size comes from this (scripts/slurm/submit.sh)
    std::cout << sweep.points.size() << "\n";
    return 0;
  }
  const gcsim::app::ShardChoice choice = gcsim::app::select_shard(
      shard, gcsim::app::SlurmArrayEnv::read([](const char* name) { return std::getenv(name); }));
  gcsim::app::SweepOptions so;
  so.jobs = jobs;
  so.shard = choice.shard;
  so.slurm_task = choice.slurm_task;
  so.force = force;
  so.quiet = quiet;
  so.terminal = ::isatty(2) != 0;
  fs::path dir = out.empty() ? fs::path("results") / sweep.name : fs::path(out);
  gcsim::app::SweepOutcome r = gcsim::app::run_sweep(sweep, dir, so, std::cerr);
  const std::string shard_text = std::to_string(so.shard.index) + "/" + std::to_string(so.shard.count);
  if (!quiet) {
    std::cout << "gcsim: sweep " << sweep.name << ": " << r.in_shard << " points"
              << (so.shard.count > 1 ? " in shard " + shard_text + " of " + std::to_string(r.points) : std::string())
              << (choice.from_slurm ? " (Slurm array task " + choice.slurm_task + ")" : std::string()) << ", "
              << r.already_done << " already done, " << r.ran << " run, " << r.failed << " failed\n";
    if (so.shard.count > 1)
      std::cout << "results: after every shard: gcsim sweep-merge " << dir.string() << "\n";
    else
      std::cout << "results: " << (dir / "results.csv").string() << "\n";
  }
  return r.failed > 0 ? 1 : 0;
}

int cmd_sweep_merge(const std::vector<std::string>& args) {
  if (args.empty()) throw gcsim::InputError("sweep-merge", "usage: gcsim sweep-merge OUT [SHARD_DIR...]");
  // One argument: the shards shared OUT (a Slurm job array), merge in place.
  std::vector<fs::path> shards(args.begin() + (args.size() > 1 ? 1 : 0), args.end());
  gcsim::app::MergeOutcome r = gcsim::app::merge_sweeps(args[0], shards);
  // One line per point that did not finish, on stderr, before the summary.
  for (const gcsim::app::MergeProblem& p : r.problems) {
    std::cerr << "gcsim: sweep-merge: point " << p.point << " " << p.status;
    if (!p.shard.empty()) std::cerr << " in " << p.shard;
    if (p.status == "failed")
      std::cerr << ": " << p.error;
    else if (p.shard_state == "running")
      std::cerr << ": the shard started but never finished (killed, timed out, or still running)";
    else if (p.shard_state == "done")
      std::cerr << ": the shard finished without it (its directory was removed?)";
    else
      std::cerr << ": no shard ran it (no shard record covers it; was its task started?)";
    std::cerr << "\n";
  }
  std::cout << "gcsim: sweep-merge: " << r.points << " points: " << r.ok << " ok, " << r.failed << " failed, "
            << r.missing << " missing\nresults: " << (fs::path(args[0]) / "results.csv").string() << "\n";
  if (r.failed + r.missing > 0)
    std::cerr << "gcsim: sweep-merge: INCOMPLETE: " << r.failed << " failed and " << r.missing
              << " missing of " << r.points << " points (the other results are in results.csv)\n";
  return r.failed + r.missing > 0 ? 1 : 0;
}

int cmd_list() {
  std::cout << "pacer kinds (pacer.kind):\n";
  for (const auto& k : gcsim::pacer::pacer_kinds()) std::cout << "  " << k.kind << "  " << k.summary << "\n";
  std::cout << "workload kinds (workload.kind):\n";
  for (const auto& [kind, summary] : gcsim::workload::workload_kinds()) std::cout << "  " << kind << "  " << summary << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  std::string cmd = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  try {
    if (cmd == "run") return cmd_run(rest);
    if (cmd == "sweep") return cmd_sweep(rest);
    if (cmd == "sweep-merge") return cmd_sweep_merge(rest);
    if (cmd == "sizeclasses") {
      gcsim::alloc::write_size_classes_csv(std::cout);
      return 0;
    }
    if (cmd == "trace") return gcsim::workload::run_trace_command(rest, std::cout, std::cerr);
    if (cmd == "list") return cmd_list();
    if (cmd == "bench") return gcsim::app::run_bench_command(rest, std::cout, std::cerr);
    if (cmd == "pacer-scenarios") return gcsim::app::run_pacer_scenarios_command(rest, std::cout, std::cerr);
    if (cmd == "calibrate") return gcsim::app::run_calibrate_command(rest);
    if (cmd == "version" || cmd == "--version") {
      std::cout << "gcsim " << GCSIM_VERSION << "\n";
      return 0;
    }
    std::cerr << "gcsim: unknown command '" << cmd << "'; commands: run, sweep, sweep-merge, sizeclasses, trace, list, bench, calibrate, version\n";
    return 2;
  } catch (const gcsim::InputError& e) {
    std::cerr << "gcsim: " << e.what() << "\n";
    return 2;
  } catch (const po::error& e) {
    std::cerr << "gcsim: " << cmd << ": " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "gcsim: internal error: " << e.what() << "\n";
    return 3;
  }
}
