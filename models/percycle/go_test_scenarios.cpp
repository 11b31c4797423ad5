// SPDX-License-Identifier: MIT
#include "models/percycle/go_test_scenarios.hpp"

#include <stdexcept>

#include "models/percycle/streams.hpp"

namespace gcsim::percycle {
namespace {

constexpr uint64_t kInitialHeapBytes = 256 << 10;  // initialHeapBytes
constexpr double kMinRate = 0.0001;                // minRate

/// gcExecTest: the stream definition of one TestGcPacer case.
struct ExecTest {
  const char* name;
  int32_t gc_percent;
  uint64_t memory_limit_bytes;
  uint64_t globals_bytes;
  Stream alloc_rate, scan_rate, growth_rate, scannable_frac, stack_bytes;
  int length;
};

/// gcExecTest.next(), `length` times.
Scenario expand(ExecTest e) {
  Scenario s;
  s.name = e.name;
  s.gc_percent = e.gc_percent;
  s.memory_limit_bytes = e.memory_limit_bytes;
  s.globals_bytes = e.globals_bytes;
  s.initial_live_heap_bytes = kInitialHeapBytes;
  s.gomaxprocs = 8;
  s.rate_unit_bytes_per_cpu_ns = kGoTestRateUnit;
  Stream alloc = e.alloc_rate.min(kMinRate), scan = e.scan_rate.min(kMinRate), growth = e.growth_rate.min(kMinRate),
         frac = e.scannable_frac.limit(0, 1), stack = e.stack_bytes.quantize(2048).min(0);
  for (int i = 0; i < e.length; ++i) {
    CycleInputs c;
    c.alloc_rate = alloc();
    c.scan_rate = scan();
    c.growth_rate = growth();
    c.scannable_frac = frac();
    c.stack_bytes = static_cast<uint64_t>(stack());
    s.cycles.push_back(c);
  }
  return s;
}

Stream steady_growth() { return constant(2.0).sum({ramp(-1.0, 12)}); }

std::vector<ExecTest> table() {
  constexpr uint64_t kNoLimit = kNoMemoryLimit;
  constexpr uint64_t kLimit = 512 << 20;
  return {
      {"Steady", 100, kNoLimit, 32 << 10, constant(33.0), constant(1024.0), steady_growth(), constant(1.0),
       constant(8192), 50},
      {"SteadyBigStacks", 100, kNoLimit, 32 << 10, constant(132.0), constant(1024.0), steady_growth(), constant(1.0),
       constant(2048).sum({ramp(128 << 20, 8)}), 50},
      {"SteadyBigGlobals", 100, kNoLimit, 128 << 20, constant(132.0), constant(1024.0), steady_growth(),
       constant(1.0), constant(8192), 50},
      {"StepAlloc", 100, kNoLimit, 32 << 10, constant(33.0).sum({ramp(66.0, 1).delay(50)}), constant(1024.0),
       steady_growth(), constant(1.0), constant(8192), 100},
      {"HeavyStepAlloc", 100, kNoLimit, 32 << 10, constant(33).sum({ramp(330, 1).delay(50)}), constant(1024.0),
       steady_growth(), constant(1.0), constant(8192), 100},
      {"StepScannableFrac", 100, kNoLimit, 32 << 10, constant(128.0), constant(1024.0), steady_growth(),
       constant(0.2).sum({unit(0.5).delay(50)}), constant(8192), 100},
      {"HighGOGC", 1500, kNoLimit, 32 << 10, random(7, 0x53).offset(165), constant(1024.0),
       constant(2.0).sum({ramp(-1.0, 12), random(0.01, 0x1), unit(14).delay(25)}), constant(1.0), constant(8192),
       50},
      {"OscAlloc", 100, kNoLimit, 32 << 10, oscillate(13, 0, 8).offset(67), constant(1024.0), steady_growth(),
       constant(1.0), constant(8192), 50},
      {"JitterAlloc", 100, kNoLimit, 32 << 10, random(13, 0xf).offset(132), constant(1024.0),
       constant(2.0).sum({ramp(-1.0, 12), random(0.01, 0xe)}), constant(1.0), constant(8192), 50},
      {"HeavyJitterAlloc", 100, kNoLimit, 32 << 10, random(33.0, 0x0).offset(330), constant(1024.0),
       constant(2.0).sum({ramp(-1.0, 12), random(0.01, 0x152)}), constant(1.0), constant(8192), 50},
      {"SmallHeapSlowAlloc", 100, kNoLimit, 32 << 10, constant(1.0), constant(2048.0),
       constant(2.0).sum({ramp(-1.0, 3)}), constant(0.01), constant(8192), 50},
      {"MediumHeapSlowAlloc", 100, kNoLimit, 32 << 10, constant(1.0), constant(2048.0),
       constant(2.0).sum({ramp(-1.0, 8)}), constant(0.01), constant(8192), 50},
      {"LargeHeapSlowAlloc", 100, kNoLimit, 32 << 10, constant(1.0), constant(2048.0),
       constant(4.0).sum({ramp(-3.0, 12)}), constant(0.01), constant(8192), 50},
      {"SteadyMemoryLimit", 100, kLimit, 32 << 10, constant(33.0), constant(1024.0), steady_growth(), constant(1.0),
       constant(8192), 50},
      {"SteadyMemoryLimitNoGCPercent", -1, kLimit, 32 << 10, constant(33.0), constant(1024.0), steady_growth(),
       constant(1.0), constant(8192), 50},
      {"ExceedMemoryLimit", 100, kLimit, 32 << 10, constant(33.0), constant(1024.0),
       constant(3.5).sum({ramp(-2.5, 12)}), constant(1.0), constant(8192), 50},
      {"ExceedMemoryLimitNoGCPercent", -1, kLimit, 32 << 10, constant(33.0), constant(1024.0),
       constant(3.5).sum({ramp(-2.5, 12)}), constant(1.0), constant(8192), 50},
      {"MaintainMemoryLimit", 100, kLimit, 32 << 10, constant(33.0), constant(1024.0),
       constant(3.0).sum({ramp(-2.0, 12)}), constant(1.0), constant(8192), 50},
      {"MaintainMemoryLimitNoGCPercent", -1, kLimit, 32 << 10, constant(33.0), constant(1024.0),
       constant(3.0).sum({ramp(-2.0, 12)}), constant(1.0), constant(8192), 50},
  };
}

}  // namespace

std::vector<Scenario> go_test_scenarios() {
  std::vector<Scenario> out;
  for (ExecTest& e : table()) out.push_back(expand(e));
  return out;
}

Scenario go_test_scenario(const std::string& name) {
  for (ExecTest& e : table())
    if (name == e.name) return expand(e);
  throw std::out_of_range("no TestGcPacer scenario named " + name);
}

}  // namespace gcsim::percycle
