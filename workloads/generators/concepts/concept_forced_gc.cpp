// SPDX-License-Identifier: MIT
// concept-forced-gc: runtime.GC() frees only what is unreachable; referenced objects survive it.
#include "workloads/generators/concepts/concept_generator.hpp"

namespace gcsim::workload::concepts {
namespace {

using T = ParamSpec::Type;
constexpr ParamSpec kParams[] = {
    {"kept_bytes", T::kU64, 8 << 20, 0, double(uint64_t{1} << 34), "objects still referenced at the first runtime.GC()"},
    {"garbage_bytes", T::kU64, 24 << 20, 0, double(uint64_t{1} << 34), "objects already unreachable at it"},
    {"object_bytes", T::kU64, 1024, 1, 32768, "size of every object (pointerful)"},
};

// Sequence: allocate kept + garbage objects (the garbage is dropped), ReadMemStats; runtime.GC(),
// ReadMemStats; drop the kept objects, runtime.GC(), ReadMemStats. With GOGC=off only the two forced
// cycles run (mgc.go GC: a full mark + sweep before it returns).
EventStream body(ConceptParams p, uint64_t) {
  const uint64_t ob = p.u64("object_bytes");
  DenseIdPool ids;
  std::vector<uint32_t> kept;
  for (uint64_t b = 0; b < p.u64("kept_bytes"); b += ob) {
    kept.push_back(ids.acquire());
    co_yield ev_alloc(0, kept.back(), ob, true);
    co_yield ev_write(0, 1);
  }
  for (uint64_t b = 0; b < p.u64("garbage_bytes"); b += ob) {
    const uint32_t id = ids.acquire();
    co_yield ev_alloc(0, id, ob, true);
    co_yield ev_free(id);
    ids.release(id);
  }
  co_yield ev_memstats(0);
  co_yield ev_gc(0);
  co_yield ev_memstats(0);
  for (uint32_t id : kept) co_yield ev_free(id);
  co_yield ev_gc(0);
  co_yield ev_memstats(0);
}

}  // namespace

ConceptKind forced_gc_concept() {
  return {"concept-forced-gc", "runtime.GC(): a forced cycle frees unreachable objects only", kParams, body};
}

}  // namespace gcsim::workload::concepts
