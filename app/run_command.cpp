// SPDX-License-Identifier: MIT
#include "app/run_command.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "models/pacer/registry.hpp"
#include "models/process/go_process.hpp"
#include "models/stats/mmu.hpp"
#include "models/stats/pause_stats.hpp"
#include "models/stats/writers.hpp"
#include "sim/config/config_error.hpp"
#include "sim/run_dir.hpp"
#include "workloads/replayer_table_source.hpp"
#include "workloads/workload_factory.hpp"

namespace gcsim::app {

namespace fs = std::filesystem;

stats::RunRecord simulate(const Experiment& e, const ProgressFn& progress) {
  auto source = workload::make_workload(e.workload, "workload", e.seed, e.base_dir);
  pacer::PacerContext ctx{e.process.runtime};
  auto p = pacer::make_pacer(e.pacer, "pacer", ctx);
  const auto* table = dynamic_cast<const workload::ReplayerTableSource*>(source.get());
  ProcessSettings ps = e.process;
  if (table != nullptr) {
    ps.pointer_array_ids.push_back(table->table_id());  // make([]unsafe.Pointer, bound)
    ps.simulate_replayer = true;
  }
  GoProcess proc(ps, *source, *p);
  stats::RunRecord r = proc.run(progress);
  if (table != nullptr) r.totals.replayer_table_bytes = table->table_bytes();
  return r;
}

namespace {

/// Each file appears complete or not at all, even inside the staging directory.
void write_file(const fs::path& path, const std::function<void(std::ostream&)>& fn) {
  sim::write_file_atomic(path, fn);
}

}  // namespace

void write_run_outputs(const fs::path& dir, const Experiment& e, const stats::RunRecord& r) {
  nlohmann::json resolved = e.resolved();
  resolved["gcsim_version"] = GCSIM_VERSION;
  write_file(dir / "resolved_config.json", [&](std::ostream& os) { os << resolved.dump(2) << '\n'; });
  write_file(dir / "summary.json", [&](std::ostream& os) {
    nlohmann::json s = stats::summary_json(r);
    s["name"] = e.name;
    os << s.dump(2) << '\n';
  });
  write_file(dir / "cycles.csv", [&](std::ostream& os) { stats::write_cycles_csv(os, r.cycles); });
  write_file(dir / "timeseries.csv", [&](std::ostream& os) { stats::write_timeseries_csv(os, r.samples); });
  write_file(dir / "gctrace.txt", [&](std::ostream& os) { stats::write_gctrace(os, r.cycles); });
  write_file(dir / "utilization.csv",
             [&](std::ostream& os) { stats::write_utilization_csv(os, r.utilization, r.totals.gomaxprocs); });
  write_file(dir / "mmu.csv", [&](std::ostream& os) { stats::write_mmu_csv(os, stats::mmu_table(r)); });
  write_file(dir / "pauses.csv", [&](std::ostream& os) { stats::write_pauses_csv(os, stats::stw_pauses(r.cycles)); });
  if (!r.memstats.empty())
    write_file(dir / "memstats.jsonl", [&](std::ostream& os) { stats::write_memstats_jsonl(os, r.memstats); });
}

nlohmann::json run_experiment(const Experiment& e, const fs::path& out_dir, bool replace, bool show_progress) {
  sim::StagedDir staged(out_dir, replace);
  ProgressFn progress;
  if (show_progress) {
    progress = [&e](uint64_t events, sim::SimTimeNs now) {
      std::fprintf(stderr, "\r%s: %llu M events, %.3f s simulated", e.name.c_str(),
                   static_cast<unsigned long long>(events >> 20), static_cast<double>(now) / 1e9);
      std::fflush(stderr);
    };
  }
  stats::RunRecord r = simulate(e, progress);
  if (show_progress) std::fprintf(stderr, "\r\033[K");
  write_run_outputs(staged.path(), e, r);
  staged.commit();
  nlohmann::json s = stats::summary_json(r);
  s["name"] = e.name;
  return s;
}

}  // namespace gcsim::app
