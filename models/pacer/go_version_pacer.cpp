// SPDX-License-Identifier: MIT
#include "models/pacer/go_version_pacer.hpp"

#include "models/pacer/formulas.hpp"
#include "models/pacer/runway_pacer.hpp"

namespace gcsim::pacer {

GoalRuleGoPacer::GoalRuleGoPacer(const GoPacerParams& params, const RuntimeSettings& runtime, const GoalRule& rule)
    : GoPacer(params, runtime), runtime_(runtime), rule_(rule), cons_mark_(params.initial_cons_mark) {}

void GoalRuleGoPacer::commit(const CommitInputs& in) {
  GoPacer::commit(in);
  sweep_dist_min_trigger_ = in.sweep_done ? 0 : in.heap_live_bytes + kSweepMinHeapDistanceBytes;
  heap_marked_ = in.heap_marked_bytes;
  expected_work_ = in.last_heap_scan_bytes + in.last_stack_scan_bytes + in.globals_bytes;
  globals_ = in.globals_bytes;
  goal_ = rule_.goal_bytes(in.heap_marked_bytes, in.last_stack_scan_bytes, in.globals_bytes, runtime_.gc_percent);
  runway_ = runway_bytes(cons_mark_, in.last_heap_scan_bytes, in.last_stack_scan_bytes, in.globals_bytes);
}

TriggerGoal GoalRuleGoPacer::rule_goal_and_min_trigger(const HeapSnapshot& heap) const {
  TriggerGoal base = goal_and_min_trigger(heap);  // GoPacer's: carries the memory-limit decision
  if (base.memory_limited && base.goal_bytes < goal_) return base;
  TriggerGoal r;
  r.goal_bytes = goal_;
  if (sweep_dist_min_trigger_ > r.goal_bytes) r.goal_bytes = sweep_dist_min_trigger_;
  r.trigger_bytes = sweep_dist_min_trigger_;
  if (triggered_ != UINT64_MAX && r.goal_bytes < triggered_ + kMinRunwayBytes) r.goal_bytes = triggered_ + kMinRunwayBytes;
  return r;
}

TriggerGoal GoalRuleGoPacer::trigger(const HeapSnapshot& heap) const {
  TriggerGoal g = rule_goal_and_min_trigger(heap);
  return TriggerGoal{bounded_trigger_bytes(g.goal_bytes, g.trigger_bytes, heap_marked_, runway_), g.goal_bytes,
                     g.memory_limited};
}

WorkerPlan GoalRuleGoPacer::start_cycle(const CycleStartInputs& in) {
  WorkerPlan plan = GoPacer::start_cycle(in);  // calls trigger() above for the 1.19 trigger origin
  triggered_ = plan.triggered_bytes;
  return plan;
}

ReviseInputs GoalRuleGoPacer::rule_revise_inputs(const HeapSnapshot& heap) const {
  ReviseInputs r;
  r.heap_goal_bytes = rule_goal_and_min_trigger(heap).goal_bytes;
  r.triggered_bytes = triggered_ == UINT64_MAX ? heap.heap_live_bytes : triggered_;
  r.expected_work_bytes = expected_work_;
  r.globals_bytes = globals_;
  r.gc_percent = runtime_.gc_percent;
  return r;
}

AssistRatio GoalRuleGoPacer::revise(const MarkProgress& in) const {
  return redesign_assist_ratio(rule_revise_inputs(in.heap), in);
}

bool GoalRuleGoPacer::frozen_revise_inputs(const HeapSnapshot& heap, ReviseInputs& out) const {
  if (triggered_ == UINT64_MAX) return false;  // outside a cycle Tr follows heapLive
  out = rule_revise_inputs(heap);
  return true;
}

CycleEndReport GoalRuleGoPacer::end_cycle(const CycleEndInputs& in) {
  TriggerGoal g = rule_goal_and_min_trigger(in.heap);
  CycleEndReport r = GoPacer::end_cycle(in);
  r.heap_goal_bytes = g.goal_bytes;
  r.goal_from_limit = g.memory_limited;
  cons_mark_ = r.cons_mark;
  triggered_ = UINT64_MAX;
  return r;
}

nlohmann::json GoalRuleGoPacer::state() const {
  nlohmann::json j = GoPacer::state();
  j["goal_rule"] = goal_formula_name(rule_.formula);
  j["goal_rule_min_heap_bytes"] = rule_.min_heap_bytes;
  j["goal_rule_heap_goal_bytes"] = goal_;
  j["goal_rule_runway_bytes"] = runway_;
  return j;
}

std::unique_ptr<Pacer> make_go_version_pacer(const GoPacerParams& params, const PacerContext& ctx,
                                             const std::string& version) {
  RuntimeSettings rt = ctx.runtime;
  rt.version = version == "1.18" ? "1.19" : version;
  if (ctx.goal_rule.is_runtime()) return std::make_unique<GoPacer>(params, rt);
  return std::make_unique<GoalRuleGoPacer>(params, rt, ctx.goal_rule);
}

}  // namespace gcsim::pacer
