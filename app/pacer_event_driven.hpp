// SPDX-License-Identifier: MIT
// The redesign scenarios in the full event-driven simulator: experiment, run, and per-cycle rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/percycle/harness.hpp"
#include "models/stats/run_record.hpp"
#include "workloads/generators/pacer_scenario_generator.hpp"

namespace gcsim::app {

/// The experiment config (schema 1) that runs scenario `s` (read from `file`) with `pacer_slot`
/// in the event-driven simulator: workload pacer-scenario (goroutines = GOMAXPROCS), GOGC and
/// GOMAXPROCS of the scenario, the cost model of pacer_scenario_cost_model, no memory limit.
/// `generator` supplies the generator's other params (its `file` is replaced).
nlohmann::json pacer_scenario_experiment(const percycle::Scenario& s, const std::string& file,
                                         const nlohmann::json& pacer_slot, workload::PacerScenarioParams generator,
                                         int64_t sample_period_ns = 10'000'000);

/// An event-driven run's cycles as per-cycle rows (the per-cycle CSV's columns): M is the previous
/// cycle's marked heap, utilization (background + assist CPU)/(mark wall · P), cycle_ns the time
/// between mark terminations, alloc/scan rates those of the nominal cycle the trigger fell in.
/// `nominal_cycle` receives that nominal cycle (1-based) per row. Only cycles triggered within
/// the scenario's own cycles are kept (not in the extra nominal cycles).
std::vector<percycle::CycleResult> event_driven_rows(const stats::RunRecord& r,
                                                     const std::vector<workload::NominalCycle>& schedule,
                                                     size_t scenario_cycles, double goal_utilization,
                                                     std::vector<int>& nominal_cycle);

}  // namespace gcsim::app
