// SPDX-License-Identifier: MIT
#include "models/process/go_process.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "models/pacer/formulas.hpp"
#include "sim/config/config_error.hpp"

namespace gcsim {
namespace {

constexpr size_t kBatch = 4096;
constexpr uint32_t kMaxGoroutineId = (1u << 22) - 1;
constexpr uint64_t kOverAssistWork = 64 << 10;  // gcOverAssistWork (mgcmark.go)
constexpr uint64_t kProgressMask = (1u << 20) - 1;

}  // namespace

GoProcess::GoProcess(const ProcessSettings& settings, workload::EventSource& source, pacer::Pacer& pacer)
    : s_(settings),
      source_(source),
      pacer_(pacer),
      heap_(alloc::SizeClassTable::get(), settings.runtime.gomaxprocs),
      buf_(kBatch) {}

pacer::HeapSnapshot GoProcess::snapshot() const {
  alloc::HeapFigures f = heap_.figures();
  pacer::HeapSnapshot h;
  h.heap_live_bytes = f.heap_live_bytes;
  // mappedReady: heap (in-use + free, nothing released yet) plus stacks.
  h.mapped_ready_bytes = f.heap_sys_bytes + stacks_.inuse_bytes();
  h.heap_free_bytes = f.heap_free_bytes;
  h.heap_alloc_bytes = f.heap_alloc_bytes;
  return h;
}

// Ps' worth of CPU for the mutator, GC workers and the background sweeper, given the phase.
// Marking (mgc.go gcBgMarkWorker, proc.go findRunnableGCWorker): dedicated workers take whole
// Ps; Ps the mutator leaves idle run idle-priority workers. The fractional worker runs where the
// scheduler finds it: with no idle P it takes its share f·P of the mutator's Ps continuously; with
// an idle P (the idle worker keeps that P until other work appears) it runs only when a mutator
// goroutine is preempted (sysmon's forcePreemptNS = 10 ms, proc.go) and then for as long as the
// P's fractional time stays under 1.2·f of the mark time (pollFractionalWorkerExit, mgc.go) — a
// burst that takes one P from the mutator. Real gctrace at GOMAXPROCS=2 with one goroutine shows
// exactly this split: ≈0.1 P fractional, ≈0.9 P idle (workloads/go/ring_calibration/SUMMARY.md).
void GoProcess::update_capacity() {
  const double procs = s_.runtime.gomaxprocs;
  const double runnable = std::max<uint32_t>(1, stacks_.live_goroutines());
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
      fractional_ps = 1;
      mutator_progress = mutator_ps - 1;
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

// A mutator goroutine is preempted during mark while an idle P exists: the fractional worker gets
// this P until its time exceeds 1.2·f of the mark so far: F + x = 1.2·f·(E + x).
void GoProcess::preempt() {
  constexpr sim::DurationNs kForcePreemptNs = 10'000'000;  // forcePreemptNS (proc.go)
  next_preempt_ns_ = (now_ / kForcePreemptNs + 1) * kForcePreemptNs;
  const double f = plan_.fractional_goal;
  if (f <= 0 || fractional_burst_) return;
  mark_.advance_to(now_);
  double elapsed = static_cast<double>(now_ - cur_.start_ns);
  double frac_time = mark_.fractional_cpu_ns();
  double burst = (1.2 * f * elapsed - frac_time) / (1 - 1.2 * f);
  if (burst < 1000) return;
  fractional_burst_ = true;
  update_capacity();
  burst_event_ = queue_.schedule(now_ + static_cast<sim::DurationNs>(burst), sim::Priority::kGc,
                                 [this] { end_fractional_burst(); });
}

void GoProcess::end_fractional_burst() {
  fractional_burst_ = false;
  update_capacity();
}

void GoProcess::note_utilization(double mutator_ps, double gc_ps, double idle_gc_ps) {
  util_gc_ps_ = gc_ps;
  util_idle_ps_ = idle_gc_ps;
  auto& u = rec_.utilization;
  if (!u.empty() && u.back().mutator_ps == mutator_ps && u.back().gc_ps == gc_ps && u.back().idle_gc_ps == idle_gc_ps)
    return;
  if (!u.empty() && u.back().t_ns == now_) u.pop_back();
  u.push_back(stats::UtilizationStep{now_, mutator_ps, gc_ps, idle_gc_ps});
}

// Hot path: one multiply per event; whole nanoseconds move to the clock, the fraction carries.
void GoProcess::advance_cpu(double cpu_ns) {
  wall_residual_ns_ += cpu_ns * inv_parallelism_;
  if (wall_residual_ns_ >= 1.0) {
    auto whole = static_cast<sim::SimTimeNs>(wall_residual_ns_);
    now_ += whole;
    wall_residual_ns_ -= static_cast<double>(whole);
  }
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

void GoProcess::goroutine_seen(uint32_t g) {
  if (g > kMaxGoroutineId)
    throw TraceError(source_.describe(), "goroutine id " + std::to_string(g) + " is above the limit " +
                                             std::to_string(kMaxGoroutineId));
  if (!stacks_.alive(g)) {
    stacks_.start(g, 0);
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

GoProcess::Stop GoProcess::run_mutator(sim::SimTimeNs limit) {
  const CostModel& c = s_.cost;
  const bool marking = phase_ == Phase::kMark;
  const int procs = s_.runtime.gomaxprocs;
  const bool bursts = marking && plan_.fractional_goal > 0;
  if (bursts) limit = std::min(limit, next_preempt_ns_);
  sim::SimTimeNs stop_at = marking ? std::min(limit, mark_.completion_time()) : limit;
  while (now_ < stop_at) {
    if (buf_pos_ == buf_len_) {
      buf_len_ = source_.next_batch(buf_.data(), buf_.size());
      buf_pos_ = 0;
      if (buf_len_ == 0) return Stop::kEnd;
    }
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
        double cpu = c.alloc_ns + c.alloc_zero_ns_per_byte * static_cast<double>(ev.size_bytes);
        double assist_cpu = 0;  // GC work done by this goroutine: not mutator CPU
        if (marking) {
          cpu += c.mark_alloc_ns;
          // mallocgc charges the goroutine before allocating (gcAssistBytes -= size).
          assist_bytes_[g] -= static_cast<int64_t>(ev.size_bytes);
          if (assist_bytes_[g] < 0) {
            assist_cpu = assist(g);
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
              note_utilization(0, util_gc_ps_ + m, util_idle_ps_);
              advance_cpu(assist_cpu);
              cpu -= assist_cpu;
              note_utilization(m, util_gc_ps_ - m, util_idle_ps_);
            }
          }
        }
        requested_bytes_ += ev.size_bytes;
        alloc::AllocOutcome out = heap_.alloc(ev.object_id, ev.size_bytes, ev.pointerful, static_cast<int>(g % static_cast<uint32_t>(procs)), marking);
        if (out.slow_path) cpu += ev.size_bytes > alloc::kMaxSmallSizeBytes ? c.large_alloc_ns : c.span_refill_ns;
        if (out.spans_swept) {
          cpu += out.spans_swept * c.sweep_ns_per_span;
          rec_.totals.sweep_cpu_ns += out.spans_swept * c.sweep_ns_per_span;
        }
        rec_.totals.mutator_cpu_ns += cpu - assist_cpu;
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
        rec_.totals.mutator_cpu_ns += static_cast<double>(ev.value);
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
          cpu += static_cast<double>(flushes) * c.wb_buffer_flush_ns;
        }
        rec_.totals.mutator_cpu_ns += cpu;
        advance_cpu(cpu);
        break;
      }
      case workload::EventKind::kGoStart: {
        goroutine_seen(ev.goroutine);
        stacks_.set_used(ev.goroutine, ev.value);
        rec_.totals.mutator_cpu_ns += c.goroutine_start_ns;
        advance_cpu(c.goroutine_start_ns);
        if (marking) stop_at = std::min(limit, mark_.completion_time());
        break;
      }
      case workload::EventKind::kGoExit:
        if (stacks_.alive(ev.goroutine)) {
          stacks_.exit(ev.goroutine);
          update_capacity();
          if (marking) stop_at = std::min(limit, mark_.completion_time());
        }
        break;
      case workload::EventKind::kStack: {
        goroutine_seen(ev.goroutine);
        uint64_t copied = stacks_.set_used(ev.goroutine, ev.value);
        if (copied) {
          double cpu = static_cast<double>(copied) * c.stack_copy_ns_per_byte;
          rec_.totals.mutator_cpu_ns += cpu;
          advance_cpu(cpu);
        }
        break;
      }
      case workload::EventKind::kGlobals:
        globals_bytes_ = ev.value;
        break;
    }
  }
  if (marking && now_ >= mark_.completion_time()) return Stop::kMarkDone;
  if (bursts && now_ >= next_preempt_ns_) return Stop::kPreempt;
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
  cur_ = stats::CycleRecord{};
  cur_.cycle = static_cast<uint32_t>(rec_.cycles.size() + 1);
  cur_.start_ns = now_;
  cur_.heap_live_at_trigger_bytes = heap_.heap_live_bytes();
  cur_.gomaxprocs = s_.runtime.gomaxprocs;
  cur_.spans_swept_at_start = leftovers;

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
  w.cpu_ns = static_cast<double>(w.scan_bytes()) * s_.cost.scan_ns_per_byte +
             static_cast<double>(w.objects) * s_.cost.mark_ns_per_object;
  cur_.heap_marked_bytes = snap.live_slot_bytes;  // completed at mark termination
  std::fill(assist_bytes_.begin(), assist_bytes_.end(), 0);

  phase_ = Phase::kSweepTerm;
  note_utilization(0, s_.runtime.gomaxprocs, 0);
  wb_buffered_ = 0;
  mark_.begin(now_, w, gc::MarkCapacity{});
  auto stw = static_cast<sim::DurationNs>(s_.cost.stw_sweep_term_ns +
                                          s_.cost.stw_sweep_term_ns_per_p * s_.runtime.gomaxprocs);
  rec_.pauses_ns.push_back(stw);
  queue_.schedule(now_ + stw, sim::Priority::kGc, [this] { begin_mark(); });
  if (s_.check_invariants) heap_.check_invariants();
}

void GoProcess::begin_mark() {
  phase_ = Phase::kMark;
  cur_.mark_start_ns = now_;
  gc::MarkWork w = mark_.work();
  mark_.begin(now_, w, gc::MarkCapacity{});
  fractional_burst_ = false;
  next_preempt_ns_ = (now_ / 10'000'000 + 1) * 10'000'000;
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
  phase_ = Phase::kMarkTerm;
  cur_.mark_term_ns = now_;
  note_utilization(0, s_.runtime.gomaxprocs, 0);
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
  cur_.cons_mark = rep.cons_mark;
  cur_.measured_cons_mark = rep.measured_cons_mark;
  cur_.utilization = rep.utilization;
  cur_.heap_marked_bytes += heap_.alloc_black_bytes();
  cur_.heap_scan_work_bytes = w.heap_scan_bytes;
  cur_.stack_scan_work_bytes = w.stack_scan_bytes;
  cur_.globals_scan_work_bytes = w.globals_scan_bytes;
  cur_.assist_cpu_ns = mark_.assist_cpu_ns();
  cur_.background_cpu_ns = mark_.dedicated_cpu_ns() + mark_.fractional_cpu_ns();
  cur_.idle_cpu_ns = mark_.idle_cpu_ns();
  cur_.stacks_bytes = stacks_.inuse_bytes();
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

  auto stw = static_cast<sim::DurationNs>(s_.cost.stw_mark_term_ns +
                                          s_.cost.stw_mark_term_ns_per_p * s_.runtime.gomaxprocs);
  rec_.pauses_ns.push_back(stw);
  queue_.schedule(now_ + stw, sim::Priority::kGc, [this] { end_cycle(); });
  if (s_.check_invariants) heap_.check_invariants();
}

double GoProcess::gc_cpu_fraction() const {
  double elapsed = static_cast<double>(now_) * s_.runtime.gomaxprocs;
  return elapsed > 0 ? gc_cpu_total_ns_ / elapsed : 0;
}

void GoProcess::end_cycle() {
  cur_.end_ns = now_;
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
    bool world_stopped = phase_ == Phase::kSweepTerm || phase_ == Phase::kMarkTerm;
    if (!world_stopped && !mutator_blocked_) {
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
  if (t.gc_in_progress_at_end) {
    // Pauses of an unfinished cycle are not reported, as Go reports pauses per completed cycle.
    rec_.pauses_ns.resize(rec_.cycles.size() * 2);
  }
  return std::move(rec_);
}

}  // namespace gcsim
