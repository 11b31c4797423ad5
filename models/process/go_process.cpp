// SPDX-License-Identifier: MIT
#include "models/process/go_process.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "models/pacer/formulas.hpp"
#include "sim/config/config_error.hpp"
#include "workloads/record_window.hpp"

namespace gcsim {
namespace {

constexpr size_t kBatch = 1024;
// run_mutator: after kShortStretchesForBatch stretches in a row of fewer than kShortStretch events
// straight from a binary trace's records, the next events come in a batch (the fast path keeps
// stopping). One short stretch alone is common: a span refill right after a batch.
constexpr uint64_t kShortStretch = 16;
constexpr uint32_t kShortStretchesForBatch = 4;

// The root of the run's scheduling noise (sysmon's phase, mark cost variation): scheduler.noise_seed,
// or the experiment's seed when it is 0.
sim::RngRoot noise_root(const ProcessSettings& s) {
  return sim::RngRoot(s.scheduler.noise_seed != 0 ? s.scheduler.noise_seed : s.seed);
}
constexpr uint32_t kMaxGoroutineId = (1u << 22) - 1;
constexpr uint64_t kOverAssistWork = 64 << 10;  // gcOverAssistWork (mgcmark.go)

}  // namespace

GoProcess::GoProcess(const ProcessSettings& settings, workload::EventSource& source, pacer::Pacer& pacer)
    : s_(settings),
      source_(source),
      pacer_(pacer),
      heap_(alloc::SizeClassTable::get(), settings.runtime.gomaxprocs, settings.runtime.traits().malloc_headers),
      sched_(settings.scheduler, settings.runtime.gomaxprocs),
      p_mutator_cpu_ns_(static_cast<size_t>(settings.runtime.gomaxprocs), 0.0),
      pools_(settings.runtime.gomaxprocs),
      limiter_(settings.runtime.gomaxprocs),
      buf_(kBatch),
      preempt_rng_(noise_root(settings).stream("sched.preempt")),
      mark_rng_(noise_root(settings).stream("gc.mark_cost")) {
  heap_.set_memory_budget(s_.max_memory_bytes);
  heap_.set_scan_layout(s_.pointer_scan_prefix_bytes, s_.pointer_array_ids);
  // The replayer's per-allocation overhead rides on alloc_ns: it is paid where an allocation is.
  if (s_.simulate_replayer) s_.cost.alloc_ns += s_.cost.replayer_alloc_ns;
  heap_.reserve_objects(source_.object_id_bound());
  check_invariants_ = invariant_checks_built_in() || s_.check_invariants;
}

// mappedReady: Sys minus released heap memory (what GOMEMLIMIT is compared against; ≈ RSS).
uint64_t GoProcess::mapped_ready_bytes() const {
  uint64_t heap_sys = heap_.heap_sys_bytes();
  return heap_sys - heap_.heap_released_bytes() + stacks_.inuse_bytes() + s_.memory.overhead_bytes(heap_sys);
}

uint64_t GoProcess::sys_bytes() const {
  uint64_t heap_sys = heap_.heap_sys_bytes();
  return heap_sys + stacks_.inuse_bytes() + s_.memory.overhead_bytes(heap_sys);
}

pacer::HeapSnapshot GoProcess::snapshot() const {
  alloc::HeapFigures f = heap_.figures();
  pacer::HeapSnapshot h;
  h.heap_live_bytes = f.heap_live_bytes;
  h.mapped_ready_bytes = mapped_ready_bytes();
  h.heap_free_bytes = f.heap_free_bytes;
  h.heap_alloc_bytes = f.heap_alloc_bytes;
  return h;
}

// Ps' worth of CPU for the mutator, GC workers and the background sweeper, given the phase.
// Marking (mgc.go gcBgMarkWorker, proc.go schedule/findRunnableGCWorker): dedicated workers take
// whole Ps; Ps the mutator leaves idle run idle-priority workers. The fractional worker: with no
// idle P it takes its share f·P of the mutator's Ps continuously. With an idle P it runs only at
// scheduling points. Each P keeps its own fractional time (p.gcFractionalMarkTime) and
// schedule() asks findRunnableGCWorker *before* its run queue, so when sysmon preempts a mutator
// goroutine (forcePreemptNS = 10 ms) the goroutine goes to the run queue, its P runs the
// fractional worker, and the idle P's idle worker sees the queued goroutine (pollWork), stops, and
// that P too tops up its fractional time before taking the goroutine: every such P runs a burst
// until its time reaches 1.2·f of the mark so far (pollFractionalWorkerExit, mgc.go), and the
// preempted goroutine waits. Real Go 1.19 gctrace at GOMAXPROCS=2, one goroutine: marks shorter
// than 10 ms show ≈0.1 P fractional (workloads/go/ring_calibration/SUMMARY.md); the 100–250 ms
// marks of the growing validation scenario show ≈0.6 P fractional and ≈0.57 P idle.
void GoProcess::update_capacity() {
  const double procs = s_.runtime.gomaxprocs;
  // Dedicated workers take whole Ps; the scheduler moves goroutines off them (models/sched).
  const int dedicated_ps = phase_ == Phase::kMark ? static_cast<int>(plan_.dedicated_workers) : 0;
  sched_.set_usable_ps(s_.runtime.gomaxprocs - dedicated_ps, now_);
  const double runnable = std::max(1, sched_.running());
  mutator_blocked_ = false;
  if (phase_ == Phase::kMark) {
    mark_.advance_to(now_);
    double dedicated = plan_.dedicated_workers;
    double mutator_ps = std::min(runnable, procs - dedicated);
    double idle_ps = std::min<double>(procs - dedicated - mutator_ps, plan_.max_idle_workers);
    double fractional_ps = 0;
    double mutator_progress = mutator_ps;
    if (idle_ps <= 0) {
      fractional_ps = plan_.fractional_goal * procs;
      mutator_progress = mutator_ps - fractional_ps;
    } else if (fractional_burst_) {
      // The mutator's P runs the fractional worker; after a preemption the idle Ps too (see
      // fractional_burst), after a handoff they keep their idle workers.
      fractional_ps = burst_with_idle_ps_ ? 1 + idle_ps : 1;
      if (burst_with_idle_ps_) idle_ps = 0;
      mutator_progress = mutator_ps - 1;
    } else {
      burst_ps_ = 1 + idle_ps;
    }
    gc::MarkCapacity cap{dedicated, fractional_ps, idle_ps};
    mark_.set_capacity(now_, cap);
    mutator_blocked_ = mutator_progress <= 0;
    mutator_parallelism_ = mutator_blocked_ ? 1 : mutator_progress;
    sweeper_ps_ = 0;
    note_utilization(mutator_blocked_ ? 0 : mutator_progress, dedicated + fractional_ps, idle_ps);
  } else {
    mutator_parallelism_ = std::min(runnable, procs);
    sweeper_ps_ = std::min(1.0, procs - mutator_parallelism_);
    note_utilization(mutator_parallelism_, 0, 0);
  }
  inv_parallelism_ = 1.0 / mutator_parallelism_;
}

// sysmon preempts a goroutine that has run forcePreemptNS since it was last scheduled (retake:
// pd.schedwhen + forcePreemptNS <= now, proc.go). During a mark with an idle P, its P and the idle
// Ps (whose idle workers see the queued goroutine: pollWork) run fractional bursts.
void GoProcess::preempt() {
  next_preempt_ns_ = now_ + preemption_interval_ns();
  const double burst = fractional_burst(true);
  if (burst > 0) next_preempt_ns_ = now_ + static_cast<sim::DurationNs>(burst) + preemption_interval_ns();
}

// Serial mode: the running goroutine parks and readies the next one onto its P (runnext). That P
// goes through schedule(), which asks findRunnableGCWorker before its run queue: during a mark it
// may run the fractional worker first, while the idle P keeps its idle worker. The readied
// goroutine starts a new time slice.
void GoProcess::handoff_scheduling_point() {
  next_preempt_ns_ = now_ + preemption_interval_ns();
  if (phase_ == Phase::kMark) fractional_burst(false);
}

// A scheduling point on the mutator's P during a mark (and, with_idle_ps, on the idle Ps too):
// findRunnableGCWorker starts the fractional worker if the P's fractional time is at most f of the
// mark so far, and it runs until pollFractionalWorkerExit sees more than 1.2·f (mgcpacer.go,
// mgc.go): F_p + x = 1.2·f·(E + x), F_p = the fractional time so far shared evenly over the Ps
// that take part. The mutator's goroutine waits. Returns the burst length (0: none).
double GoProcess::fractional_burst(bool with_idle_ps) {
  const double f = plan_.fractional_goal;
  if (f <= 0 || fractional_burst_) return 0;
  mark_.advance_to(now_);
  const double elapsed = static_cast<double>(now_ - cur_.start_ns);
  const double ps = with_idle_ps ? std::max(1.0, burst_ps_) : 1.0;
  const double frac_time = mark_.fractional_cpu_ns() / ps;
  if (frac_time > f * elapsed) return 0;
  const double burst = (1.2 * f * elapsed - frac_time) / (1 - 1.2 * f);
  if (burst < 1000) return 0;
  fractional_burst_ = true;
  burst_with_idle_ps_ = with_idle_ps;
  update_capacity();
  burst_event_ = queue_.schedule(now_ + static_cast<sim::DurationNs>(burst), sim::Priority::kGc,
                                 [this] { end_fractional_burst(); });
  return burst;
}

// A mean-1 lognormal factor with coefficient of variation cost.mark_cost_cv (1 when it is 0): the
// same mark work costs more or less CPU from one cycle to the next on a real machine.
double GoProcess::mark_cost_factor() {
  const double cv = s_.cost.mark_cost_cv;
  if (cv <= 0) return 1.0;
  const double sigma2 = std::log1p(cv * cv);
  const double u1 = 1.0 - mark_rng_.uniform(), u2 = mark_rng_.uniform();  // u1 in (0, 1]
  const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);  // Box-Muller
  return std::exp(std::sqrt(sigma2) * z - 0.5 * sigma2);
}

