// SPDX-License-Identifier: MIT
// Sweeps: one base experiment, axes of settings, points run in parallel and resumably, tabulated
// into results.csv / results.json; shards and their merge.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gcsim::app {

/// One simulation of a sweep.
struct SweepPoint {
  std::string name;              ///< directory under runs/, e.g. "gogc_100" or "gogc_off__memory_limit_bytes_209715200"
  nlohmann::ordered_json axes;   ///< axis column → value at that path for this point (null when unset); "replica"
  uint64_t seed = 1;             ///< the point's resolved seed
  nlohmann::json config;         ///< the experiment document (base + assignments, "name" = point name)
  nlohmann::json resolved;       ///< what runs/<name>/resolved_config.json must hold (gcsim_version included)
};

/// An expanded sweep: every point in run order.
struct Sweep {
  std::string name;
  std::string base_dir;            ///< directory relative paths in the experiment resolve against
  std::vector<std::string> axes;   ///< axis columns of results.csv, in order ("replica" last if replicas > 1)
  std::vector<SweepPoint> points;

  /// sweep.json, written into every sweep directory: name, axes and every point (name, axes, seed,
  /// resolved config). sweep-merge reads it back with from_manifest (configs are not kept).
  nlohmann::json manifest() const;
  static Sweep from_manifest(const nlohmann::json& m, const std::string& where);
};

/// Validates a sweep document and expands it (configs/README.md "Sweep"):
/// {"schema_version": 1, "name", "description", "base" | "base_config",
///  "sweep": {path: [values], ...} | [{path: [values]}, ...],   (blocks; their points are concatenated)
///  "zip": [[path, path, ...], ...], "mode": "cross" | "zip", "replicas": N}.
/// Within a block, axes are taken in sorted path order, the first outermost; a zip group (or every
/// axis with mode "zip") advances together as one axis; replicas vary `seed` (seed, seed+1, …)
/// innermost. Every point is validated here (ConfigError naming the point) so that a bad value fails
/// before anything runs. `sweep_dir` is the sweep file's directory.
Sweep expand_sweep(const nlohmann::json& doc, const std::string& sweep_dir);

/// --shard K/N: this process runs the points whose index i satisfies i mod N == K.
struct Shard {
  unsigned index = 0;
  unsigned count = 1;
};
/// Parses "K/N" (0 <= K < N); InputError("--shard", ...) otherwise.
Shard parse_shard(const std::string& text);

struct SweepOptions {
  unsigned jobs = 0;          ///< worker threads; 0 = std::thread::hardware_concurrency()
  Shard shard;
  bool force = false;         ///< discard an existing sweep directory and run every point again
  bool quiet = false;         ///< no progress output (failures are still reported)
  bool terminal = false;      ///< redraw one progress-bar line (the log is a terminal) instead of lines
  std::string slurm_task;     ///< "JOBID_TASKID" when the shard came from a Slurm array task (kept in the shard record)
};

struct SweepOutcome {
  size_t points = 0;          ///< points in the sweep
  size_t in_shard = 0;        ///< points this invocation is responsible for
  size_t already_done = 0;    ///< finished before (skipped)
  size_t ran = 0;             ///< simulated now (successfully or not)
  size_t failed = 0;          ///< failed now
};

/// Runs the shard's unfinished points into out_dir/runs/<point>/ on `jobs` threads, then writes
/// out_dir/results.csv, results.json (every point, in point order) and sweep.json.
/// With several shards (shard.count > 1) out_dir may be shared by all of them, running at once on
/// different machines: each writes only its own points, sweep.json (the same bytes from every shard),
/// and its shard record out_dir/shards/K-of-N.json ({"state": "running"} before the first point,
/// {"state": "done", "failed": [{"point", "error"}]} at the end; host, pid and Slurm task for
/// messages). It writes no results.csv/results.json: they cover the whole sweep and are written by
/// merge_sweeps (`gcsim sweep-merge DIR`). `force` is refused with shards (InputError): one shard
/// would delete the results of the others.
/// A point is finished iff runs/<point>/summary.json exists; its resolved_config.json must then equal
/// the point's, else InputError "<out_dir>: has results of a different sweep". Each point directory
/// appears atomically; a failing point leaves runs/<point>.error.txt and the others go on.
/// The bytes written do not depend on `jobs`, nor on how often the sweep was interrupted and resumed.
SweepOutcome run_sweep(const Sweep& sweep, const std::filesystem::path& out_dir, const SweepOptions& options,
                       std::ostream& log);

/// Writes results.csv and results.json into `dir` for the given points (indices into sweep.points),
/// from the files under dir/runs/ only. Returns how many rows have status failed or missing.
size_t write_results(const Sweep& sweep, const std::vector<size_t>& indices, const std::filesystem::path& dir);

/// A point that a merge could not find finished, with what is known about why.
struct MergeProblem {
  std::string point;    ///< point name
  std::string status;   ///< "failed" (it ran and threw) or "missing" (no shard finished it)
  std::string error;    ///< failed: the point's error message (runs/<point>.error.txt, one line)
  std::string shard;    ///< the shard that owns the point, from its record: "shard 3/8 (Slurm task 41_3 on
                        ///< node7)"; empty if no shard record covers the point
  std::string shard_state;  ///< that record's state: "running" (started, never finished: killed, timed out
                            ///< or still running), "done"; empty without a record
};

struct MergeOutcome {
  size_t points = 0, ok = 0, failed = 0, missing = 0;
  std::vector<MergeProblem> problems;  ///< every failed or missing point, in point order
};

/// `gcsim sweep-merge OUT [SHARD_DIR...]`: joins shard directories of one sweep (equal sweep.json
/// points) into `out_dir`: each finished point's directory is hard-linked (copied across file
/// systems) into out_dir/runs/, error files copied, then sweep.json and results for every point are
/// written. Points found in no shard get status "missing". A shard directory equal to out_dir (the
/// shared directory of a job array) is merged in place. The shard records (shards/K-of-N.json) of
/// every directory say which shard owned a failed or missing point and whether it finished.
MergeOutcome merge_sweeps(const std::filesystem::path& out_dir, const std::vector<std::filesystem::path>& shard_dirs);

}  // namespace gcsim::app
