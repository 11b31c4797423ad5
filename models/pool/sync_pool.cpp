// SPDX-License-Identifier: MIT
#include "models/pool/sync_pool.hpp"

namespace gcsim::pool {

SyncPools::Pool& SyncPools::pool_for(uint32_t id) {
  auto [it, inserted] = index_.try_emplace(id, static_cast<uint32_t>(pools_.size()));
  if (inserted) {
    Pool p;
    p.primary.resize(static_cast<size_t>(procs_));
    p.victim.resize(static_cast<size_t>(procs_));
    pools_.push_back(std::move(p));
  }
  return pools_[it->second];
}

void SyncPools::put(uint32_t pool, int p, const alloc::DetachedObject& obj) {
  ++puts_;
  pool_for(pool).primary[static_cast<size_t>(p)].push_back(obj);
}

std::optional<alloc::DetachedObject> SyncPools::take(std::vector<std::vector<alloc::DetachedObject>>& caches, int p) {
  auto& own = caches[static_cast<size_t>(p)];
  if (!own.empty()) {
    alloc::DetachedObject o = own.back();
    own.pop_back();
    return o;
  }
  const size_t n = caches.size();
  for (size_t i = 1; i < n; ++i) {  // getSlow: steal from the other Ps in order, from the tail
    auto& other = caches[(static_cast<size_t>(p) + i) % n];
    if (!other.empty()) {
      alloc::DetachedObject o = other.front();
      other.erase(other.begin());
      return o;
    }
  }
  return std::nullopt;
}

std::optional<alloc::DetachedObject> SyncPools::get(uint32_t pool, int p) {
  ++gets_;
  Pool& pl = pool_for(pool);
  auto o = take(pl.primary, p);
  if (!o) o = take(pl.victim, p);
  if (o) ++hits_;
  return o;
}

std::vector<alloc::DetachedObject> SyncPools::on_gc_start() {
  std::vector<alloc::DetachedObject> dropped;
  for (Pool& pl : pools_) {
    for (size_t p = 0; p < pl.victim.size(); ++p) {
      for (const auto& o : pl.victim[p]) dropped.push_back(o);
      pl.victim[p] = std::move(pl.primary[p]);
      pl.primary[p].clear();
    }
  }
  dropped_ += dropped.size();
  return dropped;
}

uint64_t SyncPools::pooled_objects() const {
  uint64_t n = 0;
  for (const Pool& pl : pools_)
    for (size_t p = 0; p < pl.primary.size(); ++p) n += pl.primary[p].size() + pl.victim[p].size();
  return n;
}

}  // namespace gcsim::pool
