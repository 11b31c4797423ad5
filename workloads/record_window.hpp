// SPDX-License-Identifier: MIT
// A window of binary trace records that a consumer decodes in its own loop (the replay fast path).
#pragma once

#include <cstdint>

#include "workloads/trace_event.hpp"

namespace gcsim::workload {

/// One common record (alloc, free, write, work) decoded in place by RecordWindow::peek(). The
/// fields mean what TraceEvent's mean; those a kind does not use are unspecified.
struct CommonRecord {
  EventKind kind;
  bool pointerful;       ///< kAlloc
  uint32_t goroutine;    ///< kAlloc, kPtrWrite, kWork
  uint32_t object_id;    ///< kAlloc, kFree
  uint64_t size_bytes;   ///< kAlloc
  uint64_t value;        ///< kWork: ns; kPtrWrite: count
  const uint8_t* next;   ///< the record after this one
  uint64_t* live_word;   ///< kAlloc, kFree: the liveness word of object_id
  uint64_t live_bit;     ///< kAlloc, kFree: object_id's bit in *live_word

  /// The same event as a TraceEvent (unused fields at TraceEvent{}'s defaults).
  TraceEvent event() const {
    switch (kind) {
      case EventKind::kAlloc:
        return TraceEvent{EventKind::kAlloc, pointerful, goroutine, object_id, 0, size_bytes, 0};
      case EventKind::kFree:
        return TraceEvent{EventKind::kFree, false, 0, object_id, 0, 0, 0};
      default:  // kPtrWrite, kWork
        return TraceEvent{kind, false, goroutine, 0, 0, 0, value};
    }
  }
};

/// Encoded records of a binary trace (workloads/TRACE_FORMAT.md §2) that a consumer decodes in its own
/// loop, without the 32-byte TraceEvent in between: like std::streambuf's get area, the source
/// (EventSource::open_records) hands out its unread bytes and the liveness state it validates ids
/// with, and takes them back (EventSource::close_records) with the position the consumer reached.
/// A small value type: consumers keep it in a local, so its cursor stays in a register.
///
/// peek() decodes only records that are common, short (varints of at most 4 bytes) and valid; for
/// anything else (another kind, a long field, an invalid record, the end of the window) it returns
/// false and the consumer reads on through EventSource::next_batch(), which decodes that record with
/// the full validation and reports its errors. So errors read the same on both paths.
class RecordWindow {
 public:
  using Record = CommonRecord;
  RecordWindow() = default;
  /// Records starting in [p, limit) are wholly readable, with 10 more bytes after each field start;
  /// ids below fast_ids have a bit in live_bits (bit set = the id is live).
  RecordWindow(const uint8_t* p, const uint8_t* limit, uint64_t* live_bits, uint64_t fast_ids)
      : p_(p), limit_(limit), live_bits_(live_bits), fast_ids_(fast_ids) {}

  /// Decodes the record at the cursor into `r` without consuming it; false if it is not one that
  /// peek() decodes (see above). Allocs must name a non-live id, frees a live one.
  [[gnu::always_inline]] bool peek(CommonRecord& r) const {
    if (p_ >= limit_) return false;
    const uint8_t tag = *p_;
    const uint8_t* q = p_ + 1;
    uint64_t a = 0, b = 0, c = 0;
    if ((tag & 0x7f) == 0) {  // alloc: obj, g, size_bytes (>= 1); pointerful if the top bit is set
      if (!varint(q, a) || !varint(q, b) || !varint(q, c) || c == 0 || a >= fast_ids_) return false;
      r.live_word = live_bits_ + (a >> 6);
      r.live_bit = uint64_t{1} << (a & 63);
      if ((*r.live_word & r.live_bit) != 0) return false;
      r.kind = EventKind::kAlloc;
      r.pointerful = tag != 0;
      r.goroutine = static_cast<uint32_t>(b);
      r.object_id = static_cast<uint32_t>(a);
      r.size_bytes = c;
    } else if (tag == 0x01) {  // free: obj
      if (!varint(q, a) || a >= fast_ids_) return false;
      r.live_word = live_bits_ + (a >> 6);
      r.live_bit = uint64_t{1} << (a & 63);
      if ((*r.live_word & r.live_bit) == 0) return false;
      r.kind = EventKind::kFree;
      r.object_id = static_cast<uint32_t>(a);
    } else if (tag == 0x03) {  // write: g, count (>= 1)
      if (!varint(q, b) || !varint(q, c) || c == 0) return false;
      r.kind = EventKind::kPtrWrite;
      r.goroutine = static_cast<uint32_t>(b);
      r.value = c;
    } else if (tag == 0x02) {  // work: g, ns
      if (!varint(q, b) || !varint(q, c)) return false;
      r.kind = EventKind::kWork;
      r.goroutine = static_cast<uint32_t>(b);
      r.value = c;
    } else {
      return false;
    }
    r.next = q;
    return true;
  }

  /// Consumes the record that peek() just decoded into `r`: an alloc makes its id live, a free
  /// releases it, and the cursor moves past it.
  [[gnu::always_inline]] void consume(const CommonRecord& r) {
    if (r.kind == EventKind::kAlloc) {
      *r.live_word |= r.live_bit;
    } else if (r.kind == EventKind::kFree) {
      *r.live_word &= ~r.live_bit;
    }
    p_ = r.next;
  }

  /// The first record not consumed.
  const uint8_t* position() const { return p_; }

  /// Unrolled LEB128 decode of a value of at most 4 bytes (< 2^28, within every field's upper
  /// bound) without bounds checks; returns false with p unchanged for a longer encoding.
  [[gnu::always_inline]] static bool varint(const uint8_t*& p, uint64_t& v) {
    // The four bytes as one little-endian word (one load on common targets); byte i's continuation
    // bit is bit 8i+7, its payload bits 8i..8i+6.
    const uint64_t w = uint64_t{p[0]} | uint64_t{p[1]} << 8 | uint64_t{p[2]} << 16 | uint64_t{p[3]} << 24;
    if ((w & 0x80) == 0) {
      v = w & 0x7f;
      p += 1;
      return true;
    }
    const uint64_t two = (w & 0x7f) | (w >> 1 & 0x3f80);
    if ((w & 0x8000) == 0) {
      v = two;
      p += 2;
      return true;
    }
    const uint64_t three = two | (w >> 2 & 0x1fc000);
    if ((w & 0x800000) == 0) {
      v = three;
      p += 3;
      return true;
    }
    if ((w & 0x80000000) == 0) {
      v = three | (w >> 3 & 0xfe00000);
      p += 4;
      return true;
    }
    return false;
  }

 private:
  const uint8_t* p_ = nullptr;
  const uint8_t* limit_ = nullptr;
  uint64_t* live_bits_ = nullptr;
  uint64_t fast_ids_ = 0;
};

}  // namespace gcsim::workload
