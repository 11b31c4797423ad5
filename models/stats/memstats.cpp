// SPDX-License-Identifier: MIT
#include "models/stats/memstats.hpp"

#include <ostream>

#include <nlohmann/json.hpp>

namespace gcsim::stats {

void write_memstats_jsonl(std::ostream& os, const std::vector<MemStatsSnapshot>& snapshots) {
  for (const MemStatsSnapshot& m : snapshots) {
    nlohmann::ordered_json j;
    j["t_ns"] = m.t_ns;
    j["goroutine"] = m.goroutine;
    j["heap_alloc"] = m.heap_alloc;
    j["total_alloc"] = m.total_alloc;
    j["sys"] = m.sys;
    j["mallocs"] = m.mallocs;
    j["frees"] = m.frees;
    j["heap_sys"] = m.heap_sys;
    j["heap_idle"] = m.heap_idle;
    j["heap_inuse"] = m.heap_inuse;
    j["heap_released"] = m.heap_released;
    j["heap_objects"] = m.heap_objects;
    j["stack_inuse"] = m.stack_inuse;
    j["next_gc"] = m.next_gc;
    j["last_gc"] = m.last_gc;
    j["pause_total_ns"] = m.pause_total_ns;
    j["pause_ns"] = m.pause_ns;
    j["num_gc"] = m.num_gc;
    j["num_forced_gc"] = m.num_forced_gc;
    j["gc_cpu_fraction"] = m.gc_cpu_fraction;
    os << j.dump() << '\n';
  }
}

}  // namespace gcsim::stats
