// SPDX-License-Identifier: MIT
#include "models/pacer/registry.hpp"

#include "models/pacer/go_pacer.hpp"
#include "sim/config/config_error.hpp"
#include "sim/config/json_check.hpp"

namespace gcsim::pacer {
namespace {

template <class Params, class Impl>
PacerKind entry(std::string kind, std::string summary) {
  return PacerKind{
      std::move(kind), std::move(summary),
      [](const nlohmann::json& params, const std::string& path, const PacerContext& ctx) -> std::unique_ptr<Pacer> {
        return std::make_unique<Impl>(Params::parse(params, path), ctx.runtime);
      },
      [](const nlohmann::json& params, const std::string& path) { return Params::parse(params, path).to_json(); }};
}

const PacerKind& find_kind(const nlohmann::json& pacer, const std::string& path) {
  config::require_only_keys(pacer, {"kind", "params"}, path);
  std::string kind = config::get_string(pacer, path, "kind", "go");
  for (const auto& k : pacer_kinds())
    if (k.kind == kind) return k;
  std::string known;
  for (const auto& k : pacer_kinds()) known += (known.empty() ? "" : ", ") + k.kind;
  throw ConfigError(config::join_path(path, "kind"), "unknown pacer '" + kind + "'; known: " + known);
}

}  // namespace

const std::vector<PacerKind>& pacer_kinds() {
  static const std::vector<PacerKind> kinds = {
      entry<GoPacerParams, GoPacer>("go", "Go 1.19 pacer: cons/mark runway smoothed by a PI controller"),
  };
  return kinds;
}

std::unique_ptr<Pacer> make_pacer(const nlohmann::json& pacer, const std::string& path, const PacerContext& ctx) {
  const PacerKind& k = find_kind(pacer, path);
  return k.make(pacer.value("params", nlohmann::json::object()), config::join_path(path, "params"), ctx);
}

nlohmann::json resolved_pacer(const nlohmann::json& pacer, const std::string& path) {
  const PacerKind& k = find_kind(pacer, path);
  return {{"kind", k.kind}, {"params", k.resolve(pacer.value("params", nlohmann::json::object()), config::join_path(path, "params"))}};
}

}  // namespace gcsim::pacer
