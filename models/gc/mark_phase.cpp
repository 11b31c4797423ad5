// SPDX-License-Identifier: MIT
#include "models/gc/mark_phase.hpp"

#include <algorithm>
#include <cmath>

namespace gcsim::gc {

void MarkPhase::begin(sim::SimTimeNs now, const MarkWork& work, const MarkCapacity& capacity) {
  *this = MarkPhase{};
  work_ = work;
  capacity_ = capacity;
  last_ns_ = now;
  update_completion();
}

double MarkPhase::units_per_cpu_ns() const {
  return work_.cpu_ns > 0 ? static_cast<double>(work_.scan_bytes()) / work_.cpu_ns : 0;
}

void MarkPhase::update_completion() {
  double remaining = work_.cpu_ns - cpu_done_;
  if (remaining <= 0) {
    completion_ns_ = last_ns_;
  } else if (capacity_.total() <= 0) {
    completion_ns_ = sim::kTimeNever;
  } else {
    completion_ns_ = last_ns_ + static_cast<sim::SimTimeNs>(std::ceil(remaining / capacity_.total()));
  }
}

void MarkPhase::advance_to(sim::SimTimeNs now) {
  if (now <= last_ns_) return;
  double rate = capacity_.total();
  double dt = static_cast<double>(now - last_ns_);
  double remaining = work_.cpu_ns - cpu_done_;
  if (rate > 0 && remaining > 0) {
    double busy = std::min(dt, remaining / rate);  // workers stop when the work runs out
    double cpu = busy * rate;
    cpu_done_ += cpu;
    credit_cpu_ns_ += cpu;
    dedicated_ns_ += busy * capacity_.dedicated_ps;
    fractional_ns_ += busy * capacity_.fractional_ps;
    idle_ns_ += busy * capacity_.idle_ps;
  }
  last_ns_ = now;
}

void MarkPhase::set_capacity(sim::SimTimeNs now, const MarkCapacity& capacity) {
  advance_to(now);
  capacity_ = capacity;
  update_completion();
}

MarkPhase::AssistResult MarkPhase::assist(sim::SimTimeNs now, double units) {
  advance_to(now);
  AssistResult r;
  double upc = units_per_cpu_ns();
  if (upc <= 0) {
    r.stolen_units = units;  // nothing to scan: the debt is simply forgiven
    return r;
  }
  double want_cpu = units / upc;
  double steal = std::min(credit_cpu_ns_, want_cpu);
  credit_cpu_ns_ -= steal;
  r.stolen_units = steal * upc;
  double cpu = std::min(want_cpu - steal, std::max(0.0, work_.cpu_ns - cpu_done_));
  cpu_done_ += cpu;
  assist_ns_ += cpu;
  r.cpu_ns = cpu;
  r.done_units = cpu * upc;
  update_completion();
  return r;
}

uint64_t MarkPhase::scan_work_done_bytes() const {
  if (work_.cpu_ns <= 0) return work_.scan_bytes();
  double frac = std::min(1.0, cpu_done_ / work_.cpu_ns);
  return static_cast<uint64_t>(frac * static_cast<double>(work_.scan_bytes()));
}

}  // namespace gcsim::gc
