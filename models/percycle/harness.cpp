// SPDX-License-Identifier: MIT
#include "models/percycle/harness.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "models/pacer/assist_ratio.hpp"
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
/// What one whole revise period of the runtime semantics does, as integers: a function of the
/// utilization u alone, each field monotone in u.
struct PeriodOutcome {
  int64_t scanned = -1;          ///< scan work done
  int64_t allocated = 0;         ///< bytes allocated (black)
  uint64_t allocated_scan = 0;   ///< their scannable part (heapScan growth)
  int64_t assist_ns = 0;         ///< assist CPU time
  bool operator==(const PeriodOutcome&) const = default;
};

/// The per-cycle constants of PeriodOutcome.
struct PeriodRates {
  double scan_per_period = 0;   ///< bytes scanned per period at u = 1
  double alloc_per_period = 0;  ///< bytes allocated per period at u = 0
  double scannable_frac = 0;
  double cpu_ns = 0;            ///< period · GOMAXPROCS

  PeriodOutcome at(double u) const {
    PeriodOutcome o;
    o.scanned = std::max<int64_t>(1, static_cast<int64_t>(scan_per_period * u));
    o.allocated = static_cast<int64_t>(alloc_per_period * (1 - u));
    o.allocated_scan = static_cast<uint64_t>(static_cast<double>(o.allocated) * scannable_frac);
    o.assist_ns = static_cast<int64_t>(cpu_ns * (u - kU));
    return o;
  }
};

/// revise()'s remaining work and heap after j periods of one outcome: work1 + (j − 1)·work_slope and
/// heap1 + (j − 1)·heap_slope, each replaced by its floor (1000, 1) where `*_floor`.
struct RunLines {
  double work1 = 0, work_slope = 0, heap1 = 0, heap_slope = 0;
  bool work_floor = false, heap_floor = false;
};

/// A guess of how many periods j >= 1 after the current one (outcome `o`) still have outcome `o`,
/// for same_outcome_periods to verify: the cell of u that gives `o`, mapped to w = s·u/(a·(1 − u)),
/// against w_j = wr_j/hr_j, with the floors keeping their state.
int64_t guess_run(const PeriodRates& rates, const PeriodOutcome& o, double alloc_rate, double scan_rate,
                  const RunLines& l) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const auto scanned = static_cast<double>(o.scanned), allocated = static_cast<double>(o.allocated);
  const auto assist = static_cast<double>(o.assist_ns);
  double lo = 1 - (allocated + 1) / rates.alloc_per_period;
  double hi = std::min((scanned + 1) / rates.scan_per_period, kU + (assist + 1) / rates.cpu_ns);
  if (o.scanned > 1) lo = std::max(lo, scanned / rates.scan_per_period);
  if (o.allocated > 0) hi = std::min(hi, 1 - allocated / rates.alloc_per_period);
  if (o.assist_ns > 0) lo = std::max(lo, kU + assist / rates.cpu_ns);
  if (lo <= kU) lo = -kInf;  // a u below 25 % counts as 25 %
  const double w_lo = lo <= 0 ? -kInf : lo >= 1 ? kInf : scan_rate * lo / (alloc_rate * (1 - lo));
  const double w_hi = hi >= 1 ? kInf : scan_rate * hi / (alloc_rate * (1 - hi));
  double k = 1e15;  // j − 1
  auto bound = [&k](double c0, double c1) {  // c0 + k·c1 >= 0
    if (!(c0 >= 0)) k = -1;
    if (c1 < 0) k = std::min(k, c0 / -c1);
  };
  // The floors keep their state; the effective lines.
  if (l.work_floor) {
    bound(999 - l.work1, -l.work_slope);
  } else {
    bound(l.work1 - 1000, l.work_slope);
  }
  if (l.heap_floor) {
    bound(-l.heap1, -l.heap_slope);
  } else {
    bound(l.heap1 - 1, l.heap_slope);
  }
  const double w1 = l.work_floor ? 1000 : l.work1, dw = l.work_floor ? 0 : l.work_slope;
  const double h1 = l.heap_floor ? 1 : l.heap1, dh = l.heap_floor ? 0 : l.heap_slope;
  if (w_hi < kInf) bound(w_hi * h1 - w1, w_hi * dh - dw);  // w_j < w_hi
  if (w_lo >= kInf) return 0;
  if (w_lo > -kInf) bound(w1 - w_lo * h1, dw - w_lo * dh);  // w_j >= w_lo
  return k < 0 ? 0 : 1 + static_cast<int64_t>(k);
}

