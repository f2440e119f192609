// Pure, socket-free pieces of the HTTP module: percent-decoding, query
// parsing, Request/Response helpers and the JSON error body. Kept apart from
// the Beast code so they are cheap to unit-test and fuzz.

#include "http/codec.h"

#include <cstdio>

#include "http/server.h"

namespace foundry::http {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes one query component; malformed escapes keep the raw text, because
// parseQuery() has no way to report an error (request building rejects them
// earlier through parseQueryStrict()).
std::string decodeLenient(std::string_view in) {
  auto decoded = percentDecode(in, true);
  return decoded ? std::move(*decoded) : std::string(in);
}

}  // namespace

std::optional<std::string> percentDecode(std::string_view in, bool plusAsSpace) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;  // need two hex digits
      int hi = hexValue(in[i + 1]);
      int lo = hexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plusAsSpace) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<std::multimap<std::string, std::string>> parseQueryStrict(std::string_view query) {
  std::multimap<std::string, std::string> out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto key = percentDecode(pair.substr(0, eq), true);
    auto value = eq == std::string_view::npos ? std::optional<std::string>(std::string())
                                              : percentDecode(pair.substr(eq + 1), true);
    if (!key || !value) return std::nullopt;
    out.emplace(std::move(*key), std::move(*value));
  }
  return out;
}

std::multimap<std::string, std::string> parseQuery(std::string_view query) {
  std::multimap<std::string, std::string> out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string value = eq == std::string_view::npos ? std::string() : decodeLenient(pair.substr(eq + 1));
    out.emplace(decodeLenient(pair.substr(0, eq)), std::move(value));
  }
  return out;
}

std::string Request::header(const std::string& lowerName) const {
  auto it = headers.find(lowerName);
  return it == headers.end() ? std::string() : it->second;
}

Response Response::json(int status, std::string body) {
  return text(status, std::move(body), "application/json");
}

Response Response::text(int status, std::string body, std::string contentType) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", std::move(contentType));
  r.body = std::move(body);
  return r;
}

std::string jsonEscape(std::string_view in) {
  std::string out;
  out.reserve(in.size() + 2);
  for (char c : in) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

Response errorResponse(ErrorCode code, std::string_view message, int status) {
  std::string body = "{\"error\":{\"code\":\"" + std::string(errorCodeName(code)) +
                     "\",\"message\":\"" + jsonEscape(message) + "\"}}";
  return Response::json(status != 0 ? status : httpStatus(code), std::move(body));
}

}  // namespace foundry::http
