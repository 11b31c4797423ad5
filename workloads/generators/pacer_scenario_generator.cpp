// SPDX-License-Identifier: MIT
// A per-GC-cycle pacer scenario as an object-level event stream, laid out along allocation.
#include "workloads/generators/pacer_scenario_generator.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <utility>

#include "sim/config/config_error.hpp"
#include "workloads/trace_format.hpp"

namespace gcsim::workload {

namespace {
constexpr double kMiB = 1 << 20;
constexpr double kHeapMinimumBytes = 4 * kMiB;  // defaultHeapMinimum (mgcpacer.go), ×GOGC/100
constexpr double kBackgroundUtilization = 0.25;
constexpr double kMinTriggerRunway = 19.0 / 64;  // 1 − 45/64: the most a trigger leaves to the mark
}  // namespace

PacerScenarioParams PacerScenarioParams::parse(const Json& params, const std::string& path) {
  config::require_only_keys(params,
                            {"file", "object_bytes", "goroutines", "rate_unit_bytes_per_cpu_ns", "live_ramp_frac",
                             "extra_cycles"},
                            path);
  PacerScenarioParams p;
  config::require_key(params, path, "file");
  p.file = config::get_string(params, path, "file", "");
  if (p.file.empty()) throw ConfigError(config::join_path(path, "file"), "must be a non-empty file path");
  p.object_bytes = config::get_u64(params, path, "object_bytes", p.object_bytes, 8, kMaxSizeBytes);
  p.goroutines = static_cast<uint32_t>(config::get_u64(params, path, "goroutines", p.goroutines, 1, 1u << 20));
  p.rate_unit_bytes_per_cpu_ns =
      config::get_double(params, path, "rate_unit_bytes_per_cpu_ns", p.rate_unit_bytes_per_cpu_ns, 1e-9, 1e9);
  p.live_ramp_frac = config::get_double(params, path, "live_ramp_frac", p.live_ramp_frac, 0.0, 1.0);
  p.extra_cycles = static_cast<uint32_t>(config::get_u64(params, path, "extra_cycles", p.extra_cycles, 0, 1000));
  return p;
}

Json PacerScenarioParams::to_json() const {
  return {{"file", file},
          {"object_bytes", object_bytes},
          {"goroutines", goroutines},
          {"rate_unit_bytes_per_cpu_ns", rate_unit_bytes_per_cpu_ns},
          {"live_ramp_frac", live_ramp_frac},
          {"extra_cycles", extra_cycles}};
}

std::vector<NominalCycle> nominal_schedule(const percycle::Scenario& s, const PacerScenarioParams& p) {
  std::vector<NominalCycle> out;
  const double g = s.gc_percent < 0 ? 0.0 : s.gc_percent / 100.0;
  const double globals = static_cast<double>(s.globals_bytes);
  const double s_ref = s.cycles.front().scan_rate;
  const size_t n_total = s.cycles.size() + p.extra_cycles;
  double live = 0, marked = 0, start = 0;
  uint64_t last_stack = 0;
  for (size_t i = 0; i < n_total; ++i) {
    const bool extra = i >= s.cycles.size();
    const percycle::CycleInputs& in = s.cycles[std::min(i, s.cycles.size() - 1)];
    NominalCycle c;
    c.cycle = static_cast<int>(i + 1);
    c.start_alloc_bytes = start;
    // Heap goal after the previous cycle (runtime rule: M + g·(M + lastStackScan + G), heap minimum).
    const double goal = std::max(marked + g * (marked + static_cast<double>(last_stack) + globals), kHeapMinimumBytes * g);
    c.alloc_bytes = std::max(goal - marked, static_cast<double>(p.object_bytes));
    // The per-cycle models' survivors: cycle 1 marks the initial heap, then L_n = L_{n-1}·growth_n.
    live = i == 0 ? static_cast<double>(s.initial_live_heap_bytes) : live * (extra ? 1.0 : in.growth_rate);
    c.live_bytes = live;
    c.stack_bytes = in.stack_bytes;
    c.scannable_frac = in.scannable_frac;
    c.alloc_rate = in.alloc_rate;
    c.scan_rate = in.scan_rate;
    c.alloc_bytes_per_cpu_ns = in.alloc_rate * p.rate_unit_bytes_per_cpu_ns * s_ref / in.scan_rate;
    // Black allocation at the target utilization: r = a(1−u)/(s·u) bytes per byte of scan work,
    // at most what the lowest trigger bound leaves between trigger and goal.
    const double work = live * in.scannable_frac + static_cast<double>(in.stack_bytes) + globals;
    const double r = in.alloc_rate * (1 - kBackgroundUtilization) / (in.scan_rate * kBackgroundUtilization);
    const double black = std::min(r * work, kMinTriggerRunway * c.alloc_bytes);
    marked = live + black;
    c.est_marked_bytes = marked;
    last_stack = in.stack_bytes;
    start += c.alloc_bytes;
    out.push_back(c);
  }
  return out;
}

double pacer_scenario_scan_ns_per_byte(const percycle::Scenario& s, const PacerScenarioParams& p) {
  return 1.0 / (s.cycles.front().scan_rate * p.rate_unit_bytes_per_cpu_ns);
}

nlohmann::json pacer_scenario_cost_model(const percycle::Scenario& s, const PacerScenarioParams& p) {
  return {{"alloc_ns", 0},
          {"alloc_zero_ns_per_byte", 0},
          {"alloc_scan_ns", 0},
          {"span_refill_ns", 0},
          {"page_fault_ns_per_byte", 0},
          {"large_alloc_ns", 0},
          {"mark_alloc_ns", 0},
          {"goroutine_start_ns", 0},
          {"goroutine_handoff_ns", 0},
          {"stack_copy_ns_per_byte", 0},
          {"sweep_ns_per_span", 0},
          {"mark_cost_cv", 0},  // the scenario states its scan rate exactly
          {"mark_ns_per_object", 0},
          {"mark_ns_per_object_byte", 0},
          {"scan_ns_per_byte", pacer_scenario_scan_ns_per_byte(s, p)}};
}

PacerScenarioGenerator::PacerScenarioGenerator(const PacerScenarioParams& params, percycle::Scenario scenario)
    : params_(params), scenario_(std::move(scenario)), cycles_(nominal_schedule(scenario_, params_)) {}

percycle::Scenario PacerScenarioGenerator::load_scenario(const PacerScenarioParams& params,
                                                         const std::string& params_path, const std::string& base_dir) {
  std::filesystem::path f = params.file;
  if (f.is_relative() && !base_dir.empty()) f = std::filesystem::path(base_dir) / f;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(f, ec))
    throw ConfigError(config::join_path(params_path, "file"), "file not found: " + f.string());
  return percycle::load_pacer_model_scenario(f.string());
}

