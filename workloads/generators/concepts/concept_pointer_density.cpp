// SPDX-License-Identifier: MIT
// concept-pointer-density: the same live bytes as pointer-free values in big arrays or as
// individually allocated pointer-rich structs: mark work differs, heap size does not.
#include "workloads/generators/concepts/concept_generator.hpp"

namespace gcsim::workload::concepts {
namespace {

using T = ParamSpec::Type;
constexpr ParamSpec kParams[] = {
    {"pointers", T::kBool, 1, 0, 1, "true: []*Node, one pointerful object per node; false: []Node values in noscan arrays"},
    {"live_bytes", T::kU64, 32 << 20, 1, double(uint64_t{1} << 34), "bytes of nodes kept live"},
    {"node_bytes", T::kU64, 64, 8, 32768, "size of one node"},
    {"chunk_bytes", T::kU64, 1 << 20, 8, double(uint64_t{1} << 30), "values layout: bytes per backing array"},
    {"churn_bytes", T::kU64, 256 << 20, 0, double(uint64_t{1} << 40), "short-lived noscan garbage (drives GCs)"},
    {"work_ns_per_alloc", T::kU64, 200, 0, 1e6, "mutator CPU before each garbage allocation"},
};

// greyobject/scanobject (mgcmark.go): an object in a noscan span is marked and never scanned; a
// pointerful object is queued and scanned word by word. gcsim's mark cost = scan bytes ×
// scan_ns_per_byte + reachable objects × mark_ns_per_object, so many small pointerful nodes cost far
// more than a few big pointer-free arrays holding the same bytes.
EventStream body(ConceptParams p, uint64_t) {
  const uint64_t live = p.u64("live_bytes"), node = p.u64("node_bytes");
  DenseIdPool ids;
  if (p.flag("pointers")) {
    for (uint64_t b = 0; b < live; b += node) {
      co_yield ev_alloc(0, ids.acquire(), node, true);
      co_yield ev_write(0, 1);  // linked into the structure
    }
  } else {
    const uint64_t chunk = p.u64("chunk_bytes") / node * node;
    for (uint64_t b = 0; b < live; b += chunk) co_yield ev_alloc(0, ids.acquire(), std::min(chunk, live - b), false);
  }
  Churn churn(ids, 0, 64, false, 64, p.u64("work_ns_per_alloc"));
  for (uint64_t i = churn.steps_for(p.u64("churn_bytes")); i > 0; --i)
    for (const TraceEvent& e : churn.step()) co_yield e;
}

}  // namespace

ConceptKind pointer_density_concept() {
  return {"concept-pointer-density", "pointer density: same live bytes as noscan value arrays or pointerful nodes",
          kParams, body};
}

}  // namespace gcsim::workload::concepts