// How long a goroutine runs from being scheduled to being preempted (retake, proc.go): sysmon
// notes the new schedtick at its next check, a uniformly distributed moment within its period
// (sysmon sleeps up to 10 ms when nothing happens), and preempts at the first check at least
// forcePreemptNS after that.
sim::DurationNs GoProcess::preemption_interval_ns() {
  const sched::SchedulerSettings& sc = s_.scheduler;
  if (sc.sysmon_period_ns <= 0) return sc.quantum_ns;
  return sc.quantum_ns +
         static_cast<sim::DurationNs>(preempt_rng_.below(static_cast<uint64_t>(sc.sysmon_period_ns)));
}

void GoProcess::end_fractional_burst() {
  fractional_burst_ = false;
  update_capacity();
}

double GoProcess::idle_integral_now() const {
  double idle_ps = s_.runtime.gomaxprocs - util_mutator_ps_ - util_gc_ps_;
  return idle_integral_ns_ + idle_ps * static_cast<double>(now_ - util_last_t_);
}

void GoProcess::note_utilization(double mutator_ps, double gc_ps, double idle_gc_ps, double assist_ps, double stw_ps) {
  idle_integral_ns_ = idle_integral_now();
  util_last_t_ = now_;
  util_mutator_ps_ = mutator_ps;
  util_gc_ps_ = gc_ps;
  util_idle_ps_ = idle_gc_ps;
  rec_.utilization.record(stats::UtilizationStep{now_, mutator_ps, gc_ps, idle_gc_ps, assist_ps, stw_ps});
}

// gcCPULimiter.update (mgclimit.go): the window since the last update.
void GoProcess::limiter_update() {
  if (!s_.runtime.cpu_limiter) return;
  double idle = idle_integral_now();
  limiter_.update(now_, static_cast<int64_t>(assist_total_ns_ - limiter_assist_seen_ns_),
                  static_cast<int64_t>(idle - limiter_idle_seen_ns_));
  limiter_assist_seen_ns_ = assist_total_ns_;
  limiter_idle_seen_ns_ = idle;
  limiter_on_in_cycle_ |= limiter_.limiting();
}

// The loop's periodic duties: limiter updates every 10 ms during GC (gcCPULimiterUpdatePeriod)
// and the background scavenger.
sim::SimTimeNs GoProcess::next_housekeeping() const {
  constexpr sim::DurationNs kLimiterPeriodNs = 10'000'000;
  sim::SimTimeNs t = sim::kTimeNever;
  if (s_.runtime.cpu_limiter && phase_ == Phase::kMark) t = limiter_.last_update() + kLimiterPeriodNs;
  if (scav_gc_percent_goal_ != UINT64_MAX || scav_memory_limit_goal_ != UINT64_MAX)
    t = std::min(t, scav_last_ns_ + kLimiterPeriodNs);
  return t;
}

void GoProcess::housekeeping() {
  if (phase_ == Phase::kMark) limiter_update();
  background_scavenge();
}

// gcPaceScavenger (mgcscavenge.go@1.19), at the end of each cycle.
void GoProcess::pace_scavenger(uint64_t heap_goal, uint64_t last_heap_goal, uint64_t heap_inuse_at_mark_term) {
  const uint64_t limit = s_.runtime.memory_limit_bytes;
  scav_memory_limit_goal_ = UINT64_MAX;
  if (limit != kNoMemoryLimit) {
    // Go 1.19–1.21 compute L·(100-5) instead of L·0.95 (fixed in 1.22): the goal is never reached.
    double goal = static_cast<double>(limit) * (s_.runtime.traits().scavenger_limit_goal_fixed ? 0.95 : 95.0);
    if (goal < static_cast<double>(mapped_ready_bytes())) scav_memory_limit_goal_ = static_cast<uint64_t>(goal);
  }
  scav_gc_percent_goal_ = UINT64_MAX;
  if (last_heap_goal == 0 || heap_goal == pacer::kNoGoal) return;
  double ratio = static_cast<double>(heap_goal) / static_cast<double>(last_heap_goal);
  auto goal = static_cast<uint64_t>(static_cast<double>(heap_inuse_at_mark_term) * ratio);
  goal += goal / 10;                   // retainExtraPercent = 10
  goal = (goal + 4095) & ~uint64_t{4095};  // physPageSize
  uint64_t retained = heap_.heap_retained_bytes();
  if (retained > goal && retained - goal >= 4096) scav_gc_percent_goal_ = goal;
}

// bgscavenge (mgcscavenge.go): about 1 % of GOMAXPROCS' CPU while over a goal.
void GoProcess::background_scavenge() {
  double dt = static_cast<double>(now_ - scav_last_ns_);
  scav_last_ns_ = now_;
  uint64_t retained = heap_.heap_retained_bytes();
  uint64_t excess = 0;
  if (scav_gc_percent_goal_ != UINT64_MAX && retained > scav_gc_percent_goal_) excess = retained - scav_gc_percent_goal_;
  uint64_t ready = mapped_ready_bytes();
  if (scav_memory_limit_goal_ != UINT64_MAX && ready > scav_memory_limit_goal_)
    excess = std::max(excess, ready - scav_memory_limit_goal_);
  if (excess == 0) {
    scav_budget_ns_ = 0;
    return;
  }
  scav_budget_ns_ += dt * 0.01 * s_.runtime.gomaxprocs;
  double per_page = std::max(1.0, s_.memory.scavenge_ns_per_page);
  auto pages = static_cast<uint64_t>(scav_budget_ns_ / per_page);
  pages = std::min(pages, (excess + alloc::kPageBytes - 1) / alloc::kPageBytes);
  uint64_t done = heap_.scavenge_pages(pages);
  released_bytes_total_ += done * alloc::kPageBytes;
  scav_budget_ns_ -= static_cast<double>(done) * per_page;
  if (done < pages) scav_budget_ns_ = 0;
}

