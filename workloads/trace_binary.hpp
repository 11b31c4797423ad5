// SPDX-License-Identifier: MIT
// Binary trace form (.gctb): a streaming, validating reader and a writer of dense-id records.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "workloads/buffered_file_reader.hpp"
#include "workloads/buffered_file_writer.hpp"
#include "workloads/record_window.hpp"
#include "workloads/trace_event.hpp"
#include "workloads/trace_writer.hpp"

namespace gcsim::workload {

/// Reads a version-1 binary trace through a 1 MiB buffer. Object ids are already dense and are
/// passed through, but validated with a liveness bit vector (sized by the header's object_id_bound,
/// or grown on demand when the bound is 0): alloc or pool_get of a live id, and free or pool_put of a
/// non-live id, are errors.
/// Errors throw TraceError("path:byte N", ...) where N is the offset of the offending record.
class BinaryTraceReader final : public EventSource {
 public:
  /// Opens `path` and checks magic, version and flags (throws TraceError).
  explicit BinaryTraceReader(const std::string& path);

  size_t next_batch(TraceEvent* out, size_t cap) override;
  /// The header's object_id_bound (0 if the writer could not record it).
  uint32_t object_id_bound() const override { return header_bound_; }
  std::string describe() const override;
  /// The replay fast path (workloads/record_window.hpp): the unread records of the current window
  /// but its last kMaxBinaryRecordBytes (those, and the file's end, are next_batch()'s).
  bool open_records(RecordWindow& w) override;
  void close_records(const RecordWindow& w) override;

  /// Bits in the liveness vector (tests: bounded by the id bound, not by trace length).
  size_t liveness_capacity_bits() const { return live_bits_.size() * 64; }

 private:
  [[noreturn]] void fail_at(uint64_t offset, const std::string& what) const;
  void read_header();
  /// Decodes the records that lie wholly in [p, end) into out[n..cap); returns the new n and
  /// advances p. `last` says the file ends at `end` (so a partial record is truncation).
  size_t decode(const uint8_t*& p, const uint8_t* end, bool last, TraceEvent* out, size_t n, size_t cap);
  /// decode() for one value of `last` (kLast), so the common case has no per-field bounds checks.
  template <bool kLast>
  size_t decode_window(const uint8_t*& p, const uint8_t* end, TraceEvent* out, size_t n, size_t cap);
  /// The common records (alloc, free, write, work) with fields of at most 4 varint bytes and
  /// nothing to report, decoded in a tight loop; stops before the first other record (which
  /// decode_window() then decodes, reporting any error) or at `limit` / `cap`. The caller
  /// guarantees kMaxBinaryRecordBytes readable bytes after every record start before `limit`.
  size_t decode_hot(const uint8_t*& p, const uint8_t* limit, TraceEvent* out, size_t n, size_t cap);
  /// A RecordWindow over [p, limit) with the current liveness bits.
  RecordWindow window(const uint8_t* p, const uint8_t* limit);
  /// Decodes the pool_put/pool_get record at `rec` (which lies in [rec, end)) into `ev`, updating
  /// liveness; returns the end of the record. Out of decode()'s loop: decoding them inline there
  /// slowed the common records by ~10%.
  [[gnu::noinline]] const uint8_t* decode_pool(const uint8_t* rec, const uint8_t* end, TraceEvent& ev);
  // Error paths, kept out of the hot loop.
  [[noreturn, gnu::cold]] void bad_tag(const uint8_t* rec) const;
  [[noreturn, gnu::cold]] void bad_varint(const uint8_t* rec, bool truncated) const;
  [[noreturn, gnu::cold]] void bad_range(const uint8_t* rec, const char* field, uint64_t v, uint64_t lo,
                                         uint64_t hi) const;
  /// Liveness slow paths (alloc/pool_get, free/pool_put): ids beyond the bit vector, and errors.
  [[gnu::cold]] void alloc_slow(uint64_t id, const uint8_t* rec);
  [[noreturn, gnu::cold]] void free_error(uint64_t id, const uint8_t* rec) const;
  void check_id_range(uint64_t id, uint64_t offset) const;
  uint64_t offset_of(const uint8_t* p) const { return in_.offset_of(reinterpret_cast<const char*>(p)); }

  BufferedFileReader in_;
  uint32_t header_bound_ = 0;
  uint64_t id_limit_ = 0;  ///< ids must be below this: header_bound_, or kMaxObjectIds if that is 0
  std::vector<uint64_t> live_bits_;
  bool done_ = false;
};

/// Writes events as a version-1 binary trace: the header first with object_id_bound 0, then one
/// record per event; close() seeks back and stores max id + 1 as object_id_bound (left 0 if the
/// output cannot seek).
class BinaryTraceWriter final : public EventSink {
 public:
  /// Creates `path` and writes the header; throws TraceError if it cannot.
  explicit BinaryTraceWriter(const std::string& path);
  void write(const TraceEvent& event) override;
  void write_batch(const TraceEvent* events, size_t n) override;
  void close() override;
  /// max object id written + 1.
  uint32_t object_id_bound() const { return bound_; }

 private:
  BufferedFileWriter out_;
  uint32_t bound_ = 0;
};

}  // namespace gcsim::workload
