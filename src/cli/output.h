#pragma once
// Rendering API replies for humans (table) and for scripts (JSON, YAML).
// Pure: strings in, strings out; the caller supplies "now" for ages.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace foundry::cli {

enum class OutputFormat { kTable, kJson, kYaml };

Result<OutputFormat> parseOutputFormat(std::string_view name);

// Pretty JSON (2-space indent), newline-terminated.
std::string renderJson(const nlohmann::json& value);

// Block-style YAML; strings that would read back as another type ("8",
// "true", "null", "") are quoted so the output round-trips.
std::string renderYaml(const nlohmann::json& value);

// Columns padded to the widest cell, separated by two spaces; rows[0] is the
// header. Trailing spaces are trimmed.
std::string renderTable(const std::vector<std::vector<std::string>>& rows);

// NAME, LABELS, REV, AGE (since updatedAt) for an array of objects.
std::string renderObjectTable(const nlohmann::json& items, int64_t nowMs);

// "k=v,k2=v2" (sorted by key), cut to maxChars with "...". "<none>" if empty.
std::string labelsText(const nlohmann::json& labels, size_t maxChars);

// RFC 3339 UTC timestamp ("2026-12-03T15:18:22.123Z", fraction optional,
// "Z" or "+00:00") to unix milliseconds.
Result<int64_t> parseTimestamp(std::string_view text);

// "42s", "7m", "3h", "12d"; "-" for negative durations.
std::string formatAge(int64_t millis);

// One line per event: "<seq>  <time>  <Kind>/<key>  <action>  <principal>".
std::string eventLine(const nlohmann::json& event);

}  // namespace foundry::cli
