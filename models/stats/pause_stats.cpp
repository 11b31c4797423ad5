// SPDX-License-Identifier: MIT
#include "models/stats/pause_stats.hpp"

#include <ostream>

#include "models/stats/writers.hpp"

namespace gcsim::stats {

std::string_view pause_kind_name(PauseKind k) {
  return k == PauseKind::kSweepTermination ? "sweep_term" : "mark_term";
}

std::vector<PauseRecord> stw_pauses(const std::vector<CycleRecord>& cycles) {
  std::vector<PauseRecord> out;
  out.reserve(2 * cycles.size());
  for (const CycleRecord& c : cycles) {
    out.push_back({c.cycle, PauseKind::kSweepTermination, c.start_ns, c.stw_sweep_term_ns()});
    out.push_back({c.cycle, PauseKind::kMarkTermination, c.mark_term_ns, c.stw_mark_term_ns()});
  }
  return out;
}

PauseSummary summarize_pauses(const std::vector<PauseRecord>& pauses) {
  PauseSummary s;
  std::vector<int64_t> d;
  d.reserve(pauses.size());
  for (const PauseRecord& p : pauses) {
    d.push_back(p.duration_ns);
    s.total_ns += p.duration_ns;
  }
  s.count = d.size();
  if (d.empty()) return s;
  s.mean_ns = static_cast<double>(s.total_ns) / static_cast<double>(d.size());
  s.p50_ns = percentile_nearest_rank(d, 50);
  s.p95_ns = percentile_nearest_rank(d, 95);
  s.p99_ns = percentile_nearest_rank(d, 99);
  s.p999_ns = percentile_nearest_rank(d, 99.9);
  s.max_ns = percentile_nearest_rank(d, 100);
  return s;
}

void write_pauses_csv(std::ostream& os, const std::vector<PauseRecord>& pauses) {
  os << "cycle,kind,start_ns,duration_ns\n";
  for (const PauseRecord& p : pauses)
    os << p.cycle << ',' << pause_kind_name(p.kind) << ',' << p.start_ns << ',' << p.duration_ns << '\n';
}

}  // namespace gcsim::stats
