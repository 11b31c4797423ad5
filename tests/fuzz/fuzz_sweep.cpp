// SPDX-License-Identifier: MIT
// libFuzzer target: sweep expansion (configs/README.md "Sweep"), with `--set` overrides.
// Input: a sweep JSON document, optionally followed by a line "%%" and one override per line.
// Checks: bad input ends as one InputError; a valid sweep has distinct point names that are
// usable directory names, and its manifest reads back.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/sweep_command.hpp"
#include "sim/config/overrides.hpp"
#include "tests/fuzz/fuzz_util.hpp"

using namespace gcsim;

#ifndef GCSIM_FUZZ_SWEEP_DIR
#define GCSIM_FUZZ_SWEEP_DIR "."
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fuzz::DocAndSets in = fuzz::split_doc_and_sets(data, size);
  const std::vector<std::string>& sets = in.sets;
  nlohmann::json doc = nlohmann::json::parse(in.doc, nullptr, false);
  if (doc.is_discarded()) return 0;
  fuzz::expect_only_input_errors([&] {
    for (const std::string& s : sets) config::apply_override(doc, s);
    app::Sweep s = app::expand_sweep(doc, GCSIM_FUZZ_SWEEP_DIR);
    std::set<std::string> names;
    for (const app::SweepPoint& p : s.points) {
      if (p.name.empty() || p.name.size() > 255 || p.name.find('/') != std::string::npos || p.name == "." ||
          p.name == ".." || !names.insert(p.name).second) {
        std::fprintf(stderr, "bad point name '%s'\n", p.name.c_str());
        std::abort();
      }
    }
    app::Sweep back = app::Sweep::from_manifest(s.manifest(), "manifest");
    if (back.points.size() != s.points.size()) std::abort();
  });
  return 0;
}
