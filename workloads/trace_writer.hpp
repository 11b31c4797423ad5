// SPDX-License-Identifier: MIT
// EventSink: where a stream of trace events is written (text or binary trace files).
#pragma once

#include <cstddef>

#include "workloads/trace_event.hpp"

namespace gcsim::workload {

/// Consumer of an event stream. Writers trust their input: object ids must already be dense and
/// consistent (alloc of a non-live id, free of a live id) as every EventSource guarantees.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void write(const TraceEvent& event) = 0;
  virtual void write_batch(const TraceEvent* events, size_t n) {
    for (size_t i = 0; i < n; ++i) write(events[i]);
  }
  /// Finishes the output (flush, header fix-ups). Throws TraceError on I/O failure. Events written
  /// after close() are an error. Destroying a sink without close() leaves a possibly incomplete file.
  virtual void close() = 0;
};

}  // namespace gcsim::workload
