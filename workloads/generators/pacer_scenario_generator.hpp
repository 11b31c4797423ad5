// SPDX-License-Identifier: MIT
// "pacer-scenario" generator: a pacer redesign per-GC-cycle scenario turned into allocations at its rates.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/percycle/scenario.hpp"
#include "workloads/dense_id_pool.hpp"
#include "workloads/generators/generator_common.hpp"
#include "workloads/generators/step_generator.hpp"

namespace gcsim::workload {

struct PacerScenarioParams {
  std::string file;                   ///< required: a pacer-model scenario file (relative to the config's directory)
  uint64_t object_bytes = 32768;      ///< size of every object; 32 KiB is a size class of one object per span
  uint32_t goroutines = 8;            ///< mutator goroutines (≥ GOMAXPROCS, so no P is left to idle workers)
  double rate_unit_bytes_per_cpu_ns = percycle::kPacerModelRateUnit;  ///< bytes per CPU-ns of one rate unit
  double live_ramp_frac = 0.6;        ///< share of a nominal cycle's allocation over which the live heap moves
  uint32_t extra_cycles = 1;          ///< nominal cycles appended (last cycle's rates, growth 1) so the last one ends

  /// Strict; `file` must be a non-empty string (its existence is checked by the factory).
  static PacerScenarioParams parse(const Json& params, const std::string& path);
  Json to_json() const;
};

/// One nominal GC cycle of the scenario as the generator lays it out along allocation
/// (docs/PACERS.md, "The event-driven mode").
struct NominalCycle {
  int cycle = 0;                       ///< 1-based; > scenario cycles for the extra ones
  double start_alloc_bytes = 0;        ///< cumulative allocation where the cycle starts (B_{n-1})
  double alloc_bytes = 0;              ///< A_n = max(M̂ + g·(M̂ + S_{n-1} + G), 4 MiB·g) − M̂, M̂ = M̂_{n-1}
  double live_bytes = 0;               ///< L_n: reachable heap at the cycle's mark (init·Π growth)
  double est_marked_bytes = 0;         ///< M̂_n = L_n + b_n, b_n = min(3·(a/s)·W_n, 19/64·A_n) (estimated black)
  uint64_t stack_bytes = 0;            ///< S_n, stack bytes in use (spread over the goroutines)
  double scannable_frac = 1;           ///< share of pointerful objects allocated during the cycle
  double alloc_rate = 0, scan_rate = 0;  ///< the scenario's rates (rate units)
  double alloc_bytes_per_cpu_ns = 0;   ///< allocation rate emitted: a·unit·s_ref/s (keeps a/s when s varies)
};

/// The nominal cycles of a scenario (scenario cycles, then `extra_cycles` copies of the last with
/// growth 1). Pure: the generator and the analysis use the same layout.
std::vector<NominalCycle> nominal_schedule(const percycle::Scenario& s, const PacerScenarioParams& p);

/// scan_ns_per_byte of the cost model that makes the event-driven GC scan at the scenario's rate:
/// 1/(s_ref·unit), s_ref = the first cycle's scan rate.
double pacer_scenario_scan_ns_per_byte(const percycle::Scenario& s, const PacerScenarioParams& p);

/// The `cost_model` object an experiment needs for the scenario's rates to hold exactly: every
/// mutator-side cost 0 (the generator's work events carry the whole allocation rate), mark cost per
/// object 0, scan cost per byte from pacer_scenario_scan_ns_per_byte. STW pauses keep their
/// calibrated defaults.
nlohmann::json pacer_scenario_cost_model(const percycle::Scenario& s, const PacerScenarioParams& p);

/// Stream: [globals]; then for each nominal cycle n: one `stack` event per goroutine (S_n spread
/// evenly), and allocations of object_bytes until A_n bytes are allocated, each preceded by a
/// `work` event of object_bytes/alloc_bytes_per_cpu_ns ns (fractions carried). An allocation is
/// long-lived while the reachable bytes are below the target, which moves linearly from L_{n-1} to
/// L_n over the first live_ramp_frac of the cycle's allocation and then stays at L_n; otherwise it is
/// garbage, freed at once. When the target falls, the oldest long-lived objects are freed.
/// Allocation i is done by goroutine i mod goroutines. Deterministic (no randomness).
class PacerScenarioGenerator final : public StepGenerator {
 public:
  PacerScenarioGenerator(const PacerScenarioParams& params, percycle::Scenario scenario);
  /// Loads params.file, resolved against base_dir when relative (ConfigError at
  /// `params_path`.file if missing; scenario errors name the file and JSON path).
  static percycle::Scenario load_scenario(const PacerScenarioParams& params, const std::string& params_path,
                                          const std::string& base_dir);
  uint32_t object_id_bound() const override;
  std::string describe() const override;

  const std::vector<NominalCycle>& schedule() const { return cycles_; }
  /// Reachable (long-lived) bytes now (tests).
  uint64_t reachable_bytes() const { return reachable_bytes_; }

 private:
  bool step() override;
  double target_bytes() const;

  PacerScenarioParams params_;
  percycle::Scenario scenario_;
  std::vector<NominalCycle> cycles_;
  DenseIdPool ids_;
  std::deque<uint32_t> live_;       // long-lived ids, oldest first
  uint64_t reachable_bytes_ = 0;
  size_t cycle_ = 0;                // index into cycles_
  double cycle_alloc_bytes_ = 0;    // allocated in the current nominal cycle
  uint32_t stacks_pending_ = 0;     // stack events still to emit for the current cycle
  bool started_ = false;
  uint64_t allocs_ = 0;
  double work_residual_ns_ = 0;
  double pointerful_acc_ = 0;
};

}  // namespace gcsim::workload
