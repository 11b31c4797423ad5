// SPDX-License-Identifier: MIT
// concept-map: a map's bucket array grows with it but never shrinks when entries are deleted;
// copying the survivors into a new map frees the old buckets.
#include "workloads/generators/concepts/concept_generator.hpp"

namespace gcsim::workload::concepts {
namespace {

using T = ParamSpec::Type;
constexpr ParamSpec kParams[] = {
    {"recreate", T::kBool, 0, 0, 1, "after the deletes, copy the survivors into make(map, n) and drop the old map"},
    {"entries", T::kU64, 100000, 1, 1e9, "keys inserted (map[int64][value_bytes]byte)"},
    {"value_bytes", T::kU64, 64, 1, 128, "element size (<= 128: stored in the bucket)"},
    {"delete_fraction", T::kReal, 0.9, 0, 1, "share of the keys deleted afterwards"},
    {"work_ns_per_op", T::kU64, 20, 0, 1e6, "mutator CPU per insert/delete (hashing, probing)"},
};

constexpr uint64_t kBucketCnt = 8;     // bucketCnt (map.go)
constexpr uint64_t kHmapBytes = 48;    // sizeof(hmap) on 64-bit

// overLoadFactor (map.go): count > bucketCnt && count > loadFactor (6.5) × 2^B.
bool over_load_factor(uint64_t count, uint32_t b) {
  return count > kBucketCnt && count * 2 > 13 * (uint64_t{1} << b);
}
// makeBucketArray (map.go): 2^B buckets, plus 2^(B-4) preallocated overflow buckets when B >= 4.
uint64_t bucket_array_bytes(uint32_t b, uint64_t bucket_bytes) {
  uint64_t n = uint64_t{1} << b;
  if (b >= 4) n += uint64_t{1} << (b - 4);
  return n * bucket_bytes;
}

// Inserts grow the map by hashGrow (B+1, a new bucket array); the old array is evacuated
// incrementally (growWork, ~2 buckets per insert) and becomes garbage when evacuation completes,
// modelled as after oldbuckets/2 further inserts. mapdelete only clears slots: nothing is freed.
EventStream body(ConceptParams p, uint64_t) {
  const uint64_t n = p.u64("entries"), w = p.u64("work_ns_per_op");
  // bmap: tophash [8]uint8, keys [8]int64, elems [8]V, overflow pointer.
  const uint64_t bucket_bytes = kBucketCnt + kBucketCnt * 8 + kBucketCnt * p.u64("value_bytes") + 8;
  DenseIdPool ids;
  const uint32_t hmap = ids.acquire();
  co_yield ev_alloc(0, hmap, kHmapBytes, true);
  uint32_t b = 0;
  uint32_t buckets = ids.acquire();
  co_yield ev_alloc(0, buckets, bucket_array_bytes(0, bucket_bytes), false);
  uint32_t old = 0;
  uint64_t evacuate_left = 0;  // inserts until the old array is garbage
  for (uint64_t count = 0; count < n; ++count) {
    if (evacuate_left > 0 && --evacuate_left == 0) {
      co_yield ev_free(old);
      ids.release(old);
    }
    if (evacuate_left == 0 && over_load_factor(count + 1, b)) {  // mapassign: !h.growing() && overLoadFactor
      old = buckets;
      ++b;
      buckets = ids.acquire();
      co_yield ev_alloc(0, buckets, bucket_array_bytes(b, bucket_bytes), false);
      co_yield ev_write(0, 2);  // h.oldbuckets, h.buckets
      evacuate_left = std::max<uint64_t>(1, (uint64_t{1} << (b - 1)) / 2);
    }
    if (w > 0) co_yield ev_work(0, w);
  }
  if (evacuate_left > 0) {
    co_yield ev_free(old);
    ids.release(old);
  }
  co_yield ev_gc(0);
  co_yield ev_memstats(0);  // full map

  const auto remaining = static_cast<uint64_t>(static_cast<double>(n) * (1 - p.real("delete_fraction")));
  if (w > 0) co_yield ev_work(0, w * (n - remaining));  // the deletes: slots cleared, buckets kept
  co_yield ev_gc(0);
  co_yield ev_memstats(0);  // after deleting

  if (p.flag("recreate")) {
    uint32_t nb = 0;  // makemap with a size hint: the smallest B that holds `remaining`
    while (over_load_factor(remaining, nb)) ++nb;
    co_yield ev_alloc(0, ids.acquire(), kHmapBytes, true);
    co_yield ev_alloc(0, ids.acquire(), bucket_array_bytes(nb, bucket_bytes), false);
    if (w > 0) co_yield ev_work(0, w * remaining);  // copying the survivors
    co_yield ev_free(buckets);
    co_yield ev_free(hmap);
  }
  co_yield ev_gc(0);
  co_yield ev_memstats(0);  // after recreating (or not)
}

}  // namespace

ConceptKind map_concept() {
  return {"concept-map", "maps don't shrink: buckets stay after deletes; recreating the map frees them", kParams,
          body};
}

}  // namespace gcsim::workload::concepts
