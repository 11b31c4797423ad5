// SPDX-License-Identifier: MIT
#include "app/sweep_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "app/experiment.hpp"
#include "app/run_command.hpp"
#include "models/stats/writers.hpp"
#include "sim/config/config_error.hpp"
#include "sim/config/json_check.hpp"
#include "sim/config/overrides.hpp"

namespace gcsim::app {

namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

constexpr const char* kManifest = "sweep.json";
constexpr const char* kResultsCsv = "results.csv";
constexpr const char* kResultsJson = "results.json";
constexpr const char* kErrorSuffix = ".error.txt";
/// Resource guard: a few bytes of JSON can ask for a cartesian product of billions of points.
constexpr size_t kMaxSweepPoints = 100'000;

// ---------------------------------------------------------------------------------------------
// Files

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw InputError(p.string(), "cannot open file");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// This machine's host name ("?" if unknown): shard records say where a shard ran.
std::string host_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "?";
  return host;
}

/// "<host>-<pid>": unique among processes that share a directory over a network file system
/// (shards of a job array on different nodes can have the same pid).
std::string process_tag() {
  std::string h = host_name();
  for (char& c : h)
    if (c == '/' || c == '.' || c == '?') c = '_';
  return h + "-" + std::to_string(::getpid());
}

/// Writes `text` to a temporary file next to `p` and renames it over `p`: readers see the old or the
/// new content, never a torn file.
void write_text_atomic(const fs::path& p, const std::string& text) {
  fs::path tmp = p;
  tmp += ".tmp-" + process_tag();
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(tmp.string(), "cannot write file");
    out << text;
    out.flush();
    if (!out) throw InputError(tmp.string(), "write failed");
  }
  std::error_code ec;
  fs::rename(tmp, p, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw InputError(p.string(), "cannot move file into place");
  }
}

bool is_sweep_dir(const fs::path& d) {
  return fs::exists(d / kManifest) || fs::is_directory(d / "runs") || fs::exists(d / kResultsCsv) ||
         fs::exists(d / "sweep.csv");
}

bool is_empty_dir(const fs::path& d) { return fs::is_directory(d) && fs::directory_iterator(d) == fs::directory_iterator(); }

/// A finished point: its directory was renamed into place with summary.json inside.
bool point_finished(const fs::path& runs, const std::string& name) { return fs::exists(runs / name / "summary.json"); }

/// Removes what interrupted or failed attempts at `names` left: staging directories
/// (<name>.partial-<pid>), error files, directories without summary.json.
void clear_attempts(const fs::path& runs, const std::set<std::string>& names) {
  std::error_code ec;
  for (const std::string& name : names) {
    fs::remove(runs / (name + kErrorSuffix), ec);
    if (fs::exists(runs / name) && !point_finished(runs, name)) fs::remove_all(runs / name, ec);
  }
  if (!fs::is_directory(runs)) return;
  std::vector<fs::path> stale;
  for (const auto& entry : fs::directory_iterator(runs)) {
    std::string f = entry.path().filename().string();
    auto pos = f.rfind(".partial-");
    if (pos != std::string::npos && names.count(f.substr(0, pos))) stale.push_back(entry.path());
  }
  for (const fs::path& p : stale) fs::remove_all(p, ec);
}

// ---------------------------------------------------------------------------------------------
// Expansion

/// Sets doc[a][b][c] = value for path "a.b.c", creating objects on the way.
void set_path(json& doc, const std::string& path, const json& value, const std::string& where) {
  json* node = &doc;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (key.empty()) throw ConfigError(where, "empty key in axis path '" + path + "'");
    if (!node->is_object()) throw ConfigError(where, "'" + path + "' goes through a value that is not an object");
    if (dot == std::string::npos) {
      (*node)[key] = value;
      return;
    }
    if (!node->contains(key)) (*node)[key] = json::object();
    node = &(*node)[key];
    start = dot + 1;
  }
}

/// The value at path "a.b.c" or nullptr.
const json* find_path(const json& doc, const std::string& path) {
  const json* node = &doc;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node->is_object() || !node->contains(key)) return nullptr;
    node = &(*node)[key];
    if (dot == std::string::npos) return node;
    start = dot + 1;
  }
}

std::string sanitize(std::string s) {
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') c = '_';
  return s;
}

/// A point-name label for one value of an axis: scalars as written, objects by their "kind" plus
/// the value's index on its axis (objects do not fit in a directory name).
std::string value_label(const json& v, size_t index) {
  if (v.is_string()) return sanitize(v.get<std::string>());
  if (v.is_primitive()) return sanitize(v.dump());
  std::string kind = v.is_object() && v.contains("kind") && v["kind"].is_string() ? v["kind"].get<std::string>() : "v";
  return sanitize(kind) + std::to_string(index);
}

std::string axis_label(const std::string& path, bool full) {
  if (full) {
    std::string s = path;
    std::replace(s.begin(), s.end(), '.', '-');
    return sanitize(s);
  }
  auto dot = path.rfind('.');
  return sanitize(dot == std::string::npos ? path : path.substr(dot + 1));
}

