// SPDX-License-Identifier: MIT
// The pacer redesign's assist ratio (revise, mgcpacer.go@1.19) as a pure function of the mark's progress.
#pragma once

#include <cstdint>

#include "models/pacer/pacer.hpp"

namespace gcsim::pacer {

/// What revise() of a redesign-style pacer (Go 1.18+) reads besides the mark's progress
/// (mgcpacer.go@1.19:L555-658). Constant during a mark phase as long as the heap snapshot changes
/// only in heapLive (Pacer::frozen_revise_inputs).
struct ReviseInputs {
  uint64_t heap_goal_bytes = 0;        ///< heapGoal() now
  uint64_t triggered_bytes = 0;        ///< Tr: where the cycle's runway is measured from
  uint64_t expected_work_bytes = 0;    ///< Ps + S + G (lastHeapScan + lastStackScan + globalsScan)
  uint64_t globals_bytes = 0;          ///< G (globalsScan), part of the worst-case work
  int32_t gc_percent = 100;            ///< GOGC (-1 = off → 100000 for the hard goal)
};

/// The goal and the scan work revise() paces against at a progress point (before the floors of
/// 1000 bytes of work and 1 byte of heap), and which of its branches chose them.
struct AssistTarget {
  int64_t heap_goal_bytes = 0;
  int64_t expected_work_bytes = 0;
  bool extrapolated = false;  ///< scan work exceeded the estimate: goal extended along the planned slope
  bool over_goal = false;     ///< heapLive exceeded that goal: 1.1·goal against the worst-case work
};

/// revise: extrapolate the goal along the planned slope when scan work exceeds the estimate, capped
/// at the hard goal γ·N; past even that, pace to 1.1·N against the worst-case work
/// W_max = Hs + Smax + G. H = `heap_live`, Hs = `heap_scan`, W_done = `scan_work_done`, Smax =
/// `max_stack_scan` (the MarkProgress fields of the same names).
inline AssistTarget redesign_assist_target(const ReviseInputs& r, uint64_t heap_live, uint64_t heap_scan,
                                           uint64_t scan_work_done, uint64_t max_stack_scan) {
  const int64_t gc_percent = r.gc_percent < 0 ? 100000 : r.gc_percent;
  const auto live = static_cast<int64_t>(heap_live);
  const auto work = static_cast<int64_t>(scan_work_done);
  AssistTarget t;
  t.heap_goal_bytes = static_cast<int64_t>(r.heap_goal_bytes);
  t.expected_work_bytes = static_cast<int64_t>(r.expected_work_bytes);
  const auto max_work = static_cast<int64_t>(heap_scan + max_stack_scan + r.globals_bytes);
  if (work > t.expected_work_bytes) {
    // Keep the planned slope (N − Tr)/W_exp and extend it to the worst-case work, up to γ·N.
    // (expected = 0 only before anything was ever scanned: then aim straight at the hard goal.)
    const auto triggered = static_cast<int64_t>(r.triggered_bytes);
    const auto hard = static_cast<int64_t>((1.0 + static_cast<double>(gc_percent) / 100.0) *
                                           static_cast<double>(t.heap_goal_bytes));
    int64_t ext = hard;
    if (t.expected_work_bytes > 0) {
      double e = static_cast<double>(t.heap_goal_bytes - triggered) / static_cast<double>(t.expected_work_bytes) *
                     static_cast<double>(max_work) +
                 static_cast<double>(triggered);
      if (e < static_cast<double>(hard)) ext = static_cast<int64_t>(e);
    }
    t.heap_goal_bytes = ext;
    t.expected_work_bytes = max_work;
    t.extrapolated = true;
  }
  if (live > t.heap_goal_bytes) {
    t.heap_goal_bytes = static_cast<int64_t>(static_cast<double>(t.heap_goal_bytes) * 1.1);
    t.expected_work_bytes = max_work;
    t.over_goal = true;
  }
  return t;
}

/// assistWorkPerByte = max(W_exp − W_done, 1000) / max(N − H, 1) for the target above. Inline: the
/// per-cycle harness calls it every 500 µs of mark.
inline AssistRatio redesign_assist_ratio(const ReviseInputs& r, uint64_t heap_live, uint64_t heap_scan,
                                         uint64_t scan_work_done, uint64_t max_stack_scan) {
  const AssistTarget t = redesign_assist_target(r, heap_live, heap_scan, scan_work_done, max_stack_scan);
  int64_t work_remaining = t.expected_work_bytes - static_cast<int64_t>(scan_work_done);
  if (work_remaining < 1000) work_remaining = 1000;
  int64_t heap_remaining = t.heap_goal_bytes - static_cast<int64_t>(heap_live);
  if (heap_remaining <= 0) heap_remaining = 1;
  return AssistRatio{static_cast<double>(work_remaining) / static_cast<double>(heap_remaining),
                     static_cast<double>(heap_remaining) / static_cast<double>(work_remaining)};
}

inline AssistRatio redesign_assist_ratio(const ReviseInputs& r, const MarkProgress& in) {
  return redesign_assist_ratio(r, in.heap.heap_live_bytes, in.heap_scan_bytes, in.scan_work_done_bytes,
                               in.max_stack_scan_bytes);
}

}  // namespace gcsim::pacer
