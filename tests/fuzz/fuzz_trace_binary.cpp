// SPDX-License-Identifier: MIT
// libFuzzer target: the binary trace reader (.gctb) on arbitrary bytes, through open_trace (so a
// file without the magic goes to the text reader) and through BinaryTraceReader directly.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "tests/fuzz/fuzz_util.hpp"
#include "workloads/trace_binary.hpp"
#include "workloads/trace_format.hpp"
#include "workloads/trace_open.hpp"

using namespace gcsim;
using namespace gcsim::workload;

namespace {

void drain(EventSource& src, uint32_t bound) {
  std::vector<TraceEvent> buf(64);
  std::vector<bool> live;
  while (size_t n = src.next_batch(buf.data(), buf.size())) {
    for (size_t i = 0; i < n; ++i) {
      const TraceEvent& ev = buf[i];
      if (static_cast<unsigned>(ev.kind) >= kEventKindCount) std::abort();
      if (ev.kind == EventKind::kAlloc || ev.kind == EventKind::kPoolGet) {
        if (ev.size_bytes < 1 || ev.size_bytes > kMaxSizeBytes) std::abort();
        if (bound != 0 && ev.object_id >= bound) std::abort();
        if (ev.object_id >= live.size()) live.resize(ev.object_id + 1u, false);
        if (live[ev.object_id]) std::abort();
        live[ev.object_id] = true;
      } else if (ev.kind == EventKind::kFree || ev.kind == EventKind::kPoolPut) {
        if (ev.object_id >= live.size() || !live[ev.object_id]) std::abort();
        live[ev.object_id] = false;
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::MemFile file;
  // Most inputs should be binary traces: prepend the magic when the input lacks it, so the fuzzer
  // spends its time past the header check (inputs with the magic are used as they are).
  std::vector<uint8_t> bytes;
  if (size >= kBinaryMagic.size() && std::memcmp(data, kBinaryMagic.data(), kBinaryMagic.size()) == 0) {
    bytes.assign(data, data + size);
  } else if (size > 0 && data[0] == '!') {  // '!' = feed the bytes unchanged (text or bad magic)
    bytes.assign(data + 1, data + size);
  } else {
    bytes.assign(kBinaryMagic.begin(), kBinaryMagic.end());
    bytes.insert(bytes.end(), data, data + size);
  }
  const std::string& path = file.set(bytes.data(), bytes.size());
  fuzz::expect_only_input_errors([&] {
    auto src = open_trace(path);
    drain(*src, src->object_id_bound());
  });
  fuzz::expect_only_input_errors([&] {
    BinaryTraceReader r(path);
    drain(r, r.object_id_bound());
  });
  return 0;
}
