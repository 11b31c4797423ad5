// SPDX-License-Identifier: MIT
// Stop-the-world pauses of a run, one record each (pauses.csv), and their distribution summary.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string_view>
#include <vector>

#include "models/stats/run_record.hpp"
#include "sim/sim_time.hpp"

namespace gcsim::stats {

/// The two STW pauses of a Go GC cycle (gctrace clock fields 1 and 3).
enum class PauseKind { kSweepTermination, kMarkTermination };

/// "sweep_term" or "mark_term", the pauses.csv spelling.
std::string_view pause_kind_name(PauseKind k);

struct PauseRecord {
  uint32_t cycle = 0;             ///< 1-based GC cycle, as cycles.csv
  PauseKind kind = PauseKind::kSweepTermination;
  sim::SimTimeNs start_ns = 0;    ///< when the world stopped
  sim::DurationNs duration_ns = 0;
};

/// Every STW pause of the completed cycles, in time order (sweep termination, then mark termination
/// of each cycle). These are the same pauses as RunRecord::pauses_ns, with their cycle and time.
std::vector<PauseRecord> stw_pauses(const std::vector<CycleRecord>& cycles);

/// Distribution of pause durations (nearest-rank percentiles, as summary.json's pause_ns).
struct PauseSummary {
  uint64_t count = 0;
  int64_t total_ns = 0;
  double mean_ns = 0;
  int64_t p50_ns = 0, p95_ns = 0, p99_ns = 0, p999_ns = 0, max_ns = 0;
};
PauseSummary summarize_pauses(const std::vector<PauseRecord>& pauses);

/// pauses.csv: cycle,kind,start_ns,duration_ns, one row per pause, for histograms and CDFs.
void write_pauses_csv(std::ostream& os, const std::vector<PauseRecord>& pauses);

}  // namespace gcsim::stats