// Allocation-time scavenging (mheap.allocSpan@1.19): over the memory limit (unless the CPU limiter
// is on) or past the GOGC retained goal, the allocating goroutine returns memory itself. Returns
// the CPU it spends (counted as assist time by the limiter).
double GoProcess::allocation_scavenge(uint64_t scav_bytes) {
  uint64_t todo = 0;
  const uint64_t limit = s_.runtime.memory_limit_bytes;
  uint64_t ready = mapped_ready_bytes();
  if (limit != kNoMemoryLimit && !limiter_.limiting() && ready > limit) todo = ready - limit;
  if (scav_gc_percent_goal_ != UINT64_MAX && scav_bytes > 0) {
    uint64_t retained = heap_.heap_retained_bytes();
    if (retained > scav_gc_percent_goal_) todo = std::max(todo, std::min(scav_bytes, retained - scav_gc_percent_goal_));
  }
  if (todo == 0) return 0;
  uint64_t done = heap_.scavenge_pages((todo + alloc::kPageBytes - 1) / alloc::kPageBytes);
  released_bytes_total_ += done * alloc::kPageBytes;
  double cpu = static_cast<double>(done) * s_.memory.scavenge_ns_per_page;
  assist_total_ns_ += cpu;
  return cpu;
}


// bgsweep (mgcsweep.go): one goroutine sweeping spans on an otherwise idle P.
void GoProcess::background_sweep() {
  if (phase_ != Phase::kOff || heap_.sweep_done()) {
    sweep_last_ns_ = now_;
    sweep_budget_ns_ = 0;
    return;
  }
  sweep_budget_ns_ += static_cast<double>(now_ - sweep_last_ns_) * sweeper_ps_;
  sweep_last_ns_ = now_;
  double per_span = std::max(1.0, s_.cost.sweep_ns_per_span);
  auto n = static_cast<uint32_t>(std::min(sweep_budget_ns_ / per_span, 1e9));
  if (n == 0) return;
  uint32_t swept = heap_.sweep_some(n);
  rec_.totals.sweep_cpu_ns += swept * per_span;
  sweep_budget_ns_ = swept < n ? 0 : sweep_budget_ns_ - swept * per_span;
}

// The P that runs `g` now. In serial mode, moving the stream to another goroutine is a handoff: the
// running goroutine parks and readies `g` (gopark + goready, and a futex wake-up of the thread of an
// idle P: proc.go ready/wakep), which costs goroutine_handoff_ns of mutator CPU.
int GoProcess::p_running(uint32_t g) {
  const uint64_t handoffs = sched_.counters().handoffs;
  const int p = sched_.p_of(g, now_);
  if (sched_.counters().handoffs != handoffs) {
    const double cpu = s_.cost.goroutine_handoff_ns;
    rec_.totals.mutator_cpu_ns += cpu;
    p_mutator_cpu_ns_[static_cast<size_t>(p)] += cpu;
    ++rec_.totals.cost_quantities.handoffs;
    advance_cpu(cpu);
    handoff_scheduling_point();
  }
  return p;
}

void GoProcess::goroutine_seen(uint32_t g) {
  if (g > kMaxGoroutineId)
    throw TraceError(source_.describe(), "goroutine id " + std::to_string(g) + " is above the limit " +
                                             std::to_string(kMaxGoroutineId));
  if (!stacks_.alive(g)) {
    stacks_.start(g, 0);
    sched_.start(g, now_);
    if (g >= assist_bytes_.size()) assist_bytes_.resize(std::max<size_t>(g + 1, assist_bytes_.size() * 2), 0);
    assist_bytes_[g] = 0;
    update_capacity();
  }
}

// revise (mgcpacer.go) after heapLive changed during mark.
void GoProcess::revise() {
  pacer::MarkProgress mp;
  mp.heap = snapshot();
  mp.heap_scan_bytes = heap_.heap_scan_bytes();
  mp.scan_work_done_bytes = mark_.scan_work_done_bytes();
  mp.max_stack_scan_bytes = stacks_.inuse_bytes();
  assist_ratio_ = pacer_.revise(mp);
}

// gcAssistAlloc (mgcmark.go@1.19): pay off the goroutine's allocation debt with scan work,
// stealing background credit first; over-assist to at least gcOverAssistWork.
double GoProcess::assist(uint32_t g) {
  double debt = static_cast<double>(-assist_bytes_[g]);
  double work = assist_ratio_.work_per_byte * debt;
  if (work < static_cast<double>(kOverAssistWork)) {
    work = static_cast<double>(kOverAssistWork);
    debt = assist_ratio_.bytes_per_work * work;
  }
  gc::MarkPhase::AssistResult r = mark_.assist(now_, work);
  double credited = r.stolen_units + r.done_units >= work ? debt
                                                          : assist_ratio_.bytes_per_work * (r.stolen_units + r.done_units);
  assist_bytes_[g] += static_cast<int64_t>(std::ceil(credited));
  return r.cpu_ns;
}

// replay_common_events' input when the events come in TraceEvent batches: buf_[pos, ...).
class GoProcess::BatchCursor {
 public:
  using Record = workload::TraceEvent;
  BatchCursor(const workload::TraceEvent* events, size_t pos) : events_(events), pos_(pos) {}
  // The caller bounds the number of events, so there is always one.
  bool peek(workload::TraceEvent& ev) const {
    ev = events_[pos_];
    return true;
  }
  void consume(const workload::TraceEvent&) { ++pos_; }
  size_t position() const { return pos_; }

 private:
  const workload::TraceEvent* events_;
  size_t pos_;
};