struct Assignment {
  std::string path;
  json value;
  size_t index;  // position of the value on its axis
};

/// An axis or a zip group: paths advancing together over `length` values.
struct Unit {
  std::vector<std::string> paths;
  std::vector<const json*> values;  // one array per path
  size_t length = 0;
};

std::string point_name(const std::vector<Assignment>& as, int replica, int replicas, bool full_paths) {
  std::string name;
  for (const Assignment& a : as)
    name += (name.empty() ? "" : "__") + axis_label(a.path, full_paths) + "_" + value_label(a.value, a.index);
  if (replicas > 1) name += "__rep_" + std::to_string(replica);
  return name;
}

}  // namespace

Sweep expand_sweep(const json& doc, const std::string& sweep_dir) {
  config::require_object(doc, "");
  config::require_only_keys(
      doc, {"schema_version", "name", "description", "base", "base_config", "sweep", "zip", "mode", "replicas"}, "");
  config::require_key(doc, "", "schema_version");
  if (config::get_i64(doc, "", "schema_version", 0) != kSchemaVersion)
    throw ConfigError("schema_version", "unsupported version; this gcsim reads " + std::to_string(kSchemaVersion));
  Sweep s;
  s.name = config::get_string(doc, "", "name", "sweep");
  if (s.name.empty() || s.name.find('/') != std::string::npos)
    throw ConfigError("name", "must be a non-empty name without '/'");
  s.base_dir = sweep_dir;
  json base;
  if (doc.contains("base") == doc.contains("base_config"))
    throw ConfigError("base", "give exactly one of base (an experiment object) or base_config (a file path)");
  if (doc.contains("base")) {
    base = doc["base"];
    config::require_object(base, "base");
  } else {
    std::string p = config::get_string(doc, "", "base_config", "");
    fs::path full = fs::path(sweep_dir) / p;
    if (!fs::exists(full)) throw ConfigError("base_config", "file not found: " + full.string());
    base = config::read_json_file(full.string());
    // Relative paths inside the experiment (trace files) resolve against its own directory.
    s.base_dir = full.parent_path().empty() ? "." : full.parent_path().string();
  }
  const std::string mode = config::get_string(doc, "", "mode", "cross");
  if (mode != "cross" && mode != "zip") throw ConfigError("mode", "must be \"cross\" or \"zip\", got \"" + mode + "\"");
  const int replicas = static_cast<int>(config::get_i64(doc, "", "replicas", 1, 1, 1'000'000));

  // Zip groups.
  std::vector<std::vector<std::string>> groups;
  std::map<std::string, size_t> group_of;
  if (doc.contains("zip")) {
    const json& z = doc["zip"];
    if (!z.is_array()) throw ConfigError("zip", "must be an array of groups of axis paths, e.g. [[\"a.b\", \"c.d\"]]");
    for (size_t g = 0; g < z.size(); ++g) {
      std::string where = "zip[" + std::to_string(g) + "]";
      if (!z[g].is_array() || z[g].size() < 2) throw ConfigError(where, "must list at least two axis paths");
      std::vector<std::string> paths;
      for (const json& p : z[g]) {
        if (!p.is_string()) throw ConfigError(where, "axis paths must be strings");
        std::string path = p.get<std::string>();
        if (group_of.count(path)) throw ConfigError(where, "'" + path + "' is already in another zip group");
        group_of[path] = groups.size();
        paths.push_back(path);
      }
      groups.push_back(paths);
    }
  }

  // Blocks.
  config::require_key(doc, "", "sweep");
  std::vector<std::pair<std::string, const json*>> blocks;
  const json& sw = doc["sweep"];
  if (sw.is_object()) {
    blocks.emplace_back("sweep", &sw);
  } else if (sw.is_array() && !sw.empty()) {
    for (size_t b = 0; b < sw.size(); ++b) blocks.emplace_back("sweep[" + std::to_string(b) + "]", &sw[b]);
  } else {
    throw ConfigError("sweep", "must be an object {\"json.path\": [values], ...} or a non-empty array of them");
  }
  std::set<std::string> used_in_zip;
  std::vector<std::vector<Assignment>> combos;
  for (const auto& where_block : blocks) {
    const std::string& where = where_block.first;  // not a structured binding: lambdas below use it (clang 14)
    const json* block = where_block.second;
    if (!block->is_object() || block->empty())
      throw ConfigError(where, "needs at least one axis, e.g. {\"runtime.gogc\": [50, 100, 200]}");
    for (auto it = block->begin(); it != block->end(); ++it) {
      std::string path = config::join_path(where, it.key());
      if (!it->is_array() || it->empty()) throw ConfigError(path, "must be a non-empty array of values");
      if (it.key() == "name" || it.key() == "schema_version")
        throw ConfigError(path, "cannot be swept (each point is named after its axis values)");
      if (it.key() == "seed" && replicas > 1)
        throw ConfigError(path, "a seed axis and \"replicas\" cannot be combined (replicas vary the seed)");
      if (std::find(s.axes.begin(), s.axes.end(), it.key()) == s.axes.end()) s.axes.push_back(it.key());
    }
    std::vector<Unit> units;
    auto make_unit = [&](const std::vector<std::string>& paths, const std::string& unit_where) {
      Unit u;
      u.paths = paths;
      for (const std::string& p : paths) {
        if (!block->contains(p)) throw ConfigError(unit_where, "'" + p + "' is zipped but not an axis of " + where);
        u.values.push_back(&(*block)[p]);
      }
      u.length = u.values.front()->size();
      for (size_t i = 1; i < u.values.size(); ++i)
        if (u.values[i]->size() != u.length)
          throw ConfigError(unit_where, "zipped axes need equal lengths: '" + paths.front() + "' has " +
                                            std::to_string(u.length) + " values, '" + paths[i] + "' has " +
                                            std::to_string(u.values[i]->size()));
      units.push_back(u);
    };
    if (mode == "zip") {
      std::vector<std::string> all;
      for (auto it = block->begin(); it != block->end(); ++it) all.push_back(it.key());
      make_unit(all, "mode");
    } else {
      std::set<size_t> emitted;
      for (auto it = block->begin(); it != block->end(); ++it) {
        auto g = group_of.find(it.key());
        if (g == group_of.end()) {
          make_unit({it.key()}, where);
        } else if (emitted.insert(g->second).second) {
          make_unit(groups[g->second], "zip[" + std::to_string(g->second) + "]");
          for (const std::string& p : groups[g->second]) used_in_zip.insert(p);
        }
      }
    }
    std::vector<std::vector<Assignment>> partial{{}};
    for (const Unit& u : units) {
      if ((combos.size() + partial.size() * u.length) * static_cast<size_t>(replicas) > kMaxSweepPoints)
        throw ConfigError(where, "expands to more than " + std::to_string(kMaxSweepPoints) +
                                     " points; split the sweep into several files");
      std::vector<std::vector<Assignment>> next;
      for (const auto& p : partial) {
        for (size_t i = 0; i < u.length; ++i) {
          auto q = p;
          for (size_t k = 0; k < u.paths.size(); ++k) q.push_back(Assignment{u.paths[k], (*u.values[k])[i], i});
          next.push_back(std::move(q));
        }
      }
      partial = std::move(next);
    }
    combos.insert(combos.end(), partial.begin(), partial.end());
  }
  for (const auto& [path, g] : group_of)
    if (!used_in_zip.count(path) && mode != "zip")
      throw ConfigError("zip[" + std::to_string(g) + "]", "'" + path + "' is not an axis of any sweep block");
  if (replicas > 1) s.axes.push_back("replica");

  // Points: names first (they are the directory names), then configs, validated.
  struct Pending {
    const std::vector<Assignment>* as;
    int replica;
  };
  std::vector<Pending> pending;
  for (const auto& c : combos)
    for (int r = 0; r < replicas; ++r) pending.push_back({&c, r});
  std::vector<std::string> names(pending.size());
  std::map<std::string, std::vector<size_t>> by_name;
  for (size_t i = 0; i < pending.size(); ++i) by_name[point_name(*pending[i].as, pending[i].replica, replicas, false)].push_back(i);
  for (auto& [name, idx] : by_name) {
    for (size_t i : idx) {
      // Names clash when two axes end in the same key: spell their paths out; if they still clash,
      // add the point's index (value labels lost information, e.g. "a b" and "a_b").
      names[i] = idx.size() == 1 ? name : point_name(*pending[i].as, pending[i].replica, replicas, true);
    }
  }
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].size() > 200) names[i] = names[i].substr(0, 180) + "__p" + std::to_string(i);  // file name limits
    while (seen.count(names[i])) names[i] += "__p" + std::to_string(i);  // the suffixed name may be taken too
    seen[names[i]] = i;
  }

  std::map<std::string, std::string> config_owner;
  for (size_t i = 0; i < pending.size(); ++i) {
    SweepPoint p;
    p.name = names[i];
    p.config = base;
    for (const Assignment& a : *pending[i].as) set_path(p.config, a.path, a.value, "sweep." + a.path);
    p.config["name"] = p.name;
    try {
      Experiment e = parse_experiment(p.config, s.base_dir);
      if (replicas > 1) {
        p.config["seed"] = e.seed + static_cast<uint64_t>(pending[i].replica);
        e = parse_experiment(p.config, s.base_dir);
      }
      p.seed = e.seed;
      p.resolved = e.resolved();
      p.resolved["gcsim_version"] = GCSIM_VERSION;
    } catch (const ConfigError& e) {
      throw ConfigError(e.where(), e.detail() + " (in sweep point " + p.name + ")");
    }
    json identity = p.resolved;
    identity.erase("name");
    auto [it, fresh] = config_owner.emplace(identity.dump(), p.name);
    if (!fresh) throw ConfigError("sweep", "points " + it->second + " and " + p.name + " are the same configuration");
    for (const std::string& axis : s.axes) {
      if (axis == "replica") {
        p.axes[axis] = pending[i].replica;
        continue;
      }
      const json* v = find_path(p.config, axis);
      if (v == nullptr) v = find_path(p.resolved, axis);
      p.axes[axis] = v ? *v : json(nullptr);
    }
    s.points.push_back(std::move(p));
  }
  return s;
}

