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
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> sets;
  auto sep = text.find("\n%%\n");
  std::string_view doc_text = text.substr(0, sep);
  if (sep != std::string_view::npos) {
    std::string_view rest = text.substr(sep + 4);
    while (!rest.empty()) {
      auto nl = rest.find('\n');
      sets.emplace_back(rest.substr(0, nl));
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
  }
  nlohmann::json doc = nlohmann::json::parse(doc_text, nullptr, false);
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
