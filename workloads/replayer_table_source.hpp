// SPDX-License-Identifier: MIT
// The validation replayer's object table, prepended to a workload (workloads/go/replayer).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "workloads/trace_event.hpp"

namespace gcsim::workload {

/// The replayer (workloads/go/replayer/main.go) keeps every traced object reachable through one
/// `[]unsafe.Pointer` of object_id_bound entries, allocated before the replay loop and live to the
/// end: 8 B of pointerful heap per id that the traced program itself does not have. To compare
/// gcsim with a replay, the simulated program must have it too: this source emits, before the
/// inner stream, one pointerful allocation of 8 × bound bytes by goroutine 0 (object id = bound,
/// never freed), then the inner events unchanged. The bound must be known up front (binary traces
/// and generators know it; a text trace does not — convert it first).
class ReplayerTableSource : public EventSource {
 public:
  /// Throws ConfigError at `json_path` when the inner source's object-id bound is unknown.
  ReplayerTableSource(std::unique_ptr<EventSource> inner, const std::string& json_path);
  size_t next_batch(TraceEvent* out, size_t cap) override;
  uint32_t object_id_bound() const override { return table_id_ + 1; }
  std::string describe() const override { return inner_->describe(); }
  /// Bytes of the table: 8 per object id of the inner stream.
  uint64_t table_bytes() const { return uint64_t{8} * table_id_; }
  uint32_t table_id() const { return table_id_; }

 private:
  std::unique_ptr<EventSource> inner_;
  uint32_t table_id_;
  bool emitted_ = false;
};

}  // namespace gcsim::workload
