// SPDX-License-Identifier: MIT
// A fixed-size read window over a file, refilled in large chunks (no per-record allocation).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

namespace gcsim::workload {

/// Reads a file through one fixed buffer (default 1 MiB). The caller parses the unconsumed window
/// [begin(), end()), moves begin() forward with consume_to(), and calls refill() when it needs more
/// bytes; refill() keeps the unconsumed bytes, so a record may straddle chunk boundaries.
class BufferedFileReader {
 public:
  static constexpr size_t kDefaultBufferBytes = size_t{1} << 20;

  /// Window of a memory-mapped reader.
  static constexpr size_t kDefaultMapBytes = size_t{4} << 20;

  /// Throws TraceError(path, "cannot open ...") if the file cannot be opened.
  explicit BufferedFileReader(const std::string& path, size_t buffer_bytes = kDefaultBufferBytes);
  /// Tag for the constructor below.
  struct Mapped {
    size_t window_bytes = kDefaultMapBytes;
  };
  /// A regular, non-empty file is read through a read-only mapping of a `window_bytes` window
  /// (moved forward by refill()) instead of being copied into a buffer: the same window
  /// interface without the kernel's copy. Anything else (a pipe, an empty file) is read through
  /// the buffer as above. window_full() is not meaningful for a mapped file.
  BufferedFileReader(const std::string& path, Mapped mapped);
  ~BufferedFileReader();
  BufferedFileReader(const BufferedFileReader&) = delete;
  BufferedFileReader& operator=(const BufferedFileReader&) = delete;

  const char* begin() const { return base_ + pos_; }
  const char* end() const { return base_ + end_; }
  size_t available() const { return end_ - pos_; }
  void consume_to(const char* p) { pos_ = static_cast<size_t>(p - base_); }
  /// True once the file has no more bytes to deliver (the window may still hold some).
  bool file_done() const { return file_done_; }
  /// True if the window is as large as the buffer (refill cannot add bytes).
  bool window_full() const { return available() == capacity_; }
  /// Moves the window to the buffer start and reads until full or end of file.
  /// Returns the number of new bytes. Throws TraceError on a read error.
  size_t refill();
  /// File offset of a pointer inside the window.
  uint64_t offset_of(const char* p) const { return base_offset_ + static_cast<uint64_t>(p - base_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  size_t refill_mapped();
  void unmap();

  std::unique_ptr<char[]> buf_;
  const char* base_ = nullptr;  ///< buf_, or the mapping of the window [base_offset_, base_offset_ + end_)
  size_t capacity_;
  bool mapped_ = false;
  size_t map_bytes_ = 0;        ///< mapped mode: window size
  uint64_t file_bytes_ = 0;     ///< mapped mode: file size at open
  size_t pos_ = 0;
  size_t end_ = 0;
  uint64_t base_offset_ = 0;  ///< file offset of buf_[0]
  bool file_done_ = false;
};

}  // namespace gcsim::workload
