// SPDX-License-Identifier: MIT
// Unsigned LEB128 varints for compact in-memory records (utilisation steps, step functions).
#pragma once

#include <cstdint>
#include <vector>

namespace gcsim::stats {

/// Appends `v` as an unsigned LEB128 varint (7 bits per byte, high bit = more follow).
inline void put_uvarint(std::vector<uint8_t>& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<uint8_t>(v));
}

/// Reads one varint that put_uvarint wrote and advances `p` past it (the buffer is trusted: it is
/// the process's own memory, never input).
inline uint64_t get_uvarint(const uint8_t*& p) {
  uint64_t v = 0;
  for (int shift = 0;; shift += 7) {
    const uint8_t b = *p++;
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
}

}  // namespace gcsim::stats
