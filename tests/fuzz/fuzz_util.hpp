// SPDX-License-Identifier: MIT
// Shared helpers of the libFuzzer targets: in-memory files, and the one allowed failure (InputError).
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "sim/config/config_error.hpp"

namespace gcsim::fuzz {

/// The config targets' input: a JSON document, then optionally a line "%%" and one `--set`
/// override (key=value) per line.
struct DocAndSets {
  std::string_view doc;
  std::vector<std::string> sets;
};

inline DocAndSets split_doc_and_sets(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  DocAndSets out;
  auto sep = text.find("\n%%\n");
  out.doc = text.substr(0, sep);
  if (sep != std::string_view::npos) {
    std::string_view rest = text.substr(sep + 4);
    while (!rest.empty()) {
      auto nl = rest.find('\n');
      out.sets.emplace_back(rest.substr(0, nl));
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
  }
  return out;
}

/// A memfd the readers open by path (/proc/self/fd/N): no disk traffic per input.
class MemFile {
 public:
  MemFile() : fd_(::memfd_create("gcsim-fuzz", 0)) {
    if (fd_ < 0) std::abort();
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~MemFile() { ::close(fd_); }
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;

  /// Replaces the content with [data, data+size).
  const std::string& set(const uint8_t* data, size_t size) {
    if (::ftruncate(fd_, 0) != 0) std::abort();
    size_t done = 0;
    while (done < size) {
      ssize_t n = ::pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
      if (n <= 0) std::abort();
      done += static_cast<size_t>(n);
    }
    return path_;
  }

 private:
  int fd_;
  std::string path_;
};

/// Bad input must end as an InputError with a non-empty `where` and a one-line message; anything
/// else escaping (std::logic_error, json exceptions, bad_alloc, ...) is a bug, so it aborts.
template <typename Fn>
void expect_only_input_errors(Fn&& fn) {
  try {
    fn();
  } catch (const InputError& e) {
    std::string what = e.what();
    if (e.where().empty() || what.find('\n') != std::string::npos) {
      std::fprintf(stderr, "bad error message: %s\n", what.c_str());
      std::abort();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected exception: %s\n", e.what());
    std::abort();
  }
}

}  // namespace gcsim::fuzz
