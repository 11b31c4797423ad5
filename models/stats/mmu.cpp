// SPDX-License-Identifier: MIT
#include "models/stats/mmu.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <ostream>
#include <utility>

#include "models/stats/writers.hpp"

namespace gcsim::stats {

namespace {

double view_utilization(const UtilizationStep& s, double procs, UtilizationView view) {
  double u = 1;
  switch (view) {
    case UtilizationView::kGoTrace:
      u = 1 - s.gc_ps / procs;
      break;
    case UtilizationView::kIdleWorkersAsGc:
      u = 1 - (s.gc_ps + s.idle_gc_ps) / procs;
      break;
    case UtilizationView::kMutatorBusy:
      u = s.mutator_ps / procs;
      break;
  }
  return std::clamp(u, 0.0, 1.0);
}

// The equal-neighbour merging of mutator_utilization as a stream: a point is final once another
// follows it (only the newest can still change its value or vanish), so it goes to `sink(t, u)`
// then; finish() flushes the newest.
template <typename Sink>
class StepMerger {
 public:
  explicit StepMerger(Sink sink) : sink_(std::move(sink)) {}
  void push(sim::SimTimeNs t, double u) {
    if (has_pending_ && pending_t_ == t) {
      pending_u_ = u;
      if (has_final_ && final_u_ == u) has_pending_ = false;  // merges into the point before
      return;
    }
    const double back_u = has_pending_ ? pending_u_ : final_u_;
    if ((has_pending_ || has_final_) && back_u == u) return;
    if (has_pending_) emit();
    has_pending_ = true;
    pending_t_ = t;
    pending_u_ = u;
  }
  void finish() {
    if (has_pending_) emit();
    has_pending_ = false;
  }

