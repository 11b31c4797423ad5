// SPDX-License-Identifier: MIT
// Implementation of `gcsim trace convert|gen|stats`.
#include "workloads/trace_cli.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <exception>
#include <memory>
#include <unordered_set>

#include "sim/config/config_error.hpp"
#include "workloads/trace_format.hpp"
#include "workloads/trace_open.hpp"
#include "workloads/workload_factory.hpp"

namespace gcsim::workload {
namespace {

constexpr const char* kUsage =
    "usage: gcsim trace convert IN OUT | gcsim trace gen KIND --out FILE [--seed N] [--set key=value ...] | "
    "gcsim trace stats IN";
constexpr size_t kBatch = 4096;

/// A usage error: reported as "gcsim: trace <sub>: <what>".
struct UsageError {
  std::string where;
  std::string what;
};

/// Streams `source` into a new file at `path` (format by extension) via path.tmp + rename.
void write_trace_atomically(EventSource& source, const std::string& path) {
  const TraceFileFormat format = trace_format_for_path(path);
  const std::string tmp = path + ".tmp";
  try {
    std::unique_ptr<EventSink> sink = create_trace_writer(tmp, format);
    std::vector<TraceEvent> buf(kBatch);
    while (size_t n = source.next_batch(buf.data(), buf.size())) sink->write_batch(buf.data(), n);
    sink->close();
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw InputError(path, "cannot rename " + tmp + " to it: " + ec.message());
  }
}

int cmd_convert(const std::vector<std::string>& args) {
  if (args.size() != 3) throw UsageError{"trace convert", "expected 'convert IN OUT'"};
  const std::string& in_path = args[1];
  const std::string& out_path = args[2];
  trace_format_for_path(out_path);  // fail before reading anything
  std::unique_ptr<EventSource> in = open_trace(in_path);
  write_trace_atomically(*in, out_path);
  return 0;
}

int cmd_gen(const std::vector<std::string>& args) {
  if (args.size() < 2) throw UsageError{"trace gen", "expected 'gen KIND --out FILE [--seed N] [--set key=value ...]'"};
  const std::string& kind = args[1];
  std::string out_path;
  uint64_t seed = 1;
  Json params = Json::object();
  for (size_t i = 2; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a != "--out" && a != "--seed" && a != "--set")
      throw UsageError{"trace gen", "unknown argument '" + a + "'; allowed: --out FILE, --seed N, --set key=value"};
    if (i + 1 == args.size()) throw UsageError{a, "missing value"};
    const std::string& v = args[++i];
    if (a == "--out") {
      out_path = v;
    } else if (a == "--seed") {
      auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), seed);
      if (ec != std::errc() || ptr != v.data() + v.size())
        throw UsageError{"--seed", "'" + v + "' is not a non-negative integer"};
    } else {
      size_t eq = v.find('=');
      if (eq == std::string::npos || eq == 0) throw UsageError{"--set", "expected key=value, got '" + v + "'"};
      std::string key = v.substr(0, eq);
      std::string value = v.substr(eq + 1);
      Json parsed = Json::parse(value, nullptr, false);
      params[key] = parsed.is_discarded() ? Json(value) : parsed;
    }
  }
  if (out_path.empty()) throw UsageError{"trace gen", "missing --out FILE"};
  bool known = false;
  std::string gens;
  for (const auto& [k, summary] : workload_kinds()) {
    if (k == "trace") continue;
    gens += (gens.empty() ? "" : ", ") + k;
    known = known || k == kind;
  }
  if (!known) throw UsageError{"trace gen", "unknown generator kind '" + kind + "'; known: " + gens};
  trace_format_for_path(out_path);
  std::unique_ptr<EventSource> gen = make_generator(kind, params, "--set", seed);
  write_trace_atomically(*gen, out_path);
  return 0;
}