// run_mutator's common case, with the clock and counters in registers: allocations served from
// the P's cached span (Heap::try_alloc_cached) that need no assist, frees, and pointer writes and
// CPU work of goroutines already on a P. kMarking is run_mutator's `marking`. Each event does
// exactly what run_mutator's switch does with it, in the same order (floating-point sums
// included). The events come from `in`, a BatchCursor or a workload::RecordWindow (binary records
// decoded here, with no TraceEvent in between): peek() yields the next event, consume() takes it.
// Replays at most max_events events and returns how many; returns before the first event it does not
// handle alone (run_mutator's switch takes that one), when `in` has none, and when the clock
// reaches stop_at or max_simulated_ns.
template <bool kMarking, class Cursor>
uint64_t GoProcess::replay_common_events(Cursor& in, uint64_t max_events, sim::SimTimeNs stop_at) {
  const sim::SimTimeNs clock_stop =
      s_.max_simulated_ns > 0 ? std::min(stop_at, s_.max_simulated_ns) : stop_at;
  Cursor cursor = in;  // a local copy: its position stays in a register
  double* p_cpu = p_mutator_cpu_ns_.data();
  int64_t* assist_bytes = assist_bytes_.data();
  const CostModel& c = s_.cost;
  const double alloc_ns = c.alloc_ns;
  const double alloc_zero_ns_per_byte = c.alloc_zero_ns_per_byte;
  const double alloc_scan_ns = c.alloc_scan_ns;
  const double mark_alloc_ns = c.mark_alloc_ns;
  const double write_ns = c.ptr_write_ns + (kMarking ? c.write_barrier_ns : 0.0);
  const double wb_buffer_flush_ns = c.wb_buffer_flush_ns;
  // gcAssistAlloc returns at once while the CPU limiter is on (mgcmark.go@1.19); otherwise a
  // goroutine in debt assists, which this loop leaves to run_mutator.
  const bool assists = kMarking && !limiter_.limiting();
  const double inv_parallelism = inv_parallelism_;
  sim::SimTimeNs now = now_;
  double residual_ns = wall_residual_ns_;
  double mutator_cpu_ns = rec_.totals.mutator_cpu_ns;
  double ptr_write_cpu_ns = rec_.totals.ptr_write_cpu_ns;
  uint64_t ptr_writes = rec_.totals.ptr_writes;
  double ptr_write_cpu_during_mark_ns = rec_.totals.ptr_write_cpu_during_mark_ns;
  uint64_t ptr_writes_during_mark = rec_.totals.ptr_writes_during_mark;
  uint64_t barrier_writes = cur_.barrier_writes;
  uint64_t barrier_shades = cur_.barrier_shades;
  uint64_t barrier_flushes = cur_.barrier_flushes;
  uint64_t wb_buffered = wb_buffered_;
  uint64_t requested_bytes = requested_bytes_;
  // The cost ledger (summary.json mutator_cost_quantities), kept in registers like the totals.
  stats::MutatorCostQuantities& q = rec_.totals.cost_quantities;
  uint64_t scan_allocs = q.scan_allocs, mark_allocs = q.mark_allocs, wb_flushes = q.wb_flushes;
  double work_ns = q.work_ns;
  // advance_cpu() on the local clock.
  auto advance = [&](double cpu_ns) __attribute__((always_inline)) {
    residual_ns += cpu_ns * inv_parallelism;
    if (residual_ns >= 1.0) {
      auto whole = static_cast<sim::SimTimeNs>(residual_ns);
      now += whole;
      residual_ns -= static_cast<double>(whole);
    }
  };
  // The P of a live goroutine that is on one, else kNoP. Goroutines and Ps do not change inside
  // this loop, so the last answer is kept (traces run one goroutine for many events in a row).
  uint32_t last_g = UINT32_MAX;
  int last_p = sched::Scheduler::kNoP;
  auto running_p = [&](uint32_t g) __attribute__((always_inline)) {
    if (g != last_g) {
      last_g = g;
      last_p = g < assist_bytes_.size() && stacks_.alive(g) ? sched_.running_p(g) : sched::Scheduler::kNoP;
    }
    return last_p;
  };
  // The span class of the last allocation's size and scan-ness (a pure function of both).
  uint64_t last_size_bytes = 0;
  bool last_pointerful = false;
  int last_spanclass = -1;
  // The clock moves only with allocations, writes and work, so it is checked after those (and once
  // before the first event): the loop stops before the next event once now >= clock_stop.
  uint64_t count = 0;
  if (now >= clock_stop) max_events = 0;
  typename Cursor::Record ev;
  for (; count < max_events && cursor.peek(ev); ++count) {
    if (ev.kind == workload::EventKind::kAlloc) {
      const int p = running_p(ev.goroutine);
      if (ev.size_bytes != last_size_bytes || ev.pointerful != last_pointerful) {
        last_size_bytes = ev.size_bytes;
        last_pointerful = ev.pointerful;
        last_spanclass = heap_.small_span_class(ev.size_bytes, ev.pointerful);
      }
      if (p < 0 || last_spanclass < 0) break;
      // mallocgc charges the goroutine before allocating (gcAssistBytes -= size).
      const int64_t assist_after = kMarking ? assist_bytes[ev.goroutine] - static_cast<int64_t>(ev.size_bytes) : 0;
      if (assists && assist_after < 0) break;
      if (!heap_.try_alloc_cached(ev.object_id, ev.size_bytes, ev.pointerful, static_cast<uint8_t>(last_spanclass), p,
                                  kMarking))
        break;
      // A small object (<= 32 KiB): the signed conversion is exact and needs no range branch.
      // The same additions in the same order as run_mutator's, so both paths give the same clock.
      double cpu = alloc_ns + alloc_zero_ns_per_byte * static_cast<double>(static_cast<int64_t>(ev.size_bytes)) +
                   (ev.pointerful ? alloc_scan_ns : 0.0);
      if constexpr (kMarking) {
        cpu += mark_alloc_ns;
        assist_bytes[ev.goroutine] = assist_after;
        ++mark_allocs;
      }
      requested_bytes += ev.size_bytes;
      scan_allocs += ev.pointerful ? 1 : 0;
      mutator_cpu_ns += cpu;
      p_cpu[p] += cpu;
      advance(cpu);
      if (now >= clock_stop) {
        cursor.consume(ev);
        ++count;
        break;
      }
    } else if (ev.kind == workload::EventKind::kFree) {
      heap_.free(ev.object_id);
    } else if (ev.kind == workload::EventKind::kPtrWrite) {
      const int p = running_p(ev.goroutine);
      if (p < 0) break;
      double cpu = static_cast<double>(ev.value) * write_ns;
      if constexpr (kMarking) {
        // Hybrid barrier (mbarrier.go), as in run_mutator.
        barrier_writes += ev.value;
        barrier_shades += 2 * ev.value;
        wb_buffered += ev.value;
        const uint64_t flushes = wb_buffered / 256;
        wb_buffered %= 256;
        barrier_flushes += flushes;
        wb_flushes += flushes;
        cpu += static_cast<double>(flushes) * wb_buffer_flush_ns;
      }
      p_cpu[p] += cpu;
      ptr_writes += ev.value;
      ptr_write_cpu_ns += cpu;
      if constexpr (kMarking) {
        ptr_writes_during_mark += ev.value;
        ptr_write_cpu_during_mark_ns += cpu;
      }
      mutator_cpu_ns += cpu;
      advance(cpu);
      if (now >= clock_stop) {
        cursor.consume(ev);
        ++count;
        break;
      }
    } else if (ev.kind == workload::EventKind::kWork) {
      const int p = running_p(ev.goroutine);
      if (p < 0) break;
      const auto ns = static_cast<double>(ev.value);
      mutator_cpu_ns += ns;
      work_ns += ns;
      p_cpu[p] += ns;
      advance(ns);
      if (now >= clock_stop) {
        cursor.consume(ev);
        ++count;
        break;
      }
    } else {
      break;
    }
    cursor.consume(ev);
  }
  in = cursor;
  events_ += count;
  now_ = now;
  wall_residual_ns_ = residual_ns;
  rec_.totals.mutator_cpu_ns = mutator_cpu_ns;
  rec_.totals.ptr_write_cpu_ns = ptr_write_cpu_ns;
  rec_.totals.ptr_writes = ptr_writes;
  rec_.totals.ptr_write_cpu_during_mark_ns = ptr_write_cpu_during_mark_ns;
  rec_.totals.ptr_writes_during_mark = ptr_writes_during_mark;
  cur_.barrier_writes = barrier_writes;
  cur_.barrier_shades = barrier_shades;
  cur_.barrier_flushes = barrier_flushes;
  wb_buffered_ = wb_buffered;
  requested_bytes_ = requested_bytes;
  q.scan_allocs = scan_allocs;
  q.mark_allocs = mark_allocs;
  q.wb_flushes = wb_flushes;
  q.work_ns = work_ns;
  return count;
}

