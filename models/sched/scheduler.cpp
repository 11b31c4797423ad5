// SPDX-License-Identifier: MIT
#include "models/sched/scheduler.hpp"

#include <algorithm>

#include "sim/config/config_error.hpp"
#include "sim/config/json_check.hpp"

namespace gcsim::sched {

using nlohmann::json;

SchedulerSettings SchedulerSettings::parse(const json& j, const std::string& path) {
  config::require_only_keys(j, {"mode", "quantum_ns", "sysmon_period_ns", "noise_seed"}, path);
  SchedulerSettings s;
  std::string mode = config::get_string(j, path, "mode", "parallel");
  if (mode == "parallel") {
    s.mode = Mode::kParallel;
  } else if (mode == "serial") {
    s.mode = Mode::kSerial;
  } else {
    throw ConfigError(config::join_path(path, "mode"),
                      "unknown scheduler mode '" + mode + "'; allowed: \"parallel\", \"serial\"");
  }
  s.quantum_ns = config::get_i64(j, path, "quantum_ns", s.quantum_ns, 100'000, 10'000'000'000);
  s.sysmon_period_ns = config::get_i64(j, path, "sysmon_period_ns", s.sysmon_period_ns, 0, 10'000'000'000);
  s.noise_seed = config::get_u64(j, path, "noise_seed", s.noise_seed);
  return s;
}

json SchedulerSettings::to_json() const {
  return json{{"mode", mode == Mode::kSerial ? "serial" : "parallel"},
              {"quantum_ns", quantum_ns},
              {"sysmon_period_ns", sysmon_period_ns},
              {"noise_seed", noise_seed}};
}

Scheduler::Scheduler(const SchedulerSettings& settings, int gomaxprocs)
    : s_(settings),
      procs_(gomaxprocs),
      usable_(gomaxprocs),
      p_g_(static_cast<size_t>(gomaxprocs), -1),
      slice_start_(static_cast<size_t>(gomaxprocs), 0) {}

void Scheduler::ensure(uint32_t g) {
  if (g < state_.size()) return;
  size_t n = std::max<size_t>(g + 1, state_.size() * 2);
  state_.resize(n, State::kDead);
  p_of_g_.resize(n, kNoP);
  ticket_.resize(n, 0);
}

void Scheduler::put_on(uint32_t g, int p, sim::SimTimeNs now) {
  p_g_[static_cast<size_t>(p)] = g;
  p_of_g_[g] = p;
  state_[g] = State::kRunning;
  slice_start_[static_cast<size_t>(p)] = now;
  ++running_;
}

void Scheduler::take_off(int p) {
  int64_t g = p_g_[static_cast<size_t>(p)];
  if (g < 0) return;
  p_of_g_[static_cast<size_t>(g)] = kNoP;
  p_g_[static_cast<size_t>(p)] = -1;
  --running_;
}

void Scheduler::runq_push_back(uint32_t g) {
  uint32_t t = next_ticket_++;
  if (next_ticket_ == 0) next_ticket_ = 1;
  ticket_[g] = t;
  if (runq_.size() - runq_head_ > 2 * queued_ + 1024) {
    // Mostly removed entries: keep the live ones, in order (amortised O(1); memory stays O(live)).
    std::vector<QueueEntry> live;
    live.reserve(queued_ + 1);
    for (size_t i = runq_head_; i < runq_.size(); ++i)
      if (ticket_[runq_[i].g] == runq_[i].ticket) live.push_back(runq_[i]);
    runq_.swap(live);
    runq_head_ = 0;
  }
  runq_.push_back({g, t});
  ++queued_;
  counters_.max_run_queue = std::max<uint64_t>(counters_.max_run_queue, queued_);
}

void Scheduler::runq_push_front(uint32_t g) {
  uint32_t t = next_ticket_++;
  if (next_ticket_ == 0) next_ticket_ = 1;
  ticket_[g] = t;
  if (runq_head_ > 0) {
    runq_[--runq_head_] = {g, t};
  } else {
    runq_.insert(runq_.begin(), QueueEntry{g, t});
  }
  ++queued_;
  counters_.max_run_queue = std::max<uint64_t>(counters_.max_run_queue, queued_);
}

int64_t Scheduler::runq_pop() {
  while (runq_head_ < runq_.size()) {
    QueueEntry e = runq_[runq_head_++];
    if (ticket_[e.g] != e.ticket) continue;  // removed since it was queued
    ticket_[e.g] = 0;
    --queued_;
    if (runq_head_ == runq_.size()) {
      runq_.clear();
      runq_head_ = 0;
    } else if (runq_head_ > 1024 && runq_head_ * 2 > runq_.size()) {
      runq_.erase(runq_.begin(), runq_.begin() + static_cast<std::ptrdiff_t>(runq_head_));
      runq_head_ = 0;
    }
    return e.g;
  }
  runq_.clear();
  runq_head_ = 0;
  return -1;
}

void Scheduler::runq_remove(uint32_t g) {
  if (ticket_[g] == 0) return;
  ticket_[g] = 0;
  --queued_;
  if (queued_ == 0) {
    runq_.clear();
    runq_head_ = 0;
  }
}

// schedule → findRunnable (proc.go): an idle P takes the run queue's head. Serial mode has no run
// queue: blocked goroutines wait for the stream.
void Scheduler::fill_idle_ps(sim::SimTimeNs now) {
  for (int p = 0; p < usable_ && run_queue_length() > 0; ++p) {
    if (p_g_[static_cast<size_t>(p)] >= 0) continue;
    put_on(static_cast<uint32_t>(runq_pop()), p, now);
  }
}

void Scheduler::start(uint32_t g, sim::SimTimeNs now) {
  ensure(g);
  if (state_[g] != State::kDead) return;
  if (s_.mode == Mode::kSerial) {
    state_[g] = State::kBlocked;
    if (running_ == 0) put_on(g, std::min(last_p_, std::max(usable_ - 1, 0)), now);
    return;
  }
  state_[g] = State::kRunnable;
  runq_push_back(g);
  fill_idle_ps(now);
}

void Scheduler::exit(uint32_t g, sim::SimTimeNs now) {
  if (g >= state_.size() || state_[g] == State::kDead) return;
  if (state_[g] == State::kRunning) {
    take_off(p_of_g_[g]);
  } else if (state_[g] == State::kRunnable) {
    runq_remove(g);
  }
  state_[g] = State::kDead;
  if (s_.mode == Mode::kParallel) fill_idle_ps(now);
}

// The stream names a goroutine that is not on a P.
int Scheduler::place(uint32_t g, sim::SimTimeNs now) {
  ensure(g);
  if (state_[g] == State::kDead) start(g, now);
  if (state_[g] == State::kRunning) return p_of_g_[g];
  if (s_.mode == Mode::kSerial) {
    // The running goroutine parks (e.g. blocks on a channel) and readies `g`, which runs next on
    // the same P (runnext, proc.go ready/runqput with next=true).
    int p = std::min(last_p_, std::max(usable_ - 1, 0));
    int64_t cur = p_g_[static_cast<size_t>(p)];
    if (cur >= 0) {
      take_off(p);
      state_[static_cast<size_t>(cur)] = State::kBlocked;
    }
    put_on(g, p, now);
    last_p_ = p;
    ++counters_.handoffs;
    return p;
  }
  // Parallel mode: `g` is queued but the stream says it executes now; it displaces the goroutine
  // that has had its P longest (lowest P index on ties), which goes to the run queue's tail.
  runq_remove(g);
  int victim = -1;
  for (int p = 0; p < usable_; ++p) {
    if (p_g_[static_cast<size_t>(p)] < 0) {
      victim = p;
      break;
    }
    if (victim < 0 || slice_start_[static_cast<size_t>(p)] < slice_start_[static_cast<size_t>(victim)]) victim = p;
  }
  if (victim < 0) victim = 0;  // no usable P: the caller does not run the mutator then
  int64_t cur = p_g_[static_cast<size_t>(victim)];
  if (cur >= 0) {
    take_off(victim);
    state_[static_cast<size_t>(cur)] = State::kRunnable;
    runq_push_back(static_cast<uint32_t>(cur));
    ++counters_.stream_switches;
  }
  put_on(g, victim, now);
  return victim;
}

// Dedicated mark workers (and a fractional burst) take Ps from the top of the index range
// (gcController.findRunnableGCWorker runs them on whichever P schedules; a fixed choice keeps the
// run deterministic). The goroutines there resume first when Ps come back.
void Scheduler::set_usable_ps(int n, sim::SimTimeNs now) {
  n = std::clamp(n, 0, procs_);
  if (n < usable_) {
    for (int p = usable_ - 1; p >= n; --p) {
      int64_t g = p_g_[static_cast<size_t>(p)];
      if (g < 0) continue;
      take_off(p);
      ++counters_.worker_preemptions;
      if (s_.mode == Mode::kSerial) {
        usable_ = n;
        if (n > 0) {
          put_on(static_cast<uint32_t>(g), 0, now);  // the thread of control moves to a free P
          last_p_ = 0;
        } else {
          state_[static_cast<size_t>(g)] = State::kBlocked;
        }
        continue;
      }
      state_[static_cast<size_t>(g)] = State::kRunnable;
      runq_push_front(static_cast<uint32_t>(g));
    }
  }
  usable_ = n;
  if (s_.mode == Mode::kParallel) fill_idle_ps(now);
}

// sysmon retake → preemptone (proc.go): a goroutine that has run for a whole slice yields its P
// when others are waiting (globrunqput at the tail).
void Scheduler::tick(sim::SimTimeNs now) {
  if (s_.mode != Mode::kParallel) return;
  for (int p = 0; p < usable_ && run_queue_length() > 0; ++p) {
    int64_t g = p_g_[static_cast<size_t>(p)];
    if (g < 0 || now - slice_start_[static_cast<size_t>(p)] < s_.quantum_ns) continue;
    take_off(p);
    state_[static_cast<size_t>(g)] = State::kRunnable;
    runq_push_back(static_cast<uint32_t>(g));
    put_on(static_cast<uint32_t>(runq_pop()), p, now);
    ++counters_.quantum_preemptions;
  }
}

}  // namespace gcsim::sched
