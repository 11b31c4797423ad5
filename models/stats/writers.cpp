// SPDX-License-Identifier: MIT
#include "models/stats/writers.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ostream>

namespace gcsim::stats {
namespace {

// itoaDiv (mgc.go): val with a decimal point `dec` digits from the right.
std::string itoa_div(uint64_t val, int dec) {
  std::string digits = std::to_string(val);
  if (dec <= 0) return digits;
  while (static_cast<int>(digits.size()) <= dec) digits.insert(digits.begin(), '0');
  digits.insert(digits.end() - dec, '.');
  return digits;
}

uint64_t clamp_ns(double v) { return v <= 0 ? 0 : static_cast<uint64_t>(v); }

}  // namespace

std::string format_double(double v) {
  if (!std::isfinite(v)) return "nan";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

std::string format_ns_as_ms(uint64_t ns) {
  if (ns >= 10'000'000) return itoa_div(ns / 1'000'000, 0);
  uint64_t x = ns / 1000;
  if (x == 0) return "0";
  int dec = 3;
  while (x >= 100) {
    x /= 10;
    --dec;
  }
  return itoa_div(x, dec);
}

std::string gctrace_line(const CycleRecord& c) {
  const uint64_t stwprocs = static_cast<uint64_t>(c.gomaxprocs);
  std::string s = "gc " + std::to_string(c.cycle) + " @" + itoa_div(static_cast<uint64_t>(c.start_ns) / 1'000'000, 3) +
                  "s " + std::to_string(static_cast<int>(c.gc_cpu_fraction * 100)) + "%: ";
  s += format_ns_as_ms(static_cast<uint64_t>(c.stw_sweep_term_ns())) + "+" +
       format_ns_as_ms(static_cast<uint64_t>(c.mark_ns())) + "+" +
       format_ns_as_ms(static_cast<uint64_t>(c.stw_mark_term_ns())) + " ms clock, ";
  s += format_ns_as_ms(stwprocs * static_cast<uint64_t>(c.stw_sweep_term_ns())) + "+" +
       format_ns_as_ms(clamp_ns(c.assist_cpu_ns)) + "/" + format_ns_as_ms(clamp_ns(c.background_cpu_ns)) + "/" +
       format_ns_as_ms(clamp_ns(c.idle_cpu_ns)) + "+" +
       format_ns_as_ms(stwprocs * static_cast<uint64_t>(c.stw_mark_term_ns())) + " ms cpu, ";
  s += std::to_string(c.heap_live_at_trigger_bytes >> 20) + "->" + std::to_string(c.heap_peak_bytes >> 20) + "->" +
       std::to_string(c.heap_marked_bytes >> 20) + " MB, " + std::to_string(c.heap_goal_bytes >> 20) + " MB goal, " +
       std::to_string(c.stacks_bytes >> 20) + " MB stacks, " + std::to_string(c.globals_bytes >> 20) +
       " MB globals, " + std::to_string(c.gomaxprocs) + " P";
  if (c.forced) s += " (forced)";  // gcMarkTermination prints " (forced)" when work.userForced
  return s;
}

int64_t percentile_nearest_rank(std::vector<int64_t> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  if (rank < 1) rank = 1;
  if (rank > values.size()) rank = values.size();
  return values[rank - 1];
}

void write_cycles_csv(std::ostream& os, const std::vector<CycleRecord>& cycles) {
  os << "cycle,start_ns,mark_start_ns,mark_term_ns,end_ns,heap_live_at_trigger_bytes,trigger_bytes,heap_peak_bytes,"
        "heap_marked_bytes,heap_goal_bytes,stw_sweep_term_ns,mark_ns,stw_mark_term_ns,assist_cpu_ns,"
        "background_cpu_ns,idle_cpu_ns,heap_scan_work_bytes,stack_scan_work_bytes,globals_scan_work_bytes,"
        "stacks_bytes,globals_bytes,cons_mark,measured_cons_mark,utilization,gc_cpu_fraction,next_trigger_bytes,"
        "next_goal_bytes,dedicated_workers,fractional_goal,gomaxprocs,barrier_enabled_ns,barrier_writes,barrier_shades,"
        "barrier_flushes,stack_growth_copies,stack_copied_bytes,starting_stack_bytes,goal_bound,limiter_enabled,"
        "limiter_fill_ns,released_bytes,mapped_ready_bytes,marked_objects,marked_scan_objects,forced,sweep_cpu_ns,"
        "marked_scan_object_bytes,faulted_since_last_mark_bytes,marked_scattered_objects\n";
  for (const CycleRecord& c : cycles) {
    os << c.cycle << ',' << c.start_ns << ',' << c.mark_start_ns << ',' << c.mark_term_ns << ',' << c.end_ns << ','
       << c.heap_live_at_trigger_bytes << ',' << c.trigger_bytes << ',' << c.heap_peak_bytes << ','
       << c.heap_marked_bytes << ',' << c.heap_goal_bytes << ',' << c.stw_sweep_term_ns() << ',' << c.mark_ns() << ','
       << c.stw_mark_term_ns() << ',' << clamp_ns(c.assist_cpu_ns) << ',' << clamp_ns(c.background_cpu_ns) << ','
       << clamp_ns(c.idle_cpu_ns) << ',' << c.heap_scan_work_bytes << ',' << c.stack_scan_work_bytes << ','
       << c.globals_scan_work_bytes << ',' << c.stacks_bytes << ',' << c.globals_bytes << ','
       << format_double(c.cons_mark) << ',' << format_double(c.measured_cons_mark) << ','
       << format_double(c.utilization) << ',' << format_double(c.gc_cpu_fraction) << ',' << c.next_trigger_bytes
       << ',' << c.next_goal_bytes << ',' << c.dedicated_workers << ',' << format_double(c.fractional_goal) << ','
       << c.gomaxprocs << ',' << c.barrier_enabled_ns() << ',' << c.barrier_writes << ',' << c.barrier_shades << ','
       << c.barrier_flushes << ',' << c.stack_growth_copies << ',' << c.stack_copied_bytes << ','
       << c.starting_stack_bytes << ',' << (c.goal_from_limit ? "limit" : "gogc") << ','
       << (c.limiter_enabled ? 1 : 0) << ',' << c.limiter_fill_ns << ',' << c.released_bytes << ','
       << c.mapped_ready_bytes << ',' << c.marked_objects << ',' << c.marked_scan_objects << ','
       << (c.forced ? 1 : 0) << ',' << clamp_ns(c.sweep_cpu_ns) << ',' << c.marked_scan_object_bytes << ','
       << c.faulted_since_last_mark_bytes << ',' << c.marked_scattered_objects << '\n';
  }
}

void write_utilization_csv(std::ostream& os, const UtilizationLog& steps, int gomaxprocs) {
  os << "t_ns,mutator_ps,gc_ps,idle_gc_ps,gomaxprocs,assist_ps,stw_ps,worker_ps\n";
  steps.for_each([&](const UtilizationStep& u) {
    os << u.t_ns << ',' << format_double(u.mutator_ps) << ',' << format_double(u.gc_ps) << ','
       << format_double(u.idle_gc_ps) << ',' << gomaxprocs << ',' << format_double(u.assist_ps) << ','
       << format_double(u.stw_ps) << ',' << format_double(u.gc_ps - u.assist_ps - u.stw_ps) << '\n';
  });
}

void write_timeseries_csv(std::ostream& os, const std::vector<Sample>& samples) {
  os << "t_ns,heap_live_bytes,heap_goal_bytes,trigger_bytes,heap_alloc_bytes,heap_inuse_bytes,heap_sys_bytes,"
        "live_object_bytes,stack_inuse_bytes,mapped_ready_bytes,rss_estimate_bytes,memory_limit_bytes,sys_bytes,heap_released_bytes,limiter_fill_ns,"
        "limiter_enabled,rounding_waste_bytes,span_tail_waste_bytes,empty_slot_bytes,"
        "dead_unswept_bytes,gc_phase\n";
  for (const Sample& s : samples) {
    os << s.t_ns << ',' << s.heap_live_bytes << ',' << s.heap_goal_bytes << ',' << s.trigger_bytes << ','
       << s.heap_alloc_bytes << ',' << s.heap_inuse_bytes << ',' << s.heap_sys_bytes << ',' << s.live_object_bytes
       << ',' << s.stack_inuse_bytes << ',' << s.mapped_ready_bytes << ',' << s.rss_estimate_bytes << ','
       << s.memory_limit_bytes << ',' << s.sys_bytes << ','
       << s.heap_released_bytes << ',' << s.limiter_fill_ns << ',' << s.limiter_enabled << ',' << s.rounding_waste_bytes << ',' << s.span_tail_waste_bytes << ','
       << s.empty_slot_bytes << ',' << s.dead_unswept_bytes << ',' << s.gc_phase << '\n';
  }
}

void write_gctrace(std::ostream& os, const std::vector<CycleRecord>& cycles) {
  for (const CycleRecord& c : cycles) os << gctrace_line(c) << '\n';
}

nlohmann::json summary_json(const RunRecord& r) {
  const RunTotals& t = r.totals;
  nlohmann::json j;
  j["num_gc"] = r.cycles.size();
  j["simulated_ns"] = t.simulated_ns;
  j["events"] = t.events;
  j["total_alloc_bytes"] = t.total_alloc_bytes;
  j["requested_alloc_bytes"] = t.requested_alloc_bytes;
  j["mallocs"] = t.mallocs;
  j["frees"] = t.frees;
  j["tiny_allocs"] = t.tiny_allocs;
  j["peak_heap_bytes"] = t.peak_heap_live_bytes;
  j["peak_heap_inuse_bytes"] = t.peak_heap_inuse_bytes;
  j["peak_heap_sys_bytes"] = t.peak_heap_sys_bytes;
  j["peak_live_object_bytes"] = t.peak_live_object_bytes;
  j["final_heap_sys_bytes"] = t.final_heap_sys_bytes;
  j["final_heap_inuse_bytes"] = t.final_heap_inuse_bytes;
  j["final_heap_alloc_bytes"] = t.final_heap_alloc_bytes;
  j["final_live_object_bytes"] = t.final_live_object_bytes;
  j["peak_mapped_ready_bytes"] = t.peak_mapped_ready_bytes;
  j["final_mapped_ready_bytes"] = t.final_mapped_ready_bytes;
  if (t.memory_limit_bytes == static_cast<uint64_t>(INT64_MAX)) {
    j["memory_limit_bytes"] = nullptr;
  } else {
    j["memory_limit_bytes"] = t.memory_limit_bytes;
  }
  j["released_bytes"] = t.released_bytes;
  j["limiter"] = {{"enable_count", t.limiter_enable_count}, {"overflow_ns", t.limiter_overflow_ns}};
  size_t limited = 0;
  for (const CycleRecord& c : r.cycles) limited += c.goal_from_limit ? 1 : 0;
  j["cycles_goal_from_limit"] = limited;
  j["sync_pool"] = {{"gets", t.pool_gets}, {"hits", t.pool_hits}, {"puts", t.pool_puts}, {"dropped", t.pool_dropped}};
  std::vector<int64_t> p_cpu_ns;
  for (double v : t.p_mutator_cpu_ns) p_cpu_ns.push_back(std::llround(v));
  if (t.replayer_table_bytes > 0) j["replayer_table_bytes"] = t.replayer_table_bytes;
  j["scheduler"] = {{"handoffs", t.sched_handoffs},
                    {"stream_switches", t.sched_stream_switches},
                    {"quantum_preemptions", t.sched_quantum_preemptions},
                    {"worker_preemptions", t.sched_worker_preemptions},
                    {"max_run_queue", t.sched_max_run_queue},
                    {"p_mutator_cpu_ns", p_cpu_ns}};
  j["final_fragmentation"] = {{"rounding_waste_bytes", t.final_rounding_waste_bytes},
                              {"span_tail_waste_bytes", t.final_span_tail_waste_bytes},
                              {"empty_slot_bytes", t.final_empty_slot_bytes},
                              {"dead_unswept_bytes", t.final_dead_unswept_bytes}};
  double cap = static_cast<double>(t.simulated_ns) * t.gomaxprocs;
  j["gc_cpu_fraction"] = cap > 0 ? t.gc_cpu_ns / cap : 0.0;
  j["gc_cpu_ns"] = t.gc_cpu_ns;
  j["idle_mark_cpu_ns"] = t.idle_mark_cpu_ns;
  j["mutator_cpu_ns"] = t.mutator_cpu_ns;
  const MutatorCostQuantities& q = t.cost_quantities;
  j["mutator_cost_quantities"] = {{"alloc_ns", q.allocs},
                                  {"replayer_alloc_ns", q.replayer_allocs},
                                  {"alloc_zero_ns_per_byte", q.alloc_bytes},
                                  {"alloc_scan_ns", q.scan_allocs},
                                  {"mark_alloc_ns", q.mark_allocs},
                                  {"span_refill_ns", q.span_refills},
                                  {"page_fault_ns_per_byte", q.faulted_bytes},
                                  {"large_alloc_ns", q.large_allocs},
                                  {"sweep_ns_per_span", q.spans_swept},
                                  {"ptr_write_ns", q.ptr_writes},
                                  {"write_barrier_ns", q.barrier_writes},
                                  {"wb_buffer_flush_ns", q.wb_flushes},
                                  {"goroutine_start_ns", q.goroutine_starts},
                                  {"goroutine_handoff_ns", q.handoffs},
                                  {"stack_copy_ns_per_byte", q.stack_copy_bytes},
                                  {"pool_get_ns", q.pool_get_hits},
                                  {"pool_put_ns", q.pool_puts},
                                  {"work_ns", q.work_ns},
                                  {"scavenge_cpu_ns", q.scavenge_cpu_ns}};
  j["sweep_cpu_ns"] = t.sweep_cpu_ns;
  size_t forced = 0;
  for (const CycleRecord& c : r.cycles) forced += c.forced ? 1 : 0;
  j["num_forced_gc"] = forced;
  j["memstats_snapshots"] = r.memstats.size();
  // Heap pointer stores and their mutator CPU, with the write barrier on (mark) and off.
  j["ptr_writes"] = {{"total", t.ptr_writes},
                     {"during_mark", t.ptr_writes_during_mark},
                     {"cpu_ns", t.ptr_write_cpu_ns},
                     {"cpu_during_mark_ns", t.ptr_write_cpu_during_mark_ns}};
  std::vector<int64_t> pauses(r.pauses_ns.begin(), r.pauses_ns.end());
  j["pause_ns"] = {{"count", pauses.size()},
                   {"p50", percentile_nearest_rank(pauses, 50)},
                   {"p99", percentile_nearest_rank(pauses, 99)},
                   {"max", percentile_nearest_rank(pauses, 100)},
                   {"total", [&] {
                      int64_t s = 0;
                      for (int64_t p : pauses) s += p;
                      return s;
                    }()}};
  // Second-half means, the figures the calibration point compares (issue 2, "Must show" 2).
  size_t n = r.cycles.size(), from = n / 2;
  double goal = 0, marked = 0;
  for (size_t i = from; i < n; ++i) {
    goal += static_cast<double>(r.cycles[i].heap_goal_bytes);
    marked += static_cast<double>(r.cycles[i].heap_marked_bytes);
  }
  double k = static_cast<double>(n - from);
  j["second_half_mean_heap_goal_bytes"] = k > 0 ? goal / k : 0.0;
  j["second_half_mean_heap_marked_bytes"] = k > 0 ? marked / k : 0.0;
  j["gc_in_progress_at_end"] = t.gc_in_progress_at_end;
  return j;
}

}  // namespace gcsim::stats
