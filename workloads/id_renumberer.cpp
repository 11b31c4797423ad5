// SPDX-License-Identifier: MIT
// Open-addressing label -> dense id table for text trace readers.
#include "workloads/id_renumberer.hpp"

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>
#include <new>

#include "sim/rng.hpp"
#include "workloads/trace_format.hpp"

namespace gcsim::workload {
namespace {
constexpr size_t kInitialSlots = 1024;
constexpr size_t kHugePageBytes = size_t{2} << 20;
}  // namespace

void IdRenumberer::FreeDeleter::operator()(Slot* p) const { std::free(p); }

IdRenumberer::SlotArray IdRenumberer::allocate_slots(size_t count) {
  // count is a power of two >= 1024, so bytes is a multiple of either alignment.
  const size_t bytes = count * sizeof(Slot);
  const size_t align = bytes >= kHugePageBytes ? kHugePageBytes : 64;
  void* mem = std::aligned_alloc(align, bytes);
  if (mem == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  if (align == kHugePageBytes) (void)madvise(mem, bytes, MADV_HUGEPAGE);  // a hint; failure is harmless
#endif
  std::memset(mem, 0, bytes);
  return SlotArray(static_cast<Slot*>(mem));
}

IdRenumberer::IdRenumberer() : slots_(allocate_slots(kInitialSlots)), mask_(kInitialSlots - 1) {}

size_t IdRenumberer::home(uint64_t label) const { return static_cast<size_t>(sim::mix64(label)) & mask_; }

void IdRenumberer::grow() {
  size_t old_cap = mask_ + 1;
  SlotArray old = std::move(slots_);
  slots_ = allocate_slots(old_cap * 2);
  mask_ = old_cap * 2 - 1;
  for (size_t i = 0; i < old_cap; ++i) {
    if (old[i].id_plus_1 == 0) continue;
    size_t j = home(old[i].label);
    while (slots_[j].id_plus_1 != 0) j = (j + 1) & mask_;
    slots_[j] = old[i];
  }
}

IdRenumberer::Status IdRenumberer::assign(uint64_t label, uint32_t& id) {
  // Keep the load factor <= 0.7 so probes stay short.
  if ((size_ + 1) * 10 > (mask_ + 1) * 7) grow();
  size_t i = home(label);
  while (slots_[i].id_plus_1 != 0) {
    if (slots_[i].label == label) return Status::kAlreadyLive;
    i = (i + 1) & mask_;
  }
  if (!pool_.can_acquire(kMaxObjectIds)) return Status::kTooManyLive;
  id = pool_.acquire();
  slots_[i] = Slot{label, id + 1};
  ++size_;
  return Status::kOk;
}

IdRenumberer::Status IdRenumberer::release(uint64_t label, uint32_t& id) {
  size_t i = home(label);
  while (true) {
    if (slots_[i].id_plus_1 == 0) return Status::kNotLive;
    if (slots_[i].label == label) break;
    i = (i + 1) & mask_;
  }
  id = slots_[i].id_plus_1 - 1;
  pool_.release(id);
  --size_;
  // Backward-shift deletion: pull later members of the probe run into the hole when their home
  // position does not lie cyclically in (hole, j].
  size_t hole = i;
  size_t j = i;
  while (true) {
    j = (j + 1) & mask_;
    if (slots_[j].id_plus_1 == 0) break;
    size_t k = home(slots_[j].label);
    bool k_in_range = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
    if (!k_in_range) {
      slots_[hole] = slots_[j];
      hole = j;
    }
  }
  slots_[hole].id_plus_1 = 0;
  return Status::kOk;
}

}  // namespace gcsim::workload
