// SPDX-License-Identifier: MIT
// A per-GC-cycle scenario: the rates and sizes each cycle sees (pacer-model / mgcpacer_test.go style).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/runtime_settings.hpp"

namespace gcsim::percycle {

/// What the program does during one GC cycle (pacer-model scenario.Cycle, mgcpacer_test.go gcCycle).
struct CycleInputs {
  double alloc_rate = 1;       ///< mutator allocation rate, bytes per CPU-time unit (see Scenario::rate_unit)
  double scan_rate = 1;        ///< GC scan rate, same unit
  double growth_rate = 1;      ///< multiplier on the live heap not allocated black last cycle
  double scannable_frac = 1;   ///< fraction of the heap that is scannable (pointerful)
  uint64_t stack_bytes = 0;    ///< goroutine stack bytes to scan this cycle
  int64_t heap_target_bytes = -1;  ///< the #44309 memory-target proposal's input; -1 = none (ignored here)
};

struct Scenario {
  std::string name;
  int32_t gc_percent = 100;            ///< GOGC (pacer-model files give γ = 1 + GOGC/100)
  uint64_t globals_bytes = 0;
  uint64_t initial_live_heap_bytes = 0;  ///< live heap marked by the first cycle (before black allocation)
  uint64_t memory_limit_bytes = kNoMemoryLimit;
  int gomaxprocs = 8;
  /// Bytes per CPU-nanosecond of one rate unit. Go's test uses KiB per CPU-millisecond
  /// (1024/1e6); pacer-model rates are unit-free ratios, scaled to the same magnitude (32 KiB/ms).
  double rate_unit_bytes_per_cpu_ns = 1024.0 / 1e6;
  std::vector<CycleInputs> cycles;
};

inline constexpr double kGoTestRateUnit = 1024.0 / 1e6;          // 1 KiB per CPU-ms
inline constexpr double kPacerModelRateUnit = 32.0 * 1024 / 1e6;  // scan_rate 31 → 992 KiB/ms, like Go's 1024

/// Parses a pacer-model scenario ({"global": {"gamma", "globals_bytes", "init_live_heap"},
/// "cycles": [{"alloc_rate", "scan_rate", "growth_rate", "scannable_frac", "stack_bytes",
/// "heap_target"}]}); errors name the JSON path under `source`.
Scenario parse_pacer_model_scenario(const nlohmann::json& doc, const std::string& name, const std::string& source);
/// Reads and parses a pacer-model scenario file; the name is the file's stem.
Scenario load_pacer_model_scenario(const std::string& path);

/// The redesign document's nine scenarios, in the order of its "Simulations" section
/// (steady … heavy-jitter-alloc), as file stems under configs/pacers/scenarios/.
const std::vector<std::string>& redesign_scenario_names();

}  // namespace gcsim::percycle
