// SPDX-License-Identifier: MIT
// libFuzzer target: the experiment config loader with `--set` overrides.
// Input: a JSON document, optionally followed by a line "%%" and one override "path=value" per line.
// Checks: bad input ends as one InputError; a valid config's resolved form is valid and resolves
// to itself (resolved_config.json reproduces the run); its pacer and generator can be built.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/experiment.hpp"
#include "models/pacer/registry.hpp"
#include "sim/config/overrides.hpp"
#include "tests/fuzz/fuzz_util.hpp"
#include "workloads/workload_factory.hpp"

using namespace gcsim;

#ifndef GCSIM_FUZZ_CONFIG_DIR
#define GCSIM_FUZZ_CONFIG_DIR "."
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fuzz::DocAndSets in = fuzz::split_doc_and_sets(data, size);
  const std::vector<std::string>& sets = in.sets;
  nlohmann::json doc = nlohmann::json::parse(in.doc, nullptr, false);
  if (doc.is_discarded()) return 0;  // JSON syntax errors are nlohmann's (read_json_file reports them)
  fuzz::expect_only_input_errors([&] {
    for (const std::string& s : sets) config::apply_override(doc, s);
    app::Experiment e = app::parse_experiment(doc, GCSIM_FUZZ_CONFIG_DIR);
    nlohmann::json resolved = e.resolved();
    app::Experiment again = app::parse_experiment(resolved, GCSIM_FUZZ_CONFIG_DIR);
    if (again.resolved() != resolved) {
      std::fprintf(stderr, "resolved config does not resolve to itself:\n%s\n%s\n", resolved.dump().c_str(),
                   again.resolved().dump().c_str());
      std::abort();
    }
    pacer::PacerContext ctx{e.process.runtime};
    auto p = pacer::make_pacer(e.pacer, "pacer", ctx);
    if (!p) std::abort();
    if (e.workload.value("kind", "") != "trace") {
      auto src = workload::make_workload(e.workload, "workload", e.seed, GCSIM_FUZZ_CONFIG_DIR);
      std::vector<workload::TraceEvent> buf(256);
      src->next_batch(buf.data(), buf.size());
    }
  });
  return 0;
}
