// SPDX-License-Identifier: MIT
// Scavenger: background release toward the retained goal at ~1 % CPU; allocation-time scavenging.
#include <doctest/doctest.h>

#include "models/pacer/go_pacer.hpp"
#include "models/process/go_process.hpp"
#include "workloads/workload_factory.hpp"

using namespace gcsim;

namespace {

stats::RunRecord run_drop(double scavenge_ns_per_page, int32_t gogc, uint64_t limit) {
  nlohmann::json params = {{"live_bytes", 96 << 20}, {"after_drop_live_bytes", 8 << 20}, {"drop_at_fraction", 0.3},
                           {"total_alloc_bytes", 1536u << 20}};
  auto src = workload::make_generator("drop", params, "params", 1);
  RuntimeSettings rt;
  rt.gomaxprocs = 2;
  rt.gc_percent = gogc;
  rt.memory_limit_bytes = limit;
  pacer::GoPacer p(pacer::GoPacerParams{}, rt);
  ProcessSettings s;
  s.runtime = rt;
  s.memory.scavenge_ns_per_page = scavenge_ns_per_page;
  s.sample_period_ns = 1'000'000;
  GoProcess proc(s, *src, p);
  return proc.run();
}

}  // namespace

TEST_SUITE("gc") {
  TEST_CASE("after a live-set drop the background scavenger returns memory, at about 1 % of CPU") {
    stats::RunRecord r = run_drop(2000, 100, kNoMemoryLimit);
    CHECK(r.totals.released_bytes > 0);
    uint64_t peak_rss = 0, final_rss = r.samples.back().rss_estimate_bytes;
    for (const auto& smp : r.samples) peak_rss = std::max(peak_rss, smp.rss_estimate_bytes);
    MESSAGE("peak RSS " << (peak_rss >> 20) << " MiB, final " << (final_rss >> 20) << " MiB, released "
                        << (r.totals.released_bytes >> 20) << " MiB over " << r.totals.simulated_ns / 1e6 << " ms");
    CHECK(final_rss < peak_rss);
    // Rate bound: 1 % of 2 Ps' time at 2 µs per 8 KiB page (plus allocation-time scavenging, which
    // only happens past the retained goal and is bounded by the heap's growth).
    double bg_pages_max = 0.01 * 2 * static_cast<double>(r.totals.simulated_ns) / 2000.0;
    CHECK(static_cast<double>(r.totals.released_bytes) / 8192 <= bg_pages_max * 1.05 + 4096);
    // A slower scavenger releases less in the same time.
    stats::RunRecord slow = run_drop(200000, 100, kNoMemoryLimit);
    CHECK(slow.totals.released_bytes < r.totals.released_bytes);
  }

  TEST_CASE("over the memory limit, allocation-time scavenging keeps total memory near the limit") {
    // GOGC=off, 64 MiB limit, the 96 MiB live set exceeds it: without scavenging the freed spans of
    // earlier cycles would stay mapped.
    stats::RunRecord r = run_drop(2000, -1, 64u << 20);
    CHECK(r.totals.released_bytes > 0);
    uint64_t after_drop_max = 0;
    for (const auto& smp : r.samples)
      if (smp.t_ns > r.totals.simulated_ns * 3 / 4) after_drop_max = std::max(after_drop_max, smp.mapped_ready_bytes);
    MESSAGE("mapped ready in the last quarter: max " << (after_drop_max >> 20) << " MiB");
    CHECK(after_drop_max <= (64u << 20) + (8u << 20));
  }
}
