// SPDX-License-Identifier: MIT
// runtime.ReadMemStats (mstats.go@1.19, readmemstats_m): a MemStats snapshot at the current instant.
#include "models/process/go_process.hpp"

namespace gcsim {

void GoProcess::read_memstats(uint32_t g) {
  alloc::HeapFigures f = heap_.figures();
  stats::MemStatsSnapshot m;
  m.t_ns = now_;
  m.goroutine = g;
  m.heap_alloc = f.heap_alloc_bytes;
  m.total_alloc = f.total_alloc_bytes;
  m.sys = sys_bytes();
  m.mallocs = f.mallocs;
  m.frees = f.frees;
  m.heap_sys = f.heap_sys_bytes;
  m.heap_inuse = f.heap_inuse_bytes;
  m.heap_idle = f.heap_sys_bytes - f.heap_inuse_bytes;
  m.heap_released = f.heap_released_bytes;
  m.heap_objects = f.mallocs >= f.frees ? f.mallocs - f.frees : 0;
  m.stack_inuse = stacks_.inuse_bytes();
  m.next_gc = pacer_.trigger(snapshot()).goal_bytes;
  m.num_gc = static_cast<uint32_t>(rec_.cycles.size());
  for (const stats::CycleRecord& c : rec_.cycles) {
    // gcMarkTermination: memstats.pause_ns[numgc%256] = work.pauseNS (both STW pauses), numgc++.
    auto pause = static_cast<uint64_t>(c.stw_sweep_term_ns() + c.stw_mark_term_ns());
    m.pause_ns[(c.cycle - 1) % m.pause_ns.size()] = pause;
    m.pause_total_ns += pause;
    m.num_forced_gc += c.forced ? 1 : 0;
    m.last_gc = c.end_ns;
  }
  m.gc_cpu_fraction = gc_cpu_fraction();
  rec_.memstats.push_back(m);
}

}  // namespace gcsim
