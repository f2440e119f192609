#pragma once
// HTTP(S) client for the CLI, the agent and the tests. Synchronous, one
// connection per Client (kept alive between calls). Verifies the server by a
// CA file or by the SHA-256 fingerprint of the CA certificate; never silently
// skips verification.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/error.h"

namespace foundry::client {

struct ClientOptions {
  std::string endpoint;       // "https://127.0.0.1:8443" or "http://127.0.0.1:8080"
  std::string token;          // bearer token; empty = anonymous
  std::string caFile;         // PEM CA bundle to verify the server
  std::string caFingerprint;  // "sha256:<hex>" (colons allowed) of the CA cert
  bool insecure = false;      // skip verification (explicit opt-in only)
  std::chrono::milliseconds timeout{30'000};
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& lowerName) const;
};

class Client {
 public:
  explicit Client(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends one request. Transport failures (connect, TLS verify, timeout) are
  // errors; any HTTP status is a successful HttpResponse.
  Result<HttpResponse> request(const std::string& method, const std::string& target,
                               const std::string& body = {},
                               const std::map<std::string, std::string>& headers = {});

  // Opens a Server-Sent Events stream at target and calls onEvent(id, event,
  // data) for each event until onEvent returns false, the server closes, or
  // an error occurs. lastEventId is sent as Last-Event-ID when non-empty.
  Status stream(const std::string& target, const std::string& lastEventId,
                const std::function<bool(const std::string& id, const std::string& event,
                                         const std::string& data)>& onEvent);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace foundry::client
