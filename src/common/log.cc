#include "common/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

#include <nlohmann/json.hpp>

#include "common/clock.h"

namespace foundry::log {
namespace {

// Process-wide logger configuration. This is the one deliberate global: the
// log sink is a property of the process, set once by main before threads start.
std::atomic<Level> gLevel{Level::kInfo};
std::atomic<Format> gFormat{Format::kText};
std::mutex gWriteMutex;

std::string_view levelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

bool needsQuoting(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) return true;
  }
  return false;
}

}  // namespace

void setup(Level level, Format format) {
  gLevel = level;
  gFormat = format;
}

Result<Level> parseLevel(std::string_view name) {
  if (name == "debug") return Level::kDebug;
  if (name == "info") return Level::kInfo;
  if (name == "warn" || name == "warning") return Level::kWarn;
  if (name == "error") return Level::kError;
  return fail(ErrorCode::kInvalidArgument, "unknown log level '" + std::string(name) + "'",
              "log.level", "use one of debug, info, warn, error");
}

Result<Format> parseFormat(std::string_view name) {
  if (name == "text") return Format::kText;
  if (name == "json") return Format::kJson;
  return fail(ErrorCode::kInvalidArgument, "unknown log format '" + std::string(name) + "'",
              "log.format", "use text or json");
}

std::string formatLine(Format format, Level level, std::string_view event, Fields fields,
                       std::string_view timestamp) {
  if (format == Format::kJson) {
    nlohmann::json j;
    j["ts"] = timestamp;
    j["level"] = levelName(level);
    j["event"] = event;
    for (const auto& f : fields) j[std::string(f.key)] = f.value;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::string line;
  line.append(timestamp).append(" ").append(levelName(level)).append(" ").append(event);
  for (const auto& f : fields) {
    line.append(" ").append(f.key).append("=");
    if (needsQuoting(f.value)) {
      line.append(nlohmann::json(f.value).dump(-1, ' ', false,
                                                 nlohmann::json::error_handler_t::replace));
    } else {
      line.append(f.value);
    }
  }
  return line;
}

void write(Level level, std::string_view event, Fields fields) {
  if (level < gLevel.load()) return;
  std::string line =
      formatLine(gFormat.load(), level, event, fields, formatTimestamp(SystemClock().nowMs()));
  line.push_back('\n');
  std::lock_guard lock(gWriteMutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace foundry::log
