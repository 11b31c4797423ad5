// SPDX-License-Identifier: MIT
#include "workloads/replayer_table_source.hpp"

#include "sim/config/config_error.hpp"

namespace gcsim::workload {

ReplayerTableSource::ReplayerTableSource(std::unique_ptr<EventSource> inner, const std::string& json_path)
    : inner_(std::move(inner)), table_id_(inner_->object_id_bound()) {
  if (table_id_ == 0 || table_id_ == UINT32_MAX)
    throw ConfigError(json_path, "needs a workload whose object-id bound is known up front (a binary trace or a "
                                 "generator); convert a text trace with 'gcsim trace convert' first");
}

size_t ReplayerTableSource::next_batch(TraceEvent* out, size_t cap) {
  if (cap == 0) return 0;
  size_t n = 0;
  if (!emitted_) {
    // table = make([]unsafe.Pointer, tr.bound) (replayer main.go), before the replay loop.
    TraceEvent t;
    t.kind = EventKind::kAlloc;
    t.pointerful = true;
    t.goroutine = 0;
    t.object_id = table_id_;
    t.size_bytes = table_bytes();
    out[n++] = t;
    emitted_ = true;
  }
  return n + inner_->next_batch(out + n, cap - n);
}

}  // namespace gcsim::workload
