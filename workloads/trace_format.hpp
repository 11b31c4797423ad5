// SPDX-License-Identifier: MIT
// Constants and field limits of trace format version 1, shared by readers and writers (TRACE_FORMAT.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "workloads/trace_event.hpp"

namespace gcsim::workload {

inline constexpr uint32_t kTraceFormatVersion = 1;

/// Text form: first non-comment line.
inline constexpr std::string_view kTextHeaderWord = "gcsim-trace";

/// Binary form: 8-byte magic, then u32 LE version, u32 LE flags, u32 LE object_id_bound.
inline constexpr std::string_view kBinaryMagic = "GCSIMTRC";
inline constexpr size_t kBinaryHeaderBytes = 20;
inline constexpr size_t kBinaryBoundOffset = 16;  ///< byte offset of object_id_bound in the header
inline constexpr uint8_t kPointerfulTagBit = 0x80;  ///< set on an alloc/pool_get tag for a pointerful object
/// Longest record: tag + 4 varints (pool_get) of at most 10 bytes each.
inline constexpr size_t kMaxBinaryRecordBytes = 1 + 4 * 10;

/// Number of EventKind values (they are 0..kEventKindCount-1).
inline constexpr size_t kEventKindCount = 12;

/// Field limits (inclusive).
inline constexpr uint64_t kMaxSizeBytes = uint64_t{1} << 40;       ///< alloc size_bytes: 1..2^40
inline constexpr uint64_t kMaxMemoryBytes = uint64_t{1} << 40;     ///< go/stack/globals bytes: 0..2^40
inline constexpr uint64_t kMaxWorkNs = uint64_t{1} << 50;          ///< work ns: 0..2^50 (~13 days)
inline constexpr uint64_t kMaxWriteCount = uint64_t{1} << 32;      ///< write count: 1..2^32
inline constexpr uint64_t kMaxGoroutine = UINT32_MAX;              ///< goroutine ids: 0..2^32-1
inline constexpr uint64_t kMaxPool = UINT32_MAX;                   ///< sync.Pool ids: 0..2^32-1
/// Dense object ids are 0..kMaxObjectIds-1, so that object_id_bound fits in a u32.
inline constexpr uint64_t kMaxObjectIds = UINT32_MAX;

/// Text keyword of an event kind ("alloc", "free", ..., "pool_get", "gc", "memstats").
std::string_view event_name(EventKind kind);

/// "must be in [lo, hi], got v" — the shared wording of range errors.
std::string range_message(std::string_view field, uint64_t value, uint64_t lo, uint64_t hi);

}  // namespace gcsim::workload
