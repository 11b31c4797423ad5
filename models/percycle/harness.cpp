// SPDX-License-Identifier: MIT
#include "models/percycle/harness.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "models/pacer/formulas.hpp"
#include "models/pacer/registry.hpp"

namespace gcsim::percycle {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kU = pacer::kBackgroundUtilization;  // 0.25: dedicated + fractional workers
constexpr uint64_t kNever = uint64_t{1} << 62;           // a trigger this high is never reached

void require_trigger(uint64_t trigger, int cycle) {
  if (trigger >= kNever)
    throw std::domain_error("cycle " + std::to_string(cycle) +
                            ": the pacer never triggers (GOGC=off without a memory limit it honours)");
}

/// Utilization when assists hold the mutator to `work_per_byte` scan bytes per allocated byte:
/// scanned/allocated = s·u / (a·(1−u)) = w  ⇒  u = w·a / (w·a + s), at least the background 25 %
/// (mgcpacer_test.go derives the same).
double assisted_utilization(double work_per_byte, double alloc_rate, double scan_rate) {
  double wa = work_per_byte * alloc_rate;
  double u = wa / (wa + scan_rate);
  return std::isfinite(u) && u > kU ? u : kU;
}
/// Time the mutator needs on all `procs` Ps to allocate `bytes` outside the mark phase.
int64_t allocation_ns(uint64_t bytes, double alloc_rate, double unit_bytes_per_cpu_ns, int procs) {
  return std::llround(static_cast<double>(bytes) / (alloc_rate * unit_bytes_per_cpu_ns * procs));
}
}  // namespace

const char* semantics_name(Semantics s) { return s == Semantics::kModel ? "model" : "runtime"; }

bool parse_semantics(const std::string& s, Semantics& out) {
  if (s == "runtime") {
    out = Semantics::kRuntime;
    return true;
  }
  if (s == "model") {
    out = Semantics::kModel;
    return true;
  }
  return false;
}

pacer::PacerContext context_for(const Scenario& s, const HarnessOptions& o) {
  pacer::PacerContext ctx;
  ctx.runtime.version = o.go_version;
  ctx.runtime.gc_percent = s.gc_percent;
  ctx.runtime.memory_limit_bytes = s.memory_limit_bytes;
  ctx.runtime.gomaxprocs = s.gomaxprocs;
  if (o.semantics == Semantics::kModel) {
    ctx.goal_rule.formula = o.model_goal;
    ctx.goal_rule.min_heap_bytes = o.model_min_heap_bytes;
  }
  return ctx;
}

nlohmann::json harness_pacer_slot(const nlohmann::json& pacer_slot, const HarnessOptions& o) {
  nlohmann::json slot = pacer_slot;
  if (slot.value("kind", std::string("go")) == "go") slot["kind"] = "go" + o.go_version;
  return slot;
}

Harness::Harness(const Scenario& s, pacer::Pacer& p, const HarnessOptions& o) : s_(s), pacer_(p), o_(o) {
  nlohmann::json st = pacer_.state();
  if (st.contains("cons_mark")) {
    cons_mark_in_use_ = st["cons_mark"].get<double>();
  } else {
    estimate_in_use_ = false;
  }
  if (o_.semantics == Semantics::kRuntime) {
    // gcControllerState.init: commit with an empty heap. Globals are known from the start (the
    // runtime adds them in modulesinit, before gcinit); Go's test sets them only at StartCycle.
    pacer::CommitInputs init;
    init.globals_bytes = s_.globals_bytes;
    pacer_.commit(init);
    expected_work_ = s_.globals_bytes;
  }
}

pacer::HeapSnapshot Harness::snapshot(uint64_t heap_live) const {
  // No non-heap memory, as in Go's test: the memory-limit goal is limit − headroom.
  pacer::HeapSnapshot h;
  h.heap_live_bytes = heap_live;
  return h;
}

CycleResult Harness::step(const CycleInputs& c) {
  return o_.semantics == Semantics::kModel ? step_model(c) : step_runtime(c);
}

void Harness::finish(CycleResult& r, const CycleInputs& c, const pacer::CycleEndReport& rep) {
  r.cycle = cycle_;
  r.alloc_rate = c.alloc_rate;
  r.scan_rate = c.scan_rate;
  r.stack_bytes = c.stack_bytes;
  r.globals_bytes = s_.globals_bytes;
  r.goal_bytes = rep.heap_goal_bytes;
  r.goal_utilization = rep.goal_utilization;
  r.cons_mark = rep.cons_mark;
  r.measured_cons_mark = rep.measured_cons_mark;
  const double ug = rep.goal_utilization;
  r.r_estimate = estimate_in_use_ ? cons_mark_in_use_ * (1 - ug) / ug : kNaN;
  r.alloc_scan_ratio = c.alloc_rate * (1 - ug) / (c.scan_rate * ug);
  r.overshoot = r.goal_bytes > 0 ? static_cast<double>(r.peak_bytes) / static_cast<double>(r.goal_bytes) - 1 : 0;
  estimate_in_use_ = rep.has_cons_mark_estimate;
  cons_mark_in_use_ = rep.cons_mark;
}

