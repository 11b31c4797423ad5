// SPDX-License-Identifier: MIT
#include "sim/run_dir.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <fstream>
#include <system_error>
#include <vector>

#include "sim/config/config_error.hpp"

namespace gcsim::sim {

namespace fs = std::filesystem;

void write_file_atomic(const fs::path& path, const std::function<void(std::ostream&)>& write) {
  fs::path tmp = path;
  tmp += ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(path.string(), "cannot write file");
    try {
      write(out);
    } catch (...) {
      out.close();
      std::error_code ec;
      fs::remove(tmp, ec);
      throw;
    }
    out.flush();
    if (!out) {
      out.close();
      std::error_code ec;
      fs::remove(tmp, ec);
      throw InputError(path.string(), "write failed");
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw InputError(path.string(), "cannot move file into place: " + ec.message());
  }
}

void write_file_atomic(const fs::path& path, const std::string& text) {
  write_file_atomic(path, [&text](std::ostream& os) { os << text; });
}

namespace {

/// Removes `<final>.partial-<pid>` directories whose process is gone (a run killed by a signal
/// cannot clean up after itself). Directories of live processes are left alone.
void remove_stale_staging(const fs::path& final_dir) {
  const fs::path parent = final_dir.parent_path().empty() ? fs::path(".") : final_dir.parent_path();
  const std::string prefix = final_dir.filename().string() + ".partial-";
  std::error_code ec;
  std::vector<fs::path> stale;
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    long pid = 0;
    const char* b = name.data() + prefix.size();
    const char* e = name.data() + name.size();
    auto [ptr, perr] = std::from_chars(b, e, pid);
    if (perr != std::errc() || ptr != e || pid <= 0) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // alive (or not ours)
    stale.push_back(it->path());
  }
  for (const fs::path& p : stale) fs::remove_all(p, ec);
}

}  // namespace

StagedDir::StagedDir(fs::path final_dir, bool replace) : final_(std::move(final_dir)), replace_(replace) {
  if (fs::exists(final_) && !replace_)
    throw InputError(final_.string(), "output directory already exists (pass --force to replace it)");
  fs::path parent = final_.parent_path();
  std::error_code ec;
  if (!parent.empty()) {
    for (fs::path p = parent; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
      created_parent_ = p;
      if (p == p.parent_path()) break;
    }
    fs::create_directories(parent, ec);
  }
  if (ec) throw InputError(parent.string(), "cannot create directory: " + ec.message());
  if (fs::exists(final_) && !fs::is_directory(final_))
    throw InputError(final_.string(), "exists and is not a directory");
  remove_stale_staging(final_);
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
    if (!created_parent_.empty()) {  // rmdir each created level while it is empty
      for (fs::path p = final_.parent_path(); !p.empty(); p = p.parent_path()) {
        if (!fs::remove(p, ec) || p == created_parent_) break;
      }
    }
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
