// SPDX-License-Identifier: MIT
// Goroutines on Ps: a run queue, a time quantum, start/exit, and Ps taken by GC workers
// (a simplified proc.go: runqput/runqget, schedule, sysmon's retake/preemptone).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/sim_time.hpp"

namespace gcsim::sched {

/// How the trace's single stream of events maps onto goroutines running at the same time.
enum class Mode : uint8_t {
  /// Every live goroutine is runnable: up to min(live goroutines, Ps left by GC workers) run at
  /// once, and the stream's events advance the clock at that parallelism. A program whose
  /// goroutines all compute (a parallel server under load).
  kParallel = 0,
  /// One thread of control: the goroutine named by the current event runs, every other one is
  /// blocked (parked on a channel, as in the validation replayer, workloads/go/replayer). When the
  /// stream moves to another goroutine, the first parks and the second is handed the same P
  /// (runnext). Parallelism is 1; the other Ps run GC workers or sit idle.
  kSerial = 1,
};

struct SchedulerSettings {
  Mode mode = Mode::kParallel;
  /// Time slice after which sysmon preempts a running goroutine when others wait
  /// (forcePreemptNS = 10 ms, proc.go). Also the period of fractional-worker preemption points.
  sim::DurationNs quantum_ns = 10'000'000;
  /// sysmon's check period when nothing else happens (its sleep grows to 10 ms, proc.go sysmon). A
  /// goroutine is preempted on the first check at least quantum_ns after the check that saw it
  /// scheduled: quantum_ns + U[0, sysmon_period_ns) after it was scheduled (seeded, so runs repeat).
  /// 0: exactly quantum_ns.
  sim::DurationNs sysmon_period_ns = 10'000'000;
  /// Seed of that scheduling noise; 0 = derived from the experiment's seed. Another value repeats a
  /// run on the same trace with other noise, as running the real program again would.
  uint64_t noise_seed = 0;

  /// Strict parse of the `scheduler` object (unknown keys, bad values → ConfigError with the path).
  static SchedulerSettings parse(const nlohmann::json& j, const std::string& path);
  nlohmann::json to_json() const;
};

/// Counters the run reports (summary.json "scheduler").
struct SchedulerCounters {
  uint64_t handoffs = 0;            ///< serial mode: the stream moved to another goroutine (park + runnext)
  uint64_t stream_switches = 0;     ///< parallel mode: a queued goroutine's event displaced a running one
  uint64_t quantum_preemptions = 0; ///< a goroutine ran a whole quantum while others waited
  uint64_t worker_preemptions = 0;  ///< a goroutine lost its P to a dedicated GC worker
  uint64_t max_run_queue = 0;       ///< longest run queue seen
};

/// Ps and goroutines. The trace's stream order says which goroutine executes next (as an
/// execution log does); the scheduler decides which P it executes on (its mcache and pool-local
/// caches), how many goroutines make progress at once, and what happens when GC workers take
/// Ps. Goroutine ids are dense (< 2^22, GoProcess checks). Deterministic: no randomness, FIFO run
/// queue, Ps scanned in index order.
class Scheduler {
 public:
  Scheduler(const SchedulerSettings& settings, int gomaxprocs);

  /// newproc: `g` becomes runnable; it takes an idle usable P at once, else joins the run queue
  /// tail (serial mode: it stays blocked until the stream reaches it).
  void start(uint32_t g, sim::SimTimeNs now);
  /// goexit: `g` leaves its P (or the run queue); the P takes the run queue's head.
  void exit(uint32_t g, sim::SimTimeNs now);
  /// The P on which `g`'s current event executes. Fast path: `g` is on a P.
  int p_of(uint32_t g, sim::SimTimeNs now) {
    int p = g < p_of_g_.size() ? p_of_g_[g] : kNoP;
    return p >= 0 ? p : place(g, now);
  }
  /// The P `g` runs on, or kNoP if it is not on one (then p_of() would have to place it).
  int running_p(uint32_t g) const { return g < p_of_g_.size() ? p_of_g_[g] : kNoP; }
  /// Ps usable by goroutines: gomaxprocs minus dedicated workers (and a fractional burst).
  /// Goroutines on the Ps taken are preempted to the run queue's head (they resume first).
  void set_usable_ps(int n, sim::SimTimeNs now);
  /// Quantum expiry (called at multiples of quantum_ns): goroutines that ran a whole slice go to
  /// the run queue's tail when others wait, and the head ones take their Ps.
  void tick(sim::SimTimeNs now);

  /// Goroutines on Ps: the mutator's parallelism.
  int running() const { return running_; }
  size_t run_queue_length() const { return queued_; }
  int usable_ps() const { return usable_; }
  const SchedulerCounters& counters() const { return counters_; }
  const SchedulerSettings& settings() const { return s_; }
  /// The goroutine on P `p`, or -1.
  int64_t on_p(int p) const { return p_g_[static_cast<size_t>(p)]; }

  static constexpr int kNoP = -1;

 private:
  enum class State : uint8_t { kDead = 0, kRunnable = 1, kRunning = 2, kBlocked = 3 };
  int place(uint32_t g, sim::SimTimeNs now);
  void ensure(uint32_t g);
  void put_on(uint32_t g, int p, sim::SimTimeNs now);
  void take_off(int p);
  void fill_idle_ps(sim::SimTimeNs now);
  void runq_push_back(uint32_t g);
  void runq_push_front(uint32_t g);
  int64_t runq_pop();
  void runq_remove(uint32_t g);

  SchedulerSettings s_;
  int procs_;
  int usable_;
  int running_ = 0;
  std::vector<int> p_of_g_;               // P of a running goroutine, else kNoP
  std::vector<State> state_;
  std::vector<int64_t> p_g_;              // goroutine on each P, or -1
  std::vector<sim::SimTimeNs> slice_start_;  // per P: when its goroutine got it
  // FIFO with a moving head (compacted when half empty). Removal from the middle is lazy: an
  // entry is live only while its ticket equals the goroutine's current ticket (O(1) removal).
  struct QueueEntry {
    uint32_t g;
    uint32_t ticket;
  };
  std::vector<QueueEntry> runq_;
  size_t runq_head_ = 0;
  size_t queued_ = 0;                     // live entries
  std::vector<uint32_t> ticket_;          // per goroutine: ticket of its live entry (0 = not queued)
  uint32_t next_ticket_ = 1;
  int last_p_ = 0;                        // serial mode: the P the thread of control is on
  SchedulerCounters counters_;
};

}  // namespace gcsim::sched
