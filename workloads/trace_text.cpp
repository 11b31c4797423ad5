// SPDX-License-Identifier: MIT
// Text trace reader (streaming, renumbering) and writer.
#include "workloads/trace_text.hpp"

#include <charconv>
#include <cstring>

#include "sim/config/config_error.hpp"
#include "workloads/trace_format.hpp"

namespace gcsim::workload {
namespace {

constexpr size_t kMaxTokens = 7;  // the longest event (pool_get) has 6 tokens; one more detects extras

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

/// Splits [p, end) into whitespace-separated tokens up to a '#'. Returns the token count (which may
/// exceed kMaxTokens; only the first kMaxTokens are stored).
size_t tokenize(const char* p, const char* end, std::string_view* tok) {
  size_t n = 0;
  while (true) {
    while (p < end && is_space(*p)) ++p;
    if (p == end || *p == '#') return n;
    const char* start = p;
    while (p < end && !is_space(*p) && *p != '#') ++p;
    if (n < kMaxTokens) tok[n] = std::string_view(start, static_cast<size_t>(p - start));
    ++n;
  }
}

const char* usage_of(std::string_view name) {
  if (name == "alloc") return "alloc <obj> <g> <size_bytes> ptr|noscan";
  if (name == "free") return "free <obj>";
  if (name == "work") return "work <g> <ns>";
  if (name == "write") return "write <g> [count]";
  if (name == "go") return "go <g> [stack_bytes]";
  if (name == "exit") return "exit <g>";
  if (name == "stack") return "stack <g> <bytes>";
  if (name == "pool_put") return "pool_put <g> <pool> <obj>";
  if (name == "pool_get") return "pool_get <g> <pool> <obj> <size_bytes> ptr|noscan";
  if (name == "gc") return "gc <g>";
  if (name == "memstats") return "memstats <g>";
  return "globals <bytes>";
}

std::string quoted(std::string_view s) {
  constexpr size_t kMaxShown = 40;
  std::string r = "'";
  r.append(s.substr(0, kMaxShown));
  if (s.size() > kMaxShown) r += "...";
  return r + "'";
}

/// Liveness error wording shared by alloc/pool_get and free/pool_put.
constexpr const char* kLiveMeaning = "allocated or got from a pool, and not yet freed or put into a pool";
constexpr const char* kNotLiveMeaning = "never allocated, or already freed or put into a pool";

char* put_u64(char* p, uint64_t v) { return std::to_chars(p, p + 20, v).ptr; }

char* put_word(char* p, std::string_view w) {
  std::memcpy(p, w.data(), w.size());
  return p + w.size();
}

}  // namespace

// ---------------------------------------------------------------- reader

TextTraceReader::TextTraceReader(const std::string& path) : in_(path) { read_header(); }

std::string TextTraceReader::describe() const { return "trace " + in_.path() + " (text, version 1)"; }

void TextTraceReader::fail(const std::string& what) const {
  throw TraceError(in_.path() + ":" + std::to_string(line_ == 0 ? 1 : line_), what);
}

bool TextTraceReader::next_line(const char*& begin, const char*& end) {
  while (true) {
    const char* p = in_.begin();
    const char* e = in_.end();
    const void* nl = std::memchr(p, '\n', static_cast<size_t>(e - p));
    if (nl != nullptr) {
      begin = p;
      end = static_cast<const char*>(nl);
      in_.consume_to(end + 1);
      ++line_;
      return true;
    }
    if (!in_.file_done()) {
      if (in_.window_full()) {
        ++line_;
        fail("line is longer than " + std::to_string(BufferedFileReader::kDefaultBufferBytes) + " bytes");
      }
      in_.refill();
      continue;
    }
    if (p == e) return false;
    begin = p;
    end = e;
    in_.consume_to(e);
    ++line_;
    return true;
  }
}

void TextTraceReader::read_header() {
  const char* b = nullptr;
  const char* e = nullptr;
  std::string_view tok[kMaxTokens];
  const std::string expected = std::string(kTextHeaderWord) + " " + std::to_string(kTraceFormatVersion);
  while (next_line(b, e)) {
    size_t n = tokenize(b, e, tok);
    if (n == 0) continue;
    if (tok[0] != kTextHeaderWord) {
      fail("missing header: the first non-comment line must be '" + expected + "', got " + quoted(tok[0]) +
           " (a binary trace must start with the magic " + std::string(kBinaryMagic) + ")");
    }
    if (n != 2) fail("bad header: expected '" + expected + "'");
    uint64_t version = 0;
    auto [ptr, ec] = std::from_chars(tok[1].data(), tok[1].data() + tok[1].size(), version);
    if (ec != std::errc() || ptr != tok[1].data() + tok[1].size())
      fail("bad header: version " + quoted(tok[1]) + " is not a number; expected '" + expected + "'");
    if (version != kTraceFormatVersion)
      fail("unsupported trace version " + std::to_string(version) + "; this build reads version " +
           std::to_string(kTraceFormatVersion));
    return;
  }
  fail("missing header: empty trace; the first non-comment line must be '" + expected + "'");
}

uint64_t TextTraceReader::parse_field(std::string_view event, std::string_view field, std::string_view token,
                                      uint64_t lo, uint64_t hi) const {
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
  if (ec == std::errc() && ptr == token.data() + token.size()) {
    if (v < lo || v > hi) fail(std::string(event) + ": " + range_message(field, v, lo, hi));
    return v;
  }
  std::string allowed = "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  if (ec == std::errc::result_out_of_range)
    fail(std::string(event) + ": " + std::string(field) + " " + quoted(token) + " is out of range; must be in " +
         allowed);
  fail(std::string(event) + ": " + std::string(field) + " " + quoted(token) +
       " is not a non-negative decimal integer; must be in " + allowed);
}

bool TextTraceReader::parse_line(const char* begin, const char* end, TraceEvent& ev) {
  std::string_view tok[kMaxTokens];
  size_t n = tokenize(begin, end, tok);
  if (n == 0) return false;
  const std::string_view name = tok[0];
  auto arity = [&](size_t lo, size_t hi) {
    if (n < lo || n > hi)
      fail("wrong number of fields for '" + std::string(name) + "': expected '" + usage_of(name) + "', got " +
           std::to_string(n - 1) + " field" + (n == 2 ? "" : "s"));
  };
  ev = TraceEvent{};
  auto scan_word = [&](std::string_view token) {
    if (token == "ptr") return true;
    if (token != "noscan") fail(std::string(name) + ": last field must be 'ptr' or 'noscan', got " + quoted(token));
    return false;
  };
  // alloc and pool_get make a not-live label live; free and pool_put release a live one.
  auto make_live = [&](uint64_t label) {
    switch (ids_.assign(label, ev.object_id)) {
      case IdRenumberer::Status::kOk: break;
      case IdRenumberer::Status::kAlreadyLive:
        fail(std::string(name) + ": object " + std::to_string(label) + " is already live (" + kLiveMeaning + ")");
      case IdRenumberer::Status::kTooManyLive:
        fail(std::string(name) + ": more than " + std::to_string(kMaxObjectIds) + " objects live at once");
      case IdRenumberer::Status::kNotLive: break;
    }
  };
  auto release = [&](uint64_t label) {
    if (ids_.release(label, ev.object_id) != IdRenumberer::Status::kOk)
      fail(std::string(name) + ": object " + std::to_string(label) + " is not live (" + kNotLiveMeaning + ")");
  };
  if (name == "alloc") {
    arity(5, 5);
    uint64_t label = parse_field(name, "obj", tok[1], 0, UINT64_MAX);
    ev.kind = EventKind::kAlloc;
    ev.goroutine = static_cast<uint32_t>(parse_field(name, "g", tok[2], 0, kMaxGoroutine));
    ev.size_bytes = parse_field(name, "size_bytes", tok[3], 1, kMaxSizeBytes);
    ev.pointerful = scan_word(tok[4]);
    make_live(label);
  } else if (name == "free") {
    arity(2, 2);
    uint64_t label = parse_field(name, "obj", tok[1], 0, UINT64_MAX);
    ev.kind = EventKind::kFree;
    release(label);
  } else if (name == "pool_put") {
    arity(4, 4);
    ev.kind = EventKind::kPoolPut;
    ev.goroutine = static_cast<uint32_t>(parse_field(name, "g", tok[1], 0, kMaxGoroutine));
    ev.pool = static_cast<uint32_t>(parse_field(name, "pool", tok[2], 0, kMaxPool));
    release(parse_field(name, "obj", tok[3], 0, UINT64_MAX));
  } else if (name == "pool_get") {
    arity(6, 6);
    ev.kind = EventKind::kPoolGet;
    ev.goroutine = static_cast<uint32_t>(parse_field(name, "g", tok[1], 0, kMaxGoroutine));
    ev.pool = static_cast<uint32_t>(parse_field(name, "pool", tok[2], 0, kMaxPool));
    uint64_t label = parse_field(name, "obj", tok[3], 0, UINT64_MAX);
    ev.size_bytes = parse_field(name, "size_bytes", tok[4], 1, kMaxSizeBytes);
    ev.pointerful = scan_word(tok[5]);
    make_live(label);
  } else if (name == "write") {
    arity(2, 3);
    ev.kind = EventKind::kPtrWrite;
    ev.goroutine = static_cast<uint32_t>(parse_field(name, "g", tok[1], 0, kMaxGoroutine));
    ev.value = n == 3 ? parse_field(name, "count", tok[2], 1, kMaxWriteCount) : 1;
  } else if (name == "work") {
    arity(3, 3);
    ev.kind = EventKind::kWork;
    ev.goroutine = static_cast<uint32_t>(parse_field(name, "g", tok[1], 0, kMaxGoroutine));
    ev.value = parse_field(name, "ns", tok[2], 0, kMaxWorkNs);
  } else if (name == "go") {
    arity(2, 3);
    ev.kind = EventKind::kGoStart;
    ev.goroutine = static_cast<uint32_t>(parse_field(name, "g", tok[1], 0, kMaxGoroutine));
    ev.value = n == 3 ? parse_field(name, "stack_bytes", tok[2], 0, kMaxMemoryBytes) : 0;
  } else if (name == "exit") {
    arity(2, 2);
    ev.kind = EventKind::kGoExit;
    ev.goroutine = static_cast<uint32_t>(parse_field(name, "g", tok[1], 0, kMaxGoroutine));
  } else if (name == "stack") {
    arity(3, 3);
    ev.kind = EventKind::kStack;
    ev.goroutine = static_cast<uint32_t>(parse_field(name, "g", tok[1], 0, kMaxGoroutine));
    ev.value = parse_field(name, "bytes", tok[2], 0, kMaxMemoryBytes);
  } else if (name == "gc" || name == "memstats") {
    arity(2, 2);
    ev.kind = name == "gc" ? EventKind::kForceGc : EventKind::kMemStats;
    ev.goroutine = static_cast<uint32_t>(parse_field(name, "g", tok[1], 0, kMaxGoroutine));
  } else if (name == "globals") {
    arity(2, 2);
    ev.kind = EventKind::kGlobals;
    ev.value = parse_field(name, "bytes", tok[1], 0, kMaxMemoryBytes);
  } else {
    fail("unknown event " + quoted(name) +
         "; allowed: alloc, free, work, write, go, exit, stack, globals, pool_put, pool_get, gc, memstats");
  }
  return true;
}

size_t TextTraceReader::next_batch(TraceEvent* out, size_t cap) {
  size_t n = 0;
  const char* b = nullptr;
  const char* e = nullptr;
  while (n < cap && !done_) {
    if (!next_line(b, e)) {
      done_ = true;
      break;
    }
    if (parse_line(b, e, out[n])) ++n;
  }
  return n;
}

// ---------------------------------------------------------------- writer

TextTraceWriter::TextTraceWriter(const std::string& path) : out_(path) {
  std::string header = std::string(kTextHeaderWord) + " " + std::to_string(kTraceFormatVersion) + "\n";
  out_.write_bytes(header.data(), header.size());
}

void TextTraceWriter::write(const TraceEvent& ev) {
  // Longest line: "pool_get " + 4 numbers of <= 20 digits and 3 spaces + " noscan\n" = 100 bytes.
  char* p = out_.reserve(128);
  switch (ev.kind) {
    case EventKind::kAlloc:
      p = put_word(p, "alloc ");
      p = put_u64(p, ev.object_id);
      *p++ = ' ';
      p = put_u64(p, ev.goroutine);
      *p++ = ' ';
      p = put_u64(p, ev.size_bytes);
      p = put_word(p, ev.pointerful ? " ptr" : " noscan");
      break;
    case EventKind::kFree:
      p = put_word(p, "free ");
      p = put_u64(p, ev.object_id);
      break;
    case EventKind::kWork:
      p = put_word(p, "work ");
      p = put_u64(p, ev.goroutine);
      *p++ = ' ';
      p = put_u64(p, ev.value);
      break;
    case EventKind::kPtrWrite:
      p = put_word(p, "write ");
      p = put_u64(p, ev.goroutine);
      if (ev.value != 1) {
        *p++ = ' ';
        p = put_u64(p, ev.value);
      }
      break;
    case EventKind::kGoStart:
      p = put_word(p, "go ");
      p = put_u64(p, ev.goroutine);
      if (ev.value != 0) {
        *p++ = ' ';
        p = put_u64(p, ev.value);
      }
      break;
    case EventKind::kGoExit:
      p = put_word(p, "exit ");
      p = put_u64(p, ev.goroutine);
      break;
    case EventKind::kForceGc:
      p = put_word(p, "gc ");
      p = put_u64(p, ev.goroutine);
      break;
    case EventKind::kMemStats:
      p = put_word(p, "memstats ");
      p = put_u64(p, ev.goroutine);
      break;
    case EventKind::kStack:
      p = put_word(p, "stack ");
      p = put_u64(p, ev.goroutine);
      *p++ = ' ';
      p = put_u64(p, ev.value);
      break;
    case EventKind::kGlobals:
      p = put_word(p, "globals ");
      p = put_u64(p, ev.value);
      break;
    case EventKind::kPoolPut:
      p = put_word(p, "pool_put ");
      p = put_u64(p, ev.goroutine);
      *p++ = ' ';
      p = put_u64(p, ev.pool);
      *p++ = ' ';
      p = put_u64(p, ev.object_id);
      break;
    case EventKind::kPoolGet:
      p = put_word(p, "pool_get ");
      p = put_u64(p, ev.goroutine);
      *p++ = ' ';
      p = put_u64(p, ev.pool);
      *p++ = ' ';
      p = put_u64(p, ev.object_id);
      *p++ = ' ';
      p = put_u64(p, ev.size_bytes);
      p = put_word(p, ev.pointerful ? " ptr" : " noscan");
      break;
  }
  *p++ = '\n';
  out_.commit(p);
}

void TextTraceWriter::write_batch(const TraceEvent* events, size_t n) {
  for (size_t i = 0; i < n; ++i) write(events[i]);
}

void TextTraceWriter::close() { out_.close(); }

}  // namespace gcsim::workload
