// SPDX-License-Identifier: MIT
// Binary trace reader (streaming, validating) and writer (LEB128 records, header fixed at close).
#include "workloads/trace_binary.hpp"

#include <algorithm>
#include <cstring>

#include "sim/config/config_error.hpp"
#include "workloads/trace_format.hpp"
#include "workloads/record_window.hpp"

namespace gcsim::workload {
namespace {

enum class VarintStatus : uint8_t { kOk, kTruncated, kOverflow };

/// Decodes one unsigned LEB128 value (at most 10 bytes, value < 2^64) from [p, end).
inline VarintStatus get_varint(const uint8_t*& p, const uint8_t* end, uint64_t& v) {
  if (p < end && *p < 0x80) {
    v = *p++;
    return VarintStatus::kOk;
  }
  uint64_t result = 0;
  for (unsigned i = 0; i < 10; ++i) {
    if (p == end) return VarintStatus::kTruncated;
    uint8_t b = *p++;
    if (i == 9 && b > 1) return VarintStatus::kOverflow;
    result |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      v = result;
      return VarintStatus::kOk;
    }
  }
  return VarintStatus::kOverflow;
}

inline bool get_varint_short(const uint8_t*& p, uint64_t& v) { return RecordWindow::varint(p, v); }

inline uint8_t* put_varint(uint8_t* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}

uint32_t get_le32(const char* p) {
  const auto* u = reinterpret_cast<const uint8_t*>(p);
  return static_cast<uint32_t>(u[0]) | static_cast<uint32_t>(u[1]) << 8 | static_cast<uint32_t>(u[2]) << 16 |
         static_cast<uint32_t>(u[3]) << 24;
}

void put_le32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

std::string hex_byte(uint8_t b) {
  const char* digits = "0123456789abcdef";
  return std::string("0x") + digits[b >> 4] + digits[b & 15];
}

}  // namespace

// ---------------------------------------------------------------- reader

BinaryTraceReader::BinaryTraceReader(const std::string& path) : in_(path, BufferedFileReader::Mapped{}) {
  read_header();
}

std::string BinaryTraceReader::describe() const { return "trace " + in_.path() + " (binary, version 1)"; }

void BinaryTraceReader::fail_at(uint64_t offset, const std::string& what) const {
  throw TraceError(in_.path() + ":byte " + std::to_string(offset), what);
}

void BinaryTraceReader::read_header() {
  in_.refill();
  const char* p = in_.begin();
  size_t avail = in_.available();
  if (avail < kBinaryMagic.size() || std::memcmp(p, kBinaryMagic.data(), kBinaryMagic.size()) != 0)
    fail_at(0, "bad magic: a binary trace starts with the 8 bytes '" + std::string(kBinaryMagic) + "'");
  if (avail < kBinaryHeaderBytes)
    fail_at(avail, "truncated header: " + std::to_string(avail) + " bytes, the version-1 header has " +
                       std::to_string(kBinaryHeaderBytes));
  uint32_t version = get_le32(p + 8);
  if (version != kTraceFormatVersion)
    fail_at(8, "unsupported trace version " + std::to_string(version) + "; this build reads version " +
                   std::to_string(kTraceFormatVersion));
  uint32_t flags = get_le32(p + 12);
  if (flags != 0) fail_at(12, "unsupported flags " + std::to_string(flags) + "; version 1 defines none (must be 0)");
  header_bound_ = get_le32(p + kBinaryBoundOffset);
  id_limit_ = header_bound_ != 0 ? header_bound_ : kMaxObjectIds;
  // The bound sizes the liveness bits up front only up to 2^20 ids (128 KiB); beyond that they grow
  // with the ids actually used, so a 20-byte file claiming 2^32 ids cannot make us allocate 512 MiB.
  constexpr size_t kPresizeIds = size_t{1} << 20;
  live_bits_.assign((std::min<size_t>(header_bound_, kPresizeIds) + 63) / 64, 0);
  in_.consume_to(p + kBinaryHeaderBytes);
}

