// SPDX-License-Identifier: MIT
// An output directory that appears complete or not at all (write to a staging dir, then rename).
#pragma once

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>

namespace gcsim::sim {

/// Writes `text` to `path.tmp-<pid>` and renames it over `path`, so `path` holds either its old
/// content or all of the new one, never a prefix (a killed run leaves at most the .tmp file).
/// Throws InputError(path, ...) if it cannot.
void write_file_atomic(const std::filesystem::path& path, const std::string& text);
/// The same, streaming: `write` writes the content straight into the temporary file (no copy of a
/// large table in memory); if it throws, the temporary file is removed and the exception passes on.
void write_file_atomic(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write);

class StagedDir {
 public:
  /// Prepares a staging directory `final_dir.partial-<pid>` next to `final_dir` (and removes those
  /// that killed runs left: their pid no longer exists). Throws InputError if `final_dir` exists
  /// and `replace` is false, or if it cannot be created.
  StagedDir(std::filesystem::path final_dir, bool replace);
  /// Removes the staging directory unless commit() was called (and the parent directories the
  /// constructor created, if they are still empty), so a failed run leaves nothing behind.
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
  std::filesystem::path created_parent_;  // the outermost parent directory this object created
};

}  // namespace gcsim::sim