json Sweep::manifest() const {
  json m;
  m["schema_version"] = kSchemaVersion;
  m["name"] = name;
  m["axes"] = axes;
  json pts = json::array();
  for (const SweepPoint& p : points) {
    json axes_obj = json::array();  // [[column, value], ...] keeps the column order
    for (auto it = p.axes.begin(); it != p.axes.end(); ++it) axes_obj.push_back(json::array({it.key(), *it}));
    pts.push_back({{"name", p.name}, {"axes", axes_obj}, {"seed", p.seed}, {"resolved_config", p.resolved}});
  }
  m["points"] = pts;
  return m;
}

Sweep Sweep::from_manifest(const json& m, const std::string& where) {
  try {
    Sweep s;
    s.name = m.at("name").get<std::string>();
    s.axes = m.at("axes").get<std::vector<std::string>>();
    for (const json& pj : m.at("points")) {
      SweepPoint p;
      p.name = pj.at("name").get<std::string>();
      for (const json& kv : pj.at("axes")) p.axes[kv.at(0).get<std::string>()] = kv.at(1);
      p.seed = pj.at("seed").get<uint64_t>();
      p.resolved = pj.at("resolved_config");
      s.points.push_back(std::move(p));
    }
    return s;
  } catch (const json::exception& e) {
    throw InputError(where, std::string("not a gcsim sweep manifest: ") + e.what());
  }
}

