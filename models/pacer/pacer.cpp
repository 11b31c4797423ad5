// SPDX-License-Identifier: MIT
// Shared pieces of the pacer interface.
#include "models/pacer/pacer.hpp"

#include "models/pacer/formulas.hpp"

namespace gcsim::pacer {

// startCycle (mgcpacer.go@1.19): worker counts and the idle-worker cap.
WorkerPlan make_worker_plan(int gomaxprocs, uint64_t triggered_bytes) {
  BackgroundWorkers w = background_workers(gomaxprocs);
  WorkerPlan plan;
  plan.dedicated_workers = w.dedicated;
  plan.fractional_goal = w.fractional_goal;
  plan.max_idle_workers = gomaxprocs - w.dedicated;
  plan.triggered_bytes = triggered_bytes;
  return plan;
}

}  // namespace gcsim::pacer
