// SPDX-License-Identifier: MIT
// The one CPU cost model: every modelled CPU cost is a named parameter here (design.md §4).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace gcsim {

/// CPU costs in nanoseconds of one P's time. Defaults = configs/profiles/go1.19-epyc-kvm.json: a
/// least-squares fit (`gcsim calibrate`) to real Go 1.19.8 replays of the validation scenarios plus
/// the hand-written ring program; scripts/calibrate_profile.sh reproduces it, configs/README.md says
/// which observations determine which value.
struct CostModel {
  // Mutator side (mallocgc, malloc.go).
  double alloc_ns = 8.0;                  ///< small/tiny allocation fast path (nextFreeFast)
  double alloc_zero_ns_per_byte = 0.1;    ///< zeroing / initialising the new object, per byte
  double alloc_scan_ns = 17.0;            ///< extra per pointerful allocation: heapBitsSetType writes the
                                          ///< object's heap bitmap (mbitmap.go), a noscan object skips it
  double page_fault_ns_per_byte = 0.0;    ///< first touch of heap memory not backed by the OS (fresh
                                          ///< mapping or scavenged): page fault + kernel zeroing
  double span_refill_ns = 300.0;          ///< mcache.refill + mcentral.cacheSpan, per refill
  double large_alloc_ns = 2000.0;         ///< mcache.allocLarge + mheap.alloc, per large object
  double ptr_write_ns = 1.0;              ///< a heap pointer store with the barrier off
  double write_barrier_ns = 4.0;          ///< extra cost of a pointer store while the barrier is on (fast path)
  double wb_buffer_flush_ns = 1000.0;     ///< wbBufFlush: greying a full buffer of 256 writes (mwbbuf.go)
  double mark_alloc_ns = 8.0;             ///< extra cost of an allocation during mark (allocate-black)
  double goroutine_start_ns = 300.0;      ///< newproc + first schedule
  double goroutine_handoff_ns = 0.0;      ///< serial mode: the stream moves to another goroutine (park +
                                          ///< ready + waking an idle P's thread, proc.go)
  double replayer_alloc_ns = 18.70;       ///< the validation replayer's own cost per traced allocation (decoding
                                          ///< its alloc and free records, its object table): charged only when a
                                          ///< run simulates the replayer (workload.replayer_table), never otherwise
  double pool_get_ns = 15.0;              ///< sync.Pool Get that hits (estimate)
  double pool_put_ns = 15.0;              ///< sync.Pool Put (estimate)
  double stack_copy_ns_per_byte = 0.1;    ///< copystack on growth, per byte of the old stack

  // Collector side (mgcmark.go, mgcsweep.go, mgc.go).
  double scan_ns_per_byte = 0.1452;       ///< per byte of heap/stack/globals scan work, in Go's units: an object
                                          ///< up to its last pointer word (scanobject, mgcmark.go)
  double mark_ns_per_object = 4.860;      ///< greying + blackening one reachable object (scan or noscan)
  double scan_ns_per_object = 0.0;        ///< extra per pointerful object: work-buffer push/pop and scanobject's
                                          ///< setup (greyobject queues it; a noscan object is blackened at once)
  double mark_ns_per_object_byte = 0.1290; ///< extra per byte of a pointerful object marked, whatever its scan
                                          ///< work: the memory a mark walks over (cache and TLB misses; fitted:
                                          ///< objects of the same count cost more when they are larger)
  double mark_ns_per_scattered_object = 46.49; ///< extra per reachable object allocated into a hole of a
                                          ///< partly used span (MarkStartSnapshot::live_scattered_objects): a
                                          ///< mark walking objects in allocation order misses cache at each
  double mark_cost_cv = 0.1;              ///< cycle-to-cycle variation of a mark's CPU cost (coefficient of
                                          ///< variation of a mean-1 lognormal factor, seeded): caches, the VM
  double sweep_ns_per_span = 150.0;       ///< sweeping one span (mspan.sweep)
  double stw_sweep_term_ns = 17000.0;     ///< sweep-termination pause, fixed part (wall)
  double stw_sweep_term_ns_per_p = 7346.0; ///< sweep-termination pause, per P beyond the first (wall)
  double stw_mark_term_ns = 3000.0;       ///< mark-termination pause, fixed part (wall)
  double stw_mark_term_ns_per_p = 37154.0; ///< mark-termination pause, per P beyond the first (wall)

  std::string profile = "go1.19-epyc-kvm";  ///< where the numbers come from

  /// Strict parse of the `cost_model` object (all keys optional; unknown keys are errors).
  /// `profile_path` (relative to `base_dir`) loads a profile file written by `gcsim calibrate`
  /// (configs/profiles/*.json); the other keys then override single costs.
  static CostModel parse(const nlohmann::json& j, const std::string& path, const std::string& base_dir = ".");
  nlohmann::json to_json() const;
};

/// A stop-the-world pause: a fixed part plus a part for every P other than the one stopping the
/// world, which stopTheWorldWithSema (proc.go) has to preempt and wait for. At GOMAXPROCS=1 there is
/// none: real Go 1.19 mark terminations take ~4 µs at P=1 against ~42 µs at P=2 on the calibration
/// machine (docs/VALIDATION.md), which base + per-P·P could not fit.
inline double stw_pause_ns(double base_ns, double per_other_p_ns, int gomaxprocs) {
  return base_ns + per_other_p_ns * (gomaxprocs > 1 ? gomaxprocs - 1 : 0);
}

}  // namespace gcsim
