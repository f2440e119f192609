#pragma once
// Command implementations, independent of the argument parser: app.cc parses
// flags into these structs and calls one function. Each returns an Outcome;
// runCli turns a failure into one stderr line and the exit code.

#include <chrono>
#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/api.h"
#include "cli/events.h"
#include "cli/failure.h"
#include "cli/kinds.h"
#include "cli/output.h"
#include "cli/settings.h"

namespace foundry::cli {

// Everything a command touches outside its arguments; main passes the real
// ones, tests pass string streams, a fake env and a fake transport.
struct CliIo {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  EnvLookup env;
  std::function<std::unique_ptr<Transport>(const Settings&)> connect;
  std::function<int64_t()> nowMs;
  Sleeper sleep;
};

struct GlobalArgs {
  ConnectionFlags connection;
  std::string output = "table";
};

struct ObjectArgs {
  std::string name;
  ListArgs list;
  std::string file;
  std::string spec;
  std::vector<std::string> labels;
  int64_t rev = -1;      // -1 = not given
  int64_t ifMatch = -1;  // -1 = not given
  std::string merge;
  std::string jsonPatch;
};

struct ApplyArgs {
  std::vector<std::string> files;
  bool dryRun = false;
};

struct TokenArgs {
  std::string ttl = "24h";
  std::string role = "admin";
  std::string description;
};

struct AdminArgs {
  std::string outputFile;
  std::string backupFile;
  std::string dataDir;
};

// Per-invocation state: the output format and a connection opened on first use.
class Context {
 public:
  Context(CliIo& io, GlobalArgs globals) : io_(io), globals_(std::move(globals)) {}

  CliIo& io() { return io_; }
  const GlobalArgs& globals() const { return globals_; }
  Result<OutputFormat> format() const { return parseOutputFormat(globals_.output); }
  // Resolves settings and connects once; failures are usage errors (config).
  tl::expected<ApiClient*, Failure> api();

 private:
  CliIo& io_;
  GlobalArgs globals_;
  std::unique_ptr<Transport> transport_;
  std::unique_ptr<ApiClient> api_;
};

Outcome listObjects(Context& ctx, const KindInfo& kind, const ObjectArgs& args);
Outcome getObject(Context& ctx, const KindInfo& kind, const ObjectArgs& args);
Outcome createObject(Context& ctx, const KindInfo& kind, const ObjectArgs& args);
Outcome replaceObject(Context& ctx, const KindInfo& kind, const ObjectArgs& args);
Outcome patchObject(Context& ctx, const KindInfo& kind, const ObjectArgs& args);
Outcome deleteObject(Context& ctx, const KindInfo& kind, const ObjectArgs& args);

Outcome applyCommand(Context& ctx, const ApplyArgs& args);
Outcome eventsCommand(Context& ctx, const EventsArgs& args);
Outcome tokenCreateCommand(Context& ctx, const TokenArgs& args);
Outcome infoCommand(Context& ctx);
Outcome backupCommand(Context& ctx, const AdminArgs& args);
Outcome restoreCommand(Context& ctx, const AdminArgs& args);

// Prints a value in the chosen format; `tableText` is what table mode shows.
void printValue(Context& ctx, OutputFormat format, const nlohmann::json& value,
                const std::string& tableText);

}  // namespace foundry::cli
