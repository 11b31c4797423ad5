// SPDX-License-Identifier: MIT
// Tests of label -> dense id renumbering: ids bounded by peak live, reuse only after free.
#include <doctest/doctest.h>

#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "sim/rng.hpp"
#include "workloads/dense_id_pool.hpp"
#include "workloads/id_renumberer.hpp"

using namespace gcsim::workload;
using Status = IdRenumberer::Status;

TEST_SUITE("workloads") {
  TEST_CASE("DenseIdPool: fresh ids only when none are free; LIFO reuse") {
    DenseIdPool p;
    CHECK(p.acquire() == 0);
    CHECK(p.acquire() == 1);
    CHECK(p.acquire() == 2);
    p.release(1);
    p.release(0);
    CHECK(p.acquire() == 0);
    CHECK(p.acquire() == 1);
    CHECK(p.acquire() == 3);
    CHECK(p.bound() == 4);
    CHECK(p.held() == 4);
  }

  TEST_CASE("IdRenumberer: errors for double alloc and free of dead labels") {
    IdRenumberer r;
    uint32_t id = 99;
    CHECK(r.assign(123456789012345ULL, id) == Status::kOk);
    CHECK(id == 0);
    CHECK(r.assign(123456789012345ULL, id) == Status::kAlreadyLive);
    CHECK(r.release(5, id) == Status::kNotLive);
    CHECK(r.release(123456789012345ULL, id) == Status::kOk);
    CHECK(id == 0);
    CHECK(r.release(123456789012345ULL, id) == Status::kNotLive);
    CHECK(r.live_count() == 0);
  }

  TEST_CASE("IdRenumberer: random workload matches a reference map; ids dense and reused only after free") {
    gcsim::sim::Rng rng(7);
    IdRenumberer r;
    std::unordered_map<uint64_t, uint32_t> ref;  // live label -> id
    std::vector<uint64_t> live_labels;
    std::unordered_set<uint32_t> live_ids;
    size_t peak_live = 0;
    uint64_t next_label = 1;
    for (int step = 0; step < 400000; ++step) {
      // Live set wanders between ~0 and ~6000 objects; labels are sparse 64-bit values.
      bool do_alloc = live_labels.empty() || rng.below(100) < (step % 100000 < 50000 ? 55u : 45u);
      if (do_alloc) {
        uint64_t label = gcsim::sim::mix64(next_label++);
        uint32_t id = 0;
        REQUIRE(r.assign(label, id) == Status::kOk);
        REQUIRE(live_ids.insert(id).second);  // an id is never handed out while still live
        ref[label] = id;
        live_labels.push_back(label);
      } else {
        size_t k = rng.below(live_labels.size());
        uint64_t label = live_labels[k];
        live_labels[k] = live_labels.back();
        live_labels.pop_back();
        uint32_t id = 0;
        REQUIRE(r.release(label, id) == Status::kOk);
        REQUIRE(id == ref.at(label));
        ref.erase(label);
        live_ids.erase(id);
        uint32_t again = 0;
        REQUIRE(r.release(label, again) == Status::kNotLive);
      }
      peak_live = std::max(peak_live, live_labels.size());
      REQUIRE(r.live_count() == live_labels.size());
    }
    CHECK(r.id_bound() == peak_live);  // dense: bound == peak live objects exactly
    CHECK(r.table_capacity() <= 4 * peak_live + 1024);
    for (uint64_t label : live_labels) {
      uint32_t id = 0;
      REQUIRE(r.release(label, id) == Status::kOk);
      REQUIRE(id == ref.at(label));
    }
    CHECK(r.live_count() == 0);
  }
}
