// SPDX-License-Identifier: MIT
// An output directory that appears complete or not at all (write to a staging dir, then rename).
#pragma once

#include <filesystem>
#include <string>

namespace gcsim::sim {

class StagedDir {
 public:
  /// Prepares a staging directory next to `final_dir`. Throws InputError if `final_dir` exists and
  /// `replace` is false.
  StagedDir(std::filesystem::path final_dir, bool replace);
  /// Removes the staging directory unless commit() was called.
  ~StagedDir();
  StagedDir(const StagedDir&) = delete;
  StagedDir& operator=(const StagedDir&) = delete;

  /// Where to write files now.
  const std::filesystem::path& path() const { return staging_; }
  /// Moves the staging directory to its final place (replacing an old one if allowed).
  void commit();

 private:
  std::filesystem::path final_;
  std::filesystem::path staging_;
  bool replace_;
  bool committed_ = false;
};

}  // namespace gcsim::sim