Shard parse_shard(const std::string& text) {
  auto slash = text.find('/');
  unsigned k = 0, n = 0;
  bool ok = slash != std::string::npos;
  if (ok) {
    auto r1 = std::from_chars(text.data(), text.data() + slash, k);
    auto r2 = std::from_chars(text.data() + slash + 1, text.data() + text.size(), n);
    ok = r1.ec == std::errc() && r1.ptr == text.data() + slash && r2.ec == std::errc() &&
         r2.ptr == text.data() + text.size() && n >= 1 && k < n;
  }
  if (!ok) throw InputError("--shard", "must be K/N with 0 <= K < N (e.g. 0/4), got '" + text + "'");
  return Shard{k, n};
}

// ---------------------------------------------------------------------------------------------
// Results

namespace {

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string csv_value(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "";
    case json::value_t::string:
      return csv_cell(v.get<std::string>());
    case json::value_t::number_float:
      return stats::format_double(v.get<double>());
    case json::value_t::boolean:
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return v.dump();
    default:
      return csv_cell(v.dump());
  }
}

/// summary.json fields in results (column, JSON pointer).
const std::vector<std::pair<std::string, std::string>>& summary_columns() {
  static const std::vector<std::pair<std::string, std::string>> cols = {
      {"num_gc", "/num_gc"},
      {"gc_cpu_fraction", "/gc_cpu_fraction"},
      {"peak_heap_bytes", "/peak_heap_bytes"},
      {"peak_heap_inuse_bytes", "/peak_heap_inuse_bytes"},
      {"peak_heap_sys_bytes", "/peak_heap_sys_bytes"},
      {"peak_mapped_ready_bytes", "/peak_mapped_ready_bytes"},
      {"second_half_mean_heap_goal_bytes", "/second_half_mean_heap_goal_bytes"},
      {"second_half_mean_heap_marked_bytes", "/second_half_mean_heap_marked_bytes"},
      {"pause_count", "/pause_ns/count"},
      {"pause_total_ns", "/pause_ns/total"},
      {"pause_p50_ns", "/pause_ns/p50"},
      {"pause_p99_ns", "/pause_ns/p99"},
      {"pause_max_ns", "/pause_ns/max"},
      {"simulated_ns", "/simulated_ns"},
      {"total_alloc_bytes", "/total_alloc_bytes"},
      {"cycles_goal_from_limit", "/cycles_goal_from_limit"},
  };
  return cols;
}

/// mmu.csv columns in results: MMU at fixed windows (capped to the run, as MMU is), and the mean.
const std::vector<std::pair<std::string, int64_t>>& mmu_columns() {
  static const std::vector<std::pair<std::string, int64_t>> cols = {
      {"mmu_1ms", 1'000'000}, {"mmu_10ms", 10'000'000}, {"mmu_100ms", 100'000'000}, {"mean_mu", INT64_MAX}};
  return cols;
}

