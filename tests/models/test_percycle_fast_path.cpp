// SPDX-License-Identifier: MIT
// The per-cycle harness's fast path (revise() inline through Pacer::frozen_revise_inputs, runs of
// identical revise periods as one step) gives exactly the results of calling revise() every period.
#include <doctest/doctest.h>

#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "models/pacer/assist_ratio.hpp"
#include "models/pacer/registry.hpp"
#include "models/percycle/go_test_scenarios.hpp"
#include "models/percycle/harness.hpp"
#include "models/percycle/scenario.hpp"

using namespace gcsim;
using namespace gcsim::pacer;
using namespace gcsim::percycle;

namespace {

/// Forwards to a pacer but offers no frozen revise inputs, so the harness calls revise() every
/// period: the reference path. On every revise() it also checks the contract of the inner pacer's
/// frozen_revise_inputs(), taken right after start_cycle(): redesign_assist_ratio() with them must
/// give exactly revise()'s ratio.
class ReferencePacer : public Pacer {
 public:
  explicit ReferencePacer(Pacer& inner) : inner_(inner) {}
  void commit(const CommitInputs& in) override { inner_.commit(in); }
  TriggerGoal trigger(const HeapSnapshot& heap) const override { return inner_.trigger(heap); }
  WorkerPlan start_cycle(const CycleStartInputs& in) override {
    WorkerPlan plan = inner_.start_cycle(in);
    frozen_valid_ = inner_.frozen_revise_inputs(in.heap, frozen_);
    return plan;
  }
  AssistRatio revise(const MarkProgress& in) const override {
    const AssistRatio a = inner_.revise(in);
    if (frozen_valid_) {
      const AssistRatio b = redesign_assist_ratio(frozen_, in);
      ++checked_;
      if (std::bit_cast<uint64_t>(a.work_per_byte) != std::bit_cast<uint64_t>(b.work_per_byte) ||
          std::bit_cast<uint64_t>(a.bytes_per_work) != std::bit_cast<uint64_t>(b.bytes_per_work))
        ++mismatches_;
    }
    return a;
  }
  CycleEndReport end_cycle(const CycleEndInputs& in) override {
    frozen_valid_ = false;
    return inner_.end_cycle(in);
  }
  nlohmann::json state() const override { return inner_.state(); }

  int64_t checked() const { return checked_; }
  int64_t mismatches() const { return mismatches_; }

 private:
  Pacer& inner_;
  ReviseInputs frozen_;
  bool frozen_valid_ = false;
  mutable int64_t checked_ = 0;
  mutable int64_t mismatches_ = 0;
};

bool same_bits(double a, double b) { return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b); }

/// Every field of two cycles' results equal, doubles bit for bit.
bool identical(const CycleResult& a, const CycleResult& b) {
  return a.cycle == b.cycle && a.heap_marked_bytes == b.heap_marked_bytes && a.trigger_bytes == b.trigger_bytes &&
         a.goal_bytes == b.goal_bytes && a.peak_bytes == b.peak_bytes && a.live_bytes == b.live_bytes &&
         a.stack_bytes == b.stack_bytes && a.globals_bytes == b.globals_bytes &&
         a.scan_work_bytes == b.scan_work_bytes && a.expected_work_bytes == b.expected_work_bytes &&
         same_bits(a.alloc_rate, b.alloc_rate) && same_bits(a.scan_rate, b.scan_rate) &&
         same_bits(a.utilization, b.utilization) && same_bits(a.goal_utilization, b.goal_utilization) &&
         same_bits(a.cons_mark, b.cons_mark) && same_bits(a.measured_cons_mark, b.measured_cons_mark) &&
         same_bits(a.r_estimate, b.r_estimate) && same_bits(a.r_planned, b.r_planned) &&
         same_bits(a.alloc_scan_ratio, b.alloc_scan_ratio) && same_bits(a.overshoot, b.overshoot) &&
         a.mark_ns == b.mark_ns && a.cycle_ns == b.cycle_ns && same_bits(a.assist_cpu_ns, b.assist_cpu_ns);
}

std::vector<Scenario> all_scenarios() {
  std::vector<Scenario> all = go_test_scenarios();
  for (const std::string& name : redesign_scenario_names())
    all.push_back(
        load_pacer_model_scenario(std::string(GCSIM_SOURCE_ROOT) + "/configs/pacers/scenarios/" + name + ".json"));
  return all;
}

}  // namespace

TEST_SUITE("pacer") {
  TEST_CASE("per-cycle fast path: identical results to revise() every period, for every strategy") {
    const std::vector<Scenario> all = all_scenarios();
    for (const PacerKind& k : pacer_kinds()) {
      int64_t checked = 0;
      for (Semantics sem : {Semantics::kRuntime, Semantics::kModel}) {
        // Runtime semantics also with shorter and longer revise periods than Go's 500 µs.
        const std::vector<int64_t> periods =
            sem == Semantics::kRuntime ? std::vector<int64_t>{100'000, 500'000, 2'000'000} : std::vector<int64_t>{0};
        for (int64_t period_ns : periods) {
          HarnessOptions o;
          o.semantics = sem;
          if (period_ns > 0) o.revise_period_ns = period_ns;
          const nlohmann::json slot = harness_pacer_slot({{"kind", k.kind}}, o);
          for (const Scenario& s : all) {
            if (s.gc_percent < 0 && (k.kind == "go1.5-legacy" || k.kind == "redesign-model")) continue;
            CAPTURE(k.kind);
            CAPTURE(s.name);
            CAPTURE(semantics_name(sem));
            CAPTURE(period_ns);
            auto fast_pacer = make_pacer(slot, "pacer", context_for(s, o));
            auto ref_inner = make_pacer(slot, "pacer", context_for(s, o));
            ReferencePacer ref(*ref_inner);
            const std::vector<CycleResult> fast = run_scenario(s, *fast_pacer, o);
            const std::vector<CycleResult> slow = run_scenario(s, ref, o);
            REQUIRE(fast.size() == slow.size());
            size_t first_diff = fast.size();
            for (size_t i = 0; i < fast.size() && first_diff == fast.size(); ++i)
              if (!identical(fast[i], slow[i])) first_diff = i;
            CHECK_MESSAGE(first_diff == fast.size(), "results differ from cycle ", first_diff + 1);
            CHECK(ref.mismatches() == 0);
            checked += ref.checked();
          }
        }
      }
      // The redesign-style strategies offer the fast path; the others keep revise() every period.
      const bool offers = k.kind != "go1.5-legacy" && k.kind != "redesign-model";
      CAPTURE(k.kind);
      CHECK((checked > 0) == offers);
    }
  }

  TEST_CASE("per-cycle fast path: Go's TestGcPacer scenarios take far fewer steps than revise periods") {
    // Deterministic, so robust on any machine: guards the throughput of `gcsim bench`'s per-cycle
    // line (issue target >= 1 M GC cycles/s) against the fast path silently switching off.
    int64_t periods = 0, steps = 0;
    const HarnessOptions o;
    for (const Scenario& s : go_test_scenarios()) {
      auto p = make_pacer(harness_pacer_slot({{"kind", "go"}}, o), "pacer", context_for(s, o));
      Harness h(s, *p, o);
      for (const CycleInputs& c : s.cycles) h.step(c);
      periods += h.periods_run();
      steps += h.steps_run();
    }
    CAPTURE(periods);
    CAPTURE(steps);
    CHECK(periods > 50 * 1000);
    CHECK(steps * 3 < periods);
  }
}
