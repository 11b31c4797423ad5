// SPDX-License-Identifier: MIT
// Non-heap runtime memory (GC metadata, span structs, other runtime data) as GOMEMLIMIT sees it.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace gcsim {

/// MemStats.Sys = HeapSys + StackSys + (GCSys + MSpanSys + MCacheSys + BuckHashSys + OtherSys).
/// The last group is modelled as fixed + per_heap_byte × HeapSys. Defaults fitted to Go 1.19.8
/// MemStats of the ring workload at two heap sizes (GOMEMLIMIT=100MiB: HeapSys 91 MiB, non-heap
/// 13 MiB; no limit: HeapSys 207 MiB, non-heap 20 MiB): GCSys ≈ 6.4 MiB + 4.5 % of HeapSys,
/// MSpanSys ≈ 1.7 %, OtherSys ≈ 0.7 MiB.
struct MemoryModel {
  uint64_t fixed_overhead_bytes = 7'760'000;   ///< runtime memory independent of heap size
  double overhead_per_heap_byte = 0.062;       ///< GC bitmaps, span structs, … per byte of HeapSys
  double scavenge_ns_per_page = 2000;          ///< CPU to return one 8 KiB page to the OS (estimate)

  uint64_t overhead_bytes(uint64_t heap_sys_bytes) const {
    return fixed_overhead_bytes + static_cast<uint64_t>(overhead_per_heap_byte * static_cast<double>(heap_sys_bytes));
  }

  static MemoryModel parse(const nlohmann::json& j, const std::string& path);
  nlohmann::json to_json() const;
};

}  // namespace gcsim