void BinaryTraceReader::check_id_range(uint64_t id, uint64_t offset) const {
  if (header_bound_ != 0 && id >= header_bound_)
    fail_at(offset, "object id " + std::to_string(id) + " is not below the header's object_id_bound " +
                        std::to_string(header_bound_));
  if (id >= kMaxObjectIds)
    fail_at(offset, "object id " + std::to_string(id) + " is too large; ids must be < " +
                        std::to_string(kMaxObjectIds));
}

void BinaryTraceReader::bad_tag(const uint8_t* rec) const {
  fail_at(offset_of(rec), "unknown record tag " + hex_byte(*rec) +
                              "; allowed: 0x00-0x0b (alloc, free, work, write, go, exit, stack, globals, pool_put, "
                              "pool_get, gc, memstats), 0x80 (pointerful alloc) and 0x89 (pointerful pool_get)");
}

void BinaryTraceReader::bad_varint(const uint8_t* rec, bool truncated) const {
  const std::string name(event_name(static_cast<EventKind>(*rec & 0x7f)));
  fail_at(offset_of(rec), truncated ? "truncated record: the file ends inside a '" + name + "' record"
                                    : "bad varint in a '" + name + "' record: longer than 10 bytes or >= 2^64");
}

void BinaryTraceReader::bad_range(const uint8_t* rec, const char* field, uint64_t v, uint64_t lo,
                                  uint64_t hi) const {
  fail_at(offset_of(rec), std::string(event_name(static_cast<EventKind>(*rec & 0x7f))) + ": " +
                              range_message(field, v, lo, hi));
}

void BinaryTraceReader::alloc_slow(uint64_t id, const uint8_t* rec) {
  check_id_range(id, offset_of(rec));
  const size_t word = static_cast<size_t>(id >> 6);
  if (word >= live_bits_.size()) live_bits_.resize(std::max(word + 1, live_bits_.size() * 2), 0);
  const uint64_t bit = uint64_t{1} << (id & 63);
  if ((live_bits_[word] & bit) != 0)
    fail_at(offset_of(rec), std::string(event_name(static_cast<EventKind>(*rec & 0x7f))) + ": object id " +
                                std::to_string(id) +
                                " is already live (allocated or got from a pool, and not yet freed or put into a "
                                "pool)");
  live_bits_[word] |= bit;
}

void BinaryTraceReader::free_error(uint64_t id, const uint8_t* rec) const {
  check_id_range(id, offset_of(rec));
  fail_at(offset_of(rec), std::string(event_name(static_cast<EventKind>(*rec))) + ": object id " +
                              std::to_string(id) +
                              " is not live (never allocated, or already freed or put into a pool)");
}

// Values of at most 4 varint bytes (< 2^28) are within every field's upper bound.
static_assert(kMaxGoroutine >= (uint64_t{1} << 28) && kMaxSizeBytes >= (uint64_t{1} << 28) &&
                  kMaxWorkNs >= (uint64_t{1} << 28) && kMaxWriteCount >= (uint64_t{1} << 28),
              "RecordWindow::peek relies on 4-byte varints being in range");

size_t BinaryTraceReader::decode_hot(const uint8_t*& p_ref, const uint8_t* limit, TraceEvent* out, size_t n,
                                     size_t cap) {
  RecordWindow w = window(p_ref, limit);
  CommonRecord r;
  while (n < cap && w.peek(r)) {
    w.consume(r);
    out[n++] = r.event();
  }
  p_ref = w.position();
  return n;
}

RecordWindow BinaryTraceReader::window(const uint8_t* p, const uint8_t* limit) {
  // Ids below fast_ids are in range and have a liveness bit.
  const uint64_t fast_ids = std::min<uint64_t>(id_limit_, uint64_t{live_bits_.size()} * 64);
  return RecordWindow(p, limit, live_bits_.data(), fast_ids);
}

bool BinaryTraceReader::open_records(RecordWindow& w) {
  if (done_) return false;
  if (in_.available() <= kMaxBinaryRecordBytes && !in_.file_done()) in_.refill();
  // The last kMaxBinaryRecordBytes of the file are left to next_batch() (bounds-checked decoding).
  if (in_.available() <= kMaxBinaryRecordBytes) return false;
  const auto* p = reinterpret_cast<const uint8_t*>(in_.begin());
  w = window(p, reinterpret_cast<const uint8_t*>(in_.end()) - kMaxBinaryRecordBytes);
  return true;
}

