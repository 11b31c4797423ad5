// SPDX-License-Identifier: MIT
// The list of workload kinds and how each is built from JSON.
#include "workloads/workload_factory.hpp"

#include <filesystem>
#include <functional>

#include "sim/config/config_error.hpp"
#include "workloads/generators/concepts/concept_generator.hpp"
#include "workloads/generators/drop_generator.hpp"
#include "workloads/generators/goroutines_generator.hpp"
#include "workloads/generators/growing_generator.hpp"
#include "workloads/generators/mixed_generator.hpp"
#include "workloads/generators/pacer_scenario_generator.hpp"
#include "workloads/generators/ring_generator.hpp"
#include "workloads/replayer_table_source.hpp"
#include "workloads/trace_open.hpp"

namespace gcsim::workload {
namespace {

struct KindEntry {
  const char* kind;
  const char* summary;
  /// base_dir: the directory relative file params resolve against.
  std::function<std::unique_ptr<EventSource>(const Json& params, const std::string& path, uint64_t seed,
                                             const std::string& base_dir)>
      make;
  std::function<Json(const Json& params, const std::string& path)> resolve;
};

constexpr const char* kTraceKind = "trace";
constexpr const char* kTraceSummary = "replay a recorded trace file (.gct text or .gctb binary), params: path";

const std::vector<KindEntry>& generator_kinds() {
  static const std::vector<KindEntry> kinds = {
      {"ring", "calibration workload: objects stored into a ring of slots, each evicting the previous occupant",
       [](const Json& p, const std::string& path, uint64_t, const std::string&) -> std::unique_ptr<EventSource> {
         return std::make_unique<RingGenerator>(RingParams::parse(p, path));
       },
       [](const Json& p, const std::string& path) { return RingParams::parse(p, path).to_json(); }},
      {"growing", "live set growing linearly from initial_live_bytes to final_live_bytes, with short-lived garbage",
       [](const Json& p, const std::string& path, uint64_t seed, const std::string&) -> std::unique_ptr<EventSource> {
         return std::make_unique<GrowingGenerator>(GrowingParams::parse(p, path), seed);
       },
       [](const Json& p, const std::string& path) { return GrowingParams::parse(p, path).to_json(); }},
      {"mixed", "tiny/small/medium/large size mix with exponential lifetimes (seeded)",
       [](const Json& p, const std::string& path, uint64_t seed, const std::string&) -> std::unique_ptr<EventSource> {
         return std::make_unique<MixedGenerator>(MixedParams::parse(p, path), seed);
       },
       [](const Json& p, const std::string& path) { return MixedParams::parse(p, path).to_json(); }},
      {"drop", "live set built, held, then dropped to after_drop_live_bytes part-way, with steady garbage",
       [](const Json& p, const std::string& path, uint64_t, const std::string&) -> std::unique_ptr<EventSource> {
         return std::make_unique<DropGenerator>(DropParams::parse(p, path));
       },
       [](const Json& p, const std::string& path) { return DropParams::parse(p, path).to_json(); }},
      {"goroutines", "many goroutines serving requests at a deep stack, buffers allocated or from a sync.Pool",
       [](const Json& p, const std::string& path, uint64_t, const std::string&) -> std::unique_ptr<EventSource> {
         return std::make_unique<GoroutinesGenerator>(GoroutinesParams::parse(p, path));
       },
       [](const Json& p, const std::string& path) { return GoroutinesParams::parse(p, path).to_json(); }},
      {"pacer-scenario", "a pacer redesign per-GC-cycle scenario file turned into allocations at its rates, params: file",
       [](const Json& p, const std::string& path, uint64_t, const std::string& base_dir) -> std::unique_ptr<EventSource> {
         PacerScenarioParams params = PacerScenarioParams::parse(p, path);
         return std::make_unique<PacerScenarioGenerator>(
             params, PacerScenarioGenerator::load_scenario(params, path, base_dir));
       },
       [](const Json& p, const std::string& path) { return PacerScenarioParams::parse(p, path).to_json(); }},
  };
  static const std::vector<KindEntry> all = [] {
    std::vector<KindEntry> v = kinds;
    // The concept-* family (workloads/generators/concepts/): one small program per idea of the guide.
    for (const concepts::ConceptKind& c : concepts::concept_kinds()) {
      v.push_back({c.kind, c.summary,
                   [c](const Json& p, const std::string& path, uint64_t seed,
                       const std::string&) -> std::unique_ptr<EventSource> {
                     concepts::ConceptParams params(c.params, p, path);
                     return std::make_unique<concepts::ConceptSource>(std::string(c.kind) + " generator",
                                                                      [c, params, seed] { return c.body(params, seed); });
                   },
                   [c](const Json& p, const std::string& path) {
                     return concepts::ConceptParams(c.params, p, path).resolved();
                   }});
    }
    return v;
  }();
  return all;
}

std::string known_kinds() {
  std::string s = kTraceKind;
  for (const auto& k : generator_kinds()) s += std::string(", ") + k.kind;
  return s;
}

const KindEntry* find_generator(const std::string& kind) {
  for (const auto& k : generator_kinds())
    if (kind == k.kind) return &k;
  return nullptr;
}

[[noreturn]] void unknown_kind(const std::string& kind, const std::string& where) {
  throw ConfigError(where, "unknown workload kind '" + kind + "'; known: " + known_kinds());
}

/// Validates trace params and returns the path as written.
std::string trace_path_param(const Json& params, const std::string& params_path) {
  config::require_only_keys(params, {"path"}, params_path);
  config::require_key(params, params_path, "path");
  std::string path = config::get_string(params, params_path, "path", "");
  if (path.empty()) throw ConfigError(config::join_path(params_path, "path"), "must be a non-empty file path");
  return path;
}

}  // namespace

WorkloadSpec parse_workload_spec(const Json& workload, const std::string& json_path) {
  config::require_only_keys(workload, {"kind", "params", "replayer_table", "pointer_layout", "pointer_array_ids"}, json_path);
  const std::string kind_path = config::join_path(json_path, "kind");
  if (!workload.contains("kind")) throw ConfigError(kind_path, "required key is missing; known kinds: " + known_kinds());
  WorkloadSpec spec;
  spec.kind = config::get_string(workload, json_path, "kind", "");
  spec.params = workload.contains("params") ? workload.at("params") : Json::object();
  config::require_object(spec.params, config::join_path(json_path, "params"));
  spec.replayer_table = config::get_bool(workload, json_path, "replayer_table", false);
  spec.pointer_layout = config::get_string(workload, json_path, "pointer_layout", "all");
  if (spec.pointer_layout != "all" && spec.pointer_layout != "first")
    throw ConfigError(config::join_path(json_path, "pointer_layout"),
                      "unknown layout \"" + spec.pointer_layout + "\"; allowed: all, first");
  if (workload.contains("pointer_array_ids")) {
    const std::string ids_path = config::join_path(json_path, "pointer_array_ids");
    const Json& ids = workload.at("pointer_array_ids");
    if (!ids.is_array()) throw ConfigError(ids_path, "must be an array of object ids (integers 0..4294967294)");
    for (size_t i = 0; i < ids.size(); ++i) {
      const bool whole = ids[i].is_number_unsigned() || (ids[i].is_number_integer() && ids[i].get<int64_t>() >= 0);
      if (!whole || ids[i].get<uint64_t>() >= UINT32_MAX)
        throw ConfigError(ids_path + "[" + std::to_string(i) + "]", "must be an object id (an integer 0..4294967294)");
      spec.pointer_array_ids.push_back(ids[i].get<uint32_t>());
    }
  }
  return spec;
}

uint64_t pointer_scan_prefix_bytes(const std::string& pointer_layout) { return pointer_layout == "first" ? 8 : 0; }

std::unique_ptr<EventSource> make_generator(const std::string& kind, const Json& params,
                                            const std::string& params_path, uint64_t seed, const std::string& base_dir) {
  const KindEntry* k = find_generator(kind);
  if (k == nullptr) {
    std::string gens;
    for (const auto& g : generator_kinds()) gens += std::string(gens.empty() ? "" : ", ") + g.kind;
    throw ConfigError(kind, "unknown generator kind; known: " + gens);
  }
  return k->make(params, params_path, seed, base_dir);
}

namespace {

std::unique_ptr<EventSource> make_plain_workload(const WorkloadSpec& spec, const std::string& json_path,
                                                 uint64_t seed, const std::string& base_dir) {
  const std::string params_path = config::join_path(json_path, "params");
  if (spec.kind == kTraceKind) {
    std::filesystem::path p = trace_path_param(spec.params, params_path);
    if (p.is_relative() && !base_dir.empty()) p = std::filesystem::path(base_dir) / p;
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec))
      throw ConfigError(config::join_path(params_path, "path"), p.string() + " is a directory, not a trace file");
    if (!std::filesystem::is_regular_file(p, ec))
      throw ConfigError(config::join_path(params_path, "path"), "file not found: " + p.string());
    return open_trace(p.string());
  }
  const KindEntry* k = find_generator(spec.kind);
  if (k == nullptr) unknown_kind(spec.kind, config::join_path(json_path, "kind"));
  return k->make(spec.params, params_path, seed, base_dir);
}

}  // namespace

