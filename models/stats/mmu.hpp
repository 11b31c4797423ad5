// SPDX-License-Identifier: MIT
// Mutator utilisation metrics over a run: MMU, BMU and MUD quantiles (metrics.md §3.1–3.5), mmu.csv.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <vector>

#include "models/stats/run_record.hpp"
#include "models/stats/step_function.hpp"
#include "models/stats/utilization_log.hpp"
#include "sim/sim_time.hpp"

namespace gcsim::stats {

/// Which Ps count as taken from the mutator when u(t) is built from utilization steps
/// (metrics.md §3.1 asks for this to be decided explicitly).
enum class UtilizationView {
  /// Default, as `go tool trace` computes it (internal/trace/gc.go MutatorUtilization with
  /// UtilSTW|UtilBackground|UtilAssist): u = 1 − gc_ps/P. A P is lost to the mutator while it is
  /// stopped for STW, runs a dedicated or fractional mark worker, or runs an assist. Idle-priority
  /// workers ("GC (idle)", which Go's tool skips) and Ps with nothing to run count as available:
  /// they only use time the mutator left unused (/cpu/classes/gc/mark/idle).
  kGoTrace,
  /// Stricter: u = 1 − (gc_ps + idle_gc_ps)/P; idle-priority mark workers count against the mutator.
  kIdleWorkersAsGc,
  /// u = mutator_ps/P: only Ps actually running mutator code (idle Ps count as lost too; a program
  /// with fewer runnable goroutines than Ps never reaches 1).
  kMutatorBusy,
};

/// A piecewise-constant utilisation function on [t_ns.front(), end_ns]: u[i] ∈ [0,1] holds on
/// [t_ns[i], t_ns[i+1]) (the last value until end_ns). t_ns is strictly increasing, t_ns.back() < end_ns.
struct UtilizationFunction {
  std::vector<sim::SimTimeNs> t_ns;
  std::vector<double> u;
  sim::SimTimeNs end_ns = 0;
};

/// u(t) from a run's utilization steps on [0, end_ns] (`gomaxprocs` Ps). Steps at or after end_ns
/// are dropped, equal neighbours merged; before the first step u = 1. An empty or zero-length run
/// gives an empty function (t_ns empty).
UtilizationFunction mutator_utilization(const UtilizationLog& steps, int gomaxprocs, sim::SimTimeNs end_ns,
                                        UtilizationView view = UtilizationView::kGoTrace);
UtilizationFunction mutator_utilization(const std::vector<UtilizationStep>& steps, int gomaxprocs,
                                        sim::SimTimeNs end_ns, UtilizationView view = UtilizationView::kGoTrace);

/// Window statistics of one utilisation function, held as a CompactStepFunction (a few bytes per
/// step; queries sweep it with forward cursors, so memory does not grow with the run beyond that).
/// Each query is O(n) (mmu) or O(n + k log k) (mud_quantiles, k the pieces in the low tail).
class MutatorUtilization {
 public:
  explicit MutatorUtilization(const UtilizationFunction& f);
  /// Straight from a run's steps (the same function as mutator_utilization() gives, never expanded).
  MutatorUtilization(const UtilizationLog& steps, int gomaxprocs, sim::SimTimeNs end_ns, UtilizationView view);

  /// Run length T1 − T0 in ns (0 for an empty function).
  sim::DurationNs length_ns() const { return length_; }
  /// Mean mutator utilisation over the run, (1/T)∫u (1 for an empty function).
  double mean() const;
  /// MMU(w) = min over t ∈ [T0, T1−w] of (1/w)∫_t^{t+w} u. Windows ≥ the run length are capped to it
  /// (MMU = mean). The window mean is piecewise linear in t with kinks where t or t+w meets a step,
  /// so it is evaluated exactly at every such start (two merged sorted lists, two moving pointers).
  double mmu(sim::DurationNs window_ns) const;
  /// Quantiles of the mutator utilisation distribution (MUD, metrics.md §3.5) for window w: the
  /// window mean over a start t uniform on [T0, T1−w]. quantile q is the utilisation that a fraction
  /// q of windows fall below: q = 0.01 is "p99 MU" (99 % of windows do better), q = 0 is the MMU.
  /// Exact: each piece between kinks is a uniform distribution on its end values (go-gcstats InvCDF).
  /// If `mmu_out` is not null it receives mmu(window_ns), taken from the same pass over the kinks.
  std::vector<double> mud_quantiles(sim::DurationNs window_ns, const std::vector<double>& qs,
                                    double* mmu_out = nullptr) const;

 private:
  /// Calls visit(start, mean) for every window start where the window mean has a kink, in order.
  template <typename Visit>
  void for_each_kink(sim::DurationNs w, Visit&& visit) const;

  void finish();

  CompactStepFunction f_;
  double total_ = 0;  // ∫ u over the run
  sim::DurationNs length_ = 0;
};

/// BMU from MMU on an increasing window grid: bmu[i] = min_{j ≥ i} mmu[j] (right-to-left running
/// minimum; BMU(w) = min over w' ≥ w of MMU(w'), the monotone lower envelope, MC² OOPSLA 2004).
/// The grid must end at the run length (MMU is constant beyond it).
std::vector<double> bmu_from_mmu(const std::vector<double>& mmu);

/// Log-spaced windows from min_ns up to (excluding) max_ns, `per_decade` per decade starting at min_ns
/// (min_ns·10^(k/per_decade), rounded to ns; decades exact), then max_ns itself.
std::vector<sim::DurationNs> log_spaced_windows(sim::DurationNs min_ns, sim::DurationNs max_ns, int per_decade);

/// One row of mmu.csv.
struct MmuRow {
  sim::DurationNs window_ns = 0;
  double mmu = 0;             ///< default view (UtilizationView::kGoTrace)
  double bmu = 0;             ///< min of mmu over this and every longer window
  double mu_p99 = 0;          ///< MUD quantile 0.01: 99 % of windows have a higher mean utilisation
  double mu_p999 = 0;         ///< MUD quantile 0.001
  double mmu_idle_as_gc = 0;  ///< MMU with idle-priority mark workers counted against the mutator
};

/// The mmu.csv table of a run: windows 1 µs … run length, 10 per decade (log_spaced_windows).
std::vector<MmuRow> mmu_table(const RunRecord& r);

/// mmu.csv: window_ns,mmu,bmu,mu_p99,mu_p999,mmu_idle_as_gc (shortest round-trip doubles).
void write_mmu_csv(std::ostream& os, const std::vector<MmuRow>& rows);

}  // namespace gcsim::stats
