#pragma once
// Structured logging. Every line has a stable event name plus key=value
// fields; in JSON format each line is one JSON object. Secrets must never be
// passed as fields (tokens, passwords): log a fingerprint instead.

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "common/error.h"

namespace foundry::log {

enum class Level { kDebug, kInfo, kWarn, kError };
enum class Format { kText, kJson };

struct Field {
  std::string_view key;
  std::string value;
  Field(std::string_view k, std::string v) : key(k), value(std::move(v)) {}
  Field(std::string_view k, const char* v) : key(k), value(v) {}
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  template <class N>
    requires std::is_arithmetic_v<N>
  Field(std::string_view k, N v) : key(k), value(std::to_string(v)) {}
};
using Fields = std::initializer_list<Field>;

// Configures the process logger (stderr). Call once from main.
void setup(Level level, Format format);
Result<Level> parseLevel(std::string_view name);
Result<Format> parseFormat(std::string_view name);

void write(Level level, std::string_view event, Fields fields);
inline void debug(std::string_view event, Fields fields = {}) { write(Level::kDebug, event, fields); }
inline void info(std::string_view event, Fields fields = {}) { write(Level::kInfo, event, fields); }
inline void warn(std::string_view event, Fields fields = {}) { write(Level::kWarn, event, fields); }
inline void error(std::string_view event, Fields fields = {}) { write(Level::kError, event, fields); }

// Pure formatting, exposed for tests.
std::string formatLine(Format format, Level level, std::string_view event, Fields fields,
                       std::string_view timestamp);

}  // namespace foundry::log