/// Runtime semantics with revise() inline (Pacer::frozen_revise_inputs): how many whole periods
/// n >= 1 in a row, the first of outcome `o` (from heap `live`, heapScan `heap_scan`, scan work
/// `done`), all have outcome `o`; at most `max_periods`. The loop runs them as one step: the state
/// after them is the same integers as period by period (sums of the same terms), and only the
/// assist ratio after the n-th is computed. Results are identical, not just close:
///
/// Were periods 0 .. j-1 all `o`, the state after them would be live + j·A, heap_scan + j·Hs,
/// done + j·S; probe j computes the u the loop would then compute (the same functions). Suppose
/// probes 1 and m take the same branches of revise() with the same goal, each floor (1000 bytes of
/// work, 1 byte of heap) is in the same state at both, and the remaining work and heap are below
/// 2^53. The branch conditions and floor states are monotone in j (work and heap only grow; an
/// extrapolated goal is held constant by requiring Hs = 0; 1.1·goal is monotone in the goal), so
/// they hold for all j in [1, m]. Then the remaining work wr_j and heap hr_j are integers, each
/// linear in j or constant, with hr_j > 0, so wr_j/hr_j is monotone in j, and so are its correctly
/// rounded quotient w_j and x_j = w_j·a. The computed u_j = x_j/(x_j + s) is that monotone function
/// of x_j to within two roundings (relative 2^-52), so every u_j lies in [min(u_1, u_m), max(u_1, u_m)]
/// widened by 1e-14 and clamped to >= 25 % like assisted_utilization. Each PeriodOutcome field is
/// monotone in u, so equal outcomes at both ends of that interval prove all u_j give `o`, and by
/// induction on j the actual periods 1 .. m are those hypothetical ones.
int64_t same_outcome_periods(const pacer::ReviseInputs& frozen, const PeriodRates& rates, const PeriodOutcome& o,
                             int64_t live, uint64_t heap_scan, int64_t done, uint64_t max_stack_scan,
                             double alloc_rate, double scan_rate, int64_t max_periods) {
  constexpr int64_t kExact = int64_t{1} << 53;
  constexpr double kMargin = 1e-14;
  struct Probe {
    pacer::AssistTarget target;
    bool work_floor = false, heap_floor = false;  // revise()'s floors of 1000 and 1 byte apply
    double u = 0;
  };
  // The loop's u after j periods of outcome `o` (redesign_assist_ratio's arithmetic); false if the
  // quotient's operands would not be exact.
  auto probe = [&](int64_t j, Probe& p) {
    const int64_t live_j = live + j * o.allocated, done_j = done + j * o.scanned;
    p.target = pacer::redesign_assist_target(frozen, static_cast<uint64_t>(live_j),
                                             heap_scan + static_cast<uint64_t>(j) * o.allocated_scan,
                                             static_cast<uint64_t>(done_j), max_stack_scan);
    int64_t wr = p.target.expected_work_bytes - done_j, hr = p.target.heap_goal_bytes - live_j;
    p.work_floor = wr < 1000;
    p.heap_floor = hr <= 0;
    if (p.work_floor) wr = 1000;
    if (p.heap_floor) hr = 1;
    if (wr >= kExact || hr >= kExact) return false;
    p.u = assisted_utilization(static_cast<double>(wr) / static_cast<double>(hr), alloc_rate, scan_rate);
    return true;
  };
  Probe first;
  if (max_periods < 2 || !probe(1, first)) return 1;
  // An extrapolated goal follows heapScan; keep it constant, so that the heap-over-goal branch
  // stays monotone in j.
  if (first.target.extrapolated && o.allocated_scan != 0) return 1;
  auto proven = [&](int64_t m) {  // periods 1 .. m all have outcome `o`
    Probe p = first;
    if (m > 1 && (!probe(m, p) || p.target.extrapolated != first.target.extrapolated ||
                  p.target.over_goal != first.target.over_goal ||
                  p.target.heap_goal_bytes != first.target.heap_goal_bytes || p.work_floor != first.work_floor ||
                  p.heap_floor != first.heap_floor))
      return false;
    const double lo = std::min(first.u, p.u) * (1 - kMargin), hi = std::max(first.u, p.u) * (1 + kMargin);
    return rates.at(lo > kU ? lo : kU) == o && rates.at(hi > kU ? hi : kU) == o;
  };
  // Guess m (how far u stays in the outcome's cell), verify it, and bisect below a wrong guess:
  // any proven m is correct, a larger one saves more periods.
  RunLines lines;
  lines.work1 = static_cast<double>(first.target.expected_work_bytes - done - o.scanned);
  lines.heap1 = static_cast<double>(first.target.heap_goal_bytes - live - o.allocated);
  const bool expected_grows = first.target.extrapolated || first.target.over_goal;  // W_exp = W_max
  lines.work_slope = (expected_grows ? static_cast<double>(o.allocated_scan) : 0) - static_cast<double>(o.scanned);
  lines.heap_slope = -static_cast<double>(o.allocated);
  lines.work_floor = first.work_floor;
  lines.heap_floor = first.heap_floor;
  const int64_t m = std::min(max_periods - 1, guess_run(rates, o, alloc_rate, scan_rate, lines));
  if (m >= 1 && proven(m)) return m + 1;
  int64_t good = 0, bad = m;  // periods 1 .. good proven; 1 .. bad not
  while (bad - good > 1) {
    const int64_t mid = good + (bad - good) / 2;
    (proven(mid) ? good : bad) = mid;
  }
  return good + 1;
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
  // The pacer's revise() as an inline function of the progress, when it offers one (the same
  // arithmetic without a virtual call and the goal's re-derivation every period).
  pacer::ReviseInputs frozen;
  const bool is_frozen = pacer_.frozen_revise_inputs(cs.heap, frozen);
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
  int64_t left_total = left[0] + left[1] + left[2], done_total = 0;
  int first = 0;  // the first bucket with work left
  // Whole periods in a row fill the buckets as one lump does (all >= 0: greedy, in order).
  const bool batchable = is_frozen && left[2] >= 0;
  const double period = static_cast<double>(o_.revise_period_ns);
  const double per_period = s_.rate_unit_bytes_per_cpu_ns * period * procs;  // bytes per rate unit per period
  const double scan_per_period = c.scan_rate * per_period;    // bytes scanned per period at u = 1
  const double alloc_per_period = c.alloc_rate * per_period;  // bytes allocated per period at u = 0
  int64_t duration = 0, assist = 0, black = 0;
  uint64_t heap_scan = heap_scan_;
  const PeriodRates rates{scan_per_period, alloc_per_period, frac, period * procs};
  PeriodOutcome last;
  bool retry = true;  // no attempt failed since the outcome last changed
  while (left_total > 0) {
    const double u = assisted_utilization(ar.work_per_byte, c.alloc_rate, c.scan_rate);
    const PeriodOutcome o = rates.at(u);
    // Often many periods in a row do the same: run them as one step (same_outcome_periods). Tried
    // only when the previous period did the same, as a lone period is common too, and not again
    // in the same run after a failure.
    int64_t periods = 1;
    if (!(o == last)) {
      last = o;
      retry = true;
    } else if (batchable && retry && o.scanned < left_total) {
      periods = same_outcome_periods(frozen, rates, o, static_cast<int64_t>(live), heap_scan, done_total,
                                     c.stack_bytes, c.alloc_rate, c.scan_rate, left_total / o.scanned);
      retry = periods > 1;
    }
    periods_ += periods;
    ++steps_;
    const int64_t scanned = o.scanned, allocated = o.allocated;
    const int64_t planned = scanned * periods;
    int64_t work = planned;
    for (int k = first; k < 3 && work > 0; ++k) {  // globals first, then stacks, then heap
      const int64_t d = std::min(work, left[k]);
      left[k] -= d;
      done[k] += d;
      work -= d;
    }
    while (first < 2 && left[first] == 0) ++first;
    const int64_t actual = planned - work;
    left_total -= actual;
    done_total += actual;
    if (actual == planned) {  // whole periods
      live += static_cast<uint64_t>(allocated * periods);
      heap_scan += o.allocated_scan * static_cast<uint64_t>(periods);
      assist += o.assist_ns * periods;
      duration += o_.revise_period_ns * periods;
      black += allocated * periods;
    } else {  // the mark ends inside this period (periods = 1)
      const auto elapsed = static_cast<int64_t>(static_cast<double>(actual) * period / (scan_per_period * u));
      const auto alloc_now =
          static_cast<int64_t>(alloc_per_period * static_cast<double>(elapsed) / period * (1 - u));
      live += static_cast<uint64_t>(alloc_now);
      heap_scan += static_cast<uint64_t>(static_cast<double>(alloc_now) * frac);
      if (u != kU) assist += static_cast<int64_t>(static_cast<double>(elapsed) * procs * (u - kU));
      duration += elapsed;
      black += alloc_now;
    }
    if (is_frozen) {
      ar = pacer::redesign_assist_ratio(frozen, live, heap_scan, static_cast<uint64_t>(done_total), c.stack_bytes);
    } else {
      mp.heap = snapshot(live);
      mp.heap_scan_bytes = heap_scan;
      mp.scan_work_done_bytes = static_cast<uint64_t>(done_total);
      ar = pacer_.revise(mp);
    }
  }
  heap_scan_ = heap_scan;
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
  pacer::ReviseInputs frozen;  // as in step_runtime
  const bool is_frozen = pacer_.frozen_revise_inputs(cs.heap, frozen);
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
    if (is_frozen) {
      ar = pacer::redesign_assist_ratio(frozen, static_cast<uint64_t>(live), mp.heap_scan_bytes,
                                        static_cast<uint64_t>(work_done), c.stack_bytes);
    } else {
      mp.heap = snapshot(static_cast<uint64_t>(live));
      mp.scan_work_done_bytes = static_cast<uint64_t>(work_done);
      ar = pacer_.revise(mp);
    }
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
