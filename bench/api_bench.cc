// Store benchmark: the Foundry SQLite store against raw SQLite prepared
// statements on an equivalent table (the bound). Plain timed main; prints a
// table and appends an entry to bench/RESULTS.md.
//
// Usage: bench_api [--objects N] [--results FILE] [--dir DIR]
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/clock.h"
#include "store/store.h"

namespace {

using foundry::store::Object;

constexpr int kRacks = 200;
constexpr int kListQueries = 200;
constexpr double kTargetRatio = 3.0;

struct Options {
  int objects = 100'000;
  std::string results = FOUNDRY_SOURCE_DIR "/bench/RESULTS.md";
  std::string dir;
};

struct Figures {
  double createPerSec = 0, getPerSec = 0, listPerSec = 0, patchPerSec = 0;
  long peakRssKb = 0;
};

std::string mac(std::mt19937_64& rng) {
  const uint64_t v = rng();
  return fmt::format("52:54:{:02x}:{:02x}:{:02x}:{:02x}", (v >> 0) & 0xff, (v >> 8) & 0xff,
                     (v >> 16) & 0xff, (v >> 24) & 0xff);
}

// A realistic Machine: ~1 KB of spec, labels rack/row.
Object machine(int i, std::mt19937_64& rng) {
  Object obj;
  obj.kind = "Machine";
  obj.key = fmt::format("machine-{:06d}", i);
  obj.labels = {{"rack", fmt::format("r{}", i % kRacks)}, {"row", fmt::format("{}", i % 20)}};
  nlohmann::json nics = nlohmann::json::array();
  for (int n = 0; n < 4; ++n) {
    nics.push_back({{"name", fmt::format("eno{}", n + 1)},
                    {"mac", mac(rng)},
                    {"speedMbps", n < 2 ? 25000 : 1000},
                    {"switch", fmt::format("sw-r{}-{}", i % kRacks, n % 2)},
                    {"port", fmt::format("Ethernet1/{}", i % 48 + 1)}});
  }
  obj.spec = {{"arch", i % 4 == 0 ? "aarch64" : "x86_64"},
              {"serial", fmt::format("SN{:010d}", i * 7919)},
              {"chassisSerial", fmt::format("CH{:08d}", i)},
              {"vendor", "Supermicro"},
              {"model", "SYS-1029U-TN10RT"},
              {"bios", {{"vendor", "American Megatrends"}, {"version", "3.4"}, {"date", "2023-05-11"}}},
              {"cpus", 32 + (i % 4) * 16},
              {"memoryMb", 262144},
              {"nics", nics},
              {"disks", {{{"name", "nvme0n1"}, {"sizeGb", 1920}, {"serial", fmt::format("S5{:08d}", i)}}}},
              {"bmc", {{"address", fmt::format("10.{}.{}.{}", i / 65536 % 256, i / 256 % 256, i % 256)},
                       {"mac", mac(rng)}}},
              {"power", "on"}};
  return obj;
}

double seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

long peakRssKb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return std::strtol(line.c_str() + 6, nullptr, 10);
    }
  }
  return 0;
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bench_api: %s\n", what.c_str());
  std::exit(1);
}

Figures benchStore(const Options& opt, const std::vector<Object>& objects) {
  foundry::SystemClock clock;
  auto opened = foundry::store::openSqliteStore({opt.dir + "/store.db",
                                                 foundry::store::Durability::kProcess, &clock});
  if (!opened) die(opened.error().describe());
  auto& store = **opened;
  Figures f;
  auto start = std::chrono::steady_clock::now();
  for (const auto& obj : objects) {
    if (!store.create(obj, "bench")) die("create failed");
  }
  f.createPerSec = static_cast<double>(objects.size()) / seconds(start);

  std::mt19937 rng(42);
  std::uniform_int_distribution<size_t> pick(0, objects.size() - 1);
  start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < objects.size(); ++i) {
    if (!store.get("Machine", objects[pick(rng)].key)) die("get failed");
  }
  f.getPerSec = static_cast<double>(objects.size()) / seconds(start);

  start = std::chrono::steady_clock::now();
  for (int i = 0; i < kListQueries; ++i) {
    foundry::store::ListQuery query;
    query.filters = {{"labels.rack", foundry::store::FilterOp::kEq, {fmt::format("r{}", i % kRacks)}}};
    query.sort = {{"key", true}};
    query.limit = 100;
    auto page = store.list("Machine", query);
    if (!page || page->items.size() != std::min<size_t>(100, objects.size() / kRacks)) die("list failed");
  }
  f.listPerSec = kListQueries / seconds(start);

  const size_t patches = objects.size() / 2;
  start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < patches; ++i) {
    auto current = store.get("Machine", objects[pick(rng)].key);
    if (!current) die("get for patch failed");
    current->spec["power"] = i % 2 == 0 ? "off" : "on";
    if (!store.update(*current, current->rev, "bench")) die("update failed");
  }
  f.patchPerSec = static_cast<double>(patches) / seconds(start);
  f.peakRssKb = peakRssKb();
  return f;
}

