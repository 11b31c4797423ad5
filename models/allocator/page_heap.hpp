// SPDX-License-Identifier: MIT
// Page-level heap: mapped memory grown in 4 MiB chunks, pages handed out to spans (mheap.go).
#pragma once

#include <cstdint>

#include "models/allocator/size_classes.hpp"

namespace gcsim::alloc {

/// Counts pages only: contiguity is not modelled (a run of n free pages is assumed to exist
/// whenever n pages are free). Mirrors the accounting of mheap.allocSpan / mheap.grow /
/// mheap.freeSpan and the scavenger in runtime/mheap.go, mgcscavenge.go (Go 1.19): growth rounds
/// the shortfall up to pallocChunkPages = 512 pages and the new memory counts as released until a
/// span uses it; freed spans become free-but-unscavenged (heapFree) until scavenged.
class PageHeap {
 public:
  static constexpr uint64_t kGrowthPages = 512;  // pallocChunkPages (mpagealloc.go): 4 MiB

  /// Takes `pages` for a span; grows the mapping if needed. Returns how many of the pages were
  /// released (scavenged) memory that had to be made ready again (allocSpan's `scav`). Unscavenged
  /// free pages are used first (the page allocator's address order is not modelled).
  uint64_t alloc(uint64_t pages) {
    if (free_pages_ + released_pages_ < pages) {
      uint64_t need = pages - free_pages_ - released_pages_;
      uint64_t grow = (need + kGrowthPages - 1) / kGrowthPages * kGrowthPages;
      mapped_pages_ += grow;
      released_pages_ += grow;
    }
    uint64_t from_free = pages < free_pages_ ? pages : free_pages_;
    free_pages_ -= from_free;
    uint64_t scav = pages - from_free;
    released_pages_ -= scav;
    inuse_pages_ += pages;
    return scav;
  }
  /// Returns a span's pages to the free pool (still backed by memory: Go's heapFree).
  void release(uint64_t pages) {
    inuse_pages_ -= pages;
    free_pages_ += pages;
  }
  /// Returns up to `pages` free pages to the OS; returns how many.
  uint64_t scavenge(uint64_t pages) {
    uint64_t n = pages < free_pages_ ? pages : free_pages_;
    free_pages_ -= n;
    released_pages_ += n;
    return n;
  }

  uint64_t inuse_bytes() const { return inuse_pages_ * kPageBytes; }      ///< MemStats.HeapInuse
  uint64_t free_bytes() const { return free_pages_ * kPageBytes; }        ///< heapFree (unscavenged)
  uint64_t released_bytes() const { return released_pages_ * kPageBytes; }  ///< MemStats.HeapReleased
  uint64_t mapped_bytes() const { return mapped_pages_ * kPageBytes; }    ///< MemStats.HeapSys
  uint64_t retained_bytes() const { return (inuse_pages_ + free_pages_) * kPageBytes; }  ///< heapRetained
  uint64_t inuse_pages() const { return inuse_pages_; }
  uint64_t free_pages() const { return free_pages_; }

 private:
  uint64_t mapped_pages_ = 0;
  uint64_t free_pages_ = 0;
  uint64_t released_pages_ = 0;
  uint64_t inuse_pages_ = 0;
};

}  // namespace gcsim::alloc