/// window_ns → mmu from mmu.csv (values parsed back exactly: they were written shortest round-trip).
std::map<int64_t, double> read_mmu_csv(const fs::path& p) {
  std::map<int64_t, double> out;
  std::istringstream in(read_text(p));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    auto c1 = line.find(',');
    if (c1 == std::string::npos) continue;
    auto c2 = line.find(',', c1 + 1);
    int64_t w = 0;
    double v = 0;
    std::from_chars(line.data(), line.data() + c1, w);
    std::from_chars(line.data() + c1 + 1, line.data() + (c2 == std::string::npos ? line.size() : c2), v);
    out[w] = v;
  }
  return out;
}

json mmu_at(const std::map<int64_t, double>& mmu, int64_t w) {
  if (mmu.empty()) return nullptr;
  auto last = std::prev(mmu.end());
  if (w >= last->first) return last->second;  // windows beyond the run are capped to it
  auto it = mmu.find(w);
  return it == mmu.end() ? json(nullptr) : json(it->second);
}

ordered_json result_row(const Sweep& sweep, const SweepPoint& p, const fs::path& runs) {
  ordered_json row;
  row["point"] = p.name;
  row["status"] = "missing";
  for (const std::string& a : sweep.axes) row[a] = p.axes.contains(a) ? p.axes[a] : ordered_json(nullptr);
  row["seed"] = p.seed;
  for (const auto& [col, ptr] : summary_columns()) row[col] = nullptr;
  for (const auto& [col, w] : mmu_columns()) row[col] = nullptr;
  row["error"] = nullptr;
  const fs::path dir = runs / p.name;
  if (point_finished(runs, p.name)) {
    row["status"] = "ok";
    json summary = json::parse(read_text(dir / "summary.json"), nullptr, false);
    if (summary.is_discarded()) throw InputError((dir / "summary.json").string(), "invalid JSON");
    for (const auto& [col, ptr] : summary_columns()) {
      json::json_pointer jp(ptr);
      if (summary.contains(jp)) row[col] = summary.at(jp);
    }
    if (fs::exists(dir / "mmu.csv")) {
      auto mmu = read_mmu_csv(dir / "mmu.csv");
      for (const auto& [col, w] : mmu_columns()) row[col] = mmu_at(mmu, w);
    }
  } else if (fs::exists(runs / (p.name + kErrorSuffix))) {
    row["status"] = "failed";
    std::string err = read_text(runs / (p.name + kErrorSuffix));
    while (!err.empty() && (err.back() == '\n' || err.back() == '\r')) err.pop_back();
    std::replace(err.begin(), err.end(), '\n', ' ');
    row["error"] = err;
  }
  return row;
}

}  // namespace

size_t write_results(const Sweep& sweep, const std::vector<size_t>& indices, const fs::path& dir) {
  const fs::path runs = dir / "runs";
  std::vector<ordered_json> rows;
  size_t bad = 0;
  for (size_t i : indices) {
    rows.push_back(result_row(sweep, sweep.points.at(i), runs));
    if (rows.back()["status"] != "ok") ++bad;
  }
  std::ostringstream csv;
  csv << "point,status";
  for (const std::string& a : sweep.axes) csv << ',' << csv_cell(a);
  csv << ",seed";
  for (const auto& [col, ptr] : summary_columns()) csv << ',' << col;
  for (const auto& [col, w] : mmu_columns()) csv << ',' << col;
  csv << ",error\n";
  for (const ordered_json& row : rows) {
    bool first = true;
    for (auto it = row.begin(); it != row.end(); ++it) {
      csv << (first ? "" : ",") << csv_value(*it);
      first = false;
    }
    csv << '\n';
  }
  ordered_json doc;
  doc["schema_version"] = kSchemaVersion;
  doc["sweep"] = sweep.name;
  doc["axes"] = sweep.axes;
  doc["points"] = rows;
  write_text_atomic(dir / kResultsCsv, csv.str());
  write_text_atomic(dir / kResultsJson, doc.dump(2) + "\n");
  return bad;
}

// ---------------------------------------------------------------------------------------------
// Running

namespace {

std::string format_duration(double seconds) {
  auto s = static_cast<long long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  return buf;
}

/// Progress reports: a redrawn bar on a terminal, one line per finished point otherwise.
/// Every method is called with the sweep's mutex held.
class Progress {
 public:
  Progress(std::ostream& log, const std::string& name, size_t total, size_t already, bool terminal, bool quiet)
      : log_(log), name_(name), total_(total), done_(already), already_(already), terminal_(terminal), quiet_(quiet),
        start_(std::chrono::steady_clock::now()) {}

  void started() {
    ++running_;
    draw();
  }

  void finished(const std::string& point, const std::string& error, double seconds) {
    --running_;
    ++done_;
    if (!error.empty()) ++failed_;
    if (terminal_ && !quiet_) log_ << "\r\033[K";
    if (!error.empty()) {
      log_ << "gcsim: sweep point " << point << " failed: " << error << '\n';
    } else if (!quiet_ && !terminal_) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.1f s", seconds);
      log_ << "gcsim: sweep " << name_ << ": [" << done_ << '/' << total_ << "] " << point << " ok (" << buf << ")"
           << (failed_ ? ", " + std::to_string(failed_) + " failed" : std::string()) << ", ETA " << eta() << '\n';
    }
    draw();
    log_.flush();
  }

