#pragma once
// Parsing of the endpoint URL a Client talks to:
//   http://host[:port][/base]   https://host[:port][/base]
// host is an IPv4 address, a bracketed IPv6 address ("[::1]") or a DNS name.
// A missing scheme means https (never a silent downgrade to cleartext).

#include <string>
#include <string_view>

#include "common/error.h"

namespace foundry::client {

struct Endpoint {
  bool tls = true;
  std::string host;        // without brackets, e.g. "::1" or "foundry.example"
  std::string port;        // decimal, e.g. "8443"
  bool hostIsIp = false;   // IPv4 or IPv6 literal
  std::string hostHeader;  // value for Host:, e.g. "[::1]:8443"
  std::string basePath;    // "" or "/prefix" (no trailing slash)
  std::string text;        // canonical "https://host:port/base" for messages
};

// kInvalidArgument (field "endpoint") with a hint when `text` is malformed.
Result<Endpoint> parseEndpoint(std::string_view text);

}  // namespace foundry::client
