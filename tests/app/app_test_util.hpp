// SPDX-License-Identifier: MIT
// Helpers shared by the app tests: reading a file whole, fresh temporary directories.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace gcsim::test {

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// A fresh (emptied) directory <tmp>/gcsim_test_app_<pid>/<group>/<name>; the whole root is
/// removed when the test program exits.
inline std::filesystem::path fresh_temp_dir(const std::string& group, const std::string& name) {
  namespace fs = std::filesystem;
  static const struct Root {
    fs::path path = fs::temp_directory_path() / ("gcsim_test_app_" + std::to_string(::getpid()));
    ~Root() {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  } root;
  fs::path d = root.path / group / name;
  fs::remove_all(d);
  return d;
}

}  // namespace gcsim::test
