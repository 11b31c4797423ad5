// SPDX-License-Identifier: MIT
#include "app/pacer_event_driven.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "app/experiment.hpp"

namespace gcsim::app {

using nlohmann::json;

json pacer_scenario_experiment(const percycle::Scenario& s, const std::string& file, const json& pacer_slot,
                               workload::PacerScenarioParams generator, int64_t sample_period_ns) {
  generator.file = file;
  generator.goroutines = static_cast<uint32_t>(std::max(1, s.gomaxprocs));
  json doc = {{"schema_version", kSchemaVersion},
              {"name", s.name},
              {"description", "pacer redesign scenario " + s.name + " in the event-driven simulator (docs/PACERS.md)"},
              {"seed", 1},
              {"workload", {{"kind", "pacer-scenario"}, {"params", generator.to_json()}}},
              {"runtime", {{"gogc", s.gc_percent}, {"gomaxprocs", s.gomaxprocs}}},
              {"pacer", pacer_slot},
              {"cost_model", workload::pacer_scenario_cost_model(s, generator)},
              {"output", {{"sample_period_ns", sample_period_ns}}}};
  return doc;
}

std::vector<percycle::CycleResult> event_driven_rows(const stats::RunRecord& r,
                                                     const std::vector<workload::NominalCycle>& schedule,
                                                     size_t scenario_cycles, double goal_utilization,
                                                     std::vector<int>& nominal_cycle) {
  std::vector<percycle::CycleResult> rows;
  nominal_cycle.clear();
  uint64_t prev_marked = 0, prev_heap_scan = 0, prev_stack_scan = 0;
  sim::SimTimeNs prev_mark_term = 0;
  double allocated = 0;  // cumulative allocation at the previous mark termination
  for (const stats::CycleRecord& c : r.cycles) {
    // heapLive only grows between two mark terminations (it is reset to the marked bytes there),
    // so the allocation up to this trigger is the previous total plus heapLive − M.
    const double at_trigger =
        allocated + static_cast<double>(c.heap_live_at_trigger_bytes) - static_cast<double>(prev_marked);
    auto it = std::upper_bound(schedule.begin(), schedule.end(), at_trigger,
                               [](double x, const workload::NominalCycle& n) { return x < n.start_alloc_bytes; });
    const workload::NominalCycle& nom = *(it == schedule.begin() ? it : it - 1);
    if (static_cast<size_t>(nom.cycle) > scenario_cycles) break;
    percycle::CycleResult row;
    row.cycle = static_cast<int>(c.cycle);
    row.heap_marked_bytes = prev_marked;
    row.trigger_bytes = c.trigger_bytes;
    row.goal_bytes = c.heap_goal_bytes;
    row.peak_bytes = c.heap_peak_bytes;
    row.live_bytes = c.heap_marked_bytes;
    row.stack_bytes = c.stack_scan_work_bytes;
    row.globals_bytes = c.globals_scan_work_bytes;
    row.scan_work_bytes = c.heap_scan_work_bytes + c.stack_scan_work_bytes + c.globals_scan_work_bytes;
    row.expected_work_bytes = prev_heap_scan + prev_stack_scan + c.globals_scan_work_bytes;
    row.alloc_rate = nom.alloc_rate;
    row.scan_rate = nom.scan_rate;
    const double mark_cpu = static_cast<double>(c.mark_ns()) * c.gomaxprocs;
    row.utilization = mark_cpu > 0 ? (c.background_cpu_ns + c.assist_cpu_ns) / mark_cpu : 0;
    row.goal_utilization = goal_utilization;
    row.cons_mark = c.cons_mark;
    row.measured_cons_mark = c.measured_cons_mark;
    row.r_estimate = std::numeric_limits<double>::quiet_NaN();
    row.r_planned = row.expected_work_bytes > 0 ? (static_cast<double>(c.heap_goal_bytes) -
                                                   static_cast<double>(c.trigger_bytes)) /
                                                      static_cast<double>(row.expected_work_bytes)
                                                : std::numeric_limits<double>::quiet_NaN();
    row.alloc_scan_ratio = nom.alloc_rate * (1 - goal_utilization) / (nom.scan_rate * goal_utilization);
    row.overshoot = c.heap_goal_bytes > 0
                        ? static_cast<double>(c.heap_peak_bytes) / static_cast<double>(c.heap_goal_bytes) - 1
                        : 0;
    row.mark_ns = c.mark_ns();
    row.cycle_ns = c.mark_term_ns - prev_mark_term;
    row.assist_cpu_ns = c.assist_cpu_ns;
    rows.push_back(row);
    nominal_cycle.push_back(nom.cycle);
    allocated += static_cast<double>(c.heap_peak_bytes) - static_cast<double>(prev_marked);
    prev_marked = c.heap_marked_bytes;
    prev_heap_scan = c.heap_scan_work_bytes;
    prev_stack_scan = c.stack_scan_work_bytes;
    prev_mark_term = c.mark_term_ns;
  }
  return rows;
}

}  // namespace gcsim::app
