// SPDX-License-Identifier: MIT
// Goroutine stacks: doubling growth with copies, shrink at GC, 1.19 adaptive starting size.
#include <doctest/doctest.h>

#include "models/stacks/goroutine_stacks.hpp"

using namespace gcsim::stacks;

TEST_SUITE("gc") {
  TEST_CASE("stack growth sequence 2 → 4 → 8 KiB, each growth copies the used part") {
    GoroutineStacks s;
    s.start(1, 0);
    CHECK(s.inuse_bytes() == 2048);
    CHECK(s.set_used(1, 1500) == 0);     // fits
    CHECK(s.set_used(1, 3000) == 1500);  // 2 → 4 KiB, copies the 1500 bytes in use
    CHECK(s.inuse_bytes() == 4096);
    CHECK(s.set_used(1, 6000) == 3000);  // 4 → 8 KiB
    CHECK(s.inuse_bytes() == 8192);
    CHECK(s.growth_copies() == 2);
    CHECK(s.growth_copied_bytes() == 4500);
    CHECK(s.set_used(1, 40000) == 6000);  // 8 → 64 KiB in one growth (doubled until it fits)
    CHECK(s.inuse_bytes() == 65536);
    CHECK(s.scan_bytes() == 40000);
  }

  TEST_CASE("shrink halves a stack under a quarter used, never below 2 KiB") {
    CHECK(shrunk_stack_bytes(65536, 1000) == 32768);
    CHECK(shrunk_stack_bytes(65536, 20000) == 65536);
    CHECK(shrunk_stack_bytes(2048, 10) == 2048);
    GoroutineStacks s;
    s.start(1, 0);
    s.set_used(1, 30000);  // 32 KiB
    s.set_used(1, 100);
    s.on_mark_termination();
    CHECK(s.inuse_bytes() == 16384);
  }

  TEST_CASE("Go 1.19 starting stack size: average scanned stack + guard, rounded up to a power of two") {
    CHECK(starting_stack_bytes(0, 0) == 2048);
    CHECK(starting_stack_bytes(100 * 10, 10) == 2048);     // 100 + 928 < 2048
    CHECK(starting_stack_bytes(5000 * 4, 4) == 8192);      // 5928 → 8192
    CHECK(starting_stack_bytes(20000 * 2, 2) == 32768);    // 20928 → 32768
    GoroutineStacks s;
    for (uint32_t g = 0; g < 4; ++g) s.set_used(g, 5000);
    s.on_mark_termination();
    CHECK(s.starting_stack_bytes() == 8192);
    s.start(10, 0);
    CHECK(s.inuse_bytes() == 4 * 8192 + 8192);  // a new goroutine starts with 8 KiB
  }
}