// --- raw SQLite: the same rows, prepared statements, no Foundry layer ---

struct Raw {
  sqlite3* db = nullptr;
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) die(sqlite3_errmsg(db));
    return stmt;
  }
  void exec(const char* sql) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) die(sqlite3_errmsg(db));
  }
  void done(sqlite3_stmt* stmt) {
    if (sqlite3_step(stmt) != SQLITE_DONE) die(sqlite3_errmsg(db));
    sqlite3_reset(stmt);
  }
};

void bindText(sqlite3_stmt* stmt, int i, const std::string& s) {
  sqlite3_bind_text(stmt, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
}

Figures benchRaw(const Options& opt, const std::vector<Object>& objects) {
  Raw raw;
  if (sqlite3_open((opt.dir + "/raw.db").c_str(), &raw.db) != SQLITE_OK) die("open raw");
  raw.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16384;"
           "CREATE TABLE objects (kind TEXT NOT NULL, key TEXT NOT NULL, labels TEXT NOT NULL,"
           " rev INTEGER NOT NULL, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,"
           " spec TEXT NOT NULL, PRIMARY KEY (kind, key)) WITHOUT ROWID;");
  // JSON text prepared outside the timed loop: the bound is SQLite alone.
  std::vector<std::string> labels, specs;
  for (const auto& obj : objects) {
    labels.push_back(nlohmann::json(obj.labels).dump());
    specs.push_back(obj.spec.dump());
  }
  Figures f;
  auto* insert = raw.prepare("INSERT INTO objects VALUES ('Machine', ?, ?, ?, 0, 0, ?)");
  auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < objects.size(); ++i) {
    bindText(insert, 1, objects[i].key);
    bindText(insert, 2, labels[i]);
    sqlite3_bind_int64(insert, 3, static_cast<int64_t>(i) + 1);
    bindText(insert, 4, specs[i]);
    raw.done(insert);
  }
  f.createPerSec = static_cast<double>(objects.size()) / seconds(start);

  std::mt19937 rng(42);
  std::uniform_int_distribution<size_t> pick(0, objects.size() - 1);
  auto* get = raw.prepare("SELECT labels, rev, created_ms, updated_ms, spec FROM objects "
                          "WHERE kind = 'Machine' AND key = ?");
  std::string sink;
  start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < objects.size(); ++i) {
    bindText(get, 1, objects[pick(rng)].key);
    if (sqlite3_step(get) != SQLITE_ROW) die("raw get");
    sink.assign(reinterpret_cast<const char*>(sqlite3_column_text(get, 4)));
    sqlite3_reset(get);
  }
  f.getPerSec = static_cast<double>(objects.size()) / seconds(start);

  auto* count = raw.prepare("SELECT count(*) FROM objects WHERE kind = 'Machine' "
                            "AND json_extract(labels, '$.rack') = ?");
  auto* page = raw.prepare("SELECT key, labels, rev, created_ms, updated_ms, spec FROM objects "
                           "WHERE kind = 'Machine' AND json_extract(labels, '$.rack') = ? "
                           "ORDER BY key DESC LIMIT 100");
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < kListQueries; ++i) {
    const std::string rack = fmt::format("r{}", i % kRacks);
    bindText(count, 1, rack);
    if (sqlite3_step(count) != SQLITE_ROW) die("raw count");
    sqlite3_reset(count);
    bindText(page, 1, rack);
    while (sqlite3_step(page) == SQLITE_ROW) {
      sink.assign(reinterpret_cast<const char*>(sqlite3_column_text(page, 5)));
    }
    sqlite3_reset(page);
  }
  f.listPerSec = kListQueries / seconds(start);

  // Read-modify-write like the store's patch: read the row, write it back
  // conditioned on the rev that was read.
  auto* patch = raw.prepare("UPDATE objects SET spec = ?, rev = rev + 1, updated_ms = 1 "
                            "WHERE kind = 'Machine' AND key = ? AND rev = ?");
  const size_t patches = objects.size() / 2;
  start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < patches; ++i) {
    const size_t k = pick(rng);
    bindText(get, 1, objects[k].key);
    if (sqlite3_step(get) != SQLITE_ROW) die("raw get for patch");
    const int64_t rev = sqlite3_column_int64(get, 1);
    sink.assign(reinterpret_cast<const char*>(sqlite3_column_text(get, 4)));
    sqlite3_reset(get);
    bindText(patch, 1, specs[k]);
    bindText(patch, 2, objects[k].key);
    sqlite3_bind_int64(patch, 3, rev);
    raw.done(patch);
  }
  f.patchPerSec = static_cast<double>(patches) / seconds(start);
  for (auto* stmt : {insert, get, count, page, patch}) sqlite3_finalize(stmt);
  sqlite3_close(raw.db);
  f.peakRssKb = peakRssKb();
  return f;
}