 private:
  void emit() {
    sink_(pending_t_, pending_u_);
    has_final_ = true;
    final_u_ = pending_u_;
  }
  Sink sink_;
  bool has_pending_ = false, has_final_ = false;
  sim::SimTimeNs pending_t_ = 0;
  double pending_u_ = 0, final_u_ = 0;
};

// u(t) of `steps` on [0, end_ns) through `sink(t, u)` (merged points in order).
template <typename Sink>
void utilization_points(const UtilizationLog& steps, int gomaxprocs, sim::SimTimeNs end_ns, UtilizationView view,
                        Sink sink) {
  StepMerger<Sink> m(std::move(sink));
  const double procs = gomaxprocs;
  if (steps.empty() || steps.front_t() > 0) m.push(0, 1.0);
  steps.for_each([&](const UtilizationStep& s) {
    if (s.t_ns >= end_ns) return;
    m.push(std::max<sim::SimTimeNs>(s.t_ns, 0), view_utilization(s, procs, view));
  });
  m.finish();
}

}  // namespace

UtilizationFunction mutator_utilization(const UtilizationLog& steps, int gomaxprocs, sim::SimTimeNs end_ns,
                                        UtilizationView view) {
  UtilizationFunction f;
  if (end_ns <= 0 || gomaxprocs <= 0) return f;
  f.end_ns = end_ns;
  utilization_points(steps, gomaxprocs, end_ns, view, [&f](sim::SimTimeNs t, double u) {
    f.t_ns.push_back(t);
    f.u.push_back(u);
  });
  return f;
}

UtilizationFunction mutator_utilization(const std::vector<UtilizationStep>& steps, int gomaxprocs,
                                        sim::SimTimeNs end_ns, UtilizationView view) {
  UtilizationLog log;
  for (const UtilizationStep& s : steps) log.push_back(s);
  return mutator_utilization(log, gomaxprocs, end_ns, view);
}

MutatorUtilization::MutatorUtilization(const UtilizationFunction& f) {
  for (size_t i = 0; i < f.t_ns.size(); ++i) f_.append(f.t_ns[i], f.u[i]);
  f_.set_end(f.end_ns);
  finish();
}

MutatorUtilization::MutatorUtilization(const UtilizationLog& steps, int gomaxprocs, sim::SimTimeNs end_ns,
                                       UtilizationView view) {
  if (end_ns > 0 && gomaxprocs > 0) {
    f_.set_end(end_ns);
    utilization_points(steps, gomaxprocs, end_ns, view, [this](sim::SimTimeNs t, double u) { f_.append(t, u); });
  }
  finish();
}

void MutatorUtilization::finish() {
  if (f_.empty()) return;
  CompactStepFunction::Cursor c(f_);
  while (c.index() < f_.size()) c.advance();
  total_ = c.prefix();
  length_ = f_.end_ns() - f_.front_t();
}

double MutatorUtilization::mean() const {
  return length_ > 0 ? total_ / static_cast<double>(length_) : 1.0;
}

// Candidate starts: every breakpoint t_i (and the end) as a window start, and t_i − w (a window end
// on a breakpoint), restricted to [T0, T1 − w]; between consecutive candidates the window mean is
// linear. Two sorted sequences are merged on the fly; two pointers track the steps holding the
// window's start and end, so a window length costs O(n).
template <typename Visit>
void MutatorUtilization::for_each_kink(sim::DurationNs w, Visit&& visit) const {
  using Cursor = CompactStepFunction::Cursor;
  const size_t n = f_.size();
  const sim::SimTimeNs lo = f_.front_t(), hi = f_.end_ns() - w;
  Cursor a(f_), b(f_);  // the breakpoints t_0 … t_{n−1}, end_ns as window starts; and shifted by −w
  Cursor ks(f_), ke(f_);  // the steps holding the window's start and end
  const double inv_w = 1.0 / static_cast<double>(w);
  sim::SimTimeNs last = lo - 1;
  // Skip breakpoints whose shifted copy lies before T0.
  while (b.index() <= n && b.t() - w < lo) b.advance();
  while (a.index() <= n || b.index() <= n) {
    sim::SimTimeNs sa = a.index() <= n ? a.t() : INT64_MAX;
    sim::SimTimeNs sb = b.index() <= n ? b.t() - w : INT64_MAX;
    sim::SimTimeNs s = std::min(sa, sb);
    if (sa == s) a.advance();
    if (sb == s) b.advance();
    if (s > hi) break;
    if (s == last) continue;
    last = s;
    const sim::SimTimeNs e = s + w;
    while (ks.index() + 1 < n && ks.next_t() <= s) ks.advance();
    while (ke.index() + 1 < n && ke.next_t() <= e) ke.advance();
    visit(s, std::clamp((ke.integral(e) - ks.integral(s)) * inv_w, 0.0, 1.0));
  }
}

double MutatorUtilization::mmu(sim::DurationNs window_ns) const {
  if (length_ <= 0) return 1.0;
  if (window_ns <= 0) window_ns = 1;
  if (window_ns >= length_) return mean();
  double m = 1.0;
  for_each_kink(window_ns, [&m](sim::SimTimeNs, double mean) { m = std::min(m, mean); });
  return m;
}

std::vector<double> MutatorUtilization::mud_quantiles(sim::DurationNs window_ns, const std::vector<double>& qs,
                                                      double* mmu_out) const {
  std::vector<double> out(qs.size(), mean());
  if (length_ <= 0 || qs.empty()) {
    if (mmu_out != nullptr) *mmu_out = mmu(window_ns);
    return out;
  }
  if (window_ns <= 0) window_ns = 1;
  if (window_ns >= length_) {  // one window: a point mass at the mean
    if (mmu_out != nullptr) *mmu_out = mean();
    return out;
  }
  // The window mean between consecutive kinks is linear in the start: a uniform distribution on
  // [lo, hi] with mass = the distance between the kinks (lo == hi: a point mass).
  struct Piece {
    double lo, hi, mass;
  };
  // Three sweeps over the kinks instead of a stored list of pieces (memory stays flat in the run
  // length): the range and count, the histogram that bounds the tail, the tail's pieces.
  auto for_each_piece = [&](auto&& fn) {
    sim::SimTimeNs prev_s = 0;
    double prev_m = 0;
    bool any = false;
    for_each_kink(window_ns, [&](sim::SimTimeNs s, double m) {
      if (any) fn(Piece{std::min(prev_m, m), std::max(prev_m, m), static_cast<double>(s - prev_s)});
      any = true;
      prev_s = s;
      prev_m = m;
    });
  };
  double min_mean = 1.0, max_mean = 0.0;
  sim::SimTimeNs first = 0, prev_s = 0;
  double prev_m = 0;
  bool any = false;
  size_t n_pieces = 0;
  for_each_kink(window_ns, [&](sim::SimTimeNs s, double m) {
    if (any) {
      ++n_pieces;
    } else {
      first = s;
      any = true;
    }
    prev_s = s;
    prev_m = m;
    min_mean = std::min(min_mean, m);
    max_mean = std::max(max_mean, m);
  });
  // mmu() is the same minimum over the same kinks, from 1.
  if (mmu_out != nullptr) *mmu_out = min_mean;
  if (n_pieces == 0) {
    std::fill(out.begin(), out.end(), any ? prev_m : mean());
    return out;
  }
  const double total = static_cast<double>(prev_s - first);
  const double q_max = *std::max_element(qs.begin(), qs.end());
  // Only the lower tail matters for small quantiles: bound the largest wanted quantile from above
  // by y_c, the first bin edge below which whole pieces (hi ≤ y_c) already hold its mass, and keep
  // only pieces starting at or below y_c. The CDF below y_c is unchanged, so the result is exact.
  double y_c = max_mean;
  if (q_max < 1) {
    constexpr size_t kBins = 4096;
    std::vector<double> by_hi(kBins + 1, 0.0);
    const double span = max_mean - min_mean;
    if (span > 0) {
      for_each_piece([&](const Piece& p) {
        auto bin = static_cast<size_t>(std::ceil((p.hi - min_mean) / span * kBins));
        by_hi[std::min(bin, kBins)] += p.mass;
      });
      double acc = 0;
      for (size_t b = 0; b <= kBins; ++b) {
        acc += by_hi[b];
        if (acc >= q_max * total) {
          y_c = min_mean + span * static_cast<double>(b) / kBins;
          break;
        }
      }
    }
  }
  struct Event {
    double y;
    double density_change;  // mass per unit of utilisation starting (+) or ending (−) at y
    double point_mass;
  };
  std::vector<Event> events;
  for_each_piece([&](const Piece& p) {
    if (p.lo > y_c) return;
    if (p.hi - p.lo <= 1e-15) {
      events.push_back({p.lo, 0, p.mass});
    } else {
      double d = p.mass / (p.hi - p.lo);
      events.push_back({p.lo, d, 0});
      events.push_back({p.hi, -d, 0});
    }
  });
  std::sort(events.begin(), events.end(), [](const Event& x, const Event& y) {
    if (x.y != y.y) return x.y < y.y;
    return x.density_change > y.density_change;
  });
  std::vector<size_t> order(qs.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&qs](size_t x, size_t y) { return qs[x] < qs[y]; });
  size_t next = 0;
  while (next < order.size() && qs[order[next]] <= 0) out[order[next++]] = min_mean;
  double acc = 0, density = 0, y_prev = events.empty() ? min_mean : events.front().y;
  for (size_t i = 0; i < events.size() && next < order.size();) {
    const double y = events[i].y;
    const double acc_at_y = acc + density * (y - y_prev);
    while (next < order.size() && qs[order[next]] * total <= acc_at_y && density > 0) {
      double target = qs[order[next]] * total;
      out[order[next++]] = std::clamp(y_prev + (target - acc) / density, y_prev, y);
    }
    acc = acc_at_y;
    for (; i < events.size() && events[i].y == y; ++i) {
      density += events[i].density_change;
      acc += events[i].point_mass;
    }
    if (density < 0) density = 0;
    while (next < order.size() && qs[order[next]] * total <= acc) out[order[next++]] = y;
    y_prev = y;
  }
  // Past the last event only uniform pieces reaching above y_c remain: continue linearly, else the
  // quantile is at the top (q = 1, or rounding left a sliver of mass).
  while (next < order.size()) {
    double target = qs[order[next]] * total;
    out[order[next++]] = density > 0 ? std::min(y_prev + (target - acc) / density, max_mean) : max_mean;
  }
  return out;
}