  /// Redraws the bar (elapsed time and ETA move on their own).
  void draw() {
    if (!terminal_ || quiet_) return;
    constexpr size_t kWidth = 30;
    size_t filled = total_ ? kWidth * done_ / total_ : kWidth;
    log_ << "\r\033[Ksweep " << name_ << " [" << std::string(filled, '#') << std::string(kWidth - filled, '.') << "] "
         << done_ << '/' << total_ << " done";
    if (failed_) log_ << ", " << failed_ << " failed";
    log_ << ", " << running_ << " running, " << format_duration(elapsed()) << " elapsed, ETA " << eta();
    log_.flush();
  }

  void end() {
    if (terminal_ && !quiet_) log_ << "\r\033[K" << std::flush;
  }

 private:
  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  std::string eta() const {
    size_t now_done = done_ - already_;
    if (now_done == 0) return "--";
    return format_duration(elapsed() / static_cast<double>(now_done) * static_cast<double>(total_ - done_));
  }

  std::ostream& log_;
  std::string name_;
  size_t total_, done_, already_, running_ = 0, failed_ = 0;
  bool terminal_, quiet_;
  std::chrono::steady_clock::time_point start_;
};

// Shard records: out_dir/shards/K-of-N.json, one per shard, so that a merge can say which shard
// owned a failed or missing point and whether that shard finished.

constexpr const char* kShardsDir = "shards";

fs::path shard_record_path(const fs::path& dir, const Shard& s) {
  return dir / kShardsDir / (std::to_string(s.index) + "-of-" + std::to_string(s.count) + ".json");
}

/// The record a shard keeps while it runs ("running") and after ("done"); `failed` lists
/// (point, error) in point order.
void write_shard_record(const fs::path& dir, const Shard& shard, const SweepOptions& options, const std::string& state,
                        size_t in_shard, const std::vector<std::pair<std::string, std::string>>& failed) {
  ordered_json r;
  r["shard"] = std::to_string(shard.index) + "/" + std::to_string(shard.count);
  r["index"] = shard.index;
  r["count"] = shard.count;
  r["state"] = state;
  r["host"] = host_name();
  r["pid"] = ::getpid();
  r["slurm_task"] = options.slurm_task.empty() ? ordered_json(nullptr) : ordered_json(options.slurm_task);
  r["points"] = in_shard;
  r["failed"] = ordered_json::array();
  for (const auto& [point, error] : failed) r["failed"].push_back({{"point", point}, {"error", error}});
  write_text_atomic(shard_record_path(dir, shard), r.dump(2) + "\n");
}

/// Checks a finished point against what this sweep would write.
void check_same_point(const SweepPoint& p, const fs::path& runs, const fs::path& out_dir) {
  json on_disk = json::parse(read_text(runs / p.name / "resolved_config.json"), nullptr, false);
  if (on_disk != p.resolved)
    throw InputError(out_dir.string(), "has results of a different sweep: runs/" + p.name +
                                           "/resolved_config.json differs from this sweep's point (use another "
                                           "--out, or --force to discard the old results)");
}

}  // namespace

