// SPDX-License-Identifier: MIT
// Per-GC-cycle mode: any pacer strategy driven through commit/trigger/start/revise/end by a scenario.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/pacer/goal_rule.hpp"
#include "models/pacer/pacer.hpp"
#include "models/percycle/scenario.hpp"

namespace gcsim::percycle {

/// How a cycle is simulated around the pacer (docs/PACERS.md, "Per-cycle mode").
enum class Semantics {
  /// Go's own pacer test harness (TestGcPacer, mgcpacer_test.go@1.19): the runtime's goal
  /// (M + (M+S+G)·GOGC/100, 4 MiB·GOGC/100 minimum), commit with sweeping not done (trigger ≥
  /// H + 1 MiB), lastStackScan in the goal, heapScan growing with allocation; the mark advances in
  /// periods of 500 µs, each with the utilization the assist ratio implies, then revise().
  kRuntime,
  /// The pacer redesign study (mknyszek/pacer-model, go-runtime-notes §13.2): goal γ·(M+S+G) with
  /// this cycle's stacks, a 2 MiB minimum heap (4 MiB for the legacy pacer), no sweep distance; the
  /// scan work is W = P·g + S + G (P the scannable live heap of the last cycle); an idealised mark
  /// with the assist slope of revise(), re-revised at 1/steps of the work, at the expected work and
  /// at the goal.
  kModel,
};

const char* semantics_name(Semantics s);
/// "runtime" or "model"; false for anything else.
bool parse_semantics(const std::string& s, Semantics& out);

struct HarnessOptions {
  Semantics semantics = Semantics::kRuntime;
  int64_t revise_period_ns = 500'000;  ///< runtime semantics: mark time between revise() calls
  int model_revise_steps = 16;         ///< model semantics: revise() after every 1/steps of the scan work
  pacer::GoalFormula model_goal = pacer::GoalFormula::kPacerModel;  ///< model semantics' goal formula
  uint64_t model_min_heap_bytes = 2 << 20;                          ///< model semantics' minimum heap
  std::string go_version = "1.19";     ///< runtime.version for pacer.kind "go"
};

/// One GC cycle's outcome (a row of the per-cycle CSV).
struct CycleResult {
  int cycle = 0;                       ///< 1-based
  uint64_t heap_marked_bytes = 0;      ///< M: live heap marked by the previous cycle
  uint64_t trigger_bytes = 0;          ///< Tr: heap at which this cycle started (as the pacer reports it)
  uint64_t goal_bytes = 0;             ///< heap goal at the end of mark
  uint64_t peak_bytes = 0;             ///< heap at the end of mark
  uint64_t live_bytes = 0;             ///< heap marked by this cycle (the next M)
  uint64_t stack_bytes = 0;
  uint64_t globals_bytes = 0;
  uint64_t scan_work_bytes = 0;        ///< W done by this cycle (heap + stacks + globals)
  uint64_t expected_work_bytes = 0;    ///< Ps + S + G the runway was planned for
  double alloc_rate = 0, scan_rate = 0;
  double utilization = 0;              ///< actual GC CPU utilization of the mark phase
  double goal_utilization = 0.25;      ///< the strategy's target
  double cons_mark = 0;                ///< the strategy's estimate after this cycle (0 if none)
  double measured_cons_mark = 0;       ///< this cycle's measurement
  double r_estimate = 0;               ///< runway per byte of expected work the estimate implied: c·(1−u_g)/u_g (NaN: no estimate)
  double r_planned = 0;                ///< (N − Tr)/W_exp at mark start: 1/assistWorkPerByte
  double alloc_scan_ratio = 0;         ///< a·(1−u_g)/(s·u_g): the r that would be exact
  double overshoot = 0;                ///< peak/goal − 1
  int64_t mark_ns = 0;
  /// Simulated time from the previous cycle's mark termination to this one's: the mutator
  /// allocating from M to the trigger on all Ps at the cycle's rate, (Tr − M)/(a·unit·P), plus mark_ns.
  int64_t cycle_ns = 0;
  double assist_cpu_ns = 0;
  double goal_ratio() const { return static_cast<double>(peak_bytes) / static_cast<double>(goal_bytes); }
  /// (Tr − M)/(N − M), the "trigger ratio" of Go's test.
  double trigger_ratio() const {
    return (static_cast<double>(trigger_bytes) - static_cast<double>(heap_marked_bytes)) /
           (static_cast<double>(goal_bytes) - static_cast<double>(heap_marked_bytes));
  }
};

/// Runtime settings (GOGC, GOMEMLIMIT, GOMAXPROCS, version) and goal rule of a scenario.
pacer::PacerContext context_for(const Scenario& s, const HarnessOptions& o);

/// Resolves a pacer slot for the harness: kind "go" becomes "go<go_version>" so the goal rule of
/// the model semantics applies to it too.
nlohmann::json harness_pacer_slot(const nlohmann::json& pacer_slot, const HarnessOptions& o);

/// Drives one pacer through a scenario, one step() per cycle. Holds references to the scenario and
/// the pacer, which must outlive it.
/// step() throws std::domain_error if the pacer never triggers (GOGC=off with no memory limit the
/// strategy honours: go1.5-legacy and redesign-model have none).
class Harness {
 public:
  Harness(const Scenario& s, pacer::Pacer& p, const HarnessOptions& o);
  CycleResult step(const CycleInputs& c);
  int cycles_run() const { return cycle_; }
  /// Runtime semantics: revise periods simulated so far, and the loop steps they took (a run of
  /// periods with the same outcome is one step when the pacer offers frozen_revise_inputs()).
  int64_t periods_run() const { return periods_; }
  int64_t steps_run() const { return steps_; }

 private:
  CycleResult step_runtime(const CycleInputs& c);
  CycleResult step_model(const CycleInputs& c);
  pacer::HeapSnapshot snapshot(uint64_t heap_live) const;
  void finish(CycleResult& r, const CycleInputs& c, const pacer::CycleEndReport& rep);

  const Scenario& s_;
  pacer::Pacer& pacer_;
  HarnessOptions o_;
  int cycle_ = 0;
  sim::SimTimeNs now_ = 0;
  uint64_t heap_marked_ = 0;       // M
  uint64_t heap_scan_ = 0;         // Hs (runtime semantics)
  int64_t black_last_ = 0;         // bytes allocated black by the previous cycle
  double live_scan_last_ = 0;      // scannable part of M (model semantics)
  double black_scan_last_ = 0;     // scannable part of the previous cycle's black allocation
  uint64_t expected_work_ = 0;     // Ps + S + G of the last commit (runtime semantics)
  double cons_mark_in_use_ = 0;    // the estimate planned with this cycle
  bool estimate_in_use_ = true;
  int64_t periods_ = 0;            // revise periods simulated (runtime semantics)
  int64_t steps_ = 0;              // loop steps they took
};

/// Runs the whole scenario with a pacer built from `pacer_slot` ({"kind", "params"}).
std::vector<CycleResult> run_scenario(const Scenario& s, const nlohmann::json& pacer_slot, const HarnessOptions& o);
/// Runs it with a pacer the caller built (with context_for(s, o)).
std::vector<CycleResult> run_scenario(const Scenario& s, pacer::Pacer& p, const HarnessOptions& o);

}  // namespace gcsim::percycle