GoProcess::Stop GoProcess::run_mutator(sim::SimTimeNs limit) {
  const CostModel& c = s_.cost;
  const bool marking = phase_ == Phase::kMark;
  const bool bursts = marking && plan_.fractional_goal > 0;
  if (bursts) limit = std::min(limit, next_preempt_ns_);
  const sim::SimTimeNs housekeeping_at = next_housekeeping();
  limit = std::min(limit, housekeeping_at);
  // Quantum ticks only matter while goroutines wait for a P.
  const sim::SimTimeNs tick_at = sched_.run_queue_length() > 0
                                     ? (now_ / s_.scheduler.quantum_ns + 1) * s_.scheduler.quantum_ns
                                     : sim::kTimeNever;
  limit = std::min(limit, tick_at);
  sim::SimTimeNs stop_at = marking ? std::min(limit, mark_.completion_time()) : limit;
  while (now_ < stop_at) {
    // A handoff started a fractional burst on the mutator's P: the next goroutine waits for it.
    if (mutator_blocked_) return Stop::kLimit;
    if (buf_pos_ == buf_len_) {
      // Binary traces: the common events straight from the encoded records. The event this stops
      // before (if the clock did not stop it) goes alone to the switch below: decoded from the window
      // if the window decodes it, else (another kind, an error) through next_batch(). After several
      // short stretches in a row (the events keep needing the switch: goroutines off their P, say)
      // a whole batch comes through next_batch(), as for other sources.
      workload::RecordWindow window;
      if (source_.open_records(window)) {
        const uint64_t n = marking ? replay_common_events<true>(window, events_before_progress(), stop_at)
                                   : replay_common_events<false>(window, events_before_progress(), stop_at);
        if (now_ >= stop_at) {
          source_.close_records(window);
          continue;
        }
        short_stretches_ = n < kShortStretch ? short_stretches_ + 1 : 0;
        const bool batch = short_stretches_ >= kShortStretchesForBatch;
        if (batch) short_stretches_ = 0;
        workload::CommonRecord next{};
        const bool decoded = !batch && window.peek(next);
        if (decoded) window.consume(next);
        source_.close_records(window);
        if (decoded) buf_[0] = next.event();
        buf_len_ = decoded ? 1 : source_.next_batch(buf_.data(), batch ? buf_.size() : 1);
      } else {
        buf_len_ = source_.next_batch(buf_.data(), buf_.size());
      }
      buf_pos_ = 0;
      if (buf_len_ == 0) return Stop::kEnd;
    }
    {
      BatchCursor batch(buf_.data(), buf_pos_);
      const uint64_t n = std::min<uint64_t>(buf_len_ - buf_pos_, events_before_progress());
      if (marking) {
        replay_common_events<true>(batch, n, stop_at);
      } else {
        replay_common_events<false>(batch, n, stop_at);
      }
      buf_pos_ = batch.position();
    }
    if (buf_pos_ == buf_len_ || now_ >= stop_at) continue;
    const workload::TraceEvent& ev = buf_[buf_pos_++];
    if ((++events_ & kProgressMask) == 0 && progress_) progress_(events_, now_);
    if (s_.max_simulated_ns > 0 && now_ >= s_.max_simulated_ns) return Stop::kEnd;
    switch (ev.kind) {
      case workload::EventKind::kAlloc: {
        uint32_t g = ev.goroutine;
        if (g >= assist_bytes_.size() || !stacks_.alive(g)) {
          goroutine_seen(g);
          if (marking) stop_at = std::min(limit, mark_.completion_time());
        }
        double cpu = c.alloc_ns + c.alloc_zero_ns_per_byte * static_cast<double>(ev.size_bytes) +
                     (ev.pointerful ? c.alloc_scan_ns : 0.0);
        double assist_cpu = 0;  // GC work done by this goroutine: not mutator CPU
        if (marking) {
          cpu += c.mark_alloc_ns;
          // mallocgc charges the goroutine before allocating (gcAssistBytes -= size).
          assist_bytes_[g] -= static_cast<int64_t>(ev.size_bytes);
          // gcAssistAlloc returns at once while the CPU limiter is on (mgcmark.go@1.19).
          if (assist_bytes_[g] < 0 && !limiter_.limiting()) {
            assist_cpu = assist(g);
            assist_total_ns_ += assist_cpu;
            if (assist_bytes_[g] < 0 && mark_.done()) {
              // gcParkAssist: no work left to pay the debt with; the goroutine waits for the end of
              // the cycle and allocates afterwards (its debt is dropped at the next cycle's start).
              advance_cpu(assist_cpu);
              --buf_pos_;
              --events_;
              return Stop::kMarkDone;
            }
            cpu += assist_cpu;
            stop_at = std::min(limit, mark_.completion_time());
            if (assist_cpu > 0) {
              // While the goroutine assists, its Ps' worth of progress is GC work.
              double m = mutator_parallelism_;
              note_utilization(0, util_gc_ps_ + m, util_idle_ps_, m);
              advance_cpu(assist_cpu);
              cpu -= assist_cpu;
              note_utilization(m, util_gc_ps_ - m, util_idle_ps_);
              limiter_update();
            }
          }
        }
        requested_bytes_ += ev.size_bytes;
        rec_.totals.cost_quantities.scan_allocs += ev.pointerful ? 1 : 0;
        rec_.totals.cost_quantities.mark_allocs += marking ? 1 : 0;  // here: a parked assist retries the event
        const int p = p_running(g);
        alloc::AllocOutcome out = heap_.alloc(ev.object_id, ev.size_bytes, ev.pointerful, p, marking);
        if (out.slow_path) {
          const bool large = ev.size_bytes > alloc::kMaxSmallSizeBytes;
          cpu += large ? c.large_alloc_ns : c.span_refill_ns;
          ++(large ? rec_.totals.cost_quantities.large_allocs : rec_.totals.cost_quantities.span_refills);
          // The new span's pages that the OS does not back yet (fresh mapping or scavenged) fault
          // in on first touch (allocSpan's scav, mheap.go; sysUsed after sysUnused).
          cpu += c.page_fault_ns_per_byte * static_cast<double>(out.scav_bytes);
          rec_.totals.cost_quantities.faulted_bytes += out.scav_bytes;
          if (s_.runtime.memory_limit_bytes != kNoMemoryLimit || scav_gc_percent_goal_ != UINT64_MAX) {
            const double scav_cpu = allocation_scavenge(out.scav_bytes);
            cpu += scav_cpu;
            rec_.totals.cost_quantities.scavenge_cpu_ns += scav_cpu;
          }
        }
        if (out.spans_swept) {
          cpu += out.spans_swept * c.sweep_ns_per_span;
          rec_.totals.cost_quantities.spans_swept += out.spans_swept;
          rec_.totals.sweep_cpu_ns += out.spans_swept * c.sweep_ns_per_span;
        }
        rec_.totals.mutator_cpu_ns += cpu;  // the assist part was taken out above
        p_mutator_cpu_ns_[static_cast<size_t>(p)] += cpu;
        advance_cpu(cpu);
        if (out.slow_path) {
          if (marking) {
            revise();
          } else {
            background_sweep();
            uint64_t live = heap_.heap_live_bytes();
            rec_.totals.peak_heap_live_bytes = std::max(rec_.totals.peak_heap_live_bytes, live);
            trigger_bytes_ = pacer_.trigger(snapshot()).trigger_bytes;
            if (live >= trigger_bytes_) return Stop::kTrigger;
          }
        }
        break;
      }
      case workload::EventKind::kFree:
        heap_.free(ev.object_id);
        break;
      case workload::EventKind::kWork:
        if (!stacks_.alive(ev.goroutine)) {
          goroutine_seen(ev.goroutine);
          if (marking) stop_at = std::min(limit, mark_.completion_time());
        }
        rec_.totals.mutator_cpu_ns += static_cast<double>(ev.value);
        rec_.totals.cost_quantities.work_ns += static_cast<double>(ev.value);
        p_mutator_cpu_ns_[static_cast<size_t>(p_running(ev.goroutine))] += static_cast<double>(ev.value);
        advance_cpu(static_cast<double>(ev.value));
        break;
      case workload::EventKind::kPtrWrite: {
        double cpu = static_cast<double>(ev.value) * (c.ptr_write_ns + (marking ? c.write_barrier_ns : 0.0));
        if (marking) {
          // Hybrid barrier (mbarrier.go): shade the old and the new pointee into the per-P buffer;
          // wbBufFlush greys a full buffer of 256 entries (mwbbuf.go@1.19).
          cur_.barrier_writes += ev.value;
          cur_.barrier_shades += 2 * ev.value;
          wb_buffered_ += ev.value;
          uint64_t flushes = wb_buffered_ / 256;
          wb_buffered_ %= 256;
          cur_.barrier_flushes += flushes;
          rec_.totals.cost_quantities.wb_flushes += flushes;
          cpu += static_cast<double>(flushes) * c.wb_buffer_flush_ns;
        }
        if (!stacks_.alive(ev.goroutine)) {
          goroutine_seen(ev.goroutine);
          if (marking) stop_at = std::min(limit, mark_.completion_time());
        }
        p_mutator_cpu_ns_[static_cast<size_t>(p_running(ev.goroutine))] += cpu;
        rec_.totals.ptr_writes += ev.value;
        rec_.totals.ptr_write_cpu_ns += cpu;
        if (marking) {
          rec_.totals.ptr_writes_during_mark += ev.value;
          rec_.totals.ptr_write_cpu_during_mark_ns += cpu;
        }
        rec_.totals.mutator_cpu_ns += cpu;
        advance_cpu(cpu);
        break;
      }
      case workload::EventKind::kForceGc:
        goroutine_seen(ev.goroutine);
        return Stop::kForceGc;
      case workload::EventKind::kMemStats:
        goroutine_seen(ev.goroutine);
        read_memstats(ev.goroutine);
        break;
      case workload::EventKind::kGoStart: {
        goroutine_seen(ev.goroutine);
        stacks_.set_used(ev.goroutine, ev.value);
        rec_.totals.mutator_cpu_ns += c.goroutine_start_ns;
        ++rec_.totals.cost_quantities.goroutine_starts;
        p_mutator_cpu_ns_[static_cast<size_t>(p_running(ev.goroutine))] += c.goroutine_start_ns;
        advance_cpu(c.goroutine_start_ns);
        if (marking) stop_at = std::min(limit, mark_.completion_time());
        break;
      }
      case workload::EventKind::kGoExit:
        if (stacks_.alive(ev.goroutine)) {
          stacks_.exit(ev.goroutine);
          sched_.exit(ev.goroutine, now_);
          update_capacity();
          if (marking) stop_at = std::min(limit, mark_.completion_time());
        }
        break;
      case workload::EventKind::kStack: {
        goroutine_seen(ev.goroutine);
        uint64_t copied = stacks_.set_used(ev.goroutine, ev.value);
        if (copied) {
          double cpu = static_cast<double>(copied) * c.stack_copy_ns_per_byte;
          rec_.totals.cost_quantities.stack_copy_bytes += copied;
          rec_.totals.mutator_cpu_ns += cpu;
          p_mutator_cpu_ns_[static_cast<size_t>(p_running(ev.goroutine))] += cpu;
          advance_cpu(cpu);
        }
        break;
      }
      case workload::EventKind::kGlobals:
        globals_bytes_ = ev.value;
        break;
      case workload::EventKind::kPoolPut: {
        goroutine_seen(ev.goroutine);
        const int p = p_running(ev.goroutine);
        pools_.put(ev.pool, p, heap_.detach(ev.object_id));
        rec_.totals.mutator_cpu_ns += c.pool_put_ns;
        p_mutator_cpu_ns_[static_cast<size_t>(p)] += c.pool_put_ns;
        advance_cpu(c.pool_put_ns);
        break;
      }
      case workload::EventKind::kPoolGet: {
        goroutine_seen(ev.goroutine);
        const int p = p_running(ev.goroutine);
        auto hit = pools_.get(ev.pool, p);
        if (hit) {
          heap_.attach(ev.object_id, *hit);
          rec_.totals.mutator_cpu_ns += c.pool_get_ns;
          p_mutator_cpu_ns_[static_cast<size_t>(p)] += c.pool_get_ns;
          advance_cpu(c.pool_get_ns);
          break;
        }
        // A miss: New() allocates; handled exactly like an allocation event.
        workload::TraceEvent a = ev;
        a.kind = workload::EventKind::kAlloc;
        buf_[--buf_pos_] = a;
        --events_;
        break;
      }
    }
  }
  if (marking && now_ >= mark_.completion_time()) return Stop::kMarkDone;
  if (bursts && now_ >= next_preempt_ns_) return Stop::kPreempt;
  if (now_ >= housekeeping_at) return Stop::kHousekeeping;
  if (now_ >= tick_at) return Stop::kTick;
  return Stop::kLimit;
}

