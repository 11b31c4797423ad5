// SPDX-License-Identifier: MIT
// One root seed -> named, independent, reproducible random streams (no global state).
#pragma once

#include <cstdint>
#include <string_view>

namespace gcsim::sim {

/// splitmix64 finaliser: a bijective 64-bit mix (Steele, Lea, Flood 2014).
constexpr uint64_t mix64(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// FNV-1a hash of a stream name, so stream seeds do not depend on creation order.
constexpr uint64_t hash_name(std::string_view name) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

/// xoshiro256** generator (Blackman & Vigna). Deterministic across platforms.
class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t next_u64();
  /// Uniform in [0, 1).
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  /// Uniform integer in [0, n), n > 0 (Lemire's nearly-divisionless method, unbiased).
  uint64_t below(uint64_t n);
  /// Exponential with the given mean.
  double exponential(double mean);

 private:
  uint64_t s_[4];
};

/// Root of all randomness in one run: `stream("workload.sizes")` always yields the same sequence
/// for the same root seed, whatever other streams exist.
class RngRoot {
 public:
  explicit RngRoot(uint64_t seed) : seed_(seed) {}
  Rng stream(std::string_view name) const { return Rng(mix64(seed_ ^ mix64(hash_name(name)))); }
  uint64_t seed() const { return seed_; }

 private:
  uint64_t seed_;
};

}  // namespace gcsim::sim