void BinaryTraceReader::close_records(const RecordWindow& w) {
  in_.consume_to(reinterpret_cast<const char*>(w.position()));
}

size_t BinaryTraceReader::decode(const uint8_t*& p, const uint8_t* end, bool last, TraceEvent* out, size_t n,
                                 size_t cap) {
  return last ? decode_window<true>(p, end, out, n, cap) : decode_window<false>(p, end, out, n, cap);
}

// kLast = false: the window is followed by more of the file, records are only started before
// end - kMaxBinaryRecordBytes, so every field of a record that starts there is readable and the
// 4-byte varint fast path needs no bounds check (a longer or malformed varint falls back to the
// checked decoder). kLast = true: the file ends at `end`; every field is bounds-checked.
template <bool kLast>
size_t BinaryTraceReader::decode_window(const uint8_t*& p_ref, const uint8_t* end, TraceEvent* out, size_t n,
                                        size_t cap) {
  const uint8_t* p = p_ref;
  // Records that start before `limit` lie wholly inside the window unless the file is truncated.
  const uint8_t* limit = kLast ? end : end - kMaxBinaryRecordBytes;
  uint64_t* bits = live_bits_.data();
  // Ids below this are in range and have a liveness bit: one compare on the common path.
  uint64_t fast_ids = std::min<uint64_t>(id_limit_, uint64_t{live_bits_.size()} * 64);
  auto field = [&](const uint8_t* rec) __attribute__((always_inline)) -> uint64_t {
    uint64_t v = 0;
    if ((!kLast || end - p >= 10) && get_varint_short(p, v)) [[likely]]
      return v;
    VarintStatus st = get_varint(p, end, v);
    if (st != VarintStatus::kOk) [[unlikely]]
      bad_varint(rec, st == VarintStatus::kTruncated);
    return v;
  };
  auto ranged = [&](const uint8_t* rec, const char* name, uint64_t lo, uint64_t hi) __attribute__((always_inline))
      -> uint64_t {
    const uint64_t v = field(rec);
    if (v < lo || v > hi) [[unlikely]]
      bad_range(rec, name, v, lo, hi);
    return v;
  };
  auto goroutine = [&](const uint8_t* rec) __attribute__((always_inline)) -> uint32_t {
    return static_cast<uint32_t>(ranged(rec, "g", 0, kMaxGoroutine));
  };
  // alloc makes a not-live id live; free releases a live one (pool_put/pool_get: decode_pool).
  // The helpers are forced inline: otherwise bits/fast_ids live in memory, ~15% slower on ring traces.
  auto make_live = [&](uint64_t id, const uint8_t* rec) __attribute__((always_inline)) {
    const size_t word = static_cast<size_t>(id >> 6);
    const uint64_t bit = uint64_t{1} << (id & 63);
    if (id < fast_ids && (bits[word] & bit) == 0) [[likely]] {
      bits[word] |= bit;
    } else {
      alloc_slow(id, rec);
      bits = live_bits_.data();
      fast_ids = std::min<uint64_t>(id_limit_, uint64_t{live_bits_.size()} * 64);
    }
    return static_cast<uint32_t>(id);
  };
  auto release = [&](uint64_t id, const uint8_t* rec) __attribute__((always_inline)) {
    const size_t word = static_cast<size_t>(id >> 6);
    const uint64_t bit = uint64_t{1} << (id & 63);
    if (id >= fast_ids || (bits[word] & bit) == 0) [[unlikely]]
      free_error(id, rec);
    bits[word] &= ~bit;
    return static_cast<uint32_t>(id);
  };
  // Each event is built whole and stored once (fields a kind does not use stay at their defaults,
  // as TraceEvent{} gives them).
  auto emit = [&](EventKind kind, bool pointerful, uint32_t g, uint32_t id, uint32_t pool, uint64_t size_bytes,
                  uint64_t value) __attribute__((always_inline)) {
    out[n] = TraceEvent{kind, pointerful, g, id, pool, size_bytes, value};
  };
  // Stop at `cap` events or at `limit`, whichever comes first.
  while (n < cap && p < limit) {
    if constexpr (!kLast) {
      n = decode_hot(p, limit, out, n, cap);
      if (n == cap || p >= limit) break;
    } else if (end - p > static_cast<ptrdiff_t>(kMaxBinaryRecordBytes)) {
      // The last window too, up to its final kMaxBinaryRecordBytes.
      n = decode_hot(p, end - kMaxBinaryRecordBytes, out, n, cap);
      if (n == cap || p >= limit) break;
    }
    const uint8_t* rec = p;
    const uint8_t tag = *p++;
    switch (tag) {
      case 0x00:
      case kPointerfulTagBit: {
        const uint64_t id = field(rec);
        const uint32_t g = goroutine(rec);
        const uint64_t size = ranged(rec, "size_bytes", 1, kMaxSizeBytes);
        emit(EventKind::kAlloc, tag != 0, g, make_live(id, rec), 0, size, 0);
        break;
      }
      case 0x01:
        emit(EventKind::kFree, false, 0, release(field(rec), rec), 0, 0, 0);
        break;
      case 0x02: {
        const uint32_t g = goroutine(rec);
        emit(EventKind::kWork, false, g, 0, 0, 0, ranged(rec, "ns", 0, kMaxWorkNs));
        break;
      }
      case 0x03: {
        const uint32_t g = goroutine(rec);
        emit(EventKind::kPtrWrite, false, g, 0, 0, 0, ranged(rec, "count", 1, kMaxWriteCount));
        break;
      }
      case 0x04: {
        const uint32_t g = goroutine(rec);
        emit(EventKind::kGoStart, false, g, 0, 0, 0, ranged(rec, "stack_bytes", 0, kMaxMemoryBytes));
        break;
      }
      case 0x05:
        emit(EventKind::kGoExit, false, goroutine(rec), 0, 0, 0, 0);
        break;
      case 0x0a:
      case 0x0b:
        emit(tag == 0x0a ? EventKind::kForceGc : EventKind::kMemStats, false, goroutine(rec), 0, 0, 0, 0);
        break;
      case 0x06: {
        const uint32_t g = goroutine(rec);
        emit(EventKind::kStack, false, g, 0, 0, 0, ranged(rec, "bytes", 0, kMaxMemoryBytes));
        break;
      }
      case 0x07:
        emit(EventKind::kGlobals, false, 0, 0, 0, 0, ranged(rec, "bytes", 0, kMaxMemoryBytes));
        break;
      case 0x08:
      case 0x09:
      case 0x09 | kPointerfulTagBit:
        out[n] = TraceEvent{};
        p = decode_pool(rec, end, out[n]);
        bits = live_bits_.data();
        fast_ids = std::min<uint64_t>(id_limit_, uint64_t{live_bits_.size()} * 64);
        break;
      default:
        bad_tag(rec);
    }
    ++n;
  }
  p_ref = p;
  return n;
}