// gcStart (mgc.go@1.19): finish sweeping, stop the world, startCycle, snapshot, enable marking.
void GoProcess::start_cycle() {
  uint32_t leftovers = heap_.finish_sweep();  // the triggering goroutine sweeps what is left
  if (leftovers) {
    double cpu = leftovers * s_.cost.sweep_ns_per_span;
    rec_.totals.sweep_cpu_ns += cpu;
    advance_cpu(cpu);
  }
  if (s_.runtime.cpu_limiter) {
    double idle = idle_integral_now();
    limiter_.start_transition(now_, true, static_cast<int64_t>(assist_total_ns_ - limiter_assist_seen_ns_),
                              static_cast<int64_t>(idle - limiter_idle_seen_ns_));
    limiter_assist_seen_ns_ = assist_total_ns_;
    limiter_idle_seen_ns_ = idle;
  }
  close_sweep_record();
  // clearpools (mgc.go): sync.Pool victims are dropped before marking starts.
  for (const alloc::DetachedObject& o : pools_.on_gc_start()) heap_.free_detached(o);
  cur_ = stats::CycleRecord{};
  limiter_on_in_cycle_ = limiter_.limiting();
  cur_.cycle = static_cast<uint32_t>(rec_.cycles.size() + 1);
  cur_.start_ns = now_;
  cur_.heap_live_at_trigger_bytes = heap_.heap_live_bytes();
  cur_.gomaxprocs = s_.runtime.gomaxprocs;
  cur_.spans_swept_at_start = leftovers;
  cur_.faulted_since_last_mark_bytes = rec_.totals.cost_quantities.faulted_bytes - faulted_at_last_mark_bytes_;
  faulted_at_last_mark_bytes_ = rec_.totals.cost_quantities.faulted_bytes;

  pacer::CycleStartInputs in;
  in.now = now_;
  in.gomaxprocs = s_.runtime.gomaxprocs;
  in.heap = snapshot();
  plan_ = pacer_.start_cycle(in);
  cur_.trigger_bytes = plan_.triggered_bytes;
  cur_.dedicated_workers = plan_.dedicated_workers;
  cur_.fractional_goal = plan_.fractional_goal;

  // Snapshot-at-the-beginning: everything reachable now is marked (design.md §2).
  alloc::MarkStartSnapshot snap = heap_.on_mark_start();
  gc::MarkWork w;
  w.heap_scan_bytes = snap.live_scan_bytes;
  w.stack_scan_bytes = stacks_.scan_bytes();
  w.globals_scan_bytes = globals_bytes_;
  w.objects = snap.live_slots;
  w.scan_objects = snap.live_scan_slots;
  w.scan_object_bytes = snap.live_scan_object_bytes;
  w.scattered_objects = snap.live_scattered_objects;
  w.cpu_ns = static_cast<double>(w.scan_bytes()) * s_.cost.scan_ns_per_byte +
             static_cast<double>(w.scattered_objects) * s_.cost.mark_ns_per_scattered_object +
             static_cast<double>(w.scan_object_bytes) * s_.cost.mark_ns_per_object_byte +
             static_cast<double>(w.objects) * s_.cost.mark_ns_per_object +
             static_cast<double>(w.scan_objects) * s_.cost.scan_ns_per_object;
  w.cpu_ns *= mark_cost_factor();
  cur_.heap_marked_bytes = snap.live_slot_bytes;  // completed at mark termination
  std::fill(assist_bytes_.begin(), assist_bytes_.end(), 0);

  phase_ = Phase::kSweepTerm;
  note_utilization(0, s_.runtime.gomaxprocs, 0, 0, s_.runtime.gomaxprocs);
  wb_buffered_ = 0;
  mark_.begin(now_, w, gc::MarkCapacity{});
  auto stw = static_cast<sim::DurationNs>(
      stw_pause_ns(s_.cost.stw_sweep_term_ns, s_.cost.stw_sweep_term_ns_per_p, s_.runtime.gomaxprocs));
  rec_.pauses_ns.push_back(stw);
  queue_.schedule(now_ + stw, sim::Priority::kGc, [this] { begin_mark(); });
  if (check_invariants_) invariants_.after_sweep_termination(heap_, cur_);
}

