// SPDX-License-Identifier: MIT
// Formatters for a run's record: cycles.csv, timeseries.csv, gctrace.txt, summary.json.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/stats/run_record.hpp"

namespace gcsim::stats {

/// fmtNSAsMS (mgc.go@1.19): >= 10 ms as whole ms; else two significant digits, at most three
/// decimals; < 1 µs prints "0". Examples: 11'000'000 → "11", 1'234'567 → "1.2", 14'000 → "0.014".
std::string format_ns_as_ms(uint64_t ns);

/// One GODEBUG=gctrace=1 line of Go 1.19 for `c` (no trailing newline).
std::string gctrace_line(const CycleRecord& c);

/// Nearest-rank percentile (p in [0,100]) of `values`; 0 for an empty list.
int64_t percentile_nearest_rank(std::vector<int64_t> values, double p);

void write_cycles_csv(std::ostream& os, const std::vector<CycleRecord>& cycles);
void write_timeseries_csv(std::ostream& os, const std::vector<Sample>& samples);
/// The mutator-utilisation step function (utilization.csv), for MMU/BMU analysis.
void write_utilization_csv(std::ostream& os, const UtilizationLog& steps, int gomaxprocs);
void write_gctrace(std::ostream& os, const std::vector<CycleRecord>& cycles);
nlohmann::json summary_json(const RunRecord& r);

/// Shortest round-trip decimal form of a double (std::to_chars): deterministic output.
std::string format_double(double v);

}  // namespace gcsim::stats