// One iteration of TestGcPacer's loop (mgcpacer_test.go@1.19), through the Pacer interface.
CycleResult Harness::step_runtime(const CycleInputs& c) {
  ++cycle_;
  const int procs = s_.gomaxprocs;
  const double frac = c.scannable_frac;
  // GCController.StartCycle: the heap is exactly at the trigger (never below M).
  pacer::TriggerGoal tg = pacer_.trigger(snapshot(heap_marked_));
  require_trigger(tg.trigger_bytes, cycle_);
  uint64_t trigger = std::max(tg.trigger_bytes, heap_marked_);
  uint64_t live = trigger;
  heap_scan_ += static_cast<uint64_t>(static_cast<double>(trigger - heap_marked_) * frac);
  pacer::CycleStartInputs cs;
  cs.now = now_;
  cs.gomaxprocs = procs;
  cs.heap = snapshot(live);
  pacer::WorkerPlan plan = pacer_.start_cycle(cs);
  pacer::MarkProgress mp;
  mp.heap = cs.heap;
  mp.heap_scan_bytes = heap_scan_;
  mp.max_stack_scan_bytes = c.stack_bytes;
  pacer::AssistRatio ar = pacer_.revise(mp);

  CycleResult r;
  r.heap_marked_bytes = heap_marked_;
  r.trigger_bytes = plan.triggered_bytes;
  r.expected_work_bytes = expected_work_;
  r.r_planned = ar.bytes_per_work;
  const int64_t next_marked =
      cycle_ == 1 ? static_cast<int64_t>(s_.initial_live_heap_bytes)
                  : static_cast<int64_t>(static_cast<double>(static_cast<int64_t>(heap_marked_) - black_last_) *
                                         c.growth_rate);
  int64_t left[3] = {static_cast<int64_t>(s_.globals_bytes), static_cast<int64_t>(c.stack_bytes),
                     static_cast<int64_t>(static_cast<double>(next_marked) * frac)};
  int64_t done[3] = {0, 0, 0};  // globals, stacks, heap
  const double period = static_cast<double>(o_.revise_period_ns);
  const double per_period = s_.rate_unit_bytes_per_cpu_ns * period * procs;  // bytes per rate unit per period
  int64_t duration = 0, assist = 0, black = 0;
  while (left[0] + left[1] + left[2] > 0) {
    const double u = assisted_utilization(ar.work_per_byte, c.alloc_rate, c.scan_rate);
    const auto scanned = std::max<int64_t>(1, static_cast<int64_t>(c.scan_rate * per_period * u));
    const auto allocated = static_cast<int64_t>(c.alloc_rate * per_period * (1 - u));
    int64_t work = scanned, actual = 0;
    for (int k = 0; k < 3 && work > 0; ++k) {  // globals first, then stacks, then heap
      int64_t d = std::min(work, left[k]);
      left[k] -= d;
      done[k] += d;
      work -= d;
      actual += d;
    }
    int64_t elapsed = o_.revise_period_ns;
    int64_t alloc_now = allocated;
    if (actual < scanned) {  // the mark ends inside this period
      elapsed = static_cast<int64_t>(static_cast<double>(actual) * period / (c.scan_rate * per_period * u));
      alloc_now = static_cast<int64_t>(c.alloc_rate * per_period * static_cast<double>(elapsed) / period * (1 - u));
    }
    live += static_cast<uint64_t>(alloc_now);
    heap_scan_ += static_cast<uint64_t>(static_cast<double>(alloc_now) * frac);
    mp.heap = snapshot(live);
    mp.heap_scan_bytes = heap_scan_;
    mp.scan_work_done_bytes = static_cast<uint64_t>(done[0] + done[1] + done[2]);
    ar = pacer_.revise(mp);
    assist += static_cast<int64_t>(static_cast<double>(elapsed) * procs * (u - kU));
    duration += elapsed;
    black += alloc_now;
  }
  r.peak_bytes = live;
  r.utilization = duration > 0 ? static_cast<double>(assist) / (static_cast<double>(duration) * procs) + kU : kU;
  r.mark_ns = duration;
  r.cycle_ns = allocation_ns(trigger - heap_marked_, c.alloc_rate, s_.rate_unit_bytes_per_cpu_ns, procs) + duration;
  r.assist_cpu_ns = static_cast<double>(assist);
  r.scan_work_bytes = static_cast<uint64_t>(done[0] + done[1] + done[2]);

  pacer::CycleEndInputs ce;
  ce.now = now_ + duration;
  ce.gomaxprocs = procs;
  ce.heap = snapshot(live);
  ce.globals_scan_work_bytes = static_cast<uint64_t>(done[0]);
  ce.stack_scan_work_bytes = static_cast<uint64_t>(done[1]);
  ce.heap_scan_work_bytes = static_cast<uint64_t>(done[2]);
  ce.assist_cpu_ns = assist;
  pacer::CycleEndReport rep = pacer_.end_cycle(ce);
  finish(r, c, rep);

  // resetLive + commit(isSweepDone=false).
  heap_marked_ = static_cast<uint64_t>(next_marked + black);
  heap_scan_ = static_cast<uint64_t>(done[2]);
  pacer::CommitInputs ci;
  ci.heap_marked_bytes = heap_marked_;
  ci.heap_live_bytes = heap_marked_;
  ci.last_heap_scan_bytes = static_cast<uint64_t>(done[2]);
  ci.last_stack_scan_bytes = static_cast<uint64_t>(done[1]);
  ci.globals_bytes = s_.globals_bytes;
  ci.sweep_done = false;
  pacer_.commit(ci);
  r.live_bytes = heap_marked_;
  expected_work_ = ci.last_heap_scan_bytes + ci.last_stack_scan_bytes + ci.globals_bytes;
  black_last_ = black;
  now_ += duration;
  return r;
}

