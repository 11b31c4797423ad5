// SPDX-License-Identifier: MIT
// The `gcsim trace` subcommand: convert, generate and summarise trace files.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace gcsim::workload {

/// Runs `gcsim trace <args...>`:
///   convert IN OUT                                   text <-> binary by OUT's extension (.gct/.gctb)
///   gen KIND --out FILE [--seed N] [--set key=value ...]   write a synthetic trace
///   stats IN                                         counts per event kind, bytes, peak live, id bound
/// Outputs are written to FILE.tmp and renamed on success. Returns 0 on success (nothing on `err`),
/// 2 on bad input or usage with exactly one line "gcsim: <where>: <what>" on `err`.
int run_trace_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace gcsim::workload
