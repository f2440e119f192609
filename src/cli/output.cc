#include "cli/output.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>

#include <yaml-cpp/yaml.h>

#include "cli/documents.h"

namespace foundry::cli {
namespace {

using nlohmann::json;

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == y;
         });
}

// True when a plain scalar would not read back as this exact string, or
// when YAML 1.1 readers would take it for a boolean.
bool needsQuotes(const std::string& s) {
  if (s.empty() || !yamlPlainScalar(s).is_string()) return true;
  for (std::string_view word : {"yes", "no", "on", "off", "y", "n"}) {
    if (equalsIgnoreCase(s, word)) return true;
  }
  return false;
}

bool literalBlockFits(const std::string& s) {
  return s.size() > 1 && s.back() == '\n' && s[s.size() - 2] != '\n' && s.front() != ' ' &&
         s.front() != '\n' && s.find('\r') == std::string::npos;
}

void emitString(YAML::Emitter& out, const std::string& s) {
  if (s.find('\n') != std::string::npos) {
    if (literalBlockFits(s)) {
      out << YAML::Literal << s;
    } else {
      out << YAML::DoubleQuoted << s;
    }
  } else if (needsQuotes(s)) {
    out << YAML::DoubleQuoted << s;
  } else {
    out << s;
  }
}

void emit(YAML::Emitter& out, const json& v) {
  switch (v.type()) {
    case json::value_t::object:
      if (v.empty()) {
        out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
        return;
      }
      out << YAML::BeginMap;
      for (const auto& [key, value] : v.items()) {
        out << YAML::Key;
        emitString(out, key);
        out << YAML::Value;
        emit(out, value);
      }
      out << YAML::EndMap;
      return;
    case json::value_t::array:
      if (v.empty()) {
        out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
        return;
      }
      out << YAML::BeginSeq;
      for (const json& item : v) emit(out, item);
      out << YAML::EndSeq;
      return;
    case json::value_t::string:
      emitString(out, v.get<std::string>());
      return;
    case json::value_t::null:
      out << YAML::Null;
      return;
    default:  // numbers and booleans: JSON spelling is valid YAML
      out << v.dump();
      return;
  }
}

std::string cell(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

bool readDigits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  auto [ptr, ec] = std::from_chars(s.data() + pos, s.data() + pos + n, *out);
  return ec == std::errc() && ptr == s.data() + pos + n;
}

}  // namespace

Result<OutputFormat> parseOutputFormat(std::string_view name) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "json") return OutputFormat::kJson;
  if (name == "yaml") return OutputFormat::kYaml;
  return fail(ErrorCode::kInvalidArgument, "unknown output format '" + std::string(name) + "'",
              "", "use -o table, -o json or -o yaml");
}

std::string renderJson(const json& value) { return value.dump(2) + "\n"; }

std::string renderYaml(const json& value) {
  YAML::Emitter out;
  out.SetIndent(2);
  emit(out, value);
  std::string text = out.c_str();
  if (text.empty() || text.back() != '\n') text += '\n';
  return text;
}

std::string renderTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + "\n";
  }
  return out;
}

std::string renderObjectTable(const json& items, int64_t nowMs) {
  std::vector<std::vector<std::string>> rows{{"NAME", "LABELS", "REV", "AGE"}};
  if (items.is_array()) {
    for (const json& item : items) {
      if (!item.is_object()) continue;
      Result<int64_t> updated = parseTimestamp(cell(item, "updatedAt"));
      rows.push_back({cell(item, "name"), labelsText(item.value("labels", json::object()), 48),
                      cell(item, "rev"), updated ? formatAge(nowMs - *updated) : "-"});
    }
  }
  return renderTable(rows);
}

std::string labelsText(const json& labels, size_t maxChars) {
  if (!labels.is_object() || labels.empty()) return "<none>";
  std::string text;
  for (const auto& [key, value] : labels.items()) {  // nlohmann objects iterate sorted
    if (!text.empty()) text += ",";
    text += key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
  }
  if (text.size() > maxChars && maxChars > 3) text = text.substr(0, maxChars - 3) + "...";
  return text;
}

Result<int64_t> parseTimestamp(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  bool ok = s.size() >= 20 && readDigits(s, 0, 4, &y) && s[4] == '-' && readDigits(s, 5, 2, &mo) &&
            s[7] == '-' && readDigits(s, 8, 2, &d) && (s[10] == 'T' || s[10] == ' ') &&
            readDigits(s, 11, 2, &h) && s[13] == ':' && readDigits(s, 14, 2, &mi) &&
            s[16] == ':' && readDigits(s, 17, 2, &sec);
  if (!ok) return fail(ErrorCode::kInvalidArgument, "bad timestamp '" + std::string(s) + "'");
  size_t pos = 19;
  int64_t millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    int64_t scale = 100;
    for (++pos; pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])); ++pos) {
      millis += (s[pos] - '0') * scale;
      scale /= 10;
    }
  }
  std::string_view zone = s.substr(pos);
  if (zone != "Z" && zone != "+00:00") {
    return fail(ErrorCode::kInvalidArgument, "timestamp '" + std::string(s) + "' is not UTC");
  }
  using namespace std::chrono;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return fail(ErrorCode::kInvalidArgument, "bad date in '" + std::string(s) + "'");
  int64_t days = sys_days(ymd).time_since_epoch().count();
  return ((days * 24 + h) * 60 + mi) * 60'000 + sec * 1000 + millis;
}

std::string formatAge(int64_t millis) {
  if (millis < 0) return "-";
  int64_t s = millis / 1000;
  if (s < 120) return std::to_string(s) + "s";
  if (s < 120 * 60) return std::to_string(s / 60) + "m";
  if (s < 48 * 3600) return std::to_string(s / 3600) + "h";
  return std::to_string(s / 86400) + "d";
}

std::string eventLine(const json& event) {
  if (!event.is_object()) return event.dump();
  std::string principal = cell(event, "principal");
  return cell(event, "seq") + "  " + cell(event, "time") + "  " + cell(event, "kind") + "/" +
         cell(event, "key") + "  " + cell(event, "action") + "  " +
         (principal.empty() ? "-" : principal);
}

}  // namespace foundry::cli
