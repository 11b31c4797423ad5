// SPDX-License-Identifier: MIT
#include "app/slurm_shard.hpp"

#include <charconv>
#include <cstdint>

#include "sim/config/config_error.hpp"

namespace gcsim::app {

namespace {

/// A Slurm array variable as a non-negative decimal integer; InputError naming the variable otherwise.
uint64_t parse_env_uint(const std::string& name, const std::string& text) {
  uint64_t v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size())
    throw InputError(name, "must be a non-negative integer, got '" + text + "'");
  return v;
}

std::string shard_text(const Shard& s) { return std::to_string(s.index) + "/" + std::to_string(s.count); }

}  // namespace

SlurmArrayEnv SlurmArrayEnv::read(const std::function<const char*(const char*)>& getenv) {
  auto get = [&](const char* name) -> std::optional<std::string> {
    const char* v = getenv(name);
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
  SlurmArrayEnv e;
  e.task_id = get("SLURM_ARRAY_TASK_ID");
  e.task_count = get("SLURM_ARRAY_TASK_COUNT");
  e.task_min = get("SLURM_ARRAY_TASK_MIN");
  e.task_max = get("SLURM_ARRAY_TASK_MAX");
  e.task_step = get("SLURM_ARRAY_TASK_STEP");
  e.job_id = get("SLURM_ARRAY_JOB_ID");
  return e;
}

ShardChoice select_shard(const std::optional<std::string>& shard_flag, const SlurmArrayEnv& env) {
  ShardChoice c;
  if (!env.task_id) {
    if (shard_flag) c.shard = parse_shard(*shard_flag);
    return c;
  }
  const uint64_t id = parse_env_uint("SLURM_ARRAY_TASK_ID", *env.task_id);
  if (!env.task_count)
    throw InputError("SLURM_ARRAY_TASK_COUNT",
                     "is not set although SLURM_ARRAY_TASK_ID is (Slurm >= 17.11 sets both); pass --shard K/N");
  const uint64_t count = parse_env_uint("SLURM_ARRAY_TASK_COUNT", *env.task_count);
  if (count == 0 || count > UINT32_MAX) throw InputError("SLURM_ARRAY_TASK_COUNT", "must be between 1 and 2^32-1, got " + *env.task_count);
  const uint64_t min = env.task_min ? parse_env_uint("SLURM_ARRAY_TASK_MIN", *env.task_min) : 0;
  const uint64_t step = env.task_step ? parse_env_uint("SLURM_ARRAY_TASK_STEP", *env.task_step) : 1;
  if (step == 0) throw InputError("SLURM_ARRAY_TASK_STEP", "must be at least 1, got 0");
  const std::string array_desc = "the array " + std::to_string(min) + "-" +
                                 (env.task_max ? *env.task_max : std::string("?")) +
                                 (step > 1 ? ":" + std::to_string(step) : std::string()) + " of " +
                                 std::to_string(count) + " tasks";
  if (env.task_max) {
    const uint64_t max = parse_env_uint("SLURM_ARRAY_TASK_MAX", *env.task_max);
    if (id > max)
      throw InputError("SLURM_ARRAY_TASK_ID", std::to_string(id) + " is outside " + array_desc);
  }
  if (id < min || (id - min) % step != 0 || (id - min) / step >= count)
    throw InputError("SLURM_ARRAY_TASK_ID",
                     std::to_string(id) + " is not task 0.." + std::to_string(count - 1) + " of " + array_desc +
                         " (submit a regular array such as --array=0-" + std::to_string(count - 1) + ")");
  c.shard = Shard{static_cast<unsigned>((id - min) / step), static_cast<unsigned>(count)};
  c.from_slurm = true;
  c.slurm_task = (env.job_id ? *env.job_id + "_" : std::string()) + std::to_string(id);
  if (shard_flag) {
    Shard flag = parse_shard(*shard_flag);
    if (flag.index != c.shard.index || flag.count != c.shard.count)
      throw InputError("--shard", *shard_flag + " contradicts the Slurm array task (SLURM_ARRAY_TASK_ID=" +
                                      std::to_string(id) + " of SLURM_ARRAY_TASK_COUNT=" + std::to_string(count) +
                                      " is shard " + shard_text(c.shard) +
                                      "); drop --shard, or unset SLURM_ARRAY_TASK_ID");
  }
  return c;
}

}  // namespace gcsim::app
