// SPDX-License-Identifier: MIT
// Builds the workload EventSource named by a config's {"kind", "params"} slot.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sim/config/json_check.hpp"
#include "workloads/trace_event.hpp"

namespace gcsim::workload {

using config::Json;

/// The workload slot of a config: {"kind": ..., "params": {...}}.
struct WorkloadSpec {
  std::string kind;
  Json params;
  /// Prepend the validation replayer's object table (workloads/replayer_table_source.hpp).
  bool replayer_table = false;
  /// Where a pointerful object's pointers are (its scan work, Heap::set_scan_layout): "all" (every
  /// word may hold one: the whole object is scanned) or "first" (one leading pointer word, the rest
  /// scalar, like the validation replayer's default `-layout first`: 8 bytes of scan work).
  std::string pointer_layout = "all";
  /// Objects that are arrays of pointers (e.g. a program's []*T), scanned whole whatever the layout.
  std::vector<uint32_t> pointer_array_ids;
};

/// Scan work per pointerful object that a pointer layout gives: 0 = the whole object ("all"), or
/// the bytes scanned ("first": 8, the type's ptrdata, which mallocgc adds to the pacer's heapScan;
/// measured on Go 1.19 with gcpacertrace: the ring's 8.4 MB of heap scan work per cycle is its
/// 4 MiB object table plus 8 B for each of its 524,288 live 128 B objects).
uint64_t pointer_scan_prefix_bytes(const std::string& pointer_layout);

/// Checks the slot's shape (only "kind", "params", "replayer_table", "pointer_layout" and "pointer_array_ids";
/// kind a string) and returns it; params default
/// to {}. Throws ConfigError naming json_path.kind / json_path.params.
WorkloadSpec parse_workload_spec(const Json& workload, const std::string& json_path);

/// kind "trace": params {"path": "..."} (relative paths resolved against base_dir; a missing file is
/// a ConfigError at "<json_path>.params.path"); kinds "ring", "growing", "mixed", "drop",
/// "goroutines", "pacer-scenario": generator params (see workloads/generators/). Unknown kinds throw ConfigError
/// listing the known kinds. `seed` is the run's root seed (generators derive their own named rng
/// streams from it).
std::unique_ptr<EventSource> make_workload(const Json& workload, const std::string& json_path, uint64_t seed,
                                           const std::string& base_dir);

/// A generator from its kind and params object; errors name params_path.key (e.g. "--set.slots").
/// Relative file params (pacer-scenario's `file`) resolve against base_dir.
std::unique_ptr<EventSource> make_generator(const std::string& kind, const Json& params,
                                            const std::string& params_path, uint64_t seed,
                                            const std::string& base_dir = ".");

/// The slot with every default filled in (for resolved_config.json). Validates like make_workload,
/// except that a trace file is not opened.
Json resolved_workload(const Json& workload, const std::string& json_path);

/// (kind, one-line summary) for --list-components.
std::vector<std::pair<std::string, std::string>> workload_kinds();

}  // namespace gcsim::workload
