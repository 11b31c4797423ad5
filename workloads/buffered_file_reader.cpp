// SPDX-License-Identifier: MIT
// Chunked file reading for the trace readers.
#include "workloads/buffered_file_reader.hpp"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "sim/config/config_error.hpp"

namespace gcsim::workload {

BufferedFileReader::BufferedFileReader(const std::string& path, size_t buffer_bytes)
    : path_(path), buf_(new char[buffer_bytes]), base_(buf_.get()), capacity_(buffer_bytes) {
  file_ = std::fopen(path.c_str(), "rb");
  if (file_ == nullptr) throw TraceError(path, std::string("cannot open for reading: ") + std::strerror(errno));
  std::setvbuf(file_, nullptr, _IONBF, 0);  // we buffer ourselves
}

BufferedFileReader::BufferedFileReader(const std::string& path, Mapped mapped)
    : BufferedFileReader(path, kDefaultBufferBytes) {
  struct stat st {};
  const long page = sysconf(_SC_PAGESIZE);
  if (fstat(fileno(file_), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && page > 0 &&
      mapped.window_bytes >= static_cast<size_t>(page)) {
    mapped_ = true;
    // Whole pages, so that every window starts on a page boundary and ends on one or at EOF.
    map_bytes_ = mapped.window_bytes / static_cast<size_t>(page) * static_cast<size_t>(page);
    file_bytes_ = static_cast<uint64_t>(st.st_size);
    buf_.reset();
    base_ = nullptr;
  }
}

BufferedFileReader::~BufferedFileReader() {
  unmap();
  if (file_ != nullptr) std::fclose(file_);
}

void BufferedFileReader::unmap() {
  if (mapped_ && base_ != nullptr) munmap(const_cast<char*>(base_), end_);
  if (mapped_) base_ = nullptr;
}

// Maps the window that starts at the page holding the first unconsumed byte.
size_t BufferedFileReader::refill_mapped() {
  const uint64_t first = base_offset_ + pos_;
  const uint64_t old_end = base_offset_ + end_;
  const auto page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  const uint64_t start = first / page * page;
  const auto len = static_cast<size_t>(std::min<uint64_t>(map_bytes_, file_bytes_ - start));
  unmap();
  void* m = mmap(nullptr, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fileno(file_), static_cast<off_t>(start));
  if (m == MAP_FAILED) {
    end_ = pos_ = 0;
    throw TraceError(path_, std::string("read error: ") + std::strerror(errno));
  }
  madvise(m, len, MADV_SEQUENTIAL);
  base_ = static_cast<const char*>(m);
  base_offset_ = start;
  pos_ = static_cast<size_t>(first - start);
  end_ = len;
  file_done_ = start + len == file_bytes_;
  return static_cast<size_t>(start + len - old_end);
}

size_t BufferedFileReader::refill() {
  if (mapped_) return file_done_ ? 0 : refill_mapped();
  if (pos_ > 0) {
    size_t n = end_ - pos_;
    std::memmove(buf_.get(), buf_.get() + pos_, n);
    base_offset_ += pos_;
    pos_ = 0;
    end_ = n;
  }
  size_t added = 0;
  while (!file_done_ && end_ < capacity_) {
    size_t got = std::fread(buf_.get() + end_, 1, capacity_ - end_, file_);
    end_ += got;
    added += got;
    if (got == 0) {
      if (std::ferror(file_)) throw TraceError(path_, std::string("read error: ") + std::strerror(errno));
      file_done_ = true;
    }
  }
  return added;
}

}  // namespace gcsim::workload
