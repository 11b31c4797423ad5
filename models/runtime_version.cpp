// SPDX-License-Identifier: MIT
#include "models/runtime_version.hpp"

namespace gcsim {
namespace {

const std::vector<VersionTraits>& table() {
  static const std::vector<VersionTraits> rows = {
      // version smoothing                          Tr=H   3%     stacks scav   headers
      {"1.19", ConsMarkSmoothing::kPiController, false, false, false, false, false},
      {"1.20", ConsMarkSmoothing::kMeanOfTwo, true, false, true, false, false},
      {"1.21", ConsMarkSmoothing::kMaxOfFive, true, true, true, false, false},
      {"1.22", ConsMarkSmoothing::kMaxOfFive, true, true, true, true, true},
      {"1.23", ConsMarkSmoothing::kMaxOfFive, true, true, true, true, true},
  };
  return rows;
}

}  // namespace

const VersionTraits* find_version(const std::string& version) {
  for (const auto& v : table())
    if (v.version == version) return &v;
  return nullptr;
}

std::vector<std::string> supported_versions() {
  std::vector<std::string> out;
  for (const auto& v : table()) out.push_back(v.version);
  return out;
}

}  // namespace gcsim
