// SPDX-License-Identifier: MIT
// Format detection for trace files.
#include "workloads/trace_open.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "sim/config/config_error.hpp"
#include "workloads/trace_binary.hpp"
#include "workloads/trace_format.hpp"
#include "workloads/trace_text.hpp"

namespace gcsim::workload {
namespace {
bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
}  // namespace

std::unique_ptr<EventSource> open_trace(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) throw TraceError(path, std::string("cannot open for reading: ") + std::strerror(errno));
  char magic[8] = {};
  size_t got = std::fread(magic, 1, sizeof magic, f);
  std::fclose(f);
  if (got == kBinaryMagic.size() && std::memcmp(magic, kBinaryMagic.data(), kBinaryMagic.size()) == 0)
    return std::make_unique<BinaryTraceReader>(path);
  return std::make_unique<TextTraceReader>(path);
}

TraceFileFormat trace_format_for_path(const std::string& path) {
  if (ends_with(path, ".gctb")) return TraceFileFormat::kBinary;
  if (ends_with(path, ".gct")) return TraceFileFormat::kText;
  throw InputError(path, "unknown trace file extension; use .gct (text) or .gctb (binary)");
}

std::unique_ptr<EventSink> create_trace_writer(const std::string& path, TraceFileFormat format) {
  if (format == TraceFileFormat::kBinary) return std::make_unique<BinaryTraceWriter>(path);
  return std::make_unique<TextTraceWriter>(path);
}

}  // namespace gcsim::workload