SweepOutcome run_sweep(const Sweep& sweep, const fs::path& out_dir, const SweepOptions& options, std::ostream& log) {
  SweepOutcome outcome;
  outcome.points = sweep.points.size();
  const bool sharded = options.shard.count > 1;
  if (sharded && options.force)
    throw InputError("--force", "cannot be combined with shards (--shard or a Slurm array task): a shard would "
                                "delete the results of the others; remove " + out_dir.string() +
                                " before starting the shards instead");
  if (fs::exists(out_dir)) {
    if (!fs::is_directory(out_dir)) throw InputError(out_dir.string(), "exists and is not a directory");
    if (!is_empty_dir(out_dir) && !is_sweep_dir(out_dir))
      throw InputError(out_dir.string(), "exists and is not a gcsim sweep directory (choose another --out)");
    if (options.force) {
      std::error_code ec;
      fs::remove_all(out_dir, ec);
      if (ec) throw InputError(out_dir.string(), "cannot remove: " + ec.message());
    }
  }
  const fs::path runs = out_dir / "runs";
  std::error_code ec;
  fs::create_directories(runs, ec);
  if (ec) throw InputError(runs.string(), "cannot create directory: " + ec.message());

  std::vector<size_t> shard, todo;
  for (size_t i = 0; i < sweep.points.size(); ++i) {
    const SweepPoint& p = sweep.points[i];
    bool finished = point_finished(runs, p.name);
    if (finished) check_same_point(p, runs, out_dir);
    if (i % options.shard.count != options.shard.index) continue;
    shard.push_back(i);
    if (finished)
      ++outcome.already_done;
    else
      todo.push_back(i);
  }
  outcome.in_shard = shard.size();
  write_text_atomic(out_dir / kManifest, sweep.manifest().dump(2) + "\n");
  std::set<std::string> todo_names;
  for (size_t i : todo) todo_names.insert(sweep.points[i].name);
  clear_attempts(runs, todo_names);
  if (sharded) {
    fs::create_directories(out_dir / kShardsDir, ec);
    if (ec) throw InputError((out_dir / kShardsDir).string(), "cannot create directory: " + ec.message());
    write_shard_record(out_dir, options.shard, options, "running", shard.size(), {});
  }
  std::map<size_t, std::pair<std::string, std::string>> failures;  // point index → (name, error)

  unsigned jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<size_t>(jobs, std::max<size_t>(todo.size(), 1)));
  std::mutex mu;
  std::condition_variable cv;
  size_t finished = 0;
  Progress progress(log, sweep.name, shard.size(), outcome.already_done, options.terminal, options.quiet);
  if (!options.quiet && outcome.already_done > 0 && !options.terminal)
    log << "gcsim: sweep " << sweep.name << ": " << outcome.already_done << " of " << shard.size()
        << " points already finished, running " << todo.size() << '\n';
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (;;) {
      size_t k = next.fetch_add(1);
      if (k >= todo.size()) return;
      const SweepPoint& p = sweep.points[todo[k]];
      {
        std::lock_guard<std::mutex> lock(mu);
        progress.started();
      }
      auto t0 = std::chrono::steady_clock::now();
      std::string error;
      try {
        Experiment e = parse_experiment(p.config, sweep.base_dir);
        run_experiment(e, runs / p.name, true, false);
      } catch (const std::exception& ex) {
        error = ex.what();
        if (error.empty()) error = "unknown error";
      } catch (...) {
        error = "unknown exception";
      }
      if (!error.empty()) {
        try {
          write_text_atomic(runs / (p.name + kErrorSuffix), error + "\n");
        } catch (const std::exception&) {
          // The failure is still reported and counted; results.csv shows the point as missing.
        }
      }
      double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      {
        std::lock_guard<std::mutex> lock(mu);
        progress.finished(p.name, error, seconds);
        ++finished;
        if (!error.empty()) {
          ++outcome.failed;
          failures[todo[k]] = {p.name, error};
        }
      }
      cv.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < jobs && !todo.empty(); ++t) threads.emplace_back(worker);
  {
    std::unique_lock<std::mutex> lock(mu);
    while (finished < todo.size()) {
      cv.wait_for(lock, std::chrono::seconds(1));
      progress.draw();
    }
    progress.end();
  }
  for (std::thread& t : threads) t.join();
  outcome.ran = todo.size();
  if (sharded) {
    std::vector<std::pair<std::string, std::string>> failed;
    for (const auto& [i, f] : failures) failed.push_back(f);
    write_shard_record(out_dir, options.shard, options, "done", shard.size(), failed);
  } else {
    write_results(sweep, shard, out_dir);
  }
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// Merging shards

namespace {

/// Copies directory `from` to `to` (absent) through a staging name: hard links where the file
/// system allows, copies otherwise.
void link_or_copy_dir(const fs::path& from, const fs::path& to) {
  fs::path staging = to;
  staging += ".partial-" + std::to_string(::getpid());
  std::error_code ec;
  fs::remove_all(staging, ec);
  fs::copy(from, staging, fs::copy_options::recursive | fs::copy_options::create_hard_links, ec);
  if (ec) {
    fs::remove_all(staging, ec);
    fs::copy(from, staging, fs::copy_options::recursive, ec);
    if (ec) {
      fs::remove_all(staging, ec);
      throw InputError(from.string(), "cannot copy to " + to.string() + ": " + ec.message());
    }
  }
  fs::rename(staging, to, ec);
  if (ec) throw InputError(to.string(), "cannot move into place: " + ec.message());
}

/// What a shard record (shards/K-of-N.json) says, for merge messages.
struct ShardInfo {
  unsigned index = 0, count = 1;
  std::string state, host, slurm_task;
  int64_t pid = 0;

