// SPDX-License-Identifier: MIT
// The "concept-*" generator family: small programs that each teach one idea of Go memory management.
#pragma once

#include <array>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/config/json_check.hpp"
#include "workloads/dense_id_pool.hpp"
#include "workloads/generators/generator_common.hpp"
#include "workloads/trace_event.hpp"

namespace gcsim::workload::concepts {

using config::Json;

/// One parameter of a concept generator, declared once: name, type, default, inclusive range, meaning.
struct ParamSpec {
  enum class Type : uint8_t { kU64, kReal, kBool };
  const char* name;
  Type type;
  double default_value;  ///< bools: 0 or 1; u64 defaults must be exact in a double (< 2^53)
  double min_value;
  double max_value;
  const char* help;
};

/// Params of one concept generator, checked against its ParamSpec table: unknown keys and
/// out-of-range values throw ConfigError naming `path`.key.
class ConceptParams {
 public:
  ConceptParams(std::span<const ParamSpec> specs, const Json& params, const std::string& path);
  uint64_t u64(std::string_view name) const;
  double real(std::string_view name) const;
  bool flag(std::string_view name) const;
  /// Every parameter with its resolved value (for resolved_config.json).
  const Json& resolved() const { return values_; }

 private:
  const ParamSpec& spec(std::string_view name, ParamSpec::Type type) const;
  std::span<const ParamSpec> specs_;
  Json values_;
};

/// The body of a concept generator: a coroutine that co_yields events in trace order. Written as
/// straight-line code ("build the map, delete 90 %, call runtime.GC()"), it still streams: the
/// coroutine is resumed once per event and holds only its own locals.
class EventStream {
 public:
  struct promise_type {
    TraceEvent current;
    std::exception_ptr error;
    EventStream get_return_object() { return EventStream(Handle::from_promise(*this)); }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    std::suspend_always yield_value(const TraceEvent& ev) {
      current = ev;
      return {};
    }
    void return_void() {}
    void unhandled_exception() { error = std::current_exception(); }
  };
  using Handle = std::coroutine_handle<promise_type>;

  EventStream(EventStream&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  EventStream& operator=(EventStream&&) = delete;
  EventStream(const EventStream&) = delete;
  ~EventStream() {
    if (h_) h_.destroy();
  }
  /// Resumes the body up to its next event; false when it has finished (rethrows its exception).
  bool next(TraceEvent& out);

 private:
  explicit EventStream(Handle h) : h_(h) {}
  Handle h_;
};

/// An EventSource over an EventStream. `make_stream` starts the body afresh (it must be
/// deterministic): object_id_bound() drains a second stream once, so that a replayer table
/// (workload.replayer_table) can be placed above every id.
class ConceptSource final : public EventSource {
 public:
  ConceptSource(std::string description, std::function<EventStream()> make_stream)
      : description_(std::move(description)), make_stream_(std::move(make_stream)), stream_(make_stream_()) {}
  size_t next_batch(TraceEvent* out, size_t cap) override;
  std::string describe() const override { return description_; }
  uint32_t object_id_bound() const override;

 private:
  std::string description_;
  std::function<EventStream()> make_stream_;
  EventStream stream_;
  bool done_ = false;
  mutable uint32_t bound_ = 0;
};

// Event constructors (TRACE_FORMAT.md §1).
TraceEvent ev_alloc(uint32_t g, uint32_t id, uint64_t size_bytes, bool pointerful);
TraceEvent ev_free(uint32_t id);
TraceEvent ev_work(uint32_t g, uint64_t ns);
TraceEvent ev_write(uint32_t g, uint64_t count);
TraceEvent ev_go(uint32_t g, uint64_t stack_bytes);
TraceEvent ev_exit(uint32_t g);
TraceEvent ev_stack(uint32_t g, uint64_t bytes);
TraceEvent ev_pool_get(uint32_t g, uint32_t pool, uint32_t id, uint64_t size_bytes, bool pointerful);
TraceEvent ev_pool_put(uint32_t g, uint32_t pool, uint32_t id);
TraceEvent ev_gc(uint32_t g);        ///< runtime.GC()
TraceEvent ev_memstats(uint32_t g);  ///< runtime.ReadMemStats

/// At most a few events, returned by the helpers below and co_yielded one by one by a body.
struct EventBatch {
  std::array<TraceEvent, 4> events{};
  size_t count = 0;
  void push(const TraceEvent& e) { events[count++] = e; }
  const TraceEvent* begin() const { return events.data(); }
  const TraceEvent* end() const { return events.data() + count; }
};

/// Short-lived garbage that drives GC cycles: every step allocates one object of `object_bytes`
/// (optionally after `work_ns` of CPU) and frees the one allocated `lifetime_allocs` steps earlier.
class Churn {
 public:
  Churn(DenseIdPool& ids, uint32_t g, uint64_t object_bytes, bool pointerful, uint64_t lifetime_allocs,
        uint64_t work_ns)
      : ids_(ids), g_(g), object_bytes_(object_bytes), pointerful_(pointerful), fifo_(lifetime_allocs),
        work_ns_(work_ns) {}
  EventBatch step();
  /// Steps needed to allocate `bytes`.
  uint64_t steps_for(uint64_t bytes) const { return (bytes + object_bytes_ - 1) / object_bytes_; }

 private:
  DenseIdPool& ids_;
  uint32_t g_;
  uint64_t object_bytes_;
  bool pointerful_;
  GarbageFifo fifo_;
  uint64_t work_ns_;
};

/// roundupsize (msize.go@1.19): the bytes mallocgc really allocates for `size_bytes` (the size
/// class for small sizes, whole 8 KiB pages for large ones).
uint64_t roundup_size_bytes(uint64_t size_bytes);

/// One concept generator: kind (e.g. "concept-subslice"), one-line summary, params, body.
struct ConceptKind {
  const char* kind;
  const char* summary;
  std::span<const ParamSpec> params;
  EventStream (*body)(ConceptParams params, uint64_t seed);
};

/// Every concept generator, in the order of the guide (configs/scenarios/README.md).
const std::vector<ConceptKind>& concept_kinds();

}  // namespace gcsim::workload::concepts