uint32_t PacerScenarioGenerator::object_id_bound() const {
  double max_live = 0;
  for (const NominalCycle& c : cycles_) max_live = std::max(max_live, c.live_bytes);
  // Long-lived objects stay within one object of the target; plus the garbage object in flight.
  const double n = std::ceil(max_live / static_cast<double>(params_.object_bytes)) + 2;
  return static_cast<uint32_t>(std::min(n, static_cast<double>(kMaxObjectIds)));
}

std::string PacerScenarioGenerator::describe() const {
  return "pacer-scenario generator (" + scenario_.name + ", " + std::to_string(cycles_.size()) + " nominal cycles, " +
         std::to_string(params_.object_bytes) + "-byte objects)";
}

double PacerScenarioGenerator::target_bytes() const {
  const NominalCycle& c = cycles_[cycle_];
  const double from = cycle_ == 0 ? 0.0 : cycles_[cycle_ - 1].live_bytes;
  const double ramp = params_.live_ramp_frac * c.alloc_bytes;
  const double progress = ramp <= 0 ? 1.0 : std::min(1.0, cycle_alloc_bytes_ / ramp);
  return from + (c.live_bytes - from) * progress;
}

bool PacerScenarioGenerator::step() {
  if (!started_) {
    started_ = true;
    stacks_pending_ = params_.goroutines;
    if (scenario_.globals_bytes > 0) {
      emit_globals(scenario_.globals_bytes);
      return true;
    }
  }
  if (cycle_ >= cycles_.size()) return false;
  const NominalCycle& c = cycles_[cycle_];
  if (stacks_pending_ > 0) {
    // S_n over the goroutines; goroutine 0 takes the remainder.
    const uint64_t each = c.stack_bytes / params_.goroutines;
    while (stacks_pending_ > 0 && step_events() < kMaxStepEvents) {
      const uint32_t g = params_.goroutines - stacks_pending_;
      emit_stack(g, g == 0 ? c.stack_bytes - each * (params_.goroutines - 1) : each);
      --stacks_pending_;
    }
    return true;
  }
  const double target = target_bytes();
  const uint64_t size = params_.object_bytes;
  if (!live_.empty() && static_cast<double>(reachable_bytes_ - size) >= target) {
    // The live heap shrinks (growth < 1): drop the oldest long-lived objects.
    while (!live_.empty() && static_cast<double>(reachable_bytes_ - size) >= target && step_events() < kMaxStepEvents) {
      emit_free(live_.front());
      ids_.release(live_.front());
      live_.pop_front();
      reachable_bytes_ -= size;
    }
    return true;
  }
  const uint32_t g = static_cast<uint32_t>(allocs_ % params_.goroutines);
  work_residual_ns_ += static_cast<double>(size) / c.alloc_bytes_per_cpu_ns;
  const auto work = static_cast<uint64_t>(work_residual_ns_);
  work_residual_ns_ -= static_cast<double>(work);
  if (work > 0) emit_work(g, work);
  pointerful_acc_ += c.scannable_frac;
  const bool pointerful = pointerful_acc_ >= 1.0 - 1e-12;
  if (pointerful) pointerful_acc_ -= 1.0;
  const uint32_t id = ids_.acquire();
  emit_alloc(g, id, size, pointerful);
  ++allocs_;
  if (static_cast<double>(reachable_bytes_) < target) {
    live_.push_back(id);
    reachable_bytes_ += size;
  } else {
    emit_free(id);
    ids_.release(id);
  }
  cycle_alloc_bytes_ += static_cast<double>(size);
  if (cycle_alloc_bytes_ >= c.alloc_bytes) {
    cycle_alloc_bytes_ -= c.alloc_bytes;
    ++cycle_;
    stacks_pending_ = cycle_ < cycles_.size() ? params_.goroutines : 0;
  }
  return true;
}

}  // namespace gcsim::workload