const uint8_t* BinaryTraceReader::decode_pool(const uint8_t* rec, const uint8_t* end, TraceEvent& ev) {
  const uint8_t* p = rec + 1;
  auto ranged = [&](const char* name, uint64_t lo, uint64_t hi) -> uint64_t {
    uint64_t v = 0;
    VarintStatus st = get_varint(p, end, v);
    if (st != VarintStatus::kOk) [[unlikely]]
      bad_varint(rec, st == VarintStatus::kTruncated);
    if (v < lo || v > hi) [[unlikely]]
      bad_range(rec, name, v, lo, hi);
    return v;
  };
  ev.goroutine = static_cast<uint32_t>(ranged("g", 0, kMaxGoroutine));
  ev.pool = static_cast<uint32_t>(ranged("pool", 0, kMaxPool));
  const uint64_t id = ranged("obj", 0, UINT64_MAX);
  const size_t word = static_cast<size_t>(id >> 6);
  const uint64_t bit = uint64_t{1} << (id & 63);
  ev.object_id = static_cast<uint32_t>(id);
  if (*rec == 0x08) {  // pool_put releases a live id, like free
    ev.kind = EventKind::kPoolPut;
    if (id >= id_limit_ || word >= live_bits_.size() || (live_bits_[word] & bit) == 0) free_error(id, rec);
    live_bits_[word] &= ~bit;
    return p;
  }
  ev.kind = EventKind::kPoolGet;  // pool_get makes a not-live id live, like alloc
  ev.pointerful = (*rec & kPointerfulTagBit) != 0;
  ev.size_bytes = ranged("size_bytes", 1, kMaxSizeBytes);
  if (id < id_limit_ && word < live_bits_.size() && (live_bits_[word] & bit) == 0) {
    live_bits_[word] |= bit;
  } else {
    alloc_slow(id, rec);
  }
  return p;
}