int cmd_stats(const std::vector<std::string>& args, std::ostream& out) {
  if (args.size() != 2) throw UsageError{"trace stats", "expected 'stats IN'"};
  std::unique_ptr<EventSource> in = open_trace(args[1]);
  uint64_t counts[kEventKindCount] = {};
  uint64_t alloc_bytes = 0, pointerful_alloc_bytes = 0, live_bytes = 0, peak_live_bytes = 0;
  uint64_t live_objects = 0, peak_live_objects = 0, ptr_writes = 0, work_ns = 0;
  uint64_t pool_get_bytes = 0, pool_put_bytes = 0;
  uint32_t id_bound = 0;
  std::vector<uint64_t> size_of;  // by dense id: bounded by the id bound (== peak live objects)
  std::unordered_set<uint32_t> pools;  // distinct pool ids: bounded by the program's pools, not by length
  // Live = owned by the program: alloc and pool_get (at New()'s size, as if it missed) add an object,
  // free and pool_put remove it. Whether a get hits is decided by the simulator, not the trace.
  auto add_live = [&](const TraceEvent& e) {
    if (e.object_id >= size_of.size()) size_of.resize(std::max<size_t>(e.object_id + 1, size_of.size() * 2));
    size_of[e.object_id] = e.size_bytes;
    id_bound = std::max(id_bound, e.object_id + 1);
    live_bytes += e.size_bytes;
    peak_live_bytes = std::max(peak_live_bytes, live_bytes);
    peak_live_objects = std::max(peak_live_objects, ++live_objects);
  };
  auto remove_live = [&](const TraceEvent& e) {
    live_bytes -= size_of[e.object_id];
    --live_objects;
    return size_of[e.object_id];
  };
  std::vector<TraceEvent> buf(kBatch);
  while (size_t n = in->next_batch(buf.data(), buf.size())) {
    for (size_t i = 0; i < n; ++i) {
      const TraceEvent& e = buf[i];
      ++counts[static_cast<size_t>(e.kind)];
      switch (e.kind) {
        case EventKind::kAlloc:
          add_live(e);
          alloc_bytes += e.size_bytes;
          if (e.pointerful) pointerful_alloc_bytes += e.size_bytes;
          break;
        case EventKind::kFree: remove_live(e); break;
        case EventKind::kPoolGet:
          add_live(e);
          pool_get_bytes += e.size_bytes;
          pools.insert(e.pool);
          break;
        case EventKind::kPoolPut:
          pool_put_bytes += remove_live(e);
          pools.insert(e.pool);
          break;
        case EventKind::kPtrWrite: ptr_writes += e.value; break;
        case EventKind::kWork: work_ns += e.value; break;
        default: break;
      }
    }
  }
  uint64_t total = 0;
  for (uint64_t c : counts) total += c;
  out << "source " << in->describe() << "\n";
  out << "events " << total << "\n";
  for (size_t k = 0; k < kEventKindCount; ++k)
    out << "events_" << event_name(static_cast<EventKind>(k)) << " " << counts[k] << "\n";
  out << "alloc_bytes " << alloc_bytes << "\n";
  out << "pointerful_alloc_bytes " << pointerful_alloc_bytes << "\n";
  out << "pool_get_bytes " << pool_get_bytes << "\n";
  out << "pool_put_bytes " << pool_put_bytes << "\n";
  out << "pools " << pools.size() << "\n";
  out << "pointer_writes " << ptr_writes << "\n";
  out << "work_ns " << work_ns << "\n";
  out << "peak_live_bytes " << peak_live_bytes << "\n";
  out << "peak_live_objects " << peak_live_objects << "\n";
  out << "final_live_bytes " << live_bytes << "\n";
  out << "final_live_objects " << live_objects << "\n";
  out << "object_id_bound " << id_bound << "\n";
  if (in->object_id_bound() != 0) out << "header_object_id_bound " << in->object_id_bound() << "\n";
  return 0;
}

}  // namespace

int run_trace_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  try {
    if (args.empty()) throw UsageError{"trace", std::string("missing subcommand; ") + kUsage};
    const std::string& sub = args[0];
    if (sub == "help" || sub == "--help" || sub == "-h") {
      out << kUsage << "\n";
      return 0;
    }
    if (sub == "convert") return cmd_convert(args);
    if (sub == "gen") return cmd_gen(args);
    if (sub == "stats") return cmd_stats(args, out);
    throw UsageError{"trace", "unknown subcommand '" + sub + "'; " + kUsage};
  } catch (const UsageError& e) {
    err << "gcsim: " << e.where << ": " << e.what << "\n";
    return 2;
  } catch (const InputError& e) {
    err << "gcsim: " << e.where() << ": " << e.detail() << "\n";
    return 2;
  } catch (const std::exception& e) {
    err << "gcsim: trace: internal error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace gcsim::workload
