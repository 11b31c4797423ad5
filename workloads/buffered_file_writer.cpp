// SPDX-License-Identifier: MIT
// Chunked file writing for the trace writers.
#include "workloads/buffered_file_writer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "sim/config/config_error.hpp"

namespace gcsim::workload {

BufferedFileWriter::BufferedFileWriter(const std::string& path, size_t buffer_bytes)
    : path_(path), buf_(new char[buffer_bytes]), capacity_(buffer_bytes) {
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) throw TraceError(path, std::string("cannot create: ") + std::strerror(errno));
  std::setvbuf(file_, nullptr, _IONBF, 0);
}

BufferedFileWriter::~BufferedFileWriter() {
  if (file_ == nullptr) return;
  if (used_ > 0) (void)!std::fwrite(buf_.get(), 1, used_, file_);
  std::fclose(file_);
}

void BufferedFileWriter::write_bytes(const void* data, size_t n) {
  const char* src = static_cast<const char*>(data);
  while (n > 0) {
    if (used_ == capacity_) flush();
    size_t k = std::min(n, capacity_ - used_);
    std::memcpy(buf_.get() + used_, src, k);
    used_ += k;
    src += k;
    n -= k;
  }
}

void BufferedFileWriter::flush() {
  if (file_ == nullptr) throw TraceError(path_, "write after close");
  if (used_ == 0) return;
  size_t n = std::fwrite(buf_.get(), 1, used_, file_);
  if (n != used_) {
    int e = errno;
    used_ = 0;
    throw TraceError(path_, std::string("write failed: ") + std::strerror(e));
  }
  used_ = 0;
}

bool BufferedFileWriter::patch(uint64_t offset, const void* data, size_t n) {
  flush();
  long end = std::ftell(file_);
  if (end < 0 || std::fseek(file_, static_cast<long>(offset), SEEK_SET) != 0) return false;
  bool ok = std::fwrite(data, 1, n, file_) == n;
  if (std::fseek(file_, end, SEEK_SET) != 0) ok = false;
  if (!ok) throw TraceError(path_, std::string("write failed: ") + std::strerror(errno));
  return true;
}

void BufferedFileWriter::close() {
  if (file_ == nullptr) return;
  flush();
  std::FILE* f = file_;
  file_ = nullptr;
  if (std::fclose(f) != 0) throw TraceError(path_, std::string("close failed: ") + std::strerror(errno));
}

}  // namespace gcsim::workload
