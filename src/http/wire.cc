// Beast glue for requests and responses. See wire.h for the contract.

#include <utility>

#include "http/wire.h"

#include <algorithm>
#include <cctype>

#include <boost/asio/buffer.hpp>

#include "http/codec.h"

namespace foundry::http::wire {
namespace {

std::string_view view(boost::beast::string_view s) { return {s.data(), s.size()}; }

std::string lowerCase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool startsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && lowerCase(s.substr(0, prefix.size())) == prefix;
}

// RFC 9110 token characters, for header names coming from handlers.
bool isToken(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) !=
                                  std::string_view::npos;
  });
}

bool isSafeValue(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// Header names the server owns: a handler must not be able to desynchronize
// the framing of the connection.
bool isServerOwned(const std::string& lower) {
  return lower == "content-length" || lower == "transfer-encoding" || lower == "connection";
}

// Reduces the request target to the path-plus-query part, or nullopt for
// forms this server does not serve (CONNECT authority-form, garbage).
std::optional<std::string_view> originForm(std::string_view target, std::string_view method) {
  if (!target.empty() && target.front() == '/') return target;
  if (target == "*" && method == "OPTIONS") return target;
  for (std::string_view scheme : {"http://", "https://"}) {
    if (!startsWithNoCase(target, scheme)) continue;
    std::string_view rest = target.substr(scheme.size());
    size_t slash = rest.find_first_of("/?");
    if (slash == std::string_view::npos) return std::string_view("/");
    if (rest[slash] == '?') return std::nullopt;  // "http://host?x": no path
    return rest.substr(slash);
  }
  return std::nullopt;
}

void copyHeaders(const BeastRequest& msg, Request& out) {
  for (const auto& field : msg) {
    std::string name = lowerCase(view(field.name_string()));
    auto [it, inserted] = out.headers.emplace(name, std::string(view(field.value())));
    // Repeated fields combine into one comma-separated value (RFC 9110 5.3).
    if (!inserted) it->second.append(", ").append(view(field.value()));
  }
}

}  // namespace

void configureParser(RequestParser& parser, size_t maxBodyBytes) {
  parser.header_limit(static_cast<std::uint32_t>(kMaxHeaderBytes));
  parser.body_limit(maxBodyBytes);
}

Request partialRequest(const BeastRequest& msg, std::string remoteAddress, bool tls) {
  Request r;
  r.method = std::string(view(msg.method_string()));
  r.target = std::string(view(msg.target()));
  r.path = r.target.substr(0, r.target.find('?'));
  r.remoteAddress = std::move(remoteAddress);
  r.tls = tls;
  copyHeaders(msg, r);
  return r;
}

Result<Request> buildRequest(BeastRequest&& msg, std::string remoteAddress, bool tls) {
  Request r = partialRequest(msg, std::move(remoteAddress), tls);
  if (msg.version() >= 11 && r.headers.find("host") == r.headers.end()) {
    return fail(ErrorCode::kInvalidArgument, "HTTP/1.1 request without Host header");
  }
  auto form = originForm(r.target, r.method);
  if (!form) return fail(ErrorCode::kInvalidArgument, "unsupported request target");
  std::string_view pathAndQuery = *form;
  size_t qmark = pathAndQuery.find('?');
  auto path = percentDecode(pathAndQuery.substr(0, qmark), false);
  if (!path) return fail(ErrorCode::kInvalidArgument, "malformed percent-escape in path");
  if (path->find('\0') != std::string::npos) {
    return fail(ErrorCode::kInvalidArgument, "path contains NUL");
  }
  r.path = std::move(*path);
  if (qmark != std::string_view::npos) {
    auto query = parseQueryStrict(pathAndQuery.substr(qmark + 1));
    if (!query) return fail(ErrorCode::kInvalidArgument, "malformed percent-escape in query");
    r.query = std::move(*query);
  }
  r.body = std::move(msg.body());
  return r;
}

BeastResponse toBeastResponse(Response&& response, const Request& request, bool keepAlive,
                              unsigned version) {
  BeastResponse out;
  out.version(version);
  if (response.status < 100 || response.status > 999) response = errorResponse(ErrorCode::kInternal, "handler returned an invalid status");
  out.result(static_cast<unsigned>(response.status));
  bool haveServer = false;
  for (auto& [name, value] : response.headers) {
    std::string lower = lowerCase(name);
    if (!isToken(name) || !isSafeValue(value) || isServerOwned(lower)) continue;
    haveServer = haveServer || lower == "server";
    out.insert(name, value);
  }
  if (!haveServer) out.set(bhttp::field::server, "foundry");
  int status = response.status;
  bool noBody = status < 200 || status == 204 || status == 304;
  if (noBody) {
    response.body.clear();
  } else if (request.method == "HEAD") {
    out.content_length(response.body.size());  // what a GET would have sent
  } else {
    out.body() = std::move(response.body);
    out.prepare_payload();
  }
  out.keep_alive(keepAlive);
  return out;
}

StreamHeader streamHeader(Response& response, bool chunked, bool keepAlive, unsigned version) {
  StreamHeader out;
  out.version(version);
  out.result(static_cast<unsigned>(response.status < 200 || response.status > 999 ? 500 : response.status));
  bool haveServer = false;
  for (auto& [name, value] : response.headers) {
    std::string lower = lowerCase(name);
    if (!isToken(name) || !isSafeValue(value) || isServerOwned(lower)) continue;
    haveServer = haveServer || lower == "server";
    out.insert(name, value);
  }
  if (!haveServer) out.set(bhttp::field::server, "foundry");
  out.chunked(chunked);
  out.keep_alive(chunked && keepAlive);  // close-delimited: the end of the body ends the connection
  return out;
}

Result<Request> parseRequestBytes(std::string_view raw, size_t maxBodyBytes) {
  RequestParser parser;
  configureParser(parser, maxBodyBytes);
  parser.eager(true);
  boost::beast::error_code ec;
  while (!raw.empty() && !parser.is_done()) {
    size_t used = parser.put(boost::asio::buffer(raw.data(), raw.size()), ec);
    if (ec == bhttp::error::need_more) break;  // incomplete input
    if (ec) return fail(ErrorCode::kInvalidArgument, ec.message());
    if (used == 0) break;
    raw.remove_prefix(used);
  }
  if (!parser.is_done()) {
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return fail(ErrorCode::kInvalidArgument, "incomplete request");
  }
  return buildRequest(parser.release(), "fuzz", false);
}

}  // namespace foundry::http::wire
