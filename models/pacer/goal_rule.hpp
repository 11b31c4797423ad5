// SPDX-License-Identifier: MIT
// Which GOGC heap-goal formula and minimum heap a pacer uses: the runtime's, or a published variant.
#pragma once

#include <cstdint>
#include <string>

#include "models/pacer/formulas.hpp"

namespace gcsim::pacer {

/// The three published forms of the GOGC heap goal (go-runtime-notes §1.1, §13.2). With M the heap
/// marked by the last cycle, S the stack term, G the globals, g = GOGC/100 and γ = 1 + g:
///   kRuntime:    N = M + (M + S + G)·g   (mgcpacer.go 1.18+, integer arithmetic; what Go runs)
///   kDesignDoc:  N = γ·M + S + G         (design/44167 "Heap goal"; equal to kRuntime at GOGC=100)
///   kPacerModel: N = γ·(M + S + G)       (mknyszek/pacer-model simulation/go117.go, used for the
///                                          design document's plots: larger than kRuntime by S + G)
enum class GoalFormula { kRuntime, kDesignDoc, kPacerModel };

inline const char* goal_formula_name(GoalFormula f) {
  switch (f) {
    case GoalFormula::kRuntime: return "runtime";
    case GoalFormula::kDesignDoc: return "design-doc";
    case GoalFormula::kPacerModel: return "pacer-model";
  }
  return "runtime";
}

inline bool parse_goal_formula(const std::string& s, GoalFormula& out) {
  for (GoalFormula f : {GoalFormula::kRuntime, GoalFormula::kDesignDoc, GoalFormula::kPacerModel}) {
    if (s == goal_formula_name(f)) {
      out = f;
      return true;
    }
  }
  return false;
}

/// The goal rule a pacer is built with (PacerContext::goal_rule). The default is exactly the
/// runtime's: gogc_heap_goal_bytes() with heapMinimum = 4 MiB·GOGC/100.
struct GoalRule {
  GoalFormula formula = GoalFormula::kRuntime;
  uint64_t min_heap_bytes = 0;  ///< floor of the goal; 0 = the runtime's heapMinimum, 4 MiB·GOGC/100

  bool is_runtime() const { return formula == GoalFormula::kRuntime && min_heap_bytes == 0; }

  uint64_t minimum_bytes(int32_t gc_percent) const {
    return min_heap_bytes != 0 ? min_heap_bytes : heap_minimum_bytes(gc_percent);
  }

  /// The GOGC goal before the minimum heap, sweep distance and memory limit; kNoGoal for GOGC=off.
  uint64_t goal_bytes(uint64_t heap_marked, uint64_t stack, uint64_t globals, int32_t gc_percent) const {
    if (gc_percent < 0) return kNoGoal;
    uint64_t goal = 0;
    const double gamma = 1.0 + static_cast<double>(gc_percent) / 100.0;
    switch (formula) {
      case GoalFormula::kRuntime:
        goal = heap_marked + (heap_marked + stack + globals) * static_cast<uint64_t>(gc_percent) / 100;
        break;
      case GoalFormula::kDesignDoc:
        goal = static_cast<uint64_t>(gamma * static_cast<double>(heap_marked)) + stack + globals;
        break;
      case GoalFormula::kPacerModel:
        goal = static_cast<uint64_t>(gamma * static_cast<double>(heap_marked + stack + globals));
        break;
    }
    uint64_t minimum = minimum_bytes(gc_percent);
    return goal < minimum ? minimum : goal;
  }
};

}  // namespace gcsim::pacer
