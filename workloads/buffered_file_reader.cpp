// SPDX-License-Identifier: MIT
// Chunked file reading for the trace readers.
#include "workloads/buffered_file_reader.hpp"

#include <cerrno>
#include <cstring>

#include "sim/config/config_error.hpp"

namespace gcsim::workload {

BufferedFileReader::BufferedFileReader(const std::string& path, size_t buffer_bytes)
    : path_(path), buf_(new char[buffer_bytes]), capacity_(buffer_bytes) {
  file_ = std::fopen(path.c_str(), "rb");
  if (file_ == nullptr) throw TraceError(path, std::string("cannot open for reading: ") + std::strerror(errno));
  std::setvbuf(file_, nullptr, _IONBF, 0);  // we buffer ourselves
}

BufferedFileReader::~BufferedFileReader() {
  if (file_ != nullptr) std::fclose(file_);
}

size_t BufferedFileReader::refill() {
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
