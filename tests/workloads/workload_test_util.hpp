// SPDX-License-Identifier: MIT
// Helpers for workload tests: unique temp directories, small files, draining event sources.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "workloads/trace_event.hpp"
#include "workloads/trace_format.hpp"

namespace gcsim::workload::test {

/// A fresh directory under /tmp, removed with its contents on destruction.
class TempDir {
 public:
  TempDir() {
    std::string templ = "/tmp/gcsim_workloads_test_XXXXXX";
    if (mkdtemp(templ.data()) == nullptr) std::abort();
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline void write_file(const std::string& path, const std::string& content) {
  std::ofstream f(path, std::ios::binary);
  f << content;
}

inline std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

/// Drains a source (small streams only: materialises).
inline std::vector<TraceEvent> read_all(EventSource& source, size_t batch = 7) {
  std::vector<TraceEvent> all;
  std::vector<TraceEvent> buf(batch);
  while (size_t n = source.next_batch(buf.data(), buf.size())) all.insert(all.end(), buf.begin(), buf.begin() + n);
  return all;
}

inline bool same_event(const TraceEvent& a, const TraceEvent& b) {
  return a.kind == b.kind && a.pointerful == b.pointerful && a.goroutine == b.goroutine &&
         a.object_id == b.object_id && a.pool == b.pool && a.size_bytes == b.size_bytes && a.value == b.value;
}

/// Streaming totals of a source, checking the dense-id contract as it goes. Live = owned by the
/// program: pool_get counts like alloc (at New()'s size) and pool_put like free.
struct StreamSummary {
  uint64_t counts[kEventKindCount] = {};
  uint64_t alloc_bytes = 0;
  uint64_t live_bytes = 0;
  uint64_t peak_live_bytes = 0;
  uint64_t live_objects = 0;
  uint64_t peak_live_objects = 0;
  uint64_t write_count = 0;
  uint64_t work_ns = 0;
  uint32_t id_bound = 0;       ///< max id + 1
  bool ids_consistent = true;  ///< no alloc/pool_get of a live id, no free/pool_put of a non-live id
  uint64_t count(EventKind k) const { return counts[static_cast<size_t>(k)]; }
};

inline StreamSummary summarize(EventSource& source) {
  StreamSummary s;
  std::vector<uint64_t> size_of;  // 0 = not live
  std::vector<TraceEvent> buf(4096);
  while (size_t n = source.next_batch(buf.data(), buf.size())) {
    for (size_t i = 0; i < n; ++i) {
      const TraceEvent& e = buf[i];
      ++s.counts[static_cast<size_t>(e.kind)];
      if (e.kind == EventKind::kAlloc || e.kind == EventKind::kPoolGet) {
        if (e.object_id >= size_of.size()) size_of.resize(e.object_id + 1 + size_of.size());
        if (size_of[e.object_id] != 0) s.ids_consistent = false;
        size_of[e.object_id] = e.size_bytes;
        if (e.kind == EventKind::kAlloc) s.alloc_bytes += e.size_bytes;
        s.live_bytes += e.size_bytes;
        if (s.live_bytes > s.peak_live_bytes) s.peak_live_bytes = s.live_bytes;
        if (++s.live_objects > s.peak_live_objects) s.peak_live_objects = s.live_objects;
        if (e.object_id + 1 > s.id_bound) s.id_bound = e.object_id + 1;
      } else if (e.kind == EventKind::kFree || e.kind == EventKind::kPoolPut) {
        if (e.object_id >= size_of.size() || size_of[e.object_id] == 0) {
          s.ids_consistent = false;
          continue;
        }
        s.live_bytes -= size_of[e.object_id];
        size_of[e.object_id] = 0;
        --s.live_objects;
      } else if (e.kind == EventKind::kPtrWrite) {
        s.write_count += e.value;
      } else if (e.kind == EventKind::kWork) {
        s.work_ns += e.value;
      }
    }
  }
  return s;
}

}  // namespace gcsim::workload::test
