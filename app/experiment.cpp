// SPDX-License-Identifier: MIT
#include "app/experiment.hpp"

#include "models/pacer/registry.hpp"
#include "sim/config/config_error.hpp"
#include "sim/config/json_check.hpp"
#include "workloads/workload_factory.hpp"

namespace gcsim::app {

using config::get_bool;
using config::get_i64;
using config::get_string;
using config::get_u64;
using nlohmann::json;

Experiment parse_experiment(const json& doc, const std::string& base_dir) {
  config::require_only_keys(doc, {"schema_version", "name", "seed", "workload", "runtime", "pacer", "cost_model",
                                  "memory", "scheduler", "output", "sim", "description"},
                            "");
  config::require_key(doc, "", "schema_version");
  auto version = get_i64(doc, "", "schema_version", 0);
  if (version != kSchemaVersion)
    throw ConfigError("schema_version", "unsupported version " + std::to_string(version) + "; this gcsim reads " +
                                            std::to_string(kSchemaVersion));
  Experiment e;
  e.base_dir = base_dir;
  e.name = get_string(doc, "", "name", "run");
  if (e.name.empty() || e.name.find('/') != std::string::npos)
    throw ConfigError("name", "must be a non-empty name without '/'");
  e.seed = get_u64(doc, "", "seed", 1);
  e.process.seed = e.seed;
  config::require_key(doc, "", "workload");
  e.workload = workload::resolved_workload(doc["workload"], "workload");
  const workload::WorkloadSpec spec = workload::parse_workload_spec(e.workload, "workload");
  e.process.pointer_scan_prefix_bytes = workload::pointer_scan_prefix_bytes(spec.pointer_layout);
  e.process.pointer_array_ids = spec.pointer_array_ids;

  json runtime = doc.value("runtime", json::object());
  e.process.runtime = RuntimeSettings::parse(runtime, "runtime");
  e.pacer = pacer::resolved_pacer(doc.value("pacer", json{{"kind", "go"}}), "pacer");
  e.process.cost = CostModel::parse(doc.value("cost_model", json::object()), "cost_model", base_dir);
  e.process.memory = MemoryModel::parse(doc.value("memory", json::object()), "memory");
  e.process.scheduler = sched::SchedulerSettings::parse(doc.value("scheduler", json::object()), "scheduler");

  json output = doc.value("output", json::object());
  config::require_only_keys(output, {"sample_period_ns", "check_invariants"}, "output");
  e.process.sample_period_ns = get_i64(output, "output", "sample_period_ns", e.process.sample_period_ns, 1000, INT64_MAX);
  e.process.check_invariants = get_bool(output, "output", "check_invariants", e.process.check_invariants);

  json simj = doc.value("sim", json::object());
  config::require_only_keys(simj, {"max_simulated_ns", "max_memory_bytes"}, "sim");
  e.process.max_simulated_ns = get_i64(simj, "sim", "max_simulated_ns", 0, 0, INT64_MAX);
  e.process.max_memory_bytes =
      get_u64(simj, "sim", "max_memory_bytes", e.process.max_memory_bytes, uint64_t{1} << 20, uint64_t{1} << 50);
  return e;
}

json Experiment::resolved() const {
  json j;
  j["schema_version"] = kSchemaVersion;
  j["name"] = name;
  j["seed"] = seed;
  j["workload"] = workload;
  j["runtime"] = process.runtime.to_json();
  j["pacer"] = pacer;
  j["cost_model"] = process.cost.to_json();
  j["memory"] = process.memory.to_json();
  j["scheduler"] = process.scheduler.to_json();
  j["output"] = {{"sample_period_ns", process.sample_period_ns}, {"check_invariants", process.check_invariants}};
  j["sim"] = {{"max_simulated_ns", process.max_simulated_ns}, {"max_memory_bytes", process.max_memory_bytes}};
  return j;
}

}  // namespace gcsim::app
