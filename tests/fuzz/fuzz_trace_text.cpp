// SPDX-License-Identifier: MIT
// libFuzzer target: the text trace reader (.gct) on arbitrary bytes. Every event it returns must
// satisfy the format's ranges and dense-id contract (TRACE_FORMAT.md §1, §2).
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "tests/fuzz/fuzz_util.hpp"
#include "workloads/trace_format.hpp"
#include "workloads/trace_text.hpp"

using namespace gcsim;
using namespace gcsim::workload;

namespace {

void check_event(const TraceEvent& ev, std::vector<bool>& live, uint64_t& live_count, uint64_t& peak) {
  auto fail = [] { std::abort(); };
  switch (ev.kind) {
    case EventKind::kAlloc:
    case EventKind::kPoolGet:
      if (ev.size_bytes < 1 || ev.size_bytes > kMaxSizeBytes) fail();
      if (ev.object_id >= live.size()) live.resize(ev.object_id + 1u, false);
      if (live[ev.object_id]) fail();  // an id is reused only after it was released
      live[ev.object_id] = true;
      if (++live_count > peak) peak = live_count;
      break;
    case EventKind::kFree:
    case EventKind::kPoolPut:
      if (ev.object_id >= live.size() || !live[ev.object_id]) fail();
      live[ev.object_id] = false;
      --live_count;
      break;
    case EventKind::kWork:
      if (ev.value > kMaxWorkNs) fail();
      break;
    case EventKind::kPtrWrite:
      if (ev.value < 1 || ev.value > kMaxWriteCount) fail();
      break;
    case EventKind::kGoStart:
    case EventKind::kStack:
    case EventKind::kGlobals:
      if (ev.value > kMaxMemoryBytes) fail();
      break;
    case EventKind::kGoExit:
      break;
    default:
      fail();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::MemFile file;
  const std::string& path = file.set(data, size);
  fuzz::expect_only_input_errors([&] {
    TextTraceReader r(path);
    std::vector<TraceEvent> buf(64);
    std::vector<bool> live;
    uint64_t live_count = 0, peak = 0;
    while (size_t n = r.next_batch(buf.data(), buf.size()))
      for (size_t i = 0; i < n; ++i) check_event(buf[i], live, live_count, peak);
    // Dense ids: exactly 0 .. peak_live-1 were issued.
    if (r.ids_issued() != peak) std::abort();
    if (r.next_batch(buf.data(), buf.size()) != 0) std::abort();  // stays at the end
  });
  return 0;
}
