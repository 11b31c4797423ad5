// SPDX-License-Identifier: MIT
#include "models/pacer/go_pacer.hpp"

#include "models/pacer/formulas.hpp"
#include "models/pacer/runway_pacer.hpp"
#include "sim/config/json_check.hpp"

namespace gcsim::pacer {

GoPacerParams GoPacerParams::parse(const nlohmann::json& j, const std::string& path) {
  using namespace config;
  require_only_keys(j, {"pi_kp", "pi_ti", "initial_cons_mark"}, path);
  GoPacerParams p;
  p.pi_kp = get_double(j, path, "pi_kp", p.pi_kp, 0.0, 100.0);
  p.pi_ti = get_double(j, path, "pi_ti", p.pi_ti, 0.0, 1e6);
  p.initial_cons_mark = get_double(j, path, "initial_cons_mark", p.initial_cons_mark, 0.0, 1e6);
  return p;
}

nlohmann::json GoPacerParams::to_json() const {
  return {{"pi_kp", pi_kp}, {"pi_ti", pi_ti}, {"initial_cons_mark", initial_cons_mark}};
}

GoPacer::GoPacer(const GoPacerParams& params, const RuntimeSettings& runtime)
    : params_(params), runtime_(runtime), traits_(runtime.traits()), cons_mark_(params.initial_cons_mark) {
  controller_.kp = params.pi_kp;
  controller_.ti = params.pi_ti;
}

// commit (mgcpacer.go@1.19): sweep-distance minimum trigger, GOGC goal, runway.
void GoPacer::commit(const CommitInputs& in) {
  sweep_dist_min_trigger_ = in.sweep_done ? 0 : in.heap_live_bytes + kSweepMinHeapDistanceBytes;
  heap_marked_ = in.heap_marked_bytes;
  last_heap_scan_ = in.last_heap_scan_bytes;
  last_stack_scan_ = in.last_stack_scan_bytes;
  globals_ = in.globals_bytes;
  gc_percent_goal_ = gogc_heap_goal_bytes(heap_marked_, last_stack_scan_, globals_, runtime_.gc_percent);
  runway_ = runway_bytes(cons_mark_, last_heap_scan_, last_stack_scan_, globals_);
}

// heapGoalInternal (mgcpacer.go@1.19).
TriggerGoal GoPacer::goal_and_min_trigger(const HeapSnapshot& heap) const {
  return heap_goal_internal(gc_percent_goal_, sweep_dist_min_trigger_, triggered_, heap_marked_,
                            runtime_.memory_limit_bytes, traits_.limit_headroom_percent, heap);
}

TriggerGoal GoPacer::trigger(const HeapSnapshot& heap) const {
  TriggerGoal g = goal_and_min_trigger(heap);
  return TriggerGoal{bounded_trigger_bytes(g.goal_bytes, g.trigger_bytes, heap_marked_, runway_), g.goal_bytes,
                     g.memory_limited};
}

// startCycle (mgcpacer.go@1.19): Tr is the precomputed trigger (not heapLive; see #53738).
WorkerPlan GoPacer::start_cycle(const CycleStartInputs& in) {
  mark_start_ns_ = in.now;
  TriggerGoal tg = trigger(in.heap);
  triggered_ = traits_.triggered_is_heap_live ? in.heap.heap_live_bytes : tg.trigger_bytes;
  return make_worker_plan(in.gomaxprocs, triggered_);
}

// revise (mgcpacer.go@1.19): extrapolate the goal if scan work exceeds the estimate, then
// assistWorkPerByte = remaining scan work / remaining heap distance.
AssistRatio GoPacer::revise(const MarkProgress& in) const { return redesign_assist_ratio(revise_inputs(in.heap), in); }

ReviseInputs GoPacer::revise_inputs(const HeapSnapshot& heap) const {
  ReviseInputs r;
  r.heap_goal_bytes = goal_and_min_trigger(heap).goal_bytes;
  r.triggered_bytes = triggered_ == UINT64_MAX ? heap.heap_live_bytes : triggered_;
  r.expected_work_bytes = last_heap_scan_ + last_stack_scan_ + globals_;
  r.globals_bytes = globals_;
  r.gc_percent = runtime_.gc_percent;
  return r;
}

bool GoPacer::frozen_revise_inputs(const HeapSnapshot& heap, ReviseInputs& out) const {
  if (triggered_ == UINT64_MAX) return false;  // outside a cycle Tr follows heapLive
  out = revise_inputs(heap);
  return true;
}

// endCycle (mgcpacer.go@1.19): measure cons/mark and feed it to the PI controller.
CycleEndReport GoPacer::end_cycle(const CycleEndInputs& in) {
  CycleEndReport r;
  TriggerGoal g = goal_and_min_trigger(in.heap);
  r.heap_goal_bytes = g.goal_bytes;
  r.goal_from_limit = g.memory_limited;
  double current = 0;
  if (measure_cons_mark(in, mark_start_ns_, triggered_, r.utilization, current)) {
    r.measured_cons_mark = current;
    switch (traits_.smoothing) {
      case ConsMarkSmoothing::kPiController: {
        double next = 0;
        if (!controller_.next(cons_mark_, current, 1.0, next)) next = 0;
        cons_mark_ = next;
        break;
      }
      case ConsMarkSmoothing::kMeanOfTwo:  // mgcpacer.go@1.20
        cons_mark_ = (current + last_cons_mark_[0]) / 2;
        last_cons_mark_[0] = current;
        break;
      case ConsMarkSmoothing::kMaxOfFive:  // mgcpacer.go@1.21
        cons_mark_ = current;
        for (double v : last_cons_mark_) cons_mark_ = v > cons_mark_ ? v : cons_mark_;
        for (int i = 0; i < 3; ++i) last_cons_mark_[i] = last_cons_mark_[i + 1];
        last_cons_mark_[3] = current;
        break;
    }
  }
  triggered_ = UINT64_MAX;
  r.cons_mark = cons_mark_;
  return r;
}

nlohmann::json GoPacer::state() const {
  return {{"cons_mark", cons_mark_},
          {"pi_error_integral", controller_.error_integral},
          {"heap_marked_bytes", heap_marked_},
          {"runway_bytes", runway_},
          {"gc_percent_heap_goal_bytes", gc_percent_goal_}};
}

}  // namespace gcsim::pacer
