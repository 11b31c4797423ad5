// SPDX-License-Identifier: MIT
// A piecewise-constant function u(t) stored compactly (varint time deltas, indices into a value
// table), read by forward cursors: MMU/MUD windows sweep it in O(1) memory per cursor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "models/stats/varint.hpp"
#include "sim/sim_time.hpp"

namespace gcsim::stats {

/// Breakpoints t_0 < t_1 < … < t_{n−1} < end_ns with values u_i on [t_i, t_{i+1}) (the last until
/// end_ns).
class CompactStepFunction {
 public:
  /// Appends breakpoint (t, u); t must exceed the previous breakpoint.
  void append(sim::SimTimeNs t, double u);
  void set_end(sim::SimTimeNs end_ns) { end_ns_ = end_ns; }
  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  sim::SimTimeNs front_t() const { return first_t_; }
  sim::SimTimeNs end_ns() const { return end_ns_; }
  size_t memory_bytes() const { return bytes_.capacity() + values_.capacity() * sizeof(double); }

  /// Walks the points 0 … n−1 and then the end (index n, t = end_ns). At point i < n it knows t_i,
  /// u_i, the next breakpoint (t_{i+1}, or end_ns for the last) and ∫ from t_0 to t_i of u, summed
  /// in order (the same doubles as a prefix-sum array).
  class Cursor {
   public:
    explicit Cursor(const CompactStepFunction& f);
    size_t index() const { return i_; }
    sim::SimTimeNs t() const { return t_; }
    double u() const { return u_; }
    sim::SimTimeNs next_t() const { return next_t_; }
    double prefix() const { return prefix_; }
    /// ∫ from t_0 to x of u, for x in [t_i, next_t].
    double integral(sim::SimTimeNs x) const { return prefix_ + u_ * static_cast<double>(x - t_); }
    /// To the next point (past index n the cursor is exhausted).
    void advance() {
      if (i_ < f_->n_) prefix_ += u_ * static_cast<double>(next_t_ - t_);
      ++i_;
      t_ = next_t_;
      u_ = next_u_;
      load_next();
    }

   private:
    void load_next() {
      if (i_ + 1 < f_->n_) {
        next_t_ += static_cast<sim::SimTimeNs>(get_uvarint(p_));
        next_u_ = f_->values_[static_cast<size_t>(get_uvarint(p_))];
      } else {
        next_t_ = f_->end_ns_;
        next_u_ = 0;
      }
    }
    const CompactStepFunction* f_;
    const uint8_t* p_;
    size_t i_ = 0;
    sim::SimTimeNs t_ = 0, next_t_ = 0;
    double u_ = 0, next_u_ = 0, prefix_ = 0;
  };

 private:
  std::vector<uint8_t> bytes_;  // per point: varint(t_i − t_{i−1}) (0 for the first), varint(value index)
  std::vector<double> values_;
  std::unordered_map<uint64_t, uint32_t> value_index_;  // by bit pattern
  sim::SimTimeNs first_t_ = 0, last_t_ = 0, end_ns_ = 0;
  size_t n_ = 0;
};

}  // namespace gcsim::stats