std::vector<double> bmu_from_mmu(const std::vector<double>& mmu) {
  std::vector<double> bmu(mmu);
  for (size_t i = bmu.size(); i-- > 1;) bmu[i - 1] = std::min(bmu[i - 1], bmu[i]);
  return bmu;
}

std::vector<sim::DurationNs> log_spaced_windows(sim::DurationNs min_ns, sim::DurationNs max_ns, int per_decade) {
  std::vector<sim::DurationNs> w;
  if (max_ns <= 0) return w;
  if (min_ns < 1) min_ns = 1;
  if (per_decade < 1) per_decade = 1;
  std::vector<double> mantissa(static_cast<size_t>(per_decade));
  for (int j = 0; j < per_decade; ++j) mantissa[static_cast<size_t>(j)] = std::pow(10.0, j / static_cast<double>(per_decade));
  mantissa[0] = 1.0;
  for (double decade = static_cast<double>(min_ns); decade < static_cast<double>(max_ns); decade *= 10) {
    for (double m : mantissa) {
      auto v = static_cast<sim::DurationNs>(std::llround(decade * m));
      if (v >= max_ns) break;
      if (w.empty() || v > w.back()) w.push_back(v);
    }
  }
  w.push_back(max_ns);
  return w;
}

std::vector<MmuRow> mmu_table(const RunRecord& r) {
  const sim::SimTimeNs end = r.totals.simulated_ns;
  const int procs = r.totals.gomaxprocs;
  MutatorUtilization go_view(r.utilization, procs, end, UtilizationView::kGoTrace);
  MutatorUtilization strict(r.utilization, procs, end, UtilizationView::kIdleWorkersAsGc);
  std::vector<MmuRow> rows;
  for (sim::DurationNs w : log_spaced_windows(1000, go_view.length_ns(), 10)) {
    MmuRow row;
    row.window_ns = w;
    std::vector<double> q = go_view.mud_quantiles(w, {0.01, 0.001}, &row.mmu);
    row.mu_p99 = q[0];
    row.mu_p999 = q[1];
    row.mmu_idle_as_gc = strict.mmu(w);
    rows.push_back(row);
  }
  std::vector<double> m(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) m[i] = rows[i].mmu;
  std::vector<double> b = bmu_from_mmu(m);
  for (size_t i = 0; i < rows.size(); ++i) rows[i].bmu = b[i];
  return rows;
}

void write_mmu_csv(std::ostream& os, const std::vector<MmuRow>& rows) {
  os << "window_ns,mmu,bmu,mu_p99,mu_p999,mmu_idle_as_gc\n";
  for (const MmuRow& r : rows)
    os << r.window_ns << ',' << format_double(r.mmu) << ',' << format_double(r.bmu) << ','
       << format_double(r.mu_p99) << ',' << format_double(r.mu_p999) << ',' << format_double(r.mmu_idle_as_gc)
       << '\n';
}

}  // namespace gcsim::stats
