// SPDX-License-Identifier: MIT
#include "models/pacer/registry.hpp"

#include "models/pacer/go_pacer.hpp"
#include "models/pacer/go_version_pacer.hpp"
#include "models/pacer/kalman_pacer.hpp"
#include "models/pacer/legacy_pacer.hpp"
#include "models/pacer/membalancer_pacer.hpp"
#include "models/pacer/redesign_model_pacer.hpp"
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

/// A kind whose factory also reads the context's goal rule: make(params, ctx).
template <class Params, class Make>
PacerKind entry_with_context(std::string kind, std::string summary, Make make) {
  return PacerKind{
      std::move(kind), std::move(summary),
      [make](const nlohmann::json& params, const std::string& path, const PacerContext& ctx) -> std::unique_ptr<Pacer> {
        return make(Params::parse(params, path), ctx);
      },
      [](const nlohmann::json& params, const std::string& path) { return Params::parse(params, path).to_json(); }};
}

template <class Impl, class Params>
std::unique_ptr<Pacer> with_rule(const Params& p, const PacerContext& ctx) {
  return std::make_unique<Impl>(p, ctx.runtime, ctx.goal_rule);
}

PacerKind go_release(const std::string& version, std::string summary) {
  return entry_with_context<GoPacerParams>("go" + version, std::move(summary),
                                           [version](const GoPacerParams& p, const PacerContext& ctx) {
                                             return make_go_version_pacer(p, ctx, version);
                                           });
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
      go_release("1.18", "Go 1.18's pacer (modelled as 1.19): cons/mark PI controller, kp 0.9, ti 4"),
      go_release("1.19", "Go 1.19's pacer: cons/mark PI controller, kp 0.9, ti 4, measured from the trigger"),
      go_release("1.20", "Go 1.20's pacer: cons/mark = mean of the last two measurements"),
      go_release("1.21", "Go 1.21's pacer: cons/mark = max of the last five, 3 % memory-limit headroom"),
      entry_with_context<LegacyPacerParams>("go1.5-legacy", "Go 1.5-1.17 pacer: trigger-ratio P controller, gain 0.5, 30 % goal utilization",
                                            with_rule<LegacyPacer, LegacyPacerParams>),
      entry_with_context<RedesignModelParams>("redesign-model", "the pacer redesign study's own new pacer (pacer-model 2021): r += PI(r, r_meas), trigger >= M + 0.6(N-M)",
                                              with_rule<RedesignModelPacer, RedesignModelParams>),
      entry_with_context<MemBalancerParams>("membalancer", "square-root heap rule (MemBalancer): headroom g*sqrt(W_ref*W*c/c_ref), redesign trigger",
                                            with_rule<MemBalancerPacer, MemBalancerParams>),
      entry_with_context<KalmanPacerParams>("kalman", "redesign trigger with a Kalman filter on ln(cons/mark) (level + trend), runway at mean + 0.5 sigma",
                                            with_rule<KalmanPacer, KalmanPacerParams>),
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
