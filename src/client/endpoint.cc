#include "client/endpoint.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace foundry::client {

namespace {

tl::unexpected<Error> bad(std::string_view text, const std::string& why) {
  return fail(ErrorCode::kInvalidArgument, "bad endpoint '" + std::string(text) + "': " + why,
              "endpoint", "use e.g. https://192.0.2.10:8443, https://[2001:db8::1]:8443 or http://localhost:8080");
}

bool isIp(const std::string& host, int family) {
  std::array<unsigned char, 16> buf{};
  return ::inet_pton(family, host.c_str(), buf.data()) == 1;
}

bool validName(std::string_view host) {
  return !host.empty() && host.size() <= 253 && std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
  });
}

}  // namespace

Result<Endpoint> parseEndpoint(std::string_view text) {
  Endpoint ep;
  std::string_view rest = text;
  if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    ep.tls = false;
    rest.remove_prefix(7);
  } else if (rest.find("://") != std::string_view::npos) {
    return bad(text, "only http:// and https:// are supported");
  }
  std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view base = rest.substr(slash);
    while (base.ends_with('/')) base.remove_suffix(1);
    ep.basePath = std::string(base);
  }
  if (authority.find('@') != std::string_view::npos) {
    return bad(text, "credentials in the URL are not supported; use a token");
  }
  std::string_view portText;
  if (authority.starts_with('[')) {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad(text, "missing ']' after IPv6 address");
    ep.host = std::string(authority.substr(1, close - 1));
    if (!isIp(ep.host, AF_INET6)) return bad(text, "'" + ep.host + "' is not an IPv6 address");
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) return bad(text, "junk after ']'");
    if (!after.empty()) portText = after.substr(1);
    ep.hostIsIp = true;
  } else {
    std::size_t colon = authority.find(':');
    if (colon != std::string_view::npos && authority.find(':', colon + 1) != std::string_view::npos) {
      return bad(text, "IPv6 addresses must be written in brackets");
    }
    ep.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) portText = authority.substr(colon + 1);
    ep.hostIsIp = isIp(ep.host, AF_INET);
    if (!ep.hostIsIp && !validName(ep.host)) return bad(text, "missing or invalid host");
  }
  if (portText.empty()) {
    ep.port = ep.tls ? "443" : "80";
  } else {
    if (portText.size() > 5 || !std::all_of(portText.begin(), portText.end(), [](char c) {
          return c >= '0' && c <= '9';
        })) {
      return bad(text, "port must be a number");
    }
    int port = std::stoi(std::string(portText));
    if (port < 1 || port > 65535) return bad(text, "port must be between 1 and 65535");
    ep.port = std::to_string(port);
  }
  std::string bracketed = ep.host.find(':') != std::string::npos ? "[" + ep.host + "]" : ep.host;
  ep.hostHeader = bracketed + ":" + ep.port;
  ep.text = std::string(ep.tls ? "https://" : "http://") + ep.hostHeader + ep.basePath;
  return ep;
}

}  // namespace foundry::client