  std::string describe() const {
    std::string s = "shard " + std::to_string(index) + "/" + std::to_string(count) + " (";
    if (!slurm_task.empty()) s += "Slurm task " + slurm_task + " ";
    return s + "on " + host + ", pid " + std::to_string(pid) + ")";
  }
};

/// Every shard record in the given sweep directories, ordered by (count, index, directory order).
std::vector<ShardInfo> read_shard_records(const std::vector<fs::path>& dirs) {
  std::vector<ShardInfo> out;
  for (const fs::path& d : dirs) {
    if (!fs::is_directory(d / kShardsDir)) continue;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(d / kShardsDir))
      if (entry.path().extension() == ".json") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      json r = json::parse(read_text(f), nullptr, false);
      try {
        ShardInfo info;
        info.index = r.at("index").get<unsigned>();
        info.count = r.at("count").get<unsigned>();
        info.state = r.at("state").get<std::string>();
        info.host = r.at("host").get<std::string>();
        info.pid = r.at("pid").get<int64_t>();
        if (r.at("slurm_task").is_string()) info.slurm_task = r.at("slurm_task").get<std::string>();
        if (info.count == 0 || info.index >= info.count) throw std::out_of_range("index >= count");
        out.push_back(info);
      } catch (const std::exception& e) {
        throw InputError(f.string(), std::string("not a gcsim shard record: ") + e.what());
      }
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const ShardInfo& a, const ShardInfo& b) {
    return a.count != b.count ? a.count < b.count : a.index < b.index;
  });
  return out;
}

}  // namespace

MergeOutcome merge_sweeps(const fs::path& out_dir, const std::vector<fs::path>& shard_dirs) {
  if (shard_dirs.empty()) throw InputError("sweep-merge", "give at least one shard directory");
  json points;
  Sweep sweep;
  for (const fs::path& d : shard_dirs) {
    if (!fs::exists(d / kManifest)) throw InputError(d.string(), "no sweep.json (not a gcsim sweep directory)");
    json m = json::parse(read_text(d / kManifest), nullptr, false);
    if (m.is_discarded() || !m.contains("points")) throw InputError((d / kManifest).string(), "not a sweep manifest");
    if (points.is_null()) {
      points = m["points"];
      sweep = Sweep::from_manifest(m, (d / kManifest).string());
    } else if (m["points"] != points) {
      throw InputError(d.string(), "is a shard of a different sweep than " + shard_dirs.front().string());
    }
  }
  if (fs::exists(out_dir) && !is_empty_dir(out_dir)) {
    if (!fs::exists(out_dir / kManifest))
      throw InputError(out_dir.string(), "exists and is not a gcsim sweep directory (choose another output)");
    json m = json::parse(read_text(out_dir / kManifest), nullptr, false);
    if (m.is_discarded() || m["points"] != points) throw InputError(out_dir.string(), "has results of a different sweep");
  }
  const fs::path runs = out_dir / "runs";
  std::error_code ec;
  fs::create_directories(runs, ec);
  if (ec) throw InputError(runs.string(), "cannot create directory: " + ec.message());
  auto same_dir = [&](const fs::path& d) {
    std::error_code e2;
    return fs::equivalent(d, out_dir, e2);
  };
  std::vector<size_t> all(sweep.points.size());
  for (size_t i = 0; i < all.size(); ++i) {
    all[i] = i;
    const std::string& name = sweep.points[i].name;
    if (point_finished(runs, name)) continue;
    const fs::path* ok_src = nullptr;
    const fs::path* err_src = nullptr;
    for (const fs::path& d : shard_dirs) {
      if (same_dir(d)) continue;
      if (!ok_src && point_finished(d / "runs", name)) ok_src = &d;
      if (!err_src && fs::exists(d / "runs" / (name + kErrorSuffix))) err_src = &d;
    }
    if (ok_src) {
      clear_attempts(runs, {name});
      link_or_copy_dir(*ok_src / "runs" / name, runs / name);
    } else if (err_src) {
      write_text_atomic(runs / (name + kErrorSuffix), read_text(*err_src / "runs" / (name + kErrorSuffix)));
    }
  }
  write_text_atomic(out_dir / kManifest, json::parse(read_text(shard_dirs.front() / kManifest)).dump(2) + "\n");
  write_results(sweep, all, out_dir);
  const std::vector<ShardInfo> shards = read_shard_records(shard_dirs);
  MergeOutcome o;
  o.points = all.size();
  for (size_t i = 0; i < sweep.points.size(); ++i) {
    const SweepPoint& p = sweep.points[i];
    if (point_finished(runs, p.name)) {
      ++o.ok;
      continue;
    }
    MergeProblem problem;
    problem.point = p.name;
    if (fs::exists(runs / (p.name + kErrorSuffix))) {
      ++o.failed;
      problem.status = "failed";
      problem.error = read_text(runs / (p.name + kErrorSuffix));
      while (!problem.error.empty() && (problem.error.back() == '\n' || problem.error.back() == '\r'))
        problem.error.pop_back();
      std::replace(problem.error.begin(), problem.error.end(), '\n', ' ');
    } else {
      ++o.missing;
      problem.status = "missing";
    }
    // The owner: a record whose shard covers point i; one that never finished explains a missing point best.
    const ShardInfo* owner = nullptr;
    for (const ShardInfo& r : shards) {
      if (i % r.count != r.index) continue;
      if (owner == nullptr || (owner->state != "running" && r.state == "running")) owner = &r;
    }
    if (owner) {
      problem.shard = owner->describe();
      problem.shard_state = owner->state;
    }
    o.problems.push_back(std::move(problem));
  }
  return o;
}

}  // namespace gcsim::app
