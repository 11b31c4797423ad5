// SPDX-License-Identifier: MIT
// Output files and directories appear complete or not at all.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "sim/config/config_error.hpp"
#include "sim/run_dir.hpp"

namespace fs = std::filesystem;
using namespace gcsim;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/gcsim-rundir-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("write_file_atomic replaces the whole file and leaves no temporary") {
    TempDir t;
    fs::path f = t.path / "summary.json";
    sim::write_file_atomic(f, "{\"a\": 1}\n");
    sim::write_file_atomic(f, "{\"b\": 2}\n");
    CHECK(slurp(f) == "{\"b\": 2}\n");
    CHECK(std::distance(fs::directory_iterator(t.path), fs::directory_iterator()) == 1);
    CHECK_THROWS_AS(sim::write_file_atomic(t.path / "no" / "such" / "dir.json", "x"), InputError);
  }

  TEST_CASE("write_file_atomic streaming: the writer's text lands whole; if it throws, the old file stays") {
    TempDir t;
    fs::path f = t.path / "utilization.csv";
    sim::write_file_atomic(f, [](std::ostream& os) {
      for (int i = 0; i < 100000; ++i) os << i << ",0.5\n";
    });
    const std::string text = slurp(f);
    CHECK(text.size() == 988890);  // 100000 lines: digits (488890) + ",0.5\n" (5 each)
    CHECK(text.rfind("99999,0.5\n") == text.size() - 10);
    CHECK_THROWS_AS(sim::write_file_atomic(f, [](std::ostream& os) {
                      os << "half";
                      throw std::runtime_error("writer failed");
                    }),
                    std::runtime_error);
    CHECK(slurp(f) == text);
    CHECK(std::distance(fs::directory_iterator(t.path), fs::directory_iterator()) == 1);
  }

  TEST_CASE("StagedDir removes staging directories of dead processes, keeps live ones") {
    TempDir t;
    fs::path out = t.path / "run";
    // pid 2^22+1 is above Linux's pid_max ceiling: never a live process.
    fs::create_directories(t.path / "run.partial-4194305");
    std::ofstream(t.path / "run.partial-4194305" / "summary.json") << "{";
    fs::create_directories(t.path / "run.partial-1");  // pid 1 (init) is alive
    fs::create_directories(t.path / "run.partial-x");  // not a pid: not ours to touch
    {
      sim::StagedDir d(out, false);
      std::ofstream(d.path() / "summary.json") << "{}";
      d.commit();
    }
    CHECK(fs::exists(out / "summary.json"));
    CHECK_FALSE(fs::exists(t.path / "run.partial-4194305"));
    CHECK(fs::exists(t.path / "run.partial-1"));
    CHECK(fs::exists(t.path / "run.partial-x"));
  }

  TEST_CASE("StagedDir: an output path that is a file is bad input") {
    TempDir t;
    std::ofstream(t.path / "file") << "x";
    CHECK_THROWS_AS(sim::StagedDir(t.path / "file", true), InputError);
    CHECK_THROWS_AS(sim::StagedDir(t.path / "file" / "sub", false), InputError);
  }
}