std::string commandOutput(const std::string& cmd) {
  std::string out;
  if (FILE* pipe = ::popen(cmd.c_str(), "r")) {
    char buf[256];
    while (std::fgets(buf, sizeof buf, pipe) != nullptr) out += buf;
    ::pclose(pipe);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out.empty() ? "unknown" : out;
}

std::string report(const Options& opt, const Figures& s, const Figures& r, const std::string& cmd) {
  struct Row { const char* op; double store, raw; bool targeted; };
  const Row rows[] = {{"create", s.createPerSec, r.createPerSec, true},
                      {"get (random key)", s.getPerSec, r.getPerSec, true},
                      {"list (rack=rN, sort, 100 + total)", s.listPerSec, r.listPerSec, false},
                      {"patch (get + update w/ rev)", s.patchPerSec, r.patchPerSec, true}};
  std::time_t now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  std::string out = fmt::format("\n## {} — commit {}\n\nCommand: `{}` ({} objects, nproc {})\n\n",
                                date, commandOutput("git -C " FOUNDRY_SOURCE_DIR " rev-parse --short HEAD"),
                                cmd, opt.objects, ::sysconf(_SC_NPROCESSORS_ONLN));
  out += "| operation | store ops/s | raw SQLite ops/s | store time / raw time | target ≤3x |\n";
  out += "|---|---:|---:|---:|---|\n";
  bool met = true;
  for (const Row& row : rows) {
    const double ratio = row.raw / row.store;
    const bool ok = ratio <= kTargetRatio;
    met = met && (ok || !row.targeted);
    out += fmt::format("| {} | {:.0f} | {:.0f} | {:.2f}x | {} |\n", row.op, row.store, row.raw,
                       ratio, row.targeted ? (ok ? "met" : "MISSED") : "n/a");
  }
  out += fmt::format("\nPeak RSS (VmHWM) after the store phase: {} MiB; after both: {} MiB.\n",
                     s.peakRssKb / 1024, r.peakRssKb / 1024);
  out += fmt::format("Target (store within 3x of raw SQLite for create/get/patch): **{}**.\n",
                     met ? "met" : "not met");
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  std::string cmd = argv[0];
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) die("missing value for " + arg);
    cmd += " " + arg + " " + argv[i + 1];
    if (arg == "--objects") opt.objects = std::atoi(argv[++i]);
    else if (arg == "--results") opt.results = argv[++i];
    else if (arg == "--dir") opt.dir = argv[++i];
    else die("unknown option " + arg + " (use --objects N --results FILE --dir DIR)");
  }
  if (opt.objects < kRacks) die("--objects must be at least 200");
  const bool ownDir = opt.dir.empty();
  if (ownDir) {
    std::string pattern = (std::filesystem::temp_directory_path() / "foundry-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) die("mkdtemp");
    opt.dir = pattern;
  }
  std::mt19937_64 rng(7);
  std::vector<Object> objects;
  objects.reserve(static_cast<size_t>(opt.objects));
  for (int i = 0; i < opt.objects; ++i) objects.push_back(machine(i, rng));
  std::printf("spec size: %zu bytes; running store phase...\n", objects[0].spec.dump().size());
  const Figures store = benchStore(opt, objects);
  std::printf("running raw SQLite phase...\n");
  const Figures raw = benchRaw(opt, objects);
  const std::string entry = report(opt, store, raw, cmd);
  std::printf("%s", entry.c_str());
  if (!opt.results.empty()) {
    std::ofstream(opt.results, std::ios::app) << entry;
    std::printf("\nappended to %s\n", opt.results.c_str());
  }
  if (ownDir) std::filesystem::remove_all(opt.dir);
  return 0;
}
