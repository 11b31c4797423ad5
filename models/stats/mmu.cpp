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

}  // namespace

UtilizationFunction mutator_utilization(const std::vector<UtilizationStep>& steps, int gomaxprocs,
                                        sim::SimTimeNs end_ns, UtilizationView view) {
  UtilizationFunction f;
  if (end_ns <= 0 || gomaxprocs <= 0) return f;
  f.end_ns = end_ns;
  const double procs = gomaxprocs;
  auto push = [&f](sim::SimTimeNs t, double u) {
    if (!f.t_ns.empty() && f.t_ns.back() == t) {
      f.u.back() = u;
      if (f.u.size() >= 2 && f.u[f.u.size() - 2] == u) {
        f.t_ns.pop_back();
        f.u.pop_back();
      }
      return;
    }
    if (!f.u.empty() && f.u.back() == u) return;
    f.t_ns.push_back(t);
    f.u.push_back(u);
  };
  if (steps.empty() || steps.front().t_ns > 0) push(0, 1.0);
  for (const UtilizationStep& s : steps) {
    if (s.t_ns >= end_ns) break;
    push(std::max<sim::SimTimeNs>(s.t_ns, 0), view_utilization(s, procs, view));
  }
  return f;
}

MutatorUtilization::MutatorUtilization(UtilizationFunction f) : f_(std::move(f)) {
  const size_t n = f_.t_ns.size();
  prefix_.assign(n + 1, 0.0);
  for (size_t i = 0; i < n; ++i) {
    sim::SimTimeNs next = i + 1 < n ? f_.t_ns[i + 1] : f_.end_ns;
    prefix_[i + 1] = prefix_[i] + f_.u[i] * static_cast<double>(next - f_.t_ns[i]);
  }
  length_ = n == 0 ? 0 : f_.end_ns - f_.t_ns.front();
}

double MutatorUtilization::mean() const {
  return length_ > 0 ? prefix_.back() / static_cast<double>(length_) : 1.0;
}

// Candidate starts: every breakpoint t_i (and the end) as a window start, and t_i − w (a window end
// on a breakpoint), restricted to [T0, T1 − w]; between consecutive candidates the window mean is
// linear. Two sorted sequences are merged on the fly; two pointers track the steps holding the
// window's start and end, so a window length costs O(n).
template <typename Visit>
void MutatorUtilization::for_each_kink(sim::DurationNs w, Visit&& visit) const {
  const size_t n = f_.t_ns.size();
  const sim::SimTimeNs lo = f_.t_ns.front(), hi = f_.end_ns - w;
  const auto* t = f_.t_ns.data();
  const auto* u = f_.u.data();
  const double* prefix = prefix_.data();
  auto point = [&](size_t i) { return i < n ? t[i] : f_.end_ns; };  // i in [0, n]
  auto integral = [&](size_t k, sim::SimTimeNs x) { return prefix[k] + u[k] * static_cast<double>(x - t[k]); };
  size_t ia = 0, ib = 0;
  size_t ks = 0, ke = 0;  // steps holding the window start and end
  const double inv_w = 1.0 / static_cast<double>(w);
  sim::SimTimeNs last = lo - 1;
  // Skip breakpoints whose shifted copy lies before T0.
  while (ib <= n && point(ib) - w < lo) ++ib;
  while (ia <= n || ib <= n) {
    sim::SimTimeNs a = ia <= n ? point(ia) : INT64_MAX;
    sim::SimTimeNs b = ib <= n ? point(ib) - w : INT64_MAX;
    sim::SimTimeNs s = std::min(a, b);
    if (a == s) ++ia;
    if (b == s) ++ib;
    if (s > hi) break;
    if (s == last) continue;
    last = s;
    const sim::SimTimeNs e = s + w;
    while (ks + 1 < n && t[ks + 1] <= s) ++ks;
    while (ke + 1 < n && t[ke + 1] <= e) ++ke;
    visit(s, std::clamp((integral(ke, e) - integral(ks, s)) * inv_w, 0.0, 1.0));
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
  std::vector<Piece> pieces;
  double min_mean = 1.0, max_mean = 0.0;
  sim::SimTimeNs first = 0, prev_s = 0;
  double prev_m = 0;
  bool any = false;
  for_each_kink(window_ns, [&](sim::SimTimeNs s, double m) {
    if (any) {
      pieces.push_back({std::min(prev_m, m), std::max(prev_m, m), static_cast<double>(s - prev_s)});
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
  if (pieces.empty()) {
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
      for (const Piece& p : pieces) {
        auto bin = static_cast<size_t>(std::ceil((p.hi - min_mean) / span * kBins));
        by_hi[std::min(bin, kBins)] += p.mass;
      }
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
  for (const Piece& p : pieces) {
    if (p.lo > y_c) continue;
    if (p.hi - p.lo <= 1e-15) {
      events.push_back({p.lo, 0, p.mass});
    } else {
      double d = p.mass / (p.hi - p.lo);
      events.push_back({p.lo, d, 0});
      events.push_back({p.hi, -d, 0});
    }
  }
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
  MutatorUtilization go_view(mutator_utilization(r.utilization, procs, end, UtilizationView::kGoTrace));
  MutatorUtilization strict(mutator_utilization(r.utilization, procs, end, UtilizationView::kIdleWorkersAsGc));
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
