// SPDX-License-Identifier: MIT
#include "models/pacer/runway_pacer.hpp"

#include <cmath>

#include "models/pacer/formulas.hpp"

namespace gcsim::pacer {

bool measure_cons_mark(const CycleEndInputs& in, sim::SimTimeNs mark_start_ns, uint64_t triggered_bytes,
                       double& utilization, double& out) {
  const sim::DurationNs duration = in.now - mark_start_ns;
  utilization = kBackgroundUtilization;
  double idle_utilization = 0;
  if (duration > 0) {
    const double cap = static_cast<double>(duration) * in.gomaxprocs;
    utilization += static_cast<double>(in.assist_cpu_ns) / cap;
    idle_utilization = static_cast<double>(in.idle_mark_cpu_ns) / cap;
  }
  const uint64_t work = in.heap_scan_work_bytes + in.stack_scan_work_bytes + in.globals_scan_work_bytes;
  if (in.heap.heap_live_bytes <= triggered_bytes || work == 0 || utilization >= 1) return false;
  double m = measured_cons_mark(in.heap.heap_live_bytes, triggered_bytes, utilization, idle_utilization, work);
  if (!std::isfinite(m)) return false;
  out = m;
  return true;
}

RunwayPacer::RunwayPacer(const RuntimeSettings& runtime, const GoalRule& rule)
    : runtime_(runtime), limit_headroom_percent_(runtime.traits().limit_headroom_percent), rule_(rule) {}

uint64_t RunwayPacer::gogc_goal_bytes() const {
  return rule_.goal_bytes(heap_marked_, last_stack_scan_, globals_, runtime_.gc_percent);
}

void RunwayPacer::commit(const CommitInputs& in) {
  sweep_dist_min_trigger_ = in.sweep_done ? 0 : in.heap_live_bytes + kSweepMinHeapDistanceBytes;
  heap_marked_ = in.heap_marked_bytes;
  last_heap_scan_ = in.last_heap_scan_bytes;
  last_stack_scan_ = in.last_stack_scan_bytes;
  globals_ = in.globals_bytes;
  gc_percent_goal_ = gogc_goal_bytes();
  runway_ = runway_bytes(runway_cons_mark(), last_heap_scan_, last_stack_scan_, globals_);
}

// heapGoalInternal (mgcpacer.go@1.21): GOGC goal unless the memory limit is lower.
TriggerGoal heap_goal_internal(uint64_t gc_percent_goal, uint64_t sweep_dist_min_trigger, uint64_t triggered,
                               uint64_t heap_marked, uint64_t memory_limit_bytes, bool limit_headroom_percent,
                               const HeapSnapshot& heap) {
  TriggerGoal r;
  r.goal_bytes = gc_percent_goal;
  if (memory_limit_bytes != kNoMemoryLimit) {
    uint64_t limit_goal = memory_limit_heap_goal_bytes(memory_limit_bytes, heap.mapped_ready_bytes,
                                                       heap.heap_free_bytes, heap.heap_alloc_bytes, heap_marked,
                                                       limit_headroom_percent);
    if (limit_goal < r.goal_bytes) {
      r.goal_bytes = limit_goal;
      r.trigger_bytes = 0;
      r.memory_limited = true;
      return r;
    }
  }
  if (sweep_dist_min_trigger > r.goal_bytes) r.goal_bytes = sweep_dist_min_trigger;
  r.trigger_bytes = sweep_dist_min_trigger;
  if (triggered != UINT64_MAX && r.goal_bytes < triggered + kMinRunwayBytes) r.goal_bytes = triggered + kMinRunwayBytes;
  return r;
}

TriggerGoal RunwayPacer::goal_and_min_trigger(const HeapSnapshot& heap) const {
  return heap_goal_internal(gc_percent_goal_, sweep_dist_min_trigger_, triggered_, heap_marked_,
                            runtime_.memory_limit_bytes, limit_headroom_percent_, heap);
}

TriggerGoal RunwayPacer::trigger(const HeapSnapshot& heap) const {
  TriggerGoal g = goal_and_min_trigger(heap);
  return TriggerGoal{bounded_trigger_bytes(g.goal_bytes, g.trigger_bytes, heap_marked_, runway_), g.goal_bytes,
                     g.memory_limited};
}

WorkerPlan RunwayPacer::start_cycle(const CycleStartInputs& in) {
  mark_start_ns_ = in.now;
  triggered_ = in.heap.heap_live_bytes;  // Go 1.20+: the heap at cycle start, not the precomputed trigger
  return make_worker_plan(in.gomaxprocs, triggered_);
}

ReviseInputs RunwayPacer::revise_inputs(const HeapSnapshot& heap) const {
  ReviseInputs r;
  r.heap_goal_bytes = goal_and_min_trigger(heap).goal_bytes;
  r.triggered_bytes = triggered_ == UINT64_MAX ? heap.heap_live_bytes : triggered_;
  r.expected_work_bytes = expected_work_bytes();
  r.globals_bytes = globals_;
  r.gc_percent = runtime_.gc_percent;
  return r;
}

AssistRatio RunwayPacer::revise(const MarkProgress& in) const { return redesign_assist_ratio(revise_inputs(in.heap), in); }

bool RunwayPacer::frozen_revise_inputs(const HeapSnapshot& heap, ReviseInputs& out) const {
  if (triggered_ == UINT64_MAX) return false;  // outside a cycle Tr follows heapLive
  out = revise_inputs(heap);
  return true;
}

CycleEndReport RunwayPacer::end_cycle(const CycleEndInputs& in) {
  CycleEndReport r;
  TriggerGoal g = goal_and_min_trigger(in.heap);
  r.heap_goal_bytes = g.goal_bytes;
  r.goal_from_limit = g.memory_limited;
  double measured = 0;
  if (measure_cons_mark(in, mark_start_ns_, triggered_, r.utilization, measured)) {
    r.measured_cons_mark = measured;
    observe(measured);
  }
  triggered_ = UINT64_MAX;
  r.cons_mark = reported_cons_mark();
  r.goal_utilization = kGoalUtilization;
  return r;
}

nlohmann::json RunwayPacer::state() const {
  return {{"cons_mark", reported_cons_mark()},
          {"runway_cons_mark", runway_cons_mark()},
          {"heap_marked_bytes", heap_marked_},
          {"runway_bytes", runway_},
          {"gc_percent_heap_goal_bytes", gc_percent_goal_}};
}

}  // namespace gcsim::pacer
