#include "client/errors.h"

#include <nlohmann/json.hpp>

namespace foundry::client {

namespace {

const char* verbOf(Phase phase) {
  switch (phase) {
    case Phase::kResolve: return "resolve the host of";
    case Phase::kConnect: return "connect to";
    case Phase::kTls: return "complete the TLS handshake with";
    case Phase::kWrite: return "send the request to";
    case Phase::kRead: return "read the response from";
    case Phase::kStream: return "read the event stream from";
  }
  return "talk to";
}

std::string hintFor(const Endpoint& endpoint, Phase phase, bool timedOut) {
  switch (phase) {
    case Phase::kResolve: return "check the host name in the endpoint";
    case Phase::kConnect:
      return timedOut ? "check the network path and firewall to " + endpoint.hostHeader
                      : "check that foundryd is running and listening on " + endpoint.hostHeader;
    case Phase::kTls:
      return endpoint.tls ? "check that the server speaks TLS on this port (or use http://)"
                          : std::string();
    default:
      return timedOut ? "the server is slow or unreachable; retry or raise the timeout"
                      : "retry; if it persists check the server's log";
  }
}

}  // namespace

Error transportFailure(const Endpoint& endpoint, Phase phase, std::string_view detail,
                       bool timedOut, std::chrono::milliseconds timeout) {
  std::string message = "cannot " + std::string(verbOf(phase)) + " " + endpoint.text + ": ";
  message += timedOut ? "timed out after " + std::to_string(timeout.count()) + " ms"
                      : std::string(detail);
  return Error{ErrorCode::kUnavailable, std::move(message), {}, hintFor(endpoint, phase, timedOut)};
}

Error tlsVerifyFailure(const Endpoint& endpoint, const std::string& failure) {
  return Error{ErrorCode::kUnauthenticated,
               "TLS verification of " + endpoint.text + " failed: " + failure,
               {},
               "verify the server's CA fingerprint with the operator (foundryd prints it at start)"};
}

Error httpStatusFailure(const std::string& what, int status, std::string_view body) {
  Error e{errorCodeForStatus(status), what + ": HTTP " + std::to_string(status), {}, {}};
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_discarded() && json.is_object() && json.contains("error") &&
      json["error"].is_object()) {
    const auto& err = json["error"];
    ErrorCode named{};
    if (err.contains("code") && err["code"].is_string() &&
        parseErrorCode(err["code"].get<std::string>(), &named)) {
      e.code = named;
    }
    if (err.contains("message") && err["message"].is_string()) {
      e.message += ": " + err["message"].get<std::string>();
    }
    if (err.contains("field") && err["field"].is_string()) e.field = err["field"].get<std::string>();
    if (err.contains("hint") && err["hint"].is_string()) e.hint = err["hint"].get<std::string>();
  } else if (!body.empty()) {
    constexpr std::size_t kMaxQuoted = 200;
    e.message += ": " + std::string(body.substr(0, kMaxQuoted));
  }
  return e;
}

}  // namespace foundry::client
