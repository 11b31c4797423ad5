// SPDX-License-Identifier: MIT
// Page-level heap: mapped memory grown in 4 MiB chunks, pages handed out to spans (mheap.go).
#pragma once

#include <cstdint>

#include "models/allocator/size_classes.hpp"

namespace gcsim::alloc {

/// Counts pages only: contiguity is not modelled (a run of n free pages is assumed to exist
/// whenever n pages are free). Mirrors mheap.allocSpan / mheap.grow / mheap.freeSpan accounting
/// in runtime/mheap.go (Go 1.19): growth rounds the shortfall up to pallocChunkPages = 512 pages.
class PageHeap {
 public:
  static constexpr uint64_t kGrowthPages = 512;  // pallocChunkPages (mpagealloc.go): 4 MiB

  /// Takes `pages` for a span; grows the mapping if needed.
  void alloc(uint64_t pages) {
    if (free_pages_ < pages) {
      uint64_t need = pages - free_pages_;
      uint64_t grow = (need + kGrowthPages - 1) / kGrowthPages * kGrowthPages;
      mapped_pages_ += grow;
      free_pages_ += grow;
    }
    free_pages_ -= pages;
    inuse_pages_ += pages;
  }
  /// Returns a span's pages to the free pool (still mapped: Go's heapFree).
  void release(uint64_t pages) {
    inuse_pages_ -= pages;
    free_pages_ += pages;
  }

  uint64_t inuse_bytes() const { return inuse_pages_ * kPageBytes; }    ///< MemStats.HeapInuse
  uint64_t free_bytes() const { return free_pages_ * kPageBytes; }      ///< HeapIdle (no scavenger yet)
  uint64_t mapped_bytes() const { return mapped_pages_ * kPageBytes; }  ///< MemStats.HeapSys
  uint64_t inuse_pages() const { return inuse_pages_; }

 private:
  uint64_t mapped_pages_ = 0;
  uint64_t free_pages_ = 0;
  uint64_t inuse_pages_ = 0;
};

}  // namespace gcsim::alloc
