// SPDX-License-Identifier: MIT
// Params checking, the coroutine event source and the shared helpers of the concept generators.
#include "workloads/generators/concepts/concept_generator.hpp"

#include <algorithm>
#include <cmath>

#include "models/allocator/size_classes.hpp"
#include "sim/config/config_error.hpp"

namespace gcsim::workload::concepts {

ConceptParams::ConceptParams(std::span<const ParamSpec> specs, const Json& params, const std::string& path)
    : specs_(specs), values_(Json::object()) {
  std::vector<std::string_view> keys;
  for (const ParamSpec& s : specs) keys.emplace_back(s.name);
  config::require_object(params, path);
  config::require_only_keys(params, keys, path);
  for (const ParamSpec& s : specs) {
    switch (s.type) {
      case ParamSpec::Type::kU64:
        values_[s.name] = config::get_u64(params, path, s.name, static_cast<uint64_t>(s.default_value),
                                          static_cast<uint64_t>(s.min_value), static_cast<uint64_t>(s.max_value));
        break;
      case ParamSpec::Type::kReal:
        values_[s.name] = config::get_double(params, path, s.name, s.default_value, s.min_value, s.max_value);
        break;
      case ParamSpec::Type::kBool:
        values_[s.name] = config::get_bool(params, path, s.name, s.default_value != 0);
        break;
    }
  }
}

const ParamSpec& ConceptParams::spec(std::string_view name, ParamSpec::Type type) const {
  for (const ParamSpec& s : specs_)
    if (name == s.name && s.type == type) return s;
  throw std::logic_error("concept generator reads undeclared param " + std::string(name));
}

uint64_t ConceptParams::u64(std::string_view name) const {
  return values_.at(spec(name, ParamSpec::Type::kU64).name).get<uint64_t>();
}
double ConceptParams::real(std::string_view name) const {
  return values_.at(spec(name, ParamSpec::Type::kReal).name).get<double>();
}
bool ConceptParams::flag(std::string_view name) const {
  return values_.at(spec(name, ParamSpec::Type::kBool).name).get<bool>();
}

bool EventStream::next(TraceEvent& out) {
  if (!h_ || h_.done()) return false;
  h_.resume();
  if (h_.done()) {
    if (h_.promise().error) std::rethrow_exception(h_.promise().error);
    return false;
  }
  out = h_.promise().current;
  return true;
}

size_t ConceptSource::next_batch(TraceEvent* out, size_t cap) {
  size_t n = 0;
  while (n < cap && !done_) {
    if (stream_.next(out[n])) {
      ++n;
    } else {
      done_ = true;
    }
  }
  return n;
}

uint32_t ConceptSource::object_id_bound() const {
  if (bound_ == 0) {
    EventStream fresh = make_stream_();
    TraceEvent e;
    uint32_t bound = 0;
    while (fresh.next(e))
      if (e.kind == EventKind::kAlloc || e.kind == EventKind::kPoolGet) bound = std::max(bound, e.object_id + 1);
    bound_ = bound;
  }
  return bound_;
}

TraceEvent ev_alloc(uint32_t g, uint32_t id, uint64_t size_bytes, bool pointerful) {
  TraceEvent e;
  e.kind = EventKind::kAlloc;
  e.goroutine = g;
  e.object_id = id;
  e.size_bytes = size_bytes;
  e.pointerful = pointerful;
  return e;
}
TraceEvent ev_free(uint32_t id) {
  TraceEvent e;
  e.kind = EventKind::kFree;
  e.object_id = id;
  return e;
}
namespace {
TraceEvent ev_gv(EventKind k, uint32_t g, uint64_t value) {
  TraceEvent e;
  e.kind = k;
  e.goroutine = g;
  e.value = value;
  return e;
}
}  // namespace
TraceEvent ev_work(uint32_t g, uint64_t ns) { return ev_gv(EventKind::kWork, g, ns); }
TraceEvent ev_write(uint32_t g, uint64_t count) { return ev_gv(EventKind::kPtrWrite, g, count); }
TraceEvent ev_go(uint32_t g, uint64_t stack_bytes) { return ev_gv(EventKind::kGoStart, g, stack_bytes); }
TraceEvent ev_exit(uint32_t g) { return ev_gv(EventKind::kGoExit, g, 0); }
TraceEvent ev_stack(uint32_t g, uint64_t bytes) { return ev_gv(EventKind::kStack, g, bytes); }
TraceEvent ev_gc(uint32_t g) { return ev_gv(EventKind::kForceGc, g, 0); }
TraceEvent ev_memstats(uint32_t g) { return ev_gv(EventKind::kMemStats, g, 0); }
TraceEvent ev_pool_get(uint32_t g, uint32_t pool, uint32_t id, uint64_t size_bytes, bool pointerful) {
  TraceEvent e = ev_alloc(g, id, size_bytes, pointerful);
  e.kind = EventKind::kPoolGet;
  e.pool = pool;
  return e;
}
TraceEvent ev_pool_put(uint32_t g, uint32_t pool, uint32_t id) {
  TraceEvent e;
  e.kind = EventKind::kPoolPut;
  e.goroutine = g;
  e.pool = pool;
  e.object_id = id;
  return e;
}

EventBatch Churn::step() {
  EventBatch b;
  if (work_ns_ > 0) b.push(ev_work(g_, work_ns_));
  const uint32_t id = ids_.acquire();
  b.push(ev_alloc(g_, id, object_bytes_, pointerful_));
  if (uint64_t dead = fifo_.push(id); dead != GarbageFifo::kNone) {
    b.push(ev_free(static_cast<uint32_t>(dead)));
    ids_.release(static_cast<uint32_t>(dead));
  }
  return b;
}

uint64_t roundup_size_bytes(uint64_t size_bytes) {
  if (size_bytes <= alloc::kMaxSmallSizeBytes) {
    const auto& t = alloc::SizeClassTable::get();
    return t.info(t.class_of(size_bytes)).bytes_per_obj;
  }
  constexpr uint64_t kPage = 8192;
  return (size_bytes + kPage - 1) / kPage * kPage;
}

}  // namespace gcsim::workload::concepts
