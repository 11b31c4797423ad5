// SPDX-License-Identifier: MIT
// The run's mutator-utilisation steps, stored in a few bytes each so that a long run's record stays
// small (PERFORMANCE.md: peak RSS flat in trace length).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "models/stats/varint.hpp"
#include "sim/sim_time.hpp"

namespace gcsim::stats {

/// Mutator utilisation as a step function: from t_ns on, `mutator_ps` Ps run mutator code and
/// `gc_ps` Ps run GC work (STW, workers, assists), out of gomaxprocs (the rest are idle).
struct UtilizationStep {
  sim::SimTimeNs t_ns = 0;
  double mutator_ps = 0;
  double gc_ps = 0;       ///< STW, dedicated/fractional workers and assists
  double idle_gc_ps = 0;  ///< idle-priority mark workers (time the mutator could not use)
  double assist_ps = 0;   ///< of gc_ps: mark assists (mutator goroutines doing GC work)
  double stw_ps = 0;      ///< of gc_ps: stopped-the-world pause (all Ps)
};

/// Steps in time order. A run has few distinct levels (the five Ps figures of a step) but, with
/// short assists, tens of thousands of steps: each step is stored as varint(t − previous t) and
/// varint(index of its levels in a table), 3–5 bytes instead of 48. The last step is kept
/// unencoded, so record() can replace it. Decoding gives back the exact doubles.
class UtilizationLog {
 public:
  /// The utilisation changes at `s.t_ns` (not before the last step's time). Nothing is stored if the
  /// levels equal the last step's; a step at the last step's time replaces it.
  void record(const UtilizationStep& s);
  /// Appends `s` as it is (t_ns not before the last step's).
  void push_back(const UtilizationStep& s);

  bool empty() const { return count_ == 0; }
  size_t size() const { return count_; }
  /// Time of the first step (0 if empty).
  sim::SimTimeNs front_t() const { return count_ > 0 ? first_t_ : 0; }
  /// The last step (the log must not be empty).
  const UtilizationStep& back() const { return last_; }

  /// Calls fn(const UtilizationStep&) for every step in time order.
  template <typename Fn>
  void for_each(Fn&& fn) const {
    if (count_ == 0) return;
    const uint8_t* p = bytes_.data();
    const uint8_t* const end = p + bytes_.size();
    sim::SimTimeNs t = first_t_;  // the first encoded delta is 0
    while (p < end) {
      t += static_cast<sim::SimTimeNs>(get_uvarint(p));
      const Levels& l = levels_[static_cast<size_t>(get_uvarint(p))];
      const UtilizationStep s{t, l[0], l[1], l[2], l[3], l[4]};
      fn(s);
    }
    fn(last_);
  }
  /// All steps decoded (tests and small runs).
  std::vector<UtilizationStep> steps() const;
  /// Bytes held (encoded steps and the levels table).
  size_t memory_bytes() const;

 private:
  using Levels = std::array<double, 5>;
  using LevelsKey = std::array<uint64_t, 5>;  // the doubles' bit patterns
  struct KeyHash {
    size_t operator()(const LevelsKey& k) const;
  };
  void encode(const UtilizationStep& s);

  std::vector<uint8_t> bytes_;
  std::vector<Levels> levels_;
  std::unordered_map<LevelsKey, uint32_t, KeyHash> index_;
  UtilizationStep last_{};  // the newest step, not yet encoded
  sim::SimTimeNs first_t_ = 0;
  sim::SimTimeNs encoded_t_ = 0;  // time of the newest encoded step
  size_t count_ = 0;
};

}  // namespace gcsim::stats
