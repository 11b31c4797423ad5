// SPDX-License-Identifier: MIT
// A write buffer over a file, flushed in large chunks; writers encode records straight into it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

namespace gcsim::workload {

/// Buffered output file. reserve(n) returns a pointer where at least n bytes may be written, and
/// commit(p) marks the bytes up to p as written. I/O failures throw TraceError(path, ...).
class BufferedFileWriter {
 public:
  static constexpr size_t kDefaultBufferBytes = size_t{1} << 20;

  /// Creates/truncates `path`; throws TraceError(path, "cannot create ...").
  explicit BufferedFileWriter(const std::string& path, size_t buffer_bytes = kDefaultBufferBytes);
  /// Closes the file without reporting errors (call close() to get them).
  ~BufferedFileWriter();
  BufferedFileWriter(const BufferedFileWriter&) = delete;
  BufferedFileWriter& operator=(const BufferedFileWriter&) = delete;

  /// n must be <= the buffer size.
  char* reserve(size_t n) {
    if (used_ + n > capacity_) flush();
    return buf_.get() + used_;
  }
  void commit(const char* p) { used_ = static_cast<size_t>(p - buf_.get()); }
  void write_bytes(const void* data, size_t n);
  void flush();
  /// Overwrites already-written bytes at `offset` (after a flush). Returns false if the file
  /// cannot seek (a pipe), in which case nothing is written.
  bool patch(uint64_t offset, const void* data, size_t n);
  /// Flushes and closes; throws on error. Idempotent.
  void close();
  bool is_open() const { return file_ != nullptr; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  std::unique_ptr<char[]> buf_;
  size_t capacity_;
  size_t used_ = 0;
};

}  // namespace gcsim::workload
