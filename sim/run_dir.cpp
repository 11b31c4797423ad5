// SPDX-License-Identifier: MIT
#include "sim/run_dir.hpp"

#include <unistd.h>

#include <system_error>

#include "sim/config/config_error.hpp"

namespace gcsim::sim {

namespace fs = std::filesystem;

StagedDir::StagedDir(fs::path final_dir, bool replace) : final_(std::move(final_dir)), replace_(replace) {
  if (fs::exists(final_) && !replace_)
    throw InputError(final_.string(), "output directory already exists (pass --force to replace it)");
  fs::path parent = final_.parent_path();
  std::error_code ec;
  if (!parent.empty()) fs::create_directories(parent, ec);
  if (ec) throw InputError(parent.string(), "cannot create directory: " + ec.message());
  staging_ = final_;
  staging_ += ".partial-" + std::to_string(::getpid());
  fs::remove_all(staging_, ec);
  fs::create_directories(staging_, ec);
  if (ec) throw InputError(staging_.string(), "cannot create directory: " + ec.message());
}

StagedDir::~StagedDir() {
  if (!committed_) {
    std::error_code ec;
    fs::remove_all(staging_, ec);
  }
}

void StagedDir::commit() {
  std::error_code ec;
  if (fs::exists(final_)) {
    if (!replace_) throw InputError(final_.string(), "output directory appeared while running");
    fs::remove_all(final_, ec);
  }
  fs::rename(staging_, final_, ec);
  if (ec) throw InputError(final_.string(), "cannot move results into place: " + ec.message());
  committed_ = true;
}

}  // namespace gcsim::sim