void GoProcess::begin_mark() {
  if (s_.runtime.cpu_limiter) limiter_.finish_transition(now_);
  phase_ = Phase::kMark;
  cur_.mark_start_ns = now_;
  gc::MarkWork w = mark_.work();
  mark_.begin(now_, w, gc::MarkCapacity{});
  fractional_burst_ = false;
  // sysmon's preemption clock runs on: stopping the world does not reschedule the goroutine that
  // started the cycle (its P's schedtick is unchanged, retake in proc.go). Outside a mark a lone
  // goroutine is preempted and resumed at once, so its deadlines just step forward.
  while (next_preempt_ns_ <= now_) next_preempt_ns_ += preemption_interval_ns();
  update_capacity();
  revise();
}

// gcMarkDone → endCycle → gcMarkTermination (mgc.go@1.19).
void GoProcess::finish_mark() {
  mark_.advance_to(now_);
  if (fractional_burst_) {
    queue_.cancel(burst_event_);
    fractional_burst_ = false;
  }
  if (s_.runtime.cpu_limiter) {
    limiter_update();
    limiter_.start_transition(now_, false, 0, 0);
  }
  phase_ = Phase::kMarkTerm;
  cur_.mark_term_ns = now_;
  note_utilization(0, s_.runtime.gomaxprocs, 0, 0, s_.runtime.gomaxprocs);
  const gc::MarkWork& w = mark_.work();

  pacer::CycleEndInputs in;
  in.now = now_;
  in.gomaxprocs = s_.runtime.gomaxprocs;
  in.heap = snapshot();
  in.heap_scan_work_bytes = w.heap_scan_bytes;
  in.stack_scan_work_bytes = w.stack_scan_bytes;
  in.globals_scan_work_bytes = w.globals_scan_bytes;
  in.assist_cpu_ns = static_cast<sim::DurationNs>(mark_.assist_cpu_ns());
  in.idle_mark_cpu_ns = static_cast<sim::DurationNs>(mark_.idle_cpu_ns());
  pacer::CycleEndReport rep = pacer_.end_cycle(in);

  cur_.heap_peak_bytes = heap_.heap_live_bytes();
  cur_.heap_goal_bytes = rep.heap_goal_bytes;
  cur_.goal_from_limit = rep.goal_from_limit;
  const uint64_t heap_inuse_at_mark_term = heap_.heap_inuse_bytes();
  cur_.cons_mark = rep.cons_mark;
  cur_.measured_cons_mark = rep.measured_cons_mark;
  cur_.utilization = rep.utilization;
  cur_.heap_marked_bytes += heap_.alloc_black_bytes();
  cur_.heap_scan_work_bytes = w.heap_scan_bytes;
  cur_.marked_objects = w.objects;
  cur_.marked_scan_objects = w.scan_objects;
  cur_.marked_scan_object_bytes = w.scan_object_bytes;
  cur_.marked_scattered_objects = w.scattered_objects;
  cur_.stack_scan_work_bytes = w.stack_scan_bytes;
  cur_.globals_scan_work_bytes = w.globals_scan_bytes;
  cur_.assist_cpu_ns = mark_.assist_cpu_ns();
  cur_.background_cpu_ns = mark_.dedicated_cpu_ns() + mark_.fractional_cpu_ns();
  cur_.idle_cpu_ns = mark_.idle_cpu_ns();
  // gctrace "MB stacks": maxStackScan in 1.19, lastStackScan (this cycle's scanned bytes) in 1.20+.
  cur_.stacks_bytes = s_.runtime.traits().gctrace_stacks_scanned ? w.stack_scan_bytes : stacks_.inuse_bytes();
  cur_.globals_bytes = globals_bytes_;

  // resetLive, gcSweep, prepareForSweep; then gcControllerCommit with sweeping not done.
  heap_.on_mark_termination(cur_.heap_marked_bytes, w.heap_scan_bytes);
  stacks_.on_mark_termination();
  cur_.starting_stack_bytes = stacks_.starting_stack_bytes();
  pacer::CommitInputs ci;
  ci.heap_marked_bytes = cur_.heap_marked_bytes;
  ci.heap_live_bytes = heap_.heap_live_bytes();
  ci.last_heap_scan_bytes = w.heap_scan_bytes;
  ci.last_stack_scan_bytes = w.stack_scan_bytes;
  ci.globals_bytes = globals_bytes_;
  ci.sweep_done = heap_.sweep_done();
  pacer_.commit(ci);
  pacer::TriggerGoal tg = pacer_.trigger(snapshot());
  trigger_bytes_ = tg.trigger_bytes;
  cur_.next_trigger_bytes = tg.trigger_bytes;
  cur_.next_goal_bytes = tg.goal_bytes;
  heap_.pace_sweeper(tg.trigger_bytes);
  pace_scavenger(tg.goal_bytes, rep.heap_goal_bytes, heap_inuse_at_mark_term);

  auto stw = static_cast<sim::DurationNs>(
      stw_pause_ns(s_.cost.stw_mark_term_ns, s_.cost.stw_mark_term_ns_per_p, s_.runtime.gomaxprocs));
  rec_.pauses_ns.push_back(stw);
  queue_.schedule(now_ + stw, sim::Priority::kGc, [this] { end_cycle(); });
  if (check_invariants_) invariants_.after_mark_termination(heap_, cur_);
}

double GoProcess::gc_cpu_fraction() const {
  double elapsed = static_cast<double>(now_) * s_.runtime.gomaxprocs;
  return elapsed > 0 ? gc_cpu_total_ns_ / elapsed : 0;
}

void GoProcess::end_cycle() {
  cur_.end_ns = now_;
  if (s_.runtime.cpu_limiter) limiter_.finish_transition(now_);
  cur_.limiter_fill_ns = limiter_.fill_ns();
  cur_.limiter_enabled = limiter_on_in_cycle_ || limiter_.limiting();
  cur_.released_bytes = released_bytes_total_ - released_at_cycle_end_;
  released_at_cycle_end_ = released_bytes_total_;
  cur_.mapped_ready_bytes = mapped_ready_bytes();
  // gcMarkTermination CPU accounting (mgc.go@1.19): STW CPU = stwprocs × wall.
  const double stwprocs = s_.runtime.stw_procs();
  gc_cpu_total_ns_ += stwprocs * static_cast<double>(cur_.stw_sweep_term_ns() + cur_.stw_mark_term_ns()) +
                      cur_.assist_cpu_ns + cur_.background_cpu_ns;
  rec_.totals.idle_mark_cpu_ns += cur_.idle_cpu_ns;
  cur_.gc_cpu_fraction = gc_cpu_fraction();
  cur_.stack_growth_copies = stacks_.growth_copies();
  cur_.stack_copied_bytes = stacks_.growth_copied_bytes();
  stacks_.reset_growth_counters();
  rec_.cycles.push_back(cur_);
  sweep_cpu_at_cycle_end_ns_ = rec_.totals.sweep_cpu_ns;
  if (check_invariants_) invariants_.after_cycle_end(heap_, cur_);
  phase_ = Phase::kOff;
  sweep_last_ns_ = now_;
  sweep_budget_ns_ = 0;
  update_capacity();
}