size_t BinaryTraceReader::next_batch(TraceEvent* out, size_t cap) {
  size_t n = 0;
  while (n < cap && !done_) {
    if (in_.available() <= kMaxBinaryRecordBytes && !in_.file_done()) in_.refill();
    const auto* p = reinterpret_cast<const uint8_t*>(in_.begin());
    const auto* end = reinterpret_cast<const uint8_t*>(in_.end());
    if (p == end) {
      done_ = true;
      break;
    }
    n = decode(p, end, in_.file_done(), out, n, cap);
    in_.consume_to(reinterpret_cast<const char*>(p));
  }
  return n;
}

// ---------------------------------------------------------------- writer

BinaryTraceWriter::BinaryTraceWriter(const std::string& path) : out_(path) {
  uint8_t header[kBinaryHeaderBytes] = {};
  std::memcpy(header, kBinaryMagic.data(), kBinaryMagic.size());
  put_le32(header + 8, kTraceFormatVersion);
  put_le32(header + 12, 0);
  put_le32(header + kBinaryBoundOffset, 0);
  out_.write_bytes(header, sizeof header);
}

void BinaryTraceWriter::write(const TraceEvent& ev) {
  auto* p = reinterpret_cast<uint8_t*>(out_.reserve(kMaxBinaryRecordBytes));
  uint8_t tag = static_cast<uint8_t>(ev.kind);
  switch (ev.kind) {
    case EventKind::kAlloc:
      *p++ = ev.pointerful ? static_cast<uint8_t>(tag | kPointerfulTagBit) : tag;
      p = put_varint(p, ev.object_id);
      p = put_varint(p, ev.goroutine);
      p = put_varint(p, ev.size_bytes);
      if (ev.object_id >= bound_) bound_ = ev.object_id + 1;
      break;
    case EventKind::kFree:
      *p++ = tag;
      p = put_varint(p, ev.object_id);
      break;
    case EventKind::kGoExit:
    case EventKind::kForceGc:
    case EventKind::kMemStats:
      *p++ = tag;
      p = put_varint(p, ev.goroutine);
      break;
    case EventKind::kGlobals:
      *p++ = tag;
      p = put_varint(p, ev.value);
      break;
    case EventKind::kWork:
    case EventKind::kPtrWrite:
    case EventKind::kGoStart:
    case EventKind::kStack:
      *p++ = tag;
      p = put_varint(p, ev.goroutine);
      p = put_varint(p, ev.value);
      break;
    case EventKind::kPoolPut:
      *p++ = tag;
      p = put_varint(p, ev.goroutine);
      p = put_varint(p, ev.pool);
      p = put_varint(p, ev.object_id);
      break;
    case EventKind::kPoolGet:
      *p++ = ev.pointerful ? static_cast<uint8_t>(tag | kPointerfulTagBit) : tag;
      p = put_varint(p, ev.goroutine);
      p = put_varint(p, ev.pool);
      p = put_varint(p, ev.object_id);
      p = put_varint(p, ev.size_bytes);
      if (ev.object_id >= bound_) bound_ = ev.object_id + 1;
      break;
  }
  out_.commit(reinterpret_cast<char*>(p));
}

void BinaryTraceWriter::write_batch(const TraceEvent* events, size_t n) {
  for (size_t i = 0; i < n; ++i) write(events[i]);
}

void BinaryTraceWriter::close() {
  if (!out_.is_open()) return;
  uint8_t bound[4];
  put_le32(bound, bound_);
  out_.patch(kBinaryBoundOffset, bound, sizeof bound);
  out_.close();
}

}  // namespace gcsim::workload