// One cycle of the pacer redesign study's model (pacer-model simulation/go116.go, go117.go).
CycleResult Harness::step_model(const CycleInputs& c) {
  ++cycle_;
  const bool first = cycle_ == 1;
  const int procs = s_.gomaxprocs;
  const double frac = c.scannable_frac;
  // The goal of cycle n is planned with cycle n's stacks (N_n = γ(M_{n-1} + S_n + G_n)): commit
  // with this cycle's inputs right before it starts. The first commit is the pacer's init.
  pacer::CommitInputs ci;
  ci.heap_marked_bytes = heap_marked_;
  ci.heap_live_bytes = heap_marked_;
  ci.last_heap_scan_bytes = static_cast<uint64_t>(live_scan_last_);
  ci.last_stack_scan_bytes = c.stack_bytes;
  ci.globals_bytes = s_.globals_bytes;
  ci.sweep_done = true;
  pacer_.commit(ci);
  const uint64_t expected = ci.last_heap_scan_bytes + c.stack_bytes + s_.globals_bytes;

  pacer::TriggerGoal tg = pacer_.trigger(snapshot(heap_marked_));
  require_trigger(tg.trigger_bytes, cycle_);
  const uint64_t trigger = std::max(tg.trigger_bytes, heap_marked_);
  const double goal = static_cast<double>(tg.goal_bytes);
  // maxScanWork of the old model: the scannable live heap plus what was allocated up to the trigger.
  const double heap_scan = live_scan_last_ + static_cast<double>(trigger - heap_marked_) * frac;
  pacer::CycleStartInputs cs;
  cs.now = now_;
  cs.gomaxprocs = procs;
  cs.heap = snapshot(trigger);
  pacer::WorkerPlan plan = pacer_.start_cycle(cs);
  pacer::MarkProgress mp;
  mp.heap = cs.heap;
  mp.heap_scan_bytes = static_cast<uint64_t>(heap_scan);
  mp.max_stack_scan_bytes = c.stack_bytes;
  pacer::AssistRatio ar = pacer_.revise(mp);

  CycleResult r;
  r.heap_marked_bytes = heap_marked_;
  r.trigger_bytes = plan.triggered_bytes;
  r.expected_work_bytes = expected;
  r.r_planned = ar.bytes_per_work;
  // Scan work: W = P·g + S + G (first cycle: the initial heap), globals, then stacks, then heap.
  const double heap_work = first ? static_cast<double>(s_.initial_live_heap_bytes) : std::floor(live_scan_last_ * c.growth_rate);
  double left[3] = {static_cast<double>(s_.globals_bytes), static_cast<double>(c.stack_bytes), heap_work};
  double done[3] = {0, 0, 0};
  const double total = left[0] + left[1] + left[2];
  const double step = total / std::max(1, o_.model_revise_steps);
  // Work levels at which a strategy's assist ratio changes: the redesign's expected work and the
  // legacy pacer's Hs·100/(100+GOGC).
  const double gogc = s_.gc_percent < 0 ? 100000.0 : s_.gc_percent;
  const double breaks[2] = {static_cast<double>(expected), heap_scan * 100 / (100 + gogc)};
  const double scan_per_ns = c.scan_rate * s_.rate_unit_bytes_per_cpu_ns * procs;  // at u = 1
  double live = static_cast<double>(trigger), work_done = 0, duration = 0, assist = 0;
  while (total - work_done > 1e-6 * total) {
    const double u = assisted_utilization(ar.work_per_byte, c.alloc_rate, c.scan_rate);
    const double ratio = c.alloc_rate * (1 - u) / (c.scan_rate * u);  // bytes allocated per byte scanned
    // Stop one byte past each breakpoint, so the next revise() sees the new regime (work > expected,
    // heap > goal) rather than the boundary itself.
    double dw = std::min(step, total - work_done);
    for (double b : breaks) {
      const double past = std::floor(b) + 1 - work_done;
      if (past > 0 && past < dw) dw = past;
    }
    if (tg.goal_bytes < kNever && live <= goal && live + ratio * dw > goal + 1) dw = std::max((goal + 1 - live) / ratio, 1.0);
    dw = std::min(dw, total - work_done);
    double rest = dw;
    for (int k = 0; k < 3 && rest > 0; ++k) {
      double d = std::min(rest, left[k]);
      left[k] -= d;
      done[k] += d;
      rest -= d;
    }
    work_done += dw;
    const double t = dw / (scan_per_ns * u);
    live += ratio * dw;
    duration += t;
    assist += t * procs * (u - kU);
    mp.heap = snapshot(static_cast<uint64_t>(live));
    mp.scan_work_done_bytes = static_cast<uint64_t>(work_done);
    ar = pacer_.revise(mp);
  }
  const auto peak = static_cast<uint64_t>(live);
  r.peak_bytes = peak;
  r.mark_ns = std::llround(duration);
  r.cycle_ns = allocation_ns(trigger - heap_marked_, c.alloc_rate, s_.rate_unit_bytes_per_cpu_ns, procs) + r.mark_ns;
  r.assist_cpu_ns = assist;
  r.utilization = duration > 0 ? assist / (duration * procs) + kU : kU;
  r.scan_work_bytes = static_cast<uint64_t>(total);

  pacer::CycleEndInputs ce;
  ce.now = now_ + r.mark_ns;
  ce.gomaxprocs = procs;
  ce.heap = snapshot(peak);
  ce.globals_scan_work_bytes = static_cast<uint64_t>(done[0]);
  ce.stack_scan_work_bytes = static_cast<uint64_t>(done[1]);
  ce.heap_scan_work_bytes = static_cast<uint64_t>(done[2]);
  ce.assist_cpu_ns = std::llround(assist);
  pacer::CycleEndReport rep = pacer_.end_cycle(ce);
  finish(r, c, rep);

  // Survivors: (M − black_last)·g + black; their scannable part evolves separately.
  const double black = static_cast<double>(peak - trigger);
  const double black_scan = std::floor(black * frac);
  double survived = 0;
  if (first) {
    survived = static_cast<double>(s_.initial_live_heap_bytes) + black;
    live_scan_last_ = std::floor(survived * frac);
  } else {
    survived = std::floor((static_cast<double>(heap_marked_) - static_cast<double>(black_last_)) * c.growth_rate) + black;
    live_scan_last_ = std::floor((live_scan_last_ - black_scan_last_) * c.growth_rate) + black_scan;
  }
  heap_marked_ = static_cast<uint64_t>(survived);
  black_last_ = static_cast<int64_t>(black);
  black_scan_last_ = black_scan;
  r.live_bytes = heap_marked_;
  now_ += r.mark_ns;
  return r;
}

std::vector<CycleResult> run_scenario(const Scenario& s, pacer::Pacer& p, const HarnessOptions& o) {
  Harness h(s, p, o);
  std::vector<CycleResult> out;
  out.reserve(s.cycles.size());
  for (const CycleInputs& c : s.cycles) out.push_back(h.step(c));
  return out;
}

std::vector<CycleResult> run_scenario(const Scenario& s, const nlohmann::json& pacer_slot, const HarnessOptions& o) {
  auto p = pacer::make_pacer(harness_pacer_slot(pacer_slot, o), "pacer", context_for(s, o));
  return run_scenario(s, *p, o);
}

}  // namespace gcsim::percycle