void GoProcess::note_peaks() {
  alloc::HeapFigures f = heap_.figures();
  auto& t = rec_.totals;
  t.peak_heap_live_bytes = std::max(t.peak_heap_live_bytes, f.heap_live_bytes);
  t.peak_heap_inuse_bytes = std::max(t.peak_heap_inuse_bytes, f.heap_inuse_bytes);
  t.peak_heap_sys_bytes = std::max(t.peak_heap_sys_bytes, f.heap_sys_bytes);
  t.peak_live_object_bytes = std::max(t.peak_live_object_bytes, f.live_object_bytes);
  t.peak_mapped_ready_bytes = std::max(t.peak_mapped_ready_bytes, mapped_ready_bytes());
}

void GoProcess::sample() {
  alloc::HeapFigures f = heap_.figures();
  stats::Sample smp;
  smp.t_ns = now_;
  smp.heap_live_bytes = f.heap_live_bytes;
  pacer::TriggerGoal tg = pacer_.trigger(snapshot());
  smp.heap_goal_bytes = tg.goal_bytes;
  smp.trigger_bytes = tg.trigger_bytes;
  smp.heap_alloc_bytes = f.heap_alloc_bytes;
  smp.heap_inuse_bytes = f.heap_inuse_bytes;
  smp.heap_sys_bytes = f.heap_sys_bytes;
  smp.live_object_bytes = f.live_object_bytes;
  smp.stack_inuse_bytes = stacks_.inuse_bytes();
  smp.mapped_ready_bytes = mapped_ready_bytes();
  // Every mapped-ready page is touched memory in this model (fresh memory counts as released until
  // a span uses it), so the RSS estimate equals mappedReady.
  smp.rss_estimate_bytes = smp.mapped_ready_bytes;
  smp.memory_limit_bytes = s_.runtime.memory_limit_bytes;
  smp.sys_bytes = sys_bytes();
  smp.heap_released_bytes = f.heap_released_bytes;
  smp.limiter_fill_ns = limiter_.fill_ns();
  smp.limiter_enabled = limiter_.limiting() ? 1 : 0;
  smp.rounding_waste_bytes = f.rounding_waste_bytes;
  smp.span_tail_waste_bytes = f.span_tail_waste_bytes;
  smp.empty_slot_bytes = f.empty_slot_bytes;
  smp.dead_unswept_bytes = f.dead_unswept_bytes;
  smp.gc_phase = static_cast<uint32_t>(phase_);
  rec_.samples.push_back(smp);
  note_peaks();
}

void GoProcess::schedule_sample() {
  if (s_.sample_period_ns <= 0) return;
  // Samples fall on multiples of the period, so they do not depend on when the loop yields.
  sim::SimTimeNs next = (now_ / s_.sample_period_ns + 1) * s_.sample_period_ns;
  queue_.schedule(next, sim::Priority::kSampler, [this] {
    sample();
    schedule_sample();
  });
}

stats::RunRecord GoProcess::run(const ProgressFn& progress) {
  progress_ = progress;
  pacer::CommitInputs init;  // gcControllerState.init: commit(true) with an empty heap
  pacer_.commit(init);
  trigger_bytes_ = pacer_.trigger(snapshot()).trigger_bytes;
  goroutine_seen(0);  // the main goroutine
  update_capacity();
  sample();
  schedule_sample();
  while (!trace_done_) {
    if (forced_gc_ != ForcedGc::kNone && forced_gc_step()) continue;
    guard_simulated_time(now_, source_);
    bool world_stopped = phase_ == Phase::kSweepTerm || phase_ == Phase::kMarkTerm;
    if (!world_stopped && !mutator_blocked_ && forced_gc_ == ForcedGc::kNone) {
      Stop stop = run_mutator(queue_.next_time());
      if (stop == Stop::kTrigger) {
        start_cycle();
        continue;
      }
      if (stop == Stop::kMarkDone) {
        finish_mark();
        continue;
      }
      if (stop == Stop::kPreempt) {
        preempt();
        continue;
      }
      if (stop == Stop::kHousekeeping) {
        housekeeping();
        continue;
      }
      if (stop == Stop::kTick) {
        sched_.tick(now_);
        continue;
      }
      if (stop == Stop::kForceGc) {
        force_gc();
        continue;
      }
      if (stop == Stop::kEnd) {
        trace_done_ = true;
        break;
      }
    } else if (phase_ == Phase::kMark && mark_.completion_time() <= queue_.next_time()) {
      // The mutator is off its P (fractional burst) and marking finishes first.
      now_ = std::max(now_, mark_.completion_time());
      finish_mark();
      continue;
    }
    if (!queue_.run_next(now_)) break;
  }
  sample();
  if (phase_ == Phase::kOff) close_sweep_record();
  alloc::HeapFigures f = heap_.figures();
  auto& t = rec_.totals;
  t.simulated_ns = now_;
  t.events = events_;
  t.total_alloc_bytes = f.total_alloc_bytes;
  t.requested_alloc_bytes = requested_bytes_;
  t.mallocs = f.mallocs;
  t.frees = f.frees;
  t.tiny_allocs = f.tiny_allocs;
  t.final_heap_sys_bytes = f.heap_sys_bytes;
  t.final_heap_inuse_bytes = f.heap_inuse_bytes;
  t.final_heap_alloc_bytes = f.heap_alloc_bytes;
  t.final_live_object_bytes = f.live_object_bytes;
  t.final_live_slot_bytes = f.live_slot_bytes;
  t.final_rounding_waste_bytes = f.rounding_waste_bytes;
  t.final_span_tail_waste_bytes = f.span_tail_waste_bytes;
  t.final_empty_slot_bytes = f.empty_slot_bytes;
  t.final_dead_unswept_bytes = f.dead_unswept_bytes;
  t.gc_cpu_ns = gc_cpu_total_ns_;
  t.gomaxprocs = s_.runtime.gomaxprocs;
  t.gc_in_progress_at_end = phase_ != Phase::kOff;
  t.limiter_enable_count = limiter_.enable_count();
  t.limiter_overflow_ns = limiter_.overflow_ns();
  t.released_bytes = released_bytes_total_;
  t.final_mapped_ready_bytes = mapped_ready_bytes();
  t.memory_limit_bytes = s_.runtime.memory_limit_bytes;
  t.pool_gets = pools_.gets();
  t.pool_hits = pools_.hits();
  t.pool_puts = pools_.puts();
  t.pool_dropped = pools_.dropped();
  const sched::SchedulerCounters& sc = sched_.counters();
  t.sched_handoffs = sc.handoffs;
  t.sched_stream_switches = sc.stream_switches;
  t.sched_quantum_preemptions = sc.quantum_preemptions;
  t.sched_worker_preemptions = sc.worker_preemptions;
  t.sched_max_run_queue = sc.max_run_queue;
  t.p_mutator_cpu_ns = p_mutator_cpu_ns_;
  // The per-event counts of the ledger that other counters already hold.
  t.cost_quantities.allocs = f.mallocs;  // one per allocation event (tiny ones included)
  t.cost_quantities.replayer_allocs = s_.simulate_replayer ? f.mallocs : 0;
  t.cost_quantities.alloc_bytes = requested_bytes_;
  t.cost_quantities.ptr_writes = t.ptr_writes;
  t.cost_quantities.barrier_writes = t.ptr_writes_during_mark;
  t.cost_quantities.pool_get_hits = pools_.hits();
  t.cost_quantities.pool_puts = pools_.puts();
  if (t.gc_in_progress_at_end) {
    // Pauses of an unfinished cycle are not reported, as Go reports pauses per completed cycle.
    rec_.pauses_ns.resize(rec_.cycles.size() * 2);
  }
  return std::move(rec_);
}

}  // namespace gcsim
