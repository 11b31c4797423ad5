// SPDX-License-Identifier: MIT
// Which shard of a sweep this process runs: --shard K/N, or the task of a Slurm job array.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "app/sweep_command.hpp"

namespace gcsim::app {

/// The job-array variables Slurm sets in every task of `sbatch --array=...` (unset = nullopt).
/// Only their text is kept; select_shard() parses and checks it, so this is a plain value that
/// tests build by hand.
struct SlurmArrayEnv {
  std::optional<std::string> task_id;     ///< SLURM_ARRAY_TASK_ID: this task's id, e.g. "3"
  std::optional<std::string> task_count;  ///< SLURM_ARRAY_TASK_COUNT: number of tasks in the array
  std::optional<std::string> task_min;    ///< SLURM_ARRAY_TASK_MIN: smallest id (0 for --array=0-15)
  std::optional<std::string> task_max;    ///< SLURM_ARRAY_TASK_MAX: largest id
  std::optional<std::string> task_step;   ///< SLURM_ARRAY_TASK_STEP: id stride (2 for --array=0-14:2)
  std::optional<std::string> job_id;      ///< SLURM_ARRAY_JOB_ID: the array's job id (for messages only)

  /// Reads the variables through `getenv` (std::getenv in the app, a map in tests).
  static SlurmArrayEnv read(const std::function<const char*(const char*)>& getenv);
};

/// The chosen shard and where it came from.
struct ShardChoice {
  Shard shard;                  ///< 0/1 (every point) when neither --shard nor a Slurm array task
  bool from_slurm = false;      ///< true when SLURM_ARRAY_TASK_ID was set
  std::string slurm_task;       ///< "JOBID_TASKID" (or "TASKID" without SLURM_ARRAY_JOB_ID); empty otherwise
};

/// Chooses the shard (pure: no environment access).
///
/// - No SLURM_ARRAY_TASK_ID: `shard_flag` ("K/N", parse_shard) or 0/1.
/// - SLURM_ARRAY_TASK_ID set: the array's tasks, in id order, are the shards. With
///   min = SLURM_ARRAY_TASK_MIN (default 0) and step = SLURM_ARRAY_TASK_STEP (default 1),
///   shard = (id − min) / step of N = SLURM_ARRAY_TASK_COUNT. So `--array=0-15` and `--array=1-16`
///   both give shards 0/16 … 15/16. Every variable must be a decimal integer, id must lie on the
///   array (min ≤ id ≤ max, (id − min) divisible by step, shard < N); an irregular array such as
///   `--array=1,5,6` is refused because its ids do not map onto 0..N−1.
/// - Both set: --shard must name the same shard as the array task.
/// Any violation throws InputError naming the variable or flag (one line, exit status 2).
ShardChoice select_shard(const std::optional<std::string>& shard_flag, const SlurmArrayEnv& env);

}  // namespace gcsim::app