std::unique_ptr<EventSource> make_workload(const Json& workload, const std::string& json_path, uint64_t seed,
                                           const std::string& base_dir) {
  WorkloadSpec spec = parse_workload_spec(workload, json_path);
  std::unique_ptr<EventSource> src = make_plain_workload(spec, json_path, seed, base_dir);
  if (spec.replayer_table)
    src = std::make_unique<ReplayerTableSource>(std::move(src), config::join_path(json_path, "replayer_table"));
  return src;
}

Json resolved_workload(const Json& workload, const std::string& json_path) {
  WorkloadSpec spec = parse_workload_spec(workload, json_path);
  const std::string params_path = config::join_path(json_path, "params");
  Json params;
  if (spec.kind == kTraceKind) {
    params = {{"path", trace_path_param(spec.params, params_path)}};
  } else {
    const KindEntry* k = find_generator(spec.kind);
    if (k == nullptr) unknown_kind(spec.kind, config::join_path(json_path, "kind"));
    params = k->resolve(spec.params, params_path);
  }
  Json out = {{"kind", spec.kind}, {"params", params}};
  if (spec.replayer_table) out["replayer_table"] = true;
  out["pointer_layout"] = spec.pointer_layout;
  if (!spec.pointer_array_ids.empty()) out["pointer_array_ids"] = spec.pointer_array_ids;
  return out;
}

std::vector<std::pair<std::string, std::string>> workload_kinds() {
  std::vector<std::pair<std::string, std::string>> out = {{kTraceKind, kTraceSummary}};
  for (const auto& k : generator_kinds()) out.emplace_back(k.kind, k.summary);
  return out;
}

}  // namespace gcsim::workload
