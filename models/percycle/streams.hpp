// SPDX-License-Identifier: MIT
// Seeded value streams and combinators, as in Go's runtime/mgcpacer_test.go (float64Stream).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <numbers>
#include <utility>
#include <vector>

#include "sim/rng.hpp"

namespace gcsim::percycle {

/// An infinite stream of values; every call yields the next one. Combinators copy their inputs, so
/// build each stream once per scenario expansion.
class Stream {
 public:
  explicit Stream(std::function<double()> f) : f_(std::move(f)) {}
  double operator()() { return f_(); }

  /// Zero for `cycles` values, then this stream (which is not advanced meanwhile).
  Stream delay(int cycles) const {
    auto n = std::make_shared<int>(0);
    Stream f = *this;
    return Stream([f, n, cycles]() mutable { return *n < cycles ? (++*n, 0.0) : f(); });
  }
  Stream scale(double k) const {
    Stream f = *this;
    return Stream([f, k]() mutable { return f() * k; });
  }
  Stream offset(double k) const {
    Stream f = *this;
    return Stream([f, k]() mutable { return f() + k; });
  }
  Stream sum(std::vector<Stream> others) const {
    Stream f = *this;
    return Stream([f, others]() mutable {
      double s = f();
      for (Stream& o : others) s += o();
      return s;
    });
  }
  /// Rounds toward zero to a multiple of `mult`.
  Stream quantize(double mult) const {
    Stream f = *this;
    return Stream([f, mult]() mutable {
      double r = f() / mult;
      return (r < 0 ? std::ceil(r) : std::floor(r)) * mult;
    });
  }
  Stream min(double lo) const {
    Stream f = *this;
    return Stream([f, lo]() mutable { return std::max(lo, f()); });
  }
  Stream max(double hi) const {
    Stream f = *this;
    return Stream([f, hi]() mutable { return std::min(hi, f()); });
  }
  Stream limit(double lo, double hi) const {
    Stream f = *this;
    return Stream([f, lo, hi]() mutable { return std::clamp(f(), lo, hi); });
  }

 private:
  std::function<double()> f_;
};

inline Stream constant(double c) {
  return Stream([c] { return c; });
}
/// One value `amp`, then zeroes (a Kronecker delta).
inline Stream unit(double amp) {
  auto dropped = std::make_shared<bool>(false);
  return Stream([amp, dropped] { return *dropped ? 0.0 : (*dropped = true, amp); });
}
/// amp·sin(2π·n/period + phase), n = 0, 1, … wrapping at `period`.
inline Stream oscillate(double amp, double phase, int period) {
  auto n = std::make_shared<int>(0);
  return Stream([amp, phase, period, n] {
    double p = static_cast<double>(*n) / period * 2 * std::numbers::pi + phase;
    if (++*n == period) *n = 0;
    return std::sin(p) * amp;
  });
}
/// 0, height/length, 2·height/length, … height, height, …
inline Stream ramp(double height, int length) {
  auto n = std::make_shared<int>(0);
  return Stream([height, length, n] {
    double h = height * *n / length;
    if (*n < length) ++*n;
    return h;
  });
}
/// Uniform in [−amp, amp) from a generator seeded with `seed` (Go uses math/rand; the sequence
/// differs, the distribution does not).
inline Stream random(double amp, uint64_t seed) {
  auto rng = std::make_shared<sim::Rng>(sim::mix64(seed));
  return Stream([amp, rng] { return (rng->uniform() - 0.5) * 2 * amp; });
}

}  // namespace gcsim::percycle
