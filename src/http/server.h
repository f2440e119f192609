#pragma once
// HTTP/1.1 server over Boost.Beast, plain or TLS, for the API and operations
// endpoints. Beast and Asio stay inside server.cc: this header is all that the
// rest of Foundry sees.
//
// Handlers are synchronous functions called on one of the server's threads;
// they may block briefly (store calls). A handler may return a streaming body
// (Server-Sent Events): the server then calls BodyStream::next() whenever it is
// woken (wakeStreams()) or every heartbeat interval, and writes what it gets.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace foundry::http {

struct Request {
  std::string method;  // "GET", ...
  std::string target;  // raw target, e.g. "/api/v1/machines?limit=5"
  std::string path;    // percent-decoded path without the query
  std::multimap<std::string, std::string> query;    // percent-decoded
  std::map<std::string, std::string> headers;       // names lower-cased
  std::string body;
  std::string remoteAddress;  // peer IP
  bool tls = false;

  // Header value or empty.
  std::string header(const std::string& lowerName) const;
};

// A streamed body. next() returns data to write now ("" when there is nothing
// yet) or std::nullopt when the stream has ended. Never blocks.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  virtual std::optional<std::string> next() = 0;
  // Written when a heartbeat interval passes with no data (SSE comment).
  virtual std::string heartbeat() { return ":\n\n"; }
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::unique_ptr<BodyStream> stream;  // when set, body is ignored

  static Response json(int status, std::string body);
  static Response text(int status, std::string body, std::string contentType = "text/plain");
};

using Handler = std::function<Response(const Request&)>;

struct TlsFiles {
  std::string certChainPath;  // PEM, server cert first
  std::string privateKeyPath;  // PEM
};

struct ListenerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0 = ephemeral; ask port() after start
  std::optional<TlsFiles> tls;
};

struct ServerOptions {
  int threads = 4;
  size_t maxBodyBytes = 8 * 1024 * 1024;  // larger bodies get 413
  std::chrono::milliseconds idleTimeout{60'000};
  std::chrono::milliseconds streamHeartbeat{15'000};
  std::chrono::milliseconds streamPoll{1'000};  // also poll streams without a wake
  // Called after every completed request (for access logs and metrics).
  std::function<void(const Request&, int status, size_t bytes, double seconds)> onRequest;
};

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds a listener. Call before start(). Returns the bound port.
  Result<uint16_t> listen(const ListenerOptions& options);

  // Starts the accept loops and worker threads; returns immediately.
  void start();

  // Wakes every open stream so it calls next() now. Thread-safe.
  void wakeStreams();

  // Graceful stop: stop accepting, let in-flight requests finish (up to
  // `grace`), end streams, join threads. Idempotent.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(10'000));

  // Ports bound by listen(), in order.
  std::vector<uint16_t> ports() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Splits "a=1&b=x%20y" into decoded pairs ('+' decodes to space).
std::multimap<std::string, std::string> parseQuery(std::string_view query);
// Percent-decodes; returns nullopt on malformed escapes.
std::optional<std::string> percentDecode(std::string_view in, bool plusAsSpace);

}  // namespace foundry::http
