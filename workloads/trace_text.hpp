// SPDX-License-Identifier: MIT
// Text trace form (.gct): a streaming reader that renumbers labels to dense ids, and a writer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "workloads/buffered_file_reader.hpp"
#include "workloads/buffered_file_writer.hpp"
#include "workloads/id_renumberer.hpp"
#include "workloads/trace_event.hpp"
#include "workloads/trace_writer.hpp"

namespace gcsim::workload {

/// Reads a version-1 text trace line by line through a 1 MiB buffer, parsing with std::from_chars
/// and no per-line allocation. Object labels are renumbered to dense ids (IdRenumberer), so memory
/// is bounded by the peak number of live objects. pool_get assigns a label like alloc, pool_put
/// releases one like free (TRACE_FORMAT.md §1.1). Errors throw TraceError("path:line", ...).
class TextTraceReader final : public EventSource {
 public:
  /// Opens `path` and checks the `gcsim-trace 1` header (throws TraceError if absent/unsupported).
  explicit TextTraceReader(const std::string& path);

  size_t next_batch(TraceEvent* out, size_t cap) override;
  /// Unknown in advance for text traces: 0. (ids_issued() gives the bound seen so far.)
  uint32_t object_id_bound() const override { return 0; }
  std::string describe() const override;

  /// Introspection (tests, stats): memory use is bounded by live objects, not by trace length.
  size_t live_objects() const { return ids_.live_count(); }
  size_t label_table_capacity() const { return ids_.table_capacity(); }
  uint32_t ids_issued() const { return ids_.id_bound(); }
  uint64_t line_number() const { return line_; }

 private:
  bool next_line(const char*& begin, const char*& end);
  /// Parses one line; returns false for blank/comment lines.
  bool parse_line(const char* begin, const char* end, TraceEvent& event);
  void read_header();
  uint64_t parse_field(std::string_view event, std::string_view field, std::string_view token, uint64_t lo,
                       uint64_t hi) const;
  [[noreturn]] void fail(const std::string& what) const;

  BufferedFileReader in_;
  IdRenumberer ids_;
  uint64_t line_ = 0;
  bool done_ = false;
};

/// Writes events as a version-1 text trace; dense ids are written as the labels. Optional fields
/// equal to their defaults (write count 1, go stack 0) are omitted.
class TextTraceWriter final : public EventSink {
 public:
  /// Creates `path` and writes the header; throws TraceError if it cannot.
  explicit TextTraceWriter(const std::string& path);
  void write(const TraceEvent& event) override;
  void write_batch(const TraceEvent* events, size_t n) override;
  void close() override;

 private:
  BufferedFileWriter out_;
};

}  // namespace gcsim::workload
