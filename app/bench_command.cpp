// SPDX-License-Identifier: MIT
// `gcsim bench`: throughput, memory and scaling of trace replay, measured on generated inputs.
//
// Wall-clock time is read here, in the app layer, and only to report how fast the simulator runs;
// nothing measured feeds back into a simulation. Inputs are deterministic (fixed seeds).
#include "app/bench_command.hpp"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/experiment.hpp"
#include "app/run_command.hpp"
#include "app/sweep_command.hpp"
#include "models/percycle/go_test_scenarios.hpp"
#include "models/percycle/harness.hpp"
#include "sim/config/config_error.hpp"
#include "sim/run_dir.hpp"
#include "workloads/trace_open.hpp"
#include "workloads/workload_factory.hpp"

namespace gcsim::app {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr uint64_t kSeed = 1;  // generators and simulations: inputs are the same on every run
constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr const char* kUsage = "usage: gcsim bench [--quick] [--json FILE] [--dir TMPDIR]";
constexpr const char* kPerCycleWhat =
    "per-cycle pacer mode: Go 1.19 pacer on Go's TestGcPacer scenarios, runtime semantics";

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double process_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// Wall (steady_clock) and CPU time (this process) of one measured region.
struct Stopwatch {
  Clock::time_point wall0 = Clock::now();
  double cpu0 = process_cpu_s();
  double wall_s() const { return seconds_since(wall0); }
  double cpu_s() const { return process_cpu_s() - cpu0; }
};

/// The 1-minute load average, to judge how busy the machine was (0 if unknown).
double load_average() {
  double l = 0;
  if (std::FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf", &l) != 1) l = 0;
    std::fclose(f);
  }
  return l;
}

// ---------------------------------------------------------------------------------------------
// Sizes of every input, full and --quick.

struct Plan {
  bool quick = false;
  uint64_t ring_objects = 0;        ///< main ring trace (full: Go's calibration ring, 2 GiB)
  uint64_t ring_slots = 524288;     ///< live objects of the ring traces (64 MiB of 128 B objects)
  uint64_t text_objects = 0;        ///< ring objects of the text trace
  uint64_t mixed_objects = 0;       ///< mixed-size trace
  uint64_t many_g_objects = 0;      ///< ring with 64 goroutines
  uint32_t many_goroutines = 64;
  uint64_t lin_slots = 0;           ///< linearity: live set
  uint64_t lin_base_objects = 0;    ///< linearity: the 1x length
  uint64_t flat_slots = 0;          ///< RSS flatness: live set
  uint64_t flat_base_objects = 0;   ///< RSS flatness: the 1x length (and 10x)
  int ring_repeats = 5;             ///< interleaved with the reference loop; best of
  int repeats = 3;                  ///< other cases; best of
  int lin_repeats = 5;              ///< linearity: rounds over the four lengths; best of
  int sweep_repeats = 2;            ///< sweeps; best of
  double per_cycle_min_s = 1.0;     ///< per-cycle mode: repeat the scenarios for at least this long
  int ref_passes = 16384;           ///< reference loop passes over its 4 Ki records
  std::vector<int64_t> sweep_gogc = {50, 100, 200, 400};
};

Plan make_plan(bool quick) {
  Plan p;
  p.quick = quick;
  if (quick) {
    p.ring_objects = 4194304;
    p.text_objects = 524288;
    p.mixed_objects = 1048576;
    p.many_g_objects = 4194304;
    p.lin_slots = 131072;
    p.lin_base_objects = 2097152;
    p.flat_slots = 131072;
    p.flat_base_objects = 524288;
    p.ref_passes = 8192;
    p.per_cycle_min_s = 0.3;
  } else {
    p.ring_objects = 16777216;
    p.text_objects = 2097152;
    p.mixed_objects = 4194304;
    p.many_g_objects = 16777216;
    p.lin_slots = 524288;
    p.lin_base_objects = 4194304;
    p.flat_slots = 524288;
    p.flat_base_objects = 2097152;
  }
  return p;
}

struct BenchOptions {
  bool quick = false;
  std::string json_path;
  std::string dir;
};

BenchOptions parse_options(const std::vector<std::string>& args) {
  BenchOptions o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--quick") {
      o.quick = true;
    } else if (a == "--json" || a == "--dir") {
      if (i + 1 == args.size() || args[i + 1].empty()) throw InputError(a, std::string("missing value; ") + kUsage);
      (a == "--json" ? o.json_path : o.dir) = args[++i];
    } else {
      throw InputError("bench", "unknown argument '" + a + "'; " + kUsage);
    }
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// The temporary directory (removed by the destructor; forked children leave with _exit).

class TempDir {
 public:
  explicit TempDir(const std::string& parent) {
    std::error_code ec;
    fs::path base = parent.empty() ? fs::temp_directory_path(ec) : fs::path(parent);
    if (!fs::is_directory(base, ec))
      throw InputError(parent.empty() ? "TMPDIR" : "--dir", "not a directory: " + base.string());
    std::string tmpl = (base / "gcsim-bench-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr)
      throw InputError(parent.empty() ? "TMPDIR" : "--dir",
                       "cannot create a directory in " + base.string() + ": " + std::strerror(errno));
    path_ = buf.data();
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  fs::path file(const std::string& name) const { return path_ / name; }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void remove_file(const fs::path& p) {
  std::error_code ec;
  fs::remove(p, ec);
}

// ---------------------------------------------------------------------------------------------
// Measurements in forked children: each child's ru_maxrss is the peak of that measurement alone
// (plus the small parent image it starts from, as a `gcsim run` process has).

struct Measure {
  double wall_s = 0;
  double cpu_s = 0;     ///< CPU time of the measured region (single-threaded: <= wall unless descheduled)
  uint64_t events = 0;  ///< trace events (reference loop: records)
  uint64_t cycles = 0;  ///< completed GC cycles
  uint64_t aux = 0;     ///< generation: object id bound; reference loop: checksum
};

struct ChildReport {
  Measure m;
  long maxrss_kb = 0;
  int ok = 0;
  char error[480] = {};
};

struct Sample {
  Measure m;
  uint64_t peak_rss_bytes = 0;
};

struct Child {
  pid_t pid = -1;
  int fd = -1;
};

Child spawn(const std::function<Measure()>& fn) {
  std::fflush(nullptr);
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error(std::string("bench: pipe: ") + std::strerror(errno));
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    throw std::runtime_error(std::string("bench: fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    close(fds[0]);
    ChildReport r;
    try {
      r.m = fn();
      r.ok = 1;
    } catch (const std::exception& e) {
      std::snprintf(r.error, sizeof r.error, "%s", e.what());
    } catch (...) {
      std::snprintf(r.error, sizeof r.error, "unknown exception");
    }
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    r.maxrss_kb = ru.ru_maxrss;
    const char* p = reinterpret_cast<const char*>(&r);
    size_t left = sizeof r;
    while (left > 0) {
      ssize_t w = write(fds[1], p, left);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) _exit(3);
      p += w;
      left -= static_cast<size_t>(w);
    }
    _exit(0);
  }
  close(fds[1]);
  return Child{pid, fds[0]};
}

Sample collect(const Child& c, const std::string& what) {
  ChildReport r;
  char* p = reinterpret_cast<char*>(&r);
  size_t got = 0;
  while (got < sizeof r) {
    ssize_t n = read(c.fd, p + got, sizeof r - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  close(c.fd);
  int status = 0;
  while (waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (got != sizeof r) {
    std::string why = WIFSIGNALED(status) ? " (signal " + std::to_string(WTERMSIG(status)) + ")" : "";
    throw std::runtime_error("bench: " + what + ": the measuring process died" + why);
  }
  if (!r.ok) throw std::runtime_error("bench: " + what + ": " + r.error);
  return Sample{r.m, static_cast<uint64_t>(r.maxrss_kb) * 1024};
}

Sample isolated(const std::function<Measure()>& fn, const std::string& what) { return collect(spawn(fn), what); }

/// Best of `n` isolated runs: `m` is the run with the least wall time, best_cpu_s the least CPU
/// time of any run; peak RSS is the largest seen.
struct Best {
  Measure m;
  double best_cpu_s = 0;
  uint64_t peak_rss_bytes = 0;
  std::vector<double> walls;
  std::vector<double> cpus;
  double rate() const { return static_cast<double>(m.events) / m.wall_s; }
  double cpu_rate() const { return static_cast<double>(m.events) / best_cpu_s; }
};

void add_sample(Best& b, const Sample& s) {
  if (b.walls.empty() || s.m.wall_s < b.m.wall_s) b.m = s.m;
  if (b.cpus.empty() || s.m.cpu_s < b.best_cpu_s) b.best_cpu_s = s.m.cpu_s;
  b.peak_rss_bytes = std::max(b.peak_rss_bytes, s.peak_rss_bytes);
  b.walls.push_back(s.m.wall_s);
  b.cpus.push_back(s.m.cpu_s);
}

Best best_of(int n, const std::function<Measure()>& fn, const std::string& what) {
  Best b;
  for (int i = 0; i < n; ++i) add_sample(b, isolated(fn, what));
  return b;
}

// ---------------------------------------------------------------------------------------------
// What the children do.

struct Generated {
  fs::path path;
  uint64_t events = 0;
  uint64_t objects = 0;    ///< allocations the generator was asked for
  uint32_t id_bound = 0;   ///< largest live-object count (+ brief overlap): the generator's exact bound
  double gen_s = 0;
};

json ring_params(uint64_t objects, uint64_t slots, uint32_t goroutines = 1) {
  json p = {{"total_objects", objects}, {"slots", slots}};
  if (goroutines != 1) p["goroutines"] = goroutines;
  return p;
}

/// Streams generator `kind` (params, seed kSeed) into `file` in the temp dir; format by extension.
Generated generate(const TempDir& dir, const std::string& file, const std::string& kind, const json& params,
                   std::ostream& log) {
  Generated g;
  g.path = dir.file(file);
  g.objects = params.value("total_objects", uint64_t{0});
  log << "bench: generating " << file << " (" << kind << " " << params.dump() << ")\n" << std::flush;
  const std::string path = g.path.string();
  Sample s = isolated(
      [&] {
        Stopwatch sw;
        auto gen = workload::make_generator(kind, params, "bench." + file, kSeed);
        auto sink = workload::create_trace_writer(path, workload::trace_format_for_path(path));
        std::vector<workload::TraceEvent> buf(4096);
        Measure m;
        while (size_t n = gen->next_batch(buf.data(), buf.size())) {
          sink->write_batch(buf.data(), n);
          m.events += n;
        }
        sink->close();
        m.wall_s = sw.wall_s();
        m.cpu_s = sw.cpu_s();
        m.aux = gen->object_id_bound();
        return m;
      },
      "generating " + file);
  g.events = s.m.events;
  g.id_bound = static_cast<uint32_t>(s.m.aux);
  g.gen_s = s.m.wall_s;
  return g;
}

/// The experiment every replay runs: the trace, GC on, GOGC `gogc`, GOMAXPROCS 2.
json experiment_doc(const fs::path& trace, int64_t gogc) {
  return {{"schema_version", kSchemaVersion},
          {"name", "bench"},
          {"seed", kSeed},
          {"workload", {{"kind", "trace"}, {"params", {{"path", trace.string()}}}}},
          {"runtime", {{"gogc", gogc}, {"gomaxprocs", 2}}}};
}

/// The `gcsim run` path: an Experiment with a {"kind": "trace"} workload, through app::simulate.
Measure replay(const fs::path& trace, int64_t gogc) {
  Experiment e = parse_experiment(experiment_doc(trace, gogc), trace.parent_path().string());
  Stopwatch sw;
  stats::RunRecord r = simulate(e, ProgressFn{});
  Measure m;
  m.wall_s = sw.wall_s();
  m.cpu_s = sw.cpu_s();
  m.events = r.totals.events;
  m.cycles = r.cycles.size();
  return m;
}

/// `gcsim sweep` over GOGC values on `trace` with `jobs` worker threads, output into `out_dir`
/// (removed afterwards). cycles = points run.
Measure sweep(const fs::path& trace, const std::vector<int64_t>& gogcs, unsigned jobs, const fs::path& out_dir) {
  json doc = {{"schema_version", kSchemaVersion},
              {"name", "bench-sweep"},
              {"base", experiment_doc(trace, 100)},
              {"sweep", {{"runtime.gogc", gogcs}}}};
  Sweep sw = expand_sweep(doc, trace.parent_path().string());
  SweepOptions o;
  o.jobs = jobs;
  o.quiet = true;
  o.force = true;
  std::ostringstream sink;
  Stopwatch w;
  SweepOutcome oc = run_sweep(sw, out_dir, o, sink);
  Measure m;
  m.wall_s = w.wall_s();
  m.cpu_s = w.cpu_s();
  m.cycles = oc.ran;
  std::error_code ec;
  fs::remove_all(out_dir, ec);
  if (oc.failed != 0 || oc.ran != gogcs.size())
    throw std::runtime_error("sweep: " + std::to_string(oc.failed) + " of " + std::to_string(oc.ran) +
                             " points failed: " + sink.str());
  return m;
}

/// The per-GC-cycle mode (models/percycle): Go's TestGcPacer scenarios with the Go 1.19 pacer,
/// repeated for at least `min_s`. events = cycles = GC cycles simulated.
Measure per_cycle(double min_s) {
  const std::vector<percycle::Scenario> scenarios = percycle::go_test_scenarios();
  const percycle::HarnessOptions o;  // runtime semantics (Go's own test harness)
  const json pacer = {{"kind", "go"}};
  Stopwatch sw;
  Measure m;
  double sink = 0;
  do {
    for (const percycle::Scenario& sc : scenarios) {
      try {
        std::vector<percycle::CycleResult> rows = percycle::run_scenario(sc, pacer, o);
        m.cycles += rows.size();
        if (!rows.empty()) sink += rows.back().overshoot;
      } catch (const std::domain_error&) {
        // a scenario this pacer cannot run (pacer-scenarios skips these too)
      }
    }
  } while (sw.wall_s() < min_s);
  m.wall_s = sw.wall_s();
  m.cpu_s = sw.cpu_s();
  m.events = m.cycles;
  m.aux = std::isfinite(sink) ? scenarios.size() : 0;
  return m;
}

/// Reading and decoding only (the trace reader's own rate, no simulation).
Measure parse_only(const fs::path& trace) {
  Stopwatch sw;
  auto src = workload::open_trace(trace.string());
  std::vector<workload::TraceEvent> buf(4096);
  Measure m;
  uint64_t sum = 0;
  while (size_t n = src->next_batch(buf.data(), buf.size())) {
    m.events += n;
    sum += buf[n - 1].object_id;
  }
  m.wall_s = sw.wall_s();
  m.cpu_s = sw.cpu_s();
  m.aux = sum;
  return m;
}

// The reference loop: a fixed, self-contained tight loop of the same kind as the simulator's core
// (16-byte alloc/free records streamed through a size-class lookup, a slot bitmap and an
// id -> slot table). It depends on no gcsim code, so its rate measures the machine (and compiler
// flags) only; tests/perf/perf_check.py divides gcsim's rate by it. Its records are replayed from a
// 64 KiB buffer: a 16 MiB stream from memory varied by +-9 % between runs on a shared machine,
// the cache-resident loop by +-2 %. Changing it invalidates tests/perf/baseline.json.
namespace ref {

struct Record {
  uint32_t id;
  uint32_t size;  ///< 0 = free
  uint64_t stamp;
};
static_assert(sizeof(Record) == 16);

constexpr uint32_t kLive = 1u << 16;            // id space (every id live between its free and alloc)
constexpr uint32_t kSlotWords = 2 * kLive / 64;  // slot bitmap: 2x the live objects
constexpr size_t kRecords = size_t{1} << 12;     // 64 KiB of records per pass (cache-resident: stable)
constexpr uint32_t kMaxSize = 1024;

uint64_t xorshift(uint64_t& s) {
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}

Measure run(int passes) {
  std::array<uint8_t, kMaxSize / 8 + 1> class_of{};
  for (uint32_t i = 0; i < class_of.size(); ++i) {
    uint32_t b = i * 8;
    class_of[i] = static_cast<uint8_t>(b <= 128 ? (b + 15) / 16 : 8 + (b - 1) / 128);
  }
  std::vector<Record> recs(kRecords);
  uint64_t s = 0x9E3779B97F4A7C15ull;
  for (size_t i = 0; i < kRecords; i += 2) {
    auto id = static_cast<uint32_t>(xorshift(s) % kLive);
    auto size = static_cast<uint32_t>(1 + xorshift(s) % kMaxSize);
    recs[i] = Record{id, 0, i};
    recs[i + 1] = Record{id, size, i + 1};
  }
  std::vector<uint64_t> bitmap(kSlotWords, 0);
  std::vector<uint32_t> slot_of(kLive);
  std::array<uint64_t, 16> bytes{};
  std::array<uint64_t, 16> count{};
  uint32_t cursor = 0;
  auto take_slot = [&]() -> uint32_t {
    for (;;) {
      uint64_t w = bitmap[cursor];
      if (~w != 0) {
        int b = std::countr_one(w);
        bitmap[cursor] = w | (uint64_t{1} << b);
        return cursor * 64 + static_cast<uint32_t>(b);
      }
      cursor = (cursor + 1) & (kSlotWords - 1);
    }
  };
  for (uint32_t id = 0; id < kLive; ++id) slot_of[id] = take_slot();

  uint64_t sum = 0;
  Stopwatch sw;
  for (int p = 0; p < passes; ++p) {
    for (const Record& r : recs) {
      if (r.size == 0) {
        uint32_t slot = slot_of[r.id];
        bitmap[slot >> 6] &= ~(uint64_t{1} << (slot & 63));
      } else {
        unsigned c = class_of[(r.size + 7) >> 3];
        bytes[c] += r.size;
        ++count[c];
        uint32_t slot = take_slot();
        slot_of[r.id] = slot;
        sum += slot ^ r.stamp;
      }
    }
  }
  Measure m;
  m.wall_s = sw.wall_s();
  m.cpu_s = sw.cpu_s();
  m.events = static_cast<uint64_t>(passes) * kRecords;
  for (size_t c = 0; c < bytes.size(); ++c) sum += bytes[c] * 31 + count[c];
  m.aux = sum;
  return m;
}

}  // namespace ref

// ---------------------------------------------------------------------------------------------
// Formatting.

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string mega(double v) { return fmt("%.1f", v / 1e6); }
std::string mib(uint64_t b) { return fmt("%.1f", static_cast<double>(b) / static_cast<double>(kMiB)); }
std::string count_str(uint64_t n) {
  if (n >= 1000000) return fmt("%.1f M", static_cast<double>(n) / 1e6);
  if (n >= 1000) return fmt("%.0f k", static_cast<double>(n) / 1e3);
  return std::to_string(n);
}
std::string pct(double v) { return fmt("%+.1f %%", v * 100); }

class Table {
 public:
  explicit Table(std::vector<std::string> header) : rows_{std::move(header)} {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void print(std::ostream& out) const {
    std::vector<size_t> w;
    for (const auto& r : rows_) {
      if (w.size() < r.size()) w.resize(r.size(), 0);
      for (size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], r[i].size());
    }
    for (size_t k = 0; k < rows_.size(); ++k) {
      const auto& r = rows_[k];
      std::string line;
      for (size_t i = 0; i < r.size(); ++i) {
        std::string cell = r[i];
        std::string pad(w[i] - cell.size(), ' ');
        line += i == 0 ? cell + pad : "  " + pad + cell;
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out << "  " << line << '\n';
      if (k == 0) {
        size_t total = 0;
        for (size_t x : w) total += x + 2;
        out << "  " << std::string(total - 2, '-') << '\n';
      }
    }
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

uint64_t rss_limit(uint32_t id_bound) { return 64 * kMiB + 16 * uint64_t{id_bound}; }

json case_json(const std::string& description, const std::string& format, const Generated& g, const Best& b) {
  json j;
  j["description"] = description;
  j["trace_format"] = format;
  j["objects"] = g.objects;
  j["largest_live_objects"] = g.id_bound;
  j["events"] = b.m.events;
  j["wall_s"] = b.m.wall_s;
  j["walls_s"] = b.walls;
  j["events_per_s"] = b.rate();
  j["cpu_s"] = b.best_cpu_s;
  j["cpus_s"] = b.cpus;
  j["events_per_cpu_s"] = b.cpu_rate();
  j["gc_cycles"] = b.m.cycles;
  j["peak_rss_bytes"] = b.peak_rss_bytes;
  j["rss_limit_bytes"] = rss_limit(g.id_bound);
  j["generate_s"] = g.gen_s;
  return j;
}

const char* status(bool met) { return met ? "met" : "NOT met"; }

}  // namespace

int run_bench_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& log) {
  const BenchOptions opt = parse_options(args);
  if (!opt.json_path.empty()) {
    std::ofstream probe(opt.json_path, std::ios::app);  // fail now, not after a minute of measuring
    if (!probe) throw InputError(opt.json_path, "cannot write file");
  }
  const Plan plan = make_plan(opt.quick);
  TempDir dir(opt.dir);
  const unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
#ifdef __OPTIMIZE__
  const bool optimized = true;
#else
  const bool optimized = false;
#endif
#ifdef NDEBUG
  const bool assertions = false;
#else
  const bool assertions = true;
#endif
  const double load_before = load_average();
  json J;
  J["schema"] = "gcsim-bench/1";
  J["gcsim_version"] = GCSIM_VERSION;
  J["mode"] = plan.quick ? "quick" : "full";
  J["cpus"] = cpus;
  J["build"] = {{"optimized", optimized}, {"assertions", assertions}};
  J["seed"] = kSeed;
  J["simulation"] = {{"gogc", 100}, {"gomaxprocs", 2}, {"workload", "trace"}};

  const Sample base_rss = isolated([] { return Measure{}; }, "process baseline");
  J["process_baseline_rss_bytes"] = base_rss.peak_rss_bytes;

  // 1. The main ring trace, interleaved with the reference loop (the CI ratio uses both).
  Generated ring = generate(dir, "ring.gctb", "ring", ring_params(plan.ring_objects, plan.ring_slots), log);
  log << "bench: ring replay and reference loop, " << plan.ring_repeats << " times each\n" << std::flush;
  Best ring_b, ref_b;
  for (int i = 0; i < plan.ring_repeats; ++i) {
    add_sample(ref_b, isolated([&] { return ref::run(plan.ref_passes); }, "reference loop"));
    add_sample(ring_b, isolated([&] { return replay(ring.path, 100); }, "ring replay"));
  }
  const double ratio_wall = ring_b.rate() / ref_b.rate();
  const double ratio_cpu = ring_b.cpu_rate() / ref_b.cpu_rate();
  const std::string ring_desc = "ring binary, " + count_str(plan.ring_objects) + " x 128 B, " +
                                count_str(plan.ring_slots) + " live";
  J["cases"]["ring"] = case_json(ring_desc, "binary", ring, ring_b);
  J["reference_loop"] = {{"records", ref_b.m.events},    {"wall_s", ref_b.m.wall_s},
                         {"walls_s", ref_b.walls},       {"records_per_s", ref_b.rate()},
                         {"cpu_s", ref_b.best_cpu_s},    {"cpus_s", ref_b.cpus},
                         {"records_per_cpu_s", ref_b.cpu_rate()}, {"checksum", ref_b.m.aux}};
  J["ratio_ring_to_reference_cpu"] = ratio_cpu;
  J["ratio_ring_to_reference_wall"] = ratio_wall;

  // 2. Sweep throughput: `gcsim sweep` (app::run_sweep, outputs written) over GOGC on the ring
  // trace, with one worker thread and with one per CPU.
  const auto& gogcs = plan.sweep_gogc;
  const unsigned sweep_jobs = static_cast<unsigned>(std::min<size_t>(cpus, gogcs.size()));
  log << "bench: gcsim sweep over GOGC, --jobs 1 then --jobs " << sweep_jobs << "\n" << std::flush;
  Best sweep1 = best_of(plan.sweep_repeats, [&] { return sweep(ring.path, gogcs, 1, dir.file("sweep1")); },
                        "sweep --jobs 1");
  Best sweepn = best_of(plan.sweep_repeats, [&] { return sweep(ring.path, gogcs, sweep_jobs, dir.file("sweepn")); },
                        "sweep --jobs " + std::to_string(sweep_jobs));
  const double points = static_cast<double>(gogcs.size());
  const double sweep_speedup = sweep1.m.wall_s / sweepn.m.wall_s;
  auto sweep_json = [&](const Best& b, unsigned jobs) {
    return json{{"jobs", jobs},
                {"wall_s", b.m.wall_s},
                {"walls_s", b.walls},
                {"cpu_s", b.best_cpu_s},
                {"points_per_s", points / b.m.wall_s},
                {"events_per_s", points * static_cast<double>(ring_b.m.events) / b.m.wall_s}};
  };
  J["sweep"] = {{"gogc", gogcs},
                {"trace", ring_desc},
                {"jobs_1", sweep_json(sweep1, 1)},
                {"jobs_all", sweep_json(sweepn, sweep_jobs)},
                {"speedup", sweep_speedup},
                {"efficiency", sweep_speedup / sweep_jobs}};
  remove_file(ring.path);

  // 3. Many goroutines: the ring with allocations spread over 64 goroutines.
  Generated many = generate(dir, "ring_g64.gctb", "ring",
                            ring_params(plan.many_g_objects, plan.ring_slots, plan.many_goroutines), log);
  log << "bench: 64-goroutine ring replay\n" << std::flush;
  Best many_b = best_of(plan.repeats, [&] { return replay(many.path, 100); }, "64-goroutine ring replay");
  const std::string many_desc = "ring binary, 64 goroutines, " + count_str(plan.many_g_objects) + " x 128 B";
  J["cases"]["ring_64_goroutines"] = case_json(many_desc, "binary", many, many_b);
  remove_file(many.path);

  // 4. The mixed-size workload.
  Generated mixed = generate(dir, "mixed.gctb", "mixed", json{{"total_objects", plan.mixed_objects}}, log);
  log << "bench: mixed replay\n" << std::flush;
  Best mixed_b = best_of(plan.repeats, [&] { return replay(mixed.path, 100); }, "mixed replay");
  const std::string mixed_desc = "mixed binary, " + count_str(plan.mixed_objects) + " objects, 1 B..256 KiB";
  J["cases"]["mixed"] = case_json(mixed_desc, "binary", mixed, mixed_b);
  remove_file(mixed.path);

  // 5. Text trace: parsing alone, and the full replay.
  Generated text = generate(dir, "ring_small.gct", "ring", ring_params(plan.text_objects, plan.ring_slots), log);
  log << "bench: text trace parse and replay\n" << std::flush;
  Best parse_b = best_of(plan.repeats, [&] { return parse_only(text.path); }, "text parse");
  Best text_b = best_of(plan.repeats, [&] { return replay(text.path, 100); }, "text replay");
  const std::string text_desc = "ring text (.gct), " + count_str(plan.text_objects) + " x 128 B";
  J["cases"]["ring_text"] = case_json(text_desc, "text", text, text_b);
  J["cases"]["ring_text_parse_only"] = case_json(text_desc + ", parse only", "text", text, parse_b);
  J["text_file_bytes"] = fs::file_size(text.path);
  remove_file(text.path);

  // 6. Linearity: 1x, 2x, 4x, 8x the length with the same live set. Judged on CPU time (robust to
  // other processes on the machine); wall time is shown too. A least-squares fit cpu = a + b*events
  // separates the fixed cost a (start-up, filling the live set) from the per-event cost b.
  json lin = json::array();
  Table lin_t({"length", "objects", "events", "wall s", "CPU s", "CPU ns/event", "vs 1x"});
  double base_ns = 0, max_dev = 0;
  std::vector<std::pair<double, double>> fit_pts;
  // The lengths are measured round-robin, best of lin_repeats each, so that a change in the machine's
  // load during the measurement falls on every length alike rather than on one.
  const std::vector<uint64_t> multiples = {1, 2, 4, 8};
  std::vector<Generated> lin_traces;
  for (uint64_t k : multiples)
    lin_traces.push_back(generate(dir, "lin_" + std::to_string(k) + "x.gctb", "ring",
                                  ring_params(plan.lin_base_objects * k, plan.lin_slots), log));
  std::vector<Best> lin_best(multiples.size());
  for (int round = 0; round < plan.lin_repeats; ++round)
    for (size_t i = 0; i < multiples.size(); ++i)
      add_sample(lin_best[i], isolated([&] { return replay(lin_traces[i].path, 100); },
                                       "linearity " + lin_traces[i].path.filename().string()));
  for (size_t i = 0; i < multiples.size(); ++i) {
    const uint64_t k = multiples[i];
    const Generated& g = lin_traces[i];
    const Best& b = lin_best[i];
    remove_file(g.path);
    const double ns = b.best_cpu_s * 1e9 / static_cast<double>(b.m.events);
    if (k == 1) base_ns = ns;
    const double dev = ns / base_ns - 1;
    max_dev = std::max(max_dev, std::fabs(dev));
    fit_pts.emplace_back(static_cast<double>(b.m.events), b.best_cpu_s);
    lin.push_back({{"multiple", k}, {"objects", g.objects}, {"events", b.m.events}, {"wall_s", b.m.wall_s},
                   {"cpu_s", b.best_cpu_s}, {"cpu_ns_per_event", ns}, {"deviation_from_1x", dev},
                   {"peak_rss_bytes", b.peak_rss_bytes}});
    lin_t.add({std::to_string(k) + "x", count_str(g.objects), count_str(b.m.events), fmt("%.3f", b.m.wall_s),
               fmt("%.3f", b.best_cpu_s), fmt("%.2f", ns), k == 1 ? "-" : pct(dev)});
  }
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto& [x, y] : fit_pts) {
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const double np = static_cast<double>(fit_pts.size());
  const double fit_b = (np * sxy - sx * sy) / (np * sxx - sx * sx);
  const double fit_a = (sy - fit_b * sx) / np;
  // Marginal cost per event between consecutive lengths (1x->2x, 2x->4x, 4x->8x): constant if the
  // cost is linear apart from a fixed start-up part.
  std::vector<double> marginal;
  for (size_t i = 1; i < fit_pts.size(); ++i)
    marginal.push_back((fit_pts[i].second - fit_pts[i - 1].second) / (fit_pts[i].first - fit_pts[i - 1].first));
  double marginal_mean = 0, marginal_dev = 0;
  for (double m : marginal) marginal_mean += m / static_cast<double>(marginal.size());
  for (double m : marginal) marginal_dev = std::max(marginal_dev, std::fabs(m / marginal_mean - 1));
  J["linearity"] = {{"slots", plan.lin_slots},
                    {"points", lin},
                    {"max_abs_deviation", max_dev},
                    {"fit_fixed_cpu_s", fit_a},
                    {"fit_cpu_ns_per_event", fit_b * 1e9},
                    {"marginal_cpu_ns_per_event", marginal},
                    {"marginal_max_abs_deviation", marginal_dev},
                    {"definition", "(cpu/events at Nx) / (cpu/events at 1x) - 1; best of repeats, lengths measured round-robin"},
                    {"repeats", plan.lin_repeats}};

  // 7. RSS flatness: 1x and 10x the length, same live set.
  Table flat_t({"length", "objects", "events", "largest live", "peak RSS MiB", "vs 1x"});
  json flat = json::array();
  uint64_t rss1 = 0;
  double flat_dev = 0;
  for (uint64_t k : {1, 10}) {
    const std::string file = "flat_" + std::to_string(k) + "x.gctb";
    Generated g = generate(dir, file, "ring", ring_params(plan.flat_base_objects * k, plan.flat_slots), log);
    Sample s = isolated([&] { return replay(g.path, 100); }, "RSS " + file);
    remove_file(g.path);
    if (k == 1) rss1 = s.peak_rss_bytes;
    const double dev = static_cast<double>(s.peak_rss_bytes) / static_cast<double>(rss1) - 1;
    flat_dev = std::max(flat_dev, std::fabs(dev));
    flat.push_back({{"multiple", k}, {"objects", g.objects}, {"events", s.m.events},
                    {"largest_live_objects", g.id_bound}, {"peak_rss_bytes", s.peak_rss_bytes},
                    {"deviation_from_1x", dev}});
    flat_t.add({std::to_string(k) + "x", count_str(g.objects), count_str(s.m.events), count_str(g.id_bound),
                mib(s.peak_rss_bytes), k == 1 ? "-" : pct(dev)});
  }
  J["rss_flatness"] = {{"slots", plan.flat_slots}, {"points", flat}, {"max_abs_deviation", flat_dev}};
  log << "bench: per-cycle pacer mode\n" << std::flush;
  Best pc_b = best_of(1, [&] { return per_cycle(plan.per_cycle_min_s); }, "per-cycle mode");
  J["per_cycle_pacer"] = {{"what", kPerCycleWhat},
                          {"scenarios", pc_b.m.aux},
                          {"gc_cycles", pc_b.m.cycles},
                          {"wall_s", pc_b.m.wall_s},
                          {"cpu_s", pc_b.best_cpu_s},
                          {"gc_cycles_per_s", pc_b.rate()},
                          {"gc_cycles_per_cpu_s", pc_b.cpu_rate()}};
  const double load_after = load_average();
  J["load_average"] = {{"before", load_before}, {"after", load_after}};

  // ---- The report.
  out << "gcsim bench (" << (plan.quick ? "quick" : "full") << "): " << cpus << " CPUs, "
      << (optimized ? "optimized" : "UNOPTIMIZED") << " build, assertions " << (assertions ? "on" : "off")
      << ", load average " << fmt("%.2f", load_before) << " -> " << fmt("%.2f", load_after) << "\n";
  if (std::max(load_before, load_after) > 0.5 * cpus)
    out << "WARNING: the machine was busy; wall times are inflated (CPU-time figures are more reliable)\n";
  out << "inputs: generated with seed " << kSeed << " in " << dir.path().string() << " (removed at exit)\n";
  out << "replay: app::simulate on a {\"kind\": \"trace\"} workload, GC on (GOGC=100, GOMAXPROCS=2), as gcsim run;\n"
      << "        best of " << plan.ring_repeats << " (ring) / " << plan.repeats
      << " (others), each in its own process\n\n";
  Table main_t({"case", "events", "wall s", "M events/s", "CPU s", "M events/CPU-s", "GC cycles", "peak RSS MiB",
                "RSS limit MiB"});
  auto row = [&](const std::string& desc, const Generated& g, const Best& b, bool sim) {
    main_t.add({desc, count_str(b.m.events), fmt("%.3f", b.m.wall_s), mega(b.rate()), fmt("%.3f", b.best_cpu_s),
                mega(b.cpu_rate()), sim ? std::to_string(b.m.cycles) : "-", mib(b.peak_rss_bytes),
                sim ? mib(rss_limit(g.id_bound)) : "-"});
  };
  row(ring_desc, ring, ring_b, true);
  row(many_desc, many, many_b, true);
  row(mixed_desc, mixed, mixed_b, true);
  row(text_desc, text, text_b, true);
  row(text_desc + ", parse only", text, parse_b, false);
  main_t.add({"reference loop (records, not events)", count_str(ref_b.m.events), fmt("%.3f", ref_b.m.wall_s),
              mega(ref_b.rate()), fmt("%.3f", ref_b.best_cpu_s), mega(ref_b.cpu_rate()), "-", "-", "-"});
  main_t.print(out);
  out << "  ratio ring / reference loop: " << fmt("%.4f", ratio_cpu) << " (CPU time), " << fmt("%.4f", ratio_wall)
      << " (wall); tests/perf/perf_check.py compares the CPU ratio with tests/perf/baseline.json\n";
  out << "  process baseline RSS (an idle child): " << mib(base_rss.peak_rss_bytes) << " MiB\n";
  out << "  " << kPerCycleWhat << " (" << pc_b.m.aux << " scenarios): " << pc_b.m.cycles << " GC cycles in "
      << fmt("%.3f", pc_b.m.wall_s) << " s = " << fmt("%.2f", pc_b.rate() / 1e6) << " M GC cycles/s ("
      << fmt("%.2f", pc_b.cpu_rate() / 1e6) << " per CPU-s)\n\n";

  out << "linearity (ring, " << count_str(plan.lin_slots) << " live, length 1x..8x, measured round-robin, best of "
      << plan.lin_repeats << "; judged on CPU time):\n";
  lin_t.print(out);
  out << "  fit: CPU = " << fmt("%.1f", fit_a * 1e3) << " ms fixed + " << fmt("%.2f", fit_b * 1e9)
      << " ns/event; marginal ns/event 1x->2x, 2x->4x, 4x->8x:";
  for (double m : marginal) out << ' ' << fmt("%.2f", m * 1e9);
  out << " (max deviation " << fmt("%.1f %%", marginal_dev * 100) << ")\n";
  out << "\nRSS flatness (ring, " << count_str(plan.flat_slots) << " live, length 1x and 10x):\n";
  flat_t.print(out);

  out << "\nsweep throughput (gcsim sweep over GOGC";
  for (int64_t g : gogcs) out << ' ' << g;
  out << " on the ring trace, outputs written; best of " << plan.sweep_repeats << "):\n";
  Table sweep_t({"jobs", "points", "wall s", "CPU s", "points/s", "M events/s", "speedup"});
  for (const auto& [b, jobs] : {std::pair<const Best*, unsigned>{&sweep1, 1}, {&sweepn, sweep_jobs}}) {
    sweep_t.add({std::to_string(jobs), std::to_string(gogcs.size()), fmt("%.3f", b->m.wall_s),
                 fmt("%.3f", b->best_cpu_s), fmt("%.2f", points / b->m.wall_s),
                 mega(points * static_cast<double>(ring_b.m.events) / b->m.wall_s),
                 fmt("%.2f", sweep1.m.wall_s / b->m.wall_s)});
  }
  sweep_t.print(out);

  // Targets of the performance issue.
  out << "\ntargets (rates judged on CPU time: the replay is single-threaded, so this is its wall time on an idle "
         "core):\n";
  Table tgt({"target", "measured", "status"});
  json targets = json::array();
  auto target = [&](const std::string& name, const std::string& measured, const std::string& st) {
    tgt.add({name, measured, st});
    targets.push_back({{"target", name}, {"measured", measured}, {"status", st}});
  };
  target("(1) binary ring replay, GC on, >= 50 M events/s (stretch 100)",
         mega(ring_b.cpu_rate()) + " M/s (wall: " + mega(ring_b.rate()) + ")",
         ring_b.cpu_rate() >= 100e6 ? "met, stretch too" : status(ring_b.cpu_rate() >= 50e6));
  if (plan.quick) {
    target("(1) ring (2 GiB) in < 0.7 s", "not run (--quick replays a " + count_str(plan.ring_objects) + " ring)",
           "n/a");
  } else {
    target("(1) ring (2 GiB) in < 0.7 s", fmt("%.3f s", ring_b.best_cpu_s) + " (wall: " + fmt("%.3f s", ring_b.m.wall_s) + ")",
           status(ring_b.best_cpu_s < 0.7));
  }
  target("(2) gcsim wall <= 0.25 x real Go on the same trace", "see scripts/side_by_side.sh", "n/a");
  target("(3) text trace parsing >= 10 M events/s",
         mega(parse_b.cpu_rate()) + " M/s (wall: " + mega(parse_b.rate()) + "; full replay " + mega(text_b.cpu_rate()) +
             ")",
         status(parse_b.cpu_rate() >= 10e6));
  bool rss_ok = true;
  std::string rss_worst;
  double rss_worst_frac = 0;
  const std::vector<std::pair<const Generated*, const Best*>> sims = {
      {&ring, &ring_b}, {&many, &many_b}, {&mixed, &mixed_b}, {&text, &text_b}};
  for (const auto& [g, b] : sims) {
    double frac = static_cast<double>(b->peak_rss_bytes) / static_cast<double>(rss_limit(g->id_bound));
    rss_ok = rss_ok && frac <= 1.0;
    if (frac > rss_worst_frac) {
      rss_worst_frac = frac;
      rss_worst = g->path.filename().string() + " " + mib(b->peak_rss_bytes) + " of " +
                  mib(rss_limit(g->id_bound)) + " MiB";
    }
  }
  target("(4) peak RSS <= 64 MiB + 16 B x largest live objects", "worst: " + rss_worst, status(rss_ok));
  target("(4) peak RSS flat in length (10x: within 5 %)", pct(flat_dev), status(flat_dev <= 0.05));
  target("(5) cost linear in length (2x, 4x, 8x within 10 % of 1x)",
         "max " + fmt("%.1f %%", max_dev * 100) + "; marginal cost within " + fmt("%.1f %%", marginal_dev * 100) +
             ", fixed " + fmt("%.1f ms", fit_a * 1e3),
         max_dev <= 0.10 ? "met" : marginal_dev <= 0.10 ? "NOT met (fixed start-up cost)" : "NOT met");
  target("(6) per-cycle pacer mode >= 1 M GC cycles/s",
         fmt("%.2f M/s", pc_b.cpu_rate() / 1e6) + " (wall: " + fmt("%.2f", pc_b.rate() / 1e6) + ")",
         status(pc_b.cpu_rate() >= 1e6));
  target("sweep scaling on all cores (no numeric target)",
         fmt("%.2fx", sweep_speedup) + " with " + std::to_string(sweep_jobs) + " jobs (" +
             fmt("%.0f %% efficiency", 100 * sweep_speedup / sweep_jobs) + ")",
         "info");
  tgt.print(out);
  J["targets"] = targets;

  if (!opt.json_path.empty()) {
    sim::write_file_atomic(opt.json_path, J.dump(2) + "\n");
    out << "\nfigures written to " << opt.json_path << '\n';
  }
  return 0;
}

}  // namespace gcsim::app
